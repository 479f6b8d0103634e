//! Weekly scheduled discussions: slots in a time zone, a prompt queue, and a ledger in the store so
//! that every slot posts exactly once, across restarts and across processes sharing a database.
//!
//! Every schedule belongs to a server, and its name is unique there: the file's `[[schedule]]`
//! tables name their guild (or `discord.guild_id`), schedules added from Discord are kept in the
//! store. Ledger, pauses and queues are per server, and so is the count of a prompt's uses.
//!
//! Rules, in the order `tick` applies them to a schedule's latest slot at or before now:
//! 1. a slot with a ledger row is done (posted or skipped) or owned by a live claim: nothing to do;
//! 2. paused: the slot is recorded as skipped ("paused");
//! 3. missed (now is past the slot by more than the grace window): recorded as skipped with the
//!    reason; only the latest slot is considered, so a long outage never leaves a backlog;
//! 4. its review (see [`review`]): skipped there, or nobody reviewed and `on_no_review = "hold"`:
//!    recorded as skipped; approved, swapped, or nobody reviewed and `"post"`: the review's prompt
//!    is the slot's;
//! 5. empty queue: recorded as skipped, and a problem is reported for the moderators' log (unless
//!    the slot's review reported it already);
//! 6. otherwise the slot is claimed and its discussion opened in one transaction; the adapter posts
//!    it and calls [`Scheduler::posted`].
//!
//! Crash between claim and post (the recovery rule): a claim not marked posted belongs to its
//! process for a lease (default 10 minutes). After that, the next `tick` of any process (normally
//! the restarted bot) takes it over, within the grace window, and reports it as a `Post` with
//! `recovered: true` for the discussion already opened; the adapter finishes it without posting
//! twice: a post or thread the stopped run made is found on the platform and adopted (see the
//! Discord adapter's `post_or_finish`). Outside the grace window it is recorded as skipped.

pub mod rhythm;

pub mod config;

pub mod review;

use crate::discussion::{Discussion, DiscussionError, Discussions, Tally};
use crate::prompt::Catalog;
use crate::store::{
    Claim, DiscussionId, NewDiscussion, ServerId, SlotClaim, SlotState, StoreError,
};
pub use config::{NoReview, QueuePolicy, ReviewConfig, ScheduleConfig};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::seq::SliceRandom;
use rand::SeedableRng;
pub use review::{ReviewChoice, ReviewNotice, ReviewRules};
use rhythm::{Cron, Occurrence, Rhythm};
use std::collections::HashMap;

/// Longest schedule name.
pub const MAX_NAME: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("there is no schedule named `{0}` here")]
    Unknown(String),
    #[error("there is already a schedule named `{0}` here")]
    Exists(String),
    #[error("schedule `{0}` is in the configuration file: remove it there")]
    InFile(String),
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("stored schedule `{name}` does not read: {message}")]
    Corrupt { name: String, message: String },
    #[error("there is no prompt `{0}`")]
    UnknownPrompt(String),
    #[error(
        "this review is unknown here (it may belong to another server), so nothing was recorded"
    )]
    UnknownReview,
    #[error("the slot of {0} has already posted or been skipped, so nothing changed")]
    ReviewOver(String),
    #[error(transparent)]
    Discussion(#[from] DiscussionError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A schedule ready to run: its configuration with the rhythm and time zone resolved.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The server it posts in.
    pub server: ServerId,
    pub name: String,
    pub channel: String,
    pub rhythm: Rhythm,
    pub tz: TimeZone,
    pub duration: Option<SignedDuration>,
    pub queue: QueuePolicy,
    pub prompts: Vec<String>,
    pub repeat: bool,
    pub grace: SignedDuration,
}

