#![recursion_limit = "256"]
//! The rules of a discussion as members and moderators meet them on Discord: close times (across
//! restarts), voter roles, thread replies with and without the Message Content intent, hidden
//! results, prompt reloads.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::config::{Config, ResultsMode, StoreConfig};
use roundtable::store::{DiscussionId, Store};
use serde_json::{json, Value};
use std::sync::Arc;
use support::{bot, Discord, Guild, SentKind};

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

/// The moderator posts the seed (optionally open for `closes_in`); returns the post's message id,
/// its thread and its stance custom_ids.
async fn post_seed(
    discord: &Discord,
    guild: &Guild,
    closes_in: Option<&str>,
) -> (u64, u64, Vec<String>) {
    let before = discord.sent().len();
    let mut options = vec![json!({"name": "prompt", "type": 3, "value": "syria-strike-2017"})];
    if let Some(c) = closes_in {
        options.push(json!({"name": "closes_in", "type": 3, "value": c}));
    }
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.discussions,
        "discussion",
        sub("post", json!(options)),
    );
    discord.answer(&ix).await;
    // Done when the moderator is told: the post, its thread and the thread's posts exist by then.
    discord
        .await_sent("the moderator's confirmation", before, |s| {
            s.kind == SentKind::EditOriginal
        })
        .await;
    let post = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    let thread = discord
        .await_sent("the thread", before, |s| s.kind == SentKind::Thread)
        .await;
    (
        post.message_id.unwrap(),
        thread.message_id.unwrap(),
        post.stance_ids(),
    )
}

