#![recursion_limit = "256"]
//! Next week's article brought in from Discord, on the loopback Discord with the real serenity
//! client: a moderator drafts from an attached HTML page and from a link, sees the post privately
//! as members will, approves a prompt (who and when recorded) and posts it; members are refused
//! on every `/prompts` command; a link to a private address is refused by default.

mod support;

use roundtable::config::{Config, StoreConfig};
use roundtable::store::{ServerId, Store};
use serde_json::{json, Value};
use support::{bot, Discord, Guild, Member, Sent, SentKind};

const PAGE: &str = include_str!("fixtures/articles/pages/who-pandemic-2020.html");
const SEED: &str = include_str!("../prompts/syria-strike-2017.toml");

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

fn store(config: &Config) -> Store {
    Store::open(&config.database, &StoreConfig::default()).unwrap()
}

/// Runs `/prompts ...`; a deferred answer is followed to its edit and its follow-ups.
async fn run(discord: &Discord, who: &Member, guild: &Guild, options: Value) -> Vec<Sent> {
    let before = discord.sent().len();
    let ix = discord.run_command(who, guild, guild.general, "prompts", options);
    let first = discord.answer(&ix).await;
    if first.callback_type() != Some(5) {
        return vec![first];
    }
    assert!(first.is_ephemeral(), "the deferred answer is private");
    // The edit, then the follow-ups; the last one says what is left to do.
    discord
        .await_sent("the review text", before, |s| {
            s.interaction_id == Some(ix.id)
                && (s.kind == SentKind::FollowUp && s.content().contains("only for you")
                    || s.kind == SentKind::EditOriginal && s.content().starts_with("Nothing"))
        })
        .await;
    discord
        .sent()
        .into_iter()
        .skip(before)
        .filter(|s| s.interaction_id == Some(ix.id))
        .collect()
}

