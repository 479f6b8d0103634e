#![recursion_limit = "256"]
//! Members suggest articles, on the loopback Discord with the real serenity client and an
//! injected clock: a suggestion (a link, or an attached page) is committed, reaches the
//! moderators' log channel with Draft and Dismiss, and the member gets a private receipt; only a
//! moderator of that server may decide; Draft shows the moderator the private preview and the
//! draft is in `/prompts list`; Dismiss closes it; the daily limit refuses the 4th suggestion in
//! 24 hours, and 0 turns `/suggest` off. An attached file is read when it is suggested, so Draft
//! works after Discord's address for it expired; `/privacy delete` clears the log messages too.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::config::Config;
use roundtable::store::{ServerId, SuggestionState};
use serde_json::{json, Value};
use std::sync::Arc;
use support::{bot, Discord, Guild, Member, Sent, SentKind};

const PAGE: &str = include_str!("fixtures/articles/pages/who-pandemic-2020.html");

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn link(url: &str, note: Option<&str>) -> Value {
    let mut o = vec![json!({"name": "link", "type": 3, "value": url})];
    if let Some(n) = note {
        o.push(json!({"name": "note", "type": 3, "value": n}));
    }
    Value::Array(o)
}

/// Runs `/suggest`; the answer the member reads (the deferred answer's edit, or the answer).
async fn suggest(discord: &Discord, who: &Member, guild: &Guild, options: Value) -> Sent {
    let before = discord.sent().len();
    let ix = discord.run_command(who, guild, guild.general, "suggest", options);
    let first = discord.answer(&ix).await;
    if first.callback_type() != Some(5) {
        return first;
    }
    assert!(first.is_ephemeral(), "the deferred answer is private");
    discord
        .await_sent("the receipt", before, |s| {
            s.interaction_id == Some(ix.id) && s.kind == SentKind::EditOriginal
        })
        .await
}

fn is_suggestion(s: &Sent, guild: &Guild, n: i64) -> bool {
    s.kind == SentKind::Message
        && s.channel_id == Some(guild.general)
        && s.content().starts_with(&format!("**Suggestion #{n}**"))
}

fn config(discord: &Discord, g: &Guild) -> Config {
    let mut config = discord.config(Some(g));
    config.draft.allow_private_hosts = true; // the local page server is on 127.0.0.1
    config.discord.log_channel = Some(g.general);
    config
}

