//! The SQLite store: the only place with SQL. WAL, versioned migrations, and one writer thread that
//! commits many writes in one transaction (group commit). A write's caller hears back only after
//! its transaction has committed.
//!
//! Servers: every discussion, ledger slot, schedule and setting belongs to one ([`ServerId`]).
//! Whatever finds a discussion (by number, by thread, the open ones, the history), a slot or a
//! schedule takes the server, and so do votes, replies and closes, which check it in their own
//! transaction: a discussion of another server is not found. Reads of the rows of a discussion
//! found that way (counts, votes, replies, exports) go by its id.

pub mod config;
mod migrations;
mod privacy;
mod prompts;
mod reviews;
mod rows;
mod schedule;
mod server;
mod settings;
mod statements;
mod suggestions;
mod writer;

use crate::prompt::Prompt;
pub use config::{StoreConfig, Synchronous};
use jiff::Timestamp;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub use migrations::SCHEMA_VERSION;
pub use privacy::{Forgotten, HeldStance, MemberData, TOMBSTONE_PREFIX};
pub use prompts::{Approval, StoredPrompt};
pub use reviews::{ReviewDecision, ReviewRecord};
pub use rows::{ExportRows, ReplyRow, RowCounts, VoteRecord};
pub use schedule::{Claim, ScheduleState, SlotClaim, SlotRecord, SlotState, StoredSchedule};
pub use server::{Assigned, Purged, ServerId, Unassigned};
pub use settings::{SettingChange, StoredSettings};
pub use statements::{
    AnswerMatrix, AnswerRecord, AnswerWrite, StanceChange, StateWrite, StatementOrigin,
    StatementRecord, StatementState, StatementWrite,
};
pub use suggestions::{Added, Decided, NewSuggestion, SuggestionRecord, SuggestionState};
use writer::Writer;

/// A discussion's number in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DiscussionId(pub i64);

impl DiscussionId {
    /// Not a discussion yet: the post as it will look, shown to moderators before it exists
    /// (a draft's preview, a scheduled slot's review). The store numbers discussions from 1.
    pub const PREVIEW: DiscussionId = DiscussionId(0);
}

impl std::fmt::Display for DiscussionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Each message carries its cause and no error here exposes it again as its `source()`, so a
/// printed chain never says the same thing twice.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("the database could not commit: {0}")]
    Commit(String),
    #[error(
        "{path} was written by a newer roundtable (schema version {found}; this build knows up to \
         {supported}). Upgrade roundtable, or point `database` at another file."
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("the store's writer has stopped")]
    WriterGone,
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("cannot back up to {path}: {message}")]
    Backup { path: PathBuf, message: String },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

impl StoreError {
    /// Whether nothing more can be stored by this process (the writer is gone): adapters end the
    /// process then, with an error, instead of limping on.
    pub fn is_fatal(&self) -> bool {
        matches!(self, StoreError::WriterGone)
    }
}

/// What the store keeps of a discussion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussionRecord {
    pub id: DiscussionId,
    /// The server it belongs to.
    pub server: ServerId,
    /// The prompt as it was when the discussion opened: later edits of the file do not change it.
    pub prompt: Prompt,
    pub channel: String,
    pub message_id: Option<String>,
    pub thread_id: Option<String>,
    /// Option keys in the order shown to members.
    pub option_order: Vec<String>,
    pub opened_at: Timestamp,
    pub closes_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// Who closed it; `None` when it closed because its time was up.
    pub closed_by: Option<String>,
}

impl DiscussionRecord {
    /// When the discussion stopped taking answers, if it has at `now`.
    pub fn closed_as_of(&self, now: Timestamp) -> Option<Timestamp> {
        match (self.closed_at, self.closes_at) {
            (Some(at), _) => Some(at),
            (None, Some(at)) if now >= at => Some(at),
            _ => None,
        }
    }
}

