//! Row-by-row reads for exports and the history: each row goes to the caller's closure as SQLite
//! steps to it, so a discussion with a million votes is never held in memory at once.

use super::{
    from_millis, millis, row_to_raw, AnswerRecord, DiscussionId, DiscussionRecord, RawDiscussion,
    ReplyRecord, ReplySource, ServerId, StatementOrigin, StatementRecord, StatementState, Store,
    StoreError, SELECT_DISCUSSION,
};
use crate::opinion::Answer;
use jiff::Timestamp;
use rusqlite::{params, Connection};

/// One member's vote as stored: their current stance and when they took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRecord {
    pub member: String,
    /// The option key.
    pub option: String,
    pub at: Timestamp,
}

/// One reply, with the stance its author holds now (if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRow {
    pub reply: ReplyRecord,
    /// The option key the author currently votes for.
    pub stance: Option<String>,
}

impl ReplySource {
    /// `thread` or `form`, as stored and exported.
    pub fn name(self) -> &'static str {
        self.as_str()
    }
}

/// Calls `f` per vote, oldest first. `Ok(Err(e))` carries the caller's error out of the read.
fn each_vote<E>(
    c: &Connection,
    id: DiscussionId,
    f: &mut impl FnMut(VoteRecord) -> Result<(), E>,
) -> Result<Result<u64, E>, StoreError> {
    // The sort runs in SQLite's sorter, which spills to disk beyond its cache: memory stays bounded.
    let mut stmt = c.prepare(
        "SELECT member, option, at FROM votes WHERE discussion = ?1 ORDER BY at, member",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    let mut n = 0;
    for row in rows {
        let (member, option, at) = row?;
        let vote = VoteRecord {
            member,
            option,
            at: from_millis(at)?,
        };
        if let Err(e) = f(vote) {
            return Ok(Err(e));
        }
        n += 1;
    }
    Ok(Ok(n))
}

/// Calls `f` per reply, oldest first, with its author's current stance.
fn each_reply<E>(
    c: &Connection,
    id: DiscussionId,
    f: &mut impl FnMut(ReplyRow) -> Result<(), E>,
) -> Result<Result<u64, E>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT r.id, r.member, r.source, r.text, r.message_id, r.at, v.option
         FROM replies r LEFT JOIN votes v ON v.discussion = r.discussion AND v.member = r.member
         WHERE r.discussion = ?1 ORDER BY r.at, r.id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Option<String>>(6)?,
        ))
    })?;
    let mut n = 0;
    for row in rows {
        let (reply_id, member, source, text, message_id, at, stance) = row?;
        let reply = ReplyRow {
            reply: ReplyRecord {
                id: reply_id,
                member,
                source: ReplySource::parse(&source)?,
                text,
                message_id,
                at: from_millis(at)?,
            },
            stance,
        };
        if let Err(e) = f(reply) {
            return Ok(Err(e));
        }
        n += 1;
    }
    Ok(Ok(n))
}

/// Calls `f` per statement of the discussion (any state), in statement order.
fn each_statement<E>(
    c: &Connection,
    id: DiscussionId,
    f: &mut impl FnMut(StatementRecord) -> Result<(), E>,
) -> Result<Result<u64, E>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT id, author, origin, text, state, at FROM statements WHERE discussion = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    let mut n = 0;
    for row in rows {
        let (sid, author, origin, text, state, at) = row?;
        let statement = StatementRecord {
            id: sid,
            discussion: id,
            author,
            origin: StatementOrigin::parse(&origin)?,
            text,
            state: StatementState::parse(&state)?,
            at: from_millis(at)?,
        };
        if let Err(e) = f(statement) {
            return Ok(Err(e));
        }
        n += 1;
    }
    Ok(Ok(n))
}

/// Calls `f` per answer to any statement of the discussion, by statement, then time.
fn each_answer<E>(
    c: &Connection,
    id: DiscussionId,
    f: &mut impl FnMut(AnswerRecord) -> Result<(), E>,
) -> Result<Result<u64, E>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT statement, member, answer, at FROM answers WHERE discussion = ?1
         ORDER BY statement, at, member",
    )?;
    let rows = stmt.query_map([id.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut n = 0;
    for row in rows {
        let (statement, member, answer, at) = row?;
        let answer = AnswerRecord {
            statement,
            member,
            answer: Answer::parse(&answer)
                .ok_or_else(|| StoreError::Corrupt(format!("answer `{answer}`")))?,
            at: from_millis(at)?,
        };
        if let Err(e) = f(answer) {
            return Ok(Err(e));
        }
        n += 1;
    }
    Ok(Ok(n))
}

/// The callbacks of [`Store::for_each_export_row`], one per kind of row.
pub struct ExportRows<V, R, S, A> {
    pub vote: V,
    pub reply: R,
    pub statement: S,
    pub answer: A,
}

/// How many rows of each kind an export read passed on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub votes: u64,
    pub replies: u64,
    pub statements: u64,
    pub answers: u64,
}

