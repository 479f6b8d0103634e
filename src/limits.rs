//! Discord's size limits, in one place. Prompt validation, rendering, the adapters and the tests
//! all read them from here. Lengths are counted in characters (Unicode scalar values), as Discord
//! counts them.

/// Message content.
pub const CONTENT: usize = 2000;
/// Embeds in one message.
pub const EMBEDS_PER_MESSAGE: usize = 10;
/// Embed title.
pub const EMBED_TITLE: usize = 256;
/// Embed description.
pub const EMBED_DESCRIPTION: usize = 4096;
/// Fields in one embed.
pub const EMBED_FIELDS: usize = 25;
/// Embed field name.
pub const FIELD_NAME: usize = 256;
/// Embed field value.
pub const FIELD_VALUE: usize = 1024;
/// Embed footer text.
pub const FOOTER: usize = 2048;
/// Embed author name.
pub const AUTHOR_NAME: usize = 256;
/// All embeds of one message together (titles, descriptions, field names and values, footers, authors).
pub const EMBEDS_TOTAL: usize = 6000;
/// Buttons in one action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows in one message.
pub const ROWS_PER_MESSAGE: usize = 5;
/// Button label.
pub const BUTTON_LABEL: usize = 80;
/// A component's custom_id.
pub const CUSTOM_ID: usize = 100;
/// Modal title.
pub const MODAL_TITLE: usize = 45;
/// Text input value in a modal.
pub const TEXT_INPUT: usize = 4000;
/// Text input label in a modal.
pub const TEXT_INPUT_LABEL: usize = 45;
/// Text inputs in one modal (one per action row, 5 rows).
pub const MODAL_INPUTS: usize = 5;
/// Options of a select menu.
pub const SELECT_OPTIONS: usize = 25;
/// A select menu option's label.
pub const SELECT_OPTION_LABEL: usize = 100;
/// A string select option's value, and its description.
pub const SELECT_OPTION_VALUE: usize = 100;
pub const SELECT_OPTION_DESCRIPTION: usize = 100;
/// An attachment's description (its alt text).
pub const ATTACHMENT_DESCRIPTION: usize = 1024;
/// Bytes a bot may upload in one file when the interaction does not say
/// (`attachment_size_limit`): 10 MiB, Discord's limit for servers without boosts.
pub const ATTACHMENT_SIZE: usize = 10 * 1024 * 1024;
/// Milliseconds an interaction may wait for its first answer before Discord drops it.
pub const INTERACTION_DEADLINE_MS: u64 = 3000;
/// The auto-archive durations Discord accepts for a thread, in minutes (one hour to one week).
pub const THREAD_AUTO_ARCHIVE_MINUTES: [u16; 4] = [60, 1440, 4320, 10080];

/// A thread's auto-archive duration for a discussion open `minutes` more: the shortest Discord
/// accepts that outlasts it, or a week (the longest) when none does; the discussion keeps its
/// thread unarchived past that until it closes.
pub fn thread_auto_archive(minutes: i64) -> u16 {
    THREAD_AUTO_ARCHIVE_MINUTES
        .into_iter()
        .find(|&m| i64::from(m) >= minutes)
        .unwrap_or(THREAD_AUTO_ARCHIVE_MINUTES[3])
}
/// Message edits Discord allows in one channel per [`CHANNEL_EDIT_WINDOW_MS`] (about 5 per 5 s):
/// the live counts of every discussion in a channel share them.
pub const CHANNEL_EDITS: usize = 5;
pub const CHANNEL_EDIT_WINDOW_MS: u64 = 5000;
/// Characters of one slash command's names, descriptions and choice values together (its
/// options, subcommands and groups included).
pub const COMMAND_CHARS: usize = 8000;
/// Guilds one gateway shard may carry; beyond it Discord requires more shards.
pub const GUILDS_PER_SHARD: usize = 2500;

/// roundtable's own bounds, chosen so that rendered posts stay within Discord's.
pub mod ours {
    /// Fewest and most answer options a prompt may offer (one stance button each).
    pub const MIN_OPTIONS: usize = 3;
    pub const MAX_OPTIONS: usize = 8;
    /// Option keys travel inside custom_ids: short, lowercase ASCII.
    pub const OPTION_KEY: usize = 32;
    /// Prompt ids travel in commands and exports.
    pub const PROMPT_ID: usize = 48;
    /// Actors a prompt may name; those beyond the first message continue in the thread.
    pub const MAX_ACTORS: usize = 20;
    /// Quotes per actor.
    pub const MAX_QUOTES: usize = 20;
    /// Default bound on one written reply.
    pub const REPLY_CHARS: usize = 1500;
}

/// Number of characters as Discord counts them.
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Text that came from outside (a typed line, a file name, an option someone sent), fit to be
/// echoed back: control characters (a terminal's escape sequences among them) written as
/// `\u{1b}`, and at most `max` characters, then an ellipsis.
pub fn shown(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn echoed_text_has_no_raw_escapes_and_a_bounded_length() {
        assert_eq!(shown("\u{1b}[2Jhi", 40), "\\u{1b}[2Jhi");
        assert_eq!(shown(&"x".repeat(100), 5), "xxxxx…");
        assert_eq!(shown("stay-out", 40), "stay-out");
    }
}

#[cfg(test)]
mod thread_tests {
    use super::thread_auto_archive;

    #[test]
    fn threads_archive_no_sooner_than_their_discussion_closes_up_to_a_week() {
        assert_eq!(thread_auto_archive(30), 60);
        assert_eq!(thread_auto_archive(60), 60);
        assert_eq!(thread_auto_archive(61), 1440);
        assert_eq!(thread_auto_archive(72 * 60), 4320);
        assert_eq!(thread_auto_archive(144 * 60), 10080);
        assert_eq!(thread_auto_archive(30 * 24 * 60), 10080);
        assert_eq!(thread_auto_archive(-5), 60);
    }
}