pub struct NewDiscussion<'a> {
    pub server: ServerId,
    pub prompt: &'a Prompt,
    pub channel: &'a str,
    pub option_order: &'a [String],
    pub opened_at: Timestamp,
    pub closes_at: Option<Timestamp>,
}

/// Where a written reply came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplySource {
    /// A message in the discussion's thread.
    Thread,
    /// The private "Write a reply" form (a modal on Discord).
    Form,
}

impl ReplySource {
    /// As stored, and as metrics label it: `thread` or `form`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplySource::Thread => "thread",
            ReplySource::Form => "form",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "thread" => Ok(ReplySource::Thread),
            "form" => Ok(ReplySource::Form),
            other => Err(StoreError::Corrupt(format!("reply source `{other}`"))),
        }
    }
}

/// The store's answer to a vote or withdrawal, decided inside the writing transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteWrite {
    /// The vote was recorded; `previous` is the option it replaced.
    Recorded {
        previous: Option<String>,
    },
    /// The member already stood there; nothing changed.
    Unchanged,
    /// The member's vote was removed.
    Withdrawn {
        previous: String,
    },
    /// There was no vote to withdraw.
    NoVote,
    /// The discussion no longer takes answers.
    NotOpen(ClosedState),
    NotFound,
}

impl VoteWrite {
    /// What the write changed, for metrics: `new`, `changed`, `withdrawn`, or nothing.
    pub fn change(&self) -> Option<&'static str> {
        match self {
            VoteWrite::Recorded { previous: None } => Some("new"),
            VoteWrite::Recorded { previous: Some(_) } => Some("changed"),
            VoteWrite::Withdrawn { .. } => Some("withdrawn"),
            VoteWrite::Unchanged
            | VoteWrite::NoVote
            | VoteWrite::NotOpen(_)
            | VoteWrite::NotFound => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedState {
    pub at: Timestamp,
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyWrite {
    Added {
        id: i64,
    },
    /// This thread message or form submission is stored already (a delivery seen twice).
    Duplicate {
        id: i64,
    },
    NotOpen(ClosedState),
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseWrite {
    Closed { at: Timestamp },
    AlreadyClosed(ClosedState),
    NotFound,
}

/// One stored reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRecord {
    pub id: i64,
    pub member: String,
    pub source: ReplySource,
    /// `None` when the text was not collected (thread messages without the Message Content intent).
    pub text: Option<String>,
    pub message_id: Option<String>,
    pub at: Timestamp,
}

/// Raw counts for a tally, read in one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Votes per option key (keys with no votes may be missing).
    pub votes: Vec<(String, u64)>,
    pub replies: u64,
    pub repliers: u64,
    /// Replies whose author currently votes for the option.
    pub replies_by_voters: Vec<(String, u64)>,
    /// Thread replies stored without their text.
    pub replies_without_text: u64,
}

/// The store. Cheap to clone; all clones share one writer and a pool of readers.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Writer,
    readers: Mutex<Vec<Connection>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Readers first: the writer checkpoints as it closes, which only completes once no
        // connection of this process still reads. Then the writer (a field) finishes and closes.
        self.readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

fn millis(t: Timestamp) -> i64 {
    t.as_millisecond()
}

fn from_millis(ms: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::Corrupt(format!("time {ms}: {e}")))
}

/// What a backup wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSummary {
    pub pages: u64,
    pub bytes: u64,
}

