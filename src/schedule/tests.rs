use super::*;
use crate::clock::ManualClock;
use crate::discussion::Rules;
use crate::prompt::Prompt;
use crate::schedule::ScheduleConfig;
use crate::store::Store;
use crate::store::StoreConfig;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SEED: &str = include_str!("../../prompts/syria-strike-2017.toml");

fn catalog(n: usize) -> Catalog {
    let mut c = Catalog::default();
    for i in 0..n {
        let p = Prompt::from_str_at(Path::new(&format!("prompts/week-{i}.toml")), SEED).unwrap();
        c.prompts.insert(p.id.clone(), p);
    }
    c
}

fn config(at: &str, tz: &str) -> ScheduleConfig {
    ScheduleConfig {
        name: "weekly".into(),
        guild: None,
        channel: "console".into(),
        at: Some(at.into()),
        cron: None,
        timezone: tz.into(),
        duration_hours: Some(144),
        queue: QueuePolicy::Sequential,
        prompts: Vec::new(),
        repeat: false,
        grace_hours: 6,
    }
}

struct Bot {
    scheduler: Scheduler,
    engine: Discussions,
}

fn bot(db: &Path, clock: Arc<ManualClock>, c: &ScheduleConfig, owner: &str) -> Bot {
    let store = Store::open(db, &StoreConfig::default()).unwrap();
    let rules = Rules {
        duration: SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: true,
    };
    let engine = Discussions::new(store, clock, rules);
    let scheduler = Scheduler::new(
        engine.clone(),
        Scope::Console,
        vec![Schedule::from_config(c, None).unwrap()],
        owner,
    );
    Bot { scheduler, engine }
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Ticks like the adapter does: every post is posted at once.
fn tick(b: &Bot, cat: &Catalog) -> Vec<Event> {
    let events = b.scheduler.tick(cat).unwrap();
    for e in &events {
        if let Event::Post { schedule, slot, .. } = e {
            b.scheduler
                .posted(ServerId::Console, schedule, &slot.key())
                .unwrap();
        }
    }
    events
}

fn posts(events: &[Event]) -> Vec<(String, Timestamp, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Post {
                slot, discussion, ..
            } => Some((slot.key(), slot.at, discussion.prompt().id.clone())),
            _ => None,
        })
        .collect()
}

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    Db { _dir: dir, path }
}

/// Runs a bot for `weeks`, ticking every 15 minutes of injected time; returns every post.
fn run_weeks(tz: &str, start: &str, weeks: i64) -> Vec<(String, Timestamp, String)> {
    let d = db();
    let clock = Arc::new(ManualClock::new(ts(start)));
    let b = bot(&d.path, clock.clone(), &config("Mon 18:00", tz), "a");
    let cat = catalog(10);
    let mut all = Vec::new();
    let mut closed = 0;
    for _ in 0..(weeks * 7 * 24 * 4) {
        let events = tick(&b, &cat);
        closed += events
            .iter()
            .filter(|e| matches!(e, Event::Closed { .. }))
            .count();
        all.extend(posts(&events));
        clock.advance(SignedDuration::from_mins(15));
    }
    assert_eq!(
        closed,
        all.len(),
        "each week's discussion closed after its 144 hours"
    );
    all
}

#[test]
fn eight_weeks_in_new_york_post_once_each_at_local_1800_across_both_dst_changes() {
    // 2026-10-19 .. 2026-12-14 spans the fall-back of 2026-11-01; spring forward is checked below.
    let all = run_weeks("America/New_York", "2026-10-19T00:00:00Z", 8);
    let utc: Vec<String> = all.iter().map(|(_, at, _)| at.to_string()).collect();
    assert_eq!(
        utc,
        [
            "2026-10-19T22:00:00Z",
            "2026-10-26T22:00:00Z",
            "2026-11-02T23:00:00Z",
            "2026-11-09T23:00:00Z",
            "2026-11-16T23:00:00Z",
            "2026-11-23T23:00:00Z",
            "2026-11-30T23:00:00Z",
            "2026-12-07T23:00:00Z",
        ]
    );
    let prompts: Vec<&str> = all.iter().map(|(_, _, p)| p.as_str()).collect();
    assert_eq!(
        prompts[..3],
        ["week-0", "week-1", "week-2"],
        "sequential queue in file order"
    );
    let spring = run_weeks("America/New_York", "2027-03-01T00:00:00Z", 3);
    let utc: Vec<String> = spring.iter().map(|(_, at, _)| at.to_string()).collect();
    assert_eq!(
        utc,
        [
            "2027-03-01T23:00:00Z",
            "2027-03-08T23:00:00Z",
            "2027-03-15T22:00:00Z"
        ]
    );
}

