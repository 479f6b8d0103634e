use super::*;
use crate::clock::{Clock, ManualClock};
use crate::discussion::{Discussions, Rules};
use crate::schedule::{QueuePolicy, ScheduleConfig};
use crate::store::{Store, StoreConfig};
use std::path::Path;
use std::sync::Arc;

const SEED: &str = include_str!("../../../prompts/syria-strike-2017.toml");
const GUILD: ServerId = ServerId::Guild(7);

fn catalog(n: usize) -> Catalog {
    let mut c = Catalog::default();
    for i in 0..n {
        let p = Prompt::from_str_at(Path::new(&format!("prompts/week-{i}.toml")), SEED).unwrap();
        c.prompts.insert(p.id.clone(), p);
    }
    c
}

fn weekly(tz: &str) -> ScheduleConfig {
    ScheduleConfig {
        name: "weekly".into(),
        guild: Some(7),
        channel: "100".into(),
        at: Some("Mon 18:00".into()),
        cron: None,
        timezone: tz.into(),
        duration_hours: Some(144),
        queue: QueuePolicy::Sequential,
        prompts: Vec::new(),
        repeat: false,
        grace_hours: 6,
    }
}

/// A bot's scheduler on `db` (a new one is a restart), reviewing by `policy`.
fn scheduler(db: &Path, clock: Arc<ManualClock>, tz: &str, policy: ReviewConfig) -> Scheduler {
    let store = Store::open(db, &StoreConfig::default()).unwrap();
    let rules = Rules {
        duration: SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: true,
    };
    let engine = Discussions::new(store, clock, rules);
    let s = Schedule::from_config(&weekly(tz), None).unwrap();
    Scheduler::new(engine, Scope::Guilds, vec![s], "bot").with_review_rules(Arc::new(policy))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Ticks like the adapter: posts are posted, reviews get message ids 1000, 1001, ….
fn tick(s: &Scheduler, cat: &Catalog, next_message: &mut u64) -> Vec<Event> {
    let events = s.tick(cat).unwrap();
    for e in &events {
        match e {
            Event::Post {
                server,
                schedule,
                slot,
                ..
            } => s.posted(*server, schedule, &slot.key()).unwrap(),
            Event::Review(n) => {
                s.review_posted(n.server, &n.schedule, &n.slot.key(), Some(*next_message))
                    .unwrap();
                *next_message += 1;
            }
            _ => {}
        }
    }
    events
}

fn posted(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Post { discussion, .. } => Some(discussion.prompt().id.clone()),
            _ => None,
        })
        .collect()
}

fn policy(hours: u32, on_no_review: NoReview) -> ReviewConfig {
    ReviewConfig {
        review_hours: hours,
        on_no_review,
    }
}

#[test]
fn the_review_arrives_review_hours_before_each_slot_across_berlins_dst_change_and_once_across_restarts(
) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let cat = catalog(4);
    // Two Mondays in Berlin: 2026-10-19 18:00 CEST (16:00Z), then 2026-10-26 18:00 CET (17:00Z),
    // after the clocks went back on Sunday 2026-10-25. A 48-hour review spans that change.
    let clock = Arc::new(ManualClock::new(ts("2026-10-13T18:00:00Z")));
    let tz = "Europe/Berlin";
    let p = policy(48, NoReview::Post);
    let mut s = scheduler(&db, clock.clone(), tz, p);
    let mut message = 1000;
    let mut reviews = Vec::new();
    let mut wakes = Vec::new();
    for i in 0..(14 * 24 * 4) {
        if i % 97 == 0 {
            s = scheduler(&db, clock.clone(), tz, p); // a restart now and then
        }
        if let Some(w) = s.next_wake().unwrap() {
            wakes.push(w);
        }
        for e in tick(&s, &cat, &mut message) {
            if let Event::Review(n) = e {
                reviews.push((clock.now(), n.slot.at, n.record.prompt.clone()));
            }
        }
        clock.advance(SignedDuration::from_mins(15));
    }
    assert_eq!(
        reviews,
        vec![
            (
                ts("2026-10-17T16:00:00Z"),
                ts("2026-10-19T16:00:00Z"),
                Some("week-0".to_string())
            ),
            (
                ts("2026-10-24T17:00:00Z"),
                ts("2026-10-26T17:00:00Z"),
                Some("week-1".to_string())
            ),
        ],
        "each review 48 hours before its slot, once"
    );
    assert!(
        wakes.contains(&ts("2026-10-24T17:00:00Z")),
        "the timekeeper wakes for it"
    );
}

