//! Reviews before scheduled posts, on Discord: the review message in the moderators' log channel
//! (the post as members will see it, with Approve, Swap and Skip), and its buttons and menu.
//!
//! custom_ids: `rt:rv:ok` approve, `rt:rv:swap` open the menu of other prompts, `rt:rv:skip`
//! skip, `rt:rv:pick` the menu. None carries what it belongs to: the review is the one whose
//! message the component sits on, looked up in the server the click came from, so a copied
//! button, or one clicked in another server, records nothing. Only the server's moderators may
//! decide (checked here, whatever Discord shows). A decision is committed before the message is
//! updated, and then logged in the log channel (nobody is pinged).

use super::access::{moderator_standing, REFUSED};
use super::flows::{blocking, Core};
use super::reply::{ephemeral, no_mentions};
use super::{view, CommandError, Data};
use crate::limits;
use crate::render::{self, cut::cut};
use crate::schedule::{NoReview, ReviewChoice, ReviewNotice, ScheduleError};
use crate::store::{ReviewDecision, ServerId};
use serenity::builder::{
    CreateActionRow, CreateButton, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateMessage, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};
use serenity::client::Context;
use serenity::model::application::{
    ButtonStyle, ComponentInteraction, ComponentInteractionDataKind,
};
use serenity::model::id::ChannelId;
use std::sync::Arc;

pub(super) const PREFIX: &str = "rt:rv:";
const APPROVE: &str = "rt:rv:ok";
const SWAP: &str = "rt:rv:swap";
const SKIP: &str = "rt:rv:skip";
const PICK: &str = "rt:rv:pick";

/// Rows of the post's own (disabled) buttons shown in the review, leaving room for the review's.
const POST_ROWS: usize = limits::ROWS_PER_MESSAGE - 2;

/// The review message: what is decided, the post as members will see it, and the controls
/// (`menu`: the prompts to swap in, shown after "Swap").
fn parts(
    notice: &ReviewNotice,
    menu: Option<&[(String, String)]>,
) -> (
    String,
    Vec<serenity::builder::CreateEmbed>,
    Vec<CreateActionRow>,
) {
    let r = &notice.record;
    let mut lines = vec![format!(
        "**Review before a scheduled post** · schedule `{}`, slot {} · posts {}",
        limits::shown(&notice.schedule, 40),
        notice.slot.key(),
        render::fmt_time(notice.slot.at)
    )];
    let by = |r: &crate::store::ReviewRecord| {
        let who = r
            .decided_by
            .as_deref()
            .map_or("a moderator".into(), render::person);
        let when = r
            .decided_at
            .map_or(String::new(), |t| format!(" ({})", render::utc_time(t)));
        format!("{who}{when}")
    };
    let prompt_id = r
        .prompt
        .as_deref()
        .map_or("?".into(), |p| limits::shown(p, 60));
    lines.push(match r.decision {
        ReviewDecision::Pending => match (&notice.prompt, notice.on_no_review) {
            (None, _) => "⚠ **No approved prompt is left in the queue**: this slot will post nothing. Swap one in, approve new ones with /prompts, or Skip.".to_string(),
            (Some(_), NoReview::Post) => format!("It will post `{prompt_id}` below. Approve, Swap (another approved prompt) or Skip; if nobody acts, it posts."),
            (Some(_), NoReview::Hold) => format!("It will post `{prompt_id}` below. Approve, Swap (another approved prompt) or Skip; if nobody acts, it is held: nothing is posted."),
        },
        ReviewDecision::Approved => format!("✅ Approved by {}: `{prompt_id}` posts at the slot.", by(r)),
        ReviewDecision::Swapped => format!("🔁 Swapped by {}: `{prompt_id}` posts at the slot.", by(r)),
        ReviewDecision::Skipped => format!("⏭ Skipped by {}: nothing is posted at this slot.", by(r)),
    });
    let mut embeds = Vec::new();
    let mut rows = Vec::new();
    if let (Some(p), true) = (&notice.prompt, r.decision != ReviewDecision::Skipped) {
        let v = render::DiscussionView {
            id: crate::store::DiscussionId::PREVIEW,
            prompt: p,
            options: &p.options,
            closes_at: notice.closes_at,
            closed: false,
            results: render::Results::None,
        };
        let mut rendered = render::discussion_post(&v);
        for b in rendered.post.rows.iter_mut().flatten() {
            b.disabled = true;
        }
        rendered.post.rows.truncate(POST_ROWS);
        lines.push(String::new());
        lines.push(rendered.post.content.clone());
        embeds = view::embeds(&rendered.post);
        rows = view::components(&rendered.post);
    }
    let mut buttons = Vec::new();
    if notice.prompt.is_some() {
        buttons.push(
            CreateButton::new(APPROVE)
                .label("Approve")
                .style(ButtonStyle::Success)
                .disabled(r.decision == ReviewDecision::Approved),
        );
    }
    buttons.push(
        CreateButton::new(SWAP)
            .label("Swap")
            .style(ButtonStyle::Primary),
    );
    buttons.push(
        CreateButton::new(SKIP)
            .label("Skip")
            .style(ButtonStyle::Danger)
            .disabled(r.decision == ReviewDecision::Skipped),
    );
    rows.push(CreateActionRow::Buttons(buttons));
    if let Some(menu) = menu {
        let options = menu
            .iter()
            .map(|(id, title)| {
                CreateSelectMenuOption::new(
                    cut(title, limits::SELECT_OPTION_LABEL).0,
                    cut(id, limits::SELECT_OPTION_VALUE).0,
                )
                .description(cut(id, limits::SELECT_OPTION_DESCRIPTION).0)
            })
            .collect();
        rows.push(CreateActionRow::SelectMenu(
            CreateSelectMenu::new(PICK, CreateSelectMenuKind::String { options })
                .placeholder("The prompt to post instead"),
        ));
    }
    (cut(&lines.join("\n"), limits::CONTENT).0, embeds, rows)
}

