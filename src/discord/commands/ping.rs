//! `/ping`: is roundtable up, and may you use its moderator commands?

use crate::discord::access::{moderator_standing, Standing, REFUSED};
use crate::discord::reply::{ephemeral, no_mentions, server_of};
use crate::discord::{CommandError, ComponentAction, Context};
use serenity::builder::{
    CreateActionRow, CreateAutocompleteResponse, CreateButton, CreateInteractionResponse,
    CreateInteractionResponseMessage,
};
use serenity::model::application::ButtonStyle;
use std::time::Duration;

/// What `/ping` can report on.
const CHECKS: [&str; 2] = ["gateway", "permissions"];

/// The text of `/ping`'s answer.
pub(crate) fn ping_text(latency: Duration, standing: &Standing, check: Option<&str>) -> String {
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

pub(crate) fn ping_buttons() -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![CreateButton::new(
        ComponentAction::Ping.custom_id(),
    )
    .label("Ping again")
    .style(ButtonStyle::Secondary)])]
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
pub(crate) async fn ping(
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
    let standing = match server_of(interaction) {
        Some(server) => {
            let config = data.core.settings(server).await?;
            moderator_standing(
                ctx.serenity_context().cache.as_ref(),
                interaction.member.as_deref(),
                interaction.guild_id,
                &config,
            )
        }
        None => None,
    };
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
