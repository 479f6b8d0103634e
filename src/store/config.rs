//! The `[store]` section: how the database commits.

use crate::location::FieldError;
use serde::Deserialize;

/// Most writes one group commit may carry.
pub const MAX_BATCH: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// fsync on every commit: a vote survives power loss.
    Full,
    /// fsync at checkpoints: a vote survives a crash of the process, not of the machine.
    Normal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    pub synchronous: Synchronous,
    /// Most writes committed together in one transaction (group commit).
    pub max_batch: usize,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            synchronous: Synchronous::Full,
            max_batch: 512,
        }
    }
}

impl StoreConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        if !(1..=MAX_BATCH).contains(&self.max_batch) {
            return Err(FieldError::new(
                "max_batch",
                format!("must be between 1 and {MAX_BATCH}"),
            ));
        }
        Ok(())
    }
}
