//! `/suggest`: a member suggests an article (a link or a file, with a note). The suggestion is
//! committed, then shown in the moderators' log channel with Draft and Dismiss, then the member
//! gets a private receipt. Draft runs `/prompts draft` on the article and shows the moderator
//! the private preview; both buttons record who decided and update the log channel's message.
//!
//! The buttons' custom_ids (`rt:sg:d:<id>`, `rt:sg:x:<id>`) name the suggestion, which is looked
//! up in the server the click came from only; only that server's moderators may decide.

use super::prompts::{
    check_source, draft_into_preview, draft_text_into_preview, finish_token, read_attachment,
    ArticleSource,
};
use crate::discord::access::{may_take_part, moderator_standing, not_allowed, REFUSED};
use crate::discord::flows::{blocking, Core};
use crate::discord::reply::{defer, ephemeral, finish, no_mentions, parts, say, server_of};
use crate::discord::{CommandError, Context, Data};
use crate::draft::fetch::FetchLimits;
use crate::library;
use crate::limits;
use crate::render::cut::cut;
use crate::render::ids::{parse_suggestion, suggestion_id, SuggestionButton};
use crate::render::{self};
use crate::store::{Decided, ServerId, SuggestionRecord, SuggestionState};
use crate::suggest::{self, Article, SuggestError};
use serenity::builder::{
    CreateActionRow, CreateButton, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, EditMessage,
};
use serenity::model::application::{ButtonStyle, ComponentInteraction};
use serenity::model::id::ChannelId;
use std::sync::Arc;

const NO_LOG_CHANNEL: &str = "This server has no moderators' log channel, so a suggestion could not reach the moderators; nothing was recorded. A moderator can set one with `/settings set log-channel`.";
const OFF: &str = "Suggestions are turned off here; nothing was recorded.";
const UNKNOWN: &str = "This suggestion is unknown here, so nothing was recorded.";

/// Suggest an article for a coming discussion; the moderators decide.
#[poise::command(slash_command, guild_only)]
pub(crate) async fn suggest(
    ctx: Context<'_>,
    #[description = "A link to the article (http or https)"] link: Option<String>,
    #[description = "The article as a file: .txt, .md or .html"] article: Option<
        serenity::model::channel::Attachment,
    >,
    #[description = "Why it is worth a discussion (optional)"] note: Option<String>,
) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let Some(server) = server_of(ix) else {
        return say(&ctx, super::super::components::NOT_IN_A_SERVER).await;
    };
    if core.suggest.per_member_per_day == 0 {
        return say(&ctx, OFF).await;
    }
    let config = core.settings(server).await?;
    let roles = ix.member.as_ref().map(|m| m.roles.as_slice());
    if !may_take_part(&ctx.serenity_context().cache, ix.guild_id, roles, &config) {
        return say(&ctx, not_allowed(&config)).await;
    }
    let attachment = article.map(|a| Article::Attachment {
        url: a.url.clone(),
        filename: a.filename.clone(),
        size: a.size as usize,
    });
    let max = FetchLimits::from_config(&core.draft).max_bytes;
    let mut proposal = match suggest::proposal(link.as_deref(), attachment, note.as_deref(), max) {
        Ok(p) => p,
        Err(e) => return say(&ctx, format!("Nothing was recorded: {e}.")).await,
    };
    let Some(channel) = core.log_channel(Some(server)).await.filter(|c| *c != 0) else {
        return say(&ctx, NO_LOG_CHANNEL).await;
    };
    defer(&ctx).await?;
    // An attached file is read now: Discord's address for it expires, a moderator may draft later.
    if let Article::Attachment { url, .. } = &proposal.article {
        match read_attachment(&FetchLimits::from_config(&core.draft), url).await {
            Ok(page) => proposal.body = Some(page.body),
            Err(e) => {
                return finish(
                    &ctx,
                    format!("Nothing was recorded: the file could not be read: {e}."),
                )
                .await
            }
        }
    }
    let (c, member, now) = (
        core.clone(),
        ix.user.id.get().to_string(),
        core.engine.now(),
    );
    let stored = blocking(move || {
        suggest::suggest(c.engine.store(), &c.suggest, server, &member, proposal, now)
    })
    .await?;
    let record = match stored {
        Ok(r) => r,
        Err(e @ (SuggestError::Limit { .. } | SuggestError::Off)) => {
            let text = match e {
                SuggestError::Limit { per_day, again } => format!(
                    "Nothing was recorded: you have made {per_day} suggestion(s) in the last 24 hours, the most allowed here. You can suggest again from {}.",
                    render::fmt_time(again)
                ),
                _ => OFF.to_string(),
            };
            return finish(&ctx, text).await;
        }
        Err(e) => {
            tracing::error!(%server, "suggestion not recorded: {e}");
            return finish(
                &ctx,
                "Something went wrong and nothing was recorded; please try again.",
            )
            .await;
        }
    };
    // Committed: now the moderators see it, then the member hears it is done.
    let m = CreateMessage::new()
        .content(log_text(&record, &open_line()))
        .components(buttons(record.id))
        .allowed_mentions(no_mentions());
    let shown = match core.rest.create_message(ChannelId::new(channel), &m).await {
        Ok(message) => {
            // Where it is shown, so that `/privacy delete` can clear it too.
            let (store, sid, mid) = (core.engine.store().clone(), record.id, message.id.get());
            match blocking(move || store.set_suggestion_message(server, sid, channel, mid)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::error!(%server, suggestion = sid, "the log message of the suggestion was not recorded: {e}")
                }
                Err(e) => {
                    tracing::error!(%server, suggestion = sid, "the log message of the suggestion was not recorded: {e}")
                }
            }
            true
        }
        Err(e) => {
            tracing::error!(%server, suggestion = record.id, "the suggestion could not be shown in the log channel {channel}: {e}");
            false
        }
    };
    let text = if shown {
        format!(
            "Thank you: your suggestion #{} reached the moderators. Only they see it; they may draft a discussion from it.",
            record.id
        )
    } else {
        format!(
            "Your suggestion #{} is saved, but it could not be shown to the moderators just now; they can still find it.",
            record.id
        )
    };
    finish(&ctx, text).await
}

