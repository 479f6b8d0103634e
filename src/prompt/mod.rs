//! Discussion prompts: one TOML file per discussion under `prompts/`. Loading validates every file
//! and reports every problem with its file, line and field; one bad file never hides the others.

pub mod lint;

use crate::limits::{self, chars, ours};
use crate::location::{self, Problem};
use serde::{Deserialize, Serialize};
use serde_spanned::Spanned;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One discussion: an article, its actors, the closing question and the answer options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prompt {
    /// The file's stem: `prompts/syria-strike-2017.toml` has id `syria-strike-2017`.
    pub id: String,
    pub title: String,
    pub source: Source,
    /// A neutral summary in the bot's voice.
    pub summary: String,
    pub actors: Vec<Actor>,
    /// The article's closing question, verbatim.
    pub question: String,
    pub options: Vec<AnswerOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub outlet: String,
    pub author: Option<String>,
    pub date: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub role: String,
    /// A neutral digest of the actor's position: every claim attributed, plain reporting verbs.
    pub digest: String,
    /// The actor's own words, verbatim from the article.
    pub quotes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerOption {
    /// Stable key, stored with votes: lowercase letters, digits, `-` and `_`.
    pub key: String,
    /// Short neutral label, shown on the stance button.
    pub label: String,
}

impl Prompt {
    pub fn option(&self, key: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.key == key)
    }

    /// Reads one prompt file. The error lists every problem found in it.
    pub fn from_file(path: &Path) -> Result<Prompt, Vec<Problem>> {
        let text = crate::files::read_text(path, crate::files::MAX_TEXT_FILE).map_err(|e| {
            let message = match e {
                crate::files::FileError::Io(e) => format!("cannot read: {e}"),
                other => other.to_string(),
            };
            vec![Problem {
                file: path.to_path_buf(),
                line: 0,
                column: 0,
                field: String::new(),
                message,
            }]
        })?;
        Self::from_str_at(path, &text)
    }

    /// Parses and validates prompt text; `path` names it in problems and gives the id.
    pub fn from_str_at(path: &Path, text: &str) -> Result<Prompt, Vec<Problem>> {
        let raw: RawPrompt =
            toml::from_str(text).map_err(|e| vec![location::from_toml_error(path, text, &e)])?;
        let id = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let (prompt, spans) = raw.into_prompt(id);
        let problems: Vec<Problem> = validate(&prompt)
            .into_iter()
            .map(|(field, message)| {
                let offset = spans.locate(&field);
                Problem::at(path, text, offset, &field, message)
            })
            .collect();
        if problems.is_empty() {
            Ok(prompt)
        } else {
            Err(problems)
        }
    }
}

/// Every prompt that loaded, and every problem with the ones that did not.
#[derive(Debug, Default)]
pub struct Catalog {
    pub prompts: BTreeMap<String, Prompt>,
    pub problems: Vec<Problem>,
}

impl Catalog {
    /// Loads every `*.toml` file in `dir`, in file-name order.
    pub fn load_dir(dir: &Path) -> Catalog {
        let mut catalog = Catalog::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                catalog.problems.push(Problem {
                    file: dir.to_path_buf(),
                    line: 0,
                    column: 0,
                    field: String::new(),
                    message: format!("cannot read the prompts directory: {e}"),
                });
                return catalog;
            }
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for file in files {
            match Prompt::from_file(&file) {
                Ok(p) => {
                    catalog.prompts.insert(p.id.clone(), p);
                }
                Err(mut problems) => catalog.problems.append(&mut problems),
            }
        }
        catalog
    }

    pub fn get(&self, id: &str) -> Option<&Prompt> {
        self.prompts.get(id)
    }

    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The marker that opens a placeholder left for the moderator by `roundtable draft`: a field whose
/// text starts with it (an option label `TODO: stance 1 ...`) is not written yet, and `validate`
/// refuses the prompt until it is.
pub const PLACEHOLDER: &str = "TODO:";