/// Copies the database at `source` to `dest` through SQLite's online backup API: one read
/// snapshot, so the copy is consistent while the bot keeps writing (in WAL mode a reader never
/// holds up the writer). The copy is written beside `dest` and renamed into place at the end, in
/// rollback-journal mode so that it is one self-contained file; opening it with roundtable turns
/// WAL back on. `dest` must not be the database itself.
pub fn backup(source: &Path, dest: &Path) -> Result<BackupSummary, StoreError> {
    use rusqlite::backup::{Backup, StepResult};
    let fail = |message: String| StoreError::Backup {
        path: dest.to_path_buf(),
        message,
    };
    if !source.is_file() {
        return Err(fail(format!(
            "there is no database at {}",
            source.display()
        )));
    }
    let same = match (std::fs::canonicalize(source), std::fs::canonicalize(dest)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(fail(
            "that is the database itself; name another file".into(),
        ));
    }
    let src = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(std::time::Duration::from_secs(5))?;
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let result = (|| -> Result<BackupSummary, StoreError> {
        let mut dst = Connection::open(&partial)?;
        {
            let b = Backup::new(&src, &mut dst)?;
            let mut tries = 0;
            loop {
                // -1: every page in one step, under one read snapshot.
                match b.step(-1)? {
                    StepResult::Done => break,
                    StepResult::Busy | StepResult::Locked if tries < 50 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(100));
                    }
                    StepResult::More => {}
                    _ => return Err(fail("the database stayed busy for 5 seconds".into())),
                }
            }
        }
        dst.pragma_update(None, "journal_mode", "DELETE")?;
        let pages: i64 = dst.pragma_query_value(None, "page_count", |r| r.get(0))?;
        let size: i64 = dst.pragma_query_value(None, "page_size", |r| r.get(0))?;
        dst.close().map_err(|(_, e)| StoreError::from(e))?;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&partial, dest).map_err(|e| fail(e.to_string()))?;
        Ok(BackupSummary {
            pages: pages as u64,
            bytes: (pages * size) as u64,
        })
    })();
    if result.is_err() {
        for suffix in ["", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", partial.display()));
        }
    }
    result
}

impl Store {
    /// Opens (creating or migrating) the database at `path`. Several processes may open the same
    /// new or older database at once: the migration runs in one immediate transaction, so the
    /// second waits (busy timeout) and then finds the work done.
    pub fn open(path: &Path, config: &StoreConfig) -> Result<Store, StoreError> {
        let mut conn = Connection::open(path)?;
        configure(&conn, config.synchronous)?;
        let before: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        migrations::migrate(&mut conn, path)?;
        if (1..migrations::SERVERS).contains(&before) {
            // Rows from before servers: say what the migration did, and what waits for a server.
            let n = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
            let (console, waiting, slots) = (
                n("SELECT COUNT(*) FROM discussions WHERE guild = 'console'")?,
                n("SELECT COUNT(*) FROM discussions WHERE guild IS NULL")?,
                n("SELECT COUNT(*) FROM schedule_slots WHERE guild = ''")?,
            );
            tracing::info!(
                "store: discussions now belong to servers: {console} assigned to the console; \
                 {waiting} discussion(s) and {slots} ledger slot(s) get their server at the bot's start \
                 (discord.guild_id, else the guild their channel belongs to)"
            );
        }
        let writer = Writer::start(conn, config.max_batch)?;
        Ok(Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer,
                readers: Mutex::new(Vec::new()),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Whether writes are still taken (false once the writer thread has died).
    pub fn writer_alive(&self) -> bool {
        self.inner.writer.is_alive()
    }

    /// Resolves if the writer thread dies; an adapter awaits it to end the process instead of
    /// answering members while nothing can be stored.
    pub fn writer_stopped(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        self.inner.writer.stopped()
    }

    /// Makes the writer thread die as a panicking job would: for tests of what the adapters do then.
    #[doc(hidden)]
    pub fn kill_writer_for_tests(&self) {
        let _ = self.inner.writer.write(|_| -> Result<(), StoreError> {
            panic!("the writer dies here on purpose (a test)")
        });
    }

    /// Folds the WAL into the database file now (TRUNCATE), so the file alone holds every
    /// committed write. Adapters call it on a clean stop; it waits for the writer's transaction in
    /// flight (busy timeout). Returns whether it completed (another reader may hold it back).
    pub fn checkpoint(&self) -> Result<bool, StoreError> {
        let c = Connection::open_with_flags(
            &self.inner.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        c.busy_timeout(std::time::Duration::from_secs(5))?;
        let busy: i64 = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        Ok(busy == 0)
    }

    /// A consistent copy of the database at `dest` through SQLite's online backup API, taken
    /// while others keep writing (one read snapshot; writers are not held up). See [`backup`].
    pub fn backup_to(&self, dest: &Path) -> Result<BackupSummary, StoreError> {
        backup(&self.inner.path, dest)
    }

    fn read<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.inner.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                c.busy_timeout(std::time::Duration::from_secs(5))?;
                c
            }
        };
        let out = f(&conn);
        self.inner
            .readers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(conn);
        out
    }

