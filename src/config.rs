//! Configuration: one TOML file, validated once at start. Each module owns its section (its type,
//! defaults and bounds live beside the code it configures); this file only composes them, reads the
//! file and locates problems. Secrets never live in the file: the Discord token comes from
//! `DISCORD_TOKEN` or from a token file it names.

use crate::location::{self, FieldError, Problem};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub use crate::discord::DiscordConfig;
pub use crate::discussion::{DiscussionConfig, ResultsMode};
pub use crate::draft::DraftConfig;
pub use crate::export::ExportConfig;
pub use crate::logging::LogFormat;
pub use crate::metrics::MetricsConfig;
pub use crate::schedule::{NoReview, QueuePolicy, ReviewConfig, ScheduleConfig};
pub use crate::store::{StoreConfig, Synchronous};
pub use crate::suggest::SuggestConfig;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// SQLite database file.
    pub database: PathBuf,
    /// Directory of prompt files.
    pub prompts: PathBuf,
    /// The log's shape on stderr: `text` or `json`.
    pub log_format: LogFormat,
    pub discussion: DiscussionConfig,
    pub store: StoreConfig,
    pub discord: DiscordConfig,
    pub draft: DraftConfig,
    pub export: ExportConfig,
    pub metrics: MetricsConfig,
    /// Reviews before scheduled posts: `[review]`.
    pub review: ReviewConfig,
    /// Members' suggestions of articles: `[suggest]`.
    pub suggest: SuggestConfig,
    /// Weekly (or cron) schedules: `[[schedule]]` tables.
    #[serde(rename = "schedule")]
    pub schedules: Vec<ScheduleConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database: PathBuf::from("roundtable.db"),
            prompts: PathBuf::from("prompts"),
            log_format: LogFormat::default(),
            discussion: DiscussionConfig::default(),
            store: StoreConfig::default(),
            discord: DiscordConfig::default(),
            export: ExportConfig::default(),
            metrics: MetricsConfig::default(),
            review: ReviewConfig::default(),
            suggest: SuggestConfig::default(),
            schedules: Vec::new(),
            draft: DraftConfig::default(),
        }
    }
}

/// Why there is no bot token to use.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("no Discord token: set DISCORD_TOKEN, or name a file holding it with token_file in the config's [discord] section")]
    Missing,
    #[error("cannot read the Discord token file {path} (discord.token_file): {cause}")]
    File {
        path: PathBuf,
        cause: crate::files::FileError,
    },
    #[error("the Discord token file {path} (discord.token_file) is empty: put the bot token in it, or set DISCORD_TOKEN")]
    Empty { path: PathBuf },
}

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Invalid(Problem),
    #[error("cannot read config {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: crate::files::FileError,
    },
}

/// The file read when no `--config` is given, if it exists in the current folder.
pub const DEFAULT_FILE: &str = "roundtable.toml";

