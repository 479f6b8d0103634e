//! The local console: a line-oriented stand-in for Discord, backed by the same engine and store.
//! You act as members (`as ana`) and moderators (`as mod:rosa`); lines come typed or piped.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, ResultsMode};
use crate::discussion::{Discussion, DiscussionError, Discussions, Rules};
use crate::prompt::Catalog;
use crate::render::{self, text, DiscussionView, Results};
use crate::store::{ReplySource, Store, StoreError};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::Arc;

/// The channel the console's discussions live in.
pub const CHANNEL: &str = "console";

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error("cannot open the database {path}: {source}")]
    Store {
        path: std::path::PathBuf,
        source: StoreError,
    },
    #[error("console input/output failed: {0}")]
    Io(#[from] std::io::Error),
}

const HELP: &str = "\
Lines you can type:
  as NAME                        act as member NAME
  as mod:NAME                    act as moderator NAME
  /discussion post PROMPT_ID     (moderator) open a discussion of a prompt
  /discussion tally              (moderator) the current tally
  /discussion close              (moderator) close it and post the final result
  /discussion list               open and recent discussions
  /prompts                       the prompts you can post
  vote N | vote KEY              choose a stance by its number as shown, or its key
  unvote                         withdraw your stance
  reply TEXT                     write a reply (privately, like Discord's reply form)
  thread TEXT                    write a reply in the discussion's thread
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

pub struct Console<W: Write> {
    engine: Discussions,
    catalog: Catalog,
    results: ResultsMode,
    who: Identity,
    out: W,
}

/// Runs the console over `input` until it ends or `quit`, with the system clock.
pub fn run(config: &Config, input: impl BufRead, output: impl Write) -> Result<(), ConsoleError> {
    let store =
        Store::open(&config.database, &config.store).map_err(|source| ConsoleError::Store {
            path: config.database.clone(),
            source,
        })?;
    let engine = Discussions::new(
        store,
        Arc::new(SystemClock) as Arc<dyn Clock>,
        Rules::from(&config.discussion),
    );
    let catalog = Catalog::load_dir(&config.prompts);
    let interactive = std::io::stdin().is_terminal();
    Console::new(engine, catalog, config.discussion.results, output).run(input, interactive)
}

impl<W: Write> Console<W> {
    pub fn new(engine: Discussions, catalog: Catalog, results: ResultsMode, out: W) -> Self {
        Console {
            engine,
            catalog,
            results,
            who: Identity {
                name: "host".into(),
                moderator: true,
            },
            out,
        }
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
        for line in input.lines() {
            let line = line?;
            if !self.line(line.trim())? {
                break;
            }
            if interactive {
                write!(self.out, "{}> ", self.who.label())?;
            }
            self.out.flush()?;
        }
        Ok(())
    }

    /// Handles one line; `false` ends the session.
    pub fn line(&mut self, line: &str) -> Result<bool, ConsoleError> {
        self.close_due()?;
        let (word, rest) = line
            .split_once(char::is_whitespace)
            .map_or((line, ""), |(w, r)| (w, r.trim()));
        let outcome = match word {
            "" => Ok(()),
            "quit" | "exit" => return Ok(false),
            "help" => writeln!(self.out, "{HELP}").map_err(Into::into),
            "as" => self.switch(rest),
            "vote" => self.with_open(|c, d| {
                let o = c.engine.vote(d.id(), &c.who.name, rest)?;
                Ok(render::vote_receipt(&o))
            }),
            "unvote" => self.with_open(|c, d| {
                Ok(render::withdraw_receipt(
                    &c.engine.withdraw(d.id(), &c.who.name)?,
                ))
            }),
            "reply" | "thread" => {
                let source = if word == "reply" {
                    ReplySource::Form
                } else {
                    ReplySource::Thread
                };
                self.with_open(|c, d| {
                    c.engine
                        .reply(d.id(), &c.who.name, source, Some(rest), None)?;
                    Ok(render::reply_receipt(rest.chars().count()))
                })
            }
            "/prompts" => {
                let ids: Vec<String> = self
                    .catalog
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
                )
                .map_err(Into::into)
            }
            "/discussion" => self.discussion_command(rest),
            _ => writeln!(self.out, "! unknown line `{word}`; type `help`").map_err(Into::into),
        };
        outcome?;
        Ok(true)
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
        self.who = Identity {
            name: name.to_string(),
            moderator,
        };
        writeln!(self.out, "You are now {}.", self.who.label())?;
        Ok(())
    }

    fn current(&self) -> Result<Option<Discussion>, DiscussionError> {
        self.engine.latest_open_in(CHANNEL)
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
        if !matches!(sub, "post" | "tally" | "close") {
            writeln!(self.out, "! `/discussion` takes post, tally, close or list")?;
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
            "tally" => self.with_open(|c, d| {
                let t = c.engine.tally_of(d)?;
                Ok(format!(
                    "Current tally of discussion #{} ({}):\n{}",
                    d.id(),
                    d.prompt().question,
                    text::tally_to_text(&t)
                ))
            }),
            _ => self.with_open(|c, d| {
                let (d, t) = c.engine.close(d.id(), &c.who.label())?;
                Ok(format!(
                    "Discussion #{} is closed.\n{}",
                    d.id(),
                    text::post_to_text(&render::tally_post(
                        d.id(),
                        &d.prompt().question,
                        &d.options(),
                        &t
                    ))
                ))
            }),
        }
    }

    fn post(&mut self, prompt_id: &str) -> Result<(), ConsoleError> {
        let Some(prompt) = self.catalog.get(prompt_id).cloned() else {
            let known: Vec<&str> = self.catalog.prompts.keys().map(String::as_str).collect();
            writeln!(
                self.out,
                "! no prompt `{prompt_id}`; known: {}",
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
        match self.engine.open(&prompt, CHANNEL, None) {
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
        match self.engine.list(false, 20) {
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

    /// Discussions whose time ran out close here too, with their final result.
    fn close_due(&mut self) -> Result<(), ConsoleError> {
        match self.engine.close_due() {
            Ok(closed) => {
                for (d, t) in closed {
                    writeln!(self.out, "Discussion #{} closed: its time was up.", d.id())?;
                    writeln!(
                        self.out,
                        "{}",
                        text::post_to_text(&render::tally_post(
                            d.id(),
                            &d.prompt().question,
                            &d.options(),
                            &t
                        ))
                    )?;
                }
            }
            Err(e) => writeln!(self.out, "! {e}")?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