    // ---- writes: each commits before it returns ----

    pub fn insert_discussion(&self, d: NewDiscussion<'_>) -> Result<DiscussionId, StoreError> {
        let insert = self.prepare_discussion(d)?;
        self.inner.writer.write(insert)
    }

    /// The insert of a new discussion, ready to run inside a writer job.
    fn prepare_discussion(
        &self,
        d: NewDiscussion<'_>,
    ) -> Result<
        impl FnOnce(&Connection) -> Result<DiscussionId, StoreError> + Send + 'static,
        StoreError,
    > {
        let prompt =
            serde_json::to_string(d.prompt).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let order = serde_json::to_string(d.option_order)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (prompt_id, channel, server) = (d.prompt.id.clone(), d.channel.to_string(), d.server);
        let (opened, closes) = (millis(d.opened_at), d.closes_at.map(millis));
        Ok(move |c: &Connection| {
            c.execute(
                "INSERT INTO discussions (guild, prompt_id, prompt, channel, option_order, opened_at, closes_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![server, prompt_id, prompt, channel, order, opened, closes],
            )?;
            Ok(DiscussionId(c.last_insert_rowid()))
        })
    }

    /// Records where the discussion was posted.
    pub fn set_post(
        &self,
        id: DiscussionId,
        message_id: Option<&str>,
        thread_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let (m, t) = (
            message_id.map(str::to_string),
            thread_id.map(str::to_string),
        );
        self.inner.writer.write(move |c| {
            c.execute(
                "UPDATE discussions SET message_id = COALESCE(?2, message_id), thread_id = COALESCE(?3, thread_id) WHERE id = ?1",
                params![id.0, m, t],
            )?;
            Ok(())
        })
    }

    /// Sets (`Some`) or withdraws (`None`) a member's vote, if the discussion is open at `now`
    /// and belongs to `server`.
    pub fn put_vote(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        option: Option<&str>,
        now: Timestamp,
    ) -> Result<VoteWrite, StoreError> {
        let member = member.to_string();
        let option = option.map(str::to_string);
        self.inner
            .writer
            .write(move |c| put_vote(c, server, id, &member, option.as_deref(), now))
    }

    /// Async form of [`Store::put_vote`], for adapters running on an async runtime.
    pub async fn put_vote_async(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        option: Option<&str>,
        now: Timestamp,
    ) -> Result<VoteWrite, StoreError> {
        let member = member.to_string();
        let option = option.map(str::to_string);
        self.inner
            .writer
            .write_async(move |c| put_vote(c, server, id, &member, option.as_deref(), now))
            .await
    }

