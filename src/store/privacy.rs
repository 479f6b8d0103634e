//! A member's own data in one server: what the store keeps about them (`/privacy show`), and its
//! removal (`/privacy delete`). Everything is scoped to the server the request came from: the same
//! member's rows in another server are neither shown nor touched.
//!
//! Removal runs as one writer job (one savepoint, so all of it or nothing): the member's replies,
//! statements (with every answer given to them), answers and weighing seeds go; their votes are
//! unlinked from their id. A discussion that has stopped taking answers keeps its counts: the vote
//! and its stance history stay under a tombstone (`deleted:N`, numbered per discussion, nothing
//! derived from the member's id). An open discussion drops the vote, its counter and the history.

use super::{
    from_millis, millis, AnswerRecord, DiscussionId, ReplyRecord, ReplySource, ServerId,
    StanceChange, StatementOrigin, StatementRecord, StatementState, Store, StoreError,
    SuggestionRecord,
};
use crate::opinion::Answer;
use jiff::Timestamp;
use rusqlite::{params, Connection};

/// The prefix of a tombstone member: a vote kept in a closed tally after its member asked for
/// their data to be deleted.
pub const TOMBSTONE_PREFIX: &str = "deleted:";

/// A member's current stance in one discussion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldStance {
    pub discussion: DiscussionId,
    /// The option key.
    pub option: String,
    pub at: Timestamp,
}

/// Everything the store keeps about one member in one server, each list oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberData {
    pub stances: Vec<HeldStance>,
    pub history: Vec<(DiscussionId, StanceChange)>,
    pub replies: Vec<(DiscussionId, ReplyRecord)>,
    pub statements: Vec<StatementRecord>,
    pub answers: Vec<(DiscussionId, AnswerRecord)>,
    /// Articles the member suggested.
    pub suggestions: Vec<SuggestionRecord>,
}

impl MemberData {
    pub fn is_empty(&self) -> bool {
        self.stances.is_empty()
            && self.history.is_empty()
            && self.replies.is_empty()
            && self.statements.is_empty()
            && self.answers.is_empty()
            && self.suggestions.is_empty()
    }

    /// The discussions the data belongs to, each once, in order.
    pub fn discussions(&self) -> Vec<DiscussionId> {
        let mut ids: Vec<DiscussionId> = self
            .stances
            .iter()
            .map(|s| s.discussion)
            .chain(self.history.iter().map(|h| h.0))
            .chain(self.replies.iter().map(|r| r.0))
            .chain(self.statements.iter().map(|s| s.discussion))
            .chain(self.answers.iter().map(|a| a.0))
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

/// What a removal did (numbers only: it is logged).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Votes of open discussions, removed with their count.
    pub votes_dropped: u64,
    /// Votes of closed discussions, kept under a tombstone so their tallies stay.
    pub votes_unlinked: u64,
    pub replies: u64,
    pub statements: u64,
    /// The member's own answers.
    pub answers: u64,
    /// Other members' answers to the member's statements.
    pub answers_to_statements: u64,
    /// Stance history rows removed (open discussions) or unlinked (closed ones).
    pub history: u64,
    /// The member's suggestions of articles.
    pub suggestions: u64,
}

impl Forgotten {
    pub fn is_empty(&self) -> bool {
        *self == Forgotten::default()
    }
}

/// The rows of `server`'s discussions only.
const IN_SERVER: &str = "discussion IN (SELECT id FROM discussions WHERE guild = ?1)";

impl Store {
    /// What the store keeps about `member` in `server`.
    pub fn member_data(&self, server: ServerId, member: &str) -> Result<MemberData, StoreError> {
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            let data = read_member(&tx, server, member)?;
            tx.finish()?;
            Ok(data)
        })
    }

    /// Removes `member`'s data in `server` (see the module's notes), in one transaction; a
    /// discussion counts as closed when it has stopped taking answers at `now`.
    pub fn forget_member(
        &self,
        server: ServerId,
        member: &str,
        now: Timestamp,
    ) -> Result<Forgotten, StoreError> {
        let member = member.to_string();
        self.inner
            .writer
            .write(move |c| forget(c, server, &member, now))
    }

    /// Async form of [`Store::forget_member`].
    pub async fn forget_member_async(
        &self,
        server: ServerId,
        member: &str,
        now: Timestamp,
    ) -> Result<Forgotten, StoreError> {
        let member = member.to_string();
        self.inner
            .writer
            .write_async(move |c| forget(c, server, &member, now))
            .await
    }
}

