//! Who may do what: moderators (Manage Messages, Administrator, or the moderator role) and the
//! refusal everyone else gets. Discord hides moderator commands from members
//! (`default_member_permissions`), but a server's admins can change that per command, so the bot
//! checks again on every use.

use super::reply::{parts, say};
use super::{CommandError, Context};
use crate::discord::DiscordConfig;
use serenity::cache::Cache;
use serenity::model::guild::Member;
use serenity::model::id::GuildId;

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

/// The member's moderator standing, from the permissions Discord resolved for the interaction's
/// channel, or from the configured moderator role (its id, or its name as the cache knows it).
pub(crate) fn moderator_standing(
    cache: &Cache,
    member: Option<&Member>,
    guild_id: Option<GuildId>,
    config: &DiscordConfig,
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
    let wanted = config
        .moderator_role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())?;
    let guild = guild_id.and_then(|g| cache.guild(g));
    member.roles.iter().find_map(|role_id| {
        let name = guild
            .as_ref()
            .and_then(|g| g.roles.get(role_id))
            .map(|r| r.name.clone());
        let matches = role_id.get().to_string() == wanted
            || name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(wanted));
        matches.then(|| Standing::Role(name.unwrap_or_else(|| wanted.to_string())))
    })
}

pub(crate) const REFUSED: &str =
    "Only moderators can use this: it needs the Manage Messages permission or the server's moderator role.";

/// The caller's name for the record ("name (id)"), if they may moderate; else they are refused.
pub(crate) async fn moderator(ctx: &Context<'_>) -> Result<Option<String>, CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(None);
    };
    let standing = moderator_standing(
        ctx.serenity_context().cache.as_ref(),
        ix.member.as_deref(),
        ix.guild_id,
        &core.discord,
    );
    match standing {
        Some(_) => Ok(Some(format!("{} ({})", ix.user.name, ix.user.id))),
        None => {
            say(ctx, REFUSED).await?;
            Ok(None)
        }
    }
}