#[test]
fn eight_weeks_in_london_follow_bst_both_ways() {
    let fall = run_weeks("Europe/London", "2026-10-12T00:00:00Z", 4);
    let utc: Vec<String> = fall.iter().map(|(_, at, _)| at.to_string()).collect();
    assert_eq!(
        utc,
        [
            "2026-10-12T17:00:00Z",
            "2026-10-19T17:00:00Z",
            "2026-10-26T18:00:00Z",
            "2026-11-02T18:00:00Z"
        ]
    );
    let spring = run_weeks("Europe/London", "2027-03-15T00:00:00Z", 4);
    let utc: Vec<String> = spring.iter().map(|(_, at, _)| at.to_string()).collect();
    assert_eq!(
        utc,
        [
            "2027-03-15T18:00:00Z",
            "2027-03-22T18:00:00Z",
            "2027-03-29T17:00:00Z",
            "2027-04-05T17:00:00Z"
        ]
    );
}

#[test]
fn restarts_before_during_and_after_a_slot_never_double_post() {
    let d = db();
    let c = config("Mon 18:00", "UTC");
    let cat = catalog(3);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T17:59:00Z")));
    let mut total = Vec::new();
    for (at, owner) in [
        ("2026-11-30T17:59:00Z", "a"),
        ("2026-11-30T18:00:00Z", "b"),
        ("2026-11-30T18:00:30Z", "c"),
        ("2026-11-30T18:05:00Z", "d"),
        ("2026-12-01T09:00:00Z", "e"),
    ] {
        clock.set(ts(at));
        let b = bot(&d.path, clock.clone(), &c, owner); // a restart: a new process on the same database
        total.extend(posts(&tick(&b, &cat)));
    }
    assert_eq!(total.len(), 1, "{total:?}");
    assert_eq!(total[0].0, "2026-11-30T18:00");
}

#[test]
fn a_crash_between_claim_and_post_is_finished_by_the_next_start() {
    let d = db();
    let c = config("Mon 18:00", "UTC");
    let cat = catalog(3);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:00:00Z")));
    {
        let crashed = bot(&d.path, clock.clone(), &c, "first");
        let events = crashed.scheduler.tick(&cat).unwrap(); // claimed, then "crashes" before posting
        assert_eq!(posts(&events).len(), 1);
    }
    // Restarted within the lease: the claim may still be in flight elsewhere; nothing happens.
    clock.set(ts("2026-11-30T18:05:00Z"));
    let b = bot(&d.path, clock.clone(), &c, "second");
    assert!(posts(&tick(&b, &cat)).is_empty());
    // After the lease: the restarted bot finishes the same discussion, once.
    clock.set(ts("2026-11-30T18:11:00Z"));
    let events = tick(&b, &cat);
    match events.as_slice() {
        [Event::Post {
            recovered: true,
            discussion,
            ..
        }] => assert_eq!(discussion.id().0, 1),
        other => panic!("{other:?}"),
    }
    assert!(posts(&tick(&b, &cat)).is_empty());
    assert_eq!(
        b.engine.list(ServerId::Console, false, 10).unwrap().len(),
        1,
        "no second discussion was opened"
    );
}

#[test]
fn two_processes_on_one_database_post_each_slot_once() {
    let d = db();
    let c = config("Mon 18:00", "UTC");
    let cat = catalog(3);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:00:00Z")));
    let a = bot(&d.path, clock.clone(), &c, "a");
    let b = bot(&d.path, clock.clone(), &c, "b");
    let mut total = 0;
    for _ in 0..20 {
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(|| posts(&tick(&a, &cat)).len());
            let y = s.spawn(|| posts(&tick(&b, &cat)).len());
            (x.join().unwrap(), y.join().unwrap())
        });
        total += x + y;
        clock.advance(SignedDuration::from_mins(1));
    }
    assert_eq!(total, 1);
}

