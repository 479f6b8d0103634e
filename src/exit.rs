//! Exit statuses of the `roundtable` command, so a service manager can tell "fix the
//! configuration" from "try again" (the numbers of BSD's sysexits.h where one fits).
//!
//! | status | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | runtime failure (Discord unreachable, a database error, a failed check): worth retrying |
//! | 2 | usage: an unknown command, option or argument |
//! | 77 | Discord refused the bot token (`EX_NOPERM`): reset it in the Developer Portal |
//! | 78 | configuration error (`EX_CONFIG`): fix the file, the token's location, the intents |

use crate::config::ConfigError;
use crate::discord::invite::InviteError;
use crate::discord::DiscordError;
use crate::export::ExportError;
use crate::store::StoreError;

pub const OK: u8 = 0;
pub const FAILURE: u8 = 1;
pub const USAGE: u8 = 2;
pub const NOPERM: u8 = 77;
pub const CONFIG: u8 = 78;

/// The text `--help` ends with.
pub const HELP: &str = "Exit status: 0 done; 1 runtime failure (worth retrying); 2 usage error; \
77 Discord refused the bot token; 78 configuration error (fix it before starting again).";

/// The status for an error, if it is one of roundtable's own that says more than "failure".
/// Callers walk an error's chain of causes and take the first answer.
pub fn code_of(error: &(dyn std::error::Error + 'static)) -> Option<u8> {
    if error.is::<ConfigError>() {
        return Some(CONFIG);
    }
    if let Some(e) = error.downcast_ref::<DiscordError>() {
        return Some(e.exit_code());
    }
    match error.downcast_ref::<InviteError>() {
        Some(InviteError::NoApplication) => return Some(USAGE),
        Some(InviteError::Discord(e)) => return Some(e.exit_code()),
        None => {}
    }
    match error.downcast_ref::<crate::cli::CliError>() {
        Some(crate::cli::CliError::Export(e) | crate::cli::CliError::ExportTo { cause: e, .. }) => {
            return code_of(e)
        }
        Some(crate::cli::CliError::Store { cause: e, .. } | crate::cli::CliError::Backup(e)) => {
            return code_of(e)
        }
        // Several servers stored and none named: the command line must say which.
        Some(crate::cli::CliError::Server(_)) => return Some(USAGE),
        _ => {}
    }
    if let Some(ExportError::ShortKey { .. }) = error.downcast_ref::<ExportError>() {
        return Some(CONFIG);
    }
    match error.downcast_ref::<StoreError>() {
        Some(StoreError::NewerSchema { .. }) => Some(CONFIG),
        _ => None,
    }
}

/// The status for an error and its causes: the first of them with a status of its own, else
/// [`FAILURE`].
pub fn code_of_chain(error: &(dyn std::error::Error + 'static)) -> u8 {
    let mut next = Some(error);
    while let Some(e) = next {
        if let Some(code) = code_of(e) {
            return code;
        }
        next = e.source();
    }
    FAILURE
}

/// An error and its causes on one line, `: `-separated, leaving out a cause whose text the
/// message already ends with (errors that print their source as part of themselves).
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(e) = next {
        let cause = e.to_string();
        if !text.ends_with(&cause) {
            text = format!("{text}: {cause}");
        }
        next = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let e = crate::cli::CliError::Store {
            path: "r.db".into(),
            cause: StoreError::WriterGone,
        };
        assert_eq!(describe(&e), "opening r.db: the store's writer has stopped");
        let e =
            crate::cli::CliError::Export(ExportError::Write(std::io::Error::other("disk full")));
        assert_eq!(describe(&e), "cannot write the export: disk full");
    }

    #[test]
    fn a_refused_token_and_a_configuration_error_have_codes_of_their_own() {
        assert_eq!(code_of_chain(&DiscordError::TokenRejected), NOPERM);
        assert_eq!(
            code_of_chain(&DiscordError::Token(crate::config::TokenError::Missing)),
            CONFIG
        );
        assert_eq!(code_of_chain(&DiscordError::IntentsRefused), CONFIG);
        let bad = crate::config::Config::parse(
            std::path::Path::new("c.toml"),
            "[discussion]\nduration_hours = 0\n",
        )
        .unwrap_err();
        assert_eq!(code_of_chain(&bad), CONFIG);
        let io = std::io::Error::other("disk on fire");
        assert_eq!(code_of_chain(&io), FAILURE);
        let newer = DiscordError::Store {
            path: "x.db".into(),
            cause: StoreError::NewerSchema {
                path: "x.db".into(),
                found: 9,
                supported: 1,
            },
        };
        assert_eq!(code_of_chain(&newer), CONFIG);
        let offline = crate::cli::CliError::Store {
            path: "x.db".into(),
            cause: StoreError::NewerSchema {
                path: "x.db".into(),
                found: 9,
                supported: 1,
            },
        };
        assert_eq!(
            code_of_chain(&offline),
            CONFIG,
            "`roundtable history` on it too"
        );
    }
}
