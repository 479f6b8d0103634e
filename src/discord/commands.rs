//! Slash commands: one function per command, the doc comment is the command's description.
//!
//! Discord hides moderator commands from members (`default_member_permissions`), but a server's
//! admins can change that per command, so the bot checks again on every use and refuses members
//! with an ephemeral answer.

use super::{no_mentions, CommandError, Context, Data};
use crate::discord::DiscordConfig;
use serenity::builder::{
    CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateInteractionResponse,
    CreateInteractionResponseMessage,
};
use serenity::cache::Cache;
use serenity::model::application::ButtonStyle;
use serenity::model::guild::Member;
use serenity::model::id::GuildId;
use std::time::Duration;

pub(super) fn all() -> Vec<poise::Command<Data, CommandError>> {
    vec![
        ping(),
        super::moderation::discussion(),
        super::moderation::prompts(),
        super::moderation::schedule(),
    ]
}

/// What `/ping` can report on.
const CHECKS: [&str; 2] = ["gateway", "permissions"];

/// Why a member may use moderator commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Standing {
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
pub(super) fn moderator_standing(
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

pub(super) const REFUSED: &str =
    "Only moderators can use this: it needs the Manage Messages permission or the server's moderator role.";

/// The text of `/ping`'s answer.
pub(super) fn ping_text(latency: Duration, standing: &Standing, check: Option<&str>) -> String {
    let gateway = if latency.is_zero() {
        "Gateway: connected (latency not measured yet).".to_string()
    } else {
        format!(
            "Gateway: connected, heartbeat latency {} ms.",
            latency.as_millis()
        )
    };
    let permissions = format!("Moderator commands: allowed ({standing}).");
    match check {
        Some("gateway") => format!("Pong. {gateway}"),
        Some("permissions") => format!("Pong. {permissions}"),
        _ => format!("Pong. {gateway}\n{permissions}"),
    }
}

pub(super) fn ping_buttons() -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![CreateButton::new(
        super::ComponentAction::Ping.custom_id(),
    )
    .label("Ping again")
    .style(ButtonStyle::Secondary)])]
}

pub(super) fn ephemeral(text: impl Into<String>) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
}

async fn autocomplete_check(_ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let choices = CHECKS
        .iter()
        .filter(|c| c.starts_with(&partial))
        .map(|c| serenity::builder::AutocompleteChoice::new(*c, *c))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Check that roundtable is up and that you may use its moderator commands.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES"
)]
pub(super) async fn ping(
    ctx: Context<'_>,
    #[description = "What to check: gateway or permissions (default: both)"]
    #[autocomplete = "autocomplete_check"]
    check: Option<String>,
) -> Result<(), CommandError> {
    let poise::Context::Application(actx) = ctx else {
        return Ok(());
    };
    let interaction = actx.interaction;
    let data = ctx.data();
    let standing = moderator_standing(
        ctx.serenity_context().cache.as_ref(),
        interaction.member.as_deref(),
        interaction.guild_id,
        &data.config,
    );
    let response = match standing {
        Some(standing) => {
            let text = ping_text(ctx.ping().await, &standing, check.as_deref());
            CreateInteractionResponse::Message(
                CreateInteractionResponseMessage::new()
                    .content(text)
                    .ephemeral(true)
                    .components(ping_buttons())
                    .allowed_mentions(no_mentions()),
            )
        }
        None => ephemeral(REFUSED),
    };
    data.rest
        .answer(interaction.id, &interaction.token, &response)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_text_reports_only_what_was_asked() {
        let latency = Duration::from_millis(12);
        let text = ping_text(latency, &Standing::ManageMessages, Some("gateway"));
        assert_eq!(text, "Pong. Gateway: connected, heartbeat latency 12 ms.");
        let text = ping_text(Duration::ZERO, &Standing::Role("Mods".into()), None);
        assert!(text.contains("latency not measured yet"), "{text}");
        assert!(text.contains("you have the moderator role Mods"), "{text}");
    }
}
