//! `/schedule add|remove|list|show|pause|resume|skip|next`: the weekly schedules of the server the
//! command is run in. `[[schedule]]` tables of the configuration file name their server and show
//! here beside those added from Discord; the same ledger posts each slot once, and slots follow
//! the schedule's time zone across daylight saving changes.

use super::discussion::parse_duration;
use super::prompts::autocomplete_prompt;
use super::settings::autocomplete_timezone;
use crate::discord::access::moderator;
use crate::discord::flows::{blocking, Core};
use crate::discord::reply::{parts, say, server_of};
use crate::discord::{CommandError, Context};
use crate::limits;
use crate::prompt::Catalog;
use crate::render::cut::cut;
use crate::schedule::{QueuePolicy, ScheduleConfig, ScheduleError, Scheduler};
use crate::store::ServerId;
use serenity::builder::{AutocompleteChoice, CreateAutocompleteResponse};
use serenity::model::id::ChannelId;

/// Weekly scheduled discussions.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("add", "remove", "list", "show", "pause", "resume", "skip", "next"),
    subcommand_required
)]
pub(crate) async fn schedule(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// The day of a weekly slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(crate) enum Day {
    #[name = "Monday"]
    Mon,
    #[name = "Tuesday"]
    Tue,
    #[name = "Wednesday"]
    Wed,
    #[name = "Thursday"]
    Thu,
    #[name = "Friday"]
    Fri,
    #[name = "Saturday"]
    Sat,
    #[name = "Sunday"]
    Sun,
}

impl Day {
    fn short(self) -> &'static str {
        match self {
            Day::Mon => "Mon",
            Day::Tue => "Tue",
            Day::Wed => "Wed",
            Day::Thu => "Thu",
            Day::Fri => "Fri",
            Day::Sat => "Sat",
            Day::Sun => "Sun",
        }
    }
}

/// Which prompt each slot posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(crate) enum Queue {
    #[name = "sequential"]
    Sequential,
    #[name = "shuffled"]
    Shuffled,
}

/// The schedule's name: the given one, or the server's only one.
fn schedule_name(
    scheduler: &Scheduler,
    server: ServerId,
    given: Option<String>,
) -> Result<String, String> {
    if let Some(n) = given {
        return Ok(n);
    }
    let names: Vec<String> = scheduler
        .schedules_of(server)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|s| s.name)
        .collect();
    match names.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err("This server has no schedule: add one with /schedule add.".into()),
        _ => Err(format!("Name the schedule: {}.", names.join(", "))),
    }
}

