use super::*;
use crate::clock::ManualClock;
use crate::store::StoreConfig;
use jiff::SignedDuration;
use std::path::Path;

struct Run {
    out: String,
}

fn console(lines: &str, clock: Arc<ManualClock>, db: &Path) -> Run {
    let store = Store::open(db, &StoreConfig::default()).unwrap();
    let engine = Discussions::new(
        store,
        clock,
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let catalog = Catalog::load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("prompts")
            .as_path(),
    );
    let mut out = Vec::new();
    Console::new(engine, catalog, ResultsMode::Live, &mut out)
        .run(lines.as_bytes(), false)
        .unwrap();
    Run {
        out: String::from_utf8(out).unwrap(),
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()))
}

#[test]
fn seed_discussion_is_rehearsed_with_a_correct_tally() {
    let dir = tempfile::tempdir().unwrap();
    let script = "\
/discussion post syria-strike-2017
as ana
vote 1
as ben
vote 2
as cleo
vote stay-out
reply I think the U.S. should stay out.
as dan
vote 1
vote 5
unvote
as eve
vote 1
as mod:rosa
/discussion tally
/discussion close
";
    let r = console(script, clock(), &dir.path().join("c.db"));
    assert!(
        r.out
            .contains("How do you think the United States should move forward?"),
        "{}",
        r.out
    );
    assert!(r
        .out
        .contains("Your stance is recorded: “Keep up military pressure"));
    assert!(r
        .out
        .contains("Your stance is changed from “Keep up military pressure"));
    assert!(r.out.contains(
        "Your stance “Stay out: no further U.S. involvement in Syria's war” is withdrawn."
    ));
    assert!(r.out.contains("Your reply is recorded (33 characters)"));
    let tally = &r.out[r.out.find("Current tally").unwrap()..];
    // 1: ana, eve; 2: ben; stay-out: cleo; dan withdrew.
    let first = format!(" 1. Keep up military pressure on the Syrian government, including further strikes  {}  50%  2 votes", render::bar(50));
    assert!(tally.contains(&first), "{tally}");
    assert!(
        tally
            .contains(" 2. Wait for the chemical weapons investigation, then press for sanctions "),
        "{tally}"
    );
    assert!(tally.contains("25%  1 vote\n"), "{tally}");
    assert!(
        tally.contains("4 members answered · 1 reply from 1 member"),
        "{tally}"
    );
    let result = &r.out[r.out.find("Discussion #1 is closed.").unwrap()..];
    assert!(result.contains("Final result of discussion #1"));
    assert!(result.contains("Most chosen stance: “Keep up military pressure on the Syrian government, including further strikes” (50%)."));
}

#[test]
fn members_are_refused_moderator_commands() {
    let dir = tempfile::tempdir().unwrap();
    let r = console(
        "as ana\n/discussion post syria-strike-2017\n/discussion close\n/discussion tally\n",
        clock(),
        &dir.path().join("c.db"),
    );
    assert_eq!(
        r.out
            .matches("! only moderators can use `/discussion")
            .count(),
        3,
        "{}",
        r.out
    );
    assert!(!r.out.contains("Discussion #1"));
}

#[test]
fn votes_after_close_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let r = console(
        "/discussion post syria-strike-2017\n/discussion close\nas ana\nvote 1\n",
        clock(),
        &dir.path().join("c.db"),
    );
    assert!(r.out.contains("! no discussion is open"), "{}", r.out);
}

#[test]
fn discussion_closes_by_itself_when_its_time_is_up_and_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let c = clock();
    console(
        "/discussion post syria-strike-2017\nas ana\nvote 2\n",
        c.clone(),
        &db,
    );
    let r = console("as ben\nvote 2\n", c.clone(), &db);
    assert!(
        r.out.contains("Your stance is recorded"),
        "the open discussion is found after a restart: {}",
        r.out
    );
    c.advance(SignedDuration::from_hours(145));
    let r = console("as cleo\nvote 2\n", c, &db);
    assert!(
        r.out.contains("Discussion #1 closed: its time was up."),
        "{}",
        r.out
    );
    assert!(r.out.contains("2 members answered"), "{}", r.out);
    assert!(r.out.contains("! no discussion is open"), "{}", r.out);
}

