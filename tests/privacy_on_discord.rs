#![recursion_limit = "256"]
//! Members' own data on the loopback Discord (issue 15): `/privacy show` tells a member privately
//! what roundtable keeps about them in this server; `/privacy delete` asks, and the member's own
//! click on the confirmation removes it: closed tallies keep their counts, open ones drop the
//! vote, and another member's or another server's data stays.

mod support;

use jiff::SignedDuration;
use roundtable::clock::{Clock, ManualClock};
use roundtable::discussion::{Discussions, Rules};
use roundtable::opinion::Answer;
use roundtable::prompt::{Catalog, Prompt};
use roundtable::store::{DiscussionId, ReplySource, ServerId, StatementOrigin, Store};
use serde_json::{json, Value};
use std::sync::Arc;
use support::{bot, Discord, Guild, Member};

fn sub(name: &str) -> Value {
    json!([{"name": name, "type": 1, "options": []}])
}

fn seed() -> Prompt {
    Catalog::load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts"))
        .prompts
        .remove("syria-strike-2017")
        .expect("the seed prompt")
}

fn engine(store: &Store, clock: &Arc<ManualClock>) -> Discussions {
    Discussions::new(
        store.clone(),
        clock.clone(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    )
}

/// `who` votes, replies (which becomes a statement), and answers `other`'s statement, which
/// `other` answers back; returns the discussion.
fn take_part(
    engine: &Discussions,
    server: ServerId,
    who: &str,
    other: &str,
    close: bool,
) -> DiscussionId {
    let d = engine.open(server, &seed(), "c", None).unwrap();
    let id = d.id();
    engine.vote(server, id, who, "stay-out").unwrap();
    engine.vote(server, id, other, "stay-out").unwrap();
    engine
        .reply(
            server,
            id,
            who,
            ReplySource::Form,
            Some(&format!("Mine in {id}")),
            None,
        )
        .unwrap();
    engine
        .reply(
            server,
            id,
            other,
            ReplySource::Form,
            Some(&format!("Theirs in {id}")),
            None,
        )
        .unwrap();
    let statements = engine.statements(server, id).unwrap();
    for s in &statements {
        let answerer = if s.author == who { other } else { who };
        engine.answer(&d, answerer, s.id, Answer::Agree).unwrap();
    }
    engine
        .add_statement(
            server,
            id,
            "mod",
            StatementOrigin::Moderator,
            "A moderator's view",
        )
        .unwrap();
    if close {
        engine.close(server, id, "mod").unwrap();
    }
    id
}

async fn command(
    discord: &Discord,
    who: &Member,
    guild: &Guild,
    subcommand: &str,
) -> support::Sent {
    discord
        .answer(&discord.run_command(who, guild, guild.general, "privacy", sub(subcommand)))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sees_their_data_and_deletes_it_keeping_closed_counts_and_others_data() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 3);
    let elsewhere = discord.create_guild("Elsewhere", 1);
    let config = discord.config(Some(&guild));
    let clock = Arc::new(ManualClock::new("2026-12-01T10:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;
    let store = running.store.clone();
    let engine = engine(&store, &clock);
    let (here, there) = (ServerId::Guild(guild.id), ServerId::Guild(elsewhere.id));
    let (me, other) = (guild.member(0), guild.member(1));
    let (my_id, other_id) = (me.id.to_string(), other.id.to_string());
    // The store's writes block: off the runtime's threads.
    let (closed, open, far) = tokio::task::block_in_place(|| {
        let closed = take_part(&engine, here, &my_id, &other_id, true);
        clock.advance(SignedDuration::from_mins(5));
        let open = take_part(&engine, here, &my_id, &other_id, false);
        // The same member id in another server.
        let far = take_part(&engine, there, &my_id, &other_id, false);
        (closed, open, far)
    });
    let other_before = store.member_data(here, &other_id).unwrap();
    let far_before = store.member_data(there, &my_id).unwrap();
    let closed_counts = store.counts(closed).unwrap().votes;
    assert_eq!(closed_counts, vec![("stay-out".to_string(), 2)]);

    // Show: privately, everything with its discussion and date.
    let shown = command(&discord, me, &guild, "show").await;
    assert!(shown.is_ephemeral());
    assert!(shown.mentions_nobody());
    let text = shown.content();
    assert!(
        text.contains("2 stances, 2 replies, 2 statements, 2 answers"),
        "{text}"
    );
    for id in [closed, open] {
        assert!(text.contains(&format!("discussion #{id} (")), "{text}");
        assert!(text.contains(&format!("“Mine in {id}”")), "{text}");
        assert!(text.contains(&format!("“Theirs in {id}”")), "{text}");
    }
    assert!(text.contains("“Stay out"), "{text}");
    assert!(
        text.contains(&format!("<t:{}:f>", clock.now().as_second() - 300)),
        "{text}"
    );
    assert!(!text.contains(&format!("discussion #{far}")), "{text}");

    // Delete: asks first, with a button for this member only.
    let asked = command(&discord, me, &guild, "delete").await;
    assert!(asked.is_ephemeral());
    assert!(asked.content().starts_with("Delete what roundtable keeps"));
    let confirm = format!("rt:p:{}", me.id);
    assert_eq!(asked.custom_ids(), vec![confirm.clone()]);
    // Another member's click on it deletes nothing.
    let refused = discord
        .answer(&discord.click_on_answer(other, &guild, guild.general, &asked, &confirm))
        .await;
    assert!(
        refused.content().contains("only they can use it"),
        "{}",
        refused.content()
    );
    assert_eq!(store.member_data(here, &my_id).unwrap().replies.len(), 2);

    let done = discord
        .answer(&discord.click_on_answer(me, &guild, guild.general, &asked, &confirm))
        .await;
    assert_eq!(done.callback_type(), Some(7), "the question is replaced");
    assert!(done.custom_ids().is_empty());
    assert!(
        done.content().starts_with(
            "Done: roundtable deleted 2 replies, 2 statements and 2 answers of yours in this server; 2 votes are no longer linked to you (1 kept anonymously in closed tallies, 1 dropped from open discussions)."
        ),
        "{}",
        done.content()
    );

    // The closed tally keeps its count; the open one drops the vote.
    assert_eq!(store.counts(closed).unwrap().votes, closed_counts);
    assert_eq!(
        store.recount(closed).unwrap(),
        vec![("stay-out".to_string(), 2)]
    );
    assert_eq!(
        store.counts(open).unwrap().votes,
        vec![("stay-out".to_string(), 1)]
    );
    assert_eq!(store.vote_of(open, &my_id).unwrap(), None);
    // The other member's answers to the deleted statements went with them.
    for id in [closed, open] {
        assert!(store
            .answers(here, id)
            .unwrap()
            .iter()
            .all(|a| a.member != my_id));
        assert_eq!(
            store
                .statements(here, id)
                .unwrap()
                .iter()
                .filter(|s| s.author == my_id)
                .count(),
            0
        );
    }
    let other_after = store.member_data(here, &other_id).unwrap();
    assert_eq!(other_after.stances, other_before.stances);
    assert_eq!(other_after.replies, other_before.replies);
    assert_eq!(other_after.statements, other_before.statements);
    // The other member's answers were to the deleted statements: those are gone, nothing else.
    assert_eq!(other_after.answers.len(), 0);
    assert_eq!(other_before.answers.len(), 2);
    assert_eq!(store.member_data(there, &my_id).unwrap(), far_before);

    // Show again: nothing.
    let again = command(&discord, me, &guild, "show").await;
    assert!(
        again.content().contains("keeps nothing about you"),
        "{}",
        again.content()
    );
    discord.assert_conformant();
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_report_comes_as_a_text_file_with_utc_times() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let config = discord.config(Some(&guild));
    let clock = Arc::new(ManualClock::new("2026-12-01T10:00:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;
    let engine = engine(&running.store, &clock);
    let here = ServerId::Guild(guild.id);
    let me = guild.member(0);
    tokio::task::block_in_place(|| {
        let id = engine.open(here, &seed(), "c", None).unwrap().id();
        for i in 0..40 {
            clock.advance(SignedDuration::from_mins(1));
            let text = format!("Reply number {i}: {}", "words ".repeat(15));
            engine
                .reply(
                    here,
                    id,
                    &me.id.to_string(),
                    ReplySource::Form,
                    Some(&text),
                    None,
                )
                .unwrap();
        }
    });
    let shown = command(&discord, me, &guild, "show").await;
    assert!(shown.is_ephemeral());
    assert!(shown.content().chars().count() <= 2000);
    assert!(
        shown.content().contains("40 replies"),
        "{}",
        shown.content()
    );
    let files = shown.files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "roundtable-my-data.txt");
    let file = String::from_utf8(files[0].data.clone()).unwrap();
    assert_eq!(file.matches("by the reply form").count(), 40);
    // The first five replies became statements too (the per-member limit).
    assert_eq!(file.matches("Reply number").count(), 45);
    assert!(file.contains("2026-12-01 10:40 UTC"), "{file}");
    assert!(!file.contains("<t:"));
    discord.assert_conformant();
    running.stop().await.unwrap();
}
