//! Neutrality lint: words in the bot's own voice (outside quotes) that judge, cast doubt on an
//! attribution, intensify, or state a contested claim that no one is named as making.
//!
//! The word lists are data, compiled into the binary; each file's first line names its source:
//! - `data/loaded-words.txt`: loaded or judging words ("despicable", "regime");
//! - `data/doubt-verbs.txt`: doubt-casting attribution ("claimed", "admitted", "insisted");
//! - `data/intensifiers.txt`: editorial intensifiers ("clearly", "of course");
//! - `data/unattributed-claims.txt`: vague attributions ("critics say"), and contested-claim markers
//!   ("responsible for", "staged") that are flagged only in a sentence naming no source.

use super::Prompt;
use std::sync::LazyLock;

const LOADED: &str = include_str!("../../data/loaded-words.txt");
const DOUBT: &str = include_str!("../../data/doubt-verbs.txt");
const INTENSIFIERS: &str = include_str!("../../data/intensifiers.txt");
const UNATTRIBUTED: &str = include_str!("../../data/unattributed-claims.txt");
const REPORTING_VERBS: &str = include_str!("../../data/draft/reporting-verbs.txt");

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A loaded or judging word.
    Loaded,
    /// A doubt-casting attribution verb or word.
    Doubt,
    /// An editorial intensifier.
    Intensifier,
    /// A vague attribution ("critics say").
    Weasel,
    /// A contested claim in a sentence that names no source.
    Unattributed,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Loaded => "judges in the bot's voice",
            Kind::Doubt => "casts doubt on what was said, in the bot's voice",
            Kind::Intensifier => "is an editorial intensifier in the bot's voice",
            Kind::Weasel => "attributes a claim to no one in particular",
            Kind::Unattributed => "states a contested claim without naming who makes it",
        }
    }
}

/// One listed word or phrase, with its category and suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    /// Lowercase word or phrase as listed.
    pub word: &'static str,
    pub suggestion: &'static str,
}

impl Entry {
    /// The suggestion, when it is a plain drop-in replacement (`claimed | said`); `None` when it is
    /// advice for a person (`describe what happened`, `"build", "increase"`).
    pub fn replacement(&self) -> Option<&'static str> {
        let s = self.suggestion;
        let plain = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c == ' ' || c == '-' || c == '\'')
            && !s.starts_with("drop")
            && s.split_whitespace().count() <= 2;
        plain.then_some(s)
    }
}

/// One finding in the bot's voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The prompt field, e.g. `actors[1].digest`.
    pub field: String,
    /// The word or phrase as listed.
    pub word: String,
    pub suggestion: String,
    pub kind: Kind,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: \"{}\" {}; suggestion: {}",
            self.field,
            self.word,
            self.kind.describe(),
            self.suggestion
        )
    }
}

fn parse_pairs(text: &'static str, kind: Kind) -> impl Iterator<Item = Entry> {
    data_lines(text).filter_map(move |l| {
        let (w, s) = l.split_once('|')?;
        Some(Entry {
            kind,
            word: w.trim(),
            suggestion: s.trim(),
        })
    })
}

/// Non-empty, non-comment lines of a data file.
pub(crate) fn data_lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

static ENTRIES: LazyLock<Vec<Entry>> = LazyLock::new(|| {
    let mut all: Vec<Entry> = parse_pairs(LOADED, Kind::Loaded)
        .chain(parse_pairs(DOUBT, Kind::Doubt))
        .chain(parse_pairs(INTENSIFIERS, Kind::Intensifier))
        .chain(data_lines(UNATTRIBUTED).filter_map(|l| {
            let mut parts = l.splitn(3, '|').map(str::trim);
            let kind = match parts.next()? {
                "weasel" => Kind::Weasel,
                "claim" => Kind::Unattributed,
                _ => return None,
            };
            Some(Entry {
                kind,
                word: parts.next()?,
                suggestion: parts.next()?,
            })
        }))
        .collect();
    // Longest phrases first, so that "his claims" wins over "claims".
    all.sort_by_key(|e| std::cmp::Reverse(e.word.len()));
    all
});

static REPORTING: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut v: Vec<&'static str> = data_lines(REPORTING_VERBS).collect();
    v.extend([
        "according to",
        "the article",
        "reports that",
        "reported that",
    ]);
    v
});