#[test]
fn bad_lines_get_clear_answers() {
    let dir = tempfile::tempdir().unwrap();
    let r = console("vote 1\nfly away\n/discussion post nope\n/discussion post syria-strike-2017\nvote 42\nas\n", clock(), &dir.path().join("c.db"));
    assert!(r.out.contains("! no discussion is open"));
    assert!(r.out.contains("! unknown line `fly`"));
    assert!(r
        .out
        .contains("! no prompt `nope`; known: syria-strike-2017"));
    assert!(r.out.contains("! `42` is not an option here"));
    assert!(r.out.contains("! `as` needs one name"));
}

#[test]
fn a_console_schedule_posts_on_time_and_moderators_steer_it() {
    use crate::schedule::{QueuePolicy, ScheduleConfig};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db"), &StoreConfig::default()).unwrap();
    let clock = clock(); // Monday 2026-11-30 18:00 UTC
    let engine = Discussions::new(
        store,
        clock.clone(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let catalog = Catalog::load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("prompts")
            .as_path(),
    );
    let schedule = Schedule::from_config(
        &ScheduleConfig {
            name: "weekly".into(),
            guild: None,
            channel: CHANNEL.into(),
            at: Some("Mon 18:00".into()),
            cron: None,
            timezone: "UTC".into(),
            duration_hours: None,
            queue: QueuePolicy::Sequential,
            prompts: vec![],
            repeat: true,
            grace_hours: 6,
        },
        None,
    )
    .unwrap();
    let mut out = Vec::new();
    let mut c =
        Console::new(engine, catalog, ResultsMode::Live, &mut out).with_schedules(vec![schedule]);
    for line in [
        "help",
        "as ana",
        "/schedule skip",
        "as mod:rosa",
        "/schedule show",
        "/schedule skip",
    ] {
        c.line(line).unwrap();
    }
    clock.advance(SignedDuration::from_hours(24 * 7));
    c.line("/schedule show").unwrap();
    drop(c);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.matches("Scheduled post of `weekly` for 2026-11-30T18:00:")
            .count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("! only moderators can use `/schedule skip`"),
        "{out}"
    );
    assert!(
        out.contains("weekly  Mon 2026-12-07 18:00 UTC  (2026-12-07 18:00 UTC)  syria-strike-2017"),
        "{out}"
    );
    assert!(
        out.contains("The slot of 2026-12-07T18:00 in `weekly` will be skipped."),
        "{out}"
    );
    assert!(
        !out.contains("for 2026-12-07T18:00:"),
        "the skipped slot did not post: {out}"
    );
}