fn titles(sent: &[Sent]) -> Vec<String> {
    sent.iter()
        .flat_map(|s| s.embeds())
        .filter_map(|e| e["title"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderator_drafts_from_an_attached_page_and_a_link_and_approves_into_the_queue() {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 2);
    let mut config = discord.config(Some(&g));
    config.draft.allow_private_hosts = true; // the local page server is on 127.0.0.1
    let mut running = bot::start(&config).await;
    running.ready().await;
    let m = g.moderator();

    // An attached HTML page: a deferred answer, then the post as members will see it.
    let file = discord.upload_attachment("who-pandemic.html", "text/html", PAGE.as_bytes());
    let sent = run(
        &discord,
        m,
        &g,
        sub(
            "draft",
            json!([{"name": "article", "type": 11, "value": file.to_string()}]),
        ),
    )
    .await;
    let edit = sent
        .iter()
        .find(|s| s.kind == SentKind::EditOriginal)
        .expect("the preview");
    assert!(!edit.embeds().is_empty(), "{:?}", edit.body);
    assert!(edit.mentions_nobody());
    // Its stance buttons are shown, disabled: a preview records nothing.
    let rows = edit.body["components"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(!rows.is_empty());
    assert!(rows
        .iter()
        .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
        .all(|b| b["disabled"] == true));
    let review = sent.last().unwrap();
    assert!(review.is_ephemeral(), "the review is private");
    assert!(
        review.content().contains("Draft `who-pandemic` saved by")
            && review.content().contains("Still to write")
            && review.content().contains("options"),
        "{}",
        review.content()
    );
    let s = store(&config);
    let stored = s
        .stored_prompt(ServerId::Guild(g.id), "who-pandemic")
        .unwrap()
        .expect("the draft is stored");
    assert!(stored.approved.is_none() && stored.changed_by.contains(&m.name));

    // The same page from a link on the local page server.
    let url = discord.host_page("2020/who.html", "text/html; charset=utf-8", PAGE.as_bytes());
    let sent = run(
        &discord,
        m,
        &g,
        sub(
            "draft",
            json!([{"name": "link", "type": 3, "value": url}, {"name": "id", "type": 3, "value": "who-linked"}]),
        ),
    )
    .await;
    assert_eq!(
        titles(&sent).first(),
        titles(&run_show(&discord, m, &g, "who-pandemic").await).first(),
        "a link and an attachment of the same page draft the same post"
    );
    // A draft with placeholder options is not approved, and says why.
    let refused = run(
        &discord,
        m,
        &g,
        sub(
            "approve",
            json!([{"name": "prompt", "type": 3, "value": "who-linked"}]),
        ),
    )
    .await;
    assert!(
        refused[0].content().starts_with("Not approved:")
            && refused[0].content().contains("options[0].label"),
        "{}",
        refused[0].content()
    );

    // A complete prompt stored as a draft is approved: who and when recorded, then posted.
    let mut next = roundtable::prompt::Prompt::from_str_at(
        std::path::Path::new("prompts/next-week.toml"),
        SEED,
    )
    .unwrap();
    next.id = "next-week".into();
    next.title = "Next week's article".into();
    tokio::task::block_in_place(|| {
        s.save_prompt_draft(ServerId::Guild(g.id), &next, "rosa", jiff::Timestamp::now())
            .unwrap()
    });
    let ok = run(
        &discord,
        m,
        &g,
        sub(
            "approve",
            json!([{"name": "prompt", "type": 3, "value": "next-week"}]),
        ),
    )
    .await;
    assert!(
        ok[0].content().contains("approved by") && ok[0].content().contains("version 1"),
        "{}",
        ok[0].content()
    );
    let approved = s
        .stored_prompt(ServerId::Guild(g.id), "next-week")
        .unwrap()
        .unwrap()
        .approved
        .unwrap();
    assert!(approved.by.contains(&m.name));
    let list = run(&discord, m, &g, sub("list", json!([]))).await;
    let text = list[0].content();
    assert!(
        text.contains("`next-week` · approved v1")
            && text.contains("`who-pandemic` · draft")
            && text.contains("`syria-strike-2017` · file"),
        "{text}"
    );
    // Autocomplete offers drafts too.
    let ac = discord.autocomplete_options(
        m,
        &g,
        g.general,
        "prompts",
        json!([{"name": "show", "type": 1, "options": [{"name": "prompt", "type": 3, "value": "who", "focused": true}]}]),
    );
    let choices = discord.answer(&ac).await;
    assert!(
        choices.body.to_string().contains("who-linked"),
        "{}",
        choices.body
    );

    // /discussion post takes the approved prompt; while it runs, it cannot be deleted.
    let ix = discord.run_command(
        m,
        &g,
        g.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": "next-week"}]),
        ),
    );
    let before = discord.sent().len();
    discord.answer(&ix).await;
    discord
        .await_sent("the post", before, |s| {
            s.kind == SentKind::Message
                && s.embeds()
                    .iter()
                    .any(|e| e["title"] == "Next week's article")
        })
        .await;
    let del = run(
        &discord,
        m,
        &g,
        sub(
            "delete",
            json!([{"name": "prompt", "type": 3, "value": "next-week"}]),
        ),
    )
    .await;
    assert!(
        del[0].content().contains("still open"),
        "{}",
        del[0].content()
    );
    let del = run(
        &discord,
        m,
        &g,
        sub(
            "delete",
            json!([{"name": "prompt", "type": 3, "value": "who-linked"}]),
        ),
    )
    .await;
    assert!(
        del[0].content().contains("deleted by"),
        "{}",
        del[0].content()
    );
    discord.assert_conformant();
    running.stop().await.unwrap();
}

async fn run_show(discord: &Discord, who: &Member, g: &Guild, id: &str) -> Vec<Sent> {
    run(
        discord,
        who,
        g,
        sub("show", json!([{"name": "prompt", "type": 3, "value": id}])),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_are_refused_on_every_prompts_command_and_private_links_by_default() {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 2);
    let config = discord.config(Some(&g)); // allow_private_hosts stays off
    let mut running = bot::start(&config).await;
    running.ready().await;
    let member = g.member(0);
    let file = discord.upload_attachment("a.html", "text/html", PAGE.as_bytes());
    let id = json!([{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]);
    for (name, options) in [
        (
            "draft",
            json!([{"name": "article", "type": 11, "value": file.to_string()}]),
        ),
        ("list", json!([])),
        ("show", id.clone()),
        ("approve", id.clone()),
        ("delete", id.clone()),
        ("reload", json!([])),
    ] {
        let sent = run(&discord, member, &g, sub(name, options)).await;
        assert!(
            sent[0].is_ephemeral() && sent[0].content().contains("moderator"),
            "/prompts {name}: {}",
            sent[0].content()
        );
    }
    assert!(store(&config)
        .stored_prompts(ServerId::Guild(g.id))
        .unwrap()
        .is_empty());

    // The moderator's link to the local page server (127.0.0.1) is refused, saying why.
    let url = discord.host_page("a.html", "text/html", PAGE.as_bytes());
    let sent = run(
        &discord,
        g.moderator(),
        &g,
        sub("draft", json!([{"name": "link", "type": 3, "value": url}])),
    )
    .await;
    let last = sent.last().unwrap();
    assert!(
        last.content().starts_with("Nothing was drafted")
            && last.content().contains("loopback")
            && last.content().contains("private networks"),
        "{}",
        last.content()
    );
    // A moderator's attachment is fetched from Discord's CDN (the guard is for links).
    let sent = run(
        &discord,
        g.moderator(),
        &g,
        sub(
            "draft",
            json!([{"name": "article", "type": 11, "value": file.to_string()}]),
        ),
    )
    .await;
    assert!(
        sent.last().unwrap().content().contains("Draft `a` saved"),
        "{}",
        sent.last().unwrap().content()
    );
    discord.assert_conformant();
    running.stop().await.unwrap();
}

/// The last follow-up of a draft's preview: what is left to do, with the editor's buttons.
fn editor_of(sent: &[Sent]) -> Sent {
    sent.iter()
        .rev()
        .find(|s| s.custom_ids().iter().any(|c| c.starts_with("rt:e:")))
        .cloned()
        .expect("the editor's buttons under the preview")
}

fn modal_of(s: &Sent) -> (String, Vec<(String, String)>) {
    assert_eq!(s.callback_type(), Some(9), "a form: {:?}", s.body);
    let data = &s.body["data"];
    let inputs = data["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
        .map(|c| {
            (
                c["custom_id"].as_str().unwrap().to_string(),
                c["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    (data["custom_id"].as_str().unwrap().to_string(), inputs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moderator_edits_the_summary_and_adds_options_through_forms_and_a_refused_edit_keeps_the_text(
) {
    let discord = Discord::start().await;
    let g = discord.create_guild("Newsroom", 2);
    let config = discord.config(Some(&g));
    let mut running = bot::start(&config).await;
    running.ready().await;
    let m = g.moderator();
    let file = discord.upload_attachment("who-pandemic.html", "text/html", PAGE.as_bytes());
    let sent = run(
        &discord,
        m,
        &g,
        sub(
            "draft",
            json!([{"name": "article", "type": 11, "value": file.to_string()}]),
        ),
    )
    .await;
    let editor = editor_of(&sent);
    let s = store(&config);
    let server = ServerId::Guild(g.id);
    assert!(
        s.prompt_article(server, "who-pandemic").unwrap().is_some(),
        "the article is kept with the draft"
    );

    // The summary's form, filled with the current summary; a new one is saved and shown.
    let open = |answer: &Sent, id: &str| discord.click_on_answer(m, &g, g.general, answer, id);
    let ix = open(&editor, "rt:e:o:m:who-pandemic");
    let (form, inputs) = modal_of(&discord.answer(&ix).await);
    assert!(!inputs[0].1.is_empty(), "the form shows the current text");
    let ix = discord.submit_modal(
        m,
        &g,
        g.general,
        &form,
        &[(&inputs[0].0, "A neutral summary written by the moderator.")],
    );
    let saved = discord.answer(&ix).await;
    assert!(
        saved
            .content()
            .contains("Summary of `who-pandemic` saved by"),
        "{}",
        saved.content()
    );
    assert!(saved.embeds().iter().any(|e| e
        .to_string()
        .contains("A neutral summary written by the moderator.")));
    let p = s.stored_prompt(server, "who-pandemic").unwrap().unwrap();
    assert_eq!(
        p.current().unwrap().summary,
        "A neutral summary written by the moderator."
    );

    // Options: add three.
    let mut answer = saved;
    let mut added = Vec::new();
    for (key, label) in [
        ("support", "Support it"),
        ("oppose", "Oppose it"),
        ("unsure", "Not sure"),
    ] {
        let ix = open(&answer, "rt:e:o:n:who-pandemic");
        let (form, inputs) = modal_of(&discord.answer(&ix).await);
        let ix = discord.submit_modal(
            m,
            &g,
            g.general,
            &form,
            &[(&inputs[0].0, key), (&inputs[1].0, label)],
        );
        answer = discord.answer(&ix).await;
        if answer.content().starts_with("Not saved") {
            break;
        }
        added.push(key);
    }
    let p = s.stored_prompt(server, "who-pandemic").unwrap().unwrap();
    let keys: Vec<String> = p
        .current()
        .unwrap()
        .options
        .iter()
        .map(|o| o.key.clone())
        .collect();
    for k in &added {
        assert!(keys.contains(&k.to_string()), "{keys:?}");
    }
    assert!(!added.is_empty(), "{}", answer.content());

    // A duplicate key is refused, saying why; the form reopens with the moderator's text.
    let ix = open(&answer, "rt:e:o:n:who-pandemic");
    let (form, inputs) = modal_of(&discord.answer(&ix).await);
    let ix = discord.submit_modal(
        m,
        &g,
        g.general,
        &form,
        &[
            (&inputs[0].0, "support"),
            (&inputs[1].0, "My carefully typed label"),
        ],
    );
    let refused = discord.answer(&ix).await;
    assert!(
        refused.content().starts_with("Not saved")
            && (refused.content().contains("duplicate") || refused.content().contains("at most 8")),
        "{}",
        refused.content()
    );
    let reopen = refused
        .custom_ids()
        .into_iter()
        .find(|c| c.starts_with("rt:e:c:"))
        .expect("a button to reopen the form");
    let ix = discord.click_on_answer(m, &g, g.general, &refused, &reopen);
    let (_, kept) = modal_of(&discord.answer(&ix).await);
    assert_eq!(
        kept[1].1, "My carefully typed label",
        "nothing typed is lost"
    );
    assert_eq!(kept[0].1, "support");

    // A member cannot open the editor.
    let ix = discord.click_on_answer(g.member(0), &g, g.general, &editor, "rt:e:o:m:who-pandemic");
    let no = discord.answer(&ix).await;
    assert!(
        no.is_ephemeral() && no.content().contains("moderator"),
        "{}",
        no.content()
    );

    // Pasted text: /prompts draft with neither file nor link opens a form for it.
    let ix = discord.run_command(m, &g, g.general, "prompts", sub("draft", json!([])));
    let (form, inputs) = modal_of(&discord.answer(&ix).await);
    assert_eq!(inputs.len(), 5, "an id and four boxes of 4,000 characters");
    let text = "The city council voted on Tuesday to close the old bridge. \"It is no longer safe,\" said Maria Lopez, the city engineer. \"We were not consulted,\" said Tom Reed, who owns a shop nearby. Will the city build a new bridge?";
    let before = discord.sent().len();
    let ix = discord.submit_modal(
        m,
        &g,
        g.general,
        &form,
        &[("id", "pasted-who"), ("article0", text)],
    );
    discord
        .await_sent("the pasted draft's review", before, |s| {
            s.interaction_id == Some(ix.id) && s.content().contains("Draft `pasted-who` saved")
        })
        .await;
    assert!(s.stored_prompt(server, "pasted-who").unwrap().is_some());
    discord.assert_conformant();
    running.stop().await.unwrap();
}