/// Opens the review of Monday 2026-12-07 18:00 UTC and returns its message id.
fn reviewed(s: &Scheduler, cat: &Catalog, clock: &ManualClock) -> u64 {
    clock.set(ts("2026-12-06T18:00:00Z"));
    let mut message = 1000;
    let events = tick(s, cat, &mut message);
    assert!(
        events.iter().any(|e| matches!(e, Event::Review(_))),
        "{events:?}"
    );
    1000
}

fn at_slot(db: &Path, clock: &Arc<ManualClock>, p: ReviewConfig, cat: &Catalog) -> Vec<Event> {
    clock.set(ts("2026-12-07T18:00:00Z"));
    let restarted = scheduler(db, clock.clone(), "UTC", p);
    let mut message = 2000;
    tick(&restarted, cat, &mut message)
}

fn setup(
    p: ReviewConfig,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Arc<ManualClock>,
    Scheduler,
) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    // The schedule starts after last week's slot.
    let clock = Arc::new(ManualClock::new(ts("2026-12-01T12:00:00Z")));
    let s = scheduler(&db, clock.clone(), "UTC", p);
    (dir, db, clock, s)
}

#[test]
fn an_approved_review_posts_its_prompt_at_the_slot_after_a_restart() {
    let p = policy(24, NoReview::Hold);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(3);
    let m = reviewed(&s, &cat, &clock);
    let n = s
        .decide(GUILD, m, ReviewChoice::Approve, "ada (1)", &cat)
        .unwrap();
    assert_eq!(n.record.decision, ReviewDecision::Approved);
    assert_eq!(n.record.decided_by.as_deref(), Some("ada (1)"));
    assert_eq!(posted(&at_slot(&db, &clock, p, &cat)), vec!["week-0"]);
}

#[test]
fn a_swapped_review_posts_the_prompt_swapped_in_after_a_restart() {
    let p = policy(24, NoReview::Post);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(3);
    let m = reviewed(&s, &cat, &clock);
    let n = s.review_of_message(GUILD, m, &cat).unwrap();
    let choices = s.swap_choices(&n, &cat, 25).unwrap();
    assert_eq!(
        choices.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
        vec!["week-1", "week-2"],
        "the other prompts, not the one shown"
    );
    let n = s
        .decide(
            GUILD,
            m,
            ReviewChoice::Swap("week-2".into()),
            "ada (1)",
            &cat,
        )
        .unwrap();
    assert_eq!(n.record.decision, ReviewDecision::Swapped);
    assert_eq!(n.prompt.map(|p| p.id), Some("week-2".into()));
    let shown = s.upcoming(Some(GUILD), &cat, 2).unwrap();
    assert_eq!(
        shown.iter().map(|u| u.prompt.clone()).collect::<Vec<_>>(),
        vec![Some("week-2".to_string()), Some("week-0".to_string())],
        "/schedule show follows the review"
    );
    assert!(matches!(
        s.decide(GUILD, m, ReviewChoice::Swap("nope".into()), "ada (1)", &cat),
        Err(ScheduleError::UnknownPrompt(_))
    ));
    assert_eq!(posted(&at_slot(&db, &clock, p, &cat)), vec!["week-2"]);
}

#[test]
fn a_skipped_review_posts_nothing_and_next_weeks_slot_still_posts() {
    let p = policy(24, NoReview::Post);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(3);
    let m = reviewed(&s, &cat, &clock);
    s.decide(GUILD, m, ReviewChoice::Skip, "ada (1)", &cat)
        .unwrap();
    assert!(s.upcoming(Some(GUILD), &cat, 1).unwrap()[0].skipped);
    let events = at_slot(&db, &clock, p, &cat);
    assert!(posted(&events).is_empty());
    let reason = events.iter().find_map(|e| match e {
        Event::Skipped { reason, .. } => Some(reason.clone()),
        _ => None,
    });
    assert_eq!(reason.as_deref(), Some("skipped at its review by ada (1)"));
    // A decision after the slot changes nothing.
    assert!(matches!(
        s.decide(GUILD, m, ReviewChoice::Approve, "ada (1)", &cat),
        Err(ScheduleError::ReviewOver(_))
    ));
    // Next week: reviewed (nobody acts), then posted, once.
    let s = scheduler(&db, clock.clone(), "UTC", p);
    let mut message = 3000;
    clock.set(ts("2026-12-13T18:00:00Z"));
    assert_eq!(
        tick(&s, &cat, &mut message)
            .iter()
            .filter(|e| matches!(e, Event::Review(_)))
            .count(),
        1
    );
    clock.set(ts("2026-12-14T18:00:00Z"));
    assert_eq!(posted(&tick(&s, &cat, &mut message)), vec!["week-0"]);
    assert!(posted(&tick(&s, &cat, &mut message)).is_empty(), "once");
}

