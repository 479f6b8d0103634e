//! The discussion engine: opening a discussion from a prompt, votes (one per member, changeable,
//! withdrawable), written replies, closing, and the tally. Pure rules over the store; no transport.

pub mod config;
mod history;
mod privacy;
mod statements;
mod tally;

pub use history::PastDiscussion;
pub use privacy::{DiscussionName, MemberReport};
pub use statements::{
    choose_next, normalise, Card, OpinionResult, StanceChanges, StanceShift, StatementOutcome,
    DEFAULT_STATEMENTS_PER_MEMBER, MAX_STATEMENT_CHARS,
};
pub use tally::{shares, Tally, TallyRow};

use crate::clock::Clock;
use crate::limits::chars;
use crate::prompt::{AnswerOption, Prompt};
use crate::store::{
    CloseWrite, ClosedState, DiscussionId, DiscussionRecord, NewDiscussion, ReplySource,
    ReplyWrite, ServerId, StatementOrigin, Store, StoreError, VoteWrite,
};
pub use config::{DiscussionConfig, ResultsMode};
use jiff::{SignedDuration, Timestamp};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum DiscussionError {
    #[error("there is no discussion #{0} here")]
    NotFound(DiscussionId),
    #[error("discussion #{id} closed {}{}; it no longer takes votes or replies", fmt_when(.at), fmt_by(.by))]
    Closed {
        id: DiscussionId,
        at: Timestamp,
        by: Option<String>,
    },
    #[error("`{given}` is not an option here; choose one of: {valid}")]
    UnknownOption { given: String, valid: String },
    #[error("a reply can be at most {max} characters; this one has {len}")]
    ReplyTooLong { len: usize, max: usize },
    #[error("a reply needs some text")]
    EmptyReply,
    #[error("a statement needs some words")]
    EmptyStatement,
    #[error("a statement can be at most {max} characters; this one has {len}")]
    StatementTooLong { len: usize, max: usize },
    #[error("you have written {limit} statements here already, the most one member may")]
    TooManyStatements { limit: usize },
    #[error("there is no statement #{0} to answer here")]
    NoStatement(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn fmt_when(at: &Timestamp) -> String {
    format!("at {}", at.strftime("%Y-%m-%d %H:%M UTC"))
}

fn fmt_by(by: &Option<String>) -> String {
    match by {
        Some(who) => format!(" (closed by {who})"),
        None => " (its time was up)".to_string(),
    }
}

/// The rules a discussion runs by, from the `[discussion]` configuration.
#[derive(Debug, Clone)]
pub struct Rules {
    pub duration: SignedDuration,
    pub max_reply_chars: usize,
    pub keep_file_order: bool,
}

impl From<&DiscussionConfig> for Rules {
    fn from(c: &DiscussionConfig) -> Self {
        Rules {
            duration: SignedDuration::from_hours(i64::from(c.duration_hours)),
            max_reply_chars: c.max_reply_chars,
            keep_file_order: c.keep_file_order,
        }
    }
}

/// Where the engine finds each server's rules (a server's own settings over the file's); without
/// one, every server runs by the engine's own [`Rules`].
pub trait ServerRules: Send + Sync {
    /// The rules of `server`; `None` to use the engine's own.
    fn rules_for(&self, server: ServerId) -> Option<Rules>;
}

/// A discussion as members see it: its prompt, its option order, its times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discussion {
    pub record: DiscussionRecord,
}

impl Discussion {
    pub fn id(&self) -> DiscussionId {
        self.record.id
    }

    pub fn prompt(&self) -> &Prompt {
        &self.record.prompt
    }

    /// The options in the order this discussion shows them.
    pub fn options(&self) -> Vec<AnswerOption> {
        self.record
            .option_order
            .iter()
            .filter_map(|k| self.record.prompt.option(k).cloned())
            .collect()
    }

    pub fn is_open(&self, now: Timestamp) -> bool {
        self.record.closed_as_of(now).is_none()
    }

    /// Finds an option by key, or by its number as displayed (1-based).
    pub fn resolve_option(&self, given: &str) -> Result<AnswerOption, DiscussionError> {
        let options = self.options();
        let by_number = given
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| options.get(i));
        by_number
            .or_else(|| options.iter().find(|o| o.key == given.trim()))
            .cloned()
            .ok_or_else(|| DiscussionError::UnknownOption {
                // Echoed back to whoever sent it: bounded, and no raw control characters.
                given: crate::limits::shown(given.trim(), 40),
                valid: options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| format!("{} ({})", i + 1, o.key))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteOutcome {
    /// The vote counts; `previous` is the stance it replaced.
    Recorded {
        option: AnswerOption,
        previous: Option<AnswerOption>,
        changeable_until: Option<Timestamp>,
    },
    /// The member already stood there.
    Unchanged {
        option: AnswerOption,
        changeable_until: Option<Timestamp>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawOutcome {
    Withdrawn { previous: AnswerOption },
    NoVote,
}

/// The engine. Cheap to clone. Every lookup is scoped to a server: a discussion of another
/// server is not found.
#[derive(Clone)]
pub struct Discussions {
    store: Store,
    clock: Arc<dyn Clock>,
    rules: Rules,
    per_server: Option<Arc<dyn ServerRules>>,
    statement_limit: usize,
}

impl Discussions {
    pub fn new(store: Store, clock: Arc<dyn Clock>, rules: Rules) -> Self {
        Self {
            store,
            clock,
            rules,
            per_server: None,
            statement_limit: statements::DEFAULT_STATEMENTS_PER_MEMBER,
        }
    }

    /// Each server runs by the rules `per_server` gives it (the engine's own otherwise).
    pub fn with_server_rules(mut self, per_server: Arc<dyn ServerRules>) -> Self {
        self.per_server = Some(per_server);
        self
    }

    /// The rules of the configuration file.
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The rules `server` runs by.
    pub fn rules_for(&self, server: ServerId) -> Rules {
        self.per_server
            .as_ref()
            .and_then(|p| p.rules_for(server))
            .unwrap_or_else(|| self.rules.clone())
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Opens a discussion of `prompt` in `channel` of `server`. Options are shuffled once (unless
    /// the server's rules keep the file's order) and the order is stored, so every render shows
    /// the same order.
    pub fn open(
        &self,
        server: ServerId,
        prompt: &Prompt,
        channel: &str,
        open_for: Option<SignedDuration>,
    ) -> Result<Discussion, DiscussionError> {
        let rules = self.rules_for(server);
        let order = order_of(prompt, &rules);
        let now = self.clock.now();
        let closes_at = now.checked_add(open_for.unwrap_or(rules.duration)).ok();
        let id = self.store.insert_discussion(NewDiscussion {
            server,
            prompt,
            channel,
            option_order: &order,
            opened_at: now,
            closes_at,
        })?;
        self.get(server, id)
    }

    /// A new discussion's option order in `server`: shuffled, unless its rules keep the file's.
    pub fn option_order(&self, server: ServerId, prompt: &Prompt) -> Vec<String> {
        order_of(prompt, &self.rules_for(server))
    }

    /// Discussion `id` of `server`; one of another server is not found.
    pub fn get(&self, server: ServerId, id: DiscussionId) -> Result<Discussion, DiscussionError> {
        self.store
            .discussion(server, id)?
            .map(|record| Discussion { record })
            .ok_or(DiscussionError::NotFound(id))
    }

    /// Records where the discussion's post and thread live.
    pub fn set_post(
        &self,
        id: DiscussionId,
        message_id: Option<&str>,
        thread_id: Option<&str>,
    ) -> Result<(), DiscussionError> {
        Ok(self.store.set_post(id, message_id, thread_id)?)
    }

    /// Discussions of `server`, newest first: open ones only, or all; at most `limit`.
    pub fn list(
        &self,
        server: ServerId,
        open_only: bool,
        limit: usize,
    ) -> Result<Vec<Discussion>, DiscussionError> {
        Ok(self
            .store
            .discussions(server, open_only, self.clock.now(), limit)?
            .into_iter()
            .map(|record| Discussion { record })
            .collect())
    }

    /// The newest discussion of `server` still open in `channel`.
    pub fn latest_open_in(
        &self,
        server: ServerId,
        channel: &str,
    ) -> Result<Option<Discussion>, DiscussionError> {
        Ok(self
            .list(server, true, 100)?
            .into_iter()
            .find(|d| d.record.channel == channel))
    }

    /// Sets or changes `member`'s stance. Committed before this returns.
    pub fn vote(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        option: &str,
    ) -> Result<VoteOutcome, DiscussionError> {
        let d = self.get(server, id)?;
        let option = d.resolve_option(option)?;
        let write = self
            .store
            .put_vote(server, id, member, Some(&option.key), self.clock.now())?;
        vote_outcome(&d, option, write)
    }

    /// [`Discussions::vote`] for async adapters: the option is a key, as carried by a button.
    pub async fn vote_async(
        &self,
        d: &Discussion,
        member: &str,
        key: &str,
    ) -> Result<VoteOutcome, DiscussionError> {
        let option = d.resolve_option(key)?;
        let write = self
            .store
            .put_vote_async(
                d.record.server,
                d.id(),
                member,
                Some(&option.key),
                self.clock.now(),
            )
            .await?;
        vote_outcome(d, option, write)
    }

    /// Withdraws `member`'s stance.
    pub fn withdraw(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
    ) -> Result<WithdrawOutcome, DiscussionError> {
        let d = self.get(server, id)?;
        let write = self
            .store
            .put_vote(server, id, member, None, self.clock.now())?;
        withdraw_outcome(&d, write)
    }

    pub async fn withdraw_async(
        &self,
        d: &Discussion,
        member: &str,
    ) -> Result<WithdrawOutcome, DiscussionError> {
        let write = self
            .store
            .put_vote_async(d.record.server, d.id(), member, None, self.clock.now())
            .await?;
        withdraw_outcome(d, write)
    }

    /// Adds a written reply. `text` is `None` for a thread message whose text is not collected.
    /// `origin` is the thread message's id or the form submission's interaction id: the same one
    /// seen twice is stored once (see [`Store::add_reply`]).
    pub fn reply(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        source: ReplySource,
        text: Option<&str>,
        origin: Option<&str>,
    ) -> Result<i64, DiscussionError> {
        let text = text.map(str::trim);
        if let Some(t) = text {
            if t.is_empty() {
                return Err(DiscussionError::EmptyReply);
            }
            let len = chars(t);
            let max = self.rules_for(server).max_reply_chars;
            if len > max {
                return Err(DiscussionError::ReplyTooLong { len, max });
            }
        }
        match self
            .store
            .add_reply(server, id, member, source, text, origin, self.clock.now())?
        {
            ReplyWrite::Added { id: reply } => {
                // A reply with its text becomes a statement others weigh in on (merged into an
                // equal one; past the member's limit the reply still counts, as a reply).
                if let Some(t) = text {
                    match self.add_statement(server, id, member, StatementOrigin::Reply, t) {
                        Ok(_)
                        | Err(DiscussionError::TooManyStatements { .. })
                        | Err(DiscussionError::StatementTooLong { .. })
                        | Err(DiscussionError::EmptyStatement) => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(crate::metrics::reply_committed(source.as_str(), reply))
            }
            // The same thread message or form submission delivered again: stored once.
            ReplyWrite::Duplicate { id } => Ok(id),
            ReplyWrite::NotOpen(c) => Err(closed(id, c)),
            ReplyWrite::NotFound => Err(DiscussionError::NotFound(id)),
        }
    }

    /// Closes the discussion on behalf of `by` and returns the final tally.
    pub fn close(
        &self,
        server: ServerId,
        id: DiscussionId,
        by: &str,
    ) -> Result<(Discussion, Tally), DiscussionError> {
        match self.store.close(server, id, Some(by), self.clock.now())? {
            CloseWrite::Closed { .. } => {}
            CloseWrite::AlreadyClosed(c) => return Err(closed(id, c)),
            CloseWrite::NotFound => return Err(DiscussionError::NotFound(id)),
        }
        let d = self.get(server, id)?;
        let t = self.tally_of(&d)?;
        Ok((d, t))
    }

    /// Closes every discussion whose time is up, in every server; returns each with its final
    /// tally.
    pub fn close_due(&self) -> Result<Vec<(Discussion, Tally)>, DiscussionError> {
        self.close_due_where(|_| true)
    }

    /// [`Discussions::close_due`] in the servers `covers` accepts.
    pub fn close_due_where(
        &self,
        covers: impl Fn(ServerId) -> bool,
    ) -> Result<Vec<(Discussion, Tally)>, DiscussionError> {
        let now = self.clock.now();
        let mut out = Vec::new();
        for (server, id) in self.store.due_for_close(now)? {
            if !covers(server) {
                continue;
            }
            if let CloseWrite::Closed { .. } = self.store.close(server, id, None, now)? {
                let d = self.get(server, id)?;
                let t = self.tally_of(&d)?;
                out.push((d, t));
            }
        }
        Ok(out)
    }

    /// When the next open discussion is due to close.
    pub fn next_close_time(&self) -> Result<Option<Timestamp>, DiscussionError> {
        Ok(self.store.next_close_time()?)
    }

    pub fn tally(&self, server: ServerId, id: DiscussionId) -> Result<Tally, DiscussionError> {
        let d = self.get(server, id)?;
        self.tally_of(&d)
    }

    pub fn tally_of(&self, d: &Discussion) -> Result<Tally, DiscussionError> {
        let counts = self.store.counts(d.id())?;
        Ok(Tally::from_counts(
            &d.options(),
            &counts,
            !d.is_open(self.clock.now()),
        ))
    }

    /// A member's current stance.
    pub fn stance_of(
        &self,
        d: &Discussion,
        member: &str,
    ) -> Result<Option<AnswerOption>, DiscussionError> {
        Ok(self
            .store
            .vote_of(d.id(), member)?
            .and_then(|k| d.prompt().option(&k).cloned()))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// A new discussion's option order: shuffled, unless the rules keep the file's order. An "Other"
/// option stays last (survey practice): only the substantive stances move.
fn order_of(prompt: &Prompt, rules: &Rules) -> Vec<String> {
    if rules.keep_file_order {
        return prompt.options.iter().map(|o| o.key.clone()).collect();
    }
    shuffled_order(prompt, &mut StdRng::from_os_rng())
}

fn closed(id: DiscussionId, c: ClosedState) -> DiscussionError {
    DiscussionError::Closed {
        id,
        at: c.at,
        by: c.by,
    }
}

fn vote_outcome(
    d: &Discussion,
    option: AnswerOption,
    write: VoteWrite,
) -> Result<VoteOutcome, DiscussionError> {
    let until = d.record.closes_at;
    crate::metrics::vote_committed(write.change());
    match write {
        VoteWrite::Recorded { previous } => Ok(VoteOutcome::Recorded {
            option,
            previous: previous.and_then(|k| d.prompt().option(&k).cloned()),
            changeable_until: until,
        }),
        VoteWrite::Unchanged => Ok(VoteOutcome::Unchanged {
            option,
            changeable_until: until,
        }),
        VoteWrite::NotOpen(c) => Err(closed(d.id(), c)),
        VoteWrite::NotFound => Err(DiscussionError::NotFound(d.id())),
        VoteWrite::Withdrawn { .. } | VoteWrite::NoVote => Err(DiscussionError::Store(
            StoreError::Corrupt("a vote was answered as a withdrawal".into()),
        )),
    }
}

fn withdraw_outcome(d: &Discussion, write: VoteWrite) -> Result<WithdrawOutcome, DiscussionError> {
    crate::metrics::vote_committed(write.change());
    match write {
        VoteWrite::Withdrawn { previous } => Ok(WithdrawOutcome::Withdrawn {
            previous: d
                .prompt()
                .option(&previous)
                .cloned()
                .unwrap_or(AnswerOption {
                    label: previous.clone(),
                    key: previous,
                }),
        }),
        VoteWrite::NoVote => Ok(WithdrawOutcome::NoVote),
        VoteWrite::NotOpen(c) => Err(closed(d.id(), c)),
        VoteWrite::NotFound => Err(DiscussionError::NotFound(d.id())),
        VoteWrite::Recorded { .. } | VoteWrite::Unchanged => Err(DiscussionError::Store(
            StoreError::Corrupt("a withdrawal was answered as a vote".into()),
        )),
    }
}

/// Whether an option is the catch-all "Other": its key is `other`, or its label begins with
/// "Other" as a word.
pub fn is_other(option: &AnswerOption) -> bool {
    let label = option.label.trim_start();
    option.key.eq_ignore_ascii_case("other")
        || (label.len() >= 5
            && label.is_char_boundary(5)
            && label[..5].eq_ignore_ascii_case("other")
            && !label[5..].starts_with(|c: char| c.is_alphanumeric()))
}

/// The prompt's option keys shuffled by `rng`, with any "Other" options last in the file's order.
pub fn shuffled_order(prompt: &Prompt, rng: &mut impl rand::Rng) -> Vec<String> {
    let (others, mut order): (Vec<&AnswerOption>, Vec<&AnswerOption>) =
        prompt.options.iter().partition(|o| is_other(o));
    order.shuffle(rng);
    order
        .into_iter()
        .chain(others)
        .map(|o| o.key.clone())
        .collect()
}

#[cfg(test)]
mod tests;