/// Posts a review in the moderators' log channel and records its message (or that it could
/// not be posted: the slot then follows `on_no_review`).
pub(super) async fn post(core: &Arc<Core>, notice: ReviewNotice) {
    let (server, schedule, key) = (notice.server, notice.schedule.clone(), notice.slot.key());
    let channel = core.log_channel(Some(server)).await.filter(|c| *c != 0);
    let message = match channel {
        Some(c) => {
            let (content, embeds, rows) = parts(&notice, None);
            let m = CreateMessage::new()
                .content(content)
                .embeds(embeds)
                .components(rows)
                .allowed_mentions(no_mentions());
            match core.rest.create_message(ChannelId::new(c), &m).await {
                Ok(m) => Some(m.id.get()),
                Err(e) => {
                    tracing::error!(%server, %schedule, slot = %key, "the review could not be posted in the log channel {c}: {e}");
                    None
                }
            }
        }
        None => {
            tracing::warn!(%server, %schedule, slot = %key, "no moderators' log channel: the slot's review is not shown");
            None
        }
    };
    let s = core.scheduler.clone();
    match blocking(move || s.review_posted(server, &schedule, &key, message)).await {
        Ok(Ok(())) => core.recorded().notify_waiters(),
        Ok(Err(e)) => tracing::error!("cannot record the review message: {e}"),
        Err(e) => tracing::error!("cannot record the review message: {e}"),
    }
}

/// Waits (a second at most) until the review of `message` is known in `server`: a click can
/// arrive before the review's message id is recorded.
async fn recorded(core: &Arc<Core>, server: ServerId, message: u64) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let notified = core.recorded().notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let store = core.engine.store().clone();
        let found = blocking(move || store.review_by_message(server, &message.to_string())).await;
        if matches!(found, Ok(Ok(Some(_))) | Ok(Err(_)) | Err(_)) {
            return;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return;
        }
    }
}

/// A review's button or menu, answered; `false`: not a review's.
pub(super) async fn on_component(
    ctx: &Context,
    data: &Data,
    ix: &ComponentInteraction,
) -> Result<bool, CommandError> {
    if !ix.data.custom_id.starts_with(PREFIX) {
        return Ok(false);
    }
    let core = &data.core;
    let (response, log) = match answer(ctx, core, ix).await {
        Ok(r) => r,
        Err(e) => (ephemeral(refusal(&e)), None),
    };
    core.rest.answer(ix.id, &ix.token, &response).await?;
    if let Some((server, line)) = log {
        core.note_for_moderators(Some(server), &line).await;
    }
    Ok(true)
}

