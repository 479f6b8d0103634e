#![recursion_limit = "256"]
//! roundtable on Discord, end to end: the real serenity client against the loopback Discord,
//! moderators' commands, members' votes and replies, live and final tallies.

mod support;

use serde_json::{json, Value};
use std::collections::HashMap;
use support::{bot, Discord, Fault, Guild, Sent, SentKind};

const SEED: &str = "syria-strike-2017";

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

struct Posted {
    message: u64,
    thread: u64,
    /// Stance custom_ids in the order shown, and the reply button's.
    stances: Vec<String>,
    reply: String,
}

/// The moderator posts the seed discussion in #discussions; returns its message and thread.
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
    let answer = discord.answer(&ix).await;
    assert_eq!(answer.callback_type(), Some(5), "the post is deferred");
    assert!(answer.is_ephemeral());
    let done = discord
        .await_sent("the deferred answer's edit", before, |s| {
            s.kind == SentKind::EditOriginal
        })
        .await;
    assert!(
        done.content().starts_with("Discussion #"),
        "{}",
        done.content()
    );
    let post = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    let thread = discord
        .await_sent("the thread", before, |s| s.kind == SentKind::Thread)
        .await;
    let reply = post.button_id("rt:r:");
    Posted {
        message: post.message_id.unwrap(),
        thread: thread.message_id.unwrap(), // a thread started from a message takes its id
        stances: post.stance_ids(),
        reply,
    }
}

/// Votes per option key in the final result post: parsed from "**i.** label\n`bar` S% · N votes".
fn counts_in(result: &Sent, labels: &HashMap<String, String>) -> HashMap<String, u64> {
    let embed = &result.embeds()[0];
    let text = embed["description"].as_str().unwrap();
    let mut out = HashMap::new();
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.windows(2) {
        let Some(label) = pair[0].split_once(".** ").map(|(_, l)| l) else {
            continue;
        };
        let Some(key) = labels
            .iter()
            .find(|(_, l)| l.as_str() == label)
            .map(|(k, _)| k.clone())
        else {
            continue;
        };
        let votes = pair[1]
            .rsplit("· ")
            .next()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        out.insert(key, votes);
    }
    out
}