/// Every listed entry, longest first.
pub fn entries() -> &'static [Entry] {
    &ENTRIES
}

/// A listed word found in a text, at a byte range of that text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub entry: &'static Entry,
    pub start: usize,
    pub end: usize,
}

/// Every listed word in the bot's voice of `text` (outside quotes), in text order. Claim markers are
/// reported only in sentences that name no source.
pub fn scan(text: &str) -> Vec<Hit> {
    let voice = outside_quotes(text).to_ascii_lowercase();
    // only entries whose first word is in the text are searched for
    let words: std::collections::HashSet<&str> = voice
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut hits = Vec::new();
    for entry in entries() {
        let first = entry.word.split(' ').next().unwrap_or(entry.word);
        if !words.contains(first) {
            continue;
        }
        for start in word_matches(&voice, entry.word) {
            let end = start + entry.word.len();
            if taken.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            if entry.kind == Kind::Unattributed && sentence_is_sourced(&voice, start) {
                continue;
            }
            taken.push((start, end));
            hits.push(Hit { entry, start, end });
        }
    }
    hits.sort_by_key(|h| h.start);
    hits
}

/// Whether the sentence of `voice` around `at` names a source: a reporting verb, "according to", or
/// "the article".
fn sentence_is_sourced(voice: &str, at: usize) -> bool {
    let bytes = voice.as_bytes();
    let is_end = |i: usize| {
        matches!(bytes[i], b'.' | b'!' | b'?' | b';')
            && !matches!(bytes.get(i + 1), Some(b) if !b.is_ascii_whitespace())
    };
    let mut start = at;
    while start > 0 && !is_end(start - 1) {
        start -= 1;
    }
    let mut end = at;
    while end < bytes.len() && !is_end(end) {
        end += 1;
    }
    let sentence = &voice[start..end];
    REPORTING
        .iter()
        .any(|v| !word_matches(sentence, v).is_empty())
}

/// The fields of a prompt written in the bot's voice. Quotes are the actors' own words and are exempt.
pub fn voiced_fields(p: &Prompt) -> Vec<(String, &str)> {
    let mut out = vec![
        ("title".to_string(), p.title.as_str()),
        ("summary".to_string(), p.summary.as_str()),
        ("question".to_string(), p.question.as_str()),
    ];
    for (i, a) in p.actors.iter().enumerate() {
        out.push((format!("actors[{i}].role"), a.role.as_str()));
        out.push((format!("actors[{i}].digest"), a.digest.as_str()));
    }
    for (i, o) in p.options.iter().enumerate() {
        out.push((format!("options[{i}].label"), o.label.as_str()));
    }
    out
}

/// Every finding in the prompt's own voice, field by field, in text order.
pub fn lint(p: &Prompt) -> Vec<Finding> {
    let mut out = Vec::new();
    for (field, text) in voiced_fields(p) {
        for hit in scan(text) {
            out.push(Finding {
                field: field.clone(),
                word: hit.entry.word.to_string(),
                suggestion: hit.entry.suggestion.to_string(),
                kind: hit.entry.kind,
            });
        }
    }
    out
}

/// The text with every quoted passage (straight or curly double quotes, and the marks themselves)
/// blanked out. Byte offsets are kept: each blanked character becomes as many spaces as it had bytes.
pub fn outside_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    let blank = |out: &mut String, c: char| {
        for _ in 0..c.len_utf8() {
            out.push(' ');
        }
    };
    for c in text.chars() {
        match c {
            '"' => {
                inside = !inside;
                blank(&mut out, c);
            }
            '“' | '«' => {
                inside = true;
                blank(&mut out, c);
            }
            '”' | '»' => {
                inside = false;
                blank(&mut out, c);
            }
            _ if inside => blank(&mut out, c),
            _ => out.push(c),
        }
    }
    out
}

