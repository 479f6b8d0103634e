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
            .put_vote(id, "ana", Some("other"), t("2026-12-01T00:00:00Z"))
            .unwrap();
        store
            .add_reply(
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
    let d = store.discussion(id).unwrap().unwrap();
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
                    store.put_vote(id, &format!("m{i}"), Some("other"), t("2026-12-01T00:00:00Z")).map(|_| ())
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
            id,
            "ana",
            ReplySource::Thread,
            Some("draft"),
            Some("msg1"),
            now,
        )
        .unwrap();
    assert!(store.edit_reply_by_message("msg1", Some("final")).unwrap());
    assert_eq!(store.replies(id).unwrap()[0].text.as_deref(), Some("final"));
    assert!(store.delete_reply_by_message("msg1").unwrap());
    assert!(!store.delete_reply_by_message("msg1").unwrap());
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
    assert_eq!(store.due_for_close(late).unwrap(), vec![id]);
    assert_eq!(
        store.close(id, Some("mod"), late).unwrap(),
        CloseWrite::Closed {
            at: t("2026-12-06T18:00:00Z")
        }
    );
    let d = store.discussion(id).unwrap().unwrap();
    assert_eq!(
        d.closed_by, None,
        "its time was up before the moderator acted"
    );
    assert!(store.due_for_close(late).unwrap().is_empty());
    assert_eq!(store.next_close_time().unwrap(), None);
}
