#![recursion_limit = "256"]
//! What Discord may send twice, or from where no discussion lives, and how the bot recovers from
//! dying mid-post, on the loopback Discord: a thread message or an interaction delivered again
//! is stored once; a click from a DM and an unknown command get a clear answer; a post or thread
//! made before the bot died is found and adopted, never made twice; a clean stop leaves the
//! database file holding everything; a dead store writer stops the bot with an error.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::config::StoreConfig;
use roundtable::discord::DiscordError;
use roundtable::discord::Observed;
use roundtable::schedule::{QueuePolicy, ScheduleConfig};
use roundtable::store::{DiscussionId, ServerId, SlotState, Store};
use serde_json::{json, Value};
use std::sync::Arc;
use support::{bot, logs, Discord, Fault, Guild, SentKind, STEP};

const SEED: &str = "syria-strike-2017";

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

struct Posted {
    message: u64,
    thread: u64,
    stances: Vec<String>,
    reply: String,
}

/// The moderator posts the seed discussion in #discussions.
async fn post_seed(discord: &Discord, guild: &Guild) -> Posted {
    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": SEED}]),
        ),
    );
    discord.answer(&ix).await;
    let post = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    let thread = discord
        .await_sent("the thread", before, |s| s.kind == SentKind::Thread)
        .await;
    discord
        .await_sent("the deferred answer's edit", before, |s| {
            s.kind == SentKind::EditOriginal
        })
        .await;
    Posted {
        message: post.message_id.unwrap(),
        thread: thread.message_id.unwrap(),
        stances: post.stance_ids(),
        reply: post.button_id("rt:r:"),
    }
}

/// The database the bot wrote, opened after it stopped.
fn reopen(config: &roundtable::config::Config) -> Store {
    Store::open(&config.database, &StoreConfig::default()).unwrap()
}

/// Answers (callbacks) the bot sent to interaction `id`.
fn callbacks_to(discord: &Discord, id: u64) -> usize {
    discord
        .sent()
        .iter()
        .filter(|s| s.interaction_id == Some(id) && s.callback_type().is_some())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_thread_message_delivered_twice_is_one_reply() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut config = discord.config(Some(&guild));
    config.discord.message_content = true;
    let mut running = bot::start(&config).await;
    running.ready().await;
    let posted = post_seed(&discord, &guild).await;
    let message = discord.post(
        guild.member(0),
        &guild,
        posted.thread,
        "I think they should wait.",
    );
    for delivery in 0..2 {
        if delivery == 1 {
            discord.redeliver_message(message);
        }
        running
            .seen("the thread message", |o| {
                matches!(o, Observed::MessageCreated { message_id, .. } if *message_id == message)
            })
            .await;
    }
    running.stop().await.unwrap();
    let replies = reopen(&config).replies(DiscussionId(1)).unwrap();
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert_eq!(
        replies[0].text.as_deref(),
        Some("I think they should wait.")
    );
    discord.assert_conformant();
}

