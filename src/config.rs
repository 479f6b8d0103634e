//! Configuration: one TOML file, validated once at start. Every default lives here. Secrets never
//! live in the file: the Discord token comes from `DISCORD_TOKEN` or from a token file it names.

use crate::location::{self, Problem};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// SQLite database file.
    pub database: PathBuf,
    /// Directory of prompt files.
    pub prompts: PathBuf,
    pub discussion: DiscussionConfig,
    pub store: StoreConfig,
    pub discord: DiscordConfig,
    pub draft: DraftConfig,
    pub export: ExportConfig,
    /// Weekly (or cron) schedules: `[[schedule]]` tables.
    #[serde(rename = "schedule")]
    pub schedules: Vec<ScheduleConfig>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    /// The schedule's name, used by `/schedule` commands and kept in the ledger.
    pub name: String,
    /// Where discussions are posted: a Discord channel id, or `console`.
    pub channel: String,
    /// Weekday and local time, e.g. "Mon 18:00".
    pub at: Option<String>,
    /// Or a five-field cron expression in local time, e.g. "0 18 * * 1".
    pub cron: Option<String>,
    /// IANA time zone of `at` / `cron`, e.g. "America/New_York".
    pub timezone: String,
    /// Hours each scheduled discussion stays open (default: discussion.duration_hours).
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QueuePolicy {
    /// The explicit list, or file-name order.
    #[default]
    Sequential,
    /// Shuffled once (then kept); every prompt once before any repeats.
    Shuffled,
}

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

/// `roundtable draft`: turning an article into a draft prompt.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DraftConfig {
    /// The closing question when the article asks its readers none.
    pub default_question: String,
    /// About how many words the extractive summary may have.
    pub summary_words: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ResultsMode {
    Live,
    Hidden,
}

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

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// A file holding the secret key that turns member ids into pseudonyms in exports (read when
    /// `ROUNDTABLE_PSEUDONYM_KEY` is not set). Created with a random key on the first export when
    /// missing.
    pub pseudonym_key_file: Option<PathBuf>,
    /// Export raw member ids (Discord ids) instead of pseudonyms.
    pub raw_member_ids: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database: PathBuf::from("roundtable.db"),
            prompts: PathBuf::from("prompts"),
            discussion: DiscussionConfig::default(),
            store: StoreConfig::default(),
            discord: DiscordConfig::default(),
            export: ExportConfig::default(),
            schedules: Vec::new(),
            draft: DraftConfig::default(),
        }
    }
}

impl Default for DraftConfig {
    fn default() -> Self {
        Self {
            default_question: "What do you think should happen next?".to_string(),
            summary_words: 120,
        }
    }
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

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            synchronous: Synchronous::Full,
            max_batch: 512,
        }
    }
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

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(Problem),
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Config {
    /// Reads `path`; relative paths inside it are taken relative to the config file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = Self::parse(path, &text)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            for p in [&mut config.database, &mut config.prompts] {
                if p.is_relative() {
                    *p = dir.join(&*p);
                }
            }
            if let Some(t) = config
                .discord
                .token_file
                .as_mut()
                .filter(|t| t.is_relative())
            {
                *t = dir.join(&*t);
            }
            if let Some(k) = config
                .export
                .pseudonym_key_file
                .as_mut()
                .filter(|k| k.is_relative())
            {
                *k = dir.join(&*k);
            }
        }
        Ok(config)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)
            .map_err(|e| ConfigError::Invalid(location::from_toml_error(path, text, &e)))?;
        let bad = |field: &str, message: &str| {
            let offset = text
                .find(field.rsplit('.').next().unwrap_or(field))
                .unwrap_or(0);
            Err(ConfigError::Invalid(Problem::at(
                path, text, offset, field, message,
            )))
        };
        if config.discussion.duration_hours == 0 {
            return bad("discussion.duration_hours", "must be at least 1");
        }
        if !(1..=crate::limits::TEXT_INPUT).contains(&config.discussion.max_reply_chars) {
            return bad(
                "discussion.max_reply_chars",
                "must be between 1 and 4000 (a modal's text input)",
            );
        }
        if config.store.max_batch == 0 {
            return bad("store.max_batch", "must be at least 1");
        }
        let mut names = std::collections::HashSet::new();
        for sc in &config.schedules {
            let at = |field: &str| {
                let anchor = format!("name = \"{}\"", sc.name);
                let start = text.find(&anchor).unwrap_or(0);
                start + text[start..].find(field).unwrap_or(0)
            };
            if !names.insert(sc.name.as_str()) {
                let p = Problem::at(
                    path,
                    text,
                    at("name"),
                    "schedule.name",
                    format!("duplicate schedule name `{}`", sc.name),
                );
                return Err(ConfigError::Invalid(p));
            }
            if let Err((field, message)) = crate::schedule::Schedule::from_config(sc) {
                let p = Problem::at(path, text, at(field), &format!("schedule.{field}"), message);
                return Err(ConfigError::Invalid(p));
            }
        }
        let question = config.draft.default_question.trim();
        if question.is_empty() || crate::limits::chars(question) > crate::limits::EMBED_TITLE {
            return bad(
                "draft.default_question",
                "must be 1 to 256 characters (an embed title)",
            );
        }
        if !(20..=1000).contains(&config.draft.summary_words) {
            return bad("draft.summary_words", "must be between 20 and 1000");
        }
        if let Some(base) = &config.discord.api_base {
            if !(base.starts_with("http://") || base.starts_with("https://")) {
                return bad("discord.api_base", "must start with http:// or https://");
            }
        }
        Ok(config)
    }

    /// The bot token: `DISCORD_TOKEN`, else the token file. Never logged.
    pub fn token(&self) -> Option<String> {
        if let Ok(t) = std::env::var("DISCORD_TOKEN") {
            if !t.trim().is_empty() {
                return Some(t.trim().to_string());
            }
        }
        let file = self.discord.token_file.as_ref()?;
        let t = std::fs::read_to_string(file).ok()?;
        Some(t.trim().to_string()).filter(|t| !t.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../config.example.toml");

    #[test]
    fn example_config_parses_to_the_defaults() {
        let c = Config::parse(Path::new("config.example.toml"), EXAMPLE).expect("example parses");
        assert_eq!(c, Config::default());
    }

    #[test]
    fn empty_config_means_defaults() {
        assert_eq!(
            Config::parse(Path::new("c.toml"), "").unwrap(),
            Config::default()
        );
    }

    #[test]
    fn unknown_setting_is_refused_with_file_and_line() {
        let err = Config::parse(
            Path::new("c.toml"),
            "database = \"x.db\"\n[discussion]\nduration = 3\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("c.toml:3:1: duration: unknown field `duration`"),
            "{err}"
        );
    }

    #[test]
    fn invalid_value_names_the_field() {
        let err = Config::parse(Path::new("c.toml"), "[discussion]\nduration_hours = 0\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.toml:2:1: discussion.duration_hours: must be at least 1"
        );
    }

    #[test]
    fn draft_default_question_must_not_be_empty() {
        let err = Config::parse(Path::new("c.toml"), "[draft]\ndefault_question = \" \"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.toml:2:1: draft.default_question: must be 1 to 256 characters (an embed title)"
        );
    }
}