fn state(running: &bot::RunningBot, g: &Guild, id: i64) -> (SuggestionState, Option<String>) {
    let s = running
        .store
        .suggestion(ServerId::Guild(g.id), id)
        .unwrap()
        .expect("the suggestion is stored");
    (s.state, s.decided_by)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_suggestion_reaches_the_moderators_and_becomes_a_draft_or_is_dismissed() {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 2);
    let elsewhere = discord.create_guild("Elsewhere", 1);
    let config = config(&discord, &g);
    let clock = Arc::new(ManualClock::new(ts("2026-12-01T09:00:00Z")));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let member = g.member(0);

    // A link with a note: committed, shown to the moderators, then the member's receipt.
    let url = discord.host_page("2020/who.html", "text/html; charset=utf-8", PAGE.as_bytes());
    let before = discord.sent().len();
    let receipt = suggest(
        &discord,
        member,
        &g,
        link(&url, Some("A good one\nfor next week")),
    )
    .await;
    assert!(receipt.is_ephemeral() || receipt.kind == SentKind::EditOriginal);
    assert!(
        receipt
            .content()
            .contains("your suggestion #1 reached the moderators"),
        "{}",
        receipt.content()
    );
    let sent = discord.sent();
    let log_at = sent
        .iter()
        .skip(before)
        .position(|s| is_suggestion(s, &g, 1))
        .expect("the suggestion in the log channel");
    let receipt_at = sent
        .iter()
        .skip(before)
        .position(|s| s.kind == SentKind::EditOriginal)
        .unwrap();
    assert!(
        log_at < receipt_at,
        "the moderators see it before the member hears it is done"
    );
    let log = sent[before + log_at].clone();
    assert!(log.mentions_nobody());
    assert!(
        log.content().contains(&format!("<@{}>", member.id))
            && log.content().contains(&format!("Article: <{url}>"))
            && log.content().contains("Note: “A good one for next week”"),
        "{}",
        log.content()
    );
    assert_eq!(log.custom_ids(), vec!["rt:sg:d:1", "rt:sg:x:1"]);
    assert_eq!(state(&running, &g, 1), (SuggestionState::Open, None));
    let message = log.message_id.unwrap();

    // A member who is not a moderator is refused; so is another server's moderator.
    let refused = discord
        .answer(&discord.click(g.member(1), &g, message, "rt:sg:d:1"))
        .await;
    assert!(
        refused.is_ephemeral() && refused.content().starts_with("Only moderators"),
        "{}",
        refused.content()
    );
    let foreign = discord
        .answer(&discord.click(elsewhere.moderator(), &elsewhere, message, "rt:sg:d:1"))
        .await;
    assert!(
        foreign.is_ephemeral() && foreign.content().contains("unknown here"),
        "{}",
        foreign.content()
    );
    assert_eq!(state(&running, &g, 1), (SuggestionState::Open, None));
    for server in [g.id, elsewhere.id] {
        assert!(running
            .store
            .stored_prompts(ServerId::Guild(server))
            .unwrap()
            .is_empty());
    }

    // The moderator's Draft: the private preview, the draft stored, the log message updated.
    let m = g.moderator();
    let before = discord.sent().len();
    let ix = discord.click(m, &g, message, "rt:sg:d:1");
    let deferred = discord.answer(&ix).await;
    assert_eq!(deferred.callback_type(), Some(5));
    assert!(
        deferred.is_ephemeral(),
        "the preview is the moderator's own"
    );
    let review = discord
        .await_sent("the preview's review text", before, |s| {
            s.interaction_id == Some(ix.id)
                && s.kind == SentKind::FollowUp
                && s.content().contains("only for you")
        })
        .await;
    assert!(review.is_ephemeral());
    assert!(
        review.content().contains("Draft `who` saved by"),
        "{}",
        review.content()
    );
    let preview = discord
        .sent()
        .into_iter()
        .find(|s| s.interaction_id == Some(ix.id) && s.kind == SentKind::EditOriginal)
        .expect("the post as members will see it");
    assert!(!preview.embeds().is_empty());
    let updated = discord
        .await_sent("the log message, updated", before, |s| {
            s.kind == SentKind::EditMessage && s.message_id == Some(message)
        })
        .await;
    assert!(updated.mentions_nobody());
    assert!(
        updated
            .content()
            .contains(&format!("Drafted by <@{}> as `who`", m.id)),
        "{}",
        updated.content()
    );
    assert!(updated.custom_ids().is_empty(), "decided: no more buttons");
    let (st, by) = state(&running, &g, 1);
    assert_eq!(st, SuggestionState::Drafted);
    assert!(by.unwrap().contains(&m.name));
    let draft = running
        .store
        .stored_prompt(ServerId::Guild(g.id), "who")
        .unwrap()
        .expect("the draft is stored");
    assert!(draft.approved.is_none() && draft.changed_by.contains(&m.name));
    let ix = discord.run_command(
        m,
        &g,
        g.general,
        "prompts",
        json!([{"name": "list", "type": 1, "options": []}]),
    );
    let list = discord.answer(&ix).await;
    assert!(
        list.content().contains("`who` · draft"),
        "{}",
        list.content()
    );

    // An attached page, dismissed: recorded with who, the message updated in place.
    let file = discord.upload_attachment("b.html", "text/html", PAGE.as_bytes());
    let before = discord.sent().len();
    let receipt = suggest(
        &discord,
        member,
        &g,
        json!([{"name": "article", "type": 11, "value": file.to_string()}]),
    )
    .await;
    assert!(receipt.content().contains("#2"), "{}", receipt.content());
    let log = discord
        .await_sent("the second suggestion", before, |s| is_suggestion(s, &g, 2))
        .await;
    assert!(
        log.content().contains("the file `b.html`"),
        "{}",
        log.content()
    );
    let dismissed = discord
        .answer(&discord.click(m, &g, log.message_id.unwrap(), "rt:sg:x:2"))
        .await;
    assert_eq!(
        dismissed.callback_type(),
        Some(7),
        "the message is updated in place"
    );
    assert!(dismissed.mentions_nobody());
    assert!(
        dismissed
            .content()
            .contains(&format!("Dismissed by <@{}>", m.id)),
        "{}",
        dismissed.content()
    );
    assert!(dismissed.custom_ids().is_empty());
    assert_eq!(state(&running, &g, 2).0, SuggestionState::Dismissed);

    // The third of the day is taken, the fourth refused until 24 hours after the first.
    clock.set(ts("2026-12-02T08:00:00Z"));
    let third = suggest(&discord, member, &g, link(&url, None)).await;
    assert!(third.content().contains("#3"), "{}", third.content());
    let fourth = suggest(&discord, member, &g, link(&url, None)).await;
    assert!(
        fourth.content().starts_with("Nothing was recorded")
            && fourth
                .content()
                .contains("3 suggestion(s) in the last 24 hours"),
        "{}",
        fourth.content()
    );
    assert_eq!(
        running
            .store
            .member_suggestions(ServerId::Guild(g.id), &member.id.to_string())
            .unwrap()
            .len(),
        3
    );
    clock.advance(SignedDuration::from_hours(2));
    let later = suggest(&discord, member, &g, link(&url, None)).await;
    assert!(later.content().contains("#4"), "{}", later.content());

    // /privacy show lists them, with dates.
    let ix = discord.run_command(
        member,
        &g,
        g.general,
        "privacy",
        json!([{"name": "show", "type": 1, "options": []}]),
    );
    let shown = discord.answer(&ix).await;
    assert!(
        shown.content().contains("4 suggestions")
            && shown.content().contains("**Your suggestions of articles**")
            && shown.content().contains("(dismissed)"),
        "{}",
        shown.content()
    );
    discord.assert_conformant();
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_refuses_bad_articles_is_off_at_zero_and_needs_a_log_channel() {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 1);
    let mut off = config(&discord, &g);
    off.suggest.per_member_per_day = 0;
    let mut running = bot::start(&off).await;
    running.ready().await;
    let sent = suggest(
        &discord,
        g.member(0),
        &g,
        link("https://example.org/a", None),
    )
    .await;
    assert!(
        sent.is_ephemeral() && sent.content().contains("turned off"),
        "{}",
        sent.content()
    );
    running.stop().await.unwrap();

    let mut no_log = config(&discord, &g);
    no_log.discord.log_channel = None;
    let mut running = bot::start(&no_log).await;
    running.ready().await;
    let sent = suggest(
        &discord,
        g.member(0),
        &g,
        link("https://example.org/a", None),
    )
    .await;
    assert!(
        sent.is_ephemeral() && sent.content().contains("no moderators' log channel"),
        "{}",
        sent.content()
    );
    for (options, why) in [
        (link("ftp://example.org/a", None), "ftp"),
        (json!([]), "give the article"),
    ] {
        let sent = suggest(&discord, g.member(0), &g, options).await;
        assert!(
            sent.is_ephemeral() && sent.content().contains(why),
            "{why}: {}",
            sent.content()
        );
    }
    assert!(running
        .store
        .member_suggestions(ServerId::Guild(g.id), &g.member(0).id.to_string())
        .unwrap()
        .is_empty());
    discord.assert_conformant();
    running.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_attached_file_is_read_when_suggested_and_privacy_delete_clears_its_log_message() {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 1);
    let config = config(&discord, &g);
    let clock = Arc::new(ManualClock::new(ts("2026-12-01T09:00:00Z")));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    running.ready().await;
    let member = g.member(0);

    let file = discord.upload_attachment("pandemic.html", "text/html", PAGE.as_bytes());
    let before = discord.sent().len();
    let receipt = suggest(
        &discord,
        member,
        &g,
        json!([{"name": "article", "type": 11, "value": file.to_string()},
               {"name": "note", "type": 3, "value": "Worth a week"}]),
    )
    .await;
    assert!(receipt.content().contains("#1"), "{}", receipt.content());
    let log = discord
        .await_sent("the suggestion", before, |s| is_suggestion(s, &g, 1))
        .await;
    let stored = running
        .store
        .suggestion(ServerId::Guild(g.id), 1)
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.body.as_deref(),
        Some(PAGE),
        "the file's text is kept"
    );

    // A day later Discord's address for the file has expired: Draft uses the text kept.
    discord.expire_attachment(file);
    clock.advance(SignedDuration::from_hours(30));
    let m = g.moderator();
    let before = discord.sent().len();
    let ix = discord.click(m, &g, log.message_id.unwrap(), "rt:sg:d:1");
    assert_eq!(discord.answer(&ix).await.callback_type(), Some(5));
    let review = discord
        .await_sent("the preview's review text", before, |s| {
            s.interaction_id == Some(ix.id) && s.kind == SentKind::FollowUp
        })
        .await;
    assert!(
        review.content().contains("Draft `pandemic` saved by"),
        "{}",
        review.content()
    );
    discord
        .await_sent("the log message, updated", before, |s| {
            s.kind == SentKind::EditMessage && s.message_id == log.message_id
        })
        .await;
    assert_eq!(state(&running, &g, 1).0, SuggestionState::Drafted);

    // The member deletes their data: the log message no longer names them or their article.
    let ix = discord.run_command(
        member,
        &g,
        g.general,
        "privacy",
        json!([{"name": "delete", "type": 1, "options": []}]),
    );
    let asked = discord.answer(&ix).await;
    let confirm = format!("rt:p:{}", member.id);
    let before = discord.sent().len();
    let done = discord
        .answer(&discord.click_on_answer(member, &g, g.general, &asked, &confirm))
        .await;
    assert!(done.content().starts_with("Done:"), "{}", done.content());
    let cleared = discord
        .await_sent("the log message cleared", before, |s| {
            s.kind == SentKind::EditMessage && s.message_id == log.message_id
        })
        .await;
    assert!(cleared.mentions_nobody());
    assert_eq!(
        cleared.content(),
        roundtable::render::privacy::SUGGESTION_REMOVED
    );
    assert!(cleared.custom_ids().is_empty());
    let now = discord.message(log.message_id.unwrap()).unwrap();
    let text = now["content"].as_str().unwrap_or_default();
    assert!(
        !text.contains(&member.id.to_string()) && !text.contains("Worth a week"),
        "{text}"
    );
    assert!(running
        .store
        .member_suggestions(ServerId::Guild(g.id), &member.id.to_string())
        .unwrap()
        .is_empty());
    discord.assert_conformant();
    running.stop().await.unwrap();
}