fn store(config: &Config) -> Store {
    Store::open(&config.database, &StoreConfig::default()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discussion_closes_by_itself_at_its_close_time_even_across_a_restart() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 3);
    let config = discord.config(Some(&guild));
    let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let (post, thread, stances) = post_seed(&discord, &guild, Some("2h")).await;
    let answer = discord
        .answer(&discord.click(guild.member(0), &guild, post, &stances[0]))
        .await;
    assert!(
        answer
            .content()
            .contains("You can change it until <t:1796068800:F> (<t:1796068800:R>)"),
        "members read the close time as a Discord timestamp, in their own time zone: {}",
        answer.content()
    );
    // A two-hour discussion's thread archives no sooner than a day after its last message.
    let threads = discord.requests_to("create_thread_from_message");
    assert_eq!(threads.len(), 1);
    assert_eq!(
        threads[0].body.as_ref().unwrap()["auto_archive_duration"],
        1440,
        "{:?}",
        threads[0].body
    );

    // The bot is down when the time comes; it closes the discussion as soon as it is back.
    running.stop().await.unwrap();
    clock.advance(SignedDuration::from_hours(3));
    let before = discord.sent().len();
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let result = discord
        .await_sent("the final result", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    assert!(
        result
            .content()
            .starts_with("**Final result of discussion #1**"),
        "{}",
        result.content()
    );
    assert!(result.embeds()[0]["footer"]["text"]
        .as_str()
        .unwrap()
        .starts_with("1 member answered"));
    discord
        .await_sent("the final result in the thread", before, |s| {
            s.channel_id == Some(thread) && s.content().starts_with("**Final result")
        })
        .await;
    let d = store(&config)
        .discussion(
            roundtable::store::ServerId::Guild(guild.id),
            DiscussionId(1),
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        d.closed_at.unwrap().to_string(),
        "2026-11-30T20:00:00Z",
        "closed at its close time"
    );
    assert_eq!(d.closed_by, None);

    // While running, the timekeeper closes the next one when the clock gets there.
    let (_, _, _) = post_seed(&discord, &guild, Some("1h")).await;
    let before = discord.sent().len();
    clock.advance(SignedDuration::from_mins(61));
    running.wake();
    let result = discord
        .await_sent("the second final result", before, |s| {
            s.kind == SentKind::Message
                && s.content().starts_with("**Final result of discussion #2**")
        })
        .await;
    assert!(result.mentions_nobody());
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_members_with_a_voter_role_can_vote_and_reply() {
    let discord = Discord::start().await;
    let mut guild = discord.create_guild("Newsroom", 2);
    let verified = discord.add_role(&guild, "Verified", 0);
    discord.give_role(&mut guild, 0, verified);
    let mut config = discord.config(Some(&guild));
    config.discord.voter_roles = vec!["Verified".into()];
    let mut running = bot::start(&config).await;
    running.ready().await;
    let (post, _, stances) = post_seed(&discord, &guild, None).await;

    let refused = discord
        .answer(&discord.click(guild.member(1), &guild, post, &stances[0]))
        .await;
    assert_eq!(refused.content(), "Only members with the role Verified can take part in discussions here; nothing was recorded.");
    let modal = discord
        .answer(&discord.submit_modal(
            guild.member(1),
            &guild,
            guild.discussions,
            "rt:m:1",
            &[("text", "let me in")],
        ))
        .await;
    assert!(
        modal
            .content()
            .starts_with("Only members with the role Verified"),
        "{}",
        modal.content()
    );
    let ok = discord
        .answer(&discord.click(guild.member(0), &guild, post, &stances[0]))
        .await;
    assert!(
        ok.content().starts_with("Your stance is recorded"),
        "{}",
        ok.content()
    );

    let s = store(&config);
    assert_eq!(
        s.recount(DiscussionId(1))
            .unwrap()
            .iter()
            .map(|(_, n)| n)
            .sum::<u64>(),
        1
    );
    assert!(s.replies(DiscussionId(1)).unwrap().is_empty());
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thread_messages_are_replies_and_follow_edits_and_deletions() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut config = discord.config(Some(&guild));
    config.discord.message_content = true;
    let mut running = bot::start(&config).await;
    running.ready().await;
    let (_, thread, _) = post_seed(&discord, &guild, None).await;

    let first = discord.post(guild.member(0), &guild, thread, "First thought.");
    discord.post(guild.member(1), &guild, thread, "Second, @everyone.");
    running.seen("the second thread message", |o| matches!(o, roundtable::discord::Observed::MessageCreated { content, .. } if content.starts_with("Second"))).await;
    discord.edit(first, "First thought, edited.");
    running
        .seen("the edit", |o| matches!(o, roundtable::discord::Observed::MessageEdited { message_id, .. } if *message_id == first))
        .await;
    let s = store(&config);
    // Gateway events are handled concurrently: the two messages may be stored in either order.
    let mut texts: Vec<Option<String>> = s
        .replies(DiscussionId(1))
        .unwrap()
        .into_iter()
        .map(|r| r.text)
        .collect();
    texts.sort();
    assert_eq!(
        texts,
        vec![
            Some("First thought, edited.".to_string()),
            Some("Second, @everyone.".to_string())
        ]
    );
    discord.delete(first);
    running
        .seen("the deletion", |o| matches!(o, roundtable::discord::Observed::MessageDeleted { message_id, .. } if *message_id == first))
        .await;
    assert_eq!(s.replies(DiscussionId(1)).unwrap().len(), 1);
    // Messages elsewhere are not replies.
    discord.post(guild.member(0), &guild, guild.general, "Unrelated chatter.");
    running.seen("the unrelated message", |o| matches!(o, roundtable::discord::Observed::MessageCreated { content, .. } if content.starts_with("Unrelated"))).await;
    assert_eq!(s.replies(DiscussionId(1)).unwrap().len(), 1);
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_message_content_thread_replies_are_counted_and_the_tally_says_texts_were_not_collected(
) {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let (_, thread, _) = post_seed(&discord, &guild, None).await;
    discord.post(guild.member(0), &guild, thread, "");
    running
        .seen("the thread message", |o| {
            matches!(o, roundtable::discord::Observed::MessageCreated { .. })
        })
        .await;
    let ix = discord.run_command(
        guild.moderator(),
        &guild,
        guild.discussions,
        "discussion",
        sub("tally", json!([])),
    );
    let tally = discord.answer(&ix).await;
    assert!(tally.is_ephemeral());
    let footer = tally.embeds()[0]["footer"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        footer,
        "0 members answered · 1 reply from 1 member (1 thread reply counted; texts not collected)"
    );
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hidden_results_show_participation_only_until_close() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut config = discord.config(Some(&guild));
    config.discussion.results = ResultsMode::Hidden;
    config.discord.live_refresh_ms = 50;
    let mut running = bot::start(&config).await;
    running.ready().await;
    let (post, _, stances) = post_seed(&discord, &guild, None).await;
    discord
        .answer(&discord.click(guild.member(0), &guild, post, &stances[1]))
        .await;
    let edit = discord
        .await_sent("the refreshed post", 0, |s| {
            s.kind == SentKind::EditMessage && s.message_id == Some(post)
        })
        .await;
    let question = edit.embeds().last().unwrap().clone();
    assert_eq!(
        question["footer"]["text"],
        json!("1 member answered · 0 replies from 0 members")
    );
    assert!(
        !question["description"].as_str().unwrap().contains('%'),
        "no counts before close"
    );
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_reload_keeps_the_old_set_when_a_file_is_bad() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let dir = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/syria-strike-2017.toml"),
    )
    .unwrap();
    std::fs::write(dir.path().join("syria-strike-2017.toml"), &seed).unwrap();
    let mut config = discord.config(Some(&guild));
    config.prompts = dir.path().to_path_buf();
    let mut running = bot::start(&config).await;
    running.ready().await;
    std::fs::write(
        dir.path().join("second.toml"),
        seed.replace("question =", "questoin ="),
    )
    .unwrap();
    let reload = || {
        discord.run_command(
            guild.moderator(),
            &guild,
            guild.general,
            "prompts",
            sub("reload", json!([])),
        )
    };
    let answer = discord.answer(&reload()).await;
    assert!(
        answer
            .content()
            .starts_with("Nothing changed: 1 prompt(s) stay loaded. Problems:\n• "),
        "{}",
        answer.content()
    );
    assert!(
        answer.content().contains("second.toml:") && answer.content().contains("questoin"),
        "{}",
        answer.content()
    );
    std::fs::write(dir.path().join("second.toml"), &seed).unwrap();
    assert_eq!(
        discord.answer(&reload()).await.content(),
        "Reloaded 2 prompt(s)."
    );
    let refused = discord
        .answer(&discord.run_command(
            guild.member(0),
            &guild,
            guild.general,
            "prompts",
            sub("reload", json!([])),
        ))
        .await;
    assert!(refused.content().starts_with("Only moderators"));
    running.stop().await.unwrap();
    discord.assert_conformant();
}
