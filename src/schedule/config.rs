//! The `[[schedule]]` tables: weekly (or cron) schedules named in the config file.

use serde::{Deserialize, Serialize};

/// Longest grace for a missed slot: a week.
pub const MAX_GRACE_HOURS: u32 = 7 * 24;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// The schedule's name, used by `/schedule` commands and kept in the ledger (unique within
    /// its server).
    pub name: String,
    /// The Discord server (guild id) it posts in; default: `discord.guild_id`. Required when
    /// that is not set; not given for `channel = "console"` (the console is a server of its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guild: Option<u64>,
    /// Where discussions are posted: a Discord channel id, or `console`.
    pub channel: String,
    /// Weekday and local time, e.g. "Mon 18:00".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// Or a five-field cron expression in local time, e.g. "0 18 * * 1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// IANA time zone of `at` / `cron`, e.g. "America/New_York".
    pub timezone: String,
    /// Hours each scheduled discussion stays open (default: discussion.duration_hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_hours: Option<u32>,
    #[serde(default)]
    pub queue: QueuePolicy,
    /// Explicit prompt order (ids); empty: every prompt, in file-name order.
    #[serde(default)]
    pub prompts: Vec<String>,
    /// Start over when every prompt has been used.
    #[serde(default)]
    pub repeat: bool,
    /// A slot missed while the bot was offline is still posted this many hours late, not later.
    #[serde(default = "default_grace_hours")]
    pub grace_hours: u32,
}

fn default_grace_hours() -> u32 {
    6
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum QueuePolicy {
    /// The explicit list, or file-name order.
    #[default]
    Sequential,
    /// Shuffled once (then kept); every prompt once before any repeats.
    Shuffled,
}

/// Longest review ahead of a slot: a week.
pub const MAX_REVIEW_HOURS: u32 = 7 * 24;

/// The `[review]` section: how long before each slot the moderators review what it will post,
/// and what happens when nobody does. The defaults of servers that set nothing (`/settings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    /// Hours before a slot that its review is posted in the moderators' log channel; 0: off.
    pub review_hours: u32,
    /// What a slot does when nobody reviewed it.
    pub on_no_review: NoReview,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            review_hours: 24,
            on_no_review: NoReview::Post,
        }
    }
}

impl ReviewConfig {
    pub fn validate(&self) -> Result<(), crate::location::FieldError> {
        validate_review_hours("review_hours", self.review_hours)
    }

    /// Reviews turned off.
    pub const OFF: ReviewConfig = ReviewConfig {
        review_hours: 0,
        on_no_review: NoReview::Post,
    };
}

/// `review_hours` must be 0 (off) to a week.
pub fn validate_review_hours(field: &str, hours: u32) -> Result<(), crate::location::FieldError> {
    if hours > MAX_REVIEW_HOURS {
        return Err(crate::location::FieldError::new(
            field,
            format!("must be between 0 (no review) and {MAX_REVIEW_HOURS} hours (a week)"),
        ));
    }
    Ok(())
}

/// What a slot nobody reviewed does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoReview {
    /// It posts the prompt the review showed.
    #[default]
    Post,
    /// It posts nothing (recorded as skipped: "held: nobody reviewed").
    Hold,
}

impl NoReview {
    pub fn name(self) -> &'static str {
        match self {
            NoReview::Post => "post",
            NoReview::Hold => "hold",
        }
    }
}
