#![recursion_limit = "256"]
//! Weekly scheduled discussions on the loopback Discord, with an injected clock: the slot's post
//! appears in the channel exactly once, and last week's discussion closes with its tally.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::schedule::{QueuePolicy, ScheduleConfig};
use std::sync::Arc;
use support::{bot, Discord, SentKind};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_weekly_post_appears_once_and_last_weeks_discussion_closes_with_its_tally() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut config = discord.config(Some(&guild));
    config.schedules = vec![weekly(guild.discussions)];
    // Monday 2026-11-30, 17:59 in New York.
    let clock = Arc::new(ManualClock::new("2026-11-30T22:59:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let posts = || {
        discord
            .sent()
            .into_iter()
            .filter(|s| {
                s.kind == SentKind::Message
                    && s.channel_id == Some(guild.discussions)
                    && s.content().starts_with("**Discussion #")
            })
            .count()
    };
    assert_eq!(posts(), 0, "nothing before the slot");

    clock.advance(SignedDuration::from_mins(1));
    running.wake();
    let first = discord
        .await_sent("the scheduled post", 0, |s| {
            s.kind == SentKind::Message && s.content().starts_with("**Discussion #1**")
        })
        .await;
    assert_eq!(first.channel_id, Some(guild.discussions));
    discord
        .await_sent("its thread", 0, |s| s.kind == SentKind::Thread)
        .await;
    let stance = first.custom_ids()[0].clone();
    discord
        .answer(&discord.click(guild.member(0), &guild, first.message_id.unwrap(), &stance))
        .await;

    // More wake-ups, and a restart, in the same slot: still one post.
    for _ in 0..3 {
        running.wake();
    }
    running.stop().await.unwrap();
    clock.advance(SignedDuration::from_mins(5));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    running.wake();
    let ping = discord.run_command(
        guild.moderator(),
        &guild,
        guild.general,
        "ping",
        serde_json::json!([]),
    );
    discord.answer(&ping).await; // the bot has handled its start-up tick by now
    assert_eq!(posts(), 1, "one post for the slot");

    // A week later: last week's discussion closed on Sunday with its tally, and the new one is out.
    let before = discord.sent().len();
    clock.advance(SignedDuration::from_hours(24 * 7));
    running.wake();
    let result = discord
        .await_sent("last week's final result", before, |s| {
            s.content().starts_with("**Final result of discussion #1**")
        })
        .await;
    assert!(result.embeds()[0]["footer"]["text"]
        .as_str()
        .unwrap()
        .starts_with("1 member answered"));
    discord
        .await_sent("this week's post", before, |s| {
            s.kind == SentKind::Message && s.content().starts_with("**Discussion #2**")
        })
        .await;
    assert_eq!(posts(), 2);
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_whose_channel_is_unknown_is_reported_in_the_moderators_log_channel() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.schedules = vec![weekly(999)];
    config.discord.log_channel = Some(guild.general);
    let clock = Arc::new(ManualClock::new("2026-11-30T23:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let report = discord
        .await_sent("the report in the log channel", 0, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.general)
        })
        .await;
    assert!(
        report.content().starts_with(
            "Scheduled discussion of `weekly` for 2026-11-30T18:00 was not posted in channel 999:"
        ),
        "{}",
        report.content()
    );
    assert!(report.mentions_nobody());
    running.stop().await.unwrap();
    // The slot is recorded with the reason, and its discussion takes no answers.
    let store = roundtable::store::Store::open(
        &config.database,
        &roundtable::config::StoreConfig::default(),
    )
    .unwrap();
    let server = roundtable::store::ServerId::Guild(guild.id);
    let slot = store
        .slot(server, "weekly", "2026-11-30T18:00")
        .unwrap()
        .unwrap();
    assert!(slot.reason.unwrap().starts_with("not posted: "));
    assert!(store
        .discussion(server, roundtable::store::DiscussionId(1))
        .unwrap()
        .unwrap()
        .closed_at
        .is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderators_steer_the_schedule_with_slash_commands() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.schedules = vec![weekly(guild.discussions)];
    let clock = Arc::new(ManualClock::new("2026-11-30T12:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let run = |who: &support::Member, sub: &str, options: serde_json::Value| {
        discord.run_command(
            who,
            &guild,
            guild.general,
            "schedule",
            serde_json::json!([{"name": sub, "type": 1, "options": options}]),
        )
    };
    let show = discord
        .answer(&run(guild.moderator(), "show", serde_json::json!([])))
        .await;
    assert!(show.is_ephemeral());
    assert!(
        show.content().starts_with("• weekly  Mon 2026-11-30 18:00 America/New_York  (2026-11-30 23:00 UTC)  syria-strike-2017"),
        "{}",
        show.content()
    );
    let skip = discord
        .answer(&run(guild.moderator(), "skip", serde_json::json!([])))
        .await;
    assert_eq!(
        skip.content(),
        "The slot of 2026-11-30T18:00 in `weekly` will be skipped."
    );
    let next = discord
        .answer(&run(
            guild.moderator(),
            "next",
            serde_json::json!([{"name": "prompt", "type": 3, "value": "nope"}]),
        ))
        .await;
    assert_eq!(next.content(), "there is no prompt `nope`");
    let pause = discord
        .answer(&run(guild.moderator(), "pause", serde_json::json!([])))
        .await;
    assert_eq!(pause.content(), "Schedule `weekly` is paused.");
    let refused = discord
        .answer(&run(guild.member(0), "resume", serde_json::json!([])))
        .await;
    assert!(
        refused.content().starts_with("Only moderators"),
        "{}",
        refused.content()
    );
    // The skipped slot passes without a post.
    clock.set("2026-11-30T23:00:00Z".parse().unwrap());
    running.wake();
    let again = discord
        .answer(&run(guild.moderator(), "show", serde_json::json!([])))
        .await;
    assert!(again.content().contains("(paused)"), "{}", again.content());
    assert!(!discord
        .sent()
        .iter()
        .any(|s| s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)));
    running.stop().await.unwrap();
    discord.assert_conformant();
}
