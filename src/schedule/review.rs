//! Review before a scheduled post: `review_hours` before a slot (per server), the moderators are
//! shown the prompt the slot will post, to approve, swap for another approved prompt, or skip.
//! When nobody acts, the slot follows `on_no_review`: it posts (the prompt the review showed), or
//! it holds (posts nothing). A queue with no prompt left is reported at review time, not at the
//! slot.
//!
//! The review is kept in the store (`slot_reviews`), one row a slot: opened once (so its message
//! is posted once, across restarts and processes), with the decision, who made it and when. A
//! decision is taken only while the slot has no ledger row; the slot itself is still posted or
//! skipped exactly once by the ledger ([`Scheduler::tick`]).

use super::config::{NoReview, ReviewConfig};
use super::rhythm::Occurrence;
use super::{Event, Schedule, ScheduleError, Scheduler, Scope};
use crate::prompt::{Catalog, Prompt};
use crate::store::{ReviewDecision, ReviewRecord, ServerId};
use jiff::{SignedDuration, Timestamp};

/// Each server's review settings (its own over the file's).
pub trait ReviewRules: Send + Sync {
    fn review_for(&self, server: ServerId) -> ReviewConfig;
}

/// A fixed review policy for every server (tests, single-server setups).
impl ReviewRules for ReviewConfig {
    fn review_for(&self, _server: ServerId) -> ReviewConfig {
        *self
    }
}

/// A moderator's decision on a review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewChoice {
    Approve,
    /// Post this prompt (an id of the server's catalog) instead.
    Swap(String),
    Skip,
}

/// A slot's review as the moderators see it.
#[derive(Debug, Clone)]
pub struct ReviewNotice {
    pub server: ServerId,
    pub schedule: String,
    pub slot: Occurrence,
    /// The prompt the slot will post; `None`: no prompt is left in the queue.
    pub prompt: Option<Prompt>,
    /// When the slot's discussion would close.
    pub closes_at: Option<Timestamp>,
    /// The review in the store: its message, decision, who and when.
    pub record: ReviewRecord,
    /// What the slot does if nobody acts.
    pub on_no_review: NoReview,
}

/// What a slot does, by its review.
pub(super) enum AtSlot {
    /// Recorded as skipped, with the reason.
    Skip(String),
    /// Posted: the prompt the review settled on (if any), and whether the review warned the
    /// moderators that none was left.
    Post {
        prompt: Option<String>,
        warned: bool,
    },
}

impl Scheduler {
    /// The review settings of `server`: none outside Discord servers.
    pub fn review_policy(&self, server: ServerId) -> ReviewConfig {
        if self.scope != Scope::Guilds || server == ServerId::Console {
            return ReviewConfig::OFF;
        }
        self.review
            .as_ref()
            .map_or(ReviewConfig::OFF, |r| r.review_for(server))
    }

    /// When the review of the schedule's next slot is due, if it is still to come.
    pub(super) fn next_review_at(&self, s: &Schedule, now: Timestamp) -> Option<Timestamp> {
        let hours = self.review_policy(s.server).review_hours;
        if hours == 0 {
            return None;
        }
        let slot = s.rhythm.next_after(&s.tz, now)?;
        let at = review_time(slot.at, hours);
        (at > now).then_some(at)
    }

    /// What the slot `key` does by its review (rule 5 of [`Scheduler::tick`], before the queue).
    pub(super) fn at_slot(&self, s: &Schedule, key: &str) -> Result<AtSlot, ScheduleError> {
        let policy = self.review_policy(s.server);
        let review = self.engine.store().review(s.server, &s.name, key)?;
        Ok(match review {
            Some(r) => match r.decision {
                ReviewDecision::Skipped => AtSlot::Skip(format!(
                    "skipped at its review by {}",
                    r.decided_by.as_deref().unwrap_or("a moderator")
                )),
                // Reviews turned off since: the slot is not held for one.
                ReviewDecision::Pending
                    if policy.review_hours > 0 && policy.on_no_review == NoReview::Hold =>
                {
                    AtSlot::Skip("held: nobody reviewed".into())
                }
                _ => AtSlot::Post {
                    // Told only if its message went out.
                    warned: r.prompt.is_none()
                        && r.message_id.as_deref().is_some_and(|m| !m.is_empty()),
                    prompt: r.prompt,
                },
            },
            None if policy.review_hours > 0 && policy.on_no_review == NoReview::Hold => {
                AtSlot::Skip("held: nobody reviewed (no review was posted before the slot)".into())
            }
            None => AtSlot::Post {
                prompt: None,
                warned: false,
            },
        })
    }