impl Config {
    /// The configuration a command runs with: `path` if given, else [`DEFAULT_FILE`] in the
    /// current folder if present, else the defaults.
    pub fn find(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Self::load(p),
            None if Path::new(DEFAULT_FILE).exists() => Self::load(Path::new(DEFAULT_FILE)),
            None => Ok(Config::default()),
        }
    }

    /// The file [`Config::find`] reads for `path`, if any: `path` itself, else [`DEFAULT_FILE`]
    /// when it exists.
    pub fn file_in_use(path: Option<&Path>) -> Option<PathBuf> {
        path.map(Path::to_path_buf)
            .or_else(|| Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.exists()))
    }

    /// Reads `path`; relative paths inside it are taken relative to the config file's folder.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::files::read_text(path, crate::files::MAX_TEXT_FILE).map_err(|cause| {
            ConfigError::Read {
                path: path.to_path_buf(),
                cause,
            }
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
        // A bad value is located by its parsed span (the key's value), never by searching the text.
        let bad = |keys: &[location::Key], shown: String, message: String| {
            let offset = location::value_offset(text, keys);
            ConfigError::Invalid(Problem::at(path, text, offset, &shown, message))
        };
        use location::Key::{Index, Name};
        let sections: [(&str, Result<(), FieldError>); 6] = [
            ("discussion", config.discussion.validate()),
            ("store", config.store.validate()),
            ("discord", config.discord.validate()),
            ("draft", config.draft.validate()),
            ("review", config.review.validate()),
            ("suggest", config.suggest.validate()),
        ];
        for (section, result) in sections {
            if let Err(e) = result {
                return Err(bad(
                    &[Name(section), Name(&e.field)],
                    format!("{section}.{}", e.field),
                    e.message,
                ));
            }
        }
        // A schedule's name is unique within its server.
        let mut names = std::collections::HashSet::new();
        for (i, sc) in config.schedules.iter().enumerate() {
            let schedule = match crate::schedule::Schedule::from_config(sc, config.discord.guild_id)
            {
                Ok(s) => s,
                Err((field, message)) => {
                    return Err(bad(
                        &[Name("schedule"), Index(i), Name(field)],
                        format!("schedule.{field}"),
                        message,
                    ))
                }
            };
            if !names.insert((schedule.server, schedule.name)) {
                return Err(bad(
                    &[Name("schedule"), Index(i), Name("name")],
                    "schedule.name".into(),
                    format!("duplicate schedule name `{}` in its server", sc.name),
                ));
            }
        }
        Ok(config)
    }

    /// The bot token: `DISCORD_TOKEN`, else the token file (a file that cannot be read is named
    /// in the error). Never logged.
    pub fn token(&self) -> Result<String, TokenError> {
        self.token_from(std::env::var("DISCORD_TOKEN").ok().as_deref())
    }

    /// [`Config::token`] with the value of `DISCORD_TOKEN` given.
    pub fn token_from(&self, env: Option<&str>) -> Result<String, TokenError> {
        if let Some(t) = env.map(str::trim).filter(|t| !t.is_empty()) {
            return Ok(t.to_string());
        }
        let Some(path) = self.discord.token_file.as_ref() else {
            return Err(TokenError::Missing);
        };
        let t = crate::files::read_text(path, 4096).map_err(|cause| TokenError::File {
            path: path.clone(),
            cause,
        })?;
        Some(t.trim().to_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| TokenError::Empty { path: path.clone() })
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
    fn the_debian_config_is_the_example_with_the_packages_paths() {
        let debian = include_str!("../debian/roundtable.toml");
        let expected = EXAMPLE
            .replace(
                "\ndatabase = \"roundtable.db\"\n",
                "\ndatabase = \"/var/lib/roundtable/roundtable.db\"\n",
            )
            .replace(
                "\n# token_file = \"/run/secrets/roundtable-token\"\n",
                "\ntoken_file = \"/run/credentials/roundtable.service/token\"\n",
            );
        assert_ne!(expected, EXAMPLE);
        assert_eq!(
            debian, expected,
            "debian/roundtable.toml must follow config.example.toml (regenerate it with the two paths)"
        );
        let c = Config::parse(Path::new("/etc/roundtable/roundtable.toml"), debian).unwrap();
        assert_eq!(
            c.database,
            PathBuf::from("/var/lib/roundtable/roundtable.db")
        );
        assert_eq!(
            c.discord.token_file,
            Some(PathBuf::from("/run/credentials/roundtable.service/token"))
        );
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
            "c.toml:2:18: discussion.duration_hours: must be between 1 and 2160 hours (90 days)"
        );
    }

    #[test]
    fn draft_default_question_must_not_be_empty() {
        let err = Config::parse(Path::new("c.toml"), "[draft]\ndefault_question = \" \"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "c.toml:2:20: draft.default_question: must be 1 to 256 characters (an embed title)"
        );
    }

    fn error_of(text: &str) -> String {
        Config::parse(Path::new("c.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_bad_value_is_reported_at_its_own_line_not_at_a_comment_naming_it() {
        let text =
            "# max_reply_chars: keep replies short\n\n\n\n[discussion]\nmax_reply_chars = 0\n";
        assert!(
            error_of(text)
                .starts_with("c.toml:6:19: discussion.max_reply_chars: must be between 1 and 4000"),
            "{}",
            error_of(text)
        );
    }

    #[test]
    fn a_bad_value_under_a_dotted_key_is_reported_at_its_line() {
        let text = "database = \"x.db\"\n\nstore.max_batch = 0\n";
        assert!(
            error_of(text).starts_with("c.toml:3:19: store.max_batch:"),
            "{}",
            error_of(text)
        );
    }

    #[test]
    fn numbers_past_their_bounds_are_refused_not_trusted() {
        for (text, field) in [
            ("[store]\nmax_batch = 1000000000000000\n", "store.max_batch"),
            ("[store]\nmax_batch = 9223372036854775807\n", "store.max_batch"),
            ("[discussion]\nduration_hours = 4294967295\n", "discussion.duration_hours"),
            ("[discord]\nlive_refresh_ms = 0\n", "discord.live_refresh_ms"),
            ("[discord]\nrequest_timeout_secs = 100000\n", "discord.request_timeout_secs"),
            (
                "[[schedule]]\nname = \"w\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\nduration_hours = 0\n",
                "schedule.duration_hours",
            ),
            (
                "[[schedule]]\nname = \"w\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\ngrace_hours = 100000\n",
                "schedule.grace_hours",
            ),
        ] {
            let err = error_of(text);
            assert!(err.contains(&format!(": {field}: must be between")), "{text}: {err}");
        }
    }

    #[test]
    fn a_schedule_names_its_server_unless_discord_guild_id_does() {
        let table = "[[schedule]]\nname = \"w\"\nchannel = \"123\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\n";
        let err = error_of(table);
        assert!(
            err.starts_with("c.toml:1:1: schedule.guild: name the Discord server"),
            "{err}"
        );
        let with_default = format!("[discord]\nguild_id = 7\n{table}");
        let c = Config::parse(Path::new("c.toml"), &with_default).unwrap();
        assert_eq!(
            crate::schedule::Schedule::from_config(&c.schedules[0], c.discord.guild_id)
                .unwrap()
                .server,
            crate::store::ServerId::Guild(7)
        );
        // The same name in two servers is two schedules; twice in one server is refused.
        let two = format!("{table}guild = 1\n{table}guild = 2\n");
        assert!(Config::parse(Path::new("c.toml"), &two).is_ok());
        let twice = format!("{table}guild = 1\n{table}guild = 1\n");
        assert!(error_of(&twice).contains("duplicate schedule name `w` in its server"));
        let console = "[[schedule]]\nname = \"w\"\nguild = 1\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"UTC\"\n";
        assert!(error_of(console).contains("schedule.guild: a schedule posting in the console"));
    }

    #[test]
    fn a_token_file_that_cannot_be_read_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Config::default();
        assert!(matches!(c.token_from(None), Err(TokenError::Missing)));
        c.discord.token_file = Some(dir.path().join("token.txt"));
        let err = c.token_from(None).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!(
                "cannot read the Discord token file {} (discord.token_file): No such file",
                dir.path().join("token.txt").display()
            )),
            "{err}"
        );
        std::fs::write(dir.path().join("token.txt"), " \n").unwrap();
        assert!(c
            .token_from(None)
            .unwrap_err()
            .to_string()
            .contains("is empty"));
        std::fs::write(dir.path().join("token.txt"), "abc\n").unwrap();
        assert_eq!(c.token_from(None).unwrap(), "abc");
        assert_eq!(c.token_from(Some(" env ")).unwrap(), "env");
    }

    #[test]
    fn the_second_schedule_is_located_by_its_index() {
        let one = "name = \"{}\"\nchannel = \"console\"\nat = \"Mon 18:00\"\ntimezone = \"{}\"\n";
        let text = format!(
            "[[schedule]]\n{}[[schedule]]\n{}",
            one.replacen("{}", "a", 1).replacen("{}", "UTC", 1),
            one.replacen("{}", "b", 1).replacen("{}", "Mars/Olympus", 1)
        );
        assert!(
            error_of(&text).starts_with("c.toml:10:12: schedule.timezone:"),
            "{}",
            error_of(&text)
        );
    }
}
