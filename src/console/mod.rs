//! The local console: a line-oriented stand-in for Discord, backed by the same engine and store.
//! You act as members (`as ana`) and moderators (`as mod:rosa`); lines come typed or piped.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::discussion::ResultsMode;
use crate::discussion::{Card, StatementOutcome};
use crate::discussion::{Discussion, DiscussionError, Discussions, Rules};
use crate::export;
use crate::export::ExportConfig;
use crate::library::{self, edit::Edit};
use crate::limits;
use crate::opinion::Answer;
use crate::prompt::Catalog;
use crate::render::{self, text, DiscussionView, Results};
use crate::schedule::{Event, ReviewChoice, Schedule, Scheduler, Scope};
use crate::store::{
    DiscussionId, ReplySource, ReviewDecision, ServerId, StatementOrigin, Store, StoreError,
};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

/// The channel the console's discussions live in.
pub const CHANNEL: &str = "console";
/// The console is one server of its own: it sees only its own discussions and schedules.
const HERE: ServerId = ServerId::Console;

/// The longest line the console reads, in bytes (a reply of the longest allowed length fits);
/// a longer one is refused without being kept or echoed.
pub const MAX_LINE_BYTES: usize = 20_000;
/// The longest member or moderator name `as` takes.
pub const MAX_NAME_CHARS: usize = 64;
/// How much of a typed word an answer echoes back.
const ECHO_CHARS: usize = 40;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("cannot open the database {path}: {cause}")]
    Store {
        path: std::path::PathBuf,
        cause: StoreError,
    },
    #[error("console input/output failed: {0}")]
    Io(std::io::Error),
    #[error(
        "the database's writer has stopped, so nothing more can be saved; the session ends here \
         (everything acknowledged before is stored; see the error above and start roundtable again)"
    )]
    WriterGone,
}

impl From<std::io::Error> for ConsoleError {
    fn from(e: std::io::Error) -> Self {
        ConsoleError::Io(e)
    }
}

/// One line of input as read: its bytes, or how long it was when past [`MAX_LINE_BYTES`].
enum Input {
    Line(Vec<u8>),
    TooLong(usize),
    End,
}

/// Reads one line (without its `\n` or `\r\n`), keeping at most `max` bytes of it in memory.
fn read_line(input: &mut impl BufRead, max: usize) -> std::io::Result<Input> {
    let mut line = Vec::new();
    let mut len = 0usize;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (used, end) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (i + 1, Some(i)),
            None => (chunk.len(), None),
        };
        let data = &chunk[..end.unwrap_or(used)];
        if len + data.len() <= max + 1 {
            line.extend_from_slice(data); // one byte over: a `\r` may follow
        }
        len += data.len();
        input.consume(used);
        if end.is_some() {
            break;
        }
    }
    if !any {
        return Ok(Input::End);
    }
    if line.last() == Some(&b'\r') && len <= max + 1 {
        line.pop();
        len -= 1;
    }
    Ok(if len > max {
        Input::TooLong(len)
    } else {
        Input::Line(line)
    })
}

