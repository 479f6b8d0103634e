#![recursion_limit = "256"]
//! Review before a scheduled post, on the loopback Discord with an injected clock: the review
//! arrives in the moderators' log channel `review_hours` before the slot, and Approve, Swap,
//! Skip and `on_no_review = "hold"` decide what the slot posts, across a restart of the bot
//! between the decision and the slot.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::config::Config;
use roundtable::schedule::{NoReview, QueuePolicy, ScheduleConfig};
use roundtable::store::{ReviewDecision, ServerId};
use std::sync::Arc;
use support::{bot, Discord, Guild, Sent, SentKind};

const REVIEW: &str = "**Review before a scheduled post**";
/// The slot: Monday 2026-12-07 18:00 in New York (23:00 UTC); its review a day before.
const SLOT: &str = "2026-12-07T23:00:00Z";
const SLOT_KEY: &str = "2026-12-07T18:00";
const REVIEW_AT: &str = "2026-12-06T23:00:00Z";
const SECOND_TITLE: &str = "The second prompt of this server";

fn weekly(channel: u64) -> ScheduleConfig {
    ScheduleConfig {
        name: "weekly".into(),
        guild: None,
        channel: channel.to_string(),
        at: Some("Mon 18:00".into()),
        cron: None,
        timezone: "America/New_York".into(),
        duration_hours: Some(144),
        queue: QueuePolicy::Sequential,
        prompts: vec![],
        repeat: true,
        grace_hours: 6,
    }
}

/// A server with two prompts (`a-first`, `b-second`), a weekly schedule and a log channel.
fn setup(discord: &Discord, guild: &Guild, prompts: &std::path::Path) -> Config {
    let seed = include_str!("../prompts/syria-strike-2017.toml");
    std::fs::write(prompts.join("a-first.toml"), seed).unwrap();
    let second = seed.replacen(
        "title = \"Putin says the U.S. is planning new strikes in Syria; G7 weighs its next steps\"",
        &format!("title = \"{SECOND_TITLE}\""),
        1,
    );
    assert_ne!(second, seed);
    std::fs::write(prompts.join("b-second.toml"), second).unwrap();
    let mut config = discord.config(Some(guild));
    config.prompts = prompts.to_path_buf();
    config.schedules = vec![weekly(guild.discussions)];
    config.discord.log_channel = Some(guild.general);
    config
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn is_review(s: &Sent, guild: &Guild) -> bool {
    s.kind == SentKind::Message
        && s.channel_id == Some(guild.general)
        && s.content().starts_with(REVIEW)
}

fn reviews(discord: &Discord, guild: &Guild) -> usize {
    discord
        .sent()
        .iter()
        .filter(|s| is_review(s, guild))
        .count()
}

fn posts(discord: &Discord, guild: &Guild) -> Vec<Sent> {
    discord
        .sent()
        .into_iter()
        .filter(|s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(guild.discussions)
                && s.content().starts_with("**Discussion #")
        })
        .collect()
}

fn title(s: &Sent) -> String {
    s.embeds()[0]["title"].as_str().unwrap_or("").to_string()
}

/// Starts the bot a minute before the review and moves the clock to it: the review arrives.
async fn review_arrives(
    discord: &Discord,
    guild: &Guild,
    config: &Config,
    clock: &Arc<ManualClock>,
) -> (bot::RunningBot, Sent) {
    let mut running = bot::start_with_clock(config, clock.clone()).await;
    running.ready().await;
    // The bot's first tick is done once it answered a command.
    discord
        .answer(&discord.run_command(
            guild.moderator(),
            guild,
            guild.general,
            "ping",
            serde_json::json!([]),
        ))
        .await;
    assert_eq!(reviews(discord, guild), 0, "no review before its time");
    clock.advance(SignedDuration::from_mins(1));
    assert_eq!(clock_now(clock), ts(REVIEW_AT));
    running.wake();
    let review = discord
        .await_sent("the review in the log channel", 0, |s| is_review(s, guild))
        .await;
    (running, review)
}

