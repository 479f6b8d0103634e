//! The schedule ledger: each slot (schedule, local slot time) is claimed in a transaction before its
//! discussion is opened, so a restart or a second process on the same database never posts it twice.

use super::{
    from_millis, millis, server::parse_server, DiscussionId, NewDiscussion, ServerId, Store,
    StoreError,
};
use jiff::{SignedDuration, Timestamp};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    Claimed,
    Posted,
    Skipped,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotRecord {
    pub server: ServerId,
    pub schedule: String,
    pub slot: String,
    pub slot_at: Timestamp,
    pub state: SlotState,
    pub discussion: Option<DiscussionId>,
    pub reason: Option<String>,
    pub claimed_at: Timestamp,
    pub claimed_by: String,
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This process owns the slot; its discussion was opened in the same transaction.
    Won(DiscussionId),
    /// The slot already has a ledger row: posted, skipped, or claimed by someone.
    Taken(SlotRecord),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleState {
    pub paused: bool,
    pub queue: Vec<String>,
    pub next_prompt: Option<String>,
}

fn read_slot(
    c: &Connection,
    server: ServerId,
    schedule: &str,
    slot: &str,
) -> Result<Option<SlotRecord>, StoreError> {
    let raw = c
        .prepare_cached(
            "SELECT slot_at, state, discussion, reason, claimed_at, claimed_by FROM schedule_slots WHERE guild = ?3 AND schedule = ?1 AND slot = ?2",
        )?
        .query_row(params![schedule, slot, server], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .optional()?;
    let Some((slot_at, state, discussion, reason, claimed_at, claimed_by)) = raw else {
        return Ok(None);
    };
    let state = match state.as_str() {
        "claimed" => SlotState::Claimed,
        "posted" => SlotState::Posted,
        "skipped" => SlotState::Skipped,
        other => return Err(StoreError::Corrupt(format!("slot state `{other}`"))),
    };
    Ok(Some(SlotRecord {
        server,
        schedule: schedule.to_string(),
        slot: slot.to_string(),
        slot_at: from_millis(slot_at)?,
        state,
        discussion: discussion.map(DiscussionId),
        reason,
        claimed_at: from_millis(claimed_at)?,
        claimed_by,
    }))
}

/// Where a slot is claimed: schedule, local slot time, the instant, and who claims it when.
pub struct SlotClaim<'a> {
    pub server: ServerId,
    pub schedule: &'a str,
    pub slot: &'a str,
    pub slot_at: Timestamp,
    pub now: Timestamp,
    pub owner: &'a str,
    /// How long a claim without a posted discussion stays its owner's before another may finish it.
    pub lease: SignedDuration,
}

impl Store {
    /// Claims a slot and opens its discussion in one transaction; see [`Claim`].
    pub fn claim_slot(
        &self,
        claim: SlotClaim<'_>,
        discussion: NewDiscussion<'_>,
    ) -> Result<Claim, StoreError> {
        let (schedule, slot, owner) = (
            claim.schedule.to_string(),
            claim.slot.to_string(),
            claim.owner.to_string(),
        );
        let (slot_at, now, server) = (millis(claim.slot_at), millis(claim.now), claim.server);
        let insert = self.prepare_discussion(discussion)?;
        self.inner.writer.write(move |c| {
            if let Some(existing) = read_slot(c, server, &schedule, &slot)? {
                return Ok(Claim::Taken(existing));
            }
            let id = insert(c)?;
            c.execute(
                "INSERT INTO schedule_slots (guild, schedule, slot, slot_at, state, discussion, claimed_at, claimed_by)
                 VALUES (?7, ?1, ?2, ?3, 'claimed', ?4, ?5, ?6)",
                params![schedule, slot, slot_at, id.0, now, owner, server],
            )?;
            Ok(Claim::Won(id))
        })
    }

    /// Takes over a claim whose lease has run out (its process is gone), or this process's own
    /// unfinished claim. Returns the discussion to finish posting, or `None` if the claim is live
    /// elsewhere or no longer unfinished.
    pub fn take_over_slot(&self, claim: SlotClaim<'_>) -> Result<Option<DiscussionId>, StoreError> {
        let (schedule, slot, owner) = (
            claim.schedule.to_string(),
            claim.slot.to_string(),
            claim.owner.to_string(),
        );
        let (now, lease) = (millis(claim.now), claim.lease.as_millis() as i64);
        let server = claim.server;
        self.inner.writer.write(move |c| {
            let Some(row) = read_slot(c, server, &schedule, &slot)? else {
                return Ok(None);
            };
            let stale = millis(row.claimed_at) + lease <= now;
            if row.state != SlotState::Claimed || !(stale || row.claimed_by == owner) {
                return Ok(None);
            }
            c.execute(
                "UPDATE schedule_slots SET claimed_by = ?3, claimed_at = ?4 WHERE guild = ?5 AND schedule = ?1 AND slot = ?2",
                params![schedule, slot, owner, now, server],
            )?;
            Ok(row.discussion)
        })
    }

    /// Marks a claimed slot as posted.
    pub fn mark_slot_posted(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
    ) -> Result<(), StoreError> {
        let (schedule, slot) = (schedule.to_string(), slot.to_string());
        self.inner.writer.write(move |c| {
            c.execute(
                "UPDATE schedule_slots SET state = 'posted' WHERE guild = ?3 AND schedule = ?1 AND slot = ?2 AND state = 'claimed'",
                params![schedule, slot, server],
            )?;
            Ok(())
        })
    }

    /// Marks a claimed slot as skipped because its post failed; the reason is kept.
    pub fn fail_slot(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let (schedule, slot, reason) = (schedule.to_string(), slot.to_string(), reason.to_string());
        self.inner.writer.write(move |c| {
            c.execute(
                "UPDATE schedule_slots SET state = 'skipped', reason = ?3 WHERE guild = ?4 AND schedule = ?1 AND slot = ?2 AND state = 'claimed'",
                params![schedule, slot, reason, server],
            )?;
            Ok(())
        })
    }

    /// Records a slot as skipped with its reason, unless it already has a row. Returns whether it did.
    #[allow(clippy::too_many_arguments)]
    pub fn skip_slot(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
        slot_at: Timestamp,
        reason: &str,
        now: Timestamp,
        owner: &str,
    ) -> Result<bool, StoreError> {
        let (schedule, slot, reason, owner) = (
            schedule.to_string(),
            slot.to_string(),
            reason.to_string(),
            owner.to_string(),
        );
        self.inner.writer.write(move |c| {
            Ok(c.execute(
                "INSERT OR IGNORE INTO schedule_slots (guild, schedule, slot, slot_at, state, reason, claimed_at, claimed_by)
                 VALUES (?7, ?1, ?2, ?3, 'skipped', ?4, ?5, ?6)",
                params![schedule, slot, millis(slot_at), reason, millis(now), owner, server],
            )? > 0)
        })
    }

    pub fn slot(
        &self,
        server: ServerId,
        schedule: &str,
        slot: &str,
    ) -> Result<Option<SlotRecord>, StoreError> {
        self.read(|c| read_slot(c, server, schedule, slot))
    }

    /// Every ledger row of a schedule, oldest first.
    pub fn slots(&self, server: ServerId, schedule: &str) -> Result<Vec<SlotRecord>, StoreError> {
        let keys: Vec<String> = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT slot FROM schedule_slots WHERE guild = ?2 AND schedule = ?1 ORDER BY slot_at",
            )?;
            let rows = stmt.query_map(params![schedule, server], |r| r.get(0))?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })?;
        keys.iter()
            .filter_map(|k| self.slot(server, schedule, k).transpose())
            .collect()
    }

    pub fn schedule_state(
        &self,
        server: ServerId,
        schedule: &str,
    ) -> Result<ScheduleState, StoreError> {
        self.read(|c| {
            let row = c
                .query_row(
                    "SELECT paused, queue, next_prompt FROM schedule_state WHERE guild = ?2 AND schedule = ?1",
                    params![schedule, server],
                    |r| {
                        Ok((
                            r.get::<_, bool>(0)?,
                            r.get::<_, Option<String>>(1)?,
                            r.get::<_, Option<String>>(2)?,
                        ))
                    },
                )
                .optional()?;
            let Some((paused, queue, next_prompt)) = row else {
                return Ok(ScheduleState::default());
            };
            let queue = match queue {
                Some(q) => serde_json::from_str(&q)
                    .map_err(|e| StoreError::Corrupt(format!("queue of {schedule}: {e}")))?,
                None => Vec::new(),
            };
            Ok(ScheduleState {
                paused,
                queue,
                next_prompt,
            })
        })
    }

    pub fn set_paused(
        &self,
        server: ServerId,
        schedule: &str,
        paused: bool,
    ) -> Result<(), StoreError> {
        self.update_state(
            server,
            schedule,
            "paused",
            rusqlite::types::Value::Integer(i64::from(paused)),
        )
    }

    pub fn set_queue(
        &self,
        server: ServerId,
        schedule: &str,
        queue: &[String],
    ) -> Result<(), StoreError> {
        let q = serde_json::to_string(queue).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.update_state(server, schedule, "queue", rusqlite::types::Value::Text(q))
    }

    pub fn set_next_prompt(
        &self,
        server: ServerId,
        schedule: &str,
        prompt: Option<&str>,
    ) -> Result<(), StoreError> {
        let v = prompt.map_or(rusqlite::types::Value::Null, |p| {
            rusqlite::types::Value::Text(p.to_string())
        });
        self.update_state(server, schedule, "next_prompt", v)
    }

    fn update_state(
        &self,
        server: ServerId,
        schedule: &str,
        column: &'static str,
        value: rusqlite::types::Value,
    ) -> Result<(), StoreError> {
        let schedule = schedule.to_string();
        self.inner.writer.write(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO schedule_state (guild, schedule) VALUES (?2, ?1)",
                params![schedule, server],
            )?;
            c.execute(
                &format!(
                    "UPDATE schedule_state SET {column} = ?2 WHERE guild = ?3 AND schedule = ?1"
                ),
                params![schedule, value, server],
            )?;
            Ok(())
        })
    }

    /// How many discussions each prompt has had in `server`.
    pub fn prompt_uses(&self, server: ServerId) -> Result<HashMap<String, u64>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT prompt_id, COUNT(*) FROM discussions WHERE guild = ?1 GROUP BY prompt_id",
            )?;
            let rows = stmt.query_map([server], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })
    }
}

