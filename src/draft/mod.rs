//! `roundtable draft`: an article (plain text, text pasted from a web page, or an HTML page) → a
//! draft [`Prompt`] for a moderator to review. Offline and linear in its input: word lists (data
//! files), a Readability port for HTML, a sentence splitter, attribution rules and a graph ranking; no
//! model.
//!
//! The stages, one a module, in the order [`draft_page`] runs them:
//! - [`page`]: HTML or text → the article's text and its source (title, outlet, author, date, link);
//!   page chrome and front matter dropped.
//! - [`text`]: paragraphs, with [`sentences`] and [`quotations`] (quotation marks, transcript
//!   captions, block quotes introduced by a colon).
//! - [`attribution`]: who says what (with `names` and `tokens`).
//! - [`actors`]: the cast; the speakers and mentioned actors the prompt lists.
//! - [`digests`]: each actor's verbatim quotes and a neutral digest.
//! - [`summary`]: LexRank with a position prior under a word budget, in article order, from the
//!   sentences in the author's voice with nothing to neutralise that cannot be, no judging word and no
//!   boilerplate.
//! - [`question`]: the article's closing question to its readers, else the configured default.
//! - [`lint`]: neutral wording in the bot's voice, and the neutrality findings on the prompt.
//!
//! Options are placeholders ([`PLACEHOLDER`]) that `check` refuses until a moderator writes them.
//! Inputs above [`MAX_INPUT`] bytes are refused.

// The stages, in the order they run.
pub mod actors;
pub mod attribution;
pub mod config;
// Not a stage: fetching a linked page (the only I/O here).
pub mod digests;
pub mod fetch;
pub mod lint;
pub mod page;
pub mod question;
pub mod quotations;
pub mod sentences;
pub mod summary;
pub mod text;
// What the stages share.
mod lexicon;
mod names;
mod render;
pub mod rouge;
mod tokens;

use crate::limits::{self, ours};
use crate::prompt::lint::Finding;
use crate::prompt::{Actor, AnswerOption, Prompt, Source, PLACEHOLDER};
use actors::ActorKind;
pub use config::DraftConfig;
use lexicon::{Lexicon, LEXICON};
use page::Page;
use std::path::{Path, PathBuf};
use text::{collapse, Text};

pub use lint::neutralise;

pub use render::{prompt_toml, to_toml};

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
    #[error("{path} is {bytes} bytes; drafts are made from one article of at most {max} bytes (4 MiB)", max = MAX_INPUT)]
    TooLarge { path: PathBuf, bytes: usize },
    #[error("{path}: no article found in the HTML page ({reason})")]
    Html { path: PathBuf, reason: String },
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
    /// Byte offsets of the words in [`Analysis::body`] (the text may have its spaces collapsed,
    /// so `end - start` can be more than its length).
    pub start: usize,
    pub end: usize,
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

/// Drafts from an article file: reads it (UTF-8), refusing an empty one, naming the file; an HTML
/// page goes through [`draft_html`], anything else through [`draft_text`].
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
    if is_html(path, &text) {
        draft_html(path, &text, options)
    } else {
        draft_text(path, &text, options)
    }
}

/// An HTML page: named `.html`/`.htm`, or starting with a doctype or an `<html>` tag.
pub fn is_html(path: &Path, text: &str) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let start: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(ext.as_deref(), Some("html" | "htm" | "xhtml"))
        || start.starts_with("<!doctype html")
        || start.starts_with("<html")
}

/// Drafts from an article's text (plain text, or text pasted from a web page); `name` names it in
/// errors.
pub fn draft_text(name: &Path, article: &str, options: &DraftOptions) -> Result<Draft, DraftError> {
    check_size(name, article.len())?;
    draft_page(name, Page::from_text(article), options)
}

/// Drafts from a saved or fetched web page (HTML); `name` names it in errors.
pub fn draft_html(name: &Path, html: &str, options: &DraftOptions) -> Result<Draft, DraftError> {
    check_size(name, html.len())?;
    let page = Page::from_html(html).map_err(|reason| DraftError::Html {
        path: name.to_path_buf(),
        reason,
    })?;
    draft_page(name, page, options)
}

/// Inputs above this many bytes are refused: a draft is made from one article, and the cost of every
/// stage is linear in the input (see `benches/draft.rs`).
pub const MAX_INPUT: usize = 4 * 1024 * 1024;

fn check_size(name: &Path, len: usize) -> Result<(), DraftError> {
    if len > MAX_INPUT {
        return Err(DraftError::TooLarge {
            path: name.to_path_buf(),
            bytes: len,
        });
    }
    Ok(())
}

/// The pipeline: page → text (sentences, quotations) → attribution → actors → digests → summary →
/// question → lint.
fn draft_page(name: &Path, page: Page, options: &DraftOptions) -> Result<Draft, DraftError> {
    let lex: &Lexicon = &LEXICON;
    let text = Text::from_page(page, lex);
    if text.sentences.is_empty() {
        return Err(DraftError::Empty {
            path: name.to_path_buf(),
        });
    }
    let cast = attribution::find(&text, lex);
    let sentences: Vec<String> = (0..text.sentences.len())
        .map(|i| collapse(text.sentence_text(i)))
        .collect();

    let closing = question::closing(&text);
    let question_at = closing.as_ref().and_then(|c| c.0);
    let (question, question_from_article) = match closing {
        Some((_, q)) => (q, true),
        None => (options.default_question.trim().to_string(), false),
    };
    let (picked, summary) = summary::summarise(&text, question_at, options.summary_words, lex);

    let mut found = Vec::new();
    let mut prompt_actors = Vec::new();
    for id in actors::choose(&cast) {
        let a = &cast.actors[id];
        let quotes: Vec<FoundQuote> = digests::quotations(&text, &a.quotes)
            .into_iter()
            .filter(|q| q.text.split_whitespace().count() >= 2)
            .take(ours::MAX_QUOTES)
            .collect();
        prompt_actors.push(Actor {
            name: a.name.clone(),
            role: a
                .role
                .clone()
                .unwrap_or_else(|| "Not stated in the article".to_string()),
            digest: digests::digest(a, &text, &quotes),
            quotes: quotes.iter().map(|q| q.text.clone()).collect(),
        });
        found.push(FoundActor {
            name: a.name.clone(),
            role: a.role.clone(),
            kind: a.kind,
            speaks: a.speaks(),
            mentions: a.mentions,
            quotes,
            statements: a.statements.clone(),
        });
    }

    let title = text.meta.title.clone().unwrap_or_else(|| {
        let first = picked.first().map_or(&sentences[0], |&i| &sentences[i]);
        title_from(&lint::strip_link_markers(&neutralise(first)))
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
    let findings = lint::findings(&prompt);
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

/// A title from the summary's first sentence, shortened on a word boundary.
fn title_from(sentence: &str) -> String {
    let s = sentence.trim_end_matches(['.', '!']);
    truncate_words(s, 100)
}

/// At most `max` characters, cut on a word boundary with "…".
pub(crate) fn truncate_words(s: &str, max: usize) -> String {
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
