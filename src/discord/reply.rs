//! The small answers every handler gives: for the caller only, deferred, finished. A leaf: it
//! imports nothing of the adapter but the REST client's error and the shared types.

use super::flows::Core;
use super::{CommandError, Context};
use crate::limits;
use crate::render::cut::cut;
use serenity::builder::{
    CreateAllowedMentions, CreateInteractionResponse, CreateInteractionResponseMessage,
    EditInteractionResponse,
};
use std::sync::Arc;

/// Allowed mentions for everything the bot posts: none, so nothing roundtable says pings anyone.
pub(crate) fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
}

pub(crate) fn ephemeral(text: impl Into<String>) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
}

/// The server a command came from (a guild; commands are guild-only).
pub(crate) fn server_of(
    ix: &serenity::model::application::CommandInteraction,
) -> Option<crate::store::ServerId> {
    ix.guild_id.map(|g| crate::store::ServerId::Guild(g.get()))
}

/// The interaction behind an application command, and the bot's core.
pub(crate) fn parts<'a>(
    ctx: &'a Context<'a>,
) -> Option<(
    &'a serenity::model::application::CommandInteraction,
    &'a Arc<Core>,
)> {
    match ctx {
        poise::Context::Application(a) => Some((a.interaction, &ctx.data().core)),
        poise::Context::Prefix(_) => None,
    }
}

/// Answers `text` to the command, for the caller only.
pub(crate) async fn say(ctx: &Context<'_>, text: impl Into<String>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(());
    };
    core.rest
        .answer(
            ix.id,
            &ix.token,
            &ephemeral(cut(&text.into(), limits::CONTENT).0),
        )
        .await?;
    Ok(())
}

/// Defers the answer (the work may take longer than Discord's 3 seconds), for the caller only.
pub(crate) async fn defer(ctx: &Context<'_>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(());
    };
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    core.rest.answer(ix.id, &ix.token, &defer).await?;
    Ok(())
}

/// Replaces a deferred answer with `text`.
pub(crate) async fn finish(ctx: &Context<'_>, text: impl Into<String>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(());
    };
    let edit = EditInteractionResponse::new()
        .content(cut(&text.into(), limits::CONTENT).0)
        .allowed_mentions(no_mentions());
    core.rest.edit_answer(&ix.token, &edit).await?;
    Ok(())
}
