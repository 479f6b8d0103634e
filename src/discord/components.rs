//! Buttons and modals: a custom_id is parsed into a [`ComponentAction`], then dispatched.
//!
//! custom_ids are `rt:` followed by the action and its arguments, `:`-separated, and stay well
//! under Discord's 100 characters: `rt:ping`, `rt:vote:<discussion>:<option>`,
//! `rt:reply:<discussion>`. An id the bot cannot place (another version's, or a discussion it no
//! longer knows) gets a polite ephemeral answer, never silence.

use super::commands::{self, ephemeral, moderator_standing, ping_buttons, ping_text};
use super::{no_mentions, CommandError, Data};
use serenity::builder::{CreateInteractionResponse, CreateInteractionResponseMessage};
use serenity::client::Context;
use serenity::gateway::ShardManager;
use serenity::model::application::{ComponentInteraction, ModalInteraction};

/// What a component's custom_id asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentAction {
    /// "Ping again" under `/ping`'s answer.
    Ping,
    /// A stance button under a discussion post.
    Vote { discussion: u64, option: String },
    /// "Write a reply": opens the reply modal; the modal's custom_id is the same.
    Reply { discussion: u64 },
}

const PREFIX: &str = "rt";

impl ComponentAction {
    pub fn parse(custom_id: &str) -> Option<ComponentAction> {
        let mut parts = custom_id.split(':');
        if parts.next()? != PREFIX {
            return None;
        }
        let action = match (parts.next()?, parts.next(), parts.next()) {
            ("ping", None, None) => ComponentAction::Ping,
            ("vote", Some(d), Some(option)) if valid_option(option) => ComponentAction::Vote {
                discussion: d.parse().ok()?,
                option: option.to_string(),
            },
            ("reply", Some(d), None) => ComponentAction::Reply {
                discussion: d.parse().ok()?,
            },
            _ => return None,
        };
        parts.next().is_none().then_some(action)
    }

    pub fn custom_id(&self) -> String {
        match self {
            ComponentAction::Ping => format!("{PREFIX}:ping"),
            ComponentAction::Vote { discussion, option } => {
                format!("{PREFIX}:vote:{discussion}:{option}")
            }
            ComponentAction::Reply { discussion } => format!("{PREFIX}:reply:{discussion}"),
        }
    }
}

fn valid_option(key: &str) -> bool {
    !key.is_empty()
        && key.chars().count() <= crate::limits::ours::OPTION_KEY
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) const UNKNOWN_DISCUSSION: &str =
    "This discussion is unknown or already closed, so nothing was recorded.";
pub(super) const STALE: &str =
    "This button is out of date: roundtable no longer knows what it belongs to.";

pub(super) async fn on_component(
    ctx: &Context,
    shards: &ShardManager,
    data: &Data,
    interaction: &ComponentInteraction,
) -> Result<(), CommandError> {
    let response = match ComponentAction::parse(&interaction.data.custom_id) {
        Some(ComponentAction::Ping) => {
            match moderator_standing(
                &ctx.cache,
                interaction.member.as_ref(),
                interaction.guild_id,
                &data.config,
            ) {
                Some(standing) => {
                    let latency = shard_latency(ctx, shards).await;
                    CreateInteractionResponse::UpdateMessage(
                        CreateInteractionResponseMessage::new()
                            .content(ping_text(latency, &standing, None))
                            .components(ping_buttons())
                            .allowed_mentions(no_mentions()),
                    )
                }
                None => ephemeral(commands::REFUSED),
            }
        }
        // Votes and replies reach the core in the discussion issue; until then no discussion is open.
        Some(ComponentAction::Vote { .. } | ComponentAction::Reply { .. }) => {
            ephemeral(UNKNOWN_DISCUSSION)
        }
        None => {
            tracing::debug!("unknown custom_id {:?}", interaction.data.custom_id);
            ephemeral(STALE)
        }
    };
    data.rest
        .answer(interaction.id, &interaction.token, &response)
        .await?;
    Ok(())
}

pub(super) async fn on_modal(
    _ctx: &Context,
    data: &Data,
    interaction: &ModalInteraction,
) -> Result<(), CommandError> {
    let response = match ComponentAction::parse(&interaction.data.custom_id) {
        Some(ComponentAction::Reply { .. }) => ephemeral(UNKNOWN_DISCUSSION),
        _ => ephemeral(STALE),
    };
    data.rest
        .answer(interaction.id, &interaction.token, &response)
        .await?;
    Ok(())
}

/// The shard's heartbeat latency; zero until the first heartbeat is acknowledged.
async fn shard_latency(ctx: &Context, shards: &ShardManager) -> std::time::Duration {
    shards
        .runners
        .lock()
        .await
        .get(&ctx.shard_id)
        .and_then(|runner| runner.latency)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip() {
        for action in [
            ComponentAction::Ping,
            ComponentAction::Vote {
                discussion: 42,
                option: "agree".into(),
            },
            ComponentAction::Reply {
                discussion: u64::MAX,
            },
        ] {
            let id = action.custom_id();
            assert!(id.chars().count() <= crate::limits::CUSTOM_ID, "{id}");
            assert_eq!(ComponentAction::parse(&id), Some(action));
        }
    }

    #[test]
    fn foreign_or_malformed_custom_ids_are_not_ours() {
        for id in [
            "",
            "rt",
            "rt:",
            "rt:ping:extra",
            "rt:vote:x:agree",
            "rt:vote:1",
            "rt:vote:1:Agree",
            "xx:ping",
            "rt:reply:1:2",
        ] {
            assert_eq!(ComponentAction::parse(id), None, "{id}");
        }
    }
}
