use super::*;
use crate::store::StoreConfig;

const SEED: &str = include_str!("../../prompts/syria-strike-2017.toml");

fn seed() -> Prompt {
    Prompt::from_str_at(Path::new("prompts/syria-strike-2017.toml"), SEED).unwrap()
}

fn t(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn open_one(store: &Store) -> DiscussionId {
    let p = seed();
    let order: Vec<String> = p.options.iter().map(|o| o.key.clone()).collect();
    store
        .insert_discussion(NewDiscussion {
            server: ServerId::Console,
            prompt: &p,
            channel: "c1",
            option_order: &order,
            opened_at: t("2026-11-30T18:00:00Z"),
            closes_at: Some(t("2026-12-06T18:00:00Z")),
        })
        .unwrap()
}

#[test]
fn everything_survives_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    let id = {
        let store = Store::open(&path, &StoreConfig::default()).unwrap();
        let id = open_one(&store);
        store.set_post(id, Some("m1"), Some("th1")).unwrap();
        store
            .put_vote(
                ServerId::Console,
                id,
                "ana",
                Some("other"),
                t("2026-12-01T00:00:00Z"),
            )
            .unwrap();
        store
            .add_reply(
                ServerId::Console,
                id,
                "ana",
                ReplySource::Form,
                Some("why"),
                None,
                t("2026-12-01T00:00:01Z"),
            )
            .unwrap();
        id
    };
    let store = Store::open(&path, &StoreConfig::default()).unwrap();
    let d = store.discussion(ServerId::Console, id).unwrap().unwrap();
    assert_eq!(
        (d.message_id.as_deref(), d.thread_id.as_deref()),
        (Some("m1"), Some("th1"))
    );
    assert_eq!(d.prompt, seed());
    assert_eq!(store.vote_of(id, "ana").unwrap().as_deref(), Some("other"));
    assert_eq!(store.replies(id).unwrap()[0].text.as_deref(), Some("why"));
}

#[test]
fn database_uses_wal_and_the_current_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.db");
    let _store = Store::open(&path, &StoreConfig::default()).unwrap();
    let c = Connection::open(&path).unwrap();
    let mode: String = c
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), version), ("wal", SCHEMA_VERSION));
}

#[test]
fn a_failing_write_does_not_undo_the_others_in_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("b.db"), &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    let threads: Vec<_> = (0..32)
        .map(|i| {
            let store = store.clone();
            std::thread::spawn(move || {
                if i % 4 == 0 {
                    store.inner.writer.write(|c| {
                        c.execute("INSERT INTO votes (discussion, member, option, at) VALUES (1, 'x', 'y', 0)", [])?;
                        Err::<(), _>(StoreError::Corrupt("refused on purpose".into()))
                    })
                } else {
                    store.put_vote(ServerId::Console, id, &format!("m{i}"), Some("other"), t("2026-12-01T00:00:00Z")).map(|_| ())
                }
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 8);
    assert_eq!(store.recount(id).unwrap(), vec![("other".to_string(), 24)]);
    assert_eq!(
        store.vote_of(id, "x").unwrap(),
        None,
        "the failed job's own write is rolled back"
    );
}

#[test]
fn thread_replies_follow_edits_and_deletions() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("e.db"), &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    let now = t("2026-12-01T00:00:00Z");
    store
        .add_reply(
            ServerId::Console,
            id,
            "ana",
            ReplySource::Thread,
            Some("draft"),
            Some("msg1"),
            now,
        )
        .unwrap();
    assert!(store
        .edit_reply_by_message(ServerId::Console, "msg1", Some("final"))
        .unwrap());
    assert_eq!(store.replies(id).unwrap()[0].text.as_deref(), Some("final"));
    assert_eq!(
        store
            .delete_reply_by_message(ServerId::Console, "msg1")
            .unwrap(),
        Some(id)
    );
    assert_eq!(
        store
            .delete_reply_by_message(ServerId::Console, "msg1")
            .unwrap(),
        None
    );
    assert!(store.replies(id).unwrap().is_empty());
}

#[test]
fn close_after_the_deadline_records_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("c.db"), &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    assert_eq!(
        store.next_close_time().unwrap(),
        Some(t("2026-12-06T18:00:00Z"))
    );
    let late = t("2026-12-07T09:00:00Z");
    assert_eq!(
        store.due_for_close(late).unwrap(),
        vec![(ServerId::Console, id)]
    );
    assert_eq!(
        store
            .close(ServerId::Console, id, Some("mod"), late)
            .unwrap(),
        CloseWrite::Closed {
            at: t("2026-12-06T18:00:00Z")
        }
    );
    let d = store.discussion(ServerId::Console, id).unwrap().unwrap();
    assert_eq!(
        d.closed_by, None,
        "its time was up before the moderator acted"
    );
    assert!(store.due_for_close(late).unwrap().is_empty());
    assert_eq!(store.next_close_time().unwrap(), None);
}