fn buttons(id: i64) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new(suggestion_id(SuggestionButton::Draft, id))
            .label("Draft")
            .style(ButtonStyle::Primary),
        CreateButton::new(suggestion_id(SuggestionButton::Dismiss, id))
            .label("Dismiss")
            .style(ButtonStyle::Secondary),
    ])]
}

fn open_line() -> String {
    "Draft makes it a draft prompt (you see its preview privately); Dismiss closes it.".into()
}

/// The log channel's message about a suggestion (nobody is pinged: mentions are never allowed).
fn log_text(r: &SuggestionRecord, status: &str) -> String {
    let mut lines = vec![format!(
        "**Suggestion #{}** from <@{}> · {}",
        r.id,
        limits::shown(&r.member, 20),
        render::fmt_time(r.at)
    )];
    match (&r.link, &r.filename) {
        (Some(l), _) => lines.push(format!("Article: <{}>", limits::shown(l, 1000))),
        (None, Some(f)) => lines.push(format!("Article: the file `{}`", limits::shown(f, 100))),
        (None, None) => {}
    }
    if let Some(n) = &r.note {
        let one_line = n.split_whitespace().collect::<Vec<_>>().join(" ");
        lines.push(format!("Note: “{}”", limits::shown(&one_line, 600)));
    }
    lines.push(status.to_string());
    cut(&lines.join("\n"), limits::CONTENT).0
}

fn decided_line(r: &SuggestionRecord, prompt: Option<&str>) -> String {
    let by = r
        .decided_by
        .as_deref()
        .map_or("a moderator".into(), render::person);
    match (r.state, prompt) {
        (SuggestionState::Drafted, Some(p)) => format!("✏️ Drafted by {by} as `{p}`."),
        (SuggestionState::Drafted, None) => format!("✏️ Drafted by {by}."),
        (SuggestionState::Dismissed, _) => format!("🗑 Dismissed by {by}."),
        (SuggestionState::Open, _) => open_line(),
    }
}

