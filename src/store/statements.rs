//! Statements members weigh in on, their answers, each member's weighing order, and the stance
//! history. Writes go through the one writer (an answer is committed before the member sees the
//! next card); every query is scoped to the discussion's server.

use super::{from_millis, millis, status, ClosedState, DiscussionId, ServerId, Store, StoreError};
use crate::opinion::Answer;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

/// The answers of a discussion as the grouping reads them (see [`Store::answer_matrix`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerMatrix {
    /// Each member who answered, once.
    pub members: Vec<String>,
    /// `(index into members, statement, answer)`.
    pub rows: Vec<(u32, i64, Answer)>,
}

/// Where a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementOrigin {
    /// A member's reply (the private form, or a thread message whose text was collected).
    Reply,
    /// A moderator added it.
    Moderator,
}

impl StatementOrigin {
    fn as_str(self) -> &'static str {
        match self {
            StatementOrigin::Reply => "reply",
            StatementOrigin::Moderator => "moderator",
        }
    }

    /// `reply` or `moderator`, as stored and exported.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    pub(super) fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "reply" => Ok(StatementOrigin::Reply),
            "moderator" => Ok(StatementOrigin::Moderator),
            other => Err(StoreError::Corrupt(format!("statement origin `{other}`"))),
        }
    }
}

/// Whether members are shown a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementState {
    Shown,
    /// A moderator hid it.
    Hidden,
    /// Its author withdrew it.
    Withdrawn,
}

impl StatementState {
    /// `shown`, `hidden` or `withdrawn`, as stored and exported.
    pub fn name(self) -> &'static str {
        match self {
            StatementState::Shown => "shown",
            StatementState::Hidden => "hidden",
            StatementState::Withdrawn => "withdrawn",
        }
    }

    pub(super) fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "shown" => Ok(StatementState::Shown),
            "hidden" => Ok(StatementState::Hidden),
            "withdrawn" => Ok(StatementState::Withdrawn),
            other => Err(StoreError::Corrupt(format!("statement state `{other}`"))),
        }
    }
}

/// One stored statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRecord {
    pub id: i64,
    pub discussion: DiscussionId,
    /// Who wrote it (a member, or the moderator who added it).
    pub author: String,
    pub origin: StatementOrigin,
    pub text: String,
    pub state: StatementState,
    pub at: Timestamp,
}

/// The store's answer to a new statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementWrite {
    Added {
        id: i64,
    },
    /// The same text (once normalised) is a statement already: merged into it.
    Merged {
        id: i64,
    },
    /// The author has written `limit` statements here already.
    OverLimit {
        limit: usize,
    },
    NotOpen(ClosedState),
    NotFound,
}

/// The store's answer to an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerWrite {
    Recorded {
        previous: Option<Answer>,
    },
    Unchanged,
    /// No such statement shown in this discussion.
    NoStatement,
    NotOpen(ClosedState),
    NotFound,
}

/// A change of a statement's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateWrite {
    Changed,
    /// Not a statement of this discussion (or, for a withdrawal, not the member's own).
    NoStatement,
    NotFound,
}

/// One answer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    pub statement: i64,
    pub member: String,
    pub answer: Answer,
    pub at: Timestamp,
}

/// One stance change as stored: `option` is `None` for a withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanceChange {
    pub member: String,
    pub option: Option<String>,
    pub at: Timestamp,
}

fn open_status(
    c: &Connection,
    server: ServerId,
    id: DiscussionId,
    now: Timestamp,
) -> Result<Result<(), Option<ClosedState>>, StoreError> {
    match status(c, server, id)? {
        None => Ok(Err(None)),
        Some(s) => match s.closed_as_of(now)? {
            Some(closed) => Ok(Err(Some(closed))),
            None => Ok(Ok(())),
        },
    }
}