    /// Opens the review of the schedule's next slot once its time has come (or posts again a
    /// review whose message a stopped run never recorded).
    pub(super) fn review_one(
        &self,
        s: &Schedule,
        slot: Occurrence,
        now: Timestamp,
        catalog: &Catalog,
        events: &mut Vec<Event>,
    ) -> Result<(), ScheduleError> {
        let policy = self.review_policy(s.server);
        if policy.review_hours == 0 || review_time(slot.at, policy.review_hours) > now {
            return Ok(());
        }
        let store = self.engine.store();
        let key = slot.key();
        if store.slot(s.server, &s.name, &key)?.is_some() {
            return Ok(()); // skipped ahead (`/schedule skip`): nothing to review
        }
        let state = store.schedule_state(s.server, &s.name)?;
        if state.paused {
            return Ok(());
        }
        let catalog = &crate::library::catalog_for(catalog, store, s.server)?;
        let record = match store.review(s.server, &s.name, &key)? {
            Some(r) if r.message_id.is_none() && r.decision == ReviewDecision::Pending => r,
            Some(_) => return Ok(()),
            None => {
                let uses = store.prompt_uses(s.server)?;
                let prompt = self.choose(s, catalog, &state.next_prompt, &uses)?;
                if !store.open_review(s.server, &s.name, &key, prompt.as_deref())? {
                    return Ok(()); // another process opened it
                }
                tracing::info!(server = %s.server, schedule = %s.name, slot = %key, prompt = ?prompt, "review opened");
                store
                    .review(s.server, &s.name, &key)?
                    .ok_or(ScheduleError::UnknownReview)?
            }
        };
        let notice = self.notice(s, slot, record, catalog, policy)?;
        events.push(Event::Review(Box::new(notice)));
        Ok(())
    }

    fn notice(
        &self,
        s: &Schedule,
        slot: Occurrence,
        record: ReviewRecord,
        catalog: &Catalog,
        policy: ReviewConfig,
    ) -> Result<ReviewNotice, ScheduleError> {
        let prompt = record
            .prompt
            .as_deref()
            .and_then(|id| catalog.get(id))
            .cloned();
        let closes_at = slot
            .at
            .checked_add(
                s.duration
                    .unwrap_or(self.engine.rules_for(s.server).duration),
            )
            .ok();
        Ok(ReviewNotice {
            server: s.server,
            schedule: s.name.clone(),
            slot,
            prompt,
            closes_at,
            record,
            on_no_review: policy.on_no_review,
        })
    }

    /// Records where the review message went (`None`: it could not be posted).
    pub fn review_posted(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        message_id: Option<u64>,
    ) -> Result<(), ScheduleError> {
        let id = message_id.map_or(String::new(), |m| m.to_string());
        Ok(self
            .engine
            .store()
            .set_review_message(server, schedule, slot, &id)?)
    }

    /// The review whose message is `message_id`, in `server` only.
    pub fn review_of_message(
        &self,
        server: ServerId,
        message_id: u64,
        catalog: &Catalog,
    ) -> Result<ReviewNotice, ScheduleError> {
        let store = self.engine.store();
        let record = store
            .review_by_message(server, &message_id.to_string())?
            .ok_or(ScheduleError::UnknownReview)?;
        self.notice_of(record, catalog)
    }

    fn notice_of(
        &self,
        record: ReviewRecord,
        catalog: &Catalog,
    ) -> Result<ReviewNotice, ScheduleError> {
        let s = self.schedule(record.server, &record.schedule)?;
        let catalog = crate::library::catalog_for(catalog, self.engine.store(), record.server)?;
        let slot = occurrence(&s, &record.slot, self.engine.now());
        let policy = self.review_policy(record.server);
        self.notice(&s, slot, record, &catalog, policy)
    }

    /// A moderator's decision on the review whose message is `message_id` in `server`: committed
    /// (with `by` and the time), then returned as the review now reads. Refused once the slot
    /// has posted or been skipped, and for a prompt this server does not have.
    pub fn decide(
        &self,
        server: ServerId,
        message_id: u64,
        choice: ReviewChoice,
        by: &str,
        catalog: &Catalog,
    ) -> Result<ReviewNotice, ScheduleError> {
        let record = self
            .engine
            .store()
            .review_by_message(server, &message_id.to_string())?
            .ok_or(ScheduleError::UnknownReview)?;
        self.decide_record(record, choice, by, catalog)
    }

    /// [`Scheduler::decide`] on the review of slot `slot` of schedule `schedule` (the console's
    /// rehearsal, which has no messages).
    pub fn decide_slot(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        choice: ReviewChoice,
        by: &str,
        catalog: &Catalog,
    ) -> Result<ReviewNotice, ScheduleError> {
        let record = self
            .engine
            .store()
            .review(server, schedule, slot)?
            .ok_or(ScheduleError::UnknownReview)?;
        self.decide_record(record, choice, by, catalog)
    }