/// A Draft or Dismiss button, answered; `false`: not a suggestion's.
pub(crate) async fn on_component(
    ctx: &serenity::client::Context,
    data: &Data,
    ix: &ComponentInteraction,
) -> Result<bool, CommandError> {
    let Some((button, id)) = parse_suggestion(&ix.data.custom_id) else {
        return Ok(false);
    };
    let core = &data.core;
    let Some(server) = ix.guild_id.map(|g| ServerId::Guild(g.get())) else {
        let answer = ephemeral(super::super::components::NOT_IN_A_SERVER);
        core.rest.answer(ix.id, &ix.token, &answer).await?;
        return Ok(true);
    };
    let config = core.settings(server).await?;
    if moderator_standing(&ctx.cache, ix.member.as_ref(), ix.guild_id, &config).is_none() {
        tracing::info!(%server, user = %ix.user.id, "a suggestion button was clicked by a non-moderator; nothing recorded");
        core.rest
            .answer(ix.id, &ix.token, &ephemeral(REFUSED))
            .await?;
        return Ok(true);
    }
    let by = format!("{} ({})", ix.user.name, ix.user.id);
    let store = core.engine.store().clone();
    let found = blocking(move || suggest::find(&store, server, id)).await?;
    let record = match found {
        Ok(r) => r,
        Err(SuggestError::Unknown) => {
            tracing::info!(%server, suggestion = id, "a suggestion button of another server, or a forged one; nothing recorded");
            core.rest
                .answer(ix.id, &ix.token, &ephemeral(UNKNOWN))
                .await?;
            return Ok(true);
        }
        Err(e) => {
            tracing::error!(%server, "suggestion {id}: {e}");
            let answer =
                ephemeral("Something went wrong and nothing was recorded; please try again.");
            core.rest.answer(ix.id, &ix.token, &answer).await?;
            return Ok(true);
        }
    };
    if record.state != SuggestionState::Open {
        let answer = ephemeral(format!(
            "Suggestion #{id} is decided already: {} Nothing changed.",
            decided_line(&record, None)
        ));
        core.rest.answer(ix.id, &ix.token, &answer).await?;
        return Ok(true);
    }
    match button {
        SuggestionButton::Dismiss => dismiss(core, ix, server, id, &by).await?,
        SuggestionButton::Draft => draft(core, ix, server, record, &by).await?,
    }
    Ok(true)
}

async fn dismiss(
    core: &Arc<Core>,
    ix: &ComponentInteraction,
    server: ServerId,
    id: i64,
    by: &str,
) -> Result<(), CommandError> {
    let (store, who) = (core.engine.store().clone(), by.to_string());
    let decided =
        blocking(move || suggest::decide(&store, server, id, SuggestionState::Dismissed, &who))
            .await?;
    let response = match decided {
        Ok(Decided::Changed(r)) => CreateInteractionResponse::UpdateMessage(
            CreateInteractionResponseMessage::new()
                .content(log_text(&r, &decided_line(&r, None)))
                .components(Vec::new())
                .allowed_mentions(no_mentions()),
        ),
        Ok(Decided::Already(r)) => ephemeral(format!(
            "Suggestion #{id} is decided already: {} Nothing changed.",
            decided_line(&r, None)
        )),
        Err(SuggestError::Unknown) => ephemeral(UNKNOWN),
        Err(e) => {
            tracing::error!(%server, "suggestion {id} not dismissed: {e}");
            ephemeral("Something went wrong and nothing was recorded; please try again.")
        }
    };
    core.rest.answer(ix.id, &ix.token, &response).await?;
    Ok(())
}

/// An id for the draft of a suggestion: from the article's name, unless a prompt of this server
/// has it already; then with the suggestion's number.
fn draft_id(core: &Core, server: ServerId, name: &str, suggestion: i64) -> String {
    let base = crate::draft::id_from(std::path::Path::new(name));
    let taken = |id: &str| {
        library::find(&core.catalog(), core.engine.store(), server, id)
            .map(|f| f.is_some())
            .unwrap_or(false)
    };
    if !taken(&base) {
        return base;
    }
    let tail = format!("-s{suggestion}");
    let keep = limits::ours::PROMPT_ID.saturating_sub(tail.len());
    let head: String = base.chars().take(keep).collect();
    format!("{}{tail}", head.trim_end_matches('-'))
}