/// Appends to the stance history; called inside the vote's transaction.
pub(super) fn record_stance(
    c: &Connection,
    id: DiscussionId,
    member: &str,
    option: Option<&str>,
    now: Timestamp,
) -> Result<(), StoreError> {
    c.prepare_cached(
        "INSERT INTO stance_history (discussion, member, option, at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id.0, member, option, millis(now)])?;
    Ok(())
}

impl Store {
    /// Adds a statement (or merges it into the one with the same `normal` text). `limit` bounds
    /// how many statements one author may add to a discussion (moderators' are not limited).
    #[allow(clippy::too_many_arguments)]
    pub fn add_statement(
        &self,
        server: ServerId,
        id: DiscussionId,
        author: &str,
        origin: StatementOrigin,
        text: &str,
        normal: &str,
        limit: usize,
        now: Timestamp,
    ) -> Result<StatementWrite, StoreError> {
        let (author, text, normal) = (author.to_string(), text.to_string(), normal.to_string());
        self.inner.writer.write(move |c| {
            match open_status(c, server, id, now)? {
                Err(None) => return Ok(StatementWrite::NotFound),
                Err(Some(closed)) => return Ok(StatementWrite::NotOpen(closed)),
                Ok(()) => {}
            }
            let same: Option<i64> = c
                .prepare_cached("SELECT id FROM statements WHERE discussion = ?1 AND normal = ?2")?
                .query_row(params![id.0, normal], |r| r.get(0))
                .optional()?;
            if let Some(same) = same {
                return Ok(StatementWrite::Merged { id: same });
            }
            if origin == StatementOrigin::Reply {
                let mine: i64 = c
                    .prepare_cached(
                        "SELECT COUNT(*) FROM statements WHERE discussion = ?1 AND author = ?2 AND origin = 'reply'",
                    )?
                    .query_row(params![id.0, author], |r| r.get(0))?;
                if mine as usize >= limit {
                    return Ok(StatementWrite::OverLimit { limit });
                }
            }
            c.prepare_cached(
                "INSERT INTO statements (discussion, author, origin, text, normal, state, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'shown', ?6)",
            )?
            .execute(params![id.0, author, origin.as_str(), text, normal, millis(now)])?;
            Ok(StatementWrite::Added {
                id: c.last_insert_rowid(),
            })
        })
    }

    /// Hides a statement (a moderator), or withdraws it (`author`: only their own).
    pub fn set_statement_state(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
        state: StatementState,
        author: Option<&str>,
    ) -> Result<StateWrite, StoreError> {
        let author = author.map(str::to_string);
        let state = match state {
            StatementState::Shown => "shown",
            StatementState::Hidden => "hidden",
            StatementState::Withdrawn => "withdrawn",
        };
        self.inner.writer.write(move |c| {
            if status(c, server, id)?.is_none() {
                return Ok(StateWrite::NotFound);
            }
            let n = c
                .prepare_cached(
                    "UPDATE statements SET state = ?3
                     WHERE discussion = ?1 AND id = ?2 AND (?4 IS NULL OR (author = ?4 AND origin = 'reply'))",
                )?
                .execute(params![id.0, statement, state, author])?;
            Ok(if n == 0 {
                StateWrite::NoStatement
            } else {
                StateWrite::Changed
            })
        })
    }

    /// Records (or changes) a member's answer to a shown statement of an open discussion.
    pub async fn put_answer_async(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
        member: &str,
        answer: Answer,
        now: Timestamp,
    ) -> Result<AnswerWrite, StoreError> {
        let member = member.to_string();
        self.inner
            .writer
            .write_async(move |c| put_answer(c, server, id, statement, &member, answer, now))
            .await
    }

    /// Blocking form of [`Store::put_answer_async`].
    pub fn put_answer(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
        member: &str,
        answer: Answer,
        now: Timestamp,
    ) -> Result<AnswerWrite, StoreError> {
        let member = member.to_string();
        self.inner
            .writer
            .write(move |c| put_answer(c, server, id, statement, &member, answer, now))
    }

    /// The member's weighing seed for this discussion, made (from `fresh`) and stored on first use.
    pub fn weigh_seed(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        fresh: u64,
    ) -> Result<Option<u64>, StoreError> {
        // Every card after the first reads the stored seed: only the first one writes.
        let stored: Option<i64> = self.read(|c| {
            c.prepare_cached(
                "SELECT w.seed FROM weigh_seeds w JOIN discussions d ON d.id = w.discussion
                 WHERE w.discussion = ?1 AND w.member = ?2 AND d.guild = ?3",
            )?
            .query_row(params![id.0, member, server], |r| r.get(0))
            .optional()
            .map_err(StoreError::from)
        })?;
        if let Some(seed) = stored {
            return Ok(Some(seed as u64));
        }
        let member = member.to_string();
        self.inner.writer.write(move |c| {
            if status(c, server, id)?.is_none() {
                return Ok(None);
            }
            c.prepare_cached(
                "INSERT INTO weigh_seeds (discussion, member, seed) VALUES (?1, ?2, ?3)
                 ON CONFLICT (discussion, member) DO NOTHING",
            )?
            .execute(params![id.0, member, fresh as i64])?;
            let seed: i64 = c
                .prepare_cached(
                    "SELECT seed FROM weigh_seeds WHERE discussion = ?1 AND member = ?2",
                )?
                .query_row(params![id.0, member], |r| r.get(0))?;
            Ok(Some(seed as u64))
        })
    }

    /// Shown statements `member` has not answered and did not write, each with its number of
    /// answers, in statement order. Two index reads, whatever the number of answers: the
    /// member's answers (by `answers_by_member`), and the shown statements with their stored
    /// counts (covered by `statements_for_cards`).
    pub fn unanswered(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
    ) -> Result<Vec<(i64, u64)>, StoreError> {
        self.read(|c| {
            let mut answered: Vec<i64> = c
                .prepare_cached(
                    "SELECT statement FROM answers WHERE discussion = ?1 AND member = ?2",
                )?
                .query_map(params![id.0, member], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            answered.sort_unstable();
            let mut stmt = c.prepare_cached(
                "SELECT s.id, s.answer_count, s.origin = 'reply' AND s.author = ?3
                 FROM statements s JOIN discussions d ON d.id = s.discussion
                 WHERE s.discussion = ?1 AND d.guild = ?2 AND s.state = 'shown'
                 ORDER BY s.id",
            )?;
            let mut rows = stmt.query(params![id.0, server, member])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                let (statement, count, own): (i64, i64, bool) = (r.get(0)?, r.get(1)?, r.get(2)?);
                if !own && answered.binary_search(&statement).is_err() {
                    out.push((statement, count.max(0) as u64));
                }
            }
            Ok(out)
        })
    }

    /// The text of one shown statement of the discussion, if it is there and shown.
    pub fn shown_statement_text(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
    ) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            c.prepare_cached(
                "SELECT s.text FROM statements s JOIN discussions d ON d.id = s.discussion
                 WHERE s.id = ?1 AND s.discussion = ?2 AND d.guild = ?3 AND s.state = 'shown'",
            )?
            .query_row(params![statement, id.0, server], |r| r.get(0))
            .optional()
            .map_err(StoreError::from)
        })
    }

    /// Every member's current stance in the discussion: `(member, option key)`, by member.
    pub fn stances(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT v.member, v.option FROM votes v JOIN discussions d ON d.id = v.discussion
                 WHERE v.discussion = ?1 AND d.guild = ?2 ORDER BY v.member",
            )?;
            let rows = stmt.query_map(params![id.0, server], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })
    }

    /// Every statement of the discussion (any state), in statement order.
    pub fn statements(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Vec<StatementRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT s.id, s.author, s.origin, s.text, s.state, s.at
                 FROM statements s JOIN discussions d ON d.id = s.discussion
                 WHERE s.discussion = ?1 AND d.guild = ?2 ORDER BY s.id",
            )?;
            let rows = stmt.query_map(params![id.0, server], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (sid, author, origin, text, state, at) = row?;
                out.push(StatementRecord {
                    id: sid,
                    discussion: id,
                    author,
                    origin: if origin == "moderator" {
                        StatementOrigin::Moderator
                    } else {
                        StatementOrigin::Reply
                    },
                    text,
                    state: StatementState::parse(&state)?,
                    at: from_millis(at)?,
                });
            }
            Ok(out)
        })
    }

    /// Every answer to the discussion's shown statements.
    pub fn answers(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Vec<AnswerRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT a.statement, a.member, a.answer, a.at
                 FROM answers a JOIN statements s ON s.id = a.statement
                 JOIN discussions d ON d.id = s.discussion
                 WHERE s.discussion = ?1 AND d.guild = ?2 AND s.state = 'shown'
                 ORDER BY a.statement, a.member",
            )?;
            let rows = stmt.query_map(params![id.0, server], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (statement, member, answer, at) = row?;
                out.push(AnswerRecord {
                    statement,
                    member,
                    answer: Answer::parse(&answer)
                        .ok_or_else(|| StoreError::Corrupt(format!("answer `{answer}`")))?,
                    at: from_millis(at)?,
                });
            }
            Ok(out)
        })
    }

    /// The answers to the discussion's shown statements in the compact form the grouping reads:
    /// each member once, and `(member index, statement, answer)` rows. One string per member
    /// rather than per answer: 200,000 answers by 10,000 members read as 10,000 strings.
    pub fn answer_matrix(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<AnswerMatrix, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT a.statement, a.member, a.answer
                 FROM statements s JOIN discussions d ON d.id = s.discussion
                 JOIN answers a ON a.statement = s.id
                 WHERE s.discussion = ?1 AND d.guild = ?2 AND s.state = 'shown'",
            )?;
            let mut rows = stmt.query(params![id.0, server])?;
            let mut index: std::collections::HashMap<String, u32> = Default::default();
            let mut out = AnswerMatrix::default();
            while let Some(r) = rows.next()? {
                let statement: i64 = r.get(0)?;
                let member = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
                let answer = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
                let answer = Answer::parse(answer)
                    .ok_or_else(|| StoreError::Corrupt(format!("answer `{answer}`")))?;
                let m = match index.get(member) {
                    Some(&m) => m,
                    None => {
                        let m = out.members.len() as u32;
                        index.insert(member.to_string(), m);
                        out.members.push(member.to_string());
                        m
                    }
                };
                out.rows.push((m, statement, answer));
            }
            Ok(out)
        })
    }

    /// The discussion's stance history, oldest first.
    pub fn stance_history(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Vec<StanceChange>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT h.member, h.option, h.at FROM stance_history h
                 JOIN discussions d ON d.id = h.discussion
                 WHERE h.discussion = ?1 AND d.guild = ?2 ORDER BY h.id",
            )?;
            let rows = stmt.query_map(params![id.0, server], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (member, option, at) = row?;
                out.push(StanceChange {
                    member,
                    option,
                    at: from_millis(at)?,
                });
            }
            Ok(out)
        })
    }
}

