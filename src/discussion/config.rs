//! The `[discussion]` section: how discussions run, unless a server or a moderator says otherwise.

use crate::location::FieldError;
use serde::{Deserialize, Serialize};

/// Longest a discussion may stay open: 90 days.
pub const MAX_DURATION_HOURS: u32 = 90 * 24;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscussionConfig {
    /// How long a discussion stays open, in hours, unless a moderator says otherwise.
    pub duration_hours: u32,
    /// Longest written reply, in characters.
    pub max_reply_chars: usize,
    /// Show options in the prompt file's order instead of shuffling them once per discussion.
    pub keep_file_order: bool,
    /// `live`: the post shows counts as votes arrive; `hidden`: only participation until close.
    pub results: ResultsMode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultsMode {
    Live,
    Hidden,
}

impl Default for DiscussionConfig {
    fn default() -> Self {
        Self {
            duration_hours: 144,
            max_reply_chars: crate::limits::ours::REPLY_CHARS,
            keep_file_order: false,
            results: ResultsMode::Live,
        }
    }
}

/// A duration in hours, bounded: from 1 hour to [`MAX_DURATION_HOURS`].
pub fn validate_duration_hours(field: &str, hours: u32) -> Result<(), FieldError> {
    if !(1..=MAX_DURATION_HOURS).contains(&hours) {
        return Err(FieldError::new(
            field,
            format!("must be between 1 and {MAX_DURATION_HOURS} hours (90 days)"),
        ));
    }
    Ok(())
}

/// A reply length, bounded by a modal's text input.
pub fn validate_reply_chars(field: &str, chars: usize) -> Result<(), FieldError> {
    if !(1..=crate::limits::TEXT_INPUT).contains(&chars) {
        return Err(FieldError::new(
            field,
            "must be between 1 and 4000 (a modal's text input)",
        ));
    }
    Ok(())
}

impl DiscussionConfig {
    /// Every value within its bounds; the field named relative to the section.
    pub fn validate(&self) -> Result<(), FieldError> {
        validate_duration_hours("duration_hours", self.duration_hours)?;
        validate_reply_chars("max_reply_chars", self.max_reply_chars)
    }
}
