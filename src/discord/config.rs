//! The `[discord]` section: how the bot reaches Discord and who may do what there.

use crate::location::FieldError;
use serde::{Deserialize, Deserializer};
use std::path::PathBuf;

/// Most shards one process runs.
pub const MAX_SHARDS: u32 = 4096;
/// Longest a server's data is kept after it removed the bot: ten years.
pub const MAX_RETENTION_DAYS: u32 = 3650;

/// How many gateway shards to run: Discord's recommendation (`GET /gateway/bot`), or a fixed count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shards {
    #[default]
    Auto,
    Fixed(u32),
}

impl<'de> Deserialize<'de> for Shards {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Word(String),
            Count(i64),
        }
        match Raw::deserialize(d)? {
            Raw::Word(w) if w == "auto" => Ok(Shards::Auto),
            Raw::Word(w) => Err(serde::de::Error::custom(format!(
                "`{w}` is not a shard count: give \"auto\" or a number"
            ))),
            // Bounds are checked by `validate`, with the field's location.
            Raw::Count(n) => Ok(Shards::Fixed(u32::try_from(n).unwrap_or(0))),
        }
    }
}

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
    /// A role whose members may use moderator commands, besides Manage Messages: the default of
    /// servers that set none with `/settings` (by id, or by name as a fallback; renaming the
    /// role then changes who matches: prefer ids).
    pub moderator_role: Option<String>,
    /// Roles allowed to vote and reply; empty means everyone (the default of servers that set
    /// none with `/settings`).
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
    /// Gateway shards: `"auto"` (Discord's recommended count) or a number; one process runs all.
    pub shards: Shards,
    /// Days a server's data is kept after it removed the bot; back within that time, it finds
    /// everything as it was.
    pub retention_days: u32,
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
            shards: Shards::Auto,
            retention_days: 30,
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
        if let Shards::Fixed(n) = self.shards {
            if !(1..=MAX_SHARDS).contains(&n) {
                return Err(FieldError::new(
                    "shards",
                    format!("must be \"auto\" or between 1 and {MAX_SHARDS}"),
                ));
            }
        }
        if self.retention_days > MAX_RETENTION_DAYS {
            return Err(FieldError::new(
                "retention_days",
                format!("must be between 0 and {MAX_RETENTION_DAYS} days"),
            ));
        }
        if self.guild_id == Some(0) {
            return Err(FieldError::new("guild_id", "0 is not a guild id"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<DiscordConfig, String> {
        let c: DiscordConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map_err(|e| e.to_string())?;
        Ok(c)
    }

    #[test]
    fn shards_are_auto_or_a_bounded_count() {
        assert_eq!(parse("").unwrap().shards, Shards::Auto);
        assert_eq!(parse("shards = \"auto\"").unwrap().shards, Shards::Auto);
        assert_eq!(parse("shards = 4").unwrap().shards, Shards::Fixed(4));
        for bad in ["shards = 0", "shards = -1", "shards = 5000"] {
            assert!(
                parse(bad).unwrap_err().starts_with("shards: must be"),
                "{bad}"
            );
        }
        assert!(parse("shards = \"many\"")
            .unwrap_err()
            .contains("not a shard count"));
    }

    #[test]
    fn retention_is_thirty_days_unless_set_within_ten_years() {
        assert_eq!(parse("").unwrap().retention_days, 30);
        assert_eq!(parse("retention_days = 0").unwrap().retention_days, 0);
        assert!(parse("retention_days = 4000")
            .unwrap_err()
            .starts_with("retention_days: must be between 0 and 3650"));
    }
}
