//! Weighing in: statements (from replies and moderators), members' answers to them one card at a
//! time, the next card's choice, the opinion groups, and who changed their stance.

use super::{closed, Discussion, DiscussionError, Discussions};
use crate::opinion::{self, Analysis, Answer};
use crate::store::{
    AnswerWrite, DiscussionId, ServerId, StateWrite, StatementOrigin, StatementRecord,
    StatementState, StatementWrite,
};
use std::collections::BTreeMap;

/// Most statements one member may write to one discussion, unless the config says otherwise.
pub const DEFAULT_STATEMENTS_PER_MEMBER: usize = 5;
/// Longest statement, in characters: it must fit the weighing card with room to spare.
pub const MAX_STATEMENT_CHARS: usize = 1500;

/// The text with case, spacing and punctuation taken out, for merging duplicates: "Russia can be
/// part of it!" and "russia  can be part of it" are one statement.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// What became of a new statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementOutcome {
    Added {
        id: i64,
    },
    /// The same statement was there already; answers go to that one.
    Merged {
        id: i64,
    },
}

/// The card a member sees next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Card {
    Statement {
        id: i64,
        text: String,
        /// Statements left for this member, this one included.
        left: usize,
    },
    /// Nothing left to weigh in on.
    Done,
}

/// One row of the stance-change table: how many members went from `from` to `to` (option keys),
/// first stance to last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StanceShift {
    pub from: String,
    pub to: String,
    pub members: u64,
}

/// Who changed their stance during the discussion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StanceChanges {
    /// Members whose last stance differs from their first.
    pub changed: u64,
    /// Members who took a stance at all.
    pub members: u64,
    /// The shifts, the most common first.
    pub shifts: Vec<StanceShift>,
}

/// What the result shows of members' statements and stances.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpinionResult {
    pub analysis: Analysis,
    /// Shown statements' texts, by id.
    pub texts: BTreeMap<i64, String>,
    /// Members' current stances (option keys), by member.
    pub stances: BTreeMap<String, String>,
    pub changes: StanceChanges,
}

