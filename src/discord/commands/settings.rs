//! `/settings show|set|reset`: a server sets itself up from Discord. Moderator and voter roles are
//! chosen with Discord's role picker and kept by id (renaming a role changes nothing); the log
//! channel with the channel picker; the time zone by its IANA name (autocompleted). Every value is
//! checked by the same bounds as the configuration file, whose values stay the defaults of what a
//! server does not set. Only members with Manage Server may use it (Discord hides it from the
//! others, and the bot checks again); every change is logged with who made it.

use super::discussion::parse_duration;
use crate::discord::access::{manager, roles_text};
use crate::discord::flows::blocking;
use crate::discord::reply::{parts, say};
use crate::discord::{CommandError, Context};
use crate::discussion::ResultsMode;
use crate::schedule::NoReview;
use crate::settings::{results_name, Change, ServerConfig, Setting, SettingsError};
use crate::store::ServerId;
use serenity::builder::{AutocompleteChoice, CreateAutocompleteResponse};
use serenity::model::id::{ChannelId, RoleId};

/// roundtable's settings for this server.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("show", "set", "reset"),
    subcommand_required
)]
pub(crate) async fn settings(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

pub(crate) async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> CreateAutocompleteResponse {
    let choices = crate::settings::time_zones_like(partial, 25)
        .into_iter()
        .map(|name| AutocompleteChoice::new(name.clone(), name))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Show this server's settings, and which come from the configuration file.
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((_by, server)) = manager(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let config = core.settings(server).await?;
    let log_channel = core.log_channel(Some(server)).await;
    say(&ctx, show_text(&config, log_channel)).await
}

fn value_text(config: &ServerConfig, setting: Setting, log_channel: Option<u64>) -> String {
    let d = &config.discussion;
    match setting {
        Setting::ModeratorRoles if config.moderator_roles.is_empty() => {
            "none (Manage Messages only)".into()
        }
        Setting::ModeratorRoles => roles_text(&config.moderator_roles, ", "),
        Setting::VoterRoles if config.voter_roles.is_empty() => "everyone".into(),
        Setting::VoterRoles => roles_text(&config.voter_roles, ", "),
        Setting::LogChannel => log_channel.map_or("none".into(), |c| format!("<#{c}>")),
        Setting::TimeZone => config.timezone_name.clone(),
        Setting::Results => results_name(d.results).into(),
        Setting::Duration => format!("{} hours", d.duration_hours),
        Setting::ReplyLength => format!("{} characters", d.max_reply_chars),
        Setting::ThreadLocking => if config.lock_thread_on_close {
            "on (threads lock when their discussion closes)"
        } else {
            "off"
        }
        .into(),
        Setting::OptionOrder => if d.keep_file_order {
            "the prompt file's order"
        } else {
            "shuffled once per discussion"
        }
        .into(),
        Setting::ReviewHours => match config.review.review_hours {
            0 => "off (scheduled posts go out unreviewed)".into(),
            h => format!("{h} hours before each slot, in the moderators' log channel"),
        },
        Setting::OnNoReview => match config.review.on_no_review {
            NoReview::Post => "post (the prompt the review showed)",
            NoReview::Hold => "hold (nothing is posted)",
        }
        .into(),
    }
}

/// The settings, one a line, each marked when it is the file's default.
pub(crate) fn show_text(config: &ServerConfig, log_channel: Option<u64>) -> String {
    let mut lines = vec!["**roundtable's settings here**".to_string()];
    for setting in Setting::ALL {
        let default = if config.is_default(setting) {
            " · default"
        } else {
            ""
        };
        lines.push(format!(
            "• {}: {}{default}",
            setting.label(),
            value_text(config, setting, log_channel)
        ));
    }
    if let Some((at, by)) = &config.changed {
        lines.push(format!(
            "Last changed {} by {by}.",
            at.strftime("%Y-%m-%d %H:%M UTC")
        ));
    }
    lines.push(
        "Defaults come from the configuration file; change one with /settings set, or go back to it with /settings reset."
            .into(),
    );
    lines.join("\n")
}

/// Applies `change` for the caller and answers what the setting is now.
async fn apply(ctx: Context<'_>, change: Change) -> Result<(), CommandError> {
    let Some((by, server)) = manager(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let setting = change.setting();
    let (settings, now, who) = (core.settings.clone(), core.engine.now(), by.clone());
    let result = blocking(move || settings.set(server, change, &who, now)).await?;
    let config = match result {
        Ok(c) => c,
        Err(SettingsError::Invalid(e)) => {
            return say(
                &ctx,
                format!("Nothing changed: {}: {}.", label_of(&e.field), e.message),
            )
            .await
        }
        Err(e) => return say(&ctx, format!("Nothing changed: {e}.")).await,
    };
    let log_channel = core.log_channel(Some(server)).await;
    let now_is = value_text(&config, setting, log_channel);
    let default = if config.is_default(setting) {
        " (the configuration file's default)"
    } else {
        ""
    };
    let line = format!("{} set to {now_is}{default} by {by}.", setting.label());
    // Logged in the moderators' channel too (the bot's log and the store have it already).
    core.note_for_moderators(Some(server), &format!("Settings: {line}"))
        .await;
    core.wake.notify_one();
    say(&ctx, line).await
}

/// The setting's name for people, from its key.
fn label_of(key: &str) -> &'static str {
    Setting::ALL
        .into_iter()
        .find(|s| s.key() == key)
        .map_or("value", Setting::label)
}

/// Change one setting.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "set_moderator_roles",
        "set_voter_roles",
        "set_log_channel",
        "set_timezone",
        "set_results",
        "set_duration",
        "set_reply_length",
        "set_thread_locking",
        "set_option_order",
        "set_review_hours",
        "set_on_no_review"
    ),
    subcommand_required
)]
async fn set(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// The roles picked, without @everyone when `everyone` says so.
fn picked(roles: [Option<RoleId>; 5]) -> Vec<u64> {
    roles.into_iter().flatten().map(|r| r.get()).collect()
}

fn everyone(server: ServerId) -> Option<u64> {
    server.guild() // @everyone's role id is the guild's id
}

/// Roles whose members may use moderator commands (besides Manage Messages).
#[poise::command(slash_command, guild_only, rename = "moderator-roles")]
async fn set_moderator_roles(
    ctx: Context<'_>,
    #[description = "A moderator role"] role: RoleId,
    #[description = "Another moderator role"] role_2: Option<RoleId>,
    #[description = "Another moderator role"] role_3: Option<RoleId>,
    #[description = "Another moderator role"] role_4: Option<RoleId>,
    #[description = "Another moderator role"] role_5: Option<RoleId>,
) -> Result<(), CommandError> {
    let roles = picked([Some(role), role_2, role_3, role_4, role_5]);
    let at_everyone = parts(&ctx).and_then(|(ix, _)| ix.guild_id).map(|g| g.get());
    if roles.iter().any(|r| Some(*r) == at_everyone) {
        return say(
            &ctx,
            "Nothing changed: @everyone cannot be a moderator role (everyone would moderate).",
        )
        .await;
    }
    apply(ctx, Change::ModeratorRoles(roles)).await
}

/// Roles whose members may vote and reply; none: everyone.
#[poise::command(slash_command, guild_only, rename = "voter-roles")]
async fn set_voter_roles(
    ctx: Context<'_>,
    #[description = "A voter role (leave all empty: everyone takes part)"] role: Option<RoleId>,
    #[description = "Another voter role"] role_2: Option<RoleId>,
    #[description = "Another voter role"] role_3: Option<RoleId>,
    #[description = "Another voter role"] role_4: Option<RoleId>,
    #[description = "Another voter role"] role_5: Option<RoleId>,
) -> Result<(), CommandError> {
    let mut roles = picked([role, role_2, role_3, role_4, role_5]);
    let server = parts(&ctx)
        .and_then(|(ix, _)| ix.guild_id)
        .map(|g| ServerId::Guild(g.get()));
    if let Some(all) = server.and_then(everyone) {
        if roles.contains(&all) {
            roles.clear(); // @everyone: everyone takes part
        }
    }
    apply(ctx, Change::VoterRoles(roles)).await
}

/// The channel where roundtable tells moderators what needs them.
#[poise::command(slash_command, guild_only, rename = "log-channel")]
async fn set_log_channel(
    ctx: Context<'_>,
    #[description = "The moderators' log channel"]
    #[channel_types("Text")]
    channel: ChannelId,
) -> Result<(), CommandError> {
    if let Some((ix, core)) = parts(&ctx) {
        if core
            .guild_of_channel(channel)
            .is_some_and(|g| Some(g) != ix.guild_id.map(|g| g.get()))
        {
            return say(&ctx, "Nothing changed: that channel is not in this server.").await;
        }
    }
    apply(ctx, Change::LogChannel(channel.get())).await
}

/// The server's time zone: the default of new schedules.
#[poise::command(slash_command, guild_only, rename = "timezone")]
async fn set_timezone(
    ctx: Context<'_>,
    #[description = "IANA time zone, e.g. Europe/Paris"]
    #[autocomplete = "autocomplete_timezone"]
    zone: String,
) -> Result<(), CommandError> {
    apply(ctx, Change::TimeZone(zone)).await
}

/// Live results on the posts, or hidden until close.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(crate) enum Results {
    #[name = "live"]
    Live,
    #[name = "hidden"]
    Hidden,
}