    /// The review of the next slot of schedule `name`, opened now (with the prompt the queue
    /// would post) unless it is open already: the console's rehearsal of the review step, which
    /// does not wait for `review_hours`.
    pub fn review_next(
        &self,
        server: ServerId,
        name: &str,
        catalog: &Catalog,
    ) -> Result<ReviewNotice, ScheduleError> {
        let s = self.schedule(server, name)?;
        let slot = s
            .rhythm
            .next_after(&s.tz, self.engine.now())
            .ok_or_else(|| ScheduleError::Invalid {
                field: "review",
                message: format!("schedule `{name}` has no slot to come"),
            })?;
        let store = self.engine.store();
        let key = slot.key();
        let catalog = crate::library::catalog_for(catalog, store, server)?;
        if store.review(server, name, &key)?.is_none() {
            let state = store.schedule_state(server, name)?;
            let uses = store.prompt_uses(server)?;
            let prompt = self.choose(&s, &catalog, &state.next_prompt, &uses)?;
            store.open_review(server, name, &key, prompt.as_deref())?;
        }
        let record = store
            .review(server, name, &key)?
            .ok_or(ScheduleError::UnknownReview)?;
        let policy = self.review_policy(server);
        self.notice(&s, slot, record, &catalog, policy)
    }

    fn decide_record(
        &self,
        record: ReviewRecord,
        choice: ReviewChoice,
        by: &str,
        catalog: &Catalog,
    ) -> Result<ReviewNotice, ScheduleError> {
        let store = self.engine.store();
        let server = record.server;
        let (decision, prompt) = match &choice {
            ReviewChoice::Approve => (ReviewDecision::Approved, None),
            ReviewChoice::Skip => (ReviewDecision::Skipped, None),
            ReviewChoice::Swap(id) => {
                let catalog = crate::library::catalog_for(catalog, store, server)?;
                if catalog.get(id).is_none() {
                    return Err(ScheduleError::UnknownPrompt(crate::limits::shown(id, 60)));
                }
                (ReviewDecision::Swapped, Some(id.as_str()))
            }
        };
        if decision == ReviewDecision::Approved && record.prompt.is_none() {
            return Err(ScheduleError::Invalid {
                field: "review",
                message: "there is no prompt to approve: swap in another one, or skip".into(),
            });
        }
        let now = self.engine.now();
        let decided = store
            .decide_review(
                server,
                &record.schedule,
                &record.slot,
                decision,
                prompt,
                by,
                now,
            )?
            .ok_or_else(|| ScheduleError::ReviewOver(record.slot.clone()))?;
        tracing::info!(%server, schedule = %decided.schedule, slot = %decided.slot, decision = decision.as_str(), prompt = ?decided.prompt, %by, "review decided");
        self.notice_of(decided, catalog)
    }

    /// The prompts a review may swap in: this server's, but the one it shows, in queue order;
    /// at most `n` (id, title).
    pub fn swap_choices(
        &self,
        notice: &ReviewNotice,
        catalog: &Catalog,
        n: usize,
    ) -> Result<Vec<(String, String)>, ScheduleError> {
        let s = self.schedule(notice.server, &notice.schedule)?;
        let catalog = crate::library::catalog_for(catalog, self.engine.store(), notice.server)?;
        let mut order = self.queue_order(&s, &catalog)?;
        for id in catalog.prompts.keys() {
            if !order.contains(id) {
                order.push(id.clone());
            }
        }
        Ok(order
            .into_iter()
            .filter(|id| Some(id) != notice.record.prompt.as_ref())
            .filter_map(|id| catalog.get(&id).map(|p| (id.clone(), p.title.clone())))
            .take(n)
            .collect())
    }
}

/// When the review of a slot at `slot_at` is due.
pub fn review_time(slot_at: Timestamp, hours: u32) -> Timestamp {
    slot_at
        .checked_sub(SignedDuration::from_hours(i64::from(hours)))
        .unwrap_or(slot_at)
}

/// The occurrence of slot `key` (its local wall time) of `s`: among the next slots, else read
/// from the key.
fn occurrence(s: &Schedule, key: &str, now: Timestamp) -> Occurrence {
    let week_ago = now
        .checked_sub(SignedDuration::from_hours(24 * 8))
        .unwrap_or(now);
    if let Some(o) = s
        .rhythm
        .upcoming(&s.tz, week_ago, 64)
        .into_iter()
        .find(|o| o.key() == key)
    {
        return o;
    }
    let local: jiff::civil::DateTime = key.parse().unwrap_or_default();
    let at = s.tz.to_timestamp(local).unwrap_or(now);
    Occurrence { local, at }
}

#[cfg(test)]
mod tests;
