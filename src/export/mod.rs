//! Exports of a discussion's votes and replies, as CSV or JSON, written row by row as the store
//! reads them: memory stays flat however many votes a discussion has.
//!
//! Both formats carry, per vote: the member, the option (key and label) and when the member took
//! that stance; per reply: the member, when, where it came from (`thread` or `form`), its text
//! (empty or `null` when a thread message's text was not collected) and the option its author
//! votes for now. Times are RFC 3339 in UTC. Member ids are pseudonyms unless raw ids are enabled
//! (see [`pseudonym`]); thread message ids are left out, since they lead back to their authors.
//!
//! CSV follows RFC 4180 (CRLF line ends; fields with quotes, commas or line breaks are quoted) and
//! has one header row: `discussion,kind,at,member,option_key,option_label,source,text,statement,
//! state,answer`, `kind` being `vote`, `reply`, `statement` (its origin in `source`) or `answer`. Every cell that a spreadsheet would read as a formula (one beginning
//! with `=`, `+`, `-`, `@`, a tab or a carriage return, or their full-width forms) is prefixed with
//! an apostrophe. JSON is one object: `discussion` (id, prompt, question, options, times),
//! `member_ids`, `votes`, `replies`, `statements` and `answers`, with text exactly as written.

pub mod config;
pub mod pseudonym;

pub use pseudonym::{MemberIds, Pseudonymizer};

use crate::discussion::{Discussion, DiscussionError, Discussions};
use crate::store::{
    AnswerRecord, DiscussionId, ExportRows, ReplyRow, RowCounts, ServerId, StatementOrigin,
    StatementRecord, StoreError, VoteRecord,
};
pub use config::ExportConfig;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "the pseudonym key from {origin} is too short ({len} bytes); use at least 16, \
         e.g. the output of `openssl rand -hex 32`"
    )]
    ShortKey { origin: String, len: usize },
    #[error("cannot use the pseudonym key file {path}: {cause}")]
    KeyFile {
        path: PathBuf,
        cause: crate::files::FileError,
    },
    #[error("cannot write the export: {0}")]
    Write(std::io::Error),
    #[error("cannot write the export: {0}")]
    Csv(csv::Error),
    #[error("cannot write the export: {0}")]
    Json(serde_json::Error),
    #[error(transparent)]
    Discussion(#[from] DiscussionError),
}

impl From<std::io::Error> for ExportError {
    fn from(e: std::io::Error) -> Self {
        ExportError::Write(e)
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError::Csv(e)
    }
}

impl From<serde_json::Error> for ExportError {
    fn from(e: serde_json::Error) -> Self {
        ExportError::Json(e)
    }
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> Self {
        ExportError::Discussion(DiscussionError::Store(e))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// The media type, for an attachment.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(format!(
                "unknown export format `{}`; use csv or json",
                crate::limits::shown(other, 20)
            )),
        }
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportSummary {
    pub votes: u64,
    pub replies: u64,
    pub statements: u64,
    pub answers: u64,
}

impl From<RowCounts> for ExportSummary {
    fn from(c: RowCounts) -> Self {
        ExportSummary {
            votes: c.votes,
            replies: c.replies,
            statements: c.statements,
            answers: c.answers,
        }
    }
}

impl std::fmt::Display for ExportSummary {
    /// "5 votes and 1 reply"; with statements, "5 votes, 1 reply, 2 statements and 3 answers".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let votes = n(self.votes, "vote", "votes");
        let replies = n(self.replies, "reply", "replies");
        if self.statements == 0 && self.answers == 0 {
            return write!(f, "{votes} and {replies}");
        }
        write!(
            f,
            "{votes}, {replies}, {} and {}",
            n(self.statements, "statement", "statements"),
            n(self.answers, "answer", "answers")
        )
    }
}

/// The file name to attach or save an export under, e.g. `roundtable-discussion-3-syria-strike-2017.csv`.
pub fn file_name(d: &Discussion, format: Format) -> String {
    format!(
        "roundtable-discussion-{}-{}.{}",
        d.id(),
        d.prompt().id,
        format.extension()
    )
}

/// Writes discussion `id` (of `server`)'s votes and replies to `out` in `format`, one row at a time, from one
/// consistent read of the store. Blocking (SQLite and `out`): run it off an async runtime's threads.
pub fn export(
    engine: &Discussions,
    server: ServerId,
    id: DiscussionId,
    format: Format,
    ids: &MemberIds,
    out: impl Write,
) -> Result<ExportSummary, ExportError> {
    let d = engine.get(server, id)?;
    let labels: HashMap<String, String> = d
        .prompt()
        .options
        .iter()
        .map(|o| (o.key.clone(), o.label.clone()))
        .collect();
    let ctx = Context {
        id,
        labels: &labels,
        ids,
    };
    match format {
        Format::Csv => write_csv(engine, &ctx, out),
        Format::Json => write_json(engine, &d, &ctx, out),
    }
}

