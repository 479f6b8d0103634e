//! `roundtable draft`: an article's plain text → a draft [`Prompt`] for a moderator to review.
//! Offline and fast: word lists (data files), a sentence splitter, a graph ranking and attribution
//! rules; no model.
//!
//! - Sentences and quotations: [`text`].
//! - Summary: LexRank with a position prior, redundancy control and a word budget, in article order
//!   ([`summary`]). Sentences that judge in the author's voice (any neutrality-lint finding that
//!   cannot be neutralised) are left out; doubt-casting verbs become "said".
//! - Actors: speakers found from attribution, and people and bodies mentioned without a statement
//!   ([`actors`]); each speaker gets their quotes (verbatim) and a digest of their indirect statements.
//! - Question: the article's last question to its readers, verbatim, else the configured default.
//! - Options: placeholders ([`PLACEHOLDER`]) that `check` refuses until a moderator writes them.
//!
//! ## Input
//! UTF-8 plain text. Optional header lines at the top name the source: `# Title: ...`,
//! `# Outlet: ...`, `# Author: ...`, `# Date: ...`, `# Link: https://...` (other `#` lines, such as a
//! licence note, are ignored). A byline such as `By: Right Wing News' Cassy Fiano` gives the outlet and
//! author; a short first line without closing punctuation is taken as the headline.

pub mod actors;
pub mod config;
mod lexicon;
mod render;
pub mod rouge;
mod summary;
pub mod text;

use crate::limits::{self, ours};
use crate::prompt::lint::{self, Finding, Kind};
use crate::prompt::{Actor, AnswerOption, Prompt, Source, PLACEHOLDER};
use actors::{ActorKind, Cast};
pub use config::DraftConfig;
use lexicon::{Lexicon, LEXICON};
use std::path::{Path, PathBuf};
use text::{collapse, Text};

pub use render::to_toml;

/// Why an article could not be drafted, or a draft not written.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    #[error("cannot read {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: crate::files::FileError,
    },
    #[error("{path} is not UTF-8 text (invalid byte at offset {offset}); save the article as UTF-8 plain text")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{path} has no article text to draft from")]
    Empty { path: PathBuf },
    #[error("{path} already exists; choose another --out or add --force to overwrite it")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// What the draft needs besides the article.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftOptions {
    /// The prompt's id (its file name without `.toml`).
    pub id: String,
    /// The closing question when the article asks its readers none.
    pub default_question: String,
    /// About how many words the summary may have.
    pub summary_words: usize,
}

impl DraftOptions {
    pub fn new(id: impl Into<String>, config: &DraftConfig) -> Self {
        Self {
            id: id.into(),
            default_question: config.default_question.clone(),
            summary_words: config.summary_words,
        }
    }
}

/// A quotation as found in the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundQuote {
    /// The words inside the quotation marks, verbatim (a trailing comma dropped).
    pub text: String,
    /// Byte offset of the words in [`Analysis::body`].
    pub start: usize,
}

/// An actor as found in the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundActor {
    pub name: String,
    pub role: Option<String>,
    pub kind: ActorKind,
    /// Has an attributed statement or quotation (people and bodies only).
    pub speaks: bool,
    pub mentions: usize,
    /// Attributed quotations of two words or more, in article order.
    pub quotes: Vec<FoundQuote>,
    /// Indices of the sentences attributed to the actor.
    pub statements: Vec<usize>,
}

/// What the draft found, for review and for measuring its quality.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The article's body (no header), as the byte offsets count.
    pub body: String,
    /// Every sentence, whitespace collapsed.
    pub sentences: Vec<String>,
    /// Indices of the summary's sentences, in article order.
    pub summary: Vec<usize>,
    /// The actors in the prompt (speakers, then those mentioned), in that order.
    pub actors: Vec<FoundActor>,
    /// Whether the question is the article's own.
    pub question_from_article: bool,
}