fn read_member(c: &Connection, server: ServerId, member: &str) -> Result<MemberData, StoreError> {
    let mut data = MemberData::default();
    let mut stmt = c.prepare_cached(&format!(
        "SELECT discussion, option, at FROM votes WHERE member = ?2 AND {IN_SERVER}
         ORDER BY at, discussion"
    ))?;
    let rows = stmt.query_map(params![server, member], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (d, option, at) = row?;
        data.stances.push(HeldStance {
            discussion: DiscussionId(d),
            option,
            at: from_millis(at)?,
        });
    }
    let mut stmt = c.prepare_cached(&format!(
        "SELECT discussion, option, at FROM stance_history WHERE member = ?2 AND {IN_SERVER}
         ORDER BY at, id"
    ))?;
    let rows = stmt.query_map(params![server, member], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
        ))
    })?;
    for row in rows {
        let (d, option, at) = row?;
        data.history.push((
            DiscussionId(d),
            StanceChange {
                member: member.to_string(),
                option,
                at: from_millis(at)?,
            },
        ));
    }
    let mut stmt = c.prepare_cached(&format!(
        "SELECT discussion, id, source, text, message_id, at FROM replies
         WHERE member = ?2 AND {IN_SERVER} ORDER BY at, id"
    ))?;
    let rows = stmt.query_map(params![server, member], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (d, id, source, text, message_id, at) = row?;
        data.replies.push((
            DiscussionId(d),
            ReplyRecord {
                id,
                member: member.to_string(),
                source: ReplySource::parse(&source)?,
                text,
                message_id,
                at: from_millis(at)?,
            },
        ));
    }
    let mut stmt = c.prepare_cached(&format!(
        "SELECT discussion, id, origin, text, state, at FROM statements
         WHERE author = ?2 AND {IN_SERVER} ORDER BY at, id"
    ))?;
    let rows = stmt.query_map(params![server, member], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (d, id, origin, text, state, at) = row?;
        data.statements.push(StatementRecord {
            id,
            discussion: DiscussionId(d),
            author: member.to_string(),
            origin: StatementOrigin::parse(&origin)?,
            text,
            state: StatementState::parse(&state)?,
            at: from_millis(at)?,
        });
    }
    let mut stmt = c.prepare_cached(&format!(
        "SELECT discussion, statement, answer, at FROM answers
         WHERE member = ?2 AND {IN_SERVER} ORDER BY at, statement"
    ))?;
    let rows = stmt.query_map(params![server, member], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    for row in rows {
        let (d, statement, answer, at) = row?;
        data.answers.push((
            DiscussionId(d),
            AnswerRecord {
                statement,
                member: member.to_string(),
                answer: Answer::parse(&answer)
                    .ok_or_else(|| StoreError::Corrupt(format!("answer `{answer}`")))?,
                at: from_millis(at)?,
            },
        ));
    }
    data.suggestions = super::suggestions::of_member(c, server, member)?;
    Ok(data)
}