    /// Stores a reply. `origin` names what it came from: the thread message's id for
    /// [`ReplySource::Thread`], the form submission's interaction id for [`ReplySource::Form`].
    /// A reply is stored once per origin: the same delivery seen again (a gateway replay) is
    /// [`ReplyWrite::Duplicate`].
    #[allow(clippy::too_many_arguments)]
    pub fn add_reply(
        &self,
        server: ServerId,
        id: DiscussionId,
        member: &str,
        source: ReplySource,
        text: Option<&str>,
        origin: Option<&str>,
        now: Timestamp,
    ) -> Result<ReplyWrite, StoreError> {
        let (member, text, origin) = (
            member.to_string(),
            text.map(str::to_string),
            origin.map(str::to_string),
        );
        let (message_id, interaction_id) = match source {
            ReplySource::Thread => (origin, None),
            ReplySource::Form => (None, origin),
        };
        self.inner.writer.write(move |c| {
            let seen: Option<i64> = c
                .prepare_cached(
                    "SELECT id FROM replies WHERE message_id = ?1 OR interaction_id = ?2",
                )?
                .query_row(params![message_id, interaction_id], |r| r.get(0))
                .optional()?;
            if let Some(id) = seen {
                return Ok(ReplyWrite::Duplicate { id });
            }
            let d = match status(c, server, id)? {
                None => return Ok(ReplyWrite::NotFound),
                Some(d) => d,
            };
            if let Some(closed) = d.closed_as_of(now)? {
                return Ok(ReplyWrite::NotOpen(closed));
            }
            c.execute(
                "INSERT INTO replies (discussion, member, source, text, message_id, interaction_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id.0, member, source.as_str(), text, message_id, interaction_id, millis(now)],
            )?;
            Ok(ReplyWrite::Added { id: c.last_insert_rowid() })
        })
    }

    /// Updates the text of the reply stored for a thread message of `server`. Returns whether one
    /// was found.
    pub fn edit_reply_by_message(
        &self,
        server: ServerId,
        message_id: &str,
        text: Option<&str>,
    ) -> Result<bool, StoreError> {
        let (m, t) = (message_id.to_string(), text.map(str::to_string));
        self.inner.writer.write(move |c| {
            Ok(c.execute(
                "UPDATE replies SET text = ?2 WHERE message_id = ?1
                 AND discussion IN (SELECT id FROM discussions WHERE guild = ?3)",
                params![m, t, server],
            )? > 0)
        })
    }

