//! Who may do what, in the server the request came from: moderators (Manage Messages,
//! Administrator, or one of the server's moderator roles), members who may take part (everyone, or
//! the server's voter roles), and who may change the server's settings (Manage Server). Discord
//! hides moderator commands from members (`default_member_permissions`), but a server's admins can
//! change that per command, so the bot checks again on every use.
//!
//! Roles a server chose with `/settings` are matched by id: renaming a role changes nothing. Roles
//! named in the configuration file are matched by id, or by name for older configurations.

use super::reply::{parts, say, server_of};
use super::{CommandError, Context};
use crate::settings::{RoleRef, ServerConfig};
use crate::store::ServerId;
use serenity::cache::Cache;
use serenity::model::guild::Member;
use serenity::model::id::{GuildId, RoleId};

/// Why a member may use moderator commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Standing {
    Administrator,
    ManageMessages,
    Role(String),
}

impl std::fmt::Display for Standing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Standing::Administrator => f.write_str("you are an administrator"),
            Standing::ManageMessages => f.write_str("you have Manage Messages"),
            Standing::Role(name) => write!(f, "you have the moderator role {name}"),
        }
    }
}

/// The first of `roles` (a member's) that `wanted` names, with its name as the cache knows it.
fn matching_role(
    cache: &Cache,
    guild: Option<GuildId>,
    roles: &[RoleId],
    wanted: &[RoleRef],
) -> Option<(RoleId, Option<String>)> {
    if wanted.is_empty() {
        return None;
    }
    let name_of = |role: &RoleId| {
        guild
            .and_then(|g| cache.guild(g))
            .and_then(|g| g.roles.get(role).map(|r| r.name.clone()))
    };
    roles.iter().find_map(|role| {
        let name = || name_of(role);
        let hit = wanted.iter().any(|w| match w {
            RoleRef::Id(id) => role.get() == *id,
            RoleRef::Name(n) => name().is_some_and(|have| have.eq_ignore_ascii_case(n)),
        });
        hit.then(|| (*role, name()))
    })
}

/// The member's moderator standing in the server, from the permissions Discord resolved for the
/// interaction's channel, or from the server's moderator roles.
pub(crate) fn moderator_standing(
    cache: &Cache,
    member: Option<&Member>,
    guild_id: Option<GuildId>,
    config: &ServerConfig,
) -> Option<Standing> {
    let member = member?;
    if let Some(permissions) = member.permissions {
        if permissions.administrator() {
            return Some(Standing::Administrator);
        }
        if permissions.manage_messages() {
            return Some(Standing::ManageMessages);
        }
    }
    let (role, name) = matching_role(cache, guild_id, &member.roles, &config.moderator_roles)?;
    Some(Standing::Role(
        name.unwrap_or_else(|| format!("<@&{role}>")),
    ))
}

/// Whether a member holding `roles` may vote and reply in the server: everyone, or holders of
/// one of its voter roles.
pub(crate) fn may_take_part(
    cache: &Cache,
    guild: Option<GuildId>,
    roles: Option<&[RoleId]>,
    config: &ServerConfig,
) -> bool {
    if config.voter_roles.is_empty() {
        return true;
    }
    let Some(roles) = roles else { return false };
    matching_role(cache, guild, roles, &config.voter_roles).is_some()
}

/// The refusal of a member without a voter role.
pub(crate) fn not_allowed(config: &ServerConfig) -> String {
    format!(
        "Only members with the role {} can take part in discussions here; nothing was recorded.",
        roles_text(&config.voter_roles, " or ")
    )
}

/// Roles for people: mentions for ids (nobody is pinged: mentions are never allowed), names
/// for the file's names.
pub(crate) fn roles_text(roles: &[RoleRef], sep: &str) -> String {
    roles
        .iter()
        .map(|r| match r {
            RoleRef::Id(id) => format!("<@&{id}>"),
            RoleRef::Name(n) => n.clone(),
        })
        .collect::<Vec<_>>()
        .join(sep)
}

pub(crate) const REFUSED: &str =
    "Only moderators can use this: it needs the Manage Messages permission or the server's moderator role.";

pub(crate) const NOT_A_MANAGER: &str =
    "Only members with the Manage Server permission can change roundtable's settings here.";

/// The caller's name for the record ("name (id)"), and the server, if they may moderate there;
/// else they are refused.
pub(crate) async fn moderator(
    ctx: &Context<'_>,
) -> Result<Option<(String, ServerId)>, CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(None);
    };
    let Some(server) = server_of(ix) else {
        say(ctx, REFUSED).await?;
        return Ok(None);
    };
    let config = core.settings(server).await.map_err(CommandError::Flow)?;
    let standing = moderator_standing(
        ctx.serenity_context().cache.as_ref(),
        ix.member.as_deref(),
        ix.guild_id,
        &config,
    );
    match standing {
        Some(_) => Ok(Some((format!("{} ({})", ix.user.name, ix.user.id), server))),
        None => {
            say(ctx, REFUSED).await?;
            Ok(None)
        }
    }
}

/// The caller's name for the record, and the server, if they may change its settings (Manage
/// Server, or Administrator); else they are refused.
pub(crate) async fn manager(ctx: &Context<'_>) -> Result<Option<(String, ServerId)>, CommandError> {
    let Some((ix, _)) = parts(ctx) else {
        return Ok(None);
    };
    let allowed = ix
        .member
        .as_deref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.administrator() || p.manage_guild());
    match (server_of(ix), allowed) {
        (Some(server), true) => Ok(Some((format!("{} ({})", ix.user.name, ix.user.id), server))),
        _ => {
            say(ctx, NOT_A_MANAGER).await?;
            Ok(None)
        }
    }
}
