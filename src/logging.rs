//! The process's log, on standard error: which lines (`ROUNDTABLE_LOG`, else `RUST_LOG`, else
//! roundtable's own lines at INFO and everyone else's warnings), in which shape (`log_format`:
//! text for people, JSON lines for collectors), and colour only where a person reads it (stderr
//! is a terminal and `NO_COLOR` is unset or empty, <https://no-color.org>).
//!
//! At the default level a running bot says one line when it connects (its name, servers and
//! shard) and one line per discussion posted or closed; everything else at INFO or above is
//! something an operator should know about.

use serde::Deserialize;
use std::io::IsTerminal;

/// The filter when neither variable is set: roundtable's lines from INFO, others' from WARN.
pub const DEFAULT_FILTER: &str = "warn,roundtable=info";
/// Read first; kept from earlier versions.
pub const ROUNDTABLE_LOG: &str = "ROUNDTABLE_LOG";
/// Read when `ROUNDTABLE_LOG` is unset, as most Rust programs do.
pub const RUST_LOG: &str = "RUST_LOG";

/// The shape of each log line (`log_format` in the configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// `2026-05-01T18:00:00.123Z  INFO roundtable::discord: connected to Discord as …`
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `target`, `fields`), for journald
    /// exporters, Loki, Elasticsearch and the like.
    Json,
}

/// The filter directives in force: `ROUNDTABLE_LOG` wins over `RUST_LOG`; an empty variable
/// counts as unset.
pub fn directives(roundtable_log: Option<&str>, rust_log: Option<&str>) -> String {
    [roundtable_log, rust_log]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty())
        .unwrap_or(DEFAULT_FILTER)
        .to_string()
}

/// Whether to colour the log: only on a terminal, and never when `NO_COLOR` has a value.
pub fn colour(stderr_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// Installs the process's log. Call once, early; later calls change nothing. A filter that does
/// not parse is reported on stderr and the default is used instead.
pub fn init(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let wanted = directives(
        std::env::var(ROUNDTABLE_LOG).ok().as_deref(),
        std::env::var(RUST_LOG).ok().as_deref(),
    );
    let filter = EnvFilter::try_new(&wanted).unwrap_or_else(|e| {
        eprintln!("roundtable: ignoring the log filter `{wanted}` ({e}); using `{DEFAULT_FILTER}`");
        EnvFilter::new(DEFAULT_FILTER)
    });
    let ansi = colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn roundtable_log_wins_over_rust_log_and_empty_means_unset() {
        assert_eq!(directives(None, None), DEFAULT_FILTER);
        assert_eq!(directives(None, Some("debug")), "debug");
        assert_eq!(directives(Some("trace"), Some("debug")), "trace");
        assert_eq!(directives(Some(" "), Some("debug")), "debug");
        assert_eq!(directives(Some(""), Some("")), DEFAULT_FILTER);
    }

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour(true, None));
        assert!(colour(true, Some(OsStr::new(""))));
        assert!(!colour(true, Some(OsStr::new("1"))));
        assert!(!colour(false, None));
    }

    #[test]
    fn log_format_is_text_or_json() {
        #[derive(Deserialize)]
        struct C {
            log_format: LogFormat,
        }
        let parse = |s: &str| toml::from_str::<C>(s).map(|c| c.log_format);
        assert_eq!(parse("log_format = \"json\"").unwrap(), LogFormat::Json);
        assert_eq!(parse("log_format = \"text\"").unwrap(), LogFormat::Text);
        assert!(parse("log_format = \"xml\"").is_err());
    }
}
