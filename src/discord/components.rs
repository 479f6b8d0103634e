//! Buttons and modals: a custom_id is parsed, then dispatched.
//!
//! custom_ids are roundtable's own (`crate::render::ids`: `rt:v:<discussion>:<option>` a stance,
//! `rt:w:<discussion>` withdraw, `rt:r:<discussion>` open the reply form, `rt:m:<discussion>` the
//! form's submission) plus `rt:ping`. An id the bot cannot place (another version's, a discussion
//! it does not know) gets a polite ephemeral answer, never silence. State comes from the store, so
//! buttons keep working after a restart.

use super::access::{moderator_standing, REFUSED};
use super::commands::{ping_buttons, ping_text};
use super::flows::{blocking, FlowError};
use super::reply::ephemeral;
use super::{no_mentions, CommandError, Data};
use crate::discussion::{DiscussionError, VoteOutcome};
use crate::render::{self, ids::Action};
use crate::store::{DiscussionId, ReplySource};
use serenity::builder::{
    CreateActionRow, CreateButton, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateModal,
};
use serenity::client::Context;
use serenity::gateway::ShardManager;
use serenity::model::application::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, InputTextStyle, ModalInteraction,
};
use serenity::model::guild::Member;

/// What a component's custom_id asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentAction {
    /// "Ping again" under `/ping`'s answer.
    Ping,
    /// A discussion's button or form.
    Discussion(Action),
}

impl ComponentAction {
    pub fn parse(custom_id: &str) -> Option<ComponentAction> {
        if custom_id == "rt:ping" {
            return Some(ComponentAction::Ping);
        }
        Action::parse(custom_id).map(ComponentAction::Discussion)
    }

    pub fn custom_id(&self) -> String {
        match self {
            ComponentAction::Ping => "rt:ping".to_string(),
            ComponentAction::Discussion(a) => a.custom_id(),
        }
    }
}

pub(super) const UNKNOWN_DISCUSSION: &str =
    "This discussion is unknown or already closed, so nothing was recorded.";
pub(super) const STALE: &str =
    "This button is out of date: roundtable no longer knows what it belongs to.";
/// A discussion's button or form used outside a server (in a DM): there is no server to scope
/// the discussion to, nor a member to count.
pub(super) const NOT_IN_A_SERVER: &str =
    "Discussions take place in a server's channels: take part there. Nothing was recorded.";
const REPLY_FIELD: &str = "text";

/// Whether `member` may vote and reply: everyone, or holders of one of the configured roles (by
/// id or by name as the cache knows it).
fn may_take_part(
    ctx: &Context,
    data: &Data,
    member: Option<&Member>,
    guild: Option<serenity::model::id::GuildId>,
) -> bool {
    let wanted = &data.config.voter_roles;
    if wanted.is_empty() {
        return true;
    }
    let Some(member) = member else { return false };
    let g = guild.and_then(|g| ctx.cache.guild(g));
    member.roles.iter().any(|role| {
        let name = g
            .as_ref()
            .and_then(|g| g.roles.get(role))
            .map(|r| r.name.clone());
        wanted.iter().any(|w| {
            w == &role.get().to_string()
                || name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(w))
        })
    })
}

fn not_allowed(data: &Data) -> String {
    format!(
        "Only members with the role {} can take part in discussions here; nothing was recorded.",
        data.config.voter_roles.join(" or ")
    )
}

/// The answer a member gets when the engine refuses.
fn refusal(e: &FlowError) -> String {
    match e {
        FlowError::Discussion(DiscussionError::NotFound(_)) => UNKNOWN_DISCUSSION.to_string(),
        FlowError::Discussion(DiscussionError::Closed { id, at, by }) => format!(
            "Discussion #{id} closed {}{}; it no longer takes votes or replies. Nothing was recorded.",
            render::fmt_time(*at),
            match by {
                Some(who) => format!(" (closed by {})", render::person(who)),
                None => " (its time was up)".to_string(),
            }
        ),
        FlowError::Discussion(e @ DiscussionError::UnknownOption { .. }) => {
            format!("{e}. Nothing was recorded.")
        }
        FlowError::Discussion(
            e @ (DiscussionError::ReplyTooLong { .. } | DiscussionError::EmptyReply),
        ) => {
            format!("{e}. Nothing was recorded.")
        }
        other => {
            tracing::error!("answer not recorded: {other}");
            "Something went wrong and nothing was recorded; please try again.".to_string()
        }
    }
}

async fn vote(
    data: &Data,
    member: String,
    id: DiscussionId,
    key: &str,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let d = core.discussion(id).await?;
    let outcome = core.engine.vote_async(&d, &member, key).await?;
    core.live.mark(id);
    let text = render::vote_receipt(&outcome);
    Ok(match outcome {
        VoteOutcome::Unchanged { .. } => CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .content(text)
                .ephemeral(true)
                .components(vec![CreateActionRow::Buttons(vec![CreateButton::new(
                    Action::Withdraw { discussion: id }.custom_id(),
                )
                .label("Withdraw my stance")
                .style(ButtonStyle::Secondary)])])
                .allowed_mentions(no_mentions()),
        ),
        VoteOutcome::Recorded { .. } => ephemeral(text),
    })
}