impl Schedule {
    /// Resolves a schedule's settings; the error names the field at fault. Its server is its
    /// `guild`, else `default_guild` (`discord.guild_id`); a schedule posting in the console
    /// belongs to the console.
    pub fn from_config(
        c: &ScheduleConfig,
        default_guild: Option<u64>,
    ) -> Result<Schedule, (&'static str, String)> {
        // `console::CHANNEL`: the console's schedules post in the console.
        let server = if c.channel == "console" {
            if c.guild.is_some() {
                return Err((
                    "guild",
                    "a schedule posting in the console belongs to the console: remove `guild`"
                        .into(),
                ));
            }
            ServerId::Console
        } else {
            match c.guild.or(default_guild) {
                Some(0) => return Err(("guild", "0 is not a guild id".into())),
                Some(g) => ServerId::Guild(g),
                None => {
                    return Err((
                        "guild",
                        "name the Discord server (its guild id) this schedule posts in; it is \
                         required when discord.guild_id is not set"
                            .into(),
                    ))
                }
            }
        };
        let name = c.name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(("name", format!("must be 1 to {MAX_NAME} characters")));
        }
        let rhythm = match (&c.at, &c.cron) {
            (Some(at), None) => Rhythm::weekly(at).map_err(|e| ("at", e))?,
            (None, Some(cron)) => Rhythm::Cron(Cron::parse(cron).map_err(|e| ("cron", e))?),
            _ => {
                return Err((
                    "at",
                    "give exactly one of `at` (\"Mon 18:00\") or `cron`".into(),
                ))
            }
        };
        let tz = TimeZone::get(&c.timezone).map_err(|_| {
            (
                "timezone",
                format!(
                    "`{}` is not an IANA time zone like \"America/New_York\"",
                    c.timezone
                ),
            )
        })?;
        if c.channel.trim().is_empty() {
            return Err(("channel", "must name a channel".into()));
        }
        if let Some(h) = c.duration_hours {
            crate::discussion::config::validate_duration_hours("duration_hours", h)
                .map_err(|e| ("duration_hours", e.message))?;
        }
        if c.grace_hours > config::MAX_GRACE_HOURS {
            return Err((
                "grace_hours",
                format!(
                    "must be between 0 and {} hours (a week)",
                    config::MAX_GRACE_HOURS
                ),
            ));
        }
        Ok(Schedule {
            server,
            name: name.to_string(),
            channel: c.channel.clone(),
            rhythm,
            tz,
            duration: c
                .duration_hours
                .map(|h| SignedDuration::from_hours(i64::from(h))),
            queue: c.queue,
            prompts: c.prompts.clone(),
            repeat: c.repeat,
            grace: SignedDuration::from_hours(i64::from(c.grace_hours)),
        })
    }
}

/// What a tick found to do or to tell.
#[derive(Debug, Clone)]
pub enum Event {
    /// A slot's discussion is opened and must be posted (then [`Scheduler::posted`]).
    Post {
        server: ServerId,
        schedule: String,
        slot: Occurrence,
        discussion: Discussion,
        recovered: bool,
    },
    /// A slot was recorded as skipped.
    Skipped {
        server: ServerId,
        schedule: String,
        slot: Occurrence,
        reason: String,
    },
    /// Something the moderators must fix (empty queue, unknown prompt, …).
    Problem {
        server: ServerId,
        schedule: String,
        message: String,
    },
    /// A slot's review is due: the moderators are shown what it will post, to approve, swap or
    /// skip (then [`Scheduler::review_posted`]).
    Review(Box<ReviewNotice>),
    /// A discussion's time ran out: it is closed with this final tally.
    Closed {
        discussion: Discussion,
        tally: Tally,
    },
}

/// One upcoming slot, for `/schedule show` and `schedule --dry-run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upcoming {
    pub server: ServerId,
    pub schedule: String,
    pub slot: Occurrence,
    pub tz: String,
    /// The local time the post goes out: the slot's wall time, or later on the day the clocks
    /// skip it (02:30 on the spring-forward day in New York posts at 03:30).
    pub local: jiff::civil::DateTime,
    /// The prompt that would be posted, if the queue has one.
    pub prompt: Option<String>,
    pub skipped: bool,
    pub paused: bool,
}

/// Which servers a scheduler runs: the console's (`roundtable console`), or every Discord
/// server (the bot). Neither touches the other's discussions or slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Console,
    Guilds,
}

impl Scope {
    fn covers(self, server: ServerId) -> bool {
        match self {
            Scope::Console => server == ServerId::Console,
            Scope::Guilds => server != ServerId::Console,
        }
    }
}

