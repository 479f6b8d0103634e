use super::*;
use crate::clock::ManualClock;
use crate::store::StoreConfig;
use crate::store::{ReplySource, Store};
use std::path::Path;

const SEED: &str = include_str!("../../prompts/syria-strike-2017.toml");

fn seed() -> Prompt {
    Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), SEED).unwrap()
}

struct Fixture {
    engine: Discussions,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

fn fixture_with(keep_file_order: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), &StoreConfig::default()).unwrap();
    let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
    let rules = Rules {
        duration: SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order,
    };
    Fixture {
        engine: Discussions::new(store, clock.clone(), rules),
        clock,
        _dir: dir,
    }
}

fn fixture() -> Fixture {
    fixture_with(true)
}

#[test]
fn member_can_change_vote_until_close() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let first = f
        .engine
        .vote(ServerId::Console, d.id(), "ana", "stay-out")
        .unwrap();
    assert!(matches!(first, VoteOutcome::Recorded { ref previous, .. } if previous.is_none()));
    let changed = f
        .engine
        .vote(ServerId::Console, d.id(), "ana", "military-pressure")
        .unwrap();
    match changed {
        VoteOutcome::Recorded {
            option,
            previous,
            changeable_until,
        } => {
            assert_eq!(option.key, "military-pressure");
            assert_eq!(previous.unwrap().key, "stay-out");
            assert_eq!(
                changeable_until.unwrap().to_string(),
                "2026-12-06T18:00:00Z"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        f.engine
            .vote(ServerId::Console, d.id(), "ana", "military-pressure")
            .unwrap(),
        VoteOutcome::Unchanged { .. }
    ));
    let t = f.engine.tally(ServerId::Console, d.id()).unwrap();
    assert_eq!(t.participants, 1);
    assert_eq!(
        t.rows
            .iter()
            .find(|r| r.key == "military-pressure")
            .unwrap()
            .votes,
        1
    );
    assert_eq!(
        t.rows.iter().find(|r| r.key == "stay-out").unwrap().votes,
        0
    );
}

#[test]
fn member_can_withdraw_a_vote() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    assert_eq!(
        f.engine.withdraw(ServerId::Console, d.id(), "ana").unwrap(),
        WithdrawOutcome::NoVote
    );
    f.engine
        .vote(ServerId::Console, d.id(), "ana", "other")
        .unwrap();
    let w = f.engine.withdraw(ServerId::Console, d.id(), "ana").unwrap();
    assert!(matches!(w, WithdrawOutcome::Withdrawn { previous } if previous.key == "other"));
    assert_eq!(
        f.engine
            .tally(ServerId::Console, d.id())
            .unwrap()
            .participants,
        0
    );
}

#[test]
fn options_are_chosen_by_displayed_number_or_key() {
    let f = fixture_with(false);
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let second = d.options()[1].clone();
    match f
        .engine
        .vote(ServerId::Console, d.id(), "ana", "2")
        .unwrap()
    {
        VoteOutcome::Recorded { option, .. } => assert_eq!(option, second),
        other => panic!("{other:?}"),
    }
    let err = f
        .engine
        .vote(ServerId::Console, d.id(), "ana", "9")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`9` is not an option") && err.contains("1 ("),
        "{err}"
    );
    let err = f
        .engine
        .vote(ServerId::Console, d.id(), "ana", "bomb-everything")
        .unwrap_err()
        .to_string();
    assert!(err.contains("bomb-everything"), "{err}");
}

#[test]
fn votes_and_replies_after_a_moderator_close_are_refused_with_the_reason() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    f.engine
        .vote(ServerId::Console, d.id(), "ana", "other")
        .unwrap();
    let (closed, tally) = f
        .engine
        .close(ServerId::Console, d.id(), "mod:rosa")
        .unwrap();
    assert!(tally.closed && !closed.is_open(f.clock.now()));
    let err = f
        .engine
        .vote(ServerId::Console, d.id(), "ben", "other")
        .unwrap_err();
    assert!(matches!(err, DiscussionError::Closed { .. }));
    assert!(err.to_string().contains("closed by mod:rosa"), "{err}");
    let err = f
        .engine
        .reply(
            ServerId::Console,
            d.id(),
            "ben",
            ReplySource::Form,
            Some("late"),
            None,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("no longer takes votes or replies"),
        "{err}"
    );
    assert!(f.engine.withdraw(ServerId::Console, d.id(), "ana").is_err());
    assert!(matches!(
        f.engine
            .close(ServerId::Console, d.id(), "mod:rosa")
            .unwrap_err(),
        DiscussionError::Closed { .. }
    ));
    assert_eq!(
        f.engine
            .tally(ServerId::Console, d.id())
            .unwrap()
            .participants,
        1,
        "nothing changed after close"
    );
}

