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
}

impl Default for DraftConfig {
    fn default() -> Self {
        Self {
            default_question: "What do you think should happen next?".to_string(),
            summary_words: 120,
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
        Ok(())
    }
}