async fn autocomplete_schedule(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let names = match &ctx {
        poise::Context::Application(a) => match server_of(a.interaction) {
            Some(server) => {
                let scheduler = ctx.data().core.scheduler.clone();
                blocking(move || scheduler.schedules_of(server))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .unwrap_or_default()
            }
            None => Vec::new(),
        },
        poise::Context::Prefix(_) => Vec::new(),
    };
    let choices = names
        .into_iter()
        .filter(|s| s.name.to_lowercase().contains(&partial))
        .take(25)
        .map(|s| AutocompleteChoice::new(s.name.clone(), s.name))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Add a weekly schedule: a discussion posts in the channel every week at the day and time.
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only)]
async fn add(
    ctx: Context<'_>,
    #[description = "A short name for the schedule"] name: String,
    #[description = "Where its discussions are posted"]
    #[channel_types("Text")]
    channel: ChannelId,
    #[description = "The day of the week"] day: Day,
    #[description = "Local time, 24-hour, e.g. 18:00"] time: String,
    #[description = "IANA time zone (default: the server's)"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "How long each stays open, e.g. 6d, 36h (default: the server's)"]
    duration: Option<String>,
    #[description = "Which prompt each slot posts (default: sequential)"] queue: Option<Queue>,
    #[description = "Prompt ids it posts, comma-separated (default: every approved prompt)"]
    prompts: Option<String>,
) -> Result<(), CommandError> {
    let Some((by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    if core
        .guild_of_channel(channel)
        .is_some_and(|g| Some(g) != server.guild())
    {
        return say(
            &ctx,
            "That channel is not in this server; nothing was added.",
        )
        .await;
    }
    let duration_hours = match duration.as_deref().map(parse_duration).transpose() {
        Ok(None) => None,
        Ok(Some(d)) if d.as_secs() % 3600 == 0 => Some((d.as_secs() / 3600) as u32),
        Ok(Some(_)) => return say(&ctx, "The duration must be whole hours, e.g. 6d or 36h.").await,
        Err(e) => return say(&ctx, e).await,
    };
    let prompts: Vec<String> = prompts
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if !prompts.is_empty() {
        let c = core.clone();
        let catalog = blocking(move || c.catalog_in(server)).await?;
        if let Some(missing) = prompts.iter().find(|p| catalog.get(p).is_none()) {
            let known: Vec<&str> = catalog.prompts.keys().map(String::as_str).collect();
            return say(
                &ctx,
                format!(
                    "There is no approved prompt `{}` in this server; nothing was added. Prompts: {}.",
                    limits::shown(missing, 60),
                    known.join(", ")
                ),
            )
            .await;
        }
    }
    let config = core.settings(server).await?;
    let timezone = timezone.unwrap_or_else(|| config.timezone_name.clone());
    let schedule = ScheduleConfig {
        name: name.trim().to_string(),
        guild: server.guild(),
        channel: channel.get().to_string(),
        at: Some(format!("{} {}", day.short(), time.trim())),
        cron: None,
        timezone,
        duration_hours,
        queue: match queue {
            Some(Queue::Shuffled) => QueuePolicy::Shuffled,
            _ => QueuePolicy::Sequential,
        },
        prompts,
        repeat: false,
        grace_hours: 6,
    };
    let (scheduler, who) = (core.scheduler.clone(), by.clone());
    let added = blocking(move || scheduler.add(server, schedule, &who)).await?;
    let text = match added {
        Ok(s) => {
            core.wake.notify_one();
            let next = s
                .rhythm
                .next_after(&s.tz, core.engine.now())
                .map(|o| {
                    format!(
                        " Its first slot: {} ({} UTC).",
                        o.local.strftime("%a %Y-%m-%d %H:%M"),
                        o.at.strftime("%Y-%m-%d %H:%M")
                    )
                })
                .unwrap_or_default();
            let line = format!(
                "Schedule `{}` added by {by}: every {} {} ({}) in <#{}>.{next}",
                s.name,
                day.short(),
                time.trim(),
                s.tz.iana_name().unwrap_or("UTC"),
                s.channel
            );
            core.note_for_moderators(Some(server), &line).await;
            line
        }
        Err(ScheduleError::Invalid { field, message }) => {
            format!("Nothing was added: {}: {message}", field_name(field))
        }
        Err(e) => format!("Nothing was added: {e}."),
    };
    say(&ctx, text).await
}

/// The option a schedule field comes from.
fn field_name(field: &str) -> &str {
    match field {
        "at" => "day and time",
        "duration_hours" => "duration",
        other => other,
    }
}

/// Remove a schedule added from Discord (its past slots stay recorded).
#[poise::command(slash_command, guild_only)]
async fn remove(
    ctx: Context<'_>,
    #[description = "Schedule name"]
    #[autocomplete = "autocomplete_schedule"]
    name: String,
) -> Result<(), CommandError> {
    let Some((by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (scheduler, n) = (core.scheduler.clone(), name.clone());
    let text = match blocking(move || scheduler.remove(server, &n)).await? {
        Ok(()) => {
            core.wake.notify_one();
            let line = format!("Schedule `{}` removed by {by}.", name.trim());
            core.note_for_moderators(Some(server), &line).await;
            line
        }
        Err(e) => format!("Nothing was removed: {e}."),
    };
    say(&ctx, text).await
}

/// List this server's schedules: where, when, and how.
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let scheduler = core.scheduler.clone();
    let text = match blocking(move || list_text(&scheduler, server)).await? {
        Ok(t) => t,
        Err(e) => e.to_string(),
    };
    say(&ctx, text).await
}

fn list_text(scheduler: &Scheduler, server: ServerId) -> Result<String, ScheduleError> {
    let schedules = scheduler.schedules_of(server)?;
    if schedules.is_empty() {
        return Ok("This server has no schedule: add one with /schedule add.".into());
    }
    let states = schedules
        .iter()
        .map(|s| scheduler.is_paused(server, &s.name))
        .collect::<Result<Vec<bool>, _>>()?;
    let lines: Vec<String> = schedules
        .iter()
        .zip(states)
        .map(|(s, paused)| {
            let duration = s.duration.map_or("the server's duration".to_string(), |d| {
                format!("{} hours", d.as_hours())
            });
            let queue = match s.queue {
                QueuePolicy::Sequential => "sequential",
                QueuePolicy::Shuffled => "shuffled",
            };
            format!(
                "• **{}** in <#{}>: {} ({}); open {duration}; queue {queue}{}",
                s.name,
                s.channel,
                s.rhythm.describe(),
                s.tz.iana_name().unwrap_or("UTC"),
                if paused { "; paused" } else { "" }
            )
        })
        .collect();
    Ok(cut(&lines.join("\n"), crate::limits::CONTENT).0)
}

/// Show the next slots (local time and UTC) and the prompts they will post.
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (scheduler, catalog) = (core.scheduler.clone(), core.catalog());
    let text = match blocking(move || scheduler.upcoming(Some(server), &catalog, 4)).await? {
        Ok(list) if list.is_empty() => {
            "This server has no schedule: add one with /schedule add.".to_string()
        }
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
    change: impl FnOnce(&Scheduler, ServerId, &str, &str, &Catalog) -> Result<String, ScheduleError>
        + Send
        + 'static,
) -> Result<(), CommandError> {
    let Some((by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (scheduler, catalog) = (core.scheduler.clone(), core.catalog());
    let text = blocking(move || match schedule_name(&scheduler, server, name) {
        Ok(name) => {
            change(&scheduler, server, &name, &by, &catalog).unwrap_or_else(|e| e.to_string())
        }
        Err(e) => e,
    })
    .await?;
    wake(core);
    say(&ctx, text).await
}

fn wake(core: &Core) {
    core.wake.notify_one();
}

/// Pause a schedule: its slots are skipped until resumed.
#[poise::command(slash_command, guild_only)]
async fn pause(
    ctx: Context<'_>,
    #[description = "Schedule name"]
    #[autocomplete = "autocomplete_schedule"]
    name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, |s, server, n, _, _| {
        s.pause(server, n, true)
            .map(|_| format!("Schedule `{n}` is paused."))
    })
    .await
}

/// Resume a paused schedule.
#[poise::command(slash_command, guild_only)]
async fn resume(
    ctx: Context<'_>,
    #[description = "Schedule name"]
    #[autocomplete = "autocomplete_schedule"]
    name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, |s, server, n, _, _| {
        s.pause(server, n, false)
            .map(|_| format!("Schedule `{n}` is running."))
    })
    .await
}

/// Skip the schedule's next slot.
#[poise::command(slash_command, guild_only)]
async fn skip(
    ctx: Context<'_>,
    #[description = "Schedule name"]
    #[autocomplete = "autocomplete_schedule"]
    name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, |s, server, n, by, _| {
        s.skip_next(server, n, by)
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
    #[description = "Schedule name"]
    #[autocomplete = "autocomplete_schedule"]
    name: Option<String>,
) -> Result<(), CommandError> {
    schedule_change(ctx, name, move |s, server, n, _, c| {
        s.put_next(server, n, &prompt, c)
            .map(|_| format!("`{prompt}` goes out at the next slot of `{n}`."))
    })
    .await
}