#[test]
fn discussion_closes_when_its_time_is_up() {
    let f = fixture();
    let d = f
        .engine
        .open(
            ServerId::Console,
            &seed(),
            "general",
            Some(SignedDuration::from_hours(2)),
        )
        .unwrap();
    f.engine
        .vote(ServerId::Console, d.id(), "ana", "other")
        .unwrap();
    f.clock.advance(SignedDuration::from_mins(119));
    f.engine
        .vote(ServerId::Console, d.id(), "ben", "other")
        .unwrap();
    assert!(f.engine.close_due().unwrap().is_empty());
    f.clock.advance(SignedDuration::from_mins(1));
    let err = f
        .engine
        .vote(ServerId::Console, d.id(), "cleo", "other")
        .unwrap_err();
    assert!(err.to_string().contains("its time was up"), "{err}");
    let closed = f.engine.close_due().unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].1.participants, 2);
    assert!(closed[0].1.closed);
    assert_eq!(
        closed[0].0.record.closed_at, d.record.closes_at,
        "closed at its close time"
    );
    assert!(f.engine.close_due().unwrap().is_empty(), "closed once");
}

#[test]
fn reply_longer_than_the_limit_is_refused_naming_it() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let long = "word ".repeat(301);
    let err = f
        .engine
        .reply(
            ServerId::Console,
            d.id(),
            "ana",
            ReplySource::Form,
            Some(&long),
            None,
        )
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a reply can be at most 1500 characters; this one has 1504"
    );
    assert!(matches!(
        f.engine
            .reply(
                ServerId::Console,
                d.id(),
                "ana",
                ReplySource::Form,
                Some("   "),
                None
            )
            .unwrap_err(),
        DiscussionError::EmptyReply
    ));
    assert_eq!(
        f.engine.tally(ServerId::Console, d.id()).unwrap().replies,
        0
    );
}

#[test]
fn tally_counts_votes_participants_replies_and_replies_by_voters() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    for (m, o) in [
        ("a", "stay-out"),
        ("b", "stay-out"),
        ("c", "other"),
        ("d", "un-diplomacy"),
    ] {
        f.engine.vote(ServerId::Console, d.id(), m, o).unwrap();
    }
    f.engine
        .reply(
            ServerId::Console,
            d.id(),
            "a",
            ReplySource::Thread,
            Some("first"),
            Some("m1"),
        )
        .unwrap();
    f.engine
        .reply(
            ServerId::Console,
            d.id(),
            "a",
            ReplySource::Form,
            Some("second"),
            None,
        )
        .unwrap();
    f.engine
        .reply(
            ServerId::Console,
            d.id(),
            "c",
            ReplySource::Thread,
            None,
            Some("m2"),
        )
        .unwrap();
    f.engine
        .reply(
            ServerId::Console,
            d.id(),
            "zed",
            ReplySource::Form,
            Some("no vote"),
            None,
        )
        .unwrap();
    let t = f.engine.tally(ServerId::Console, d.id()).unwrap();
    assert_eq!(t.participants, 4);
    assert_eq!((t.replies, t.repliers, t.replies_without_text), (4, 3, 1));
    let row = |k: &str| t.rows.iter().find(|r| r.key == k).unwrap().clone();
    assert_eq!(
        (
            row("stay-out").votes,
            row("stay-out").share,
            row("stay-out").replies_by_voters
        ),
        (2, 50, 2)
    );
    assert_eq!(
        (
            row("other").votes,
            row("other").share,
            row("other").replies_by_voters
        ),
        (1, 25, 1)
    );
    assert_eq!(row("military-pressure").votes, 0);
    assert_eq!(t.rows.iter().map(|r| r.share).sum::<u32>(), 100);
    assert_eq!(t.leaders().len(), 1);
    let replies = f.engine.store().replies(d.id()).unwrap();
    assert_eq!(replies.len(), 4);
    assert_eq!(replies[1].source, ReplySource::Form);
    assert_eq!(replies[0].text.as_deref(), Some("first"));
}

