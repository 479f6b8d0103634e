//! `/schedule show|pause|resume|skip|next`: the weekly schedules.

use super::prompts::autocomplete_prompt;
use crate::discord::access::moderator;
use crate::discord::flows::{blocking, Core};
use crate::discord::reply::{parts, say};
use crate::discord::{CommandError, Context};
use crate::prompt::Catalog;

/// Weekly scheduled discussions.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("show", "pause", "resume", "skip", "next"),
    subcommand_required
)]
pub(crate) async fn schedule(_ctx: Context<'_>) -> Result<(), CommandError> {
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