fn put_answer(
    c: &Connection,
    server: ServerId,
    id: DiscussionId,
    statement: i64,
    member: &str,
    answer: Answer,
    now: Timestamp,
) -> Result<AnswerWrite, StoreError> {
    match open_status(c, server, id, now)? {
        Err(None) => return Ok(AnswerWrite::NotFound),
        Err(Some(closed)) => return Ok(AnswerWrite::NotOpen(closed)),
        Ok(()) => {}
    }
    let shown: Option<i64> = c
        .prepare_cached(
            "SELECT id FROM statements WHERE id = ?1 AND discussion = ?2 AND state = 'shown'",
        )?
        .query_row(params![statement, id.0], |r| r.get(0))
        .optional()?;
    if shown.is_none() {
        return Ok(AnswerWrite::NoStatement);
    }
    let previous: Option<String> = c
        .prepare_cached("SELECT answer FROM answers WHERE statement = ?1 AND member = ?2")?
        .query_row(params![statement, member], |r| r.get(0))
        .optional()?;
    let previous = previous.as_deref().and_then(Answer::parse);
    if previous == Some(answer) {
        return Ok(AnswerWrite::Unchanged);
    }
    c.prepare_cached(
        "INSERT INTO answers (discussion, statement, member, answer, at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (statement, member) DO UPDATE SET answer = excluded.answer, at = excluded.at",
    )?
    .execute(params![id.0, statement, member, answer.key(), millis(now)])?;
    Ok(AnswerWrite::Recorded { previous })
}