#[test]
fn ties_show_as_ties() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    for (m, o) in [("a", "stay-out"), ("b", "other"), ("c", "un-diplomacy")] {
        f.engine.vote(ServerId::Console, d.id(), m, o).unwrap();
    }
    let t = f.engine.tally(ServerId::Console, d.id()).unwrap();
    assert_eq!(t.leaders().len(), 3);
    let shares: Vec<u32> = t
        .rows
        .iter()
        .filter(|r| r.votes > 0)
        .map(|r| r.share)
        .collect();
    assert_eq!(shares, vec![33, 33, 33]);
}

#[test]
fn option_order_is_shuffled_once_and_kept() {
    let f = fixture_with(false);
    let mut firsts = std::collections::HashSet::new();
    for _ in 0..40 {
        let d = f
            .engine
            .open(ServerId::Console, &seed(), "general", None)
            .unwrap();
        let again = f.engine.get(ServerId::Console, d.id()).unwrap();
        assert_eq!(
            d.options(),
            again.options(),
            "the stored order is the shown order"
        );
        let mut keys: Vec<String> = d.options().into_iter().map(|o| o.key).collect();
        firsts.insert(keys[0].clone());
        keys.sort();
        let mut file: Vec<String> = seed().options.into_iter().map(|o| o.key).collect();
        file.sort();
        assert_eq!(keys, file, "a permutation of the file's options");
    }
    assert!(firsts.len() > 1, "no stance always sits first: {firsts:?}");
}

#[test]
fn config_switch_keeps_the_files_order() {
    let f = fixture_with(true);
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    assert_eq!(d.options(), seed().options);
}

#[test]
fn a_discussion_keeps_its_prompt_as_opened() {
    let f = fixture();
    let mut p = seed();
    let d = f
        .engine
        .open(ServerId::Console, &p, "general", None)
        .unwrap();
    p.options[0].label = "changed later".into();
    assert_eq!(
        f.engine.get(ServerId::Console, d.id()).unwrap().prompt(),
        &seed()
    );
}

#[test]
fn unknown_discussion_is_reported() {
    let f = fixture();
    let err = f
        .engine
        .vote(ServerId::Console, DiscussionId(42), "ana", "1")
        .unwrap_err();
    assert_eq!(err.to_string(), "there is no discussion #42 here");
}

#[test]
fn counters_agree_with_a_recount_after_many_changes() {
    use rand::{Rng, SeedableRng};
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let keys: Vec<String> = seed().options.into_iter().map(|o| o.key).collect();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut truth = std::collections::HashMap::new();
    for _ in 0..2000 {
        let m = format!("m{}", rng.random_range(0..60));
        if rng.random_bool(0.15) {
            f.engine.withdraw(ServerId::Console, d.id(), &m).unwrap();
            truth.remove(&m);
        } else {
            let k = keys[rng.random_range(0..keys.len())].clone();
            f.engine.vote(ServerId::Console, d.id(), &m, &k).unwrap();
            truth.insert(m, k);
        }
    }
    let t = f.engine.tally(ServerId::Console, d.id()).unwrap();
    assert_eq!(t.participants as usize, truth.len());
    let mut recount = f.engine.store().recount(d.id()).unwrap();
    recount.sort();
    let mut from_tally: Vec<(String, u64)> = t
        .rows
        .iter()
        .filter(|r| r.votes > 0)
        .map(|r| (r.key.clone(), r.votes))
        .collect();
    from_tally.sort();
    assert_eq!(from_tally, recount);
    for k in &keys {
        let expected = truth.values().filter(|v| *v == k).count() as u64;
        assert_eq!(
            t.rows.iter().find(|r| &r.key == k).unwrap().votes,
            expected,
            "{k}"
        );
    }
}

#[test]
fn other_stays_last_when_the_options_are_shuffled() {
    let f = fixture_with(false);
    let mut firsts = std::collections::HashSet::new();
    for _ in 0..40 {
        let d = f
            .engine
            .open(ServerId::Console, &seed(), "general", None)
            .unwrap();
        let keys: Vec<String> = d.options().into_iter().map(|o| o.key).collect();
        assert_eq!(keys.last().map(String::as_str), Some("other"), "{keys:?}");
        firsts.insert(keys[0].clone());
    }
    assert!(
        firsts.len() > 1,
        "the other options still shuffle: {firsts:?}"
    );
}

#[test]
fn other_is_known_by_its_key_or_its_label() {
    use crate::prompt::AnswerOption;
    let o = |key: &str, label: &str| AnswerOption {
        key: key.into(),
        label: label.into(),
    };
    assert!(super::is_other(&o("other", "Something else")));
    assert!(super::is_other(&o("x", "Other (explain in the thread)")));
    assert!(super::is_other(&o("x", "other")));
    assert!(!super::is_other(&o("x", "Otherwise, stay out")));
    assert!(!super::is_other(&o(
        "x",
        "Keep up pressure on other states"
    )));
}