#[test]
fn history_is_for_everyone_and_exports_for_moderators_out_of_the_box() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("h.db"), &StoreConfig::default()).unwrap();
    let engine = Discussions::new(
        store,
        clock(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let catalog = || {
        Catalog::load_dir(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("prompts")
                .as_path(),
        )
    };
    let run = |export: ExportConfig, lines: &str| {
        let mut out = Vec::new();
        Console::new(engine.clone(), catalog(), ResultsMode::Live, &mut out)
            .with_export(export)
            .run(lines.as_bytes(), false)
            .unwrap();
        String::from_utf8(out).unwrap()
    };
    let out = run(
        ExportConfig::default(),
        "/discussion history\n/discussion post syria-strike-2017\nas ana\nvote 5\nreply =1+1, \"quoted\"\n/discussion export\nas mod:rosa\n/discussion export\n/discussion close\nas ben\n/discussion history\n",
    );
    assert!(out.contains("No discussion has closed yet."), "{out}");
    assert!(
        out.contains("! only moderators can use `/discussion export`"),
        "{out}"
    );
    // No key configured: the first export makes one beside the database.
    assert!(
        // The reply became a statement, which the export carries too.
        out.contains("Export of discussion #1 (csv; 1 vote, 1 reply, 1 statement and 0 answers; member ids pseudonymized"),
        "{out}"
    );
    assert!(dir.path().join("h.pseudonym.key").exists());
    assert!(out.contains("#1  How do you think the United States should move forward?\n    2026-11-30 → 2026-11-30 · 1 member answered · 1 reply from 1 member\n    Most chosen: “Stay out: no further U.S. involvement in Syria's war” (100%)\n"), "{out}");

    let raw = ExportConfig {
        raw_member_ids: true,
        ..ExportConfig::default()
    };
    let out = run(
        raw,
        "/discussion export 1 json\n/discussion export csv\n/discussion export xml\n",
    );
    assert!(
        out.contains(
            "Export of discussion #1 (json; 1 vote, 1 reply, 1 statement and 0 answers; member ids raw):\n{\"discussion\":"
        ),
        "{out}"
    );
    assert!(out.contains("1,reply,2026-11-30T18:00:00Z,ana,stay-out,Stay out: no further U.S. involvement in Syria's war,form,\"'=1+1, \"\"quoted\"\"\",,,\r\n"), "{out}");
    assert!(
        out.contains(
            "1,statement,2026-11-30T18:00:00Z,ana,,,reply,\"'=1+1, \"\"quoted\"\"\",1,shown,\r\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("! unknown export format `xml`; use csv or json"),
        "{out}"
    );
}

/// The console over `input` (raw bytes, as a pipe may carry them) and how its run ended.
fn console_bytes(input: &[u8], db: &Path) -> (String, Result<(), ConsoleError>) {
    let store = Store::open(db, &StoreConfig::default()).unwrap();
    console_on(store, input)
}

fn console_on(store: Store, input: &[u8]) -> (String, Result<(), ConsoleError>) {
    let engine = Discussions::new(
        store,
        clock(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let catalog = Catalog::load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("prompts")
            .as_path(),
    );
    let mut out = Vec::new();
    let ended = Console::new(engine, catalog, ResultsMode::Live, &mut out).run(input, false);
    (String::from_utf8(out).unwrap(), ended)
}

#[test]
fn a_line_that_is_not_utf8_is_refused_and_the_session_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let (out, ended) = console_bytes(
        b"/discussion post syria-strike-2017\nas ana\nvote \xff\xfe1\nvote 1\r\nas bo\n",
        &dir.path().join("u.db"),
    );
    assert!(ended.is_ok(), "{ended:?}");
    assert!(
        out.contains("! line 3 is not UTF-8 text (invalid byte at offset 5); it is ignored"),
        "{out}"
    );
    assert!(out.contains("Your stance is recorded"), "{out}");
    assert!(out.contains("You are now bo."), "{out}");
}

#[test]
fn an_overlong_line_or_name_is_refused_and_not_echoed_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let long_line = format!("reply {}\n", "x".repeat(MAX_LINE_BYTES + 10));
    let long_name = format!("as {}\n", "n".repeat(500));
    let long_word = format!("{}\n", "w".repeat(5000));
    let input =
        format!("/discussion post syria-strike-2017\n{long_line}{long_name}{long_word}as ana\n");
    let (out, ended) = console_bytes(input.as_bytes(), &dir.path().join("l.db"));
    assert!(ended.is_ok(), "{ended:?}");
    assert!(
        out.contains(&format!(
            "! line 2 is {} bytes long, more than the {MAX_LINE_BYTES} a line may have; it is ignored",
            MAX_LINE_BYTES + 16
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "! a name has at most {MAX_NAME_CHARS} characters; this one has 500"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("! unknown line `{}…`", "w".repeat(40))),
        "{out}"
    );
    for echoed in [
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        &"n".repeat(65),
        &"w".repeat(41),
    ] {
        assert!(!out.contains(echoed), "echoed in full: {echoed}");
    }
    assert!(out.contains("You are now ana."), "{out}");
}

#[test]
fn raw_escape_sequences_are_never_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let (out, ended) = console_bytes(
        b"/discussion post syria-strike-2017\n\x1b]0;owned\x07\nvote \x1b[31mred\n/prompts\n",
        &dir.path().join("e.db"),
    );
    assert!(ended.is_ok(), "{ended:?}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(
        out.contains("! line 2 has a control character (\\u{1b}); it is ignored"),
        "{out}"
    );
    assert!(
        out.contains("syria-strike-2017: "),
        "the session went on: {out}"
    );
}

#[test]
fn a_dead_writer_ends_the_session_with_an_error_instead_of_limping_on() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("w.db"), &StoreConfig::default()).unwrap();
    store.kill_writer_for_tests();
    let (out, ended) = console_on(
        store,
        b"/discussion post syria-strike-2017\nas ana\nvote 1\n/discussion list\n",
    );
    assert!(
        matches!(ended, Err(ConsoleError::WriterGone)),
        "{ended:?}\n{out}"
    );
    assert!(
        !out.contains("You are now ana."),
        "nothing after the failed write: {out}"
    );
}

