//! `/discussion post|tally|close|list|export|history` and `/discussion statement …` (in
//! `statements.rs`): running discussions. Discord hides them from
//! members (`default_member_permissions`); the bot checks again on every call and refuses members.
//! Every subcommand works in the server it was run in: a number of another server's discussion
//! answers "there is no discussion #N here", and "the one open here" is looked for in this server.
//! `/discussion history` (in `results.rs`) is the exception: closed discussions are no secret, so
//! it answers anyone the server lets see `/discussion`.

use super::moderated_discussion;
use super::prompts::autocomplete_prompt;
use crate::discord::access::moderator;
use crate::discord::flows::blocking;
use crate::discord::reply::{defer, finish, parts, say};
use crate::discord::results::{export, history};
use crate::discord::{view, CommandError, Context};
use crate::limits;
use crate::render::{self, cut::cut};
use jiff::SignedDuration;
use serenity::builder::CreateInteractionResponse;
use serenity::model::id::ChannelId;

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

/// Run discussions: post, tally, close, list, export; and their history.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands(
        "post",
        "tally",
        "close",
        "list",
        "export",
        "history",
        "super::statements::statement"
    ),
    subcommand_required
)]
pub(crate) async fn discussion(_ctx: Context<'_>) -> Result<(), CommandError> {
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
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let c = core.clone();
    let catalog = blocking(move || c.catalog_in(server)).await?;
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
    if core
        .guild_of_channel(channel)
        .is_some_and(|g| Some(g) != server.guild())
    {
        return say(
            &ctx,
            "That channel is not in this server; nothing was posted.",
        )
        .await;
    }
    defer(&ctx).await?;
    let engine = core.engine.clone();
    let channel_key = channel.get().to_string();
    let opened = blocking(move || engine.open(server, &p, &channel_key, open_for)).await;
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
            let _ = blocking(move || engine.close(server, id, "roundtable (not posted)")).await;
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
    let Some((_by, _server, d)) = moderated_discussion(&ctx, discussion).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (engine, d2) = (core.engine.clone(), d.clone());
    let tally = match blocking(move || engine.tally_of(&d2)).await? {
        Ok(t) => t,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    let mut post = render::tally_post(d.id(), &d.prompt().question, &d.options(), &tally);
    let chart = match chart {
        Some(true) => match crate::discord::flows::chart_upload(&core.engine, &d, &tally).await {
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
    // What members think so far, with the opinion map: a second private message.
    match crate::discord::flows::opinion_part(&core.engine, &d).await {
        Ok(Some((post, map))) => {
            let followup = serenity::builder::CreateInteractionResponseFollowup::new()
                .content(&post.content)
                .embeds(view::embeds(&post))
                .ephemeral(true)
                .allowed_mentions(crate::discord::no_mentions());
            match map {
                Some(file) => {
                    core.rest
                        .follow_up_with_file(&ix.token, &followup, &file)
                        .await?
                }
                None => core.rest.follow_up(&ix.token, &followup).await?,
            };
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(discussion = %d.id(), "no opinion groups for the tally: {e}"),
    }
    Ok(())
}

/// Close a discussion now and post its final result.
#[poise::command(slash_command, guild_only)]
async fn close(
    ctx: Context<'_>,
    #[description = "Discussion number (default: the one open here)"] discussion: Option<i64>,
) -> Result<(), CommandError> {
    let Some((by, server, d)) = moderated_discussion(&ctx, discussion).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    defer(&ctx).await?;
    match core.close(server, d.id(), by).await {
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
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let engine = core.engine.clone();
    let now = core.engine.now();
    let list = match blocking(move || engine.list(server, false, 15)).await? {
        Ok(l) => l,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    if list.is_empty() {
        return say(&ctx, "No discussions yet: post one with /discussion post.").await;
    }
    let lines: Vec<String> = list
        .iter()
        .map(|d| {
            let state = match (d.is_open(now), d.record.closes_at) {
                (true, Some(at)) => format!("open until {}", render::fmt_time(at)),
                (true, None) => "open".to_string(),
                (false, _) => "closed".to_string(),
            };
            // The link names the discussion's own server.
            let link = crate::render::history::message_link(
                d.record.server.guild(),
                &d.record.channel,
                d.record.message_id.as_deref(),
            )
            .map(|url| format!(" · {url}"))
            .unwrap_or_default();
            format!(
                "**#{}** {} ({state}){link}",
                d.id(),
                cut(&d.prompt().title, 120).0
            )
        })
        .collect();
    say(&ctx, lines.join("\n")).await
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