impl Analysis {
    /// The first `n` sentences: the lead-n baseline summary.
    pub fn lead(&self, n: usize) -> String {
        self.sentences
            .iter()
            .take(n)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn speakers(&self) -> impl Iterator<Item = &FoundActor> {
        self.actors.iter().filter(|a| a.speaks)
    }

    pub fn mentioned(&self) -> impl Iterator<Item = &FoundActor> {
        self.actors.iter().filter(|a| !a.speaks)
    }
}

/// A draft prompt with what was found and the neutrality findings on it.
#[derive(Debug, Clone)]
pub struct Draft {
    pub prompt: Prompt,
    pub analysis: Analysis,
    pub findings: Vec<Finding>,
}

/// Drafts from an article file: reads it (UTF-8), refusing an empty one, naming the file.
pub fn draft_file(path: &Path, options: &DraftOptions) -> Result<Draft, DraftError> {
    let bytes = crate::files::read_bytes(path, crate::files::MAX_ARTICLE).map_err(|cause| {
        DraftError::Read {
            path: path.to_path_buf(),
            cause,
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| DraftError::NotUtf8 {
        path: path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    draft_text(path, &text, options)
}

/// Drafts from an article's text; `name` names it in errors.
pub fn draft_text(name: &Path, article: &str, options: &DraftOptions) -> Result<Draft, DraftError> {
    let lex: &Lexicon = &LEXICON;
    let text = Text::parse(article.trim_start_matches('\u{feff}'), lex);
    if text.sentences.is_empty() {
        return Err(DraftError::Empty {
            path: name.to_path_buf(),
        });
    }
    let cast = actors::find(&text, lex);
    let sentences: Vec<String> = (0..text.sentences.len())
        .map(|i| collapse(text.sentence_text(i)))
        .collect();

    let (question, question_from_article) = match closing_question(&text) {
        Some((_, q)) => (q, true),
        None => (options.default_question.trim().to_string(), false),
    };
    let question_at = closing_question(&text).map(|x| x.0);

    // The summary.
    let neutral: Vec<String> = sentences.iter().map(|s| neutralise(s)).collect();
    let eligible: Vec<bool> = (0..sentences.len())
        .map(|i| summary_eligible(&text, &neutral[i], i) && Some(i) != question_at)
        .collect();
    let picked = summary::select(&neutral, &eligible, options.summary_words, lex);
    let summary = picked
        .iter()
        .map(|&i| neutral[i].as_str())
        .collect::<Vec<_>>()
        .join(" ");

    let chosen = choose_actors(&cast);
    let mut found = Vec::new();
    let mut prompt_actors = Vec::new();
    for &id in &chosen {
        let a = &cast.actors[id];
        let quotes: Vec<FoundQuote> = a
            .quotes
            .iter()
            .filter_map(|&q| quote_text(&text, q))
            .filter(|q| q.text.split_whitespace().count() >= 2)
            .take(ours::MAX_QUOTES)
            .collect();
        let speaks = a.speaks();
        prompt_actors.push(Actor {
            name: a.name.clone(),
            role: a
                .role
                .clone()
                .unwrap_or_else(|| "Not stated in the article".to_string()),
            digest: digest(a, &text, &quotes),
            quotes: quotes.iter().map(|q| q.text.clone()).collect(),
        });
        found.push(FoundActor {
            name: a.name.clone(),
            role: a.role.clone(),
            kind: a.kind,
            speaks,
            mentions: a.mentions,
            quotes,
            statements: a.statements.clone(),
        });
    }

    let title = text.meta.title.clone().unwrap_or_else(|| {
        title_from(
            picked
                .first()
                .map(|&i| neutral[i].as_str())
                .unwrap_or(&sentences[0]),
        )
    });
    let prompt = Prompt {
        id: options.id.clone(),
        title: truncate_words(&title, limits::EMBED_TITLE),
        source: Source {
            outlet: text.meta.outlet.clone().unwrap_or_else(|| {
                format!("{PLACEHOLDER} the outlet (the article does not name it)")
            }),
            author: text.meta.author.clone(),
            date: text.meta.date.clone(),
            link: text.meta.link.clone(),
        },
        summary,
        actors: prompt_actors,
        question,
        options: placeholder_options(),
    };
    let findings = lint::lint(&prompt);
    Ok(Draft {
        prompt,
        analysis: Analysis {
            body: text.body.clone(),
            sentences,
            summary: picked,
            actors: found,
            question_from_article,
        },
        findings,
    })
}

/// Writes `contents` to a new file; an existing file is kept unless `force`.
pub fn write_new(path: &Path, contents: &str, force: bool) -> Result<(), DraftError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::AlreadyExists {
            DraftError::Exists {
                path: path.to_path_buf(),
            }
        } else {
            DraftError::Write {
                path: path.to_path_buf(),
                cause: source,
            }
        }
    })?;
    file.write_all(contents.as_bytes())
        .map_err(|cause| DraftError::Write {
            path: path.to_path_buf(),
            cause,
        })
}

/// A prompt id from a file name: lowercase letters, digits and `-`, at most 48 characters.
pub fn id_from(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("draft");
    let mut id = String::new();
    for c in stem.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id: String = id.trim_matches('-').chars().take(ours::PROMPT_ID).collect();
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "draft".to_string()
    } else {
        id
    }
}

fn placeholder_options() -> Vec<AnswerOption> {
    let mut options: Vec<AnswerOption> = (1..=4)
        .map(|i| AnswerOption {
            key: format!("option-{i}"),
            label: format!("{PLACEHOLDER} stance {i}"),
        })
        .collect();
    options.push(AnswerOption {
        key: "other".to_string(),
        label: "Other (explain in the thread)".to_string(),
    });
    options
}

/// The article's last question to its readers: a sentence in the author's voice ending in "?".
fn closing_question(text: &Text) -> Option<(usize, String)> {
    (0..text.sentences.len()).rev().find_map(|i| {
        let s = &text.sentences[i];
        let t = text.sentence_text(i).trim();
        let q = collapse(t);
        (s.quotes.is_empty() && t.ends_with('?') && limits::chars(&q) <= limits::EMBED_TITLE)
            .then_some((i, q))
    })
}

/// Doubt-casting verbs and loaded words with a plain neutral replacement, replaced outside quotes:
/// "Putin claimed" → "Putin said", "Assad's regime" → "Assad's government".
pub fn neutralise(sentence: &str) -> String {
    let mut out = sentence.to_string();
    for hit in lint::scan(sentence).iter().rev() {
        if !matches!(hit.entry.kind, Kind::Doubt | Kind::Loaded) {
            continue;
        }
        let Some(replacement) = hit.entry.replacement() else {
            continue;
        };
        let original = &sentence[hit.start..hit.end];
        let capital = original.chars().next().is_some_and(char::is_uppercase);
        let mut r = replacement.to_string();
        if capital {
            let mut c = r.chars();
            if let Some(f) = c.next() {
                r = f.to_uppercase().chain(c).collect();
            }
        }
        out.replace_range(hit.start..hit.end, &r);
    }
    out
}

fn summary_eligible(text: &Text, neutral: &str, i: usize) -> bool {
    let s = &text.sentences[i];
    let quoted: usize = s.quotes.clone().map(|q| text.quotes[q].outer.len()).sum();
    let words = neutral.split_whitespace().count();
    let question = neutral
        .trim_end_matches(['"', '”', '’', '\''])
        .ends_with('?');
    quoted * 2 < s.range.len() && words >= 6 && !question && lint::scan(neutral).is_empty()
}

/// Speakers in order of first mention, then people and bodies mentioned without a statement (and
/// places the article reports a position for), at most [`ours::MAX_ACTORS`].
fn choose_actors(cast: &Cast) -> Vec<usize> {
    let a = &cast.actors;
    let mut speakers: Vec<usize> = (0..a.len()).filter(|&i| a[i].speaks()).collect();
    speakers.sort_by_key(|&i| a[i].first_sentence);
    let score = |x: &actors::Actor| {
        x.mentions + 2 * usize::from(x.role.is_some()) + usize::from(x.topics > 0)
    };
    let mut mentioned: Vec<usize> = (0..a.len())
        .filter(|&i| !a[i].speaks())
        .filter(|&i| match a[i].kind {
            ActorKind::Person => score(&a[i]) >= 3,
            // a bare acronym ("H1N1", "EEZ") is too often a thing
            ActorKind::Org => score(&a[i]) >= 3 && a[i].name.contains(' '),
            ActorKind::Place | ActorKind::Group => !a[i].statements.is_empty(),
            _ => false,
        })
        .collect();
    mentioned.sort_by_key(|&i| std::cmp::Reverse(score(&a[i])));
    mentioned.truncate(6);
    mentioned.sort_by_key(|&i| a[i].first_sentence);
    speakers.extend(mentioned);
    speakers.truncate(ours::MAX_ACTORS);
    speakers
}

fn quote_text(text: &Text, q: usize) -> Option<FoundQuote> {
    let inner = text.quotes.get(q)?.inner.clone();
    let raw = &text.body[inner.clone()];
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim().trim_end_matches(',').trim_end();
    if trimmed.is_empty() {
        return None;
    }
    let t = if trimmed.contains('\n') {
        collapse(trimmed)
    } else {
        trimmed.to_string()
    };
    Some(FoundQuote {
        text: t,
        start: inner.start + lead,
    })
}

/// Words of a sentence outside its quotations.
fn outside_words(text: &Text, i: usize) -> usize {
    lint::outside_quotes(text.sentence_text(i))
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// A neutral digest of an actor's position, from their attributed statements.
fn digest(a: &actors::Actor, text: &Text, quotes: &[FoundQuote]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut words = 0;
    for &si in &a.statements {
        let sentence = &text.sentences[si];
        let quoted: usize = sentence
            .quotes
            .clone()
            .map(|q| text.quotes[q].outer.len())
            .sum();
        if outside_words(text, si) < 7 || quoted * 2 > sentence.range.len() {
            continue; // “...,” he said; a long quotation is in the quotes already
        }
        let mut s = neutralise(&collapse(text.sentence_text(si)));
        if let Some(rest) = ["He ", "She ", "They "]
            .iter()
            .find_map(|p| s.strip_prefix(p))
        {
            let name = a.short_name();
            let mut c = name.chars();
            let name: String = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            s = format!("{name} {rest}");
        }
        if !lint::scan(&s).is_empty() {
            continue;
        }
        let w = s.split_whitespace().count();
        if !parts.is_empty() && words + w > 100 {
            break;
        }
        words += w;
        parts.push(s);
        if parts.len() == 4 {
            break;
        }
    }
    let who = a.short_name();
    let mut digest = parts.join(" ");
    match (a.speaks(), digest.is_empty()) {
        (true, false) => digest,
        (true, true) => match quotes.first() {
            Some(q) => format!(
                "{} is quoted in the article: “{}”",
                a.name,
                truncate_words(&q.text, 160)
            ),
            None => format!(
                "{} is named as a speaker in the article; see the article for their words.",
                a.name
            ),
        },
        (false, false) => {
            digest.push_str(&format!(
                " The article names no speaker for {who} and carries no statement from them."
            ));
            digest
        }
        (false, true) => format!(
            "{} is mentioned in the article. The article carries no statement from {who}.",
            a.name
        ),
    }
}

/// A title from the summary's first sentence, shortened on a word boundary.
fn title_from(sentence: &str) -> String {
    let s = sentence.trim_end_matches(['.', '!']);
    truncate_words(s, 100)
}

/// At most `max` characters, cut on a word boundary with "…".
fn truncate_words(s: &str, max: usize) -> String {
    if limits::chars(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for w in s.split_whitespace() {
        if limits::chars(&out) + limits::chars(w) + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