#[test]
fn hold_posts_nothing_when_nobody_reviewed_and_post_posts_the_prompt_shown() {
    for (on_no_review, want) in [(NoReview::Hold, vec![]), (NoReview::Post, vec!["week-0"])] {
        let p = policy(24, on_no_review);
        let (_dir, db, clock, s) = setup(p);
        let cat = catalog(3);
        reviewed(&s, &cat, &clock);
        let events = at_slot(&db, &clock, p, &cat);
        assert_eq!(posted(&events), want, "{on_no_review:?}");
        if on_no_review == NoReview::Hold {
            assert!(events.iter().any(
                |e| matches!(e, Event::Skipped { reason, .. } if reason == "held: nobody reviewed")
            ));
        }
    }
}

#[test]
fn a_review_is_found_only_in_its_own_server() {
    let p = policy(24, NoReview::Post);
    let (_dir, _db, clock, s) = setup(p);
    let cat = catalog(3);
    let m = reviewed(&s, &cat, &clock);
    assert!(matches!(
        s.decide(ServerId::Guild(8), m, ReviewChoice::Skip, "eve (2)", &cat),
        Err(ScheduleError::UnknownReview)
    ));
    assert!(matches!(
        s.decide(GUILD, m + 1, ReviewChoice::Skip, "eve (2)", &cat),
        Err(ScheduleError::UnknownReview)
    ));
    let n = s.review_of_message(GUILD, m, &cat).unwrap();
    assert_eq!(n.record.decision, ReviewDecision::Pending);
    assert_eq!(n.record.decided_by, None);
}

#[test]
fn an_empty_queue_is_reported_at_review_time_and_not_again_at_the_slot() {
    let p = policy(24, NoReview::Post);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(0);
    clock.set(ts("2026-12-06T18:00:00Z"));
    let mut message = 1000;
    let events = tick(&s, &cat, &mut message);
    let notice = events
        .iter()
        .find_map(|e| match e {
            Event::Review(n) => Some(n.clone()),
            _ => None,
        })
        .unwrap();
    assert!(notice.prompt.is_none() && notice.record.prompt.is_none());
    assert!(matches!(
        s.decide(GUILD, 1000, ReviewChoice::Approve, "ada (1)", &cat),
        Err(ScheduleError::Invalid { .. })
    ));
    let events = at_slot(&db, &clock, p, &cat);
    assert!(posted(&events).is_empty());
    assert!(
        !events.iter().any(|e| matches!(e, Event::Problem { .. })),
        "warned at review time already: {events:?}"
    );
}

#[test]
fn no_review_when_review_hours_is_0() {
    let p = policy(0, NoReview::Hold);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(3);
    clock.set(ts("2026-12-06T18:00:00Z"));
    let mut message = 1000;
    assert!(!tick(&s, &cat, &mut message)
        .iter()
        .any(|e| matches!(e, Event::Review(_))));
    assert_eq!(posted(&at_slot(&db, &clock, p, &cat)), vec!["week-0"]);
}

#[test]
fn a_pending_review_does_not_hold_its_slot_once_reviews_are_turned_off() {
    let p = policy(24, NoReview::Hold);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(3);
    reviewed(&s, &cat, &clock);
    let off = policy(0, NoReview::Hold);
    assert_eq!(posted(&at_slot(&db, &clock, off, &cat)), vec!["week-0"]);
}

#[test]
fn an_empty_queue_is_reported_at_the_slot_when_its_review_could_not_be_posted() {
    let p = policy(24, NoReview::Post);
    let (_dir, db, clock, s) = setup(p);
    let cat = catalog(0);
    clock.set(ts("2026-12-06T18:00:00Z"));
    for e in s.tick(&cat).unwrap() {
        if let Event::Review(n) = e {
            // No log channel: nobody saw the warning.
            s.review_posted(n.server, &n.schedule, &n.slot.key(), None)
                .unwrap();
        }
    }
    let events = at_slot(&db, &clock, p, &cat);
    assert!(events.iter().any(|e| matches!(e, Event::Problem { .. })));
}