fn engine_at(path: &Path, clock: Arc<ManualClock>) -> Discussions {
    let store = Store::open(path, &StoreConfig::default()).unwrap();
    let rules = Rules {
        duration: SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: true,
    };
    Discussions::new(store, clock, rules)
}

/// Camp `c`'s answer to statement `s` (0-based) of 30: 0..3 common ground, then 4 per camp that
/// it agrees with and the others reject, the rest split by member.
fn camp_answer(camp: usize, member: usize, s: usize) -> crate::opinion::Answer {
    use crate::opinion::Answer;
    if s < 3 {
        Answer::Agree
    } else if s < 15 {
        if (s - 3) / 4 == camp {
            Answer::Agree
        } else {
            Answer::Disagree
        }
    } else {
        [Answer::Agree, Answer::Disagree, Answer::Pass][(member + s) % 3]
    }
}

#[test]
fn sixty_members_in_three_camps_weigh_in_card_by_card_and_form_three_groups_across_a_restart() {
    use crate::store::StatementOrigin;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
    let mut engine = engine_at(&path, clock.clone());
    let d = engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let mut ids = Vec::new();
    for s in 0..30 {
        let out = engine
            .add_statement(
                ServerId::Console,
                d.id(),
                "mod",
                StatementOrigin::Moderator,
                &format!("Statement number {s}"),
            )
            .unwrap();
        let StatementOutcome::Added { id } = out else {
            panic!("{out:?}")
        };
        ids.push(id);
    }
    let text_of = |id: i64| ids.iter().position(|&i| i == id).unwrap();
    let mut shown: std::collections::HashMap<String, Vec<i64>> = Default::default();
    for round in 0..2 {
        if round == 1 {
            // A restart mid-weighing: a new engine over the same database.
            drop(engine);
            engine = engine_at(&path, clock.clone());
        }
        for camp in 0..3 {
            for m in 0..20 {
                let member = format!("m{camp}-{m}");
                for _ in 0..15 {
                    let d = engine.get(ServerId::Console, d.id()).unwrap();
                    let Card::Statement { id, .. } = engine.next_card(&d, &member).unwrap() else {
                        panic!("cards run out early")
                    };
                    let seen = shown.entry(member.clone()).or_default();
                    assert!(!seen.contains(&id), "{member} saw #{id} twice");
                    seen.push(id);
                    let answer = camp_answer(camp, m, text_of(id));
                    engine.answer(&d, &member, id, answer).unwrap();
                }
            }
        }
    }
    let d = engine.get(ServerId::Console, d.id()).unwrap();
    assert_eq!(engine.next_card(&d, "m0-0").unwrap(), Card::Done);
    let a = engine.groups(ServerId::Console, d.id()).unwrap();
    assert_eq!(a.groups.len(), 3, "{:?}", a.groups);
    let mut common: Vec<usize> = a.common_ground.iter().map(|&id| text_of(id)).collect();
    common.sort();
    assert_eq!(common, vec![0, 1, 2]);
    for (g, divides) in a.divides.iter().enumerate() {
        let camp: usize = a
            .members
            .iter()
            .find(|p| p.group == g)
            .map(|p| p.member[1..2].parse().unwrap())
            .unwrap();
        assert!(
            divides
                .iter()
                .any(|dv| (3 + camp * 4..3 + camp * 4 + 4).contains(&text_of(dv.statement))),
            "group {g} (camp {camp}): {divides:?}"
        );
    }
}

