use super::*;
use crate::discussion::{Tally, TallyRow};
use crate::prompt::{validate, Actor, Source};
use proptest::prelude::*;
use std::path::Path;

const SEED: &str = include_str!("../../prompts/syria-strike-2017.toml");

fn seed() -> Prompt {
    Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), SEED).unwrap()
}

fn view(p: &Prompt) -> DiscussionView<'_> {
    DiscussionView {
        id: DiscussionId(12),
        prompt: p,
        options: &p.options,
        closes_at: Some("2026-12-06T18:00:00Z".parse().unwrap()),
        closed: false,
        results: Results::None,
    }
}

fn assert_within_limits(r: &Rendered) {
    for (i, p) in r.all().enumerate() {
        let v = p.limit_violations();
        assert!(v.is_empty(), "post {i}: {v:?}");
    }
}

/// Every word of `text` appears, in order, across the rendered posts.
fn all_text(r: &Rendered) -> String {
    r.all()
        .map(text::post_to_text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of the embed titled `title` (in the post or the thread) followed by every continuation
/// post headed `name`, with the headers taken off.
fn reassemble(r: &Rendered, title: &str, name: &str) -> String {
    let mut out = String::new();
    for e in r.all().flat_map(|p| p.embeds.iter()) {
        if e.title.as_deref().is_some_and(|t| {
            t.trim_end_matches(cut::ELLIPSIS) == title
                || title.starts_with(t.trim_end_matches(cut::ELLIPSIS))
        }) {
            out.push_str(e.description.as_deref().unwrap_or(""));
            break;
        }
    }
    let header = format!("**{name}** (continued)\n");
    for p in &r.continued {
        if let Some(rest) = p.content.strip_prefix(&header) {
            out.push(' ');
            out.push_str(rest);
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.lines()
        .filter(|l| !l.ends_with("(continued)"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace(cut::ELLIPSIS, "")
        .replace("> ", "")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[test]
fn seed_post_shows_every_actor_alike_and_quotes_verbatim_in_the_thread() {
    let p = seed();
    let r = discussion_post(&view(&p));
    assert_within_limits(&r);
    let text = text::post_to_text(&r.post);
    // Every actor's digest is in the post itself, whole; none is moved ahead of another.
    for a in &p.actors {
        assert!(
            text.contains(&a.digest),
            "{}'s digest not whole in the post",
            a.name
        );
    }
    // The seed's quotes do not all fit one message: all of them continue in the thread, verbatim.
    assert!(
        r.post
            .content
            .contains("Continued in the thread: each actor's own words."),
        "{}",
        r.post.content
    );
    let thread: String = r.continued.iter().map(text::post_to_text).collect();
    for a in &p.actors {
        for q in &a.quotes {
            assert!(
                thread.contains(&format!("“{q}”")),
                "quote missing verbatim: {q}"
            );
        }
    }
    assert_eq!(r.continued.len(), 1, "the quotes fit one thread post");
    assert_eq!(
        r.post.embeds.last().unwrap().title.as_deref(),
        Some(p.question.as_str())
    );
    assert!(text.contains(&p.summary));
    assert!(text.contains("Source: Right Wing News · by Cassy Fiano"));
}

#[test]
fn stance_buttons_follow_the_discussion_order_then_write_a_reply_and_weigh_in() {
    let p = seed();
    let mut order = p.options.clone();
    order.reverse();
    let v = DiscussionView {
        options: &order,
        ..view(&p)
    };
    let r = discussion_post(&v);
    let buttons: Vec<&Button> = r.post.rows.iter().flatten().collect();
    let labels: Vec<&str> = buttons.iter().map(|b| b.label.as_str()).collect();
    let mut expected: Vec<&str> = order.iter().map(|o| o.label.as_str()).collect();
    expected.extend(["Write a reply", "Weigh in"]);
    assert_eq!(labels, expected);
    assert_eq!(
        r.post.rows.len(),
        3,
        "6 stances in rows of 5, then the reply and weigh-in buttons"
    );
    assert_eq!(
        ids::Action::parse(&buttons[0].custom_id),
        Some(ids::Action::Vote {
            discussion: DiscussionId(12),
            option: order[0].key.clone()
        })
    );
    assert!(buttons.iter().all(|b| !b.disabled));
    assert!(
        buttons[..6]
            .iter()
            .all(|b| b.style == ButtonStyle::Secondary),
        "no stance is highlighted"
    );
}

#[test]
fn a_preview_names_the_next_discussion_rather_than_a_number() {
    let p = seed();
    let preview = discussion_post(&DiscussionView {
        id: DiscussionId::PREVIEW,
        ..view(&p)
    });
    assert!(preview.post.content.starts_with("**The next discussion**"));
    assert!(!all_text(&preview).contains("#0"));
    let posted = discussion_post(&view(&p));
    assert!(posted.post.content.starts_with("**Discussion #12**"));
}

#[test]
fn closed_post_disables_every_button() {
    let p = seed();
    let r = discussion_post(&DiscussionView {
        closed: true,
        ..view(&p)
    });
    assert!(r.post.rows.iter().flatten().all(|b| b.disabled));
    assert!(text::post_to_text(&r.post).contains("This discussion is closed."));
}

fn tally_for(p: &Prompt, votes: &[u64]) -> Tally {
    let shares = crate::discussion::shares(votes);
    Tally {
        rows: p
            .options
            .iter()
            .zip(votes)
            .zip(shares)
            .map(|((o, &v), s)| TallyRow {
                key: o.key.clone(),
                label: o.label.clone(),
                votes: v,
                share: s,
                replies_by_voters: 0,
            })
            .collect(),
        participants: votes.iter().sum(),
        replies: 3,
        repliers: 2,
        replies_without_text: 0,
        closed: false,
    }
}

#[test]
fn live_results_show_bars_and_hidden_results_only_participation() {
    let p = seed();
    let t = tally_for(&p, &[5, 3, 2, 0, 0, 0]);
    let live = text::post_to_text(
        &discussion_post(&DiscussionView {
            results: Results::Live(&t),
            ..view(&p)
        })
        .post,
    );
    assert!(
        live.contains("50% · 5 votes") && live.contains(&bar(50)),
        "{live}"
    );
    assert!(live.contains("10 members answered · 3 replies from 2 members"));
    let hidden = text::post_to_text(
        &discussion_post(&DiscussionView {
            results: Results::Hidden(&t),
            ..view(&p)
        })
        .post,
    );
    assert!(!hidden.contains("50%") && !hidden.contains('█'), "{hidden}");
    assert!(hidden.contains("10 members answered"));
}

#[test]
fn tally_bars_read_in_a_terminal() {
    let p = seed();
    let mut t = tally_for(&p, &[2, 1, 1, 0, 0, 0]);
    t.closed = true;
    let s = text::tally_to_text(&t);
    let first = s.lines().next().unwrap();
    assert!(
        first.starts_with(" 1. Keep up military pressure"),
        "{first}"
    );
    assert!(
        first.contains(&format!("{}  50%  2 votes", bar(50))),
        "{first}"
    );
    assert!(
        s.contains("Most chosen stance: “Keep up military pressure"),
        "{s}"
    );
    assert_eq!(bar(0), "░".repeat(BAR_WIDTH));
    assert_eq!(bar(100), "█".repeat(BAR_WIDTH));
    let tie = tally_for(&p, &[1, 1, 0, 0, 0, 0]);
    assert!(
        leading(&tie).starts_with("A tie at 1 vote each between “"),
        "{}",
        leading(&tie)
    );
    let three = tally_for(&p, &[2, 2, 2, 0, 0, 0]);
    let l = leading(&three);
    assert!(l.starts_with("A tie at 2 votes each between “"), "{l}");
    assert_eq!(l.matches("”, “").count(), 1, "{l}");
    assert_eq!(l.matches("” and “").count(), 1, "{l}");
}

#[test]
fn lists_read_as_sentences() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(and_list(&s(&[])), "");
    assert_eq!(and_list(&s(&["A"])), "A");
    assert_eq!(and_list(&s(&["A", "B"])), "A and B");
    assert_eq!(and_list(&s(&["A", "B", "C"])), "A, B and C");
    assert_eq!(
        tie_sentence(1, &s(&["A", "B", "C"]), false),
        "a tie at 1 vote each between A, B and C"
    );
}

#[test]
fn tally_post_fits_and_names_the_result() {
    let p = seed();
    let mut t = tally_for(&p, &[4, 4, 4, 1, 0, 9]);
    t.closed = true;
    let post = tally_post(DiscussionId(3), &p.question, &p.options, &t);
    assert!(post.limit_violations().is_empty());
    assert!(post.content.contains("Final result of discussion #3"));
}

fn big_prompt(actors: usize, digest_words: usize, quotes: usize) -> Prompt {
    let mut p = seed();
    p.actors = (0..actors)
        .map(|i| Actor {
            name: format!("Actor {i}"),
            role: "Role".into(),
            digest: format!("Actor{i} said {}", "words ".repeat(digest_words)),
            quotes: (0..quotes)
                .map(|j| format!("quote {i}-{j} {}", "spoken ".repeat(40)))
                .collect(),
        })
        .collect();
    p
}

#[test]
fn a_post_that_fits_keeps_quotes_inline() {
    let p = big_prompt(2, 20, 1);
    let r = discussion_post(&view(&p));
    assert!(r.continued.is_empty());
    assert!(text::post_to_text(&r.post).contains("“quote 1-0"));
}

#[test]
fn a_digest_longer_than_an_embed_continues_in_the_thread() {
    let p = big_prompt(1, 1200, 0); // ~7,200 characters
    let r = discussion_post(&view(&p));
    assert_within_limits(&r);
    assert!(!r.continued.is_empty());
    assert!(r.post.content.contains("Continued in the thread"));
    assert!(r.continued[0]
        .content
        .starts_with("**Actor 0** (continued)"));
    assert_eq!(squash(&all_text(&r)).matches("words").count(), 1200);
}

#[test]
fn actors_beyond_the_message_move_to_the_thread_whole() {
    let p = big_prompt(12, 60, 2);
    let r = discussion_post(&view(&p));
    assert_within_limits(&r);
    assert!(r.post.embeds.len() <= limits::EMBEDS_PER_MESSAGE);
    let everything = all_text(&r);
    for i in 0..12 {
        assert!(
            everything.contains(&format!("Actor {i} — Role")),
            "actor {i} lost"
        );
        assert!(
            everything.contains(&format!("quote {i}-1")),
            "actor {i}'s quote lost"
        );
    }
    assert!(
        r.post.content.contains("Actor 11's position"),
        "{}",
        r.post.content
    );
}

#[test]
fn a_summary_too_long_for_the_post_continues_in_the_thread() {
    let mut p = seed();
    p.summary = "Summary sentence here. ".repeat(400);
    let r = discussion_post(&view(&p));
    assert_within_limits(&r);
    assert!(r
        .continued
        .iter()
        .any(|c| c.content.starts_with("**Summary** (continued)")));
    assert_eq!(
        squash(&all_text(&r)).matches("Summarysentencehere").count(),
        400
    );
}

#[test]
fn receipts_say_what_counted_and_until_when() {
    let p = seed();
    let o = p.options[0].clone();
    let until = Some("2026-12-06T18:00:00Z".parse().unwrap());
    let r = vote_receipt(&VoteOutcome::Recorded {
        option: o.clone(),
        previous: None,
        changeable_until: until,
    });
    assert_eq!(
        r,
        format!(
            "Your stance is recorded: “{}”. You can change it until <t:1796580000:F> (<t:1796580000:R>).",
            o.label
        )
    );
    assert!(
        text::plain_times(&r).ends_with("You can change it until 2026-12-06 18:00 UTC."),
        "{r}"
    );
    let r = vote_receipt(&VoteOutcome::Recorded {
        option: o.clone(),
        previous: Some(p.options[1].clone()),
        changeable_until: None,
    });
    assert!(r.starts_with("Your stance is changed from"));
}

fn arb_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("word".to_string()),
            Just("“quote”".into()),
            Just("é".into()),
            Just("🇺🇸".into()),
            "[a-z]{1,30}"
        ],
        1..max,
    )
    .prop_map(|w| w.join(" "))
}

prop_compose! {
    fn arb_prompt()(
        title in arb_text(8),
        summary in arb_text(800),
        actors in prop::collection::vec((arb_text(3), arb_text(4), arb_text(300), prop::collection::vec(arb_text(150), 0..6)), 1..13),
        question in arb_text(8),
        labels in prop::collection::vec(arb_text(3), 3..9),
    ) -> Prompt {
        Prompt {
            id: "p".into(),
            title,
            source: Source { outlet: "Outlet".into(), author: Some("Author".into()), date: None, link: Some("https://example.org/a".into()) },
            summary,
            actors: actors.into_iter().enumerate().map(|(i, (name, role, digest, quotes))| Actor { name: format!("Actor{i} {name}"), role, digest, quotes }).collect(),
            question,
            options: labels.into_iter().enumerate().map(|(i, label)| AnswerOption { key: format!("o{i}"), label }).collect(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn any_prompt_that_loads_renders_within_the_limits(p in arb_prompt()) {
        prop_assume!(validate(&p).is_empty());
        let t = tally_for(&p, &vec![3; p.options.len()]);
        for results in [Results::None, Results::Live(&t)] {
            let r = discussion_post(&DiscussionView { results, ..view(&p) });
            for post in r.all() {
                let v = post.limit_violations();
                prop_assert!(v.is_empty(), "{:?}", v);
            }
            // Nothing is silently lost: each actor's text, read on from the post into the thread, is whole.
            for a in &p.actors {
                let heading = actor_heading(&a.name, &a.role);
                prop_assert!(squash(&reassemble(&r, &heading, &a.name)).contains(&squash(&a.digest)), "digest of {} lost", a.name);
            }
            prop_assert!(squash(&reassemble(&r, &p.title, "Summary")).contains(&squash(&p.summary)), "summary lost");
        }
        prop_assert!(tally_post(DiscussionId(1), &p.question, &p.options, &t).limit_violations().is_empty());
    }
}

#[test]
fn discord_timestamps_read_as_utc_text_in_a_terminal() {
    let t: jiff::Timestamp = "2026-12-06T18:00:00Z".parse().unwrap();
    assert_eq!(fmt_time(t), "<t:1796580000:F> (<t:1796580000:R>)");
    assert_eq!(
        text::plain_times(&format!("open until {}.", fmt_time(t))),
        "open until 2026-12-06 18:00 UTC."
    );
    assert_eq!(
        text::plain_times("<t:1796580000:R> and <t:1796580000>"),
        "2026-12-06 18:00 UTC and 2026-12-06 18:00 UTC"
    );
    // Not timestamps: left as they are.
    for s in ["<t:abc:F>", "<t:", "<t:12:FF>", "a < t: b"] {
        assert_eq!(text::plain_times(s), s);
    }
}

#[test]
fn people_recorded_with_their_id_are_shown_as_mentions() {
    assert_eq!(person("rosa (123456789012345678)"), "<@123456789012345678>");
    assert_eq!(person("mod:rosa"), "mod:rosa");
    assert_eq!(person("rosa (not an id)"), "rosa (not an id)");
    assert_eq!(person("()"), "()");
}