/// Whether posts show counts as votes arrive, or only participation until close.
#[poise::command(slash_command, guild_only, rename = "results")]
async fn set_results(
    ctx: Context<'_>,
    #[description = "live: counts as votes arrive; hidden: participation only until close"]
    mode: Results,
) -> Result<(), CommandError> {
    let mode = match mode {
        Results::Live => ResultsMode::Live,
        Results::Hidden => ResultsMode::Hidden,
    };
    apply(ctx, Change::Results(mode)).await
}

/// How long a discussion stays open unless a moderator says otherwise.
#[poise::command(slash_command, guild_only, rename = "duration")]
async fn set_duration(
    ctx: Context<'_>,
    #[description = "e.g. 6d, 36h (whole hours)"] value: String,
) -> Result<(), CommandError> {
    match parse_duration(&value) {
        Ok(d) if d.as_secs() % 3600 == 0 => {
            let hours = u32::try_from(d.as_secs() / 3600).unwrap_or(u32::MAX);
            apply(ctx, Change::DurationHours(hours)).await
        }
        Ok(_) => {
            say(
                &ctx,
                "Nothing changed: the duration must be whole hours, e.g. 6d or 36h.",
            )
            .await
        }
        Err(e) => say(&ctx, format!("Nothing changed: {e}.")).await,
    }
}