fn forget(
    c: &Connection,
    server: ServerId,
    member: &str,
    now: Timestamp,
) -> Result<Forgotten, StoreError> {
    let mut done = Forgotten::default();
    // Votes, discussion by discussion: a closed one keeps the vote under a tombstone.
    let votes: Vec<(i64, String, Option<i64>, Option<i64>)> = {
        let mut stmt = c.prepare_cached(
            "SELECT v.discussion, v.option, d.closes_at, d.closed_at
             FROM votes v JOIN discussions d ON d.id = v.discussion
             WHERE v.member = ?2 AND d.guild = ?1",
        )?;
        let rows = stmt.query_map(params![server, member], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    // Discussions where the member has history but no current vote (they withdrew) count too.
    let withdrawn: Vec<(i64, Option<i64>, Option<i64>)> = {
        let mut stmt = c.prepare_cached(
            "SELECT DISTINCT h.discussion, d.closes_at, d.closed_at
             FROM stance_history h JOIN discussions d ON d.id = h.discussion
             WHERE h.member = ?2 AND d.guild = ?1
               AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.discussion = h.discussion AND v.member = ?2)",
        )?;
        let rows = stmt.query_map(params![server, member], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let is_closed = |closes_at: Option<i64>, closed_at: Option<i64>| {
        closed_at.is_some() || closes_at.is_some_and(|at| at <= millis(now))
    };
    for (d, option, closes_at, closed_at) in votes {
        if is_closed(closes_at, closed_at) {
            let tombstone = next_tombstone(c, d)?;
            c.prepare_cached("UPDATE votes SET member = ?3 WHERE discussion = ?1 AND member = ?2")?
                .execute(params![d, member, tombstone])?;
            done.history += c
                .prepare_cached(
                    "UPDATE stance_history SET member = ?3 WHERE discussion = ?1 AND member = ?2",
                )?
                .execute(params![d, member, tombstone])? as u64;
            done.votes_unlinked += 1;
        } else {
            c.prepare_cached("DELETE FROM votes WHERE discussion = ?1 AND member = ?2")?
                .execute(params![d, member])?;
            c.prepare_cached(
                "UPDATE option_counts SET votes = votes - 1 WHERE discussion = ?1 AND option = ?2",
            )?
            .execute(params![d, option])?;
            done.history += c
                .prepare_cached("DELETE FROM stance_history WHERE discussion = ?1 AND member = ?2")?
                .execute(params![d, member])? as u64;
            done.votes_dropped += 1;
        }
    }
    for (d, closes_at, closed_at) in withdrawn {
        done.history += if is_closed(closes_at, closed_at) {
            let tombstone = next_tombstone(c, d)?;
            c.prepare_cached(
                "UPDATE stance_history SET member = ?3 WHERE discussion = ?1 AND member = ?2",
            )?
            .execute(params![d, member, tombstone])?
        } else {
            c.prepare_cached("DELETE FROM stance_history WHERE discussion = ?1 AND member = ?2")?
                .execute(params![d, member])?
        } as u64;
    }
    done.replies = c
        .prepare_cached(&format!(
            "DELETE FROM replies WHERE member = ?2 AND {IN_SERVER}"
        ))?
        .execute(params![server, member])? as u64;
    done.answers = c
        .prepare_cached(&format!(
            "DELETE FROM answers WHERE member = ?2 AND {IN_SERVER}"
        ))?
        .execute(params![server, member])? as u64;
    done.answers_to_statements = c
        .prepare_cached(&format!(
            "DELETE FROM answers WHERE {IN_SERVER} AND statement IN
             (SELECT id FROM statements WHERE author = ?2 AND {IN_SERVER})"
        ))?
        .execute(params![server, member])? as u64;
    done.statements = c
        .prepare_cached(&format!(
            "DELETE FROM statements WHERE author = ?2 AND {IN_SERVER}"
        ))?
        .execute(params![server, member])? as u64;
    c.prepare_cached(&format!(
        "DELETE FROM weigh_seeds WHERE member = ?2 AND {IN_SERVER}"
    ))?
    .execute(params![server, member])?;
    done.suggestions = super::suggestions::forget_member(c, server, member)?;
    Ok(done)
}

/// A member id for a kept vote that is no one's: `deleted:N`, the next N in the discussion (a
/// discussion's tombstones are numbered in the order their members asked; nothing in the name
/// leads back to them).
fn next_tombstone(c: &Connection, discussion: i64) -> Result<String, StoreError> {
    let used: i64 = c
        .prepare_cached(
            "SELECT COUNT(DISTINCT member) FROM (
                SELECT member FROM votes WHERE discussion = ?1 AND member LIKE 'deleted:%'
                UNION SELECT member FROM stance_history WHERE discussion = ?1 AND member LIKE 'deleted:%')",
        )?
        .query_row(params![discussion], |r| r.get(0))?;
    Ok(format!("{TOMBSTONE_PREFIX}{}", used + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Prompt;
    use crate::store::{NewDiscussion, StoreConfig};
    use std::path::Path;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const GUILD: ServerId = ServerId::Guild(7);
    const OTHER: ServerId = ServerId::Guild(8);

    fn open(store: &Store, server: ServerId) -> DiscussionId {
        let p = Prompt::from_str_at(
            Path::new("prompts/syria-strike-2017.toml"),
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap();
        let order: Vec<String> = p.options.iter().map(|o| o.key.clone()).collect();
        store
            .insert_discussion(NewDiscussion {
                server,
                prompt: &p,
                channel: "c1",
                option_order: &order,
                opened_at: t("2026-11-30T18:00:00Z"),
                closes_at: Some(t("2026-12-06T18:00:00Z")),
            })
            .unwrap()
    }

    /// A member's vote, reply, statement (answered by `bo`) and answer (to `bo`'s statement).
    fn take_part(store: &Store, server: ServerId, d: DiscussionId, who: &str, at: &str) {
        let now = t(at);
        store.put_vote(server, d, who, Some("other"), now).unwrap();
        store
            .put_vote(server, d, who, Some("stay-out"), now)
            .unwrap();
        store
            .add_reply(server, d, who, ReplySource::Form, Some("why"), None, now)
            .unwrap();
        let mine = format!("{who} says so in {d}");
        let StatementWrite::Added { id: s } = store
            .add_statement(server, d, who, StatementOrigin::Reply, &mine, &mine, 5, now)
            .unwrap()
        else {
            panic!("not added")
        };
        store
            .put_answer(server, d, s, "bo", Answer::Agree, now)
            .unwrap();
        let theirs = format!("bo thinks otherwise about {d} ({who})");
        let StatementWrite::Added { id: b } = store
            .add_statement(
                server,
                d,
                "bo",
                StatementOrigin::Reply,
                &theirs,
                &theirs,
                5,
                now,
            )
            .unwrap()
        else {
            panic!("not added")
        };
        store
            .put_answer(server, d, b, who, Answer::Disagree, now)
            .unwrap();
    }

    use crate::store::StatementWrite;

    #[test]
    fn member_data_lists_what_is_kept_about_the_member_in_this_server_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db"), &StoreConfig::default()).unwrap();
        let here = open(&store, GUILD);
        let there = open(&store, OTHER);
        take_part(&store, GUILD, here, "al", "2026-12-01T10:00:00Z");
        take_part(&store, OTHER, there, "al", "2026-12-01T11:00:00Z");
        let data = store.member_data(GUILD, "al").unwrap();
        assert_eq!(data.discussions(), vec![here]);
        assert_eq!(data.stances.len(), 1);
        assert_eq!(data.stances[0].option, "stay-out");
        assert_eq!(data.history.len(), 2);
        assert_eq!(data.replies.len(), 1);
        assert_eq!(data.statements.len(), 1);
        assert_eq!(data.statements[0].text, format!("al says so in {here}"));
        assert_eq!(data.answers.len(), 1);
        assert_eq!(data.answers[0].1.answer, Answer::Disagree);
        assert!(store.member_data(GUILD, "cy").unwrap().is_empty());
    }

    #[test]
    fn forgetting_a_member_keeps_closed_counts_drops_open_votes_and_removes_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db"), &StoreConfig::default()).unwrap();
        let closed = open(&store, GUILD);
        let open_one = open(&store, GUILD);
        let elsewhere = open(&store, OTHER);
        for d in [closed, open_one] {
            take_part(&store, GUILD, d, "al", "2026-12-01T10:00:00Z");
            take_part(&store, GUILD, d, "cy", "2026-12-01T10:30:00Z");
        }
        take_part(&store, OTHER, elsewhere, "al", "2026-12-01T11:00:00Z");
        for server in [GUILD, OTHER] {
            let s = crate::store::NewSuggestion {
                member: "al".into(),
                link: Some("https://example.org/a".into()),
                attachment: None,
                filename: None,
                note: None,
                body: None,
                at: t("2026-12-01T12:00:00Z"),
            };
            store
                .add_suggestion(server, s, 3, t("2026-11-30T12:00:00Z"))
                .unwrap();
        }
        assert_eq!(store.member_data(GUILD, "al").unwrap().suggestions.len(), 1);
        store
            .close(GUILD, closed, Some("mod"), t("2026-12-02T00:00:00Z"))
            .unwrap();
        let closed_counts = store.counts(closed).unwrap().votes;
        let closed_history = store.stance_history(GUILD, closed).unwrap().len();
        let elsewhere_before = store.member_data(OTHER, "al").unwrap();
        let cy_before = store.member_data(GUILD, "cy").unwrap();

        let done = store
            .forget_member(GUILD, "al", t("2026-12-03T00:00:00Z"))
            .unwrap();
        assert_eq!(
            done,
            Forgotten {
                votes_dropped: 1,
                votes_unlinked: 1,
                replies: 2,
                statements: 2,
                answers: 2,
                answers_to_statements: 2,
                history: 4,
                suggestions: 1,
            }
        );
        assert!(store.member_data(GUILD, "al").unwrap().is_empty());
        // The closed tally keeps its count, under a tombstone; so does its stance history.
        assert_eq!(store.counts(closed).unwrap().votes, closed_counts);
        assert_eq!(store.recount(closed).unwrap(), vec![("stay-out".into(), 2)]);
        assert_eq!(
            store.vote_of(closed, "deleted:1").unwrap().as_deref(),
            Some("stay-out")
        );
        assert_eq!(
            store.stance_history(GUILD, closed).unwrap().len(),
            closed_history
        );
        // The open one drops the vote and its count.
        assert_eq!(
            store.recount(open_one).unwrap(),
            vec![("stay-out".into(), 1)]
        );
        assert_eq!(
            store.counts(open_one).unwrap().votes,
            vec![("stay-out".into(), 1)]
        );
        assert!(store
            .stance_history(GUILD, open_one)
            .unwrap()
            .iter()
            .all(|h| h.member == "cy"));
        // Answers to al's statements went with them; cy's own data and the other server's stay.
        assert!(store
            .answers(GUILD, open_one)
            .unwrap()
            .iter()
            .all(|a| a.member != "al"));
        assert_eq!(store.member_data(GUILD, "cy").unwrap(), cy_before);
        assert_eq!(store.member_data(OTHER, "al").unwrap(), elsewhere_before);
        // Twice is harmless: nothing is left to do.
        assert!(store
            .forget_member(GUILD, "al", t("2026-12-03T00:00:00Z"))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn each_forgotten_member_of_a_closed_discussion_gets_a_tombstone_of_their_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db"), &StoreConfig::default()).unwrap();
        let d = open(&store, GUILD);
        for who in ["al", "cy", "di"] {
            store
                .put_vote(GUILD, d, who, Some("other"), t("2026-12-01T10:00:00Z"))
                .unwrap();
        }
        // di withdrew: only history is left of their stance.
        store
            .put_vote(GUILD, d, "di", None, t("2026-12-01T11:00:00Z"))
            .unwrap();
        let later = t("2026-12-07T00:00:00Z"); // past the close time, not marked closed
        for who in ["al", "cy", "di"] {
            store.forget_member(GUILD, who, later).unwrap();
        }
        assert_eq!(store.recount(d).unwrap(), vec![("other".into(), 2)]);
        let members: Vec<String> = store
            .stance_history(GUILD, d)
            .unwrap()
            .into_iter()
            .map(|h| h.member)
            .collect();
        assert_eq!(
            members,
            ["deleted:1", "deleted:2", "deleted:3", "deleted:3"]
        );
    }

    /// Every shown statement's stored answer count, and the count of its answer rows.
    fn stored_and_counted(path: &Path, d: DiscussionId) -> Vec<(i64, i64, i64)> {
        let c = rusqlite::Connection::open(path).unwrap();
        let mut stmt = c
            .prepare(
                "SELECT s.id, s.answer_count, (SELECT COUNT(*) FROM answers a WHERE a.statement = s.id)
                 FROM statements s WHERE s.discussion = ?1 ORDER BY s.id",
            )
            .unwrap();
        let rows = stmt
            .query_map([d.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    #[test]
    fn each_statements_answer_count_follows_answers_changes_and_forgetting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let store = Store::open(&path, &StoreConfig::default()).unwrap();
        let d = open(&store, GUILD);
        take_part(&store, GUILD, d, "al", "2026-12-01T10:00:00Z");
        take_part(&store, GUILD, d, "cy", "2026-12-01T10:30:00Z");
        let now = t("2026-12-01T12:00:00Z");
        let first = stored_and_counted(&path, d);
        assert!(
            first.iter().all(|&(_, n, counted)| n == counted && n >= 1),
            "{first:?}"
        );
        // Changing an answer keeps the count; a new member's answer adds one.
        let s = first[0].0;
        store
            .put_answer(GUILD, d, s, "bo", Answer::Disagree, now)
            .unwrap();
        store
            .put_answer(GUILD, d, s, "dee", Answer::Pass, now)
            .unwrap();
        let after = stored_and_counted(&path, d);
        for &(id, stored, counted) in &after {
            assert_eq!(stored, counted, "statement {id}: {after:?}");
        }
        assert_eq!(after[0].1, first[0].1 + 1);
        // What the next card reads is the stored count.
        let cards = store.unanswered(GUILD, d, "zed").unwrap();
        let expected: Vec<(i64, u64)> = after.iter().map(|&(id, n, _)| (id, n as u64)).collect();
        assert_eq!(cards, expected);
        // Forgetting a member removes their answers and the answers to their statements.
        store
            .forget_member(GUILD, "al", t("2026-12-03T00:00:00Z"))
            .unwrap();
        let forgotten = stored_and_counted(&path, d);
        assert!(forgotten.len() < after.len(), "al's statements are gone");
        for &(id, stored, counted) in &forgotten {
            assert_eq!(
                stored, counted,
                "statement {id} after forgetting: {forgotten:?}"
            );
        }
    }
}