fn clock_now(clock: &ManualClock) -> jiff::Timestamp {
    use roundtable::clock::Clock;
    clock.now()
}

/// Stops the bot, moves the clock to the slot, starts it again: what the slot posts.
async fn restart_at_slot(
    discord: &Discord,
    guild: &Guild,
    config: &Config,
    clock: &Arc<ManualClock>,
    running: bot::RunningBot,
) -> bot::RunningBot {
    running.stop().await.unwrap();
    clock.set(ts(SLOT));
    let mut running = bot::start_with_clock(config, clock.clone()).await;
    running.ready().await;
    running.wake();
    discord
        .answer(&discord.run_command(
            guild.moderator(),
            guild,
            guild.general,
            "ping",
            serde_json::json!([]),
        ))
        .await;
    running
}

fn decision(running: &bot::RunningBot, guild: &Guild) -> (ReviewDecision, Option<String>) {
    let r = running
        .store
        .review(ServerId::Guild(guild.id), "weekly", SLOT_KEY)
        .unwrap()
        .expect("the review is in the store");
    (r.decision, r.decided_by)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_arrives_a_day_before_and_approve_posts_the_prompt_after_a_restart() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let config = setup(&discord, &guild, dir.path());
    let clock = Arc::new(ManualClock::new(ts("2026-12-06T22:59:00Z")));
    let (running, review) = review_arrives(&discord, &guild, &config, &clock).await;

    // The post as members will see it, with the review's buttons; nobody pinged.
    assert!(review.mentions_nobody());
    assert!(
        review.content().contains("slot 2026-12-07T18:00")
            && review.content().contains("if nobody acts, it posts"),
        "{}",
        review.content()
    );
    let shown = title(&review);
    assert!(shown.starts_with("Putin says"), "{shown}");
    for id in ["rt:rv:ok", "rt:rv:swap", "rt:rv:skip"] {
        assert!(review.custom_ids().contains(&id.to_string()), "{id}");
    }
    let message = review.message_id.unwrap();

    // A member who is not a moderator is refused, and nothing changes.
    let refused = discord
        .answer(&discord.click(guild.member(0), &guild, message, "rt:rv:skip"))
        .await;
    assert!(refused.is_ephemeral());
    assert!(
        refused.content().starts_with("Only moderators"),
        "{}",
        refused.content()
    );
    assert_eq!(decision(&running, &guild), (ReviewDecision::Pending, None));

    let before = discord.sent().len();
    let approved = discord
        .answer(&discord.click(guild.moderator(), &guild, message, "rt:rv:ok"))
        .await;
    assert_eq!(
        approved.callback_type(),
        Some(7),
        "the review is updated in place"
    );
    assert!(
        approved.content().contains("Approved by"),
        "{}",
        approved.content()
    );
    let (d, by) = decision(&running, &guild);
    assert_eq!(d, ReviewDecision::Approved);
    assert!(by.unwrap().contains(&guild.moderator().id.to_string()));
    let logged = discord
        .await_sent("the decision in the log channel", before, |s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(guild.general)
                && s.content()
                    .starts_with("Review of schedule `weekly`, slot 2026-12-07T18:00: approved by")
        })
        .await;
    assert!(logged.mentions_nobody());

    let running = restart_at_slot(&discord, &guild, &config, &clock, running).await;
    let post = discord
        .await_sent("the scheduled post", 0, |s| {
            s.kind == SentKind::Message && s.content().starts_with("**Discussion #1**")
        })
        .await;
    assert_eq!(title(&post), shown, "the prompt the review showed");
    assert_eq!(posts(&discord, &guild).len(), 1);
    assert_eq!(
        reviews(&discord, &guild),
        1,
        "the review is not posted again after the restart"
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swap_posts_the_prompt_chosen_in_the_menu_after_a_restart() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let config = setup(&discord, &guild, dir.path());
    let clock = Arc::new(ManualClock::new(ts("2026-12-06T22:59:00Z")));
    let (running, review) = review_arrives(&discord, &guild, &config, &clock).await;
    let message = review.message_id.unwrap();

    let menu = discord
        .answer(&discord.click(guild.moderator(), &guild, message, "rt:rv:swap"))
        .await;
    assert_eq!(menu.callback_type(), Some(7));
    assert!(menu.custom_ids().contains(&"rt:rv:pick".to_string()));
    assert_eq!(
        decision(&running, &guild).0,
        ReviewDecision::Pending,
        "opening the menu decides nothing"
    );
    // A member who is not a moderator cannot pick either.
    let refused = discord
        .answer(&discord.choose(
            guild.member(0),
            &guild,
            message,
            "rt:rv:pick",
            &["b-second"],
        ))
        .await;
    assert!(refused.content().starts_with("Only moderators"));
    assert_eq!(decision(&running, &guild).0, ReviewDecision::Pending);

    let swapped = discord
        .answer(&discord.choose(
            guild.moderator(),
            &guild,
            message,
            "rt:rv:pick",
            &["b-second"],
        ))
        .await;
    assert!(
        swapped.content().contains("Swapped by"),
        "{}",
        swapped.content()
    );
    assert_eq!(
        title(&swapped),
        SECOND_TITLE,
        "the review now shows what will post"
    );
    assert_eq!(decision(&running, &guild).0, ReviewDecision::Swapped);

    let running = restart_at_slot(&discord, &guild, &config, &clock, running).await;
    let post = discord
        .await_sent("the scheduled post", 0, |s| {
            s.kind == SentKind::Message && s.content().starts_with("**Discussion #1**")
        })
        .await;
    assert_eq!(title(&post), SECOND_TITLE);
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_posts_nothing_after_a_restart_and_next_weeks_slot_still_posts() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let config = setup(&discord, &guild, dir.path());
    let clock = Arc::new(ManualClock::new(ts("2026-12-06T22:59:00Z")));
    let (running, review) = review_arrives(&discord, &guild, &config, &clock).await;
    let skipped = discord
        .answer(&discord.click(
            guild.moderator(),
            &guild,
            review.message_id.unwrap(),
            "rt:rv:skip",
        ))
        .await;
    assert!(
        skipped.content().contains("Skipped by"),
        "{}",
        skipped.content()
    );

    let before = discord.sent().len();
    let running = restart_at_slot(&discord, &guild, &config, &clock, running).await;
    discord
        .await_sent("the skip in the log channel", before, |s| {
            s.channel_id == Some(guild.general)
                && s.content()
                    .contains("was skipped: skipped at its review by")
        })
        .await;
    assert!(
        posts(&discord, &guild).is_empty(),
        "nothing posted at the slot"
    );

    // Next week: the review arrives a day before, nobody acts, the slot posts (once).
    clock.set(ts("2026-12-13T23:00:00Z"));
    running.wake();
    discord
        .await_sent("next week's review", before, |s| {
            is_review(s, &guild) && s.content().contains("slot 2026-12-14T18:00")
        })
        .await;
    clock.set(ts("2026-12-14T23:00:00Z"));
    running.wake();
    discord
        .await_sent("next week's post", before, |s| {
            s.kind == SentKind::Message && s.content().starts_with("**Discussion #1**")
        })
        .await;
    running.wake();
    assert_eq!(posts(&discord, &guild).len(), 1);
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hold_posts_nothing_when_nobody_reviewed_across_a_restart() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let mut config = setup(&discord, &guild, dir.path());
    config.review.on_no_review = NoReview::Hold;
    let clock = Arc::new(ManualClock::new(ts("2026-12-06T22:59:00Z")));
    let (running, review) = review_arrives(&discord, &guild, &config, &clock).await;
    assert!(
        review.content().contains("if nobody acts, it is held"),
        "{}",
        review.content()
    );
    let before = discord.sent().len();
    let running = restart_at_slot(&discord, &guild, &config, &clock, running).await;
    discord
        .await_sent("the hold in the log channel", before, |s| {
            s.channel_id == Some(guild.general) && s.content().contains("held: nobody reviewed")
        })
        .await;
    assert!(posts(&discord, &guild).is_empty());
    assert_eq!(decision(&running, &guild).0, ReviewDecision::Pending);
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_from_another_server_on_a_review_records_nothing() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let other = discord.create_guild("Elsewhere", 1);
    let dir = tempfile::tempdir().unwrap();
    let config = setup(&discord, &guild, dir.path());
    let clock = Arc::new(ManualClock::new(ts("2026-12-06T22:59:00Z")));
    let (running, review) = review_arrives(&discord, &guild, &config, &clock).await;
    let message = discord.message(review.message_id.unwrap()).unwrap();
    // The other server's moderator, on this server's review: the review is not theirs.
    let answer = discord
        .answer(&discord.click_message(other.moderator(), &other, message, "rt:rv:skip"))
        .await;
    assert!(answer.is_ephemeral());
    assert!(
        answer.content().starts_with("this review is unknown here"),
        "{}",
        answer.content()
    );
    assert_eq!(decision(&running, &guild), (ReviewDecision::Pending, None));
    running.stop().await.unwrap();
}

