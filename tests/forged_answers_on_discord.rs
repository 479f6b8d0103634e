#![recursion_limit = "256"]
//! Answers that must not count, on the loopback Discord: a stance button copied onto another
//! message, and a thread message from a member the server's voter roles leave out. Both were
//! recorded before (issue 13, items 3 and 6).

mod support;

use roundtable::config::{Config, StoreConfig};
use roundtable::discord::Observed;
use roundtable::store::{DiscussionId, Store};
use serde_json::{json, Value};
use support::{bot, Discord, Guild, SentKind};

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

/// The moderator posts the seed in #discussions; returns its post, thread and stance custom_ids.
async fn post_seed(discord: &Discord, guild: &Guild) -> (u64, u64, Vec<String>) {
    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]),
        ),
    );
    discord.answer(&ix).await;
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

fn buttons(custom_ids: &[&str]) -> Value {
    json!([{"type": 1, "components": custom_ids.iter().map(|id| json!({"type": 2, "style": 1, "label": "Copied", "custom_id": id})).collect::<Vec<_>>()}])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stance_button_copied_onto_another_message_records_nothing() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let (_, _, _) = post_seed(&discord, &guild).await;
    let (second, _, stances) = post_seed(&discord, &guild).await;
    let stance = stances[0].clone();
    assert!(stance.starts_with("rt:v:2:"), "{stance}");
    let key = stance.rsplit(':').next().unwrap().to_string();

    // Another message of the bot's carries discussion #2's stance and reply buttons.
    let copy = discord.earlier_bot_post(
        guild.general,
        "Vote here!",
        buttons(&[&stance, "rt:r:2", "rt:w:2"]),
    );
    let answer = discord
        .answer(&discord.click(guild.member(0), &guild, copy, &stance))
        .await;
    assert!(answer.is_ephemeral());
    assert!(
        answer.content().contains("nothing was recorded"),
        "{}",
        answer.content()
    );
    let form = discord
        .answer(&discord.click(guild.member(0), &guild, copy, "rt:r:2"))
        .await;
    assert_ne!(
        form.callback_type(),
        Some(9),
        "no reply form opens from a copy"
    );
    let s = store(&config);
    assert_eq!(
        s.vote_of(DiscussionId(2), &guild.member(0).id.to_string())
            .unwrap(),
        None
    );

    // On the discussion's own post the same button counts.
    let counted = discord
        .answer(&discord.click(guild.member(0), &guild, second, &stance))
        .await;
    assert!(
        counted.content().starts_with("Your stance is recorded"),
        "{}",
        counted.content()
    );
    assert_eq!(
        s.vote_of(DiscussionId(2), &guild.member(0).id.to_string())
            .unwrap()
            .as_deref(),
        Some(key.as_str())
    );
    // The withdraw button on the bot's ephemeral answer to a click on the post still works.
    let again = discord
        .answer(&discord.click(guild.member(0), &guild, second, &stance))
        .await;
    let withdraw = again.custom_ids()[0].clone();
    let done = discord
        .answer(&discord.click_on_answer(
            guild.member(0),
            &guild,
            guild.discussions,
            &again,
            &withdraw,
        ))
        .await;
    assert!(
        done.content().starts_with("Your stance “") && done.content().ends_with("is withdrawn."),
        "{}",
        done.content()
    );
    assert_eq!(
        s.vote_of(DiscussionId(2), &guild.member(0).id.to_string())
            .unwrap(),
        None
    );
    running.stop().await.unwrap();
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_message_from_a_member_without_a_voter_role_is_not_stored() {
    let discord = Discord::start().await;
    let mut guild = discord.create_guild("Newsroom", 2);
    let verified = discord.add_role(&guild, "Verified", 0);
    discord.give_role(&mut guild, 0, verified);
    let mut config = discord.config(Some(&guild));
    config.discord.voter_roles = vec!["Verified".into()];
    config.discord.message_content = true;
    let mut running = bot::start(&config).await;
    running.ready().await;
    let (_, thread, _) = post_seed(&discord, &guild).await;

    let outsider = discord.post(guild.member(1), &guild, thread, "I have no role.");
    running
        .seen(
            "the outsider's message",
            |o| matches!(o, Observed::MessageCreated { message_id, .. } if *message_id == outsider),
        )
        .await;
    let verified_one = discord.post(guild.member(0), &guild, thread, "I am verified.");
    running
        .seen("the verified member's message", |o| {
            matches!(o, Observed::MessageCreated { message_id, .. } if *message_id == verified_one)
        })
        .await;
    let replies = store(&config).replies(DiscussionId(1)).unwrap();
    let texts: Vec<Option<&str>> = replies.iter().map(|r| r.text.as_deref()).collect();
    assert_eq!(
        texts,
        [Some("I am verified.")],
        "only the verified member's reply counts"
    );
    assert_eq!(replies[0].member, guild.member(0).id.to_string());
    running.stop().await.unwrap();
    discord.assert_conformant();
}