/// An interaction delivered twice is handled once: one answer, nothing stored twice. The bot
/// logs that it ignored the second delivery; the log is read on this (current) thread.
#[tokio::test]
async fn an_interaction_delivered_twice_is_handled_once() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let ignored = |id: u64| format!("interaction delivered again: ignored interaction={id}");

    // A command: the discussion is posted once.
    let before = discord.sent().len();
    let post = discord.run_command(
        guild.moderator(),
        &guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": SEED}]),
        ),
    );
    discord.answer(&post).await;
    discord.redeliver(&post);
    logs.wait_for(&ignored(post.id), STEP).await;
    let message = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    discord
        .await_sent("the deferred answer's edit", before, |s| {
            s.kind == SentKind::EditOriginal
        })
        .await;

    // A vote, changed since: the replay of the first click does not put it back.
    let stances = message.custom_ids();
    let first = discord.click(
        guild.member(0),
        &guild,
        message.message_id.unwrap(),
        &stances[0],
    );
    discord.answer(&first).await;
    let second = discord.click(
        guild.member(0),
        &guild,
        message.message_id.unwrap(),
        &stances[1],
    );
    discord.answer(&second).await;
    discord.redeliver(&first);
    logs.wait_for(&ignored(first.id), STEP).await;

    // A form: the reply is stored once.
    let form = discord.submit_modal(
        guild.member(1),
        &guild,
        guild.discussions,
        message
            .button_id("rt:r:")
            .replace("rt:r:", "rt:m:")
            .as_str(),
        &[("text", "Once is enough.")],
    );
    discord.answer(&form).await;
    discord.redeliver(&form);
    logs.wait_for(&ignored(form.id), STEP).await;

    for ix in [&post, &first, &form] {
        assert_eq!(callbacks_to(&discord, ix.id), 1, "interaction {}", ix.id);
    }
    assert!(
        !discord.requests().iter().any(|r| r.status == 400),
        "no second answer Discord would refuse:\n{}",
        discord.transcript()
    );
    running.stop().await.unwrap();
    let store = reopen(&config);
    let list = store
        .discussions(ServerId::Guild(guild.id), false, jiff::Timestamp::now(), 10)
        .unwrap();
    assert_eq!(list.len(), 1, "one discussion for one command");
    let key = |custom_id: &str| custom_id.rsplit(':').next().unwrap().to_string();
    assert_eq!(
        store
            .vote_of(DiscussionId(1), &guild.member(0).id.to_string())
            .unwrap(),
        Some(key(&stances[1])),
        "the later vote stands"
    );
    assert_eq!(store.replies(DiscussionId(1)).unwrap().len(), 1);
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_click_from_a_dm_is_answered_and_records_nothing() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let posted = post_seed(&discord, &guild).await;
    for custom_id in [&posted.stances[0], &posted.reply] {
        let ix = discord.click_in_dm(guild.member(0), posted.message, custom_id);
        let answer = discord.answer(&ix).await;
        assert_eq!(answer.callback_type(), Some(4), "{custom_id}");
        assert!(answer.is_ephemeral() && answer.mentions_nobody());
        assert_eq!(
            answer.content(),
            "Discussions take place in a server's channels: take part there. Nothing was recorded."
        );
    }
    running.stop().await.unwrap();
    let store = reopen(&config);
    assert_eq!(
        store
            .vote_of(DiscussionId(1), &guild.member(0).id.to_string())
            .unwrap(),
        None
    );
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_command_gets_a_clear_answer() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;
    let ix = discord.run_unregistered_command(guild.member(0), &guild, guild.general, "vote-old");
    let answer = discord.answer(&ix).await;
    assert!(answer.is_ephemeral() && answer.mentions_nobody());
    assert!(
        answer
            .content()
            .starts_with("roundtable has no command /vote-old (any more)"),
        "{}",
        answer.content()
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_stop_of_the_bot_leaves_everything_in_the_database_file() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let posted = post_seed(&discord, &guild).await;
    let vote = discord.click(guild.member(0), &guild, posted.message, &posted.stances[0]);
    discord.answer(&vote).await;
    running.stop().await.unwrap();
    // The file alone, as a copy of it would be: no WAL beside it.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    std::fs::copy(&config.database, &copy).unwrap();
    let c = rusqlite::Connection::open(&copy).unwrap();
    let (discussions, votes): (i64, i64) = c
        .query_row(
            "SELECT (SELECT COUNT(*) FROM discussions), (SELECT COUNT(*) FROM votes)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((discussions, votes), (1, 1));
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_store_writer_stops_the_bot_with_an_error() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let store = running.store.clone();
    tokio::task::spawn_blocking(move || store.kill_writer_for_tests())
        .await
        .unwrap();
    let ended = running.finished(STEP).await;
    assert!(
        matches!(ended, Err(DiscordError::StoreStopped)),
        "{ended:?}"
    );
    let e = ended.unwrap_err();
    assert_eq!(e.exit_code(), 1, "the process exits non-zero: {e}");
    discord.assert_conformant();
}

fn weekly(channel: u64) -> ScheduleConfig {
    ScheduleConfig {
        name: "weekly".into(),
        channel: channel.to_string(),
        at: Some("Mon 18:00".into()),
        cron: None,
        timezone: "America/New_York".into(),
        duration_hours: Some(144),
        queue: QueuePolicy::Sequential,
        prompts: vec![],
        repeat: true,
        grace_hours: 6,
        guild: None,
    }
}

/// Discussion posts the bot made in `channel` (the summary post, not results or answers).
fn posts_in(discord: &Discord, channel: u64) -> Vec<u64> {
    discord
        .sent()
        .iter()
        .filter(|s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(channel)
                && s.content().starts_with("**Discussion #1**")
        })
        .filter_map(|s| s.message_id)
        .collect()
}