#[test]
fn a_schedule_posts_a_prompt_approved_in_the_store_and_post_finds_it() {
    use crate::schedule::{QueuePolicy, ScheduleConfig};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db"), &StoreConfig::default()).unwrap();
    let clock = clock();
    let catalog = Catalog::load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("prompts")
            .as_path(),
    );
    let mut next = catalog.get("syria-strike-2017").unwrap().clone();
    next.id = "next-week".into();
    next.title = "Next week's article".into();
    store
        .approve_prompt(ServerId::Console, &next, "rosa", clock.now())
        .unwrap();
    // A draft only (never approved) is not posted.
    let mut draft = next.clone();
    draft.id = "unapproved".into();
    store
        .save_prompt_draft(ServerId::Console, &draft, "rosa", clock.now())
        .unwrap();
    let engine = Discussions::new(
        store,
        clock.clone(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let schedule = Schedule::from_config(
        &ScheduleConfig {
            name: "weekly".into(),
            guild: None,
            channel: CHANNEL.into(),
            at: Some("Mon 18:00".into()),
            cron: None,
            timezone: "UTC".into(),
            duration_hours: None,
            queue: QueuePolicy::Sequential,
            prompts: vec!["next-week".into()],
            repeat: true,
            grace_hours: 6,
        },
        None,
    )
    .unwrap();
    let mut out = Vec::new();
    let mut c =
        Console::new(engine, catalog, ResultsMode::Live, &mut out).with_schedules(vec![schedule]);
    for line in [
        "as mod:rosa",
        "/discussion post unapproved",
        "/discussion close",
        "/discussion post next-week",
    ] {
        c.line(line).unwrap();
    }
    drop(c);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out.matches("Next week's article").count(),
        2,
        "the schedule's post and the moderator's: {out}"
    );
    assert!(out.contains("! no prompt `unapproved`"), "{out}");
}

#[test]
fn weighing_in_shows_one_statement_at_a_time_and_each_answer_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let script = "\
/discussion post syria-strike-2017
as ana
agree
weigh
statement The U.S. should stay out.
as ben
statement Diplomacy first.
weigh
disagree
weigh
as cleo
weigh
pass
agree
statement the u.s. should STAY OUT!
as ana
weigh
";
    let run = console(script, clock(), &db);
    let out = &run.out;
    assert!(
        out.contains("! no statement is shown to ana; type `weigh` first"),
        "{out}"
    );
    assert!(out.contains("Statement 1 added;"), "{out}");
    // ben sees ana's statement (not his own), answers it, and then there is nothing left.
    assert!(
        out.contains("Statement 1 (1 left to weigh in on): “The U.S. should stay out.”"),
        "{out}"
    );
    assert!(
        out.contains(
            "Recorded: disagree on statement 1.\nYou have weighed in on every statement so far."
        ),
        "{out}"
    );
    // cleo gets both, one after the other.
    assert!(out.contains("(2 left to weigh in on)"), "{out}");
    assert!(
        out.contains("Statement 1 says the same already, so yours was merged into it."),
        "{out}"
    );
    let store = Store::open(&db, &StoreConfig::default()).unwrap();
    let answers = store.answers(HERE, DiscussionId(1)).unwrap();
    let mut got: Vec<(i64, &str, &str)> = answers
        .iter()
        .map(|a| (a.statement, a.member.as_str(), a.answer.key()))
        .collect();
    got.sort();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got.contains(&(1, "ben", "disagree")));
    assert_eq!(got.iter().filter(|a| a.1 == "cleo").count(), 2);
    let cleo: Vec<&str> = got.iter().filter(|a| a.1 == "cleo").map(|a| a.2).collect();
    assert!(
        cleo.contains(&"pass") && cleo.contains(&"agree"),
        "{cleo:?}"
    );
}