/// Checks a prompt against roundtable's rules and Discord's limits. Returns `(field, message)` pairs.
pub fn validate(p: &Prompt) -> Vec<(String, String)> {
    let mut out = placeholders(p);
    let mut need = |field: String, value: &str, max: usize, what: &str| {
        if value.trim().is_empty() {
            out.push((field, "must not be empty".to_string()));
        } else if chars(value) > max {
            out.push((
                field,
                format!("is {} characters; at most {max} fit {what}", chars(value)),
            ));
        }
    };
    let text_max = 20_000; // long texts are split when rendered; this only bounds nonsense
    need(
        "title".into(),
        &p.title,
        limits::EMBED_TITLE,
        "an embed title",
    );
    need(
        "question".into(),
        &p.question,
        limits::EMBED_TITLE,
        "an embed title",
    );
    need("summary".into(), &p.summary, text_max, "a prompt");
    need(
        "source.outlet".into(),
        &p.source.outlet,
        200,
        "the source line",
    );
    if let Some(a) = &p.source.author {
        need("source.author".into(), a, 200, "the source line");
    }
    if let Some(d) = &p.source.date {
        need("source.date".into(), d, 100, "the source line");
    }
    if let Some(l) = &p.source.link {
        need("source.link".into(), l, 1000, "an embed url");
    }
    for (i, a) in p.actors.iter().enumerate() {
        need(
            format!("actors[{i}].name"),
            &a.name,
            100,
            "an actor's heading",
        );
        need(
            format!("actors[{i}].role"),
            &a.role,
            150,
            "an actor's heading",
        );
        need(
            format!("actors[{i}].digest"),
            &a.digest,
            text_max,
            "a prompt",
        );
        for (j, q) in a.quotes.iter().enumerate() {
            need(format!("actors[{i}].quotes[{j}]"), q, text_max, "a prompt");
        }
    }
    for (i, o) in p.options.iter().enumerate() {
        need(
            format!("options[{i}].label"),
            &o.label,
            limits::BUTTON_LABEL,
            "a button label",
        );
        need(
            format!("options[{i}].key"),
            &o.key,
            ours::OPTION_KEY,
            "a key",
        );
    }
    if !valid_id(&p.id, ours::PROMPT_ID) {
        out.push((
            String::new(),
            format!(
                "the file name `{}` must be 1 to {} lowercase letters, digits, `-` or `_` (it is the prompt's id)",
                p.id,
                ours::PROMPT_ID
            ),
        ));
    }
    if let Some(link) = &p.source.link {
        if !(link.starts_with("https://") || link.starts_with("http://")) {
            out.push((
                "source.link".into(),
                "must start with https:// or http://".into(),
            ));
        }
    }
    if p.actors.is_empty() {
        out.push(("actors".into(), "at least one actor is needed".into()));
    }
    if p.actors.len() > ours::MAX_ACTORS {
        out.push((
            "actors".into(),
            format!("{} actors; at most {}", p.actors.len(), ours::MAX_ACTORS),
        ));
    }
    for (i, a) in p.actors.iter().enumerate() {
        if a.quotes.len() > ours::MAX_QUOTES {
            out.push((
                format!("actors[{i}].quotes"),
                format!("{} quotes; at most {}", a.quotes.len(), ours::MAX_QUOTES),
            ));
        }
    }
    let n = p.options.len();
    if !(ours::MIN_OPTIONS..=ours::MAX_OPTIONS).contains(&n) {
        out.push((
            "options".into(),
            format!(
                "{n} options; a discussion offers {} to {} stances",
                ours::MIN_OPTIONS,
                ours::MAX_OPTIONS
            ),
        ));
    }
    let mut seen = HashSet::new();
    for (i, o) in p.options.iter().enumerate() {
        if !o.key.is_empty() && !valid_id(&o.key, ours::OPTION_KEY) {
            out.push((
                format!("options[{i}].key"),
                format!(
                    "`{}` must be 1 to {} lowercase letters, digits, `-` or `_`",
                    o.key,
                    ours::OPTION_KEY
                ),
            ));
        }
        if !seen.insert(o.key.as_str()) {
            out.push((
                format!("options[{i}].key"),
                format!("duplicate option key `{}`", o.key),
            ));
        }
    }
    out
}