/// The bot dies at a scheduled slot while `op`'s answer is lost (Discord did what was asked);
/// past the lease, a restarted bot finishes the slot. Returns the restarted bot.
async fn die_during(
    discord: &Discord,
    config: &roundtable::config::Config,
    clock: &Arc<ManualClock>,
    op: &str,
) -> bot::RunningBot {
    discord.fail(op, Fault::LostAnswer, 1);
    let mut first = bot::start_with_clock(config, clock.clone()).await;
    first.ready().await;
    clock.advance(SignedDuration::from_mins(1));
    first.wake();
    discord.await_requests(op, 1, STEP).await;
    first.kill().await;
    // The slot is claimed, its post unfinished; the claim's lease (10 minutes) runs out.
    clock.advance(SignedDuration::from_mins(11));
    let mut second = bot::start_with_clock(config, clock.clone()).await;
    second.ready().await;
    second.wake();
    second
}

/// One post, its thread, the continuation in it, the ids stored, and the slot posted.
async fn assert_finished_once(
    discord: &Discord,
    guild: &Guild,
    config: &roundtable::config::Config,
    running: bot::RunningBot,
) {
    // The bot's first tick (at start-up, past the lease) finishes the slot; stopping waits for
    // a tick under way to end, so after it the ledger says how the slot ended.
    running.stop().await.unwrap();
    let posts = posts_in(discord, guild.discussions);
    assert_eq!(posts.len(), 1, "posted once:\n{}", discord.transcript());
    let threads: Vec<u64> = discord
        .sent()
        .iter()
        .filter(|s| s.kind == SentKind::Thread)
        .filter_map(|s| s.message_id)
        .collect();
    assert_eq!(threads, posts, "one thread, on the post");
    let store = reopen(config);
    let d = store
        .discussion(ServerId::Guild(guild.id), DiscussionId(1))
        .unwrap()
        .unwrap();
    assert_eq!(d.message_id, Some(posts[0].to_string()));
    assert_eq!(d.thread_id, Some(posts[0].to_string()));
    let slot = store
        .slot(ServerId::Guild(guild.id), "weekly", "2026-11-30T18:00")
        .unwrap()
        .unwrap();
    assert_eq!(slot.state, SlotState::Posted);
    // Whatever continues in the thread went out once.
    let in_thread: Vec<String> = discord
        .sent()
        .iter()
        .filter(|s| s.kind == SentKind::Message && s.channel_id == Some(posts[0]))
        .map(|s| s.body.to_string())
        .collect();
    let mut unique = in_thread.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(in_thread.len(), unique.len(), "no continuation post twice");
    assert!(
        store
            .discussions(ServerId::Guild(guild.id), false, jiff::Timestamp::now(), 10)
            .unwrap()
            .len()
            == 1
    );
    discord.assert_conformant();
}

#[tokio::test]
async fn recovery_adopts_a_post_made_before_the_bot_died_instead_of_posting_again() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.schedules = vec![weekly(guild.discussions)];
    let clock = Arc::new(ManualClock::new("2026-11-30T22:59:00Z".parse().unwrap()));
    let running = die_during(&discord, &config, &clock, "create_message").await;
    assert_finished_once(&discord, &guild, &config, running).await;
    // It was looked for in the channel.
    assert!(!discord.requests_to("list_messages").is_empty());
}

#[tokio::test]
async fn recovery_finishes_the_thread_of_a_post_the_bot_died_on() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.schedules = vec![weekly(guild.discussions)];
    let clock = Arc::new(ManualClock::new("2026-11-30T22:59:00Z".parse().unwrap()));
    let running = die_during(&discord, &config, &clock, "create_thread_from_message").await;
    assert_finished_once(&discord, &guild, &config, running).await;
    // The continuation posts went into the thread, after it was adopted.
    let store = reopen(&config);
    let thread = store
        .discussion(ServerId::Guild(guild.id), DiscussionId(1))
        .unwrap()
        .unwrap()
        .thread_id
        .unwrap();
    assert!(discord
        .sent()
        .iter()
        .any(|s| s.kind == SentKind::Message && s.channel_id == Some(thread.parse().unwrap())));
}

#[tokio::test]
async fn a_post_whose_answer_is_lost_is_found_not_reported_as_failed() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.schedules = vec![weekly(guild.discussions)];
    config.discord.request_timeout_secs = 1;
    config.discord.log_channel = Some(guild.general);
    discord.fail("create_message", Fault::LostAnswer, 1);
    let clock = Arc::new(ManualClock::new("2026-11-30T23:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    assert_finished_once(&discord, &guild, &config, running).await;
    assert!(
        !discord
            .sent()
            .iter()
            .any(|s| s.channel_id == Some(guild.general) && s.content().contains("was not posted")),
        "no failure reported:\n{}",
        discord.transcript()
    );
}