async fn withdraw(
    data: &Data,
    member: String,
    id: DiscussionId,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let d = core.discussion(id).await?;
    let outcome = core.engine.withdraw_async(&d, &member).await?;
    core.live.mark(id);
    // The button sits on the member's own ephemeral answer: replace it.
    Ok(CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(render::withdraw_receipt(&outcome))
            .components(Vec::new())
            .allowed_mentions(no_mentions()),
    ))
}

async fn reply_form(data: &Data, id: DiscussionId) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let d = core.discussion(id).await?;
    if !d.is_open(core.engine.now()) {
        return Err(FlowError::Discussion(DiscussionError::Closed {
            id,
            at: d
                .record
                .closed_as_of(core.engine.now())
                .unwrap_or_else(|| core.engine.now()),
            by: d.record.closed_by.clone(),
        }));
    }
    let max = core
        .engine
        .rules()
        .max_reply_chars
        .min(crate::limits::TEXT_INPUT) as u16;
    let input = CreateInputText::new(InputTextStyle::Paragraph, "Your reply", REPLY_FIELD)
        .placeholder("Only the moderators' tally and exports see it; it is not posted.")
        .min_length(1)
        .max_length(max)
        .required(true);
    let title = render::cut::cut(
        &format!("Reply to discussion #{id}"),
        crate::limits::MODAL_TITLE,
    )
    .0;
    Ok(CreateInteractionResponse::Modal(
        CreateModal::new(Action::SubmitReply { discussion: id }.custom_id(), title)
            .components(vec![CreateActionRow::InputText(input)]),
    ))
}

pub(super) async fn on_component(
    ctx: &Context,
    shards: &ShardManager,
    data: &Data,
    interaction: &ComponentInteraction,
) -> Result<(), CommandError> {
    let member_id = interaction.user.id.get().to_string();
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
                None => ephemeral(REFUSED),
            }
        }
        Some(ComponentAction::Discussion(_)) if interaction.guild_id.is_none() => {
            ephemeral(NOT_IN_A_SERVER)
        }
        Some(ComponentAction::Discussion(action)) => {
            if !may_take_part(ctx, data, interaction.member.as_ref(), interaction.guild_id)
                && !matches!(action, Action::Withdraw { .. })
            {
                ephemeral(not_allowed(data))
            } else {
                let result = match action {
                    Action::Vote { discussion, option } => {
                        vote(data, member_id, discussion, &option).await
                    }
                    Action::Withdraw { discussion } => withdraw(data, member_id, discussion).await,
                    Action::OpenReplyForm { discussion } => reply_form(data, discussion).await,
                    Action::SubmitReply { .. } => Ok(ephemeral(STALE)),
                };
                result.unwrap_or_else(|e| ephemeral(refusal(&e)))
            }
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
    ctx: &Context,
    data: &Data,
    interaction: &ModalInteraction,
) -> Result<(), CommandError> {
    let response = match Action::parse(&interaction.data.custom_id) {
        Some(Action::SubmitReply { .. }) if interaction.guild_id.is_none() => {
            ephemeral(NOT_IN_A_SERVER)
        }
        Some(Action::SubmitReply { discussion }) => {
            if !may_take_part(ctx, data, interaction.member.as_ref(), interaction.guild_id) {
                ephemeral(not_allowed(data))
            } else {
                let text = interaction
                    .data
                    .components
                    .iter()
                    .flat_map(|row| row.components.iter())
                    .find_map(|c| match c {
                        ActionRowComponent::InputText(t) if t.custom_id == REPLY_FIELD => {
                            t.value.clone()
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                let (engine, member, origin) = (
                    data.core.engine.clone(),
                    interaction.user.id.get().to_string(),
                    interaction.id.get().to_string(),
                );
                let chars = text.trim().chars().count();
                let result = match data.core.discussion(discussion).await {
                    // Keyed by the interaction: a submission delivered twice is stored once.
                    Ok(_) => blocking(move || {
                        engine.reply(
                            discussion,
                            &member,
                            ReplySource::Form,
                            Some(&text),
                            Some(&origin),
                        )
                    })
                    .await
                    .and_then(|r| r.map_err(FlowError::from)),
                    Err(e) => Err(e),
                };
                match result {
                    Ok(_) => {
                        data.core.live.mark(discussion);
                        ephemeral(render::reply_receipt(chars))
                    }
                    Err(e) => ephemeral(refusal(&e)),
                }
            }
        }
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
            ComponentAction::Discussion(Action::Vote {
                discussion: DiscussionId(42),
                option: "agree".into(),
            }),
            ComponentAction::Discussion(Action::OpenReplyForm {
                discussion: DiscussionId(i64::MAX),
            }),
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
            "rt:v:x:agree",
            "rt:v:1",
            "xx:ping",
            "rt:r:1:2",
        ] {
            assert_eq!(ComponentAction::parse(id), None, "{id}");
        }
    }
}