/// A schedule made from Discord (`/schedule add`): its settings as the file would have them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    pub server: ServerId,
    pub name: String,
    /// The schedule's settings (JSON of `schedule::ScheduleConfig`).
    pub config: String,
    pub added_by: String,
    pub added_at: Timestamp,
}

impl Store {
    /// Adds a schedule to `server`. Returns false when the server already has one of that name.
    pub fn insert_schedule(
        &self,
        server: ServerId,
        name: &str,
        config: &str,
        by: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let (name, config, by) = (name.to_string(), config.to_string(), by.to_string());
        self.inner.writer.write(move |c| {
            Ok(c.execute(
                "INSERT OR IGNORE INTO schedules (guild, name, config, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![server, name, config, by, millis(now)],
            )? > 0)
        })
    }

    /// Removes a schedule made from Discord (its ledger stays: a slot posted once never posts
    /// again, should the schedule come back). Returns whether there was one.
    pub fn remove_schedule(&self, server: ServerId, name: &str) -> Result<bool, StoreError> {
        let name = name.to_string();
        self.inner.writer.write(move |c| {
            Ok(c.execute(
                "DELETE FROM schedules WHERE guild = ?1 AND name = ?2",
                params![server, name],
            )? > 0)
        })
    }

    /// The schedules made from Discord: those of `server`, or (`None`) of every server that has
    /// not removed the bot; by server, then name.
    pub fn stored_schedules(
        &self,
        server: Option<ServerId>,
    ) -> Result<Vec<StoredSchedule>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT guild, name, config, added_by, added_at FROM schedules
                 WHERE (?1 IS NULL OR guild = ?1) AND {} ORDER BY guild, name",
                super::PRESENT
            ))?;
            let rows = stmt.query_map([server], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?;
            rows.map(|r| {
                let (g, name, config, added_by, at) = r?;
                Ok(StoredSchedule {
                    server: parse_server(&g)?,
                    name,
                    config,
                    added_by,
                    added_at: from_millis(at)?,
                })
            })
            .collect()
        })
    }
}