#[test]
fn the_tally_shows_opinion_groups_and_common_ground_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let c = clock();
    console("/discussion post syria-strike-2017\n", c.clone(), &db);
    {
        let store = Store::open(&db, &StoreConfig::default()).unwrap();
        let engine = Discussions::new(
            store,
            c.clone(),
            Rules {
                duration: SignedDuration::from_hours(144),
                max_reply_chars: 1500,
                keep_file_order: true,
            },
        );
        let d = engine.get(HERE, DiscussionId(1)).unwrap();
        let mut ids = Vec::new();
        for text in [
            "Strikes deter chemical attacks",
            "Congress must approve any strike",
            "Refugees need more help",
            "Intervention makes things worse",
            "Talks with Russia come first",
        ] {
            match engine
                .add_statement(HERE, d.id(), "rosa", StatementOrigin::Moderator, text)
                .unwrap()
            {
                StatementOutcome::Added { id } => ids.push(id),
                other => panic!("{other:?}"),
            }
        }
        // Two camps, opposite on all but the refugees, which every member agrees with.
        for m in 0..12 {
            let member = format!("m{m}");
            for (i, &s) in ids.iter().enumerate() {
                let camp_a = m % 2 == 0;
                let answer = match (i, camp_a, i < 2) {
                    (2, _, _) => Answer::Agree,
                    (_, true, true) | (_, false, false) => Answer::Agree,
                    _ => Answer::Disagree,
                };
                engine.answer(&d, &member, s, answer).unwrap();
            }
        }
        engine.vote(HERE, d.id(), "m0", "stay-out").unwrap();
        engine.vote(HERE, d.id(), "m0", "other").unwrap();
    }
    let run = console("/discussion tally\n/discussion close\n", c, &db);
    let out = &run.out;
    assert!(
        out.contains("What members think: 12 members answered 5 statements (60 answers)."),
        "{out}"
    );
    assert!(
        out.contains("By how they answered, 12 members fall into 2 opinion groups:"),
        "{out}"
    );
    assert!(
        out.contains("  Group A: 6 members\n  Group B: 6 members"),
        "{out}"
    );
    assert!(out.contains("Common ground (a majority of every group agrees):\n  “Refugees need more help” (agree 12 · disagree 0 · pass 0)"), "{out}");
    assert!(out.contains("What sets Group A apart:"), "{out}");
    assert!(
        out.contains(
            "Stance changes: 1 of 1 member with a stance changed it (first stance → last):"
        ),
        "{out}"
    );
    // Both the tally and the final result carry it.
    assert_eq!(out.matches("What members think:").count(), 2, "{out}");
    assert!(!out.contains("<t:"), "plain text, UTC times only");
}

#[test]
fn a_member_sees_and_deletes_their_own_data_in_the_console() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let script = "\
/discussion post syria-strike-2017
as ana
vote 1
reply Why not wait?
/privacy show
/privacy delete
/privacy show
/privacy delete confirm
/privacy show
";
    let out = console(script, clock(), &db).out;
    assert!(out.contains("What roundtable keeps about you in this server: 1 stance, 1 reply, 1 statement, 0 answers, 0 suggestions."), "{out}");
    assert!(out.contains("since 2026-11-30 18:00 UTC"), "{out}");
    assert!(
        out.contains("Type `/privacy delete confirm` to delete it."),
        "{out}"
    );
    assert_eq!(
        out.matches("1 stance, 1 reply").count(),
        2,
        "nothing goes before the confirmation: {out}"
    );
    assert!(
        out.contains("Done: roundtable deleted 1 reply, 1 statement and 0 answers"),
        "{out}"
    );
    assert!(out.contains("1 dropped from open discussions"), "{out}");
    assert!(
        out.contains("roundtable keeps nothing about you in this server"),
        "{out}"
    );
}