fn refusal(e: &ScheduleError) -> String {
    match e {
        ScheduleError::UnknownReview
        | ScheduleError::ReviewOver(_)
        | ScheduleError::UnknownPrompt(_)
        | ScheduleError::Invalid { .. } => format!("{e}."),
        other => {
            tracing::error!("review not recorded: {other}");
            "Something went wrong and nothing was recorded; please try again.".to_string()
        }
    }
}

/// The answer to a click, and the line for the log channel once it is answered.
async fn answer(
    ctx: &Context,
    core: &Arc<Core>,
    ix: &ComponentInteraction,
) -> Result<(CreateInteractionResponse, Option<(ServerId, String)>), ScheduleError> {
    let Some(server) = ix.guild_id.map(|g| ServerId::Guild(g.get())) else {
        return Ok((ephemeral(super::components::NOT_IN_A_SERVER), None));
    };
    let config = match core.settings(server).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(%server, "settings: {e}");
            return Ok((ephemeral(REFUSED), None));
        }
    };
    if moderator_standing(&ctx.cache, ix.member.as_ref(), ix.guild_id, &config).is_none() {
        tracing::info!(%server, user = %ix.user.id, "a review button was clicked by a non-moderator; nothing recorded");
        return Ok((ephemeral(REFUSED), None));
    }
    let by = format!("{} ({})", ix.user.name, ix.user.id);
    let message = ix.message.id.get();
    recorded(core, server, message).await;
    let choice = match ix.data.custom_id.as_str() {
        APPROVE => ReviewChoice::Approve,
        SKIP => ReviewChoice::Skip,
        PICK => match &ix.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => match values.first() {
                Some(v) => ReviewChoice::Swap(v.clone()),
                None => return Ok((ephemeral(super::components::STALE), None)),
            },
            _ => return Ok((ephemeral(super::components::STALE), None)),
        },
        SWAP => {
            let (s, catalog) = (core.scheduler.clone(), core.catalog());
            let (notice, menu) = blocking(move || {
                let notice = s.review_of_message(server, message, &catalog)?;
                let menu = s.swap_choices(&notice, &catalog, limits::SELECT_OPTIONS)?;
                Ok::<_, ScheduleError>((notice, menu))
            })
            .await
            .map_err(|e| ScheduleError::Invalid {
                field: "review",
                message: e.to_string(),
            })??;
            if menu.is_empty() {
                return Ok((
                    ephemeral("There is no other approved prompt to swap in; nothing changed."),
                    None,
                ));
            }
            let (content, embeds, rows) = parts(&notice, Some(&menu));
            return Ok((update(content, embeds, rows), None));
        }
        _ => return Ok((ephemeral(super::components::STALE), None)),
    };
    let (s, catalog, who) = (core.scheduler.clone(), core.catalog(), by.clone());
    let notice = blocking(move || s.decide(server, message, choice, &who, &catalog))
        .await
        .map_err(|e| ScheduleError::Invalid {
            field: "review",
            message: e.to_string(),
        })??;
    core.wake.notify_one();
    let what = match notice.record.decision {
        ReviewDecision::Approved => "approved".to_string(),
        ReviewDecision::Swapped => format!(
            "swapped to `{}`",
            limits::shown(notice.record.prompt.as_deref().unwrap_or("?"), 60)
        ),
        ReviewDecision::Skipped => "skipped: nothing will be posted".to_string(),
        ReviewDecision::Pending => "left pending".to_string(),
    };
    let line = format!(
        "Review of schedule `{}`, slot {}: {what} by {}.",
        limits::shown(&notice.schedule, 40),
        notice.slot.key(),
        render::person(&by)
    );
    let (content, embeds, rows) = parts(&notice, None);
    Ok((update(content, embeds, rows), Some((server, line))))
}

fn update(
    content: String,
    embeds: Vec<serenity::builder::CreateEmbed>,
    rows: Vec<CreateActionRow>,
) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(content)
            .embeds(embeds)
            .components(rows)
            .allowed_mentions(no_mentions()),
    )
}
