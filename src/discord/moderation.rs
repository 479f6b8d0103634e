//! Moderators' slash commands: `/discussion post|tally|close|list|export`, `/prompts reload`,
//! `/schedule show|pause|resume|skip|next`. Discord hides them from members
//! (`default_member_permissions`); the bot checks again on every call and refuses members.
//! `/discussion history` (in `results.rs`) is the exception: closed discussions are no secret, so
//! it answers anyone the server lets see `/discussion`.

use super::commands::{ephemeral, moderator_standing, REFUSED};
use super::flows::{blocking, Core, FlowError};
use super::results::{self, export, history};
use super::{no_mentions, view, CommandError, Context};
use crate::limits;
use crate::prompt::Catalog;
use crate::render::{self, cut::cut};
use jiff::SignedDuration;
use serenity::builder::{
    AutocompleteChoice, CreateAutocompleteResponse, CreateInteractionResponse,
    CreateInteractionResponseMessage, EditInteractionResponse,
};
use serenity::model::id::ChannelId;
use std::sync::Arc;

/// The interaction behind an application command, and the bot's core.
pub(super) fn parts<'a>(
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
pub(super) async fn say(ctx: &Context<'_>, text: impl Into<String>) -> Result<(), CommandError> {
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
pub(super) async fn defer(ctx: &Context<'_>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(());
    };
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    core.rest.answer(ix.id, &ix.token, &defer).await?;
    Ok(())
}

/// Replaces a deferred answer with `text`.
pub(super) async fn finish(ctx: &Context<'_>, text: impl Into<String>) -> Result<(), CommandError> {
    let Some((ix, core)) = parts(ctx) else {
        return Ok(());
    };
    let edit = EditInteractionResponse::new()
        .content(cut(&text.into(), limits::CONTENT).0)
        .allowed_mentions(no_mentions());
    core.rest.edit_answer(&ix.token, &edit).await?;
    Ok(())
}

/// The caller's name for the record ("name (id)"), if they may moderate; else they are refused.
pub(super) async fn moderator(ctx: &Context<'_>) -> Result<Option<String>, CommandError> {
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

/// "6d", "36h", "90m", "1d12h": how long a discussion stays open.
pub(crate) fn parse_duration(s: &str) -> Result<SignedDuration, String> {
    let bad = || format!("`{s}` is not a duration like 6d, 36h, 90m or 1d12h");
    let mut total = 0i64;
    let mut number = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        number.clear();
        total += match c {
            'd' => n * 86_400,
            'h' => n * 3_600,
            'm' => n * 60,
            _ => return Err(bad()),
        };
    }
    if !number.is_empty() || total <= 0 || total > 366 * 86_400 {
        return Err(bad());
    }
    Ok(SignedDuration::from_secs(total))
}