impl Store {
    /// Every vote, reply, statement (any state) and answer of the discussion, in that order and
    /// one transaction (a consistent snapshot while members keep taking part), one row at a time.
    pub fn for_each_export_row<E, V, R, S, A>(
        &self,
        id: DiscussionId,
        mut rows: ExportRows<V, R, S, A>,
    ) -> Result<RowCounts, E>
    where
        E: From<StoreError>,
        V: FnMut(VoteRecord) -> Result<(), E>,
        R: FnMut(ReplyRow) -> Result<(), E>,
        S: FnMut(StatementRecord) -> Result<(), E>,
        A: FnMut(AnswerRecord) -> Result<(), E>,
    {
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            macro_rules! each {
                ($read:expr) => {
                    match $read? {
                        Ok(n) => n,
                        Err(e) => return Ok(Err(e)),
                    }
                };
            }
            let counts = RowCounts {
                votes: each!(each_vote(&tx, id, &mut rows.vote)),
                replies: each!(each_reply(&tx, id, &mut rows.reply)),
                statements: each!(each_statement(&tx, id, &mut rows.statement)),
                answers: each!(each_answer(&tx, id, &mut rows.answer)),
            };
            tx.finish()?;
            Ok(Ok(counts))
        })?
    }

    /// Calls `f` with each vote of the discussion, oldest first, as SQLite reads it (nothing is
    /// collected). Stops at the first error `f` returns. Returns the number of votes passed.
    pub fn for_each_vote<E: From<StoreError>>(
        &self,
        id: DiscussionId,
        mut f: impl FnMut(VoteRecord) -> Result<(), E>,
    ) -> Result<u64, E> {
        self.read(|c| each_vote(c, id, &mut f))?
    }

    /// Calls `f` with each reply of the discussion, oldest first, as SQLite reads it.
    pub fn for_each_reply<E: From<StoreError>>(
        &self,
        id: DiscussionId,
        mut f: impl FnMut(ReplyRow) -> Result<(), E>,
    ) -> Result<u64, E> {
        self.read(|c| each_reply(c, id, &mut f))?
    }

    /// Every vote, then every reply, read in one transaction: a consistent snapshot even while
    /// members keep voting. Returns the numbers of votes and replies passed on.
    pub fn for_each_row<E: From<StoreError>>(
        &self,
        id: DiscussionId,
        mut on_vote: impl FnMut(VoteRecord) -> Result<(), E>,
        mut on_reply: impl FnMut(ReplyRow) -> Result<(), E>,
    ) -> Result<(u64, u64), E> {
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            let votes = match each_vote(&tx, id, &mut on_vote)? {
                Ok(n) => n,
                Err(e) => return Ok(Err(e)),
            };
            let replies = match each_reply(&tx, id, &mut on_reply)? {
                Ok(n) => n,
                Err(e) => return Ok(Err(e)),
            };
            tx.finish()?;
            Ok(Ok((votes, replies)))
        })?
    }

    /// Discussions that have stopped taking answers at `now` (closed by a moderator, or past their
    /// close time), newest first; at most `limit`.
    pub fn closed_discussions(
        &self,
        server: ServerId,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<DiscussionRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "{SELECT_DISCUSSION} WHERE guild = ?3 AND (closed_at IS NOT NULL OR closes_at <= ?1) ORDER BY id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![millis(now), limit as i64, server], row_to_raw)?;
            rows.map(|r| {
                r.map_err(StoreError::from)
                    .and_then(RawDiscussion::into_record)
            })
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Prompt;
    use crate::store::NewDiscussion;
    use crate::store::StoreConfig;
    use std::path::Path;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn store_with_one(dir: &Path) -> (Store, DiscussionId) {
        let store = Store::open(&dir.join("rows.db"), &StoreConfig::default()).unwrap();
        let p = Prompt::from_str_at(
            Path::new("prompts/syria-strike-2017.toml"),
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap();
        let order: Vec<String> = p.options.iter().map(|o| o.key.clone()).collect();
        let id = store
            .insert_discussion(NewDiscussion {
                server: crate::store::ServerId::Console,
                prompt: &p,
                channel: "c1",
                option_order: &order,
                opened_at: t("2026-11-30T18:00:00Z"),
                closes_at: Some(t("2026-12-06T18:00:00Z")),
            })
            .unwrap();
        (store, id)
    }

    #[test]
    fn votes_and_replies_are_passed_on_oldest_first_with_the_authors_stance() {
        let dir = tempfile::tempdir().unwrap();
        let (store, id) = store_with_one(dir.path());
        store
            .put_vote(
                crate::store::ServerId::Console,
                id,
                "bo",
                Some("other"),
                t("2026-12-01T10:00:00Z"),
            )
            .unwrap();
        store
            .put_vote(
                crate::store::ServerId::Console,
                id,
                "al",
                Some("stay-out"),
                t("2026-12-01T09:00:00Z"),
            )
            .unwrap();
        store
            .add_reply(
                crate::store::ServerId::Console,
                id,
                "al",
                ReplySource::Form,
                Some("why"),
                None,
                t("2026-12-02T00:00:00Z"),
            )
            .unwrap();
        store
            .add_reply(
                crate::store::ServerId::Console,
                id,
                "cy",
                ReplySource::Thread,
                None,
                Some("m9"),
                t("2026-12-01T00:00:00Z"),
            )
            .unwrap();
        let mut votes = Vec::new();
        let mut replies = Vec::new();
        let counts = store
            .for_each_row::<StoreError>(
                id,
                |v| {
                    votes.push(v);
                    Ok(())
                },
                |r| {
                    replies.push(r);
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!(counts, (2, 2));
        assert_eq!(
            votes.iter().map(|v| v.member.as_str()).collect::<Vec<_>>(),
            ["al", "bo"]
        );
        assert_eq!(replies[0].reply.member, "cy");
        assert_eq!(replies[0].stance, None);
        assert_eq!(replies[1].stance.as_deref(), Some("stay-out"));
        assert_eq!(replies[1].reply.source.name(), "form");
    }

    #[test]
    fn the_callers_error_stops_the_read_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (store, id) = store_with_one(dir.path());
        for i in 0..10 {
            store
                .put_vote(
                    crate::store::ServerId::Console,
                    id,
                    &format!("m{i}"),
                    Some("other"),
                    t("2026-12-01T10:00:00Z"),
                )
                .unwrap();
        }
        #[derive(Debug)]
        enum E {
            Full,
            Store,
        }
        impl From<StoreError> for E {
            fn from(_: StoreError) -> Self {
                E::Store
            }
        }
        let mut seen = 0;
        let r = store.for_each_vote(id, |_| {
            seen += 1;
            if seen == 3 {
                Err(E::Full)
            } else {
                Ok(())
            }
        });
        assert!(matches!(r, Err(E::Full)));
        assert_eq!(seen, 3);
        // The pooled connection is left usable.
        assert_eq!(
            store.for_each_vote::<StoreError>(id, |_| Ok(())).unwrap(),
            10
        );
    }

    #[test]
    fn only_discussions_that_stopped_taking_answers_are_past() {
        let dir = tempfile::tempdir().unwrap();
        let (store, first) = store_with_one(dir.path());
        let d = store
            .discussion(crate::store::ServerId::Console, first)
            .unwrap()
            .unwrap();
        let second = store
            .insert_discussion(NewDiscussion {
                server: crate::store::ServerId::Console,
                prompt: &d.prompt,
                channel: "c1",
                option_order: &d.option_order,
                opened_at: t("2026-12-07T18:00:00Z"),
                closes_at: Some(t("2026-12-13T18:00:00Z")),
            })
            .unwrap();
        let ids = |now: &str| -> Vec<DiscussionId> {
            store
                .closed_discussions(crate::store::ServerId::Console, t(now), 10)
                .unwrap()
                .into_iter()
                .map(|d| d.id)
                .collect()
        };
        assert_eq!(ids("2026-12-01T00:00:00Z"), Vec::<DiscussionId>::new());
        // The first is past its close time even though no one marked it closed.
        assert_eq!(ids("2026-12-08T00:00:00Z"), vec![first]);
        store
            .close(
                crate::store::ServerId::Console,
                second,
                Some("mod"),
                t("2026-12-08T00:00:00Z"),
            )
            .unwrap();
        assert_eq!(ids("2026-12-08T00:00:00Z"), vec![second, first]);
    }
}