#[test]
fn a_missed_slot_posts_within_the_grace_window_and_is_skipped_after_it() {
    let c = config("Mon 18:00", "UTC");
    let cat = catalog(3);
    let d = db();
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T23:30:00Z"))); // 5.5 h late
    let b = bot(&d.path, clock.clone(), &c, "a");
    let events = tick(&b, &cat);
    assert_eq!(posts(&events).len(), 1);
    let closes = match &events[0] {
        Event::Post { discussion, .. } => discussion.record.closes_at.unwrap(),
        _ => unreachable!(),
    };
    assert_eq!(
        closes,
        ts("2026-12-06T18:00:00Z"),
        "it closes on the slot's rhythm, not the late start's"
    );

    let d = db();
    let clock = Arc::new(ManualClock::new(ts("2026-12-01T00:30:00Z"))); // 6.5 h late
    let b = bot(&d.path, clock.clone(), &c, "a");
    match tick(&b, &cat).as_slice() {
        [Event::Skipped { reason, .. }] => assert!(
            reason.contains("past the grace window of 6 hours"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    let row = b
        .engine
        .store()
        .slot(ServerId::Console, "weekly", "2026-11-30T18:00")
        .unwrap()
        .unwrap();
    assert!(row
        .reason
        .unwrap()
        .starts_with("missed: roundtable was not running"));
    // Weeks offline: only the latest slot is looked at, never a backlog.
    clock.set(ts("2027-01-20T00:00:00Z"));
    let events = tick(&b, &cat);
    assert_eq!(events.len(), 1, "{events:?}");
}

#[test]
fn pause_resume_and_skip_are_honoured() {
    let d = db();
    let c = config("Mon 18:00", "UTC");
    let cat = catalog(3);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T12:00:00Z")));
    let b = bot(&d.path, clock.clone(), &c, "a");
    b.scheduler
        .pause(ServerId::Console, "weekly", true)
        .unwrap();
    clock.set(ts("2026-11-30T18:00:00Z"));
    assert!(
        matches!(tick(&b, &cat).as_slice(), [Event::Skipped { reason, .. }] if reason == "the schedule is paused")
    );
    b.scheduler
        .pause(ServerId::Console, "weekly", false)
        .unwrap();
    assert!(
        tick(&b, &cat).is_empty(),
        "resuming does not post the slot that passed while paused"
    );
    let skipped = b
        .scheduler
        .skip_next(ServerId::Console, "weekly", "mod:rosa")
        .unwrap();
    assert_eq!(skipped.key(), "2026-12-07T18:00");
    let upcoming = b
        .scheduler
        .upcoming(Some(ServerId::Console), &cat, 2)
        .unwrap();
    assert!(upcoming[0].skipped && upcoming[0].prompt.is_none());
    assert_eq!(upcoming[1].prompt.as_deref(), Some("week-0"));
    clock.set(ts("2026-12-07T18:00:00Z"));
    assert!(posts(&tick(&b, &cat)).is_empty());
    assert_eq!(
        b.engine
            .store()
            .slot(ServerId::Console, "weekly", "2026-12-07T18:00")
            .unwrap()
            .unwrap()
            .reason
            .as_deref(),
        Some("skipped by mod:rosa")
    );
    b.scheduler
        .put_next(ServerId::Console, "weekly", "week-2", &cat)
        .unwrap();
    assert!(matches!(
        b.scheduler
            .put_next(ServerId::Console, "weekly", "nope", &cat),
        Err(ScheduleError::UnknownPrompt(_))
    ));
    clock.set(ts("2026-12-14T18:00:00Z"));
    assert_eq!(posts(&tick(&b, &cat))[0].2, "week-2");
    clock.set(ts("2026-12-21T18:00:00Z"));
    assert_eq!(
        posts(&tick(&b, &cat))[0].2,
        "week-0",
        "the queue resumes after the moderator's choice"
    );
}

#[test]
fn a_shuffled_queue_uses_every_prompt_once_and_survives_restarts() {
    let d = db();
    let mut c = config("Mon 18:00", "UTC");
    c.queue = QueuePolicy::Shuffled;
    let cat = catalog(6);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:00:00Z")));
    let first = bot(&d.path, clock.clone(), &c, "a");
    let planned: Vec<String> = first
        .scheduler
        .upcoming(Some(ServerId::Console), &cat, 6)
        .unwrap()
        .into_iter()
        .map(|u| u.prompt.unwrap())
        .collect();
    let mut seen = Vec::new();
    for week in 0..8 {
        let b = bot(&d.path, clock.clone(), &c, &format!("p{week}")); // restart every week
        let events = tick(&b, &cat);
        seen.extend(posts(&events).into_iter().map(|p| p.2));
        if week == 6 {
            assert!(events.iter().any(|e| matches!(e, Event::Problem { message, .. } if message.contains("no prompt left"))), "{events:?}");
        }
        clock.advance(SignedDuration::from_hours(24 * 7));
    }
    assert_eq!(
        seen.len(),
        6,
        "six prompts, then the queue is empty: {seen:?}"
    );
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 6, "no repeats");
    assert_eq!(
        seen, planned,
        "the order planned before the first post is kept across restarts"
    );
}

#[test]
fn repeat_starts_over_with_the_least_used_prompt() {
    let d = db();
    let mut c = config("Mon 18:00", "UTC");
    c.repeat = true;
    let cat = catalog(2);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:00:00Z")));
    let b = bot(&d.path, clock.clone(), &c, "a");
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.extend(posts(&tick(&b, &cat)).into_iter().map(|p| p.2));
        clock.advance(SignedDuration::from_hours(24 * 7));
    }
    assert_eq!(seen, ["week-0", "week-1", "week-0", "week-1", "week-0"]);
}

#[test]
fn next_wake_is_the_next_slot_or_close_time() {
    let d = db();
    let cat = catalog(2);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:00:00Z")));
    let b = bot(&d.path, clock.clone(), &config("Mon 18:00", "UTC"), "a");
    tick(&b, &cat);
    assert_eq!(
        b.scheduler.next_wake().unwrap(),
        Some(ts("2026-12-06T18:00:00Z")),
        "the discussion's close comes first"
    );
}

fn guild_scheduler(
    db: &Path,
    clock: Arc<ManualClock>,
    file: Vec<Schedule>,
) -> (Scheduler, Discussions) {
    let store = Store::open(db, &StoreConfig::default()).unwrap();
    let rules = Rules {
        duration: SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: true,
    };
    let engine = Discussions::new(store, clock, rules);
    (
        Scheduler::new(engine.clone(), Scope::Guilds, file, "bot"),
        engine,
    )
}

fn in_guild(guild: u64, channel: &str) -> ScheduleConfig {
    let mut c = config("Mon 18:00", "UTC");
    c.guild = Some(guild);
    c.channel = channel.into();
    c
}

#[test]
fn schedules_added_from_discord_run_per_server_and_one_name_is_two_schedules() {
    let d = db();
    let cat = catalog(2);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T12:00:00Z")));
    let file = Schedule::from_config(&in_guild(1, "10"), None).unwrap();
    let (s, engine) = guild_scheduler(&d.path, clock.clone(), vec![file]);
    let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
    // The file's schedule of server 1 is named `weekly`: so can server 2's be, not another of 1's.
    assert!(matches!(
        s.add(a, in_guild(1, "11"), "mod"),
        Err(ScheduleError::Exists(_))
    ));
    s.add(b, in_guild(99, "20"), "mod").unwrap();
    assert!(matches!(
        s.add(b, in_guild(2, "21"), "mod"),
        Err(ScheduleError::Exists(_))
    ));
    let of_b = s.schedules_of(b).unwrap();
    assert_eq!(of_b.len(), 1);
    assert_eq!(
        (of_b[0].server, of_b[0].channel.as_str()),
        (b, "20"),
        "the server is the one it was added in"
    );
    assert!(matches!(
        s.pause(b, "nope", true),
        Err(ScheduleError::Unknown(_))
    ));
    s.pause(a, "weekly", true).unwrap();
    assert!(
        !s.is_paused(b, "weekly").unwrap(),
        "pausing 1's does not pause 2's"
    );
    s.pause(a, "weekly", false).unwrap();

    clock.set(ts("2026-11-30T18:00:00Z"));
    let events = s.tick(&cat).unwrap();
    let mut posted: Vec<(ServerId, String, String)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Post {
                server, discussion, ..
            } => Some((
                *server,
                discussion.record.channel.clone(),
                discussion.prompt().id.clone(),
            )),
            _ => None,
        })
        .collect();
    posted.sort();
    // Each server's queue starts at its own first prompt: uses are counted per server.
    assert_eq!(
        posted,
        [
            (a, "10".to_string(), "week-0".to_string()),
            (b, "20".to_string(), "week-0".to_string())
        ]
    );
    for e in &events {
        if let Event::Post {
            server,
            schedule,
            slot,
            ..
        } = e
        {
            s.posted(*server, schedule, &slot.key()).unwrap();
        }
    }
    assert!(posts(&s.tick(&cat).unwrap()).is_empty(), "once each");
    assert_eq!(engine.list(b, false, 10).unwrap().len(), 1);

    // The file's schedule stays in the file; a removed one never posts its slot again.
    assert!(matches!(
        s.remove(a, "weekly"),
        Err(ScheduleError::InFile(_))
    ));
    s.remove(b, "weekly").unwrap();
    assert!(matches!(
        s.remove(b, "weekly"),
        Err(ScheduleError::Unknown(_))
    ));
    s.add(b, in_guild(2, "20"), "mod").unwrap();
    assert!(posts(&s.tick(&cat).unwrap()).is_empty());
}