/// The longest written reply, in characters.
#[poise::command(slash_command, guild_only, rename = "reply-length")]
async fn set_reply_length(
    ctx: Context<'_>,
    #[description = "Characters, 1 to 4000"]
    #[min = 1]
    #[max = 4000]
    characters: u32,
) -> Result<(), CommandError> {
    apply(ctx, Change::ReplyLength(characters as usize)).await
}

/// Whether a discussion's thread is locked when it closes.
#[poise::command(slash_command, guild_only, rename = "thread-locking")]
async fn set_thread_locking(
    ctx: Context<'_>,
    #[description = "Lock the thread when its discussion closes"] lock: bool,
) -> Result<(), CommandError> {
    apply(ctx, Change::ThreadLocking(lock)).await
}

/// The order of the stance buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(crate) enum Order {
    #[name = "shuffled"]
    Shuffled,
    #[name = "file"]
    File,
}

/// Shuffle the stances once per discussion, or keep the prompt file's order.
#[poise::command(slash_command, guild_only, rename = "option-order")]
async fn set_option_order(
    ctx: Context<'_>,
    #[description = "shuffled once per discussion, or as in the prompt file"] order: Order,
) -> Result<(), CommandError> {
    apply(ctx, Change::KeepFileOrder(order == Order::File)).await
}

/// How long before each scheduled slot the moderators review what it will post.
#[poise::command(slash_command, guild_only, rename = "review-hours")]
async fn set_review_hours(
    ctx: Context<'_>,
    #[description = "Hours before each slot, 0 (no review) to 168 (a week)"]
    #[min = 0]
    #[max = 168]
    hours: u32,
) -> Result<(), CommandError> {
    apply(ctx, Change::ReviewHours(hours)).await
}

/// What a scheduled slot does when nobody reviewed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(crate) enum Unreviewed {
    #[name = "post"]
    Post,
    #[name = "hold"]
    Hold,
}

/// Whether a slot nobody reviewed posts anyway, or is held (posts nothing).
#[poise::command(slash_command, guild_only, rename = "on-no-review")]
async fn set_on_no_review(
    ctx: Context<'_>,
    #[description = "post: the prompt the review showed; hold: nothing is posted"]
    choice: Unreviewed,
) -> Result<(), CommandError> {
    let n = match choice {
        Unreviewed::Post => NoReview::Post,
        Unreviewed::Hold => NoReview::Hold,
    };
    apply(ctx, Change::OnNoReview(n)).await
}

/// A setting, as `/settings reset` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub(crate) enum Named {
    #[name = "moderator-roles"]
    ModeratorRoles,
    #[name = "voter-roles"]
    VoterRoles,
    #[name = "log-channel"]
    LogChannel,
    #[name = "timezone"]
    TimeZone,
    #[name = "results"]
    Results,
    #[name = "duration"]
    Duration,
    #[name = "reply-length"]
    ReplyLength,
    #[name = "thread-locking"]
    ThreadLocking,
    #[name = "option-order"]
    OptionOrder,
    #[name = "review-hours"]
    ReviewHours,
    #[name = "on-no-review"]
    OnNoReview,
}

/// Go back to the configuration file's value of a setting.
#[poise::command(slash_command, guild_only)]
async fn reset(
    ctx: Context<'_>,
    #[description = "The setting to reset"] setting: Named,
) -> Result<(), CommandError> {
    let setting = match setting {
        Named::ModeratorRoles => Setting::ModeratorRoles,
        Named::VoterRoles => Setting::VoterRoles,
        Named::LogChannel => Setting::LogChannel,
        Named::TimeZone => Setting::TimeZone,
        Named::Results => Setting::Results,
        Named::Duration => Setting::Duration,
        Named::ReplyLength => Setting::ReplyLength,
        Named::ThreadLocking => Setting::ThreadLocking,
        Named::OptionOrder => Setting::OptionOrder,
        Named::ReviewHours => Setting::ReviewHours,
        Named::OnNoReview => Setting::OnNoReview,
    };
    apply(ctx, Change::Reset(setting)).await
}