const HELP: &str = "\
Lines you can type:
  as NAME                        act as member NAME
  as mod:NAME                    act as moderator NAME
  /discussion post PROMPT_ID     (moderator) open a discussion of a prompt
  /discussion tally              (moderator) the current tally
  /discussion close              (moderator) close it and post the final result
  /discussion list               open and recent discussions
  /discussion history            past discussions: dates, participation, most chosen stance
  /discussion export [N] [csv|json]   (moderator) votes and replies of discussion N (default: the latest)
  /schedule show                 the next slots of the console's schedules and their prompts
  /schedule pause|resume|skip [NAME]   (moderator) pause, resume, or skip the next slot
  /schedule next PROMPT_ID [NAME]      (moderator) post this prompt at the next slot
  /schedule review [NAME]        (moderator) review the next slot: the post it will make
  /schedule review approve|skip [NAME] | swap PROMPT_ID [NAME]   (moderator) decide it
  /prompts                       the prompts you can post
  /prompts list                  (moderator) every prompt here: drafts, approved, files
  /prompts draft PATH [ID]       (moderator) draft a prompt from an article file (.txt, .md, .html)
  /prompts show ID               (moderator) a prompt as members will see it, and what is left to do
  /prompts edit ID title|question|summary TEXT   (moderator) change a field of a draft
  /prompts option ID KEY LABEL   (moderator) add an answer option to a draft
  /prompts option ID N KEY LABEL (moderator) rewrite its option N (a draft's placeholders)
  /prompts approve ID            (moderator) approve it: schedules and /discussion post can use it
  vote N | vote KEY              choose a stance by its number as shown, or its key
  unvote                         withdraw your stance
  reply TEXT                     write a reply (privately, like Discord's reply form)
  thread TEXT                    write a reply in the discussion's thread
  weigh                          show the next statement to weigh in on (like Discord's Weigh in)
  agree | disagree | pass        answer the statement shown
  statement TEXT                 add your own statement for others to weigh in on
  /privacy show                  what is kept about you (stances, replies, statements, answers)
  /privacy delete [confirm]      delete it (your votes in closed discussions stay, anonymously)
  help                           this list
  quit                           leave (everything is already saved)";

struct Identity {
    name: String,
    moderator: bool,
}

impl Identity {
    fn label(&self) -> String {
        if self.moderator {
            format!("mod:{}", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// The statement card on screen: who it was shown to, in which discussion.
struct ShownCard {
    member: String,
    discussion: DiscussionId,
    statement: i64,
}

pub struct Console<W: Write> {
    engine: Discussions,
    card: Option<ShownCard>,
    scheduler: Scheduler,
    catalog: Catalog,
    results: ResultsMode,
    export: ExportConfig,
    draft: crate::draft::DraftConfig,
    who: Identity,
    out: W,
}

/// Runs the console over `input` until it ends or `quit`, with the system clock.
pub fn run(config: &Config, input: impl BufRead, output: impl Write) -> Result<(), ConsoleError> {
    let store =
        Store::open(&config.database, &config.store).map_err(|cause| ConsoleError::Store {
            path: config.database.clone(),
            cause,
        })?;
    let engine = Discussions::new(
        store,
        Arc::new(SystemClock) as Arc<dyn Clock>,
        Rules::from(&config.discussion),
    );
    let catalog = Catalog::load_dir(&config.prompts);
    let interactive = std::io::stdin().is_terminal();
    Console::new(engine, catalog, config.discussion.results, output)
        .with_schedules(console_schedules(config))
        .with_export(config.export.clone())
        .with_draft(config.draft.clone())
        .run(input, interactive)
}

/// The schedules that post in the console. Schedules of Discord channels are left to the bot, so
/// a rehearsal on the bot's database never claims their slots.
pub fn console_schedules(config: &Config) -> Vec<Schedule> {
    config
        .schedules
        .iter()
        .filter(|s| s.channel == CHANNEL)
        .filter_map(|s| Schedule::from_config(s, None).ok())
        .collect()
}

impl<W: Write> Console<W> {
    pub fn new(engine: Discussions, catalog: Catalog, results: ResultsMode, out: W) -> Self {
        Console {
            scheduler: Scheduler::new(
                engine.clone(),
                Scope::Console,
                Vec::new(),
                format!("console-{}", std::process::id()),
            ),
            engine,
            card: None,
            catalog,
            results,
            export: ExportConfig::default(),
            draft: crate::draft::DraftConfig::default(),
            who: Identity {
                name: "host".into(),
                moderator: true,
            },
            out,
        }
    }

    pub fn with_schedules(mut self, schedules: Vec<Schedule>) -> Self {
        self.scheduler = Scheduler::new(
            self.engine.clone(),
            Scope::Console,
            schedules,
            format!("console-{}", std::process::id()),
        );
        self
    }

    /// How `/discussion export` shows member ids.
    pub fn with_export(mut self, export: ExportConfig) -> Self {
        self.export = export;
        self
    }

    /// How `/prompts draft` drafts.
    pub fn with_draft(mut self, draft: crate::draft::DraftConfig) -> Self {
        self.draft = draft;
        self
    }

    pub fn run(mut self, input: impl BufRead, interactive: bool) -> Result<(), ConsoleError> {
        writeln!(
            self.out,
            "roundtable console: you are {}. Type `help` for the lines you can use.",
            self.who.label()
        )?;
        for p in &self.catalog.problems {
            writeln!(self.out, "! prompt problem: {p}")?;
        }
        if interactive {
            write!(self.out, "{}> ", self.who.label())?;
            self.out.flush()?;
        }
        let mut input = input;
        let mut number = 0usize;
        loop {
            let read = read_line(&mut input, MAX_LINE_BYTES)?;
            number += 1;
            let go_on = match read {
                Input::End => break,
                Input::TooLong(len) => {
                    writeln!(
                        self.out,
                        "! line {number} is {len} bytes long, more than the {MAX_LINE_BYTES} a line may have; it is ignored"
                    )?;
                    true
                }
                Input::Line(bytes) => match String::from_utf8(bytes) {
                    Err(e) => {
                        writeln!(
                            self.out,
                            "! line {number} is not UTF-8 text (invalid byte at offset {}); it is ignored",
                            e.utf8_error().valid_up_to()
                        )?;
                        true
                    }
                    Ok(line) => match line.chars().find(|c| c.is_control() && *c != '\t') {
                        Some(c) => {
                            writeln!(
                                self.out,
                                "! line {number} has a control character ({}); it is ignored",
                                c.escape_unicode()
                            )?;
                            true
                        }
                        None => self.line(line.trim())?,
                    },
                },
            };
            // A dead writer stores nothing more: end the session with an error, not limp on.
            if !self.engine.store().writer_alive() {
                self.out.flush()?;
                return Err(ConsoleError::WriterGone);
            }
            if !go_on {
                break;
            }
            if interactive {
                write!(self.out, "{}> ", self.who.label())?;
            }
            self.out.flush()?;
        }
        self.out.flush()?;
        Ok(())
    }

    /// Handles one line; `false` ends the session.
    pub fn line(&mut self, line: &str) -> Result<bool, ConsoleError> {
        self.tick()?;
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, r)| (w, r.trim()));
        let outcome = match word {
            "" => Ok(()),
            "quit" | "exit" => return Ok(false),
            "help" => writeln!(self.out, "{HELP}").map_err(Into::into),
            "as" => self.switch(rest),
            "vote" => self.with_open(|c, d| {
                let o = c.engine.vote(HERE, d.id(), &c.who.name, rest)?;
                Ok(text::plain_times(&render::vote_receipt(&o)))
            }),
            "unvote" => self.with_open(|c, d| {
                Ok(render::withdraw_receipt(&c.engine.withdraw(
                    HERE,
                    d.id(),
                    &c.who.name,
                )?))
            }),
            "reply" | "thread" => {
                let source = if word == "reply" {
                    ReplySource::Form
                } else {
                    ReplySource::Thread
                };
                self.with_open(|c, d| {
                    c.engine
                        .reply(HERE, d.id(), &c.who.name, source, Some(rest), None)?;
                    Ok(render::reply_receipt(rest.chars().count()))
                })
            }
            "weigh" => self.with_open(|c, d| c.show_card(d, None)),
            "agree" | "disagree" | "pass" => {
                let answer = Answer::parse(word).unwrap_or(Answer::Pass);
                self.with_open(|c, d| c.answer_card(d, answer))
            }
            "statement" => self.with_open(|c, d| {
                let origin = if c.who.moderator {
                    StatementOrigin::Moderator
                } else {
                    StatementOrigin::Reply
                };
                Ok(
                    match c.engine.add_statement(HERE, d.id(), &c.who.name, origin, rest)? {
                        StatementOutcome::Added { id } => format!(
                            "Statement {id} added; others weigh in on it with `weigh` (it is shown without your name)."
                        ),
                        StatementOutcome::Merged { id } => format!(
                            "Statement {id} says the same already, so yours was merged into it."
                        ),
                    },
                )
            }),
            "/privacy" => self.privacy(rest),
            "/prompts" => self.prompts_command(rest),
            "/discussion" => self.discussion_command(rest),
            "/schedule" => self.schedule_command(rest),
            _ => writeln!(
                self.out,
                "! unknown line `{}`; type `help`",
                limits::shown(word, ECHO_CHARS)
            )
            .map_err(Into::into),
        };
        outcome?;
        Ok(true)
    }

    /// The next statement for the current member, as a card; `note` says what the last answer did.
    fn show_card(
        &mut self,
        d: &Discussion,
        note: Option<String>,
    ) -> Result<String, DiscussionError> {
        let mut lines: Vec<String> = note.into_iter().collect();
        match self.engine.next_card(d, &self.who.name)? {
            Card::Statement { id, text, left } => {
                self.card = Some(ShownCard {
                    member: self.who.name.clone(),
                    discussion: d.id(),
                    statement: id,
                });
                lines.push(format!(
                    "Statement {id} ({left} left to weigh in on): “{text}”\nAnswer with `agree`, `disagree` or `pass`; add your own with `statement TEXT`."
                ));
            }
            Card::Done => {
                self.card = None;
                lines.push(
                    "You have weighed in on every statement so far. Add your own with `statement TEXT`."
                        .into(),
                );
            }
        }
        Ok(lines.join("\n"))
    }

    /// Answers the card on screen (committed), then shows the next one.
    fn answer_card(&mut self, d: &Discussion, answer: Answer) -> Result<String, DiscussionError> {
        let statement = match &self.card {
            Some(c) if c.member == self.who.name && c.discussion == d.id() => c.statement,
            _ => {
                return Ok(format!(
                    "! no statement is shown to {}; type `weigh` first",
                    self.who.name
                ))
            }
        };
        let note = match self.engine.answer(d, &self.who.name, statement, answer) {
            Ok(None) => format!("Recorded: {} on statement {statement}.", answer.key()),
            Ok(Some(previous)) if previous == answer => {
                format!("Already recorded: {} on statement {statement}.", answer.key())
            }
            Ok(Some(previous)) => format!(
                "Changed: {} on statement {statement} (it was {}).",
                answer.key(),
                previous.key()
            ),
            Err(DiscussionError::NoStatement(_)) => format!(
                "Statement {statement} is no longer shown (hidden or withdrawn), so nothing was recorded."
            ),
            Err(e) => return Err(e),
        };
        self.show_card(d, Some(note))
    }

    /// The result's part on statements, as plain text after a tally (empty when there is none).
    fn opinion(&self, d: &Discussion) -> String {
        match self.engine.opinion_result(HERE, d.id()) {
            Ok(r) => render::opinion_text::opinion_text(&r, &d.options())
                .map(|t| format!("\n{t}"))
                .unwrap_or_default(),
            Err(e) => format!("\n! what members think could not be read: {e}"),
        }
    }

    /// `/privacy show|delete` for the current member, in the console's server.
    fn privacy(&mut self, sub: &str) -> Result<(), ConsoleError> {
        let name = self.who.name.clone();
        let text = match sub {
            "show" => self.engine.member_report(HERE, &name).map(|r| {
                text::plain_times(&render::privacy::member_report_text(&r).replace("**", ""))
            }),
            "delete" => Ok(format!(
                "{}\nType `/privacy delete confirm` to delete it.",
                render::privacy::DELETE_QUESTION
                    .replace(" To keep your data, dismiss this message.", "")
            )),
            "delete confirm" => self
                .engine
                .forget_member(HERE, &name)
                .map(|f| render::privacy::forgotten_text(&f)),
            _ => Ok("! `/privacy` takes show or delete".to_string()),
        };
        match text {
            Ok(t) => writeln!(self.out, "{t}")?,
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }

    fn switch(&mut self, who: &str) -> Result<(), ConsoleError> {
        let (name, moderator) = match who.strip_prefix("mod:") {
            Some(n) => (n.trim(), true),
            None => (who.trim(), false),
        };
        if name.is_empty() || name.contains(char::is_whitespace) {
            writeln!(
                self.out,
                "! `as` needs one name without spaces: `as ana` or `as mod:rosa`"
            )?;
            return Ok(());
        }
        if limits::chars(name) > MAX_NAME_CHARS {
            writeln!(
                self.out,
                "! a name has at most {MAX_NAME_CHARS} characters; this one has {}",
                limits::chars(name)
            )?;
            return Ok(());
        }
        self.who = Identity {
            name: name.to_string(),
            moderator,
        };
        writeln!(self.out, "You are now {}.", self.who.label())?;
        Ok(())
    }

    fn current(&self) -> Result<Option<Discussion>, DiscussionError> {
        self.engine.latest_open_in(HERE, CHANNEL)
    }

    /// Runs `f` on the open discussion and prints its answer, or the reason it could not.
    fn with_open(
        &mut self,
        f: impl FnOnce(&mut Self, &Discussion) -> Result<String, DiscussionError>,
    ) -> Result<(), ConsoleError> {
        let answer = match self.current() {
            Ok(Some(d)) => f(self, &d),
            Ok(None) => Ok(
                "! no discussion is open; a moderator opens one with `/discussion post PROMPT_ID`"
                    .into(),
            ),
            Err(e) => Err(e),
        };
        match answer {
            Ok(text) => writeln!(self.out, "{text}")?,
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }

    fn discussion_command(&mut self, rest: &str) -> Result<(), ConsoleError> {
        let (sub, arg) = rest
            .split_once(char::is_whitespace)
            .map_or((rest, ""), |(s, a)| (s, a.trim()));
        if sub == "list" {
            return self.list();
        }
        if sub == "history" {
            return self.history();
        }
        if !matches!(sub, "post" | "tally" | "close" | "export") {
            writeln!(
                self.out,
                "! `/discussion` takes post, tally, close, list, history or export"
            )?;
            return Ok(());
        }
        if !self.who.moderator {
            writeln!(
                self.out,
                "! only moderators can use `/discussion {sub}`; {} is a member (switch with `as mod:NAME`)",
                self.who.name
            )?;
            return Ok(());
        }
        match sub {
            "post" => self.post(arg),
            "export" => self.export(arg),
            "tally" => self.with_open(|c, d| {
                let t = c.engine.tally_of(d)?;
                Ok(format!(
                    "Current tally of discussion #{} ({}):\n{}{}",
                    d.id(),
                    d.prompt().question,
                    text::tally_to_text(&t),
                    c.opinion(d)
                ))
            }),
            _ => self.with_open(|c, d| {
                let (d, t) = c.engine.close(HERE, d.id(), &c.who.label())?;
                Ok(format!(
                    "Discussion #{} is closed.\n{}{}",
                    d.id(),
                    text::post_to_text(&render::tally_post(
                        d.id(),
                        &d.prompt().question,
                        &d.options(),
                        &t
                    )),
                    c.opinion(&d)
                ))
            }),
        }
    }

    /// The console's catalog: the files and the prompts approved for the console in the store.
    fn server_catalog(&self) -> Catalog {
        crate::library::catalog_for(&self.catalog, self.engine.store(), ServerId::Console)
            .unwrap_or_else(|e| {
                tracing::error!("stored prompts unreadable: {e}");
                crate::library::with_stored(&self.catalog, Vec::new())
            })
    }

    fn post(&mut self, prompt_id: &str) -> Result<(), ConsoleError> {
        let catalog = self.server_catalog();
        let Some(prompt) = catalog.get(prompt_id).cloned() else {
            let known: Vec<&str> = catalog.prompts.keys().map(String::as_str).collect();
            writeln!(
                self.out,
                "! no prompt `{}`; known: {}",
                limits::shown(prompt_id, ECHO_CHARS),
                known.join(", ")
            )?;
            return Ok(());
        };
        if let Ok(Some(open)) = self.current() {
            writeln!(
                self.out,
                "! discussion #{} is still open here; close it first with `/discussion close`",
                open.id()
            )?;
            return Ok(());
        }
        match self.engine.open(HERE, &prompt, CHANNEL, None) {
            Ok(d) => {
                let rendered = self.render(&d)?;
                for post in rendered.all() {
                    writeln!(self.out, "{}", text::post_to_text(post))?;
                }
            }
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }

    fn render(&self, d: &Discussion) -> Result<render::Rendered, ConsoleError> {
        let tally = self
            .engine
            .tally_of(d)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let options = d.options();
        let results = match self.results {
            ResultsMode::Live => Results::Live(&tally),
            ResultsMode::Hidden => Results::Hidden(&tally),
        };
        Ok(render::discussion_post(&DiscussionView {
            id: d.id(),
            prompt: d.prompt(),
            options: &options,
            closes_at: d.record.closes_at,
            closed: !d.is_open(self.engine.now()),
            results,
        }))
    }

    fn list(&mut self) -> Result<(), ConsoleError> {
        match self.engine.list(HERE, false, 20) {
            Ok(list) if list.is_empty() => writeln!(self.out, "No discussions yet.")?,
            Ok(list) => {
                for d in list {
                    let state = if d.is_open(self.engine.now()) {
                        "open"
                    } else {
                        "closed"
                    };
                    writeln!(
                        self.out,
                        "#{} [{state}] {} ({})",
                        d.id(),
                        d.prompt().title,
                        d.prompt().id
                    )?;
                }
            }
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }

    fn history(&mut self) -> Result<(), ConsoleError> {
        match self.engine.history(HERE, 10) {
            Ok(past) => write!(self.out, "{}", render::history::history_text(&past))?,
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }

    /// Prints an export where Discord would attach it as a file: `/discussion export [N] [csv|json]`.
    fn export(&mut self, args: &str) -> Result<(), ConsoleError> {
        let mut id = None;
        let mut format = export::Format::Csv;
        for word in args.split_whitespace() {
            if let Ok(n) = word.trim_start_matches('#').parse::<i64>() {
                id = Some(DiscussionId(n));
            } else {
                match word.parse() {
                    Ok(f) => format = f,
                    Err(e) => {
                        writeln!(self.out, "! {e}")?;
                        return Ok(());
                    }
                }
            }
        }
        let id = match id {
            Some(id) => Some(id),
            None => match self.engine.list(HERE, false, 100) {
                Ok(list) => list
                    .into_iter()
                    .find(|d| d.record.channel == CHANNEL)
                    .map(|d| d.id()),
                Err(e) => {
                    writeln!(self.out, "! {e}")?;
                    return Ok(());
                }
            },
        };
        let Some(id) = id else {
            writeln!(self.out, "! no discussion to export yet")?;
            return Ok(());
        };
        let written = export::MemberIds::from_config(&self.export, self.engine.store().path())
            .and_then(|ids| {
                let mut data = Vec::new();
                export::export(&self.engine, HERE, id, format, &ids, &mut data)
                    .map(|s| (s, data, ids.describe()))
            });
        match written {
            Ok((s, data, ids)) => {
                writeln!(
                    self.out,
                    "Export of discussion #{id} ({}; {s}; member ids {ids}):",
                    format.extension()
                )?;
                self.out.write_all(&data)?;
            }
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }

    /// Closes discussions whose time ran out and posts the console's scheduled discussions.
    fn tick(&mut self) -> Result<(), ConsoleError> {
        let events = match self.scheduler.tick(&self.catalog) {
            Ok(e) => e,
            Err(e) => {
                writeln!(self.out, "! {e}")?;
                return Ok(());
            }
        };
        for event in events {
            match event {
                Event::Closed {
                    discussion: d,
                    tally,
                } => {
                    writeln!(self.out, "Discussion #{} closed: its time was up.", d.id())?;
                    let post =
                        render::tally_post(d.id(), &d.prompt().question, &d.options(), &tally);
                    let opinion = self.opinion(&d);
                    writeln!(self.out, "{}{opinion}", text::post_to_text(&post))?;
                }
                Event::Post {
                    schedule,
                    slot,
                    discussion,
                    ..
                } => {
                    writeln!(
                        self.out,
                        "Scheduled post of `{schedule}` for {}:",
                        slot.key()
                    )?;
                    let rendered = self.render(&discussion)?;
                    for post in rendered.all() {
                        writeln!(self.out, "{}", text::post_to_text(post))?;
                    }
                    if let Err(e) = self.scheduler.posted(HERE, &schedule, &slot.key()) {
                        writeln!(self.out, "! {e}")?;
                    }
                }
                Event::Skipped {
                    schedule,
                    slot,
                    reason,
                    ..
                } => {
                    writeln!(
                        self.out,
                        "Slot {} of `{schedule}` skipped: {reason}",
                        slot.key()
                    )?;
                }
                Event::Problem {
                    schedule, message, ..
                } => writeln!(self.out, "! schedule `{schedule}`: {message}")?,
                // Reviews are the Discord servers' (the console scope never opens one).
                Event::Review(_) => {}
            }
        }
        Ok(())
    }

    /// `/prompts`: the prompts to post; with a subcommand, the moderators' rehearsal of
    /// Discord's `/prompts` (draft from a file, edit, add an option, approve, list, show).
    fn prompts_command(&mut self, rest: &str) -> Result<(), ConsoleError> {
        let (sub, args) = rest
            .split_once(char::is_whitespace)
            .map_or((rest, ""), |(s, a)| (s, a.trim()));
        if sub.is_empty() {
            let ids: Vec<String> = self
                .server_catalog()
                .prompts
                .values()
                .map(|p| format!("  {}: {}", p.id, p.title))
                .collect();
            writeln!(
                self.out,
                "{}",
                if ids.is_empty() {
                    "No prompts loaded.".to_string()
                } else {
                    ids.join("\n")
                }
            )?;
            return Ok(());
        }
        if !self.who.moderator {
            writeln!(
                self.out,
                "! only moderators can use `/prompts {}`; {} is a member",
                limits::shown(sub, ECHO_CHARS),
                self.who.name
            )?;
            return Ok(());
        }
        let answer = match sub {
            "list" => self.prompt_list(),
            "draft" => {
                let mut w = args.split_whitespace();
                match (w.next(), w.next(), w.next()) {
                    (Some(path), id, None) => self.prompt_draft(path, id),
                    _ => Err("`/prompts draft` takes a file path, then an optional id".into()),
                }
            }
            "show" => self.prompt_show(args),
            "edit" => {
                let mut w = args.splitn(3, char::is_whitespace);
                match (w.next(), w.next(), w.next().map(str::trim)) {
                    (Some(id), Some(field), Some(text)) if !text.is_empty() => {
                        let edit = match field {
                            "title" => Ok(Edit::Title(text.into())),
                            "question" => Ok(Edit::Question(text.into())),
                            "summary" => Ok(Edit::Summary(text.into())),
                            other => Err(format!(
                                "`{}` is not a field the console edits: title, question or summary",
                                limits::shown(other, ECHO_CHARS)
                            )),
                        };
                        edit.and_then(|e| self.prompt_edit(id, &e))
                    }
                    _ => Err("`/prompts edit` takes an id, a field and the new text".into()),
                }
            }
            "option" => {
                let mut w = args.splitn(3, char::is_whitespace);
                match (w.next(), w.next(), w.next().map(str::trim)) {
                    // `N KEY LABEL`: the option shown as number N is rewritten.
                    (Some(id), Some(n), Some(rest)) if n.bytes().all(|b| b.is_ascii_digit()) => {
                        match (n.parse::<usize>(), rest.split_once(char::is_whitespace)) {
                            (Ok(n @ 1..), Some((key, label))) if !label.trim().is_empty() => self
                                .prompt_edit(
                                    id,
                                    &Edit::EditOption {
                                        index: n - 1,
                                        key: key.into(),
                                        label: label.trim().into(),
                                    },
                                ),
                            _ => Err(
                                "`/prompts option ID N KEY LABEL` rewrites option N (from 1)"
                                    .into(),
                            ),
                        }
                    }
                    (Some(id), Some(key), Some(label)) if !label.is_empty() => self.prompt_edit(
                        id,
                        &Edit::AddOption {
                            key: key.into(),
                            label: label.into(),
                        },
                    ),
                    _ => Err("`/prompts option` takes an id, a key and a label".into()),
                }
            }
            "approve" if !args.is_empty() => {
                let (store, by, now) = (self.engine.store(), self.who.label(), self.engine.now());
                match library::approve(&self.catalog, store, HERE, args, &by, now) {
                    Ok(v) => Ok(format!(
                        "`{}` approved by {by} (version {v}): schedules and `/discussion post` can post it.",
                        limits::shown(args, ECHO_CHARS)
                    )),
                    Err(e) => Err(format!("not approved: {e}")),
                }
            }
            _ => Err("`/prompts` takes list, draft, show, edit, option or approve".into()),
        };
        match answer {
            Ok(text) => writeln!(self.out, "{text}")?,
            Err(why) => writeln!(self.out, "! {why}")?,
        }
        Ok(())
    }

    fn prompt_list(&self) -> Result<String, String> {
        let entries = library::entries(&self.catalog, self.engine.store(), HERE)
            .map_err(|e| e.to_string())?;
        if entries.is_empty() {
            return Ok("No prompts yet: draft one with `/prompts draft PATH`.".into());
        }
        let mut lines = vec!["Prompts here:".to_string()];
        for e in &entries {
            let title = e.prompt().map(|p| p.title.as_str()).unwrap_or_default();
            let who = match e {
                library::Entry::File(_) => String::new(),
                library::Entry::Stored(s) => format!(" · changed by {}", s.changed_by),
            };
            lines.push(format!(
                "  {} · {}{who} · {}",
                e.id(),
                e.state(),
                limits::shown(title, 80)
            ));
        }
        Ok(lines.join("\n"))
    }

    fn prompt_draft(&self, path: &str, id: Option<&str>) -> Result<String, String> {
        let path = std::path::Path::new(path);
        let id = id
            .map(str::to_string)
            .unwrap_or_else(|| crate::draft::id_from(path));
        if !library::valid_id(&id) {
            return Err(format!(
                "`{}` is not a prompt id: lowercase letters, digits, `-` and `_`",
                limits::shown(&id, ECHO_CHARS)
            ));
        }
        let store = self.engine.store();
        if let Ok(Some(_)) = library::find(&self.catalog, store, HERE, &id) {
            return Err(format!(
                "a prompt `{id}` exists already here; give another id"
            ));
        }
        let options = crate::draft::DraftOptions::new(id, &self.draft);
        let d = crate::draft::draft_file(path, &options)
            .map_err(|e| format!("nothing was drafted: {e}"))?;
        let by = self.who.label();
        let review = library::save_draft(store, HERE, &d.prompt, &by, self.engine.now())
            .map_err(|e| format!("nothing was drafted: {e}"))?;
        store
            .save_prompt_article(HERE, &d.prompt.id, &d.analysis.body)
            .map_err(|e| format!("nothing was drafted: {e}"))?;
        Ok(preview_text(
            &d.prompt,
            &review,
            &format!("Draft `{}` saved by {by}", d.prompt.id),
        ))
    }

    fn prompt_show(&self, id: &str) -> Result<String, String> {
        let found = library::find(&self.catalog, self.engine.store(), HERE, id)
            .map_err(|e| e.to_string())?;
        let Some(entry) = found else {
            return Err(format!(
                "no prompt `{}` here",
                limits::shown(id, ECHO_CHARS)
            ));
        };
        let p = entry.prompt().ok_or("that prompt has no text")?;
        Ok(preview_text(
            p,
            &library::Review::of(p),
            &format!("`{}` ({})", p.id, entry.state()),
        ))
    }

    fn prompt_edit(&self, id: &str, edit: &Edit) -> Result<String, String> {
        let store = self.engine.store();
        let p = library::find(&self.catalog, store, HERE, id)
            .map_err(|e| e.to_string())?
            .and_then(|e| e.prompt().cloned())
            .ok_or_else(|| format!("no prompt `{}` here", limits::shown(id, ECHO_CHARS)))?;
        let article = store.prompt_article(HERE, id).map_err(|e| e.to_string())?;
        let q = library::edit::apply(&p, edit, article.as_deref())
            .map_err(|e| format!("not saved: {e}"))?;
        let by = self.who.label();
        let review = library::save_draft(store, HERE, &q, &by, self.engine.now())
            .map_err(|e| format!("not saved: {e}"))?;
        Ok(preview_text(
            &q,
            &review,
            &format!("`{}` changed by {by}", q.id),
        ))
    }

    /// The review of the next slot of schedule `name` (opened now: the console does not wait for
    /// `review_hours`), or a decision on it, recorded with who and when; the slot then posts what
    /// the review settled on.
    fn review(
        &self,
        name: &str,
        choice: Option<ReviewChoice>,
        by: &str,
    ) -> Result<String, crate::schedule::ScheduleError> {
        let notice = self.scheduler.review_next(HERE, name, &self.catalog)?;
        let notice = match choice {
            None => notice,
            Some(c) => {
                self.scheduler
                    .decide_slot(HERE, name, &notice.record.slot, c, by, &self.catalog)?
            }
        };
        let r = &notice.record;
        let id = r.prompt.as_deref().unwrap_or("?");
        let who = r.decided_by.as_deref().unwrap_or("a moderator");
        let mut out = vec![format!(
            "Review of schedule `{name}`, slot {} · posts {}",
            notice.slot.key(),
            text::plain_times(&render::fmt_time(notice.slot.at))
        )];
        out.push(match (r.decision, &notice.prompt) {
            (ReviewDecision::Pending, None) => "No approved prompt is left in the queue: this slot will post nothing. Swap one in (`/schedule review swap PROMPT_ID`), approve new ones with `/prompts approve`, or skip.".to_string(),
            (ReviewDecision::Pending, Some(_)) => format!("It will post `{id}` below. `/schedule review approve`, `swap PROMPT_ID` or `skip`; if nobody acts, it posts."),
            (ReviewDecision::Approved, _) => format!("Approved by {who}: `{id}` posts at the slot."),
            (ReviewDecision::Swapped, _) => format!("Swapped by {who}: `{id}` posts at the slot."),
            (ReviewDecision::Skipped, _) => format!("Skipped by {who}: nothing is posted at this slot."),
        });
        if let (Some(p), true) = (&notice.prompt, r.decision != ReviewDecision::Skipped) {
            let v = DiscussionView {
                id: DiscussionId::PREVIEW,
                prompt: p,
                options: &p.options,
                closes_at: notice.closes_at,
                closed: false,
                results: Results::None,
            };
            out.push(text::post_to_text(&render::discussion_post(&v).post));
        }
        Ok(out.join("\n"))
    }

    fn schedule_command(&mut self, rest: &str) -> Result<(), ConsoleError> {
        let mut words = rest.split_whitespace();
        let sub = words.next().unwrap_or("");
        let args: Vec<&str> = words.collect();
        if sub == "show" || sub.is_empty() {
            return match self.scheduler.upcoming(Some(HERE), &self.catalog, 4) {
                Ok(list) if list.is_empty() => writeln!(
                    self.out,
                    "No schedule posts in the console (see [[schedule]] in config.example.toml)."
                )
                .map_err(Into::into),
                Ok(list) => {
                    for u in list {
                        writeln!(self.out, "{}", u.line())?;
                    }
                    Ok(())
                }
                Err(e) => writeln!(self.out, "! {e}").map_err(Into::into),
            };
        }
        if !self.who.moderator {
            writeln!(
                self.out,
                "! only moderators can use `/schedule {}`; {} is a member",
                limits::shown(sub, ECHO_CHARS),
                self.who.name
            )?;
            return Ok(());
        }
        // `/schedule review [approve|skip|swap PROMPT_ID] [NAME]`
        let mut choice = None;
        let (prompt, name_arg) = match (sub, args.first().copied()) {
            ("next", _) => (args.first().copied(), args.get(1).copied()),
            ("review", Some("approve")) => {
                choice = Some(ReviewChoice::Approve);
                (None, args.get(1).copied())
            }
            ("review", Some("skip")) => {
                choice = Some(ReviewChoice::Skip);
                (None, args.get(1).copied())
            }
            ("review", Some("swap")) => match args.get(1) {
                Some(p) => {
                    choice = Some(ReviewChoice::Swap(p.to_string()));
                    (None, args.get(2).copied())
                }
                None => {
                    writeln!(self.out, "! `/schedule review swap` needs a prompt id")?;
                    return Ok(());
                }
            },
            _ => (None, args.first().copied()),
        };
        let names: Vec<String> = match self.scheduler.schedules_of(HERE) {
            Ok(list) => list.into_iter().map(|s| s.name).collect(),
            Err(e) => {
                writeln!(self.out, "! {e}")?;
                return Ok(());
            }
        };
        let name = match (name_arg, names.as_slice()) {
            (Some(n), _) => n.to_string(),
            (None, [only]) => only.clone(),
            (None, []) => {
                writeln!(self.out, "! no schedule posts in the console")?;
                return Ok(());
            }
            (None, _) => {
                writeln!(self.out, "! name the schedule: {}", names.join(", "))?;
                return Ok(());
            }
        };
        let by = self.who.label();
        let answer = match (sub, prompt) {
            ("pause", _) => self
                .scheduler
                .pause(HERE, &name, true)
                .map(|_| format!("Schedule `{name}` is paused.")),
            ("resume", _) => self
                .scheduler
                .pause(HERE, &name, false)
                .map(|_| format!("Schedule `{name}` is running.")),
            ("skip", _) => self
                .scheduler
                .skip_next(HERE, &name, &by)
                .map(|o| format!("The slot of {} in `{name}` will be skipped.", o.key())),
            ("next", Some(p)) => self
                .scheduler
                .put_next(HERE, &name, p, &self.catalog)
                .map(|_| format!("`{p}` goes out at the next slot of `{name}`.")),
            ("next", None) => Ok("! `/schedule next` needs a prompt id".to_string()),
            ("review", _) => self.review(&name, choice, &by),
            _ => Ok("! `/schedule` takes show, pause, resume, skip, next or review".to_string()),
        };
        match answer {
            Ok(text) => writeln!(self.out, "{text}")?,
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }
}

/// A prompt as members will see it (its buttons shown, recording nothing), then what is left to
/// do before it can be approved, and the neutrality findings.
fn preview_text(p: &crate::prompt::Prompt, review: &library::Review, head: &str) -> String {
    let v = DiscussionView {
        id: DiscussionId::PREVIEW,
        prompt: p,
        options: &p.options,
        closes_at: None,
        closed: false,
        results: Results::None,
    };
    let rendered = render::discussion_post(&v);
    let mut out: Vec<String> = rendered.all().map(text::post_to_text).collect();
    out.push(format!("{head}. This preview is only for you."));
    if review.problems.is_empty() {
        out.push(format!("Ready to approve: `/prompts approve {}`.", p.id));
    } else {
        out.push("Still to write before it can be approved:".into());
        for (field, message) in &review.problems {
            out.push(format!("• {field}: {message}"));
        }
    }
    if review.findings.is_empty() {
        out.push("Neutrality: no finding.".into());
    } else {
        out.push("Neutrality findings:".into());
        for f in &review.findings {
            out.push(format!("• {f}"));
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests;