#[test]
fn a_schedule_added_after_this_weeks_slot_starts_with_next_weeks() {
    let d = db();
    let cat = catalog(2);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:30:00Z")));
    let (s, _) = guild_scheduler(&d.path, clock.clone(), Vec::new());
    let b = ServerId::Guild(2);
    s.add(b, in_guild(2, "20"), "mod").unwrap();
    assert!(
        posts(&s.tick(&cat).unwrap()).is_empty(),
        "today's 18:00 is not posted late"
    );
    clock.set(ts("2026-12-07T18:00:00Z"));
    assert_eq!(posts(&s.tick(&cat).unwrap()).len(), 1);
}

#[test]
fn a_server_that_removed_the_bot_has_no_running_schedule() {
    let d = db();
    let cat = catalog(2);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T18:00:00Z")));
    let file = Schedule::from_config(&in_guild(1, "10"), None).unwrap();
    let (s, engine) = guild_scheduler(&d.path, clock.clone(), vec![file]);
    engine
        .store()
        .mark_left(ServerId::Guild(1), ts("2026-11-29T00:00:00Z"))
        .unwrap();
    assert!(s.schedules().unwrap().is_empty());
    assert!(s.tick(&cat).unwrap().is_empty());
    engine.store().mark_present(ServerId::Guild(1)).unwrap();
    assert_eq!(posts(&s.tick(&cat).unwrap()).len(), 1);
}