fn open_in(store: &Store, server: ServerId, channel: &str) -> DiscussionId {
    let p = seed();
    let order: Vec<String> = p.options.iter().map(|o| o.key.clone()).collect();
    store
        .insert_discussion(NewDiscussion {
            server,
            prompt: &p,
            channel,
            option_order: &order,
            opened_at: t("2026-11-30T18:00:00Z"),
            closes_at: Some(t("2026-12-06T18:00:00Z")),
        })
        .unwrap()
}

#[test]
fn a_discussion_of_another_server_is_not_found_and_nothing_of_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("i.db"), &StoreConfig::default()).unwrap();
    let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
    let id = open_in(&store, a, "10");
    store.set_post(id, Some("m1"), Some("th1")).unwrap();
    let now = t("2026-12-01T00:00:00Z");
    store
        .add_reply(
            a,
            id,
            "ana",
            ReplySource::Thread,
            Some("x"),
            Some("msg1"),
            now,
        )
        .unwrap();

    assert!(store.discussion(b, id).unwrap().is_none());
    assert!(store.discussions(b, false, now, 10).unwrap().is_empty());
    assert!(store.closed_discussions(b, now, 10).unwrap().is_empty());
    assert_eq!(store.discussion_by_thread(b, "th1").unwrap(), None);
    assert_eq!(
        store.put_vote(b, id, "bo", Some("other"), now).unwrap(),
        VoteWrite::NotFound
    );
    assert_eq!(
        store
            .add_reply(b, id, "bo", ReplySource::Form, Some("y"), None, now)
            .unwrap(),
        ReplyWrite::NotFound
    );
    assert_eq!(
        store.close(b, id, Some("mod"), now).unwrap(),
        CloseWrite::NotFound
    );
    assert!(!store.edit_reply_by_message(b, "msg1", Some("z")).unwrap());
    assert_eq!(store.delete_reply_by_message(b, "msg1").unwrap(), None);

    // In its own server, all of it is there and unchanged.
    let d = store.discussion(a, id).unwrap().unwrap();
    assert_eq!((d.server, d.closed_at), (a, None));
    assert_eq!(store.discussion_by_thread(a, "th1").unwrap(), Some(id));
    assert_eq!(store.recount(id).unwrap(), vec![]);
    assert_eq!(store.replies(id).unwrap()[0].text.as_deref(), Some("x"));
    assert_eq!(store.discussions(a, true, now, 10).unwrap().len(), 1);
}

#[test]
fn prompt_uses_and_the_ledger_are_counted_per_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("u.db"), &StoreConfig::default()).unwrap();
    let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
    open_in(&store, a, "10");
    open_in(&store, a, "10");
    assert_eq!(store.prompt_uses(a).unwrap()["syria-strike-2017"], 2);
    assert!(store.prompt_uses(b).unwrap().is_empty());
    let now = t("2026-11-30T18:00:00Z");
    assert!(store
        .skip_slot(a, "weekly", "2026-11-30T18:00", now, "paused", now, "x")
        .unwrap());
    // The same schedule name and slot in another server is another slot.
    assert!(store
        .skip_slot(b, "weekly", "2026-11-30T18:00", now, "paused", now, "x")
        .unwrap());
    assert!(!store
        .skip_slot(b, "weekly", "2026-11-30T18:00", now, "paused", now, "x")
        .unwrap());
    store.set_paused(a, "weekly", true).unwrap();
    assert!(store.schedule_state(a, "weekly").unwrap().paused);
    assert!(!store.schedule_state(b, "weekly").unwrap().paused);
}