/// Fields still holding a draft placeholder (text starting with [`PLACEHOLDER`]). A draft's answer
/// options always do: the draft does not pretend to know the stances.
fn placeholders(p: &Prompt) -> Vec<(String, String)> {
    let is_placeholder = |s: &str| s.trim_start().starts_with(PLACEHOLDER);
    let mut out = Vec::new();
    for (i, o) in p.options.iter().enumerate() {
        if is_placeholder(&o.label) {
            out.push((
                format!("options[{i}].label"),
                format!(
                    "is a draft placeholder (`{PLACEHOLDER} ...`): write the stance's label, and give it a lasting key"
                ),
            ));
        }
    }
    let mut fields: Vec<(String, &str)> = vec![
        ("title".into(), p.title.as_str()),
        ("summary".into(), p.summary.as_str()),
        ("question".into(), p.question.as_str()),
        ("source.outlet".into(), p.source.outlet.as_str()),
    ];
    for (name, value) in [
        ("author", &p.source.author),
        ("date", &p.source.date),
        ("link", &p.source.link),
    ] {
        if let Some(v) = value {
            fields.push((format!("source.{name}"), v.as_str()));
        }
    }
    for (i, a) in p.actors.iter().enumerate() {
        fields.push((format!("actors[{i}].name"), a.name.as_str()));
        fields.push((format!("actors[{i}].role"), a.role.as_str()));
        fields.push((format!("actors[{i}].digest"), a.digest.as_str()));
    }
    for (field, value) in fields {
        if is_placeholder(value) {
            out.push((
                field,
                format!("is a draft placeholder (`{PLACEHOLDER} ...`): write it"),
            ));
        }
    }
    out
}

fn valid_id(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

// ---- the file format, with spans so that every problem can name its line ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrompt {
    title: Spanned<String>,
    source: Spanned<RawSource>,
    summary: Spanned<String>,
    actors: Spanned<Vec<Spanned<RawActor>>>,
    question: Spanned<String>,
    options: Spanned<Vec<Spanned<RawOption>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    outlet: Spanned<String>,
    author: Option<Spanned<String>>,
    date: Option<Spanned<String>>,
    link: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActor {
    name: Spanned<String>,
    role: Spanned<String>,
    digest: Spanned<String>,
    #[serde(default)]
    quotes: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    key: Spanned<String>,
    label: Spanned<String>,
}

/// Field path → byte range in the file.
#[derive(Default)]
struct Spans(BTreeMap<String, Range<usize>>);

impl Spans {
    fn take<T>(&mut self, field: impl Into<String>, s: Spanned<T>) -> T {
        self.0.insert(field.into(), s.span());
        s.into_inner()
    }

    /// The offset of `field`, or of its nearest located parent (`options[2].key` → `options[2]`).
    fn locate(&self, field: &str) -> usize {
        let mut f = field;
        loop {
            if let Some(r) = self.0.get(f) {
                return r.start;
            }
            match f.rfind(['.', '[']) {
                Some(i) => f = &f[..i],
                None => return 0,
            }
        }
    }
}

impl RawPrompt {
    fn into_prompt(self, id: String) -> (Prompt, Spans) {
        let mut s = Spans::default();
        let source = s.take("source", self.source);
        let source = Source {
            outlet: s.take("source.outlet", source.outlet),
            author: source.author.map(|v| s.take("source.author", v)),
            date: source.date.map(|v| s.take("source.date", v)),
            link: source.link.map(|v| s.take("source.link", v)),
        };
        let actors = s.take("actors", self.actors);
        let actors = actors
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let a = s.take(format!("actors[{i}]"), a);
                Actor {
                    name: s.take(format!("actors[{i}].name"), a.name),
                    role: s.take(format!("actors[{i}].role"), a.role),
                    digest: s.take(format!("actors[{i}].digest"), a.digest),
                    quotes: a
                        .quotes
                        .into_iter()
                        .enumerate()
                        .map(|(j, q)| s.take(format!("actors[{i}].quotes[{j}]"), q))
                        .collect(),
                }
            })
            .collect();
        let options = s.take("options", self.options);
        let options = options
            .into_iter()
            .enumerate()
            .map(|(i, o)| {
                let o = s.take(format!("options[{i}]"), o);
                AnswerOption {
                    key: s
                        .take(format!("options[{i}].key"), o.key)
                        .trim()
                        .to_string(),
                    label: s
                        .take(format!("options[{i}].label"), o.label)
                        .trim()
                        .to_string(),
                }
            })
            .collect();
        let prompt = Prompt {
            id,
            title: s.take("title", self.title).trim().to_string(),
            source,
            summary: s.take("summary", self.summary).trim().to_string(),
            actors,
            question: s.take("question", self.question).trim().to_string(),
            options,
        };
        (prompt, s)
    }
}

#[cfg(test)]
mod tests;