struct Context<'a> {
    id: DiscussionId,
    labels: &'a HashMap<String, String>,
    ids: &'a MemberIds,
}

impl Context<'_> {
    fn label(&self, key: &str) -> &str {
        self.labels.get(key).map_or("", String::as_str)
    }
}

/// The header row of a CSV export.
pub const CSV_HEADER: [&str; 11] = [
    "discussion",
    "kind",
    "at",
    "member",
    "option_key",
    "option_label",
    "source",
    "text",
    "statement",
    "state",
    "answer",
];

/// Who a statement is by, as exported: the author's pseudonym (or id), or `moderator` for one a
/// moderator added (moderators are not pseudonymized members; their id is not exported).
fn statement_author<'a>(ids: &MemberIds, s: &'a StatementRecord) -> Cow<'a, str> {
    match s.origin {
        StatementOrigin::Moderator => Cow::Borrowed("moderator"),
        StatementOrigin::Reply => ids.show(&s.author),
    }
}

/// `cell` made safe for spreadsheets: a leading apostrophe when a spreadsheet would take it for a
/// formula (OWASP's CSV injection advice). Spreadsheets skip what comes before the formula
/// character (spaces, tabs, line breaks, NUL and other control characters, the ideographic space
/// U+3000, a byte order mark, zero-width spaces) and accept its full-width and small forms
/// (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫), so all of those count.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let skipped = |c: char| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '\u{feff}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}'
            )
    };
    let starts_with_whitespace = cell.chars().next().is_some_and(|c| c == '\t' || c == '\r');
    let opener = cell.chars().find(|c| !skipped(*c));
    let formula = matches!(
        opener,
        Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠' | '﹦' | '﹢' | '﹣' | '﹫')
    );
    if formula || starts_with_whitespace {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

fn write_csv(
    engine: &Discussions,
    ctx: &Context<'_>,
    out: impl Write,
) -> Result<ExportSummary, ExportError> {
    let w = std::cell::RefCell::new(
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out),
    );
    w.borrow_mut().write_record(CSV_HEADER)?;
    let discussion = ctx.id.to_string();
    let counts = engine.for_each_export_row(
        ctx.id,
        ExportRows {
            vote: |v: VoteRecord| -> Result<(), ExportError> {
                let member = ctx.ids.show(&v.member);
                let at = v.at.to_string();
                w.borrow_mut().write_record([
                    discussion.as_str(),
                    "vote",
                    &at,
                    &neutralise(&member),
                    &neutralise(&v.option),
                    &neutralise(ctx.label(&v.option)),
                    "",
                    "",
                    "",
                    "",
                    "",
                ])?;
                Ok(())
            },
            reply: |r: ReplyRow| -> Result<(), ExportError> {
                let member = ctx.ids.show(&r.reply.member);
                let at = r.reply.at.to_string();
                let stance = r.stance.as_deref().unwrap_or("");
                w.borrow_mut().write_record([
                    discussion.as_str(),
                    "reply",
                    &at,
                    &neutralise(&member),
                    &neutralise(stance),
                    &neutralise(ctx.label(stance)),
                    r.reply.source.name(),
                    &neutralise(r.reply.text.as_deref().unwrap_or("")),
                    "",
                    "",
                    "",
                ])?;
                Ok(())
            },
            statement: |s: StatementRecord| -> Result<(), ExportError> {
                let author = statement_author(ctx.ids, &s);
                let (at, id) = (s.at.to_string(), s.id.to_string());
                w.borrow_mut().write_record([
                    discussion.as_str(),
                    "statement",
                    &at,
                    &neutralise(&author),
                    "",
                    "",
                    s.origin.name(),
                    &neutralise(&s.text),
                    &id,
                    s.state.name(),
                    "",
                ])?;
                Ok(())
            },
            answer: |a: AnswerRecord| -> Result<(), ExportError> {
                let member = ctx.ids.show(&a.member);
                let (at, id) = (a.at.to_string(), a.statement.to_string());
                w.borrow_mut().write_record([
                    discussion.as_str(),
                    "answer",
                    &at,
                    &neutralise(&member),
                    "",
                    "",
                    "",
                    "",
                    &id,
                    "",
                    a.answer.key(),
                ])?;
                Ok(())
            },
        },
    )?;
    w.into_inner().flush()?;
    Ok(counts.into())
}

#[derive(Serialize)]
struct JsonOption<'a> {
    key: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonDiscussion<'a> {
    id: i64,
    prompt_id: &'a str,
    title: &'a str,
    question: &'a str,
    /// In the order members saw them.
    options: Vec<JsonOption<'a>>,
    channel: &'a str,
    opened_at: String,
    closes_at: Option<String>,
    closed_at: Option<String>,
}