async fn draft(
    core: &Arc<Core>,
    ix: &ComponentInteraction,
    server: ServerId,
    record: SuggestionRecord,
    by: &str,
) -> Result<(), CommandError> {
    // The preview is the moderator's own: a private, deferred answer.
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    core.rest.answer(ix.id, &ix.token, &defer).await?;
    let source = match (&record.link, &record.attachment, &record.filename) {
        (Some(l), _, _) => ArticleSource::Link(l.clone()),
        (None, Some(url), Some(f)) => ArticleSource::Attachment {
            url: url.clone(),
            filename: f.clone(),
            size: 0,
        },
        _ => {
            return finish_token(
                core,
                &ix.token,
                "Nothing was drafted: the suggestion names no article.",
            )
            .await
        }
    };
    let name = match check_source(&source, &FetchLimits::from_config(&core.draft)) {
        Ok(n) => n,
        Err(why) => return finish_token(core, &ix.token, why).await,
    };
    let (c, n, sid) = (core.clone(), name.clone(), record.id);
    let id = blocking(move || draft_id(&c, server, &n, sid)).await?;
    // A file was read when it was suggested; a link is fetched now.
    let drafted = match record.body.clone() {
        Some(body) => {
            draft_text_into_preview(core, &ix.token, server, by, name, body, false, Some(id))
                .await?
        }
        None => draft_into_preview(core, &ix.token, server, by, source, name, Some(id)).await?,
    };
    let Some(prompt) = drafted else {
        // Nothing was drafted (the moderator read why): the suggestion stays open.
        return Ok(());
    };
    let (store, who) = (core.engine.store().clone(), by.to_string());
    let decided =
        blocking(move || suggest::decide(&store, server, sid, SuggestionState::Drafted, &who))
            .await?;
    let r = match decided {
        Ok(Decided::Changed(r)) => r,
        Ok(Decided::Already(_)) => {
            tracing::info!(%server, suggestion = sid, "the suggestion was decided meanwhile; its draft is kept");
            return Ok(());
        }
        Err(e) => {
            tracing::error!(%server, "suggestion {sid} not marked drafted: {e}");
            return Ok(());
        }
    };
    let edit = EditMessage::new()
        .content(log_text(&r, &decided_line(&r, Some(&prompt))))
        .components(Vec::new())
        .allowed_mentions(no_mentions());
    if let Err(e) = core
        .rest
        .edit_message(ix.message.channel_id, ix.message.id, &edit)
        .await
    {
        tracing::error!(%server, suggestion = sid, "cannot update the suggestion's message: {e}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(state: SuggestionState) -> SuggestionRecord {
        SuggestionRecord {
            id: 4,
            server: ServerId::Guild(1),
            member: "77".into(),
            link: Some("https://example.org/a".into()),
            attachment: None,
            filename: None,
            note: Some("two\nlines".into()),
            body: None,
            at: "2026-12-01T10:00:00Z".parse().unwrap(),
            state,
            decided_by: Some("rosa (5)".into()),
        }
    }

    #[test]
    fn the_log_message_names_the_member_the_article_the_note_and_the_decision() {
        let open = log_text(&record(SuggestionState::Open), &open_line());
        assert!(
            open.starts_with("**Suggestion #4** from <@77> · "),
            "{open}"
        );
        assert!(open.contains("Article: <https://example.org/a>"), "{open}");
        assert!(open.contains("Note: “two lines”"), "{open}");
        let drafted = record(SuggestionState::Drafted);
        assert_eq!(
            decided_line(&drafted, Some("a")),
            "✏️ Drafted by <@5> as `a`."
        );
        assert_eq!(
            decided_line(&record(SuggestionState::Dismissed), None),
            "🗑 Dismissed by <@5>."
        );
    }
}
