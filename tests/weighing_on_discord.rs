#![recursion_limit = "256"]
//! Weighing in on Discord, end to end: the real serenity client against the loopback Discord.
//! Members answer statements one at a time on a private card (each answer updates the same
//! ephemeral message), a restart in the middle repeats no statement, and the final result shows
//! the opinion groups, the common ground, what sets each group apart, the stance changes and the
//! map of members in their groups.

mod support;

use roundtable::chart::map::{draw_map, group_colours, map_alt_text};
use roundtable::chart::{ChartOptions, Theme};
use roundtable::config::Config;
use roundtable::discussion::Discussions;
use roundtable::store::{DiscussionId, ServerId, Store, StoreConfig};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use support::{bot, Discord, Guild, Sent, SentKind};

const SEED: &str = "syria-strike-2017";
const MEMBERS: usize = 60;
const CAMPS: usize = 3;
/// Statements every camp agrees with.
const CONSENSUS: [&str; 3] = [
    "Any decision on Syria should be explained to the public",
    "Civilians in Syria need humanitarian aid",
    "Chemical weapons should never be used",
];
/// Each camp's own view, in nine variations; the other camps disagree.
const CAMP_VIEWS: [&str; 3] = [
    "Congress should vote before any further strike",
    "The United States should strike again if chemical weapons are used",
    "The United States should stay out of the war in Syria",
];
const PER_CAMP: usize = 9;

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

/// Statement texts, in the order the moderator adds them, with the camp each belongs to (`None`
/// for common ground).
fn planted() -> Vec<(String, Option<usize>)> {
    let mut out: Vec<(String, Option<usize>)> =
        CONSENSUS.iter().map(|t| (t.to_string(), None)).collect();
    for j in 0..PER_CAMP {
        for (c, view) in CAMP_VIEWS.iter().enumerate() {
            out.push((format!("{view} (point {})", j + 1), Some(c)));
        }
    }
    out
}

fn camp_of(member: usize) -> usize {
    member % CAMPS
}

/// How member `m` answers a planted statement: their camp's view and the common ground agreed,
/// the other camps' views disagreed, and now and then a pass (so no two members answer alike).
fn answer_of(m: usize, planted: Option<usize>, statement: i64) -> &'static str {
    if (m * 31 + statement as usize * 17).is_multiple_of(11) {
        return "pass";
    }
    match planted {
        None => "agree",
        Some(c) if c == camp_of(m) => "agree",
        Some(_) => "disagree",
    }
}

fn store(config: &Config) -> Store {
    Store::open(&config.database, &StoreConfig::default()).unwrap()
}

/// The statement on a card (from its Agree button), or `None` once nothing is left.
fn card_statement(custom_ids: &[String]) -> Option<i64> {
    custom_ids.iter().find_map(|c| {
        let rest = c.strip_prefix("rt:a:")?;
        let mut parts = rest.split(':');
        let (_d, s, a) = (parts.next()?, parts.next()?, parts.next()?);
        (a == "agree").then(|| s.parse().unwrap())
    })
}

/// One member's card: the ephemeral message it lives in and the statement it shows.
struct CardState {
    message: u64,
    statement: Option<i64>,
}

async fn open_card(
    discord: &Discord,
    guild: &Guild,
    m: usize,
    post: u64,
    weigh: &str,
) -> CardState {
    let ix = discord.click(guild.member(m), guild, post, weigh);
    let answer = discord.answer(&ix).await;
    assert_eq!(answer.callback_type(), Some(4), "{}", answer.content());
    assert!(answer.is_ephemeral(), "the card is private");
    assert!(answer.mentions_nobody());
    CardState {
        message: answer.message_id.expect("the card is a message"),
        statement: card_statement(&answer.custom_ids()),
    }
}