#[test]
fn a_server_that_left_is_kept_until_its_retention_ends_and_coming_back_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("r.db"), &StoreConfig::default()).unwrap();
    let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
    let gone = open_in(&store, a, "10");
    let stays = open_in(&store, b, "20");
    let now = t("2026-12-01T00:00:00Z");
    store.put_vote(a, gone, "ana", Some("other"), now).unwrap();
    store
        .insert_schedule(a, "weekly", "{}", "mod", now)
        .unwrap();
    store.mark_left(a, t("2026-12-01T00:00:00Z")).unwrap();
    assert_eq!(store.left_at(a).unwrap(), Some(t("2026-12-01T00:00:00Z")));
    // While gone: kept, but its discussions do not close and its schedules do not run.
    assert!(store.discussion(a, gone).unwrap().is_some());
    assert_eq!(
        store.due_for_close(t("2026-12-07T00:00:00Z")).unwrap(),
        vec![(b, stays)]
    );
    assert!(store.stored_schedules(None).unwrap().is_empty());
    // Back within the retention: as it was.
    assert!(store.mark_present(a).unwrap());
    assert!(!store.mark_present(a).unwrap());
    assert_eq!(store.stored_schedules(None).unwrap().len(), 1);
    assert!(store
        .purge_left(t("2027-01-01T00:00:00Z"))
        .unwrap()
        .is_empty());
    // Gone again, for good: deleted once the cutoff passes its leaving, and nothing of the other.
    store.mark_left(a, t("2026-12-02T00:00:00Z")).unwrap();
    assert!(store
        .purge_left(t("2026-12-01T23:59:59Z"))
        .unwrap()
        .is_empty());
    let purged = store.purge_left(t("2026-12-02T00:00:00Z")).unwrap();
    assert_eq!(
        purged,
        vec![Purged {
            server: a,
            discussions: 1
        }]
    );
    assert!(store.discussion(a, gone).unwrap().is_none());
    assert_eq!(store.vote_of(gone, "ana").unwrap(), None);
    assert!(store.stored_schedules(Some(a)).unwrap().is_empty());
    assert_eq!(store.left_at(a).unwrap(), None);
    assert!(store.discussion(b, stays).unwrap().is_some());
}

/// The database file alone, copied where no WAL can follow it, as a backup by `cp` would be.
fn copy_of_the_file_alone(path: &Path, dir: &Path) -> Connection {
    let copy = dir.join("copy.db");
    std::fs::copy(path, &copy).unwrap();
    Connection::open(&copy).unwrap()
}

#[test]
fn a_closed_store_leaves_everything_in_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.db");
    {
        let store = Store::open(&path, &StoreConfig::default()).unwrap();
        let id = open_one(&store);
        store
            .put_vote(
                ServerId::Console,
                id,
                "ana",
                Some("other"),
                t("2026-12-01T00:00:00Z"),
            )
            .unwrap();
        // Reads open pooled reader connections, which must not keep the WAL alive.
        assert_eq!(store.vote_of(id, "ana").unwrap().as_deref(), Some("other"));
        assert_eq!(store.replies(id).unwrap().len(), 0);
    }
    let wal = dir.path().join("r.db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "the WAL is folded into the file on close"
    );
    let c = copy_of_the_file_alone(&path, dir.path());
    let votes: i64 = c
        .query_row("SELECT COUNT(*) FROM votes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(votes, 1);
}