#[test]
fn answers_are_one_per_member_and_statement_and_changeable() {
    use crate::opinion::Answer;
    use crate::store::StatementOrigin;
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let StatementOutcome::Added { id } = f
        .engine
        .add_statement(
            ServerId::Console,
            d.id(),
            "mod",
            StatementOrigin::Moderator,
            "Talks first.",
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(f.engine.answer(&d, "ana", id, Answer::Agree).unwrap(), None);
    assert_eq!(
        f.engine.answer(&d, "ana", id, Answer::Disagree).unwrap(),
        Some(Answer::Agree)
    );
    let a = f.engine.groups(ServerId::Console, d.id()).unwrap();
    let c = a.counts(id).unwrap().total;
    assert_eq!((c.agree, c.disagree), (0, 1));
    assert!(matches!(
        f.engine.answer(&d, "ana", id + 99, Answer::Agree),
        Err(DiscussionError::NoStatement(_))
    ));
    f.clock.advance(SignedDuration::from_hours(200));
    assert!(matches!(
        f.engine.answer(&d, "ana", id, Answer::Agree),
        Err(DiscussionError::Closed { .. })
    ));
}

#[test]
fn replies_become_statements_merged_when_equal_and_limited_per_member() {
    use crate::store::{StatementOrigin, StatementState};
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    f.engine
        .reply(
            ServerId::Console,
            d.id(),
            "ana",
            ReplySource::Form,
            Some("Talks first!"),
            None,
        )
        .unwrap();
    f.engine
        .reply(
            ServerId::Console,
            d.id(),
            "bo",
            ReplySource::Form,
            Some("talks   FIRST"),
            None,
        )
        .unwrap();
    let all = f.engine.statements(ServerId::Console, d.id()).unwrap();
    assert_eq!(all.len(), 1, "the same statement twice is merged: {all:?}");
    assert_eq!(all[0].text, "Talks first!");
    for i in 1..=DEFAULT_STATEMENTS_PER_MEMBER {
        let r = f.engine.add_statement(
            ServerId::Console,
            d.id(),
            "ana",
            StatementOrigin::Reply,
            &format!("Point {i}"),
        );
        if i < DEFAULT_STATEMENTS_PER_MEMBER {
            r.unwrap();
        } else {
            assert!(
                matches!(r, Err(DiscussionError::TooManyStatements { .. })),
                "{r:?}"
            );
        }
    }
    // Moderators' statements are not limited; a member withdraws only their own; hidden ones
    // are not shown.
    let first = all[0].id;
    assert!(matches!(
        f.engine
            .withdraw_statement(ServerId::Console, d.id(), first, "bo"),
        Err(DiscussionError::NoStatement(_))
    ));
    f.engine
        .withdraw_statement(ServerId::Console, d.id(), first, "ana")
        .unwrap();
    let d2 = f.engine.get(ServerId::Console, d.id()).unwrap();
    let mut left = 0;
    while let Card::Statement { id, .. } = f.engine.next_card(&d2, "cy").unwrap() {
        assert_ne!(id, first);
        f.engine
            .hide_statement(ServerId::Console, d.id(), id)
            .unwrap();
        left += 1;
    }
    assert_eq!(left, DEFAULT_STATEMENTS_PER_MEMBER - 1);
    let states: Vec<StatementState> = f
        .engine
        .statements(ServerId::Console, d.id())
        .unwrap()
        .into_iter()
        .map(|s| s.state)
        .collect();
    assert_eq!(states[0], StatementState::Withdrawn);
    assert!(states[1..].iter().all(|s| *s == StatementState::Hidden));
    assert!(matches!(
        f.engine.add_statement(
            ServerId::Console,
            d.id(),
            "x",
            StatementOrigin::Reply,
            " ?! "
        ),
        Err(DiscussionError::EmptyStatement)
    ));
}

#[test]
fn a_statement_from_another_server_is_not_found() {
    use crate::store::StatementOrigin;
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let r = f.engine.add_statement(
        ServerId::Guild(7),
        d.id(),
        "mod",
        StatementOrigin::Moderator,
        "From elsewhere",
    );
    assert!(matches!(r, Err(DiscussionError::NotFound(_))), "{r:?}");
    assert!(f
        .engine
        .statements(ServerId::Guild(7), d.id())
        .unwrap()
        .is_empty());
}

#[test]
fn stance_changes_count_members_from_their_first_stance_to_their_last() {
    let f = fixture();
    let d = f
        .engine
        .open(ServerId::Console, &seed(), "general", None)
        .unwrap();
    let id = d.id();
    let v = |m: &str, o: &str| {
        f.engine.vote(ServerId::Console, id, m, o).unwrap();
    };
    v("ana", "stay-out");
    v("ana", "other");
    v("ana", "un-diplomacy"); // ana: stay-out → un-diplomacy
    v("bo", "stay-out");
    v("bo", "other");
    v("bo", "stay-out"); // bo: back where they began
    v("cy", "stay-out");
    v("cy", "un-diplomacy"); // cy: stay-out → un-diplomacy
    v("di", "other");
    f.engine.withdraw(ServerId::Console, id, "di").unwrap();
    let c = f.engine.stance_changes(ServerId::Console, id).unwrap();
    assert_eq!((c.changed, c.members), (2, 4));
    assert_eq!(
        c.shifts,
        vec![StanceShift {
            from: "stay-out".into(),
            to: "un-diplomacy".into(),
            members: 2
        }]
    );
}
