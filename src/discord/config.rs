//! The `[discord]` section: how the bot reaches Discord and who may do what there.

use crate::location::FieldError;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// A file holding the bot token, read when `DISCORD_TOKEN` is not set.
    pub token_file: Option<PathBuf>,
    /// Base URL of Discord's REST API, for REST proxies and tests; serenity's own rate limiter is
    /// turned off when it is set, and the proxy is expected to keep the limits.
    pub api_base: Option<String>,
    /// Guild to register commands in (instant); global registration when unset.
    pub guild_id: Option<u64>,
    /// A role whose members may use moderator commands, besides Manage Messages.
    pub moderator_role: Option<String>,
    /// Roles allowed to vote and reply; empty means everyone.
    pub voter_roles: Vec<String>,
    /// Collect thread messages' text (needs the privileged Message Content intent).
    pub message_content: bool,
    /// Lock the discussion's thread when it closes.
    pub lock_thread_on_close: bool,
    /// Live results: the post's counts are refreshed at most this often (milliseconds).
    pub live_refresh_ms: u64,
    /// Moderators' log channel for problems the bot cannot solve alone.
    pub log_channel: Option<u64>,
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        Self {
            token_file: None,
            api_base: None,
            guild_id: None,
            moderator_role: None,
            voter_roles: Vec::new(),
            message_content: false,
            lock_thread_on_close: true,
            live_refresh_ms: 5000,
            log_channel: None,
            connect_timeout_secs: 5,
            request_timeout_secs: 15,
        }
    }
}

impl DiscordConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(base) = &self.api_base {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return Err(FieldError::new(
                    "api_base",
                    "must start with http:// or https://",
                ));
            }
        }
        if !(10..=600_000).contains(&self.live_refresh_ms) {
            return Err(FieldError::new(
                "live_refresh_ms",
                "must be between 10 and 600000 (10 minutes)",
            ));
        }
        for (field, secs) in [
            ("connect_timeout_secs", self.connect_timeout_secs),
            ("request_timeout_secs", self.request_timeout_secs),
        ] {
            if !(1..=600).contains(&secs) {
                return Err(FieldError::new(field, "must be between 1 and 600 seconds"));
            }
        }
        Ok(())
    }
}