/// Byte offsets where `needle` occurs in `haystack` on word boundaries.
pub fn word_matches(haystack: &str, needle: &str) -> Vec<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '\'' || c == '’';
    haystack
        .match_indices(needle)
        .filter(|(i, _)| {
            let before = haystack[..*i].chars().next_back();
            let after = haystack[i + needle.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
fn contains_word(haystack: &str, needle: &str) -> bool {
    !word_matches(haystack, needle).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, &'static str)> {
        scan(text)
            .iter()
            .map(|h| (h.entry.kind, h.entry.word))
            .collect()
    }

    #[test]
    fn quoted_words_are_not_the_bots_voice() {
        assert!(!outside_quotes(r#"He called Assad a "tyrant"."#).contains("tyrant"));
        assert!(!contains_word(
            &outside_quotes("He called him a “tyrant”."),
            "tyrant"
        ));
        assert!(contains_word("putin claimed it", "claimed"));
        assert!(!contains_word("reclaimed land", "claimed"));
        assert!(contains_word("to gin up support", "gin up"));
    }

    #[test]
    fn outside_quotes_keeps_byte_offsets() {
        let text = "Él dijo “évidemment” y “ça” fin";
        assert_eq!(outside_quotes(text).len(), text.len());
        assert!(outside_quotes(text).ends_with(" fin"));
    }

    #[test]
    fn every_listed_word_has_a_suggestion() {
        let loaded = entries().iter().filter(|e| e.kind == Kind::Loaded).count();
        assert!(loaded >= 15, "only {loaded} loaded words");
        for kind in [
            Kind::Doubt,
            Kind::Intensifier,
            Kind::Weasel,
            Kind::Unattributed,
        ] {
            assert!(
                entries().iter().any(|e| e.kind == kind),
                "{kind:?} has no entries"
            );
        }
        assert!(entries()
            .iter()
            .all(|e| !e.word.is_empty() && !e.suggestion.is_empty()));
        assert!(
            entries().iter().all(|e| e.word == e.word.to_lowercase()),
            "lists are lowercase"
        );
    }

    #[test]
    fn every_word_list_names_its_source_on_its_first_line() {
        for (name, text) in [
            ("loaded-words", LOADED),
            ("doubt-verbs", DOUBT),
            ("intensifiers", INTENSIFIERS),
            ("unattributed-claims", UNATTRIBUTED),
            ("reporting-verbs", REPORTING_VERBS),
        ] {
            let first = text.lines().next().unwrap_or_default();
            assert!(first.starts_with("# Source: "), "{name}: {first}");
        }
    }

    #[test]
    fn each_category_is_found_in_the_bots_voice() {
        assert_eq!(
            kinds("A despicable attack."),
            vec![(Kind::Loaded, "despicable")]
        );
        assert_eq!(
            kinds("Putin claimed it was planned."),
            vec![(Kind::Doubt, "claimed")]
        );
        assert_eq!(
            kinds("The plan is clearly late."),
            vec![(Kind::Intensifier, "clearly")]
        );
        assert_eq!(
            kinds("Critics say the plan failed."),
            vec![(Kind::Weasel, "critics say")]
        );
        assert_eq!(
            kinds("The government was behind the attack."),
            vec![(Kind::Unattributed, "was behind")]
        );
    }

    #[test]
    fn a_contested_claim_with_a_named_source_is_not_flagged() {
        assert!(kinds("Johnson said the government was behind the attack.").is_empty());
        assert!(kinds("According to the article, the attack was staged.").is_empty());
        // ...but the same claim in the next sentence, with no source, is.
        assert_eq!(
            kinds("Johnson said it. The government was behind the attack."),
            vec![(Kind::Unattributed, "was behind")]
        );
    }

    #[test]
    fn the_longest_listed_phrase_wins() {
        let hits = scan("He offered no evidence for his claims.");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].entry.word, "his claims");
        assert_eq!(hits[0].entry.replacement(), Some("his statements"));
    }

    #[test]
    fn only_plain_suggestions_are_replacements() {
        let find = |w: &str| entries().iter().find(|e| e.word == w).unwrap();
        assert_eq!(find("claimed").replacement(), Some("said"));
        assert_eq!(find("regime").replacement(), Some("government"));
        assert_eq!(find("gin up").replacement(), None);
        assert_eq!(find("despicable").replacement(), None);
        assert_eq!(find("obviously").replacement(), None);
    }

    #[test]
    fn findings_name_the_field_the_word_and_a_suggestion() {
        let f = Finding {
            field: "actors[0].digest".into(),
            word: "claimed".into(),
            suggestion: "said".into(),
            kind: Kind::Doubt,
        };
        assert_eq!(
            f.to_string(),
            "actors[0].digest: \"claimed\" casts doubt on what was said, in the bot's voice; suggestion: said"
        );
    }
}