    /// Removes the reply stored for a thread message of `server`. Returns its discussion, if one
    /// was found.
    pub fn delete_reply_by_message(
        &self,
        server: ServerId,
        message_id: &str,
    ) -> Result<Option<DiscussionId>, StoreError> {
        let m = message_id.to_string();
        self.inner.writer.write(move |c| {
            let found: Option<i64> = c
                .query_row(
                    "SELECT r.discussion FROM replies r JOIN discussions d ON d.id = r.discussion
                     WHERE r.message_id = ?1 AND d.guild = ?2",
                    params![m, server],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(d) = found {
                c.execute(
                    "DELETE FROM replies WHERE message_id = ?1 AND discussion = ?2",
                    params![m, d],
                )?;
            }
            Ok(found.map(DiscussionId))
        })
    }

    /// Closes the discussion at `now` on behalf of `by` (`None`: its time was up).
    pub fn close(
        &self,
        server: ServerId,
        id: DiscussionId,
        by: Option<&str>,
        now: Timestamp,
    ) -> Result<CloseWrite, StoreError> {
        let by = by.map(str::to_string);
        self.inner.writer.write(move |c| {
            let d = match status(c, server, id)? {
                None => return Ok(CloseWrite::NotFound),
                Some(d) => d,
            };
            if let Some(at) = d.closed_at {
                return Ok(CloseWrite::AlreadyClosed(ClosedState {
                    at: from_millis(at)?,
                    by: d.closed_by,
                }));
            }
            // A discussion whose time ran out closes at its close time, whoever notices it.
            let at = match d.closes_at {
                Some(due) if due <= millis(now) => due,
                _ => millis(now),
            };
            let by = if d.closes_at.is_some_and(|due| due <= millis(now)) {
                None
            } else {
                by
            };
            c.execute(
                "UPDATE discussions SET closed_at = ?2, closed_by = ?3 WHERE id = ?1",
                params![id.0, at, by],
            )?;
            Ok(CloseWrite::Closed {
                at: from_millis(at)?,
            })
        })
    }

    /// Proves the store takes writes: an empty job through the writer, which begins and commits
    /// a write transaction (for health checks).
    pub async fn probe_write(&self) -> Result<(), StoreError> {
        self.inner.writer.write_async(|_| Ok(())).await
    }

    // ---- reads ----

    /// How many discussions are open at `now` (for metrics).
    pub fn count_open(&self, now: Timestamp) -> Result<u64, StoreError> {
        self.read(|c| {
            let n: i64 = c.query_row(
                "SELECT COUNT(*) FROM discussions WHERE closed_at IS NULL AND (closes_at IS NULL OR closes_at > ?1)",
                [millis(now)],
                |r| r.get(0),
            )?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// Discussion `id`, if it belongs to `server`.
    pub fn discussion(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Option<DiscussionRecord>, StoreError> {
        self.read(|c| {
            c.prepare_cached(&format!("{SELECT_DISCUSSION} WHERE id = ?1 AND guild = ?2"))?
                .query_row(params![id.0, server], row_to_raw)
                .optional()?
                .map(RawDiscussion::into_record)
                .transpose()
        })
    }

    /// Discussions of `server`, newest first: those still open at `now` when `open_only`, else
    /// all; at most `limit`.
    pub fn discussions(
        &self,
        server: ServerId,
        open_only: bool,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<DiscussionRecord>, StoreError> {
        self.read(|c| {
            let sql = if open_only {
                format!("{SELECT_DISCUSSION} WHERE guild = ?3 AND closed_at IS NULL AND (closes_at IS NULL OR closes_at > ?1) ORDER BY id DESC LIMIT ?2")
            } else {
                format!("{SELECT_DISCUSSION} WHERE guild = ?3 AND ?1 = ?1 ORDER BY id DESC LIMIT ?2")
            };
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params![millis(now), limit as i64, server], row_to_raw)?;
            rows.map(|r| r.map_err(StoreError::from).and_then(RawDiscussion::into_record))
                .collect()
        })
    }

    /// The discussion of `server` whose thread is `thread_id`.
    pub fn discussion_by_thread(
        &self,
        server: ServerId,
        thread_id: &str,
    ) -> Result<Option<DiscussionId>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT id FROM discussions WHERE thread_id = ?1 AND guild = ?2 ORDER BY id DESC LIMIT 1",
                params![thread_id, server],
                |r| r.get(0),
            )
            .optional()
            .map(|o| o.map(DiscussionId))
            .map_err(StoreError::from)
        })
    }

    /// Discussions of every server whose close time has passed at `now` but that are not marked
    /// closed yet. Servers that removed the bot wait: their discussions close once they are back.
    pub fn due_for_close(
        &self,
        now: Timestamp,
    ) -> Result<Vec<(ServerId, DiscussionId)>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT guild, id FROM discussions WHERE closed_at IS NULL AND closes_at IS NOT NULL AND closes_at <= ?1 AND {PRESENT} ORDER BY id",
            ))?;
            let ids = stmt.query_map([millis(now)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?;
            ids.map(|r| {
                let (g, id) = r?;
                Ok((server::parse_server(&g)?, DiscussionId(id)))
            })
            .collect()
        })
    }

    /// The earliest close time among discussions still open, for a timer.
    pub fn next_close_time(&self) -> Result<Option<Timestamp>, StoreError> {
        self.read(|c| {
            let ms: Option<i64> = c.query_row(
                &format!("SELECT MIN(closes_at) FROM discussions WHERE closed_at IS NULL AND closes_at IS NOT NULL AND {PRESENT}"),
                [],
                |r| r.get(0),
            )?;
            ms.map(from_millis).transpose()
        })
    }

    /// The counts behind a tally, read in one transaction.
    pub fn counts(&self, id: DiscussionId) -> Result<Counts, StoreError> {
        self.read(|c| {
            let tx = c.unchecked_transaction()?;
            let mut counts = Counts::default();
            {
                let mut stmt = tx.prepare_cached("SELECT option, votes FROM option_counts WHERE discussion = ?1 AND votes > 0")?;
                let rows = stmt.query_map([id.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
                counts.votes = rows.collect::<Result<_, _>>()?;
                let (replies, repliers, untexted): (i64, i64, i64) = tx.query_row(
                    "SELECT COUNT(*), COUNT(DISTINCT member), COUNT(*) - COUNT(text) FROM replies WHERE discussion = ?1",
                    [id.0],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                counts.replies = replies as u64;
                counts.repliers = repliers as u64;
                counts.replies_without_text = untexted as u64;
                let mut stmt = tx.prepare_cached(
                    "SELECT v.option, COUNT(*) FROM replies r JOIN votes v ON v.discussion = r.discussion AND v.member = r.member
                     WHERE r.discussion = ?1 GROUP BY v.option",
                )?;
                let rows = stmt.query_map([id.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
                counts.replies_by_voters = rows.collect::<Result<_, _>>()?;
            }
            tx.finish()?;
            Ok(counts)
        })
    }

    /// Votes per option counted row by row from the votes table (the counters' cross-check).
    pub fn recount(&self, id: DiscussionId) -> Result<Vec<(String, u64)>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare("SELECT option, COUNT(*) FROM votes WHERE discussion = ?1 GROUP BY option ORDER BY option")?;
            let rows = stmt.query_map([id.0], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })
    }

    /// A member's current vote.
    pub fn vote_of(&self, id: DiscussionId, member: &str) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            c.query_row(
                "SELECT option FROM votes WHERE discussion = ?1 AND member = ?2",
                params![id.0, member],
                |r| r.get(0),
            )
            .optional()
            .map_err(StoreError::from)
        })
    }

    /// Every reply of a discussion, oldest first.
    pub fn replies(&self, id: DiscussionId) -> Result<Vec<ReplyRecord>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, member, source, text, message_id, at FROM replies WHERE discussion = ?1 ORDER BY at, id",
            )?;
            let rows = stmt.query_map([id.0], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get::<_, i64>(5)?))
            })?;
            rows.map(|r| {
                let (id, member, source, text, message_id, at) = r?;
                Ok(ReplyRecord { id, member, source: ReplySource::parse(&source)?, text, message_id, at: from_millis(at)? })
            })
            .collect()
        })
    }
}

