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