fn key_of(custom_id: &str) -> String {
    custom_id.rsplit(':').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_discussion_runs_end_to_end_on_discord() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 50);
    let mut config = discord.config(Some(&guild));
    config.discord.live_refresh_ms = 100;
    let mut running = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;

    let posted = post_seed(&discord, &guild).await;
    assert_eq!(posted.stances.len(), 6);
    let labels: HashMap<String, String> = discord.message(posted.message).unwrap()["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .map(|b| {
            (
                key_of(b["custom_id"].as_str().unwrap()),
                b["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The thread carries each actor's own words.
    let quotes = discord
        .await_sent("the quotes in the thread", 0, |s| {
            s.channel_id == Some(posted.thread) && s.kind == SentKind::Message
        })
        .await;
    assert!(quotes.embeds().iter().any(|e| e["title"]
        .as_str()
        .unwrap_or("")
        .contains("Boris Johnson — in their words")));

    // 50 members vote; a 429 on the post's first edit only delays the live counts.
    discord.fail(
        "update_message",
        Fault::RateLimited {
            retry_after: 0.3,
            global: false,
        },
        1,
    );
    let mut truth: HashMap<usize, String> = HashMap::new();
    for i in 0..50 {
        let stance = &posted.stances[i % 6];
        let answer = discord
            .answer(&discord.click(guild.member(i), &guild, posted.message, stance))
            .await;
        assert!(answer.is_ephemeral());
        assert!(
            answer.content().starts_with("Your stance is recorded: “"),
            "{}",
            answer.content()
        );
        assert!(
            answer.content().contains("You can change it until"),
            "{}",
            answer.content()
        );
        truth.insert(i, key_of(stance));
    }
    // 10 change their stance.
    for i in 0..10 {
        let stance = &posted.stances[(i + 1) % 6];
        let answer = discord
            .answer(&discord.click(guild.member(i), &guild, posted.message, stance))
            .await;
        assert!(
            answer.content().starts_with("Your stance is changed from"),
            "{}",
            answer.content()
        );
        truth.insert(i, key_of(stance));
    }
    // 5 withdraw: clicking their stance again offers to withdraw it.
    for i in 10..15 {
        let stance = &posted.stances[i % 6];
        let again = discord
            .answer(&discord.click(guild.member(i), &guild, posted.message, stance))
            .await;
        assert!(
            again.content().starts_with("Your stance is already"),
            "{}",
            again.content()
        );
        let withdraw = again.custom_ids()[0].clone();
        let done = discord
            .answer(&discord.click_on_answer(
                guild.member(i),
                &guild,
                guild.discussions,
                &again,
                &withdraw,
            ))
            .await;
        assert_eq!(
            done.callback_type(),
            Some(7),
            "the ephemeral answer is replaced"
        );
        assert!(
            done.content().ends_with("is withdrawn."),
            "{}",
            done.content()
        );
        truth.remove(&i);
    }

    // Replies: by the private form, and in the thread (one with @everyone).
    let form = discord
        .answer(&discord.click(guild.member(20), &guild, posted.message, &posted.reply))
        .await;
    assert_eq!(form.callback_type(), Some(9), "a modal");
    let modal_id = form.body["data"]["custom_id"].as_str().unwrap().to_string();
    let receipt = discord
        .answer(&discord.submit_modal(
            guild.member(20),
            &guild,
            guild.discussions,
            &modal_id,
            &[("text", "Sanctions, after the inquiry.")],
        ))
        .await;
    assert!(
        receipt
            .content()
            .starts_with("Your reply is recorded (29 characters). Thank you."),
        "{}",
        receipt.content()
    );
    discord.post(
        guild.member(21),
        &guild,
        posted.thread,
        "@everyone the UN route is slow but lawful.",
    );
    discord.post(guild.member(22), &guild, posted.thread, "Stay out.");

    // The live counts reach the post, 429 or not, and show every vote.
    let expected_total = truth.len();
    let live = discord
        .await_sent("an edit of the post showing all votes", 0, |s| {
            s.kind == SentKind::EditMessage
                && s.message_id == Some(posted.message)
                && s.embeds().last().is_some_and(|e| {
                    e["footer"]["text"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with(&format!("{expected_total} members answered · 3 replies"))
                })
        })
        .await;
    assert!(live.mentions_nobody());
    let edits = discord.requests_to("update_message");
    assert!(
        edits.iter().any(|r| r.status == 429),
        "the first edit met the 429"
    );

    // A member tries to close: refused, nothing changes.
    let refused = discord
        .answer(&discord.run_command(
            guild.member(3),
            &guild,
            guild.discussions,
            "discussion",
            sub("close", json!([])),
        ))
        .await;
    assert!(refused.is_ephemeral());
    assert!(
        refused
            .content()
            .starts_with("Only moderators can use this"),
        "{}",
        refused.content()
    );

    // The bot restarts mid-discussion: the old buttons still count.
    running.stop().await.expect("clean stop");
    let mut running = bot::start(&config).await;
    running.ready().await;
    let late = discord
        .answer(&discord.click(guild.member(49), &guild, posted.message, &posted.stances[5]))
        .await;
    assert!(
        late.content().starts_with("Your stance is changed from")
            || late.content().starts_with("Your stance is already"),
        "{}",
        late.content()
    );
    truth.insert(49, key_of(&posted.stances[5]));

    // The moderator closes: buttons disabled, final tally in the channel and the thread.
    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        &guild,
        guild.discussions,
        "discussion",
        sub("close", json!([])),
    );
    assert_eq!(discord.answer(&ix).await.callback_type(), Some(5));
    let in_channel = discord
        .await_sent("the final result in the channel", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    let in_thread = discord
        .await_sent("the final result in the thread", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(posted.thread)
        })
        .await;
    assert!(in_channel
        .content()
        .starts_with("**Final result of discussion #1**"));
    assert_eq!(in_thread.embeds(), in_channel.embeds());
    let mut expected: HashMap<String, u64> = HashMap::new();
    for k in truth.values() {
        *expected.entry(k.clone()).or_default() += 1;
    }
    let shown = counts_in(&in_channel, &labels);
    for key in labels.keys() {
        assert_eq!(
            shown.get(key).copied().unwrap_or(0),
            expected.get(key).copied().unwrap_or(0),
            "{key}"
        );
    }
    assert!(in_channel.embeds()[0]["footer"]["text"]
        .as_str()
        .unwrap()
        .starts_with(&format!(
            "{} members answered · 3 replies from 3 members",
            truth.len()
        )));
    let post = discord.message(posted.message).unwrap();
    let buttons: Vec<&Value> = post["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["components"].as_array().unwrap())
        .collect();
    assert!(
        buttons.iter().all(|b| b["disabled"] == json!(true)),
        "every button disabled after close"
    );
    let lock = discord
        .await_requests("update_channel", 1, support::STEP)
        .await;
    assert_eq!(
        lock[0].body.as_ref().unwrap()["locked"],
        json!(true),
        "the thread is locked"
    );
    assert_eq!(lock[0].path, format!("/channels/{}", posted.thread));

    // After close, a click is refused with the reason.
    let after = discord
        .answer(&discord.click(guild.member(30), &guild, posted.message, &posted.stances[0]))
        .await;
    assert!(
        after.content().contains("closed") && after.content().contains("Nothing was recorded"),
        "{}",
        after.content()
    );

    // Nobody was ever pinged, and every request matched Discord's API description.
    for s in discord.sent() {
        if matches!(s.kind, SentKind::Message | SentKind::EditMessage)
            || s.callback_type() == Some(4)
        {
            assert!(s.mentions_nobody(), "{:?} pings: {}", s.kind, s.body);
        }
    }
    running.stop().await.expect("clean stop");
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discussions_sharing_a_channel_share_its_five_edits_per_five_seconds() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.discord.live_refresh_ms = 100;
    let mut running = bot::start(&config).await;
    running.ready().await;
    let mut posts = Vec::new();
    for _ in 0..7 {
        posts.push(post_seed(&discord, &guild).await);
    }
    let before = discord.sent().len();
    for p in &posts {
        discord
            .answer(&discord.click(guild.member(0), &guild, p.message, &p.stances[0]))
            .await;
    }
    // Every post's counts are refreshed in the end.
    let edits = discord
        .wait_for(
            "every post refreshed",
            std::time::Duration::from_secs(15),
            |w| {
                let edits: Vec<Sent> = w.sent_so_far()[before..]
                    .iter()
                    .filter(|s| {
                        s.kind == SentKind::EditMessage && s.channel_id == Some(guild.discussions)
                    })
                    .cloned()
                    .collect();
                posts
                    .iter()
                    .all(|p| edits.iter().any(|e| e.message_id == Some(p.message)))
                    .then_some(edits)
            },
        )
        .await;
    // …never more than five in any five seconds of the channel.
    for (i, first) in edits.iter().enumerate() {
        let within = edits[i..]
            .iter()
            .filter(|e| e.at.duration_since(first.at) < std::time::Duration::from_secs(5))
            .count();
        assert!(within <= 5, "{within} edits within 5 s of edit {i}");
    }
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_discussions_thread_archived_by_discord_is_unarchived_until_close() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;
    let posted = post_seed(&discord, &guild).await;
    assert!(!discord.thread_archived(posted.thread));

    discord.archive_thread(posted.thread);
    let patch = discord
        .await_requests("update_channel", 1, support::STEP)
        .await
        .remove(0);
    assert!(patch
        .path
        .ends_with(&format!("/channels/{}", posted.thread)));
    assert_eq!(patch.body.as_ref().unwrap()["archived"], json!(false));
    assert!(
        !discord.thread_archived(posted.thread),
        "members can reply in it again"
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}