fn configure(conn: &Connection, sync: Synchronous) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Turning WAL on takes the file's exclusive lock; a second process doing the same at that
    // moment is told "busy" without waiting, so it tries again for as long as the busy timeout.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(_) => break,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let level = match sync {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", level)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// The state columns of a discussion, read inside a writing transaction.
struct Status {
    closes_at: Option<i64>,
    closed_at: Option<i64>,
    closed_by: Option<String>,
}

impl Status {
    fn closed_as_of(&self, now: Timestamp) -> Result<Option<ClosedState>, StoreError> {
        Ok(match (self.closed_at, self.closes_at) {
            (Some(at), _) => Some(ClosedState {
                at: from_millis(at)?,
                by: self.closed_by.clone(),
            }),
            (None, Some(at)) if millis(now) >= at => Some(ClosedState {
                at: from_millis(at)?,
                by: None,
            }),
            _ => None,
        })
    }
}

fn status(
    c: &Connection,
    server: ServerId,
    id: DiscussionId,
) -> Result<Option<Status>, StoreError> {
    let mut stmt = c.prepare_cached(
        "SELECT closes_at, closed_at, closed_by FROM discussions WHERE id = ?1 AND guild = ?2",
    )?;
    stmt.query_row(params![id.0, server], |r| {
        Ok(Status {
            closes_at: r.get(0)?,
            closed_at: r.get(1)?,
            closed_by: r.get(2)?,
        })
    })
    .optional()
    .map_err(StoreError::from)
}

