//! Buttons and modals: a custom_id is parsed, then dispatched.
//!
//! custom_ids are roundtable's own (`crate::render::ids`: `rt:v:<discussion>:<option>` a stance,
//! `rt:w:<discussion>` withdraw, `rt:r:<discussion>` open the reply form, `rt:m:<discussion>` the
//! form's submission, `rt:g:<discussion>` weigh in and `rt:a:…` an answer on the weighing card)
//! plus `rt:ping`; the prompt editor's `rt:e:…` (`editor.rs`), the scheduled-post review's
//! `rt:rv:…` (`review.rs`) and a suggestion's `rt:sg:…` (`commands/suggest.rs`) are answered
//! there. An id the bot cannot place (another version's, a
//! discussion it does not know) gets a polite ephemeral answer, never silence. State comes from
//! the store, so buttons keep working after a restart.
//!
//! A custom_id is not trusted by itself: the discussion must belong to the server the click came
//! from, and the button must sit on that discussion's own post (or on the bot's ephemeral answer
//! to a click on it, like "Withdraw my stance"). A copied or forged button records nothing.

use super::access::{may_take_part, moderator_standing, not_allowed, REFUSED};
use super::commands::{ping_buttons, ping_text};
use super::flows::{blocking, FlowError};
use super::reply::ephemeral;
use super::{no_mentions, view, CommandError, Data};
use crate::discussion::{Discussion, DiscussionError, VoteOutcome};
use crate::opinion::Answer;
use crate::render::{self, ids::Action};
use crate::store::{DiscussionId, ReplySource, ServerId};
use serenity::builder::{
    CreateActionRow, CreateButton, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateModal,
};
use serenity::client::Context;
use serenity::gateway::ShardManager;
use serenity::model::application::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, InputTextStyle,
    MessageInteractionMetadata, ModalInteraction,
};
use serenity::model::channel::{Message, MessageFlags};

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
pub(super) const NOT_ITS_POST: &str =
    "This button is not on its discussion's post, so nothing was recorded. Use the buttons under the discussion itself.";
/// A discussion's button or form used outside a server (in a DM): there is no server to scope
/// the discussion to, nor a member to count.
pub(super) const NOT_IN_A_SERVER: &str =
    "Discussions take place in a server's channels: take part there. Nothing was recorded.";
const REPLY_FIELD: &str = "text";

/// Whether `message` is where a button of `d` may be clicked: the discussion's own post, or the
/// bot's ephemeral answer to a click on that post (Discord names the clicked message in the
/// answer's `interaction_metadata`).
pub(super) fn is_from_post(d: &Discussion, message: &Message, bot: Option<u64>) -> bool {
    let Some(post) = d
        .record
        .message_id
        .as_deref()
        .and_then(|m| m.parse::<u64>().ok())
    else {
        return false;
    };
    if message.id.get() == post {
        return true;
    }
    let ephemeral = message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let by_bot = bot.is_none_or(|b| message.author.id.get() == b);
    let answers_post = match message.interaction_metadata.as_deref() {
        Some(MessageInteractionMetadata::Component(m)) => m.interacted_message_id.get() == post,
        _ => false,
    };
    ephemeral && by_bot && answers_post
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
            e @ (DiscussionError::ReplyTooLong { .. }
            | DiscussionError::EmptyReply
            | DiscussionError::NoStatement(_)),
        ) => {
            format!("{e}. Nothing was recorded.")
        }
        FlowError::Invalid(why) => why.clone(),
        other => {
            tracing::error!("answer not recorded: {other}");
            "Something went wrong and nothing was recorded; please try again.".to_string()
        }
    }
}

