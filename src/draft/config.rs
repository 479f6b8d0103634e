//! The `[draft]` section: turning an article into a draft prompt.

use crate::location::FieldError;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DraftConfig {
    /// The closing question when the article asks its readers none.
    pub default_question: String,
    /// About how many words the extractive summary may have.
    pub summary_words: usize,
    /// Fetch links to private, loopback and link-local addresses too (off: a server-side request
    /// forgery guard; tests turn it on for their local page server).
    pub allow_private_hosts: bool,
    /// Seconds to connect to a linked page's host.
    pub fetch_connect_secs: u64,
    /// Seconds for the whole fetch of a linked page, redirects included.
    pub fetch_timeout_secs: u64,
    /// The largest linked page or attached article fetched, in bytes.
    pub fetch_max_bytes: usize,
}

impl Default for DraftConfig {
    fn default() -> Self {
        Self {
            default_question: "What do you think should happen next?".to_string(),
            summary_words: 120,
            allow_private_hosts: false,
            fetch_connect_secs: 5,
            fetch_timeout_secs: 15,
            fetch_max_bytes: 2 * 1024 * 1024,
        }
    }
}

impl DraftConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        let question = self.default_question.trim();
        if question.is_empty() || crate::limits::chars(question) > crate::limits::EMBED_TITLE {
            return Err(FieldError::new(
                "default_question",
                "must be 1 to 256 characters (an embed title)",
            ));
        }
        if !(20..=1000).contains(&self.summary_words) {
            return Err(FieldError::new(
                "summary_words",
                "must be between 20 and 1000",
            ));
        }
        if !(1..=60).contains(&self.fetch_connect_secs) {
            return Err(FieldError::new(
                "fetch_connect_secs",
                "must be between 1 and 60",
            ));
        }
        if !(1..=120).contains(&self.fetch_timeout_secs) {
            return Err(FieldError::new(
                "fetch_timeout_secs",
                "must be between 1 and 120",
            ));
        }
        if !(1024..=super::MAX_INPUT).contains(&self.fetch_max_bytes) {
            return Err(FieldError::new(
                "fetch_max_bytes",
                "must be between 1024 and 4194304 (4 MiB, the drafter's input limit)",
            ));
        }
        Ok(())
    }
}