fn put_vote(
    c: &Connection,
    server: ServerId,
    id: DiscussionId,
    member: &str,
    option: Option<&str>,
    now: Timestamp,
) -> Result<VoteWrite, StoreError> {
    let d = match status(c, server, id)? {
        None => return Ok(VoteWrite::NotFound),
        Some(d) => d,
    };
    if let Some(closed) = d.closed_as_of(now)? {
        return Ok(VoteWrite::NotOpen(closed));
    }
    let previous: Option<String> = c
        .prepare_cached("SELECT option FROM votes WHERE discussion = ?1 AND member = ?2")?
        .query_row(params![id.0, member], |r| r.get(0))
        .optional()?;
    if previous.as_deref() == option {
        return Ok(match option {
            Some(_) => VoteWrite::Unchanged,
            None => VoteWrite::NoVote,
        });
    }
    let mut bump = c.prepare_cached(
        "INSERT INTO option_counts (discussion, option, votes) VALUES (?1, ?2, ?3)
         ON CONFLICT (discussion, option) DO UPDATE SET votes = votes + excluded.votes",
    )?;
    if let Some(prev) = &previous {
        bump.execute(params![id.0, prev, -1])?;
    }
    match option {
        Some(opt) => {
            c.prepare_cached(
                "INSERT INTO votes (discussion, member, option, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (discussion, member) DO UPDATE SET option = excluded.option, at = excluded.at",
            )?
            .execute(params![id.0, member, opt, millis(now)])?;
            bump.execute(params![id.0, opt, 1])?;
            statements::record_stance(c, id, member, Some(opt), now)?;
            Ok(VoteWrite::Recorded { previous })
        }
        None => {
            c.prepare_cached("DELETE FROM votes WHERE discussion = ?1 AND member = ?2")?
                .execute(params![id.0, member])?;
            statements::record_stance(c, id, member, None, now)?;
            Ok(VoteWrite::Withdrawn {
                previous: previous.unwrap_or_default(),
            })
        }
    }
}

const SELECT_DISCUSSION: &str = "SELECT id, prompt, channel, message_id, thread_id, option_order, opened_at, closes_at, closed_at, closed_by, guild FROM discussions";

/// A discussion's server has not removed the bot (see [`Store::mark_left`]).
const PRESENT: &str = "guild NOT IN (SELECT guild FROM guilds WHERE left_at IS NOT NULL)";

struct RawDiscussion {
    id: i64,
    guild: Option<String>,
    prompt: String,
    channel: String,
    message_id: Option<String>,
    thread_id: Option<String>,
    option_order: String,
    opened_at: i64,
    closes_at: Option<i64>,
    closed_at: Option<i64>,
    closed_by: Option<String>,
}

fn row_to_raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawDiscussion> {
    Ok(RawDiscussion {
        id: r.get(0)?,
        prompt: r.get(1)?,
        channel: r.get(2)?,
        message_id: r.get(3)?,
        thread_id: r.get(4)?,
        option_order: r.get(5)?,
        opened_at: r.get(6)?,
        closes_at: r.get(7)?,
        closed_at: r.get(8)?,
        closed_by: r.get(9)?,
        guild: r.get(10)?,
    })
}

impl RawDiscussion {
    fn into_record(self) -> Result<DiscussionRecord, StoreError> {
        let corrupt = |what: &str, e: serde_json::Error| {
            StoreError::Corrupt(format!("discussion {}: {what}: {e}", self.id))
        };
        let server = match &self.guild {
            Some(g) => server::parse_server(g)?,
            None => {
                return Err(StoreError::Corrupt(format!(
                    "discussion {} has no server",
                    self.id
                )))
            }
        };
        Ok(DiscussionRecord {
            id: DiscussionId(self.id),
            server,
            prompt: serde_json::from_str(&self.prompt).map_err(|e| corrupt("prompt", e))?,
            option_order: serde_json::from_str(&self.option_order)
                .map_err(|e| corrupt("option order", e))?,
            channel: self.channel,
            message_id: self.message_id,
            thread_id: self.thread_id,
            opened_at: from_millis(self.opened_at)?,
            closes_at: self.closes_at.map(from_millis).transpose()?,
            closed_at: self.closed_at.map(from_millis).transpose()?,
            closed_by: self.closed_by,
        })
    }
}

#[cfg(test)]
mod tests;