/// The registered value of choice `name` of option `option` of `/settings set <sub>`.
async fn choice(
    discord: &Discord,
    guild: u64,
    sub: &str,
    option: &str,
    name: &str,
) -> serde_json::Value {
    let commands = discord.await_commands(Some(guild)).await;
    let settings = commands.iter().find(|c| c["name"] == "settings").unwrap();
    let set = settings["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "set")
        .unwrap();
    let sub = set["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == sub)
        .unwrap();
    let opt = sub["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == option)
        .unwrap();
    let value = opt["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .map(|c| c["value"].clone())
        .unwrap();
    serde_json::json!({"name": option, "type": opt["type"], "value": value})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_sets_review_hours_and_hold_with_settings_and_the_review_follows() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let config = setup(&discord, &guild, dir.path());
    // Saturday 2026-12-05, 17:59 in New York: 48 hours and a minute before the slot.
    let clock = Arc::new(ManualClock::new(ts("2026-12-05T22:59:00Z")));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let set = |sub: &str, options: serde_json::Value| {
        let ix = discord.run_command(
            guild.owner(),
            &guild,
            guild.general,
            "settings",
            serde_json::json!([{"name": "set", "type": 2, "options": [{"name": sub, "type": 1, "options": options}]}]),
        );
        let discord = &discord;
        async move { discord.answer(&ix).await }
    };
    let hours = set(
        "review-hours",
        serde_json::json!([{"name": "hours", "type": 4, "value": 48}]),
    )
    .await;
    assert!(
        hours
            .content()
            .starts_with("Review before a scheduled post set to 48 hours before each slot"),
        "{}",
        hours.content()
    );
    let hold = choice(&discord, guild.id, "on-no-review", "choice", "hold").await;
    let hold = set("on-no-review", serde_json::json!([hold])).await;
    assert!(
        hold.content()
            .starts_with("When nobody reviews set to hold (nothing is posted) by"),
        "{}",
        hold.content()
    );
    assert_eq!(reviews(&discord, &guild), 0);
    clock.advance(SignedDuration::from_mins(1));
    running.wake();
    let review = discord
        .await_sent("the review, 48 hours before", 0, |s| is_review(s, &guild))
        .await;
    assert!(
        review.content().contains("it is held"),
        "{}",
        review.content()
    );

    clock.set(ts("2026-12-07T23:00:00Z"));
    running.wake();
    discord
        .await_sent("this week's hold", 0, |s| {
            s.content().contains("held: nobody reviewed")
        })
        .await;
    assert!(posts(&discord, &guild).is_empty());

    // Off: next week's slot has no review and posts unreviewed.
    let off = set(
        "review-hours",
        serde_json::json!([{"name": "hours", "type": 4, "value": 0}]),
    )
    .await;
    assert!(
        off.content()
            .starts_with("Review before a scheduled post set to off"),
        "{}",
        off.content()
    );
    clock.set(ts("2026-12-14T23:00:00Z"));
    running.wake();
    discord
        .await_sent("next week's post, unreviewed", 0, |s| {
            s.kind == SentKind::Message && s.content().starts_with("**Discussion #1**")
        })
        .await;
    assert_eq!(reviews(&discord, &guild), 1, "no review once they are off");
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_queue_is_reported_in_the_review_and_not_again_at_the_slot() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let mut config = setup(&discord, &guild, dir.path());
    config.schedules[0].prompts = vec!["not-a-prompt".into()];
    // A second schedule at the same time, after it, whose post fails (an unknown channel): its
    // report in the log channel comes after everything the first schedule's slot told.
    let mut other = weekly(999);
    other.name = "other".into();
    config.schedules.push(other);
    let clock = Arc::new(ManualClock::new(ts("2026-12-06T22:59:00Z")));
    let (running, review) = review_arrives(&discord, &guild, &config, &clock).await;
    assert!(
        review
            .content()
            .contains("No approved prompt is left in the queue"),
        "{}",
        review.content()
    );
    let ids = review.custom_ids();
    assert!(
        !ids.contains(&"rt:rv:ok".to_string()),
        "nothing to approve: {ids:?}"
    );
    assert!(ids.contains(&"rt:rv:swap".to_string()) && ids.contains(&"rt:rv:skip".to_string()));

    let before = discord.sent().len();
    let running = restart_at_slot(&discord, &guild, &config, &clock, running).await;
    discord
        .await_sent("the other schedule's report", before, |s| {
            s.content()
                .starts_with("Scheduled discussion of `other` for 2026-12-07T18:00 was not posted")
        })
        .await;
    let slot = running
        .store
        .slot(ServerId::Guild(guild.id), "weekly", SLOT_KEY)
        .unwrap()
        .expect("the slot is recorded");
    assert_eq!(slot.state, roundtable::store::SlotState::Skipped);
    assert!(posts(&discord, &guild).is_empty());
    assert!(
        !discord.sent()[before..]
            .iter()
            .any(|s| s.content().contains("no prompt left in the queue")),
        "the moderators were told at review time already"
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_berlin_the_review_arrives_48_hours_before_across_the_clocks_going_back() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let mut config = setup(&discord, &guild, dir.path());
    config.review.review_hours = 48;
    // Monday 2026-10-26 18:00 in Berlin is 17:00 UTC (CET, the clocks went back on Sunday); 48
    // hours before is Saturday 17:00 UTC, 19:00 there (CEST). Counting back in wall time would
    // say 16:00 UTC.
    config.schedules[0].timezone = "Europe/Berlin".into();
    // A marker at Saturday 18:59 there (16:59 UTC), whose post fails (an unknown channel): its
    // report comes after anything the start-up tick had to tell.
    let mut marker = weekly(999);
    marker.name = "marker".into();
    marker.timezone = "Europe/Berlin".into();
    marker.at = Some("Sat 18:59".into());
    config.schedules.push(marker);
    let clock = Arc::new(ManualClock::new(ts("2026-10-24T16:59:00Z")));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    discord
        .await_sent("the marker's report", 0, |s| {
            s.content()
                .starts_with("Scheduled discussion of `marker` for 2026-10-24T18:59 was not posted")
        })
        .await;
    assert!(
        !discord
            .sent()
            .iter()
            .any(|s| is_review(s, &guild) && s.content().contains("slot 2026-10-26T18:00")),
        "no review an hour early"
    );
    clock.advance(SignedDuration::from_mins(1));
    running.wake();
    let review = discord
        .await_sent("the review, 48 hours before", 0, |s| {
            is_review(s, &guild) && s.content().contains("slot 2026-10-26T18:00")
        })
        .await;
    assert!(review
        .content()
        .contains(&format!("<t:{}:F>", ts("2026-10-26T17:00:00Z").as_second())));
    running.stop().await.unwrap();
    discord.assert_conformant();
}