pub struct Scheduler {
    engine: Discussions,
    scope: Scope,
    /// The file's schedules (the store holds those added from Discord).
    configured: Vec<Schedule>,
    /// This process's name in the ledger.
    owner: String,
    lease: SignedDuration,
    /// Each server's review settings; `None`: no reviews.
    review: Option<std::sync::Arc<dyn ReviewRules>>,
}

impl Scheduler {
    /// A scheduler of the servers in `scope`, with the file's `schedules` of those servers.
    pub fn new(
        engine: Discussions,
        scope: Scope,
        schedules: Vec<Schedule>,
        owner: impl Into<String>,
    ) -> Self {
        let configured = schedules
            .into_iter()
            .filter(|s| scope.covers(s.server))
            .collect();
        Scheduler {
            engine,
            scope,
            configured,
            owner: owner.into(),
            lease: SignedDuration::from_mins(10),
            review: None,
        }
    }

    /// Reviews before slots, by each server's settings (Discord servers only).
    pub fn with_review_rules(mut self, rules: std::sync::Arc<dyn ReviewRules>) -> Self {
        self.review = Some(rules);
        self
    }

    pub fn with_lease(mut self, lease: SignedDuration) -> Self {
        self.lease = lease;
        self
    }

    /// Gives the ledger rows of the file's schedules that predate servers to their server.
    pub fn assign_ledger(&self) -> Result<crate::store::Assigned, ScheduleError> {
        let mut total = crate::store::Assigned::default();
        for s in &self.configured {
            let a = self.engine.store().assign_schedule(s.server, &s.name)?;
            total.slots += a.slots;
            total.states += a.states;
        }
        Ok(total)
    }

    /// Every schedule this scheduler runs: the file's, then those added from Discord, of the
    /// servers that have not removed the bot. A stored schedule that no longer reads is reported
    /// and left out.
    pub fn schedules(&self) -> Result<Vec<Schedule>, ScheduleError> {
        self.collect(None)
    }

    /// The schedules of `server`.
    pub fn schedules_of(&self, server: ServerId) -> Result<Vec<Schedule>, ScheduleError> {
        self.collect(Some(server))
    }

    fn collect(&self, server: Option<ServerId>) -> Result<Vec<Schedule>, ScheduleError> {
        let store = self.engine.store();
        let left = store.servers_left()?;
        let mut out: Vec<Schedule> = self
            .configured
            .iter()
            .filter(|s| server.is_none_or(|only| s.server == only))
            .filter(|s| !left.contains(&s.server))
            .cloned()
            .collect();
        if self.scope == Scope::Guilds && server != Some(ServerId::Console) {
            for stored in store.stored_schedules(server)? {
                match parse_stored(&stored) {
                    Ok(s) => out.push(s),
                    Err(e) => tracing::error!(server = %stored.server, "{e}"),
                }
            }
        }
        Ok(out)
    }

    /// Schedule `name` of `server`.
    pub fn schedule(&self, server: ServerId, name: &str) -> Result<Schedule, ScheduleError> {
        self.schedules_of(server)?
            .into_iter()
            .find(|s| s.name == name.trim())
            .ok_or_else(|| ScheduleError::Unknown(crate::limits::shown(name.trim(), 60)))
    }

    /// Adds a schedule to `server` on behalf of `by` (`/schedule add`): checked like a
    /// `[[schedule]]` table of the file, kept in the store. Its first slot is the next one to
    /// come: a slot earlier today is not posted late.
    pub fn add(
        &self,
        server: ServerId,
        mut config: ScheduleConfig,
        by: &str,
    ) -> Result<Schedule, ScheduleError> {
        if self.scope != Scope::Guilds || server == ServerId::Console {
            return Err(ScheduleError::Invalid {
                field: "guild",
                message: "schedules are added in the configuration file here".into(),
            });
        }
        config.guild = server.guild();
        config.name = config.name.trim().to_string();
        let schedule = Schedule::from_config(&config, None)
            .map_err(|(field, message)| ScheduleError::Invalid { field, message })?;
        if self
            .configured
            .iter()
            .any(|s| s.server == server && s.name == schedule.name)
        {
            return Err(ScheduleError::Exists(schedule.name));
        }
        let json = serde_json::to_string(&config).map_err(|e| ScheduleError::Corrupt {
            name: schedule.name.clone(),
            message: e.to_string(),
        })?;
        let store = self.engine.store();
        let now = self.engine.now();
        if !store.insert_schedule(server, &schedule.name, &json, by, now)? {
            return Err(ScheduleError::Exists(schedule.name));
        }
        if let Some(slot) = schedule.rhythm.last_at_or_before(&schedule.tz, now) {
            let reason = "before the schedule was added";
            store.skip_slot(
                server,
                &schedule.name,
                &slot.key(),
                slot.at,
                reason,
                now,
                &self.owner,
            )?;
        }
        tracing::info!(%server, schedule = %schedule.name, %by, "schedule added");
        Ok(schedule)
    }