#[derive(Serialize)]
struct JsonVote<'a> {
    member: &'a str,
    option: &'a str,
    label: &'a str,
    at: String,
}

#[derive(Serialize)]
struct JsonReply<'a> {
    member: &'a str,
    at: String,
    source: &'a str,
    /// `null` when a thread message's text was not collected.
    text: Option<&'a str>,
    /// The option the author votes for now.
    stance: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonStatement<'a> {
    id: i64,
    /// The author's pseudonym (or id), or `moderator`.
    author: &'a str,
    origin: &'a str,
    state: &'a str,
    text: &'a str,
    at: String,
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    statement: i64,
    member: &'a str,
    answer: &'a str,
    at: String,
}

/// The export's arrays, written one after the other as rows arrive in their order: an item of a
/// later array closes the ones before it (each opened, if it had no rows, empty).
struct Arrays<W: Write> {
    out: W,
    names: &'static [&'static str],
    /// How many arrays are opened so far.
    opened: usize,
    first: bool,
}

impl<W: Write> Arrays<W> {
    fn reach(&mut self, k: usize) -> std::io::Result<()> {
        while self.opened <= k {
            if self.opened > 0 {
                self.out.write_all(b"\n],\n")?;
            }
            write!(self.out, "\"{}\":[", self.names[self.opened])?;
            self.opened += 1;
            self.first = true;
        }
        Ok(())
    }

    fn item(&mut self, k: usize, value: &impl Serialize) -> Result<(), ExportError> {
        self.reach(k)?;
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        serde_json::to_writer(&mut self.out, value)?;
        Ok(())
    }

    fn finish(&mut self) -> std::io::Result<()> {
        self.reach(self.names.len() - 1)?;
        self.out.write_all(b"\n]}\n")?;
        self.out.flush()
    }
}

fn write_json(
    engine: &Discussions,
    d: &Discussion,
    ctx: &Context<'_>,
    out: impl Write,
) -> Result<ExportSummary, ExportError> {
    let mut out = std::io::BufWriter::new(out);
    let options = d.options();
    let header = JsonDiscussion {
        id: d.id().0,
        prompt_id: &d.prompt().id,
        title: &d.prompt().title,
        question: &d.prompt().question,
        options: options
            .iter()
            .map(|o| JsonOption {
                key: &o.key,
                label: &o.label,
            })
            .collect(),
        channel: &d.record.channel,
        opened_at: d.record.opened_at.to_string(),
        closes_at: d.record.closes_at.map(|t| t.to_string()),
        closed_at: d.record.closed_as_of(engine.now()).map(|t| t.to_string()),
    };
    out.write_all(b"{\"discussion\":")?;
    serde_json::to_writer(&mut out, &header)?;
    out.write_all(b",\n\"member_ids\":")?;
    serde_json::to_writer(&mut out, ctx.ids.describe())?;
    out.write_all(b",\n")?;
    let arrays = std::cell::RefCell::new(Arrays {
        out: &mut out,
        names: &["votes", "replies", "statements", "answers"],
        opened: 0,
        first: true,
    });
    let counts = engine.for_each_export_row(
        ctx.id,
        ExportRows {
            vote: |v: VoteRecord| -> Result<(), ExportError> {
                let member = ctx.ids.show(&v.member);
                arrays.borrow_mut().item(
                    0,
                    &JsonVote {
                        member: &member,
                        option: &v.option,
                        label: ctx.label(&v.option),
                        at: v.at.to_string(),
                    },
                )
            },
            reply: |r: ReplyRow| -> Result<(), ExportError> {
                let member = ctx.ids.show(&r.reply.member);
                arrays.borrow_mut().item(
                    1,
                    &JsonReply {
                        member: &member,
                        at: r.reply.at.to_string(),
                        source: r.reply.source.name(),
                        text: r.reply.text.as_deref(),
                        stance: r.stance.as_deref(),
                    },
                )
            },
            statement: |s: StatementRecord| -> Result<(), ExportError> {
                let author = statement_author(ctx.ids, &s);
                arrays.borrow_mut().item(
                    2,
                    &JsonStatement {
                        id: s.id,
                        author: &author,
                        origin: s.origin.name(),
                        state: s.state.name(),
                        text: &s.text,
                        at: s.at.to_string(),
                    },
                )
            },
            answer: |a: AnswerRecord| -> Result<(), ExportError> {
                let member = ctx.ids.show(&a.member);
                arrays.borrow_mut().item(
                    3,
                    &JsonAnswer {
                        statement: a.statement,
                        member: &member,
                        answer: a.answer.key(),
                        at: a.at.to_string(),
                    },
                )
            },
        },
    )?;
    arrays.into_inner().finish()?;
    Ok(counts.into())
}

#[cfg(test)]
mod tests;