#[test]
fn a_checkpoint_puts_every_committed_write_in_the_file_while_the_store_stays_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    let store = Store::open(&path, &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    store
        .put_vote(
            ServerId::Console,
            id,
            "ana",
            Some("other"),
            t("2026-12-01T00:00:00Z"),
        )
        .unwrap();
    assert_eq!(store.vote_of(id, "ana").unwrap().as_deref(), Some("other"));
    assert!(store.checkpoint().unwrap(), "nothing holds it back");
    let c = copy_of_the_file_alone(&path, dir.path());
    let votes: i64 = c
        .query_row("SELECT COUNT(*) FROM votes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(votes, 1);
}

#[test]
fn a_backup_taken_while_votes_are_written_is_one_consistent_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.db");
    let store = Store::open(&path, &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let voters: Vec<_> = (0..2)
        .map(|w| {
            let (store, stop) = (store.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let option = ["other", "stay-out"][(n % 2) as usize];
                    store
                        .put_vote(
                            ServerId::Console,
                            id,
                            &format!("w{w}-m{}", n % 500),
                            Some(option),
                            t("2026-12-01T00:00:00Z"),
                        )
                        .unwrap();
                    n += 1;
                }
                n
            })
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let dest = dir.path().join("backup.db");
    let summary = store.backup_to(&dest).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written: u64 = voters.into_iter().map(|h| h.join().unwrap()).sum();
    assert!(written > 0 && summary.pages > 0);
    assert!(!dir.path().join("backup.db-wal").exists());
    assert!(!dir.path().join("backup.db.partial").exists());
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let c = copy_of_the_file_alone(&dest, &elsewhere);
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    // One snapshot: the per-option counters agree with the vote rows in the copy.
    let (rows, counted): (i64, i64) = c
        .query_row(
            "SELECT (SELECT COUNT(*) FROM votes), (SELECT COALESCE(SUM(votes), 0) FROM option_counts)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(rows, counted);
    assert!(rows > 0);
    // A backup never replaces the database itself.
    let err = store.backup_to(&path).unwrap_err().to_string();
    assert!(err.contains("the database itself"), "{err}");
}

/// `n` stores opening `path` at the same moment, each with its own connection.
fn open_at_once(path: &Path, n: usize) -> Vec<Result<(), String>> {
    let barrier = Arc::new(std::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (path, barrier) = (path.to_path_buf(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                Store::open(&path, &StoreConfig::default())
                    .map(|s| {
                        drop(s.discussions(ServerId::Console, false, t("2026-12-01T00:00:00Z"), 1))
                    })
                    .map_err(|e| e.to_string())
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn two_openers_of_a_new_database_at_once_both_succeed() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        for r in open_at_once(&path, 2) {
            assert_eq!(r, Ok(()), "round {round}");
        }
        let c = Connection::open(&path).unwrap();
        let v: i64 = c
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
    }
}

#[test]
fn two_openers_of_a_version_1_database_at_once_both_succeed() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        {
            let mut c = Connection::open(&path).unwrap();
            c.pragma_update(None, "journal_mode", "WAL").unwrap();
            super::migrations::apply_first(&mut c, &path, 1).unwrap();
        }
        for r in open_at_once(&path, 2) {
            assert_eq!(r, Ok(()), "round {round}");
        }
    }
}

#[test]
fn the_same_thread_message_or_form_submission_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("d.db"), &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    let now = t("2026-12-01T00:00:00Z");
    let first = store
        .add_reply(
            ServerId::Console,
            id,
            "ana",
            ReplySource::Thread,
            Some("hi"),
            Some("m1"),
            now,
        )
        .unwrap();
    let ReplyWrite::Added { id: reply } = first else {
        panic!("{first:?}")
    };
    assert_eq!(
        store
            .add_reply(
                ServerId::Console,
                id,
                "ana",
                ReplySource::Thread,
                Some("hi"),
                Some("m1"),
                now
            )
            .unwrap(),
        ReplyWrite::Duplicate { id: reply }
    );
    let form = store
        .add_reply(
            ServerId::Console,
            id,
            "bo",
            ReplySource::Form,
            Some("why"),
            Some("ix1"),
            now,
        )
        .unwrap();
    assert!(matches!(form, ReplyWrite::Added { .. }));
    assert!(matches!(
        store
            .add_reply(
                ServerId::Console,
                id,
                "bo",
                ReplySource::Form,
                Some("why"),
                Some("ix1"),
                now
            )
            .unwrap(),
        ReplyWrite::Duplicate { .. }
    ));
    // Without an origin (the console) every reply counts.
    for _ in 0..2 {
        store
            .add_reply(
                ServerId::Console,
                id,
                "cy",
                ReplySource::Form,
                Some("again"),
                None,
                now,
            )
            .unwrap();
    }
    assert_eq!(store.replies(id).unwrap().len(), 4);
    // The database refuses a second row for one message even past the store's own check.
    let c = Connection::open(store.path()).unwrap();
    assert!(c
        .execute(
            "INSERT INTO replies (discussion, member, source, message_id, at) VALUES (?1, 'x', 'thread', 'm1', 0)",
            [id.0],
        )
        .is_err());
}

#[test]
fn an_older_database_holding_a_thread_message_twice_keeps_it_once_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let mut c = Connection::open(&path).unwrap();
        super::migrations::apply_first(&mut c, &path, 2).unwrap();
        c.execute_batch(
            "INSERT INTO discussions (prompt_id, prompt, channel, option_order, opened_at) VALUES ('p', '{}', 'c', '[]', 0);
             INSERT INTO replies (discussion, member, source, text, message_id, at) VALUES (1, 'a', 'thread', 'x', 'm1', 1);
             INSERT INTO replies (discussion, member, source, text, message_id, at) VALUES (1, 'a', 'thread', 'x', 'm1', 2);
             INSERT INTO replies (discussion, member, source, text, message_id, at) VALUES (1, 'b', 'form', 'y', NULL, 3);
             INSERT INTO replies (discussion, member, source, text, message_id, at) VALUES (1, 'b', 'form', 'y', NULL, 4);",
        )
        .unwrap();
    }
    let _store = Store::open(&path, &StoreConfig::default()).unwrap();
    let c = Connection::open(&path).unwrap();
    let ats: Vec<i64> = c
        .prepare("SELECT at FROM replies ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        ats,
        [1, 3, 4],
        "the first copy is kept; replies without a message id all stay"
    );
}

#[test]
fn a_dead_writer_refuses_every_write_and_says_nothing_more_can_be_stored() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("dead.db"), &StoreConfig::default()).unwrap();
    let id = open_one(&store);
    assert!(store.writer_alive());
    store.kill_writer_for_tests();
    assert!(!store.writer_alive());
    let err = store
        .put_vote(
            ServerId::Console,
            id,
            "ana",
            Some("other"),
            t("2026-12-01T00:00:00Z"),
        )
        .unwrap_err();
    assert!(err.is_fatal(), "{err}");
    // What the adapters wait on resolves.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    rt.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(5), store.writer_stopped())
            .await
            .expect("writer_stopped resolves once the writer is dead")
    });
}