    /// Removes a schedule added from Discord; its ledger stays, so a slot it posted is never
    /// posted again should it come back.
    pub fn remove(&self, server: ServerId, name: &str) -> Result<(), ScheduleError> {
        let name = name.trim();
        if self
            .configured
            .iter()
            .any(|s| s.server == server && s.name == name)
        {
            return Err(ScheduleError::InFile(name.to_string()));
        }
        if !self.engine.store().remove_schedule(server, name)? {
            return Err(ScheduleError::Unknown(crate::limits::shown(name, 60)));
        }
        tracing::info!(%server, schedule = %name, "schedule removed");
        Ok(())
    }

    /// Closes discussions whose time is up, then handles every schedule's latest slot.
    pub fn tick(&self, catalog: &Catalog) -> Result<Vec<Event>, ScheduleError> {
        let scope = self.scope;
        let mut events: Vec<Event> = self
            .engine
            .close_due_where(|s| scope.covers(s))?
            .into_iter()
            .map(|(discussion, tally)| Event::Closed { discussion, tally })
            .collect();
        let now = self.engine.now();
        for s in &self.schedules()? {
            if let Some(slot) = s.rhythm.last_at_or_before(&s.tz, now) {
                self.tick_one(s, slot, now, catalog, &mut events)?;
            }
            if let Some(slot) = s.rhythm.next_after(&s.tz, now) {
                self.review_one(s, slot, now, catalog, &mut events)?;
            }
        }
        Ok(events)
    }