/// SplitMix64 finaliser: a stable, well-mixed rank for a statement under a member's seed.
fn rank(seed: u64, statement: i64) -> u64 {
    let mut z = seed ^ (statement as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Of `(statement, answers)` candidates, the one with the fewest answers, ties broken by the
/// member's seeded order.
pub fn choose_next(candidates: &[(i64, u64)], seed: u64) -> Option<i64> {
    candidates
        .iter()
        .min_by_key(|&&(id, answers)| (answers, rank(seed, id), id))
        .map(|&(id, _)| id)
}

impl Discussions {
    /// The most statements one member may add to a discussion.
    pub fn statement_limit(&self) -> usize {
        self.statement_limit
    }

    /// Sets [`Discussions::statement_limit`] (from `[discussion] max_statements_per_member`).
    pub fn set_statement_limit(&mut self, limit: usize) {
        self.statement_limit = limit;
    }

    /// Adds a statement by `author`: a member's own (limited per member) or a moderator's.
    pub fn add_statement(
        &self,
        server: ServerId,
        id: DiscussionId,
        author: &str,
        origin: StatementOrigin,
        text: &str,
    ) -> Result<StatementOutcome, DiscussionError> {
        let text = text.trim();
        let normal = normalise(text);
        if normal.is_empty() {
            return Err(DiscussionError::EmptyStatement);
        }
        let len = crate::limits::chars(text);
        if len > MAX_STATEMENT_CHARS {
            return Err(DiscussionError::StatementTooLong {
                len,
                max: MAX_STATEMENT_CHARS,
            });
        }
        match self.store.add_statement(
            server,
            id,
            author,
            origin,
            text,
            &normal,
            self.statement_limit,
            self.clock.now(),
        )? {
            StatementWrite::Added { id } => Ok(StatementOutcome::Added { id }),
            StatementWrite::Merged { id } => Ok(StatementOutcome::Merged { id }),
            StatementWrite::OverLimit { limit } => {
                Err(DiscussionError::TooManyStatements { limit })
            }
            StatementWrite::NotOpen(c) => Err(closed(id, c)),
            StatementWrite::NotFound => Err(DiscussionError::NotFound(id)),
        }
    }

    /// A moderator hides a statement: no longer shown, and its answers leave the result.
    pub fn hide_statement(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
    ) -> Result<(), DiscussionError> {
        self.state_change(server, id, statement, StatementState::Hidden, None)
    }

    /// A member withdraws a statement of their own.
    pub fn withdraw_statement(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
        member: &str,
    ) -> Result<(), DiscussionError> {
        self.state_change(
            server,
            id,
            statement,
            StatementState::Withdrawn,
            Some(member),
        )
    }

    fn state_change(
        &self,
        server: ServerId,
        id: DiscussionId,
        statement: i64,
        state: StatementState,
        author: Option<&str>,
    ) -> Result<(), DiscussionError> {
        match self
            .store
            .set_statement_state(server, id, statement, state, author)?
        {
            StateWrite::Changed => Ok(()),
            StateWrite::NoStatement => Err(DiscussionError::NoStatement(statement)),
            StateWrite::NotFound => Err(DiscussionError::NotFound(id)),
        }
    }

    /// The shown statement `member` wrote with `text` (or the one it was merged into), if any:
    /// what their reply became, so they can withdraw it.
    pub fn own_statement(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        text: &str,
    ) -> Result<Option<i64>, DiscussionError> {
        let normal = normalise(text);
        Ok(self
            .store
            .statements(server, id)?
            .into_iter()
            .find(|s| {
                s.author == member
                    && s.state == StatementState::Shown
                    && normalise(&s.text) == normal
            })
            .map(|s| s.id))
    }

    /// The discussion's statements (any state), oldest first.
    pub fn statements(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Vec<StatementRecord>, DiscussionError> {
        Ok(self.store.statements(server, id)?)
    }

    /// The next card for `member`: the shown statement with the fewest answers among those they
    /// have not answered (nor written), ties broken by their own order, seeded once and stored, so
    /// a restart neither repeats a statement nor reshuffles the rest.
    pub fn next_card(&self, d: &Discussion, member: &str) -> Result<Card, DiscussionError> {
        let (server, id) = (d.record.server, d.id());
        let candidates = self.store.unanswered(server, id, member)?;
        if candidates.is_empty() {
            return Ok(Card::Done);
        }
        let fresh =
            rand::RngCore::next_u64(&mut <rand::rngs::StdRng as rand::SeedableRng>::from_os_rng());
        let seed = self
            .store
            .weigh_seed(server, id, member, fresh)?
            .ok_or(DiscussionError::NotFound(id))?;
        let Some(next) = choose_next(&candidates, seed) else {
            return Ok(Card::Done);
        };
        let text = self
            .store
            .shown_statement_text(server, id, next)?
            .unwrap_or_default();
        Ok(Card::Statement {
            id: next,
            text,
            left: candidates.len(),
        })
    }

    /// Records `member`'s answer to `statement` (committed before this returns).
    pub fn answer(
        &self,
        d: &Discussion,
        member: &str,
        statement: i64,
        answer: Answer,
    ) -> Result<Option<Answer>, DiscussionError> {
        let write = self.store.put_answer(
            d.record.server,
            d.id(),
            statement,
            member,
            answer,
            self.clock.now(),
        )?;
        answer_outcome(d.id(), statement, answer, write)
    }

    /// [`Discussions::answer`] for async adapters.
    pub async fn answer_async(
        &self,
        d: &Discussion,
        member: &str,
        statement: i64,
        answer: Answer,
    ) -> Result<Option<Answer>, DiscussionError> {
        let write = self
            .store
            .put_answer_async(
                d.record.server,
                d.id(),
                statement,
                member,
                answer,
                self.clock.now(),
            )
            .await?;
        answer_outcome(d.id(), statement, answer, write)
    }

    /// The opinion groups of the discussion's answers (shown statements only).
    pub fn groups(&self, server: ServerId, id: DiscussionId) -> Result<Analysis, DiscussionError> {
        let m = self.store.answer_matrix(server, id)?;
        Ok(opinion::analyse_matrix(
            &m.members,
            &m.rows,
            &opinion::Options::default(),
        ))
    }

    /// Everything the result shows of members' statements: the groups, the shown statements'
    /// texts, every member's current stance (for the groups' stance shares) and the stance changes.
    pub fn opinion_result(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<OpinionResult, DiscussionError> {
        let analysis = self.groups(server, id)?;
        let texts = self
            .store
            .statements(server, id)?
            .into_iter()
            .filter(|s| s.state == StatementState::Shown)
            .map(|s| (s.id, s.text))
            .collect();
        let stances = self.store.stances(server, id)?.into_iter().collect();
        let changes = self.stance_changes(server, id)?;
        Ok(OpinionResult {
            analysis,
            texts,
            stances,
            changes,
        })
    }

    /// How many members changed their stance, and from what to what (first stance to last).
    pub fn stance_changes(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<StanceChanges, DiscussionError> {
        let history = self.store.stance_history(server, id)?;
        // Each member's first stance and their last (a withdrawal leaves the last one taken).
        let mut by_member: BTreeMap<String, (String, String)> = BTreeMap::new();
        for h in history {
            let Some(option) = h.option else { continue };
            by_member
                .entry(h.member)
                .and_modify(|e| e.1 = option.clone())
                .or_insert((option.clone(), option));
        }
        let mut shifts: BTreeMap<(String, String), u64> = BTreeMap::new();
        for (first, last) in by_member.values() {
            if first != last {
                *shifts.entry((first.clone(), last.clone())).or_default() += 1;
            }
        }
        let mut shifts: Vec<StanceShift> = shifts
            .into_iter()
            .map(|((from, to), members)| StanceShift { from, to, members })
            .collect();
        shifts.sort_by_key(|s| std::cmp::Reverse(s.members));
        Ok(StanceChanges {
            changed: shifts.iter().map(|s| s.members).sum(),
            members: by_member.len() as u64,
            shifts,
        })
    }
}

fn answer_outcome(
    id: DiscussionId,
    statement: i64,
    _answer: Answer,
    write: AnswerWrite,
) -> Result<Option<Answer>, DiscussionError> {
    match write {
        AnswerWrite::Recorded { previous } => Ok(previous),
        AnswerWrite::Unchanged => Ok(None),
        AnswerWrite::NoStatement => Err(DiscussionError::NoStatement(statement)),
        AnswerWrite::NotOpen(c) => Err(closed(id, c)),
        AnswerWrite::NotFound => Err(DiscussionError::NotFound(id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_differ_only_in_case_spacing_and_punctuation() {
        assert_eq!(
            normalise("  Russia can be PART of it!  "),
            normalise("russia, can be part   of it")
        );
        assert_eq!(normalise("Ünïcödé — déjà vu"), "ünïcödé déjà vu");
        assert_eq!(normalise("?!…"), "");
        assert_ne!(normalise("stay out"), normalise("stay in"));
    }

    #[test]
    fn the_next_card_has_the_fewest_answers_then_the_members_own_order() {
        let c = [(1, 5), (2, 1), (3, 1), (4, 9)];
        let n = choose_next(&c, 7).unwrap();
        assert!(n == 2 || n == 3);
        assert_eq!(choose_next(&c, 7), Some(n), "the same seed, the same card");
        let mut seen = std::collections::HashSet::new();
        for seed in 0..50 {
            seen.insert(choose_next(&c, seed).unwrap());
        }
        assert_eq!(
            seen,
            [2, 3].into_iter().collect(),
            "ties go both ways across members"
        );
        assert_eq!(choose_next(&[], 1), None);
    }
}