#[test]
fn a_moderator_rehearses_a_draft_from_a_file_to_approval_and_a_slots_review() {
    use crate::schedule::{QueuePolicy, ScheduleConfig};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("r.db"), &StoreConfig::default()).unwrap();
    // Monday 2026-11-30 12:00 UTC: the weekly slot is at 18:00 today.
    let clock = Arc::new(ManualClock::new("2026-11-30T12:00:00Z".parse().unwrap()));
    let engine = Discussions::new(
        store.clone(),
        clock.clone(),
        Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        },
    );
    let catalog = Catalog::load_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("prompts")
            .as_path(),
    );
    let schedule = Schedule::from_config(
        &ScheduleConfig {
            name: "weekly".into(),
            guild: None,
            channel: CHANNEL.into(),
            at: Some("Mon 18:00".into()),
            cron: None,
            timezone: "UTC".into(),
            duration_hours: None,
            queue: QueuePolicy::Sequential,
            prompts: vec![],
            repeat: true,
            grace_hours: 6,
        },
        None,
    )
    .unwrap();
    let page = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/articles/pages/who-pandemic-2020.html");
    let page = page.display();
    let mut out = Vec::new();
    let mut c =
        Console::new(engine, catalog, ResultsMode::Live, &mut out).with_schedules(vec![schedule]);
    for line in [
        "as ana".to_string(),
        format!("/prompts draft {page}"),
        "/schedule review".into(),
        "as mod:rosa".into(),
        format!("/prompts draft {page} who"),
        "/prompts approve who".into(),
        "/prompts edit who title The WHO calls it a pandemic".into(),
        "/prompts edit who colour red".into(),
        "/prompts option who 1 act-now Act now: close borders and schools".into(),
        "/prompts option who 2 wait Wait for more evidence first".into(),
        "/prompts option who 3 targeted Protect the most vulnerable only".into(),
        "/prompts option who 4 local Leave it to each country".into(),
        "/prompts option who unsure Not sure yet".into(),
        "/prompts approve who".into(),
        "/prompts list".into(),
        "/schedule review".into(),
        "/schedule review swap nope".into(),
        "/schedule review swap who".into(),
    ] {
        c.line(&line).unwrap();
    }
    clock.set("2026-11-30T18:00:00Z".parse().unwrap());
    c.line("/schedule show").unwrap();
    drop(c);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("! only moderators can use `/prompts draft`; ana is a member"),
        "{out}"
    );
    assert!(
        out.contains("! only moderators can use `/schedule review`"),
        "{out}"
    );
    assert!(out.contains("Draft `who` saved by mod:rosa"), "{out}");
    assert!(
        out.contains("Still to write before it can be approved:\n• options[0].label"),
        "{out}"
    );
    assert!(
        out.contains("! not approved: `who` cannot be approved yet"),
        "{out}"
    );
    assert!(out.contains("`who` changed by mod:rosa"), "{out}");
    assert!(
        out.contains("! `colour` is not a field the console edits"),
        "{out}"
    );
    assert!(
        out.contains("Not sure yet"),
        "the added option is shown: {out}"
    );
    assert!(
        out.contains("`who` approved by mod:rosa (version 1)"),
        "{out}"
    );
    assert!(out.contains("  who · approved v1"), "{out}");
    assert!(
        out.contains("Review of schedule `weekly`, slot 2026-11-30T18:00")
            && out.contains("It will post `syria-strike-2017` below."),
        "{out}"
    );
    assert!(out.contains("! there is no prompt"), "{out}");
    assert!(
        out.contains("Swapped by mod:rosa: `who` posts at the slot."),
        "{out}"
    );
    let review = store
        .review(ServerId::Console, "weekly", "2026-11-30T18:00")
        .unwrap()
        .expect("the review is stored");
    assert_eq!(review.decision, ReviewDecision::Swapped);
    assert_eq!(review.decided_by.as_deref(), Some("mod:rosa"));
    // At the slot, the swapped-in prompt is posted.
    let posted = &out[out
        .find("Scheduled post of `weekly` for 2026-11-30T18:00")
        .expect("the slot posted")..];
    assert!(posted.contains("The WHO calls it a pandemic"), "{posted}");
}