    fn tick_one(
        &self,
        s: &Schedule,
        slot: Occurrence,
        now: Timestamp,
        catalog: &Catalog,
        events: &mut Vec<Event>,
    ) -> Result<(), ScheduleError> {
        let store = self.engine.store();
        let key = slot.key();
        let existing = store.slot(s.server, &s.name, &key)?;
        if let Some(row) = &existing {
            let stale = row
                .claimed_at
                .saturating_add(self.lease)
                .is_ok_and(|t| t <= now);
            if row.state != SlotState::Claimed || (!stale && row.claimed_by != self.owner) {
                return Ok(());
            }
        }
        let state = store.schedule_state(s.server, &s.name)?;
        let late = now.duration_since(slot.at);
        let skip_reason = if state.paused {
            Some("the schedule is paused".to_string())
        } else if late > s.grace {
            Some(format!(
                "missed: roundtable was not running at {} ({}); it started {} later, past the grace window of {} hours",
                slot.key(),
                s.tz.iana_name().unwrap_or("local time"),
                fmt_duration(late),
                s.grace.as_hours()
            ))
        } else {
            None
        };
        if let Some(reason) = skip_reason {
            if existing.is_none()
                && store.skip_slot(s.server, &s.name, &key, slot.at, &reason, now, &self.owner)?
            {
                tracing::info!(server = %s.server, schedule = %s.name, slot = %key, %reason, "slot skipped");
                events.push(Event::Skipped {
                    server: s.server,
                    schedule: s.name.clone(),
                    slot,
                    reason,
                });
            }
            return Ok(());
        }
        let claim = SlotClaim {
            server: s.server,
            schedule: &s.name,
            slot: &key,
            slot_at: slot.at,
            now,
            owner: &self.owner,
            lease: self.lease,
        };
        if existing.is_some() {
            // An unfinished claim (rule 1 let through only a stale one, or our own): finish it.
            if let Some(id) = store.take_over_slot(claim)? {
                let discussion = self.engine.get(s.server, id)?;
                tracing::warn!(server = %s.server, schedule = %s.name, slot = %key, discussion = %id, "finishing a slot claimed but never posted");
                events.push(Event::Post {
                    server: s.server,
                    schedule: s.name.clone(),
                    slot,
                    discussion,
                    recovered: true,
                });
            }
            return Ok(());
        }
        // The moderators' review: skipped, held, or the prompt it settled on.
        let (reviewed, warned) = match self.at_slot(s, &key)? {
            review::AtSlot::Skip(reason) => {
                if store.skip_slot(s.server, &s.name, &key, slot.at, &reason, now, &self.owner)? {
                    tracing::info!(server = %s.server, schedule = %s.name, slot = %key, %reason, "slot skipped");
                    events.push(Event::Skipped {
                        server: s.server,
                        schedule: s.name.clone(),
                        slot,
                        reason,
                    });
                }
                return Ok(());
            }
            review::AtSlot::Post { prompt, warned } => (prompt, warned),
        };
        let uses = store.prompt_uses(s.server)?;
        // The files and the prompts this server approved in the store.
        let catalog = &crate::library::catalog_for(catalog, store, s.server)?;
        let chosen = match reviewed.filter(|id| catalog.get(id).is_some()) {
            Some(id) => Some(id),
            None => self.choose(s, catalog, &state.next_prompt, &uses)?,
        };
        let Some(prompt_id) = chosen else {
            let reason = format!(
                "no prompt left in the queue of schedule `{}`: add prompt files, or set `repeat = true`",
                s.name
            );
            if store.skip_slot(s.server, &s.name, &key, slot.at, &reason, now, &self.owner)? {
                tracing::warn!(server = %s.server, schedule = %s.name, slot = %key, "{reason}");
                // The review warned the moderators already: not again at the slot.
                if !warned {
                    events.push(Event::Problem {
                        server: s.server,
                        schedule: s.name.clone(),
                        message: reason,
                    });
                }
            }
            return Ok(());
        };
        let prompt = catalog
            .get(&prompt_id)
            .ok_or_else(|| ScheduleError::UnknownPrompt(prompt_id.clone()))?;
        let order = self.engine.option_order(s.server, prompt);
        let closes_at = slot
            .at
            .checked_add(
                s.duration
                    .unwrap_or(self.engine.rules_for(s.server).duration),
            )
            .ok();
        let new = NewDiscussion {
            server: s.server,
            prompt,
            channel: &s.channel,
            option_order: &order,
            opened_at: now,
            closes_at,
        };
        let Claim::Won(id) = store.claim_slot(claim, new)? else {
            return Ok(()); // another process claimed it first
        };
        if state.next_prompt.as_deref() == Some(prompt_id.as_str()) {
            store.set_next_prompt(s.server, &s.name, None)?;
        }
        let discussion = self.engine.get(s.server, id)?;
        tracing::debug!(server = %s.server, schedule = %s.name, slot = %key, discussion = %id, prompt = %prompt_id, "slot claimed");
        events.push(Event::Post {
            server: s.server,
            schedule: s.name.clone(),
            slot,
            discussion,
            recovered: false,
        });
        Ok(())
    }

    /// The prompt for a schedule's next slot: a moderator's choice first, then the queue.
    fn choose(
        &self,
        s: &Schedule,
        catalog: &Catalog,
        next: &Option<String>,
        uses: &HashMap<String, u64>,
    ) -> Result<Option<String>, ScheduleError> {
        if let Some(id) = next.as_ref().filter(|id| catalog.get(id).is_some()) {
            return Ok(Some(id.clone()));
        }
        let order = self.queue_order(s, catalog)?;
        Ok(pick(&order, uses, s.repeat))
    }

    /// The queue in order: the explicit list or the files' order, or for `shuffled` a shuffle made
    /// once and kept in the store (new prompts are shuffled in behind it).
    fn queue_order(&self, s: &Schedule, catalog: &Catalog) -> Result<Vec<String>, ScheduleError> {
        let known: Vec<String> = if s.prompts.is_empty() {
            catalog.prompts.keys().cloned().collect()
        } else {
            s.prompts
                .iter()
                .filter(|p| catalog.get(p).is_some())
                .cloned()
                .collect()
        };
        if s.queue == QueuePolicy::Sequential {
            return Ok(known);
        }
        let store = self.engine.store();
        let kept = store.schedule_state(s.server, &s.name)?.queue;
        let mut order: Vec<String> = kept.iter().filter(|p| known.contains(p)).cloned().collect();
        let mut new: Vec<String> = known
            .iter()
            .filter(|p| !kept.contains(p))
            .cloned()
            .collect();
        if !new.is_empty() {
            new.shuffle(&mut rand::rngs::StdRng::from_os_rng());
            order.extend(new);
            store.set_queue(s.server, &s.name, &order)?;
        }
        Ok(order)
    }