/// Member `m` answers the card's statement; the card is updated in place with the next one.
async fn answer_card(
    discord: &Discord,
    guild: &Guild,
    m: usize,
    card: &mut CardState,
    texts: &BTreeMap<i64, Option<usize>>,
    d: u64,
) -> i64 {
    let s = card.statement.expect("a statement on the card");
    let a = answer_of(m, texts[&s], s);
    let ix = discord.click(
        guild.member(m),
        guild,
        card.message,
        &format!("rt:a:{d}:{s}:{a}"),
    );
    let answer = discord.answer(&ix).await;
    assert_eq!(
        answer.callback_type(),
        Some(7),
        "an answer updates the card: {}",
        answer.content()
    );
    assert!(answer.mentions_nobody());
    let updated = discord.message(card.message).expect("the card");
    let ids: Vec<String> = updated["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .collect();
    card.statement = card_statement(&ids);
    s
}

async fn run(discord: &Discord, guild: &Guild, options: Value) -> Sent {
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.discussions,
        "discussion",
        options,
    );
    discord.answer(&ix).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_members_in_three_camps_weigh_in_and_the_result_finds_the_camps_and_their_common_ground(
) {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", MEMBERS);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;

    // The moderator posts the seed discussion and adds 30 statements.
    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        &guild,
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
    let post_id = post.message_id.unwrap();
    let weigh = post.button_id("rt:g:");
    let stances = post.stance_ids();
    let d: u64 = weigh.rsplit(':').next().unwrap().parse().unwrap();

    let mut texts: BTreeMap<i64, Option<usize>> = BTreeMap::new();
    for (text, camp) in planted() {
        let answer = run(
            &discord,
            &guild,
            json!([{"name": "statement", "type": 2, "options": [
                {"name": "add", "type": 1, "options": [{"name": "text", "type": 3, "value": text}]}
            ]}]),
        )
        .await;
        let number: i64 = answer
            .content()
            .strip_prefix("Statement ")
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a statement number: {}", answer.content()));
        texts.insert(number, camp);
    }
    assert_eq!(texts.len(), 30);
    // The same words again are merged, not added.
    let again = run(
        &discord,
        &guild,
        json!([{"name": "statement", "type": 2, "options": [
            {"name": "add", "type": 1, "options": [{"name": "text", "type": 3, "value": "civilians in syria NEED humanitarian aid!"}]}
        ]}]),
    )
    .await;
    assert!(
        again.content().contains("has this statement already"),
        "{}",
        again.content()
    );

    // Stances: each camp its own option; six members first took another and changed it.
    for m in 0..MEMBERS {
        if m < 6 {
            discord
                .answer(&discord.click(guild.member(m), &guild, post_id, &stances[3]))
                .await;
        }
        discord
            .answer(&discord.click(guild.member(m), &guild, post_id, &stances[camp_of(m)]))
            .await;
    }

    // Weighing in: half the statements each, then a restart, then the rest.
    let channel_messages = |discord: &Discord| {
        discord
            .sent()
            .iter()
            .filter(|s| s.kind == SentKind::Message && s.channel_id == Some(guild.discussions))
            .count()
    };
    let posts_before = channel_messages(&discord);
    let mut seen: Vec<Vec<i64>> = vec![Vec::new(); MEMBERS];
    let mut cards = Vec::new();
    for (m, seen) in seen.iter_mut().enumerate() {
        let mut card = open_card(&discord, &guild, m, post_id, &weigh).await;
        for _ in 0..15 {
            seen.push(answer_card(&discord, &guild, m, &mut card, &texts, d).await);
        }
        cards.push(card);
    }
    running.stop().await.unwrap();
    let mut running = bot::start(&config).await;
    running.ready().await;
    for (m, card) in cards.iter_mut().enumerate() {
        if m % 10 == 0 {
            // Some open a new card after the restart: never a statement they answered.
            *card = open_card(&discord, &guild, m, post_id, &weigh).await;
            let s = card.statement.expect("statements left");
            assert!(
                !seen[m].contains(&s),
                "member {m} is shown statement {s} again"
            );
        }
        while card.statement.is_some() {
            seen[m].push(answer_card(&discord, &guild, m, card, &texts, d).await);
        }
    }
    for (m, list) in seen.iter().enumerate() {
        let distinct: BTreeSet<i64> = list.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            list.len(),
            "member {m} saw a statement twice: {list:?}"
        );
        assert_eq!(distinct.len(), 30, "member {m} answered every statement");
    }
    assert_eq!(
        channel_messages(&discord),
        posts_before,
        "weighing in posts nothing in the channel"
    );

    // A moderator sees what members think live, with the map, privately.
    let before = discord.sent().len();
    let tally = run(&discord, &guild, sub("tally", json!([]))).await;
    assert!(tally.is_ephemeral());
    let live = discord
        .await_sent("the tally's follow-up", before, |s| {
            s.kind == SentKind::FollowUp
        })
        .await;
    assert!(
        live.content().starts_with("**What members think"),
        "{}",
        live.content()
    );
    assert!(live.is_ephemeral());
    assert_eq!(live.files().len(), 1, "the map comes with the live tally");

    // The moderator hides one statement (it leaves the result) and lists them.
    let hidden = *texts.keys().last().unwrap();
    let answer = run(&discord, &guild, json!([{"name": "statement", "type": 2, "options": [{"name": "hide", "type": 1, "options": [{"name": "number", "type": 4, "value": hidden}]}]}])).await;
    assert!(
        answer.content().contains("is hidden"),
        "{}",
        answer.content()
    );
    let listed = run(&discord, &guild, json!([{"name": "statement", "type": 2, "options": [{"name": "list", "type": 1, "options": []}]}])).await;
    assert!(listed.is_ephemeral());
    assert!(
        listed.content().starts_with("30 statements, 29 shown"),
        "{}",
        listed.content()
    );
    assert!(
        listed.content().contains("Page 1 of 2"),
        "{}",
        listed.content()
    );
    let page2 = run(&discord, &guild, json!([{"name": "statement", "type": 2, "options": [{"name": "list", "type": 1, "options": [{"name": "page", "type": 4, "value": 2}]}]}])).await;
    let list = page2.embeds()[0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(list.lines().count(), 10, "{list}");
    assert!(
        list.contains(&format!("**{hidden}** ")) && list.contains("· hidden ·"),
        "{list}"
    );
    assert!(
        !list.contains(&guild.member(0).id.to_string()),
        "no author is named"
    );

    // Close: the result's part on what members think, with the map.
    let before = discord.sent().len();
    run(&discord, &guild, sub("close", json!([]))).await;
    let opinion = discord
        .await_sent("what members think", before, |s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(guild.discussions)
                && s.content().starts_with("**What members think")
        })
        .await;
    assert!(opinion.mentions_nobody());
    let embed = &opinion.embeds()[0];
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.contains("60 members answered 29 statements"),
        "{description}"
    );
    assert!(
        description.contains("fall into 3 opinion groups"),
        "{description}"
    );
    let fields = embed["fields"].as_array().unwrap();
    let field = |prefix: &str| -> Vec<&Value> {
        fields
            .iter()
            .filter(|f| f["name"].as_str().unwrap().starts_with(prefix))
            .collect()
    };
    let common = field("Common ground")[0]["value"].as_str().unwrap();
    for text in CONSENSUS {
        assert!(
            common.contains(text),
            "common ground has {text:?}: {common}"
        );
    }
    for view in CAMP_VIEWS {
        assert!(
            !common.contains(view),
            "a camp's view is not common ground: {common}"
        );
    }
    let apart = field("What sets");
    assert_eq!(
        apart.len(),
        3,
        "each group has what sets it apart: {fields:?}"
    );
    let mut camps_found = BTreeSet::new();
    for f in apart {
        let value = f["value"].as_str().unwrap();
        let camps: BTreeSet<usize> = CAMP_VIEWS
            .iter()
            .enumerate()
            .filter(|(_, v)| value.contains(*v))
            .map(|(c, _)| c)
            .collect();
        assert_eq!(
            camps.len(),
            1,
            "one camp's views set a group apart: {value}"
        );
        camps_found.extend(camps);
    }
    assert_eq!(camps_found.len(), 3, "each camp is a group");
    let changes = field("Who changed")[0]["value"].as_str().unwrap();
    assert!(
        changes.starts_with("6 of 60 members with a stance changed it"),
        "{changes}"
    );

    // The tally chart beside it lists the stance changes under its bars.
    let result = discord
        .await_sent("the final result", before, |s| {
            s.kind == SentKind::Message
                && s.channel_id == Some(guild.discussions)
                && s.content().starts_with("**Final result of discussion")
        })
        .await;
    let chart = &result.files()[0];
    assert!(chart.filename.ends_with("-tally.png"), "{}", chart.filename);
    let chart_alt = chart.description.clone().unwrap_or_default();
    assert!(
        chart_alt.contains("Changed their stance: 6 of 60 members;"),
        "the chart shows who changed their stance: {chart_alt}"
    );

    // The map: the drawing of the stored answers, one point per placed member.
    let files = opinion.files();
    assert_eq!(files.len(), 1);
    let png = &files[0];
    assert_eq!(
        png.filename,
        format!("roundtable-discussion-{d}-groups.png")
    );
    running.stop().await.unwrap();
    let c = config.clone();
    let (reference, alt) = tokio::task::spawn_blocking(move || {
        let engine = Discussions::new(
            store(&c),
            Arc::new(roundtable::clock::SystemClock),
            (&c.discussion).into(),
        );
        let server = ServerId::Guild(guild.id);
        let r = engine
            .opinion_result(server, DiscussionId(d as i64))
            .unwrap();
        let discussion = engine.get(server, DiscussionId(d as i64)).unwrap();
        let legend = roundtable::render::weigh::legend_rows(&r, &discussion.options());
        let map = draw_map(
            &discussion.prompt().question,
            &r.analysis,
            &legend,
            &ChartOptions::default(),
        )
        .unwrap();
        (map, map_alt_text(&r.analysis, &legend))
    })
    .await
    .unwrap();
    assert_eq!(reference.points.len(), MEMBERS, "every member is placed");
    assert_eq!(png.description.as_deref(), Some(alt.as_str()));
    assert!(
        alt.starts_with("Map of 60 members placed by their answers, in 3 groups"),
        "{alt}"
    );
    assert_eq!(
        png.data,
        reference.encode_png().unwrap(),
        "the map is the stored answers'"
    );
    let mut reader = png::Decoder::new(std::io::Cursor::new(&png.data[..]))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).expect("a whole frame");
    assert_eq!(
        (info.width, info.height),
        (reference.width, reference.height)
    );
    // Three groups' colours are on the map (points and legend), the other two are not.
    let pixels: Vec<[u8; 3]> = buf[..info.buffer_size()]
        .chunks(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let colours = group_colours(Theme::Light);
    let present: Vec<bool> = colours.iter().map(|c| pixels.contains(c)).collect();
    assert_eq!(present, [true, true, true, false, false]);
    discord.assert_conformant();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_own_statement_is_weighed_by_others_without_their_name_and_they_can_withdraw_it()
{
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 3);
    let config = discord.config(Some(&guild));
    let mut running = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;
    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        &guild,
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
    let (post_id, weigh) = (post.message_id.unwrap(), post.button_id("rt:g:"));
    let d: u64 = weigh.rsplit(':').next().unwrap().parse().unwrap();

    // Nothing to weigh yet: the card says so and offers "Write my own".
    let card = discord
        .answer(&discord.click(guild.member(0), &guild, post_id, &weigh))
        .await;
    assert!(
        card.content().contains("answered every statement"),
        "{}",
        card.content()
    );
    let own = format!("rt:r:{d}");
    let form = discord
        .answer(&discord.click(guild.member(0), &guild, card.message_id.unwrap(), &own))
        .await;
    assert_eq!(form.callback_type(), Some(9), "Write my own opens the form");
    let words = "Talks with Russia should come before any new strike.";
    let receipt = discord
        .answer(&discord.submit_modal(
            guild.member(0),
            &guild,
            guild.discussions,
            &format!("rt:m:{d}"),
            &[("text", words)],
        ))
        .await;
    assert!(receipt.is_ephemeral());
    assert!(
        receipt.content().contains("It is now statement 1"),
        "{}",
        receipt.content()
    );
    let withdraw = receipt.button_id("rt:x:");

    // Another member is shown it, without a name.
    let other = discord
        .answer(&discord.click(guild.member(1), &guild, post_id, &weigh))
        .await;
    assert!(other.content().contains(words), "{}", other.content());
    assert!(!other.content().contains(&guild.member(0).id.to_string()));
    assert_eq!(card_statement(&other.custom_ids()), Some(1));

    // Only its author can withdraw it.
    let refused = discord
        .answer(&discord.click_on_answer(
            guild.member(2),
            &guild,
            guild.discussions,
            &receipt,
            &withdraw,
        ))
        .await;
    assert!(
        refused.content().contains("not one of yours"),
        "{}",
        refused.content()
    );
    let done = discord
        .answer(&discord.click_on_answer(
            guild.member(0),
            &guild,
            guild.discussions,
            &receipt,
            &withdraw,
        ))
        .await;
    assert_eq!(done.callback_type(), Some(7));
    assert!(
        done.content().contains("is withdrawn"),
        "{}",
        done.content()
    );

    // The other member's answer on the card they still have is not recorded.
    let late = discord
        .answer(&discord.click(
            guild.member(1),
            &guild,
            other.message_id.unwrap(),
            &format!("rt:a:{d}:1:agree"),
        ))
        .await;
    assert!(
        late.content().contains("no longer shown"),
        "{}",
        late.content()
    );
    running.stop().await.unwrap();
    let answers = store(&config)
        .answers(ServerId::Guild(guild.id), DiscussionId(d as i64))
        .unwrap();
    assert!(answers.is_empty(), "{answers:?}");
    discord.assert_conformant();
}
