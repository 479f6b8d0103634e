//! `/privacy show|delete`: a member's own data in this server. `show` tells them privately what
//! roundtable keeps about them (in the answer while it fits, else as a text file attached to it);
//! `delete` asks first, with a button only that member's click confirms (`rt:p:<member>`), then
//! removes it in one transaction (see `Store::forget_member`) before telling them it is done.
//! Open to every member: it is their own data. Both are logged without the content.

use crate::discord::flows::{blocking, Core};
use crate::discord::reply::{ephemeral, no_mentions, parts};
use crate::discord::rest::Upload;
use crate::discord::{CommandError, Context, Data};
use crate::limits;
use crate::render::ids::{parse_privacy_delete, privacy_delete_id};
use crate::render::privacy::{
    forgotten_text, member_report_text, DELETE_BUTTON, DELETE_QUESTION, SUGGESTION_REMOVED,
};
use crate::render::text::plain_times;
use crate::store::ServerId;
use serenity::builder::{
    CreateActionRow, CreateButton, CreateInteractionResponse, CreateInteractionResponseMessage,
    EditMessage,
};
use serenity::model::application::{ButtonStyle, ComponentInteraction};
use serenity::model::id::{ChannelId, MessageId};

/// The file a long `/privacy show` is attached as.
pub(crate) const REPORT_FILE: &str = "roundtable-my-data.txt";

const NOT_YOURS: &str =
    "This button confirms another member's request; only they can use it. Nothing was deleted.";
const NOT_HERE: &str = "Use /privacy in the server whose data you mean. Nothing was deleted.";
const FAILED: &str = "Something went wrong and nothing was deleted; please try again.";

/// Your data in this server: what roundtable keeps about you, or delete it.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("show", "delete"),
    subcommand_required
)]
pub(crate) async fn privacy(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Privately, what roundtable keeps about you in this server (stances, replies, statements, answers).
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let Some(guild) = ix.guild_id else {
        return Ok(());
    };
    let (engine, member) = (core.engine.clone(), ix.user.id.get().to_string());
    let report = blocking(move || engine.member_report(ServerId::Guild(guild.get()), &member))
        .await?
        .map_err(|e| CommandError::Flow(e.into()))?;
    let text = member_report_text(&report);
    if limits::chars(&text) <= limits::CONTENT {
        core.rest.answer(ix.id, &ix.token, &ephemeral(text)).await?;
        return Ok(());
    }
    // Too long for one message: the first line here, everything in a text file (UTC times).
    let summary = text.lines().next().unwrap_or_default();
    let content = format!(
        "{summary}\nThe full list is too long for a message: it is in the attached file {REPORT_FILE}."
    );
    let file = Upload::new(
        REPORT_FILE,
        plain_times(&text.replace("**", "")).into_bytes(),
    )
    .description("What roundtable keeps about you in this server");
    let answer = CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(crate::render::cut::cut(&content, limits::CONTENT).0)
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    );
    core.rest
        .answer_with_file(ix.id, &ix.token, &answer, &file)
        .await?;
    Ok(())
}

/// Delete your replies, statements and answers here and unlink your votes (asks first).
#[poise::command(slash_command, guild_only)]
async fn delete(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let button = CreateButton::new(privacy_delete_id(ix.user.id.get()))
        .label(DELETE_BUTTON)
        .style(ButtonStyle::Danger);
    let answer = CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(DELETE_QUESTION)
            .ephemeral(true)
            .components(vec![CreateActionRow::Buttons(vec![button])])
            .allowed_mentions(no_mentions()),
    );
    core.rest.answer(ix.id, &ix.token, &answer).await?;
    Ok(())
}

/// The confirmation button of `/privacy delete`, answered; `false`: not a privacy button.
pub(crate) async fn on_component(
    data: &Data,
    ix: &ComponentInteraction,
) -> Result<bool, CommandError> {
    let Some(member) = parse_privacy_delete(&ix.data.custom_id) else {
        return Ok(false);
    };
    let core = &data.core;
    let response = match ix.guild_id {
        None => ephemeral(NOT_HERE),
        Some(_) if ix.user.id.get() != member => {
            tracing::info!(
                "privacy: a deletion button was clicked by another member; nothing deleted"
            );
            ephemeral(NOT_YOURS)
        }
        Some(guild) => {
            let server = ServerId::Guild(guild.get());
            // The moderators' log messages that show the member's suggestions, read before they
            // are forgotten, are cleared after.
            let (store, who) = (core.engine.store().clone(), member.to_string());
            let shown = blocking(move || store.suggestion_messages(server, &who))
                .await
                .map_err(CommandError::Flow)?
                .unwrap_or_else(|e| {
                    tracing::error!(
                        "privacy: the suggestions' log messages could not be read: {e}"
                    );
                    Vec::new()
                });
            // Committed before the member reads that it is done.
            let text = match core
                .engine
                .forget_member_async(server, &member.to_string())
                .await
            {
                Ok(done) => {
                    clear_suggestion_messages(core, &shown).await;
                    forgotten_text(&done)
                }
                Err(e) => {
                    tracing::error!("privacy: the deletion failed: {e}");
                    FAILED.to_string()
                }
            };
            CreateInteractionResponse::UpdateMessage(
                CreateInteractionResponseMessage::new()
                    .content(text)
                    .components(Vec::new())
                    .allowed_mentions(no_mentions()),
            )
        }
    };
    core.rest.answer(ix.id, &ix.token, &response).await?;
    Ok(true)
}

/// Clears the moderators' log messages of a member's deleted suggestions: their text and buttons.
async fn clear_suggestion_messages(core: &Core, shown: &[(u64, u64)]) {
    for &(channel, message) in shown {
        let edit = EditMessage::new()
            .content(SUGGESTION_REMOVED)
            .components(Vec::new())
            .allowed_mentions(no_mentions());
        if let Err(e) = core
            .rest
            .edit_message(ChannelId::new(channel), MessageId::new(message), &edit)
            .await
        {
            tracing::warn!(
                channel,
                message,
                "privacy: a suggestion's log message could not be cleared: {e}"
            );
        }
    }
}
