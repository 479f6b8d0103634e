//! Reviews before scheduled posts (`slot_reviews`): the prompt a slot will post, the review
//! message in the moderators' log channel, and the moderators' decision with who made it and
//! when. A row is opened once per slot (so its review message is posted once), and a decision is
//! taken only while the slot has no ledger row (it has not posted, nor been skipped).

use super::{from_millis, millis, ServerId, Store, StoreError};
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    Pending,
    Approved,
    Swapped,
    Skipped,
}

impl ReviewDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDecision::Pending => "pending",
            ReviewDecision::Approved => "approved",
            ReviewDecision::Swapped => "swapped",
            ReviewDecision::Skipped => "skipped",
        }
    }

    fn parse(s: &str) -> Result<ReviewDecision, StoreError> {
        Ok(match s {
            "pending" => ReviewDecision::Pending,
            "approved" => ReviewDecision::Approved,
            "swapped" => ReviewDecision::Swapped,
            "skipped" => ReviewDecision::Skipped,
            other => return Err(StoreError::Corrupt(format!("review decision `{other}`"))),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRecord {
    pub server: ServerId,
    pub schedule: String,
    pub slot: String,
    /// The prompt the slot will post; `None`: none was left at review time.
    pub prompt: Option<String>,
    /// The review message; `None`: not posted yet; `Some("")`: it could not be posted.
    pub message_id: Option<String>,
    pub decision: ReviewDecision,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
}

const COLUMNS: &str = "schedule, slot, prompt, message_id, decision, decided_by, decided_at";

fn row(server: ServerId, r: &rusqlite::Row<'_>) -> rusqlite::Result<RawReview> {
    Ok(RawReview {
        server,
        schedule: r.get(0)?,
        slot: r.get(1)?,
        prompt: r.get(2)?,
        message_id: r.get(3)?,
        decision: r.get(4)?,
        decided_by: r.get(5)?,
        decided_at: r.get(6)?,
    })
}

struct RawReview {
    server: ServerId,
    schedule: String,
    slot: String,
    prompt: Option<String>,
    message_id: Option<String>,
    decision: String,
    decided_by: Option<String>,
    decided_at: Option<i64>,
}

impl RawReview {
    fn parse(self) -> Result<ReviewRecord, StoreError> {
        Ok(ReviewRecord {
            server: self.server,
            schedule: self.schedule,
            slot: self.slot,
            prompt: self.prompt,
            message_id: self.message_id,
            decision: ReviewDecision::parse(&self.decision)?,
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(from_millis).transpose()?,
        })
    }
}

fn read_review(
    c: &Connection,
    server: ServerId,
    schedule: &str,
    slot: &str,
) -> Result<Option<ReviewRecord>, StoreError> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM slot_reviews WHERE guild = ?1 AND schedule = ?2 AND slot = ?3"
    ))?
    .query_row(params![server, schedule, slot], |r| row(server, r))
    .optional()?
    .map(RawReview::parse)
    .transpose()
}

impl Store {
    /// Opens the review of a slot with the prompt it will post, unless it has one. Returns
    /// whether it did (only then is the review message posted).
    pub fn open_review(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        prompt: Option<&str>,
    ) -> Result<bool, StoreError> {
        let (schedule, slot, prompt) = (
            schedule.to_string(),
            slot.to_string(),
            prompt.map(str::to_string),
        );
        self.inner.writer.write(move |c| {
            Ok(c.execute(
                "INSERT OR IGNORE INTO slot_reviews (guild, schedule, slot, prompt, decision)
                 VALUES (?1, ?2, ?3, ?4, 'pending')",
                params![server, schedule, slot, prompt],
            )? > 0)
        })
    }

    /// Records the review message of a slot (`""`: it could not be posted).
    pub fn set_review_message(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        message_id: &str,
    ) -> Result<(), StoreError> {
        let (schedule, slot, message_id) = (
            schedule.to_string(),
            slot.to_string(),
            message_id.to_string(),
        );
        self.inner.writer.write(move |c| {
            c.execute(
                "UPDATE slot_reviews SET message_id = ?4 WHERE guild = ?1 AND schedule = ?2 AND slot = ?3",
                params![server, schedule, slot, message_id],
            )?;
            Ok(())
        })
    }

    /// Records a decision on the review of a slot, with who made it when, if the slot has not
    /// been posted nor skipped yet. Returns the review as it is now, or `None` when the slot is
    /// done (nothing changed) or has no review.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_review(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        decision: ReviewDecision,
        prompt: Option<&str>,
        by: &str,
        at: Timestamp,
    ) -> Result<Option<ReviewRecord>, StoreError> {
        let (schedule, slot, by) = (schedule.to_string(), slot.to_string(), by.to_string());
        let prompt = prompt.map(str::to_string);
        self.inner.writer.write(move |c| {
            let done: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM schedule_slots WHERE guild = ?1 AND schedule = ?2 AND slot = ?3)",
                params![server, schedule, slot],
                |r| r.get(0),
            )?;
            if done {
                return Ok(None);
            }
            let changed = c.execute(
                "UPDATE slot_reviews SET decision = ?4, prompt = COALESCE(?5, prompt), decided_by = ?6, decided_at = ?7
                 WHERE guild = ?1 AND schedule = ?2 AND slot = ?3",
                params![server, schedule, slot, decision.as_str(), prompt, by, millis(at)],
            )?;
            if changed == 0 {
                return Ok(None);
            }
            read_review(c, server, &schedule, &slot)
        })
    }

    /// The review of a slot.
    pub fn review(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
    ) -> Result<Option<ReviewRecord>, StoreError> {
        self.read(|c| read_review(c, server, schedule, slot))
    }

    /// The review whose message is `message_id`, in `server` only.
    pub fn review_by_message(
        &self,
        server: ServerId,
        message_id: &str,
    ) -> Result<Option<ReviewRecord>, StoreError> {
        if message_id.is_empty() {
            return Ok(None);
        }
        self.read(|c| {
            c.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM slot_reviews WHERE guild = ?1 AND message_id = ?2"
            ))?
            .query_row(params![server, message_id], |r| row(server, r))
            .optional()?
            .map(RawReview::parse)
            .transpose()
        })
    }
}