#[test]
fn the_console_runs_only_its_own_schedules_and_closes_only_its_own_discussions() {
    let d = db();
    let cat = catalog(2);
    let clock = Arc::new(ManualClock::new(ts("2026-11-30T12:00:00Z")));
    let (guilds, engine) = guild_scheduler(&d.path, clock.clone(), Vec::new());
    let guild_discussion = engine
        .open(
            ServerId::Guild(1),
            cat.get("week-0").unwrap(),
            "10",
            Some(SignedDuration::from_hours(1)),
        )
        .unwrap();
    guilds
        .add(ServerId::Guild(1), in_guild(1, "10"), "mod")
        .unwrap();
    let console = Scheduler::new(
        engine.clone(),
        Scope::Console,
        vec![
            Schedule::from_config(&config("Mon 18:00", "UTC"), None).unwrap(),
            Schedule::from_config(&in_guild(1, "10"), None).unwrap(),
        ],
        "console",
    );
    assert_eq!(
        console.schedules().unwrap().len(),
        1,
        "the guild's schedule is left out"
    );
    clock.set(ts("2026-11-30T18:00:00Z"));
    let events = console.tick(&cat).unwrap();
    assert!(
        events.iter().all(|e| !matches!(e, Event::Closed { .. })),
        "{events:?}"
    );
    assert!(matches!(
        events.as_slice(),
        [Event::Post {
            server: ServerId::Console,
            ..
        }]
    ));
    assert!(console
        .add(ServerId::Console, config("Tue 18:00", "UTC"), "host")
        .is_err());
    let closed = guilds.tick(&cat).unwrap();
    assert!(closed.iter().any(|e| matches!(e, Event::Closed { discussion, .. } if discussion.id() == guild_discussion.id())));
}

#[test]
fn the_preview_shows_the_local_time_the_post_goes_out_on_the_spring_forward_day() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(ts("2027-03-08T12:00:00Z")));
    let b = bot(
        &dir.path().join("s.db"),
        clock,
        &config("Sun 02:30", "America/New_York"),
        "a",
    );
    let lines: Vec<String> = b
        .scheduler
        .upcoming(None, &catalog(2), 2)
        .unwrap()
        .iter()
        .map(Upcoming::line)
        .collect();
    // 2027-03-14: 02:00 EST jumps to 03:00 EDT; the post goes out at 03:30 EDT (07:30 UTC).
    assert_eq!(
        lines[0],
        "weekly  Sun 2027-03-14 03:30 America/New_York (the clocks skip 02:30 that day)  (2027-03-14 07:30 UTC)  week-0"
    );
    assert_eq!(
        lines[1],
        "weekly  Sun 2027-03-21 02:30 America/New_York  (2027-03-21 06:30 UTC)  week-1"
    );
}