async fn autocomplete_prompt(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let catalog = ctx.data().core.catalog();
    let choices = catalog
        .prompts
        .values()
        .filter(|p| p.id.contains(&partial) || p.title.to_lowercase().contains(&partial))
        .take(25)
        .map(|p| {
            AutocompleteChoice::new(cut(&format!("{} · {}", p.id, p.title), 100).0, p.id.clone())
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Run discussions: post, tally, close, list, export; and their history.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("post", "tally", "close", "list", "export", "history"),
    subcommand_required
)]
pub(super) async fn discussion(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Post a discussion of a prompt, with its thread.
#[poise::command(slash_command, guild_only)]
async fn post(
    ctx: Context<'_>,
    #[description = "The prompt to discuss"]
    #[autocomplete = "autocomplete_prompt"]
    prompt: String,
    #[description = "Where to post it (default: here)"] channel: Option<ChannelId>,
    #[description = "How long it stays open, e.g. 6d, 36h (default from config)"] closes_in: Option<
        String,
    >,
) -> Result<(), CommandError> {
    let Some(_by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let catalog = core.catalog();
    let Some(p) = catalog.get(prompt.trim()).cloned() else {
        let known: Vec<&str> = catalog.prompts.keys().map(String::as_str).collect();
        return say(
            &ctx,
            format!(
                "There is no prompt `{prompt}`. Prompts: {}.",
                known.join(", ")
            ),
        )
        .await;
    };
    let open_for = match closes_in.as_deref().map(parse_duration).transpose() {
        Ok(d) => d,
        Err(e) => return say(&ctx, e).await,
    };
    let channel = channel.unwrap_or(ix.channel_id);
    defer(&ctx).await?;
    let engine = core.engine.clone();
    let channel_key = channel.get().to_string();
    let opened = blocking(move || engine.open(&p, &channel_key, open_for)).await;
    let d = match opened {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return finish(&ctx, format!("Nothing was posted: {e}")).await,
        Err(e) => return finish(&ctx, format!("Nothing was posted: {e}")).await,
    };
    match core.post(&d, channel).await {
        Ok(_) => {
            finish(
                &ctx,
                format!(
                    "Discussion #{} is posted in <#{}>, with its thread.",
                    d.id(),
                    channel.get()
                ),
            )
            .await
        }
        Err(e) => {
            // Not posted: close it so it takes no answers and does not show as open.
            let (engine, id) = (core.engine.clone(), d.id());
            let _ = blocking(move || engine.close(id, "roundtable (not posted)")).await;
            finish(
                &ctx,
                format!(
                    "Discussion #{} could not be posted in <#{}>: {e}",
                    d.id(),
                    channel.get()
                ),
            )
            .await
        }
    }
}

/// Show a discussion's current tally (to you only), optionally with its chart.
#[poise::command(slash_command, guild_only)]
async fn tally(
    ctx: Context<'_>,
    #[description = "Discussion number (default: the one open here)"] discussion: Option<i64>,
    #[description = "Attach the tally as a chart (PNG)"] chart: Option<bool>,
) -> Result<(), CommandError> {
    let Some(_by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let d = match core.resolve(discussion, ix.channel_id.get()).await {
        Ok(d) => d,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    let (engine, d2) = (core.engine.clone(), d.clone());
    let tally = match blocking(move || engine.tally_of(&d2)).await? {
        Ok(t) => t,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    let mut post = render::tally_post(d.id(), &d.prompt().question, &d.options(), &tally);
    let chart = match chart {
        Some(true) => match results::chart_upload(&d, &tally).await {
            Ok(upload) => Some(upload),
            Err(e) => {
                tracing::warn!(discussion = %d.id(), "no chart for the tally: {e}");
                post.content = cut(
                    &format!("{}\n(No chart: {e}.)", post.content),
                    limits::CONTENT,
                )
                .0;
                None
            }
        },
        _ => None,
    };
    let answer = CreateInteractionResponse::Message(view::answer(&post, true));
    match chart {
        Some(file) => {
            core.rest
                .answer_with_file(ix.id, &ix.token, &answer, &file)
                .await?
        }
        None => core.rest.answer(ix.id, &ix.token, &answer).await?,
    }
    Ok(())
}

/// Close a discussion now and post its final result.
#[poise::command(slash_command, guild_only)]
async fn close(
    ctx: Context<'_>,
    #[description = "Discussion number (default: the one open here)"] discussion: Option<i64>,
) -> Result<(), CommandError> {
    let Some(by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let d = match core.resolve(discussion, ix.channel_id.get()).await {
        Ok(d) => d,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    defer(&ctx).await?;
    match core.close(d.id(), by).await {
        Ok((d, t)) => {
            finish(
                &ctx,
                format!(
                    "Discussion #{} is closed: {} members answered.",
                    d.id(),
                    t.participants
                ),
            )
            .await
        }
        Err(e) => finish(&ctx, e.to_string()).await,
    }
}

/// List open and recent discussions, with links.
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some(_by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let engine = core.engine.clone();
    let now = core.engine.now();
    let list = match blocking(move || engine.list(false, 15)).await? {
        Ok(l) => l,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    if list.is_empty() {
        return say(&ctx, "No discussions yet: post one with /discussion post.").await;
    }
    let guild = ix.guild_id.map(|g| g.get().to_string()).unwrap_or_default();
    let lines: Vec<String> = list
        .iter()
        .map(|d| {
            let state = match (d.is_open(now), d.record.closes_at) {
                (true, Some(at)) => format!("open until {}", render::fmt_time(at)),
                (true, None) => "open".to_string(),
                (false, _) => "closed".to_string(),
            };
            let link = match &d.record.message_id {
                Some(m) => format!(
                    " · https://discord.com/channels/{guild}/{}/{m}",
                    d.record.channel
                ),
                None => String::new(),
            };
            format!(
                "**#{}** {} ({state}){link}",
                d.id(),
                cut(&d.prompt().title, 120).0
            )
        })
        .collect();
    say(&ctx, lines.join("\n")).await
}

/// Manage prompt files.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("reload"),
    subcommand_required
)]
pub(super) async fn prompts(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Reload the prompt files; if any is bad, the old set stays and the problems are listed.
#[poise::command(slash_command, guild_only)]
async fn reload(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some(_by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let dir = core.prompts_dir.clone();
    let catalog = blocking(move || Catalog::load_dir(&dir)).await?;
    if !catalog.is_clean() {
        let problems: Vec<String> = catalog.problems.iter().map(|p| format!("• {p}")).collect();
        let kept = core.catalog().prompts.len();
        return say(
            &ctx,
            format!(
                "Nothing changed: {kept} prompt(s) stay loaded. Problems:\n{}",
                problems.join("\n")
            ),
        )
        .await;
    }
    let n = catalog.prompts.len();
    *core.catalog.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(catalog);
    core.wake.notify_one();
    say(&ctx, format!("Reloaded {n} prompt(s).")).await
}

/// Weekly scheduled discussions.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("show", "pause", "resume", "skip", "next"),
    subcommand_required
)]
pub(super) async fn schedule(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// The schedule's name: the given one, or the only one.
fn schedule_name(core: &Core, given: Option<String>) -> Result<String, String> {
    let names: Vec<String> = core
        .scheduler
        .schedules()
        .iter()
        .map(|s| s.name.clone())
        .collect();
    match (given, names.as_slice()) {
        (Some(n), _) => Ok(n),
        (None, [only]) => Ok(only.clone()),
        (None, []) => Err("No schedule is configured: add [[schedule]] to the config.".into()),
        (None, _) => Err(format!("Name the schedule: {}.", names.join(", "))),
    }
}

/// Show the next slots (local time and UTC) and the prompts they will post.
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some(_by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (scheduler, catalog) = (core.scheduler.clone(), core.catalog());
    let text = match blocking(move || scheduler.upcoming(&catalog, 4)).await? {
        Ok(list) if list.is_empty() => "No schedule is configured.".to_string(),
        Ok(list) => list
            .iter()
            .map(|u| format!("• {}", u.line()))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => e.to_string(),
    };
    say(&ctx, text).await
}

async fn schedule_change(
    ctx: Context<'_>,
    name: Option<String>,
    change: impl FnOnce(
            &crate::schedule::Scheduler,
            &str,
            &str,
            &Catalog,
        ) -> Result<String, crate::schedule::ScheduleError>
        + Send
        + 'static,
) -> Result<(), CommandError> {
    let Some(by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let name = match schedule_name(core, name) {
        Ok(n) => n,
        Err(e) => return say(&ctx, e).await,
    };
    let (scheduler, catalog) = (core.scheduler.clone(), core.catalog());
    let text = match blocking(move || change(&scheduler, &name, &by, &catalog)).await? {
        Ok(t) => t,
        Err(e) => e.to_string(),
    };
    core.wake.notify_one();
    say(&ctx, text).await
}

/// Pause a schedule: its slots are skipped until resumed.
#[poise::command(slash_command, guild_only)]
async fn pause(
    ctx: Context<'_>,
    #[description = "Schedule name"] name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, |s, n, _, _| {
        s.pause(n, true)
            .map(|_| format!("Schedule `{n}` is paused."))
    })
    .await
}

/// Resume a paused schedule.
#[poise::command(slash_command, guild_only)]
async fn resume(
    ctx: Context<'_>,
    #[description = "Schedule name"] name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, |s, n, _, _| {
        s.pause(n, false)
            .map(|_| format!("Schedule `{n}` is running."))
    })
    .await
}

/// Skip the schedule's next slot.
#[poise::command(slash_command, guild_only)]
async fn skip(
    ctx: Context<'_>,
    #[description = "Schedule name"] name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, |s, n, by, _| {
        s.skip_next(n, by)
            .map(|o| format!("The slot of {} in `{n}` will be skipped.", o.key()))
    })
    .await
}

/// Post this prompt at the schedule's next slot.
#[poise::command(slash_command, guild_only)]
async fn next(
    ctx: Context<'_>,
    #[description = "The prompt to post next"]
    #[autocomplete = "autocomplete_prompt"]
    prompt: String,
    #[description = "Schedule name"] name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, move |s, n, _, c| {
        s.put_next(n, &prompt, c)
            .map(|_| format!("`{prompt}` goes out at the next slot of `{n}`."))
    })
    .await
}

impl From<FlowError> for CommandError {
    fn from(e: FlowError) -> Self {
        CommandError::Flow(e)
    }
}

impl From<tokio::task::JoinError> for CommandError {
    fn from(e: tokio::task::JoinError) -> Self {
        CommandError::Flow(FlowError::Join(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_moderators_write_them() {
        assert_eq!(
            parse_duration("6d").unwrap(),
            SignedDuration::from_hours(144)
        );
        assert_eq!(
            parse_duration("1d12h").unwrap(),
            SignedDuration::from_hours(36)
        );
        assert_eq!(
            parse_duration("90m").unwrap(),
            SignedDuration::from_mins(90)
        );
        for bad in ["", "6", "6x", "0h", "400d", "d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