async fn vote(
    data: &Data,
    d: &Discussion,
    member: String,
    key: &str,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let outcome = core.engine.vote_async(d, &member, key).await?;
    core.mark(d);
    let text = render::vote_receipt(&outcome);
    Ok(match outcome {
        VoteOutcome::Unchanged { .. } => CreateInteractionResponse::Message(
            CreateInteractionResponseMessage::new()
                .content(text)
                .ephemeral(true)
                .components(vec![CreateActionRow::Buttons(vec![CreateButton::new(
                    Action::Withdraw { discussion: d.id() }.custom_id(),
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
    d: &Discussion,
    member: String,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let outcome = core.engine.withdraw_async(d, &member).await?;
    core.mark(d);
    // The button sits on the member's own ephemeral answer: replace it.
    Ok(CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(render::withdraw_receipt(&outcome))
            .components(Vec::new())
            .allowed_mentions(no_mentions()),
    ))
}

async fn reply_form(data: &Data, d: &Discussion) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let id = d.id();
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
        .settings(d.record.server)
        .await?
        .discussion
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

/// "Weigh in": the member's first card, privately.
async fn weigh_in(
    data: &Data,
    d: &Discussion,
    member: String,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    if !d.is_open(core.engine.now()) {
        return Err(closed_now(data, d));
    }
    let (engine, d2) = (core.engine.clone(), d.clone());
    let card = blocking(move || engine.next_card(&d2, &member)).await??;
    let post = render::weigh::weigh_card(d.id(), &card, None);
    Ok(CreateInteractionResponse::Message(view::answer(
        &post, true,
    )))
}

/// An answer on the card: committed, then the card is replaced by the next one in place (the same
/// private message), so weighing in posts nothing in the channel.
async fn answer_card(
    data: &Data,
    d: &Discussion,
    member: String,
    statement: i64,
    answer: Answer,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let note = match core
        .engine
        .answer_async(d, &member, statement, answer)
        .await
    {
        Ok(previous) => render::weigh::answer_note(answer, previous),
        Err(DiscussionError::NoStatement(_)) => {
            "That statement is no longer shown (hidden or withdrawn), so nothing was recorded."
                .to_string()
        }
        Err(e) => {
            return Ok(CreateInteractionResponse::UpdateMessage(
                CreateInteractionResponseMessage::new()
                    .content(refusal(&FlowError::Discussion(e)))
                    .components(Vec::new())
                    .allowed_mentions(no_mentions()),
            ))
        }
    };
    let (engine, d2) = (core.engine.clone(), d.clone());
    let card = blocking(move || engine.next_card(&d2, &member)).await??;
    let post = render::weigh::weigh_card(d.id(), &card, Some(&note));
    Ok(CreateInteractionResponse::UpdateMessage(view::update(
        &post,
    )))
}

/// The refusal for a discussion that is closed by now.
fn closed_now(data: &Data, d: &Discussion) -> FlowError {
    let now = data.core.engine.now();
    FlowError::Discussion(DiscussionError::Closed {
        id: d.id(),
        at: d.record.closed_as_of(now).unwrap_or(now),
        by: d.record.closed_by.clone(),
    })
}

fn discussion_of(action: &Action) -> DiscussionId {
    match action {
        Action::Vote { discussion, .. }
        | Action::Withdraw { discussion }
        | Action::OpenReplyForm { discussion }
        | Action::SubmitReply { discussion }
        | Action::WeighIn { discussion }
        | Action::Answer { discussion, .. }
        | Action::WithdrawStatement { discussion, .. } => *discussion,
    }
}

/// A click on a discussion's button, from `server`.
async fn on_discussion_button(
    ctx: &Context,
    data: &Data,
    interaction: &ComponentInteraction,
    server: ServerId,
    action: Action,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let config = core.settings(server).await?;
    let roles = interaction.member.as_ref().map(|m| m.roles.as_slice());
    if !matches!(action, Action::Withdraw { .. })
        && !may_take_part(&ctx.cache, interaction.guild_id, roles, &config)
    {
        return Ok(ephemeral(not_allowed(&config)));
    }
    if let Action::WithdrawStatement {
        discussion,
        statement,
    } = action
    {
        // On the receipt of a reply, not the post: only the statement's author can withdraw it.
        let member = interaction.user.id.get().to_string();
        return withdraw_statement(data, server, discussion, statement, member).await;
    }
    let d = core
        .posted_discussion(server, discussion_of(&action))
        .await?;
    let bot = Some(ctx.cache.current_user().id.get());
    if !is_from_post(&d, &interaction.message, bot) {
        tracing::info!(
            discussion = %d.id(), message = %interaction.message.id,
            "a button of the discussion was clicked on another message; nothing recorded"
        );
        return Ok(ephemeral(NOT_ITS_POST));
    }
    let member = interaction.user.id.get().to_string();
    match action {
        Action::Vote { option, .. } => vote(data, &d, member, &option).await,
        Action::Withdraw { .. } => withdraw(data, &d, member).await,
        Action::OpenReplyForm { .. } => reply_form(data, &d).await,
        Action::SubmitReply { .. } => Ok(ephemeral(STALE)),
        Action::WeighIn { .. } => weigh_in(data, &d, member).await,
        Action::Answer {
            statement, answer, ..
        } => answer_card(data, &d, member, statement, answer).await,
        Action::WithdrawStatement { .. } => Ok(ephemeral(STALE)),
    }
}

/// A member withdraws their own statement: committed, then the receipt says so in place.
async fn withdraw_statement(
    data: &Data,
    server: ServerId,
    discussion: DiscussionId,
    statement: i64,
    member: String,
) -> Result<CreateInteractionResponse, FlowError> {
    let engine = data.core.engine.clone();
    let text = match blocking(move || {
        engine.withdraw_statement(server, discussion, statement, &member)
    })
    .await?
    {
        Ok(()) => {
            tracing::info!(%discussion, statement, "a member withdrew their statement");
            render::weigh::withdrawn_note(statement)
        }
        Err(DiscussionError::NoStatement(_)) => format!(
            "Statement {statement} is not one of yours here (or it is already withdrawn), so nothing changed."
        ),
        Err(e) => return Err(FlowError::Discussion(e)),
    };
    Ok(CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(text)
            .components(Vec::new())
            .allowed_mentions(no_mentions()),
    ))
}

pub(super) async fn on_component(
    ctx: &Context,
    shards: &ShardManager,
    data: &Data,
    interaction: &ComponentInteraction,
) -> Result<(), CommandError> {
    if super::editor::on_component(ctx, data, interaction).await? {
        return Ok(());
    }
    if super::review::on_component(ctx, data, interaction).await? {
        return Ok(());
    }
    if super::commands::on_privacy_component(data, interaction).await? {
        return Ok(());
    }
    if super::commands::on_suggestion_component(ctx, data, interaction).await? {
        return Ok(());
    }
    let server = interaction.guild_id.map(|g| ServerId::Guild(g.get()));
    let response = match (ComponentAction::parse(&interaction.data.custom_id), server) {
        (Some(ComponentAction::Ping), Some(server)) => {
            let config = data
                .core
                .settings(server)
                .await
                .map_err(CommandError::Flow)?;
            match moderator_standing(
                &ctx.cache,
                interaction.member.as_ref(),
                interaction.guild_id,
                &config,
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
        (Some(ComponentAction::Discussion(action)), Some(server)) => {
            on_discussion_button(ctx, data, interaction, server, action)
                .await
                .unwrap_or_else(|e| ephemeral(refusal(&e)))
        }
        (Some(_), None) => ephemeral(NOT_IN_A_SERVER),
        (None, _) => {
            tracing::debug!("unknown custom_id {:?}", interaction.data.custom_id);
            ephemeral(STALE)
        }
    };
    data.rest
        .answer(interaction.id, &interaction.token, &response)
        .await?;
    Ok(())
}

/// The reply form's submission, from `server`.
async fn on_reply(
    ctx: &Context,
    data: &Data,
    interaction: &ModalInteraction,
    server: ServerId,
    discussion: DiscussionId,
) -> Result<CreateInteractionResponse, FlowError> {
    let core = &data.core;
    let config = core.settings(server).await?;
    let roles = interaction.member.as_ref().map(|m| m.roles.as_slice());
    if !may_take_part(&ctx.cache, interaction.guild_id, roles, &config) {
        return Ok(ephemeral(not_allowed(&config)));
    }
    let d = core.posted_discussion(server, discussion).await?;
    // Opened from a button: Discord names its message; it must be the discussion's post.
    if let Some(message) = &interaction.message {
        let bot = Some(ctx.cache.current_user().id.get());
        if !is_from_post(&d, message, bot) {
            return Ok(ephemeral(NOT_ITS_POST));
        }
    }
    let text = interaction
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == REPLY_FIELD => t.value.clone(),
            _ => None,
        })
        .unwrap_or_default();
    let (engine, member, origin) = (
        core.engine.clone(),
        interaction.user.id.get().to_string(),
        interaction.id.get().to_string(),
    );
    let chars = text.trim().chars().count();
    // Keyed by the interaction: a submission delivered twice is stored once.
    let statement = blocking(move || {
        engine.reply(
            server,
            discussion,
            &member,
            ReplySource::Form,
            Some(&text),
            Some(&origin),
        )?;
        engine.own_statement(server, discussion, &member, &text)
    })
    .await??;
    core.mark(&d);
    let post = render::weigh::reply_receipt(discussion, chars, statement);
    Ok(CreateInteractionResponse::Message(view::answer(
        &post, true,
    )))
}

pub(super) async fn on_modal(
    ctx: &Context,
    data: &Data,
    interaction: &ModalInteraction,
) -> Result<(), CommandError> {
    if super::editor::on_modal(ctx, data, interaction).await? {
        return Ok(());
    }
    let server = interaction.guild_id.map(|g| ServerId::Guild(g.get()));
    let response = match (Action::parse(&interaction.data.custom_id), server) {
        (Some(Action::SubmitReply { discussion }), Some(server)) => {
            on_reply(ctx, data, interaction, server, discussion)
                .await
                .unwrap_or_else(|e| ephemeral(refusal(&e)))
        }
        (Some(Action::SubmitReply { .. }), None) => ephemeral(NOT_IN_A_SERVER),
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