    /// Records that a slot's discussion is posted.
    pub fn posted(
        &self,
        server: ServerId,
        schedule: &str,
        slot_key: &str,
    ) -> Result<(), ScheduleError> {
        Ok(self
            .engine
            .store()
            .mark_slot_posted(server, schedule, slot_key)?)
    }

    /// A slot's discussion could not be posted (unknown channel, no permission): the slot is
    /// recorded as skipped with the reason, and its discussion closed so it takes no answers.
    pub fn post_failed(
        &self,
        server: ServerId,
        schedule: &str,
        slot_key: &str,
        discussion: DiscussionId,
        reason: &str,
    ) -> Result<(), ScheduleError> {
        self.engine.store().fail_slot(
            server,
            schedule,
            slot_key,
            &format!("not posted: {reason}"),
        )?;
        match self
            .engine
            .close(server, discussion, "roundtable (not posted)")
        {
            Ok(_) | Err(DiscussionError::Closed { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// When a tick has something to do next: a slot or a close time.
    pub fn next_wake(&self) -> Result<Option<Timestamp>, ScheduleError> {
        let now = self.engine.now();
        let schedules = self.schedules()?;
        let slots = schedules
            .iter()
            .filter_map(|s| s.rhythm.next_after(&s.tz, now).map(|o| o.at));
        let reviews = schedules
            .iter()
            .filter_map(|s| self.next_review_at(s, now))
            .collect::<Vec<_>>();
        let close = self.engine.next_close_time()?;
        Ok(slots.chain(reviews).chain(close).min())
    }

    /// The next `n` slots of the schedules of `server` (every server's with `None`) with the
    /// prompt each would post, without changing anything.
    pub fn upcoming(
        &self,
        server: Option<ServerId>,
        catalog: &Catalog,
        n: usize,
    ) -> Result<Vec<Upcoming>, ScheduleError> {
        let now = self.engine.now();
        let store = self.engine.store();
        let mut out = Vec::new();
        let mut uses_of: HashMap<ServerId, HashMap<String, u64>> = HashMap::new();
        for s in &self.collect(server)? {
            let uses = match uses_of.entry(s.server) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(store.prompt_uses(s.server)?)
                }
            };
            let state = store.schedule_state(s.server, &s.name)?;
            let mut next = state.next_prompt.clone();
            let catalog = &crate::library::catalog_for(catalog, store, s.server)?;
            let order = self.queue_order(s, catalog)?;
            for slot in s.rhythm.upcoming(&s.tz, now, n) {
                let review = store.review(s.server, &s.name, &slot.key())?;
                let skipped = store
                    .slot(s.server, &s.name, &slot.key())?
                    .is_some_and(|r| r.state == SlotState::Skipped)
                    || review
                        .as_ref()
                        .is_some_and(|r| r.decision == crate::store::ReviewDecision::Skipped);
                // What its review settled on comes first.
                let reviewed = review
                    .and_then(|r| r.prompt)
                    .filter(|id| catalog.get(id).is_some());
                let prompt = if skipped || state.paused {
                    None
                } else {
                    let p = reviewed
                        .or_else(|| next.take().filter(|id| catalog.get(id).is_some()))
                        .or_else(|| pick(&order, uses, s.repeat));
                    if let Some(p) = &p {
                        *uses.entry(p.clone()).or_default() += 1;
                    }
                    p
                };
                out.push(Upcoming {
                    server: s.server,
                    schedule: s.name.clone(),
                    tz: s.tz.iana_name().unwrap_or("UTC").to_string(),
                    local: slot.at.to_zoned(s.tz.clone()).datetime(),
                    slot,
                    prompt,
                    skipped,
                    paused: state.paused,
                });
            }
        }
        Ok(out)
    }

    /// Whether schedule `name` of `server` is paused.
    pub fn is_paused(&self, server: ServerId, name: &str) -> Result<bool, ScheduleError> {
        Ok(self.engine.store().schedule_state(server, name)?.paused)
    }

    pub fn pause(
        &self,
        server: ServerId,
        schedule: &str,
        paused: bool,
    ) -> Result<(), ScheduleError> {
        let s = self.schedule(server, schedule)?;
        Ok(self.engine.store().set_paused(server, &s.name, paused)?)
    }

    /// Skips the schedule's next slot; returns it.
    pub fn skip_next(
        &self,
        server: ServerId,
        schedule: &str,
        by: &str,
    ) -> Result<Occurrence, ScheduleError> {
        let s = self.schedule(server, schedule)?;
        let now = self.engine.now();
        let mut after = now;
        loop {
            let slot = s.rhythm.next_after(&s.tz, after).ok_or_else(|| {
                ScheduleError::Unknown(format!("{schedule} (it has no next slot)"))
            })?;
            let reason = format!("skipped by {by}");
            if self.engine.store().skip_slot(
                server,
                &s.name,
                &slot.key(),
                slot.at,
                &reason,
                now,
                &self.owner,
            )? {
                return Ok(slot);
            }
            after = slot.at; // already skipped: skip the one after
        }
    }

    /// Puts `prompt` first for the schedule's next slot.
    pub fn put_next(
        &self,
        server: ServerId,
        schedule: &str,
        prompt: &str,
        catalog: &Catalog,
    ) -> Result<(), ScheduleError> {
        let s = self.schedule(server, schedule)?;
        let catalog = crate::library::catalog_for(catalog, self.engine.store(), server)?;
        if catalog.get(prompt).is_none() {
            return Err(ScheduleError::UnknownPrompt(crate::limits::shown(
                prompt, 60,
            )));
        }
        Ok(self
            .engine
            .store()
            .set_next_prompt(server, &s.name, Some(prompt))?)
    }
}

/// A schedule added from Discord, as the scheduler runs it.
fn parse_stored(stored: &crate::store::StoredSchedule) -> Result<Schedule, ScheduleError> {
    let corrupt = |message: String| ScheduleError::Corrupt {
        name: stored.name.clone(),
        message,
    };
    let config: ScheduleConfig =
        serde_json::from_str(&stored.config).map_err(|e| corrupt(e.to_string()))?;
    let s = Schedule::from_config(&config, stored.server.guild())
        .map_err(|(field, m)| corrupt(format!("{field}: {m}")))?;
    if s.server != stored.server {
        return Err(corrupt("it names another server".into()));
    }
    Ok(s)
}

impl Upcoming {
    /// One line: schedule, local time, UTC, and the prompt (or why none).
    pub fn line(&self) -> String {
        let what = match (&self.prompt, self.skipped, self.paused) {
            (_, true, _) => "(skipped)".to_string(),
            (_, _, true) => "(paused)".to_string(),
            (Some(p), _, _) => p.clone(),
            (None, _, _) => "(no prompt left in the queue)".to_string(),
        };
        let shifted = if self.local != self.slot.local {
            format!(
                " (the clocks skip {} that day)",
                self.slot.local.strftime("%H:%M")
            )
        } else {
            String::new()
        };
        format!(
            "{}  {} {}{shifted}  ({} UTC)  {}",
            self.schedule,
            self.local.strftime("%a %Y-%m-%d %H:%M"),
            self.tz,
            self.slot.at.strftime("%Y-%m-%d %H:%M"),
            what
        )
    }
}

/// The first prompt never used; with `repeat`, the least used; in queue order.
fn pick(order: &[String], uses: &HashMap<String, u64>, repeat: bool) -> Option<String> {
    let count = |p: &String| uses.get(p).copied().unwrap_or(0);
    let least = order.iter().map(count).min()?;
    if least > 0 && !repeat {
        return None;
    }
    order.iter().find(|p| count(p) == least).cloned()
}

fn fmt_duration(d: SignedDuration) -> String {
    let mins = d.as_mins();
    if mins >= 120 {
        format!("{} hours", mins / 60)
    } else {
        format!("{mins} minutes")
    }
}

#[cfg(test)]
mod tests;
