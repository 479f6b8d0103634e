//! Versioned schema migrations, kept in `PRAGMA user_version`. The version is read and every
//! pending migration applied inside one immediate transaction: a second process opening the same
//! new or older database at that moment waits for it (busy timeout), then finds the work done.
//! A failed upgrade leaves the database as it was; a database from a newer build is refused
//! rather than guessed at.

use super::StoreError;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

/// Each entry upgrades the schema by one version: entry 0 takes version 0 to 1, and so on.
const MIGRATIONS: &[&str] = &[
    // 1: discussions, votes (one row per member), reply texts, per-option counters.
    "CREATE TABLE discussions (
        id           INTEGER PRIMARY KEY,
        prompt_id    TEXT NOT NULL,
        prompt       TEXT NOT NULL,     -- the prompt as opened (JSON)
        channel      TEXT NOT NULL,
        message_id   TEXT,
        thread_id    TEXT,
        option_order TEXT NOT NULL,     -- option keys as shown (JSON array)
        opened_at    INTEGER NOT NULL,  -- unix milliseconds
        closes_at    INTEGER,
        closed_at    INTEGER,
        closed_by    TEXT
     );
     CREATE INDEX discussions_open ON discussions (closed_at, closes_at);
     CREATE TABLE votes (
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        member     TEXT NOT NULL,
        option     TEXT NOT NULL,
        at         INTEGER NOT NULL,
        PRIMARY KEY (discussion, member)
     ) WITHOUT ROWID;
     CREATE TABLE option_counts (
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        option     TEXT NOT NULL,
        votes      INTEGER NOT NULL,
        PRIMARY KEY (discussion, option)
     ) WITHOUT ROWID;
     CREATE TABLE replies (
        id         INTEGER PRIMARY KEY,
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        member     TEXT NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('thread', 'form')),
        text       TEXT,               -- NULL: not collected (no Message Content intent)
        message_id TEXT,               -- the thread message, for edits and deletions
        at         INTEGER NOT NULL
     );
     CREATE INDEX replies_by_discussion ON replies (discussion, member);
     CREATE INDEX replies_by_message ON replies (message_id) WHERE message_id IS NOT NULL;",
    // 2: the schedule ledger (one row per slot: a slot posts once) and each schedule's state.
    "CREATE TABLE schedule_slots (
        schedule   TEXT NOT NULL,
        slot       TEXT NOT NULL,      -- local wall time of the slot, e.g. 2026-11-30T18:00:00
        slot_at    INTEGER NOT NULL,   -- the instant it resolved to (unix milliseconds)
        state      TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped')),
        discussion INTEGER REFERENCES discussions (id),
        reason     TEXT,               -- why a slot was skipped
        claimed_at INTEGER NOT NULL,
        claimed_by TEXT NOT NULL,
        PRIMARY KEY (schedule, slot)
     ) WITHOUT ROWID;
     CREATE TABLE schedule_state (
        schedule    TEXT PRIMARY KEY,
        paused      INTEGER NOT NULL DEFAULT 0,
        queue       TEXT,              -- a shuffled queue's order (JSON array of prompt ids)
        next_prompt TEXT               -- a moderator's choice for the next slot
     ) WITHOUT ROWID;
     CREATE INDEX discussions_by_prompt ON discussions (prompt_id);
     CREATE INDEX discussions_by_thread ON discussions (thread_id);
     CREATE INDEX discussions_by_message ON discussions (message_id);",
    // 3: a reply is stored once per thread message and once per form submission (the gateway
    // may deliver either twice). Copies an older build stored are dropped, the first one kept.
    "DELETE FROM replies WHERE message_id IS NOT NULL AND id NOT IN
        (SELECT MIN(id) FROM replies WHERE message_id IS NOT NULL GROUP BY message_id);
     DROP INDEX replies_by_message;
     CREATE UNIQUE INDEX replies_by_message ON replies (message_id) WHERE message_id IS NOT NULL;
     ALTER TABLE replies ADD COLUMN interaction_id TEXT;  -- the form submission's interaction
     CREATE UNIQUE INDEX replies_by_interaction ON replies (interaction_id)
        WHERE interaction_id IS NOT NULL;",
    // 4: servers. Every discussion, ledger slot and schedule state belongs to a server (a Discord
    // guild id, or 'console'); schedules and settings made from Discord, servers that removed the
    // bot. Rows from before are assigned when it is known where they belong: the console's now,
    // the rest at start (`discord.guild_id`, else the guild whose channel they live in).
    "ALTER TABLE discussions ADD COLUMN guild TEXT;  -- NULL: not assigned to a server yet
     UPDATE discussions SET guild = 'console' WHERE channel = 'console';
     CREATE INDEX discussions_by_guild ON discussions (guild, id);
     CREATE TABLE schedule_slots_v4 (
        guild      TEXT NOT NULL,      -- '' until assigned
        schedule   TEXT NOT NULL,
        slot       TEXT NOT NULL,
        slot_at    INTEGER NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped')),
        discussion INTEGER REFERENCES discussions (id),
        reason     TEXT,
        claimed_at INTEGER NOT NULL,
        claimed_by TEXT NOT NULL,
        PRIMARY KEY (guild, schedule, slot)
     ) WITHOUT ROWID;
     INSERT INTO schedule_slots_v4
        SELECT COALESCE((SELECT d.guild FROM discussions d WHERE d.id = s.discussion), ''),
               s.schedule, s.slot, s.slot_at, s.state, s.discussion, s.reason, s.claimed_at, s.claimed_by
        FROM schedule_slots s;
     DROP TABLE schedule_slots;
     ALTER TABLE schedule_slots_v4 RENAME TO schedule_slots;
     CREATE TABLE schedule_state_v4 (
        guild       TEXT NOT NULL,     -- '' until assigned
        schedule    TEXT NOT NULL,
        paused      INTEGER NOT NULL DEFAULT 0,
        queue       TEXT,
        next_prompt TEXT,
        PRIMARY KEY (guild, schedule)
     ) WITHOUT ROWID;
     INSERT INTO schedule_state_v4 SELECT '', schedule, paused, queue, next_prompt FROM schedule_state;
     DROP TABLE schedule_state;
     ALTER TABLE schedule_state_v4 RENAME TO schedule_state;
     CREATE TABLE schedules (           -- schedules made from Discord (the file's live in the file)
        guild    TEXT NOT NULL,
        name     TEXT NOT NULL,
        config   TEXT NOT NULL,        -- the schedule's settings, as the file would have them (JSON)
        added_by TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (guild, name)
     ) WITHOUT ROWID;
     CREATE TABLE guild_settings (      -- what a server set for itself; the file gives the rest
        guild      TEXT PRIMARY KEY,
        settings   TEXT NOT NULL,      -- a validated JSON document (settings::ServerSettings)
        changed_at INTEGER NOT NULL,
        changed_by TEXT NOT NULL
     ) WITHOUT ROWID;
     CREATE TABLE settings_changes (    -- who changed what, when
        id      INTEGER PRIMARY KEY,
        guild   TEXT NOT NULL,
        at      INTEGER NOT NULL,
        by      TEXT NOT NULL,
        setting TEXT NOT NULL,
        value   TEXT NOT NULL
     );
     CREATE INDEX settings_changes_by_guild ON settings_changes (guild, at);
     CREATE TABLE guilds (              -- servers that removed the bot, kept until their retention ends
        guild   TEXT PRIMARY KEY,
        left_at INTEGER                -- NULL: present
     ) WITHOUT ROWID;",
    // 5: prompts authored from Discord (issue 11): one row per prompt and server with its working
    // draft, and one row per approval (the approved text, who, when).
    "CREATE TABLE prompts (
        guild      TEXT NOT NULL,      -- the server (a guild id, or `console`)
        id         TEXT NOT NULL,
        draft      TEXT,               -- the working copy (JSON prompt); NULL: none since the last approval
        version    INTEGER NOT NULL DEFAULT 0,  -- the latest approved version; 0: never approved
        changed_by TEXT NOT NULL,
        changed_at INTEGER NOT NULL,   -- unix milliseconds
        PRIMARY KEY (guild, id)
     ) WITHOUT ROWID;
     CREATE TABLE prompt_versions (
        guild       TEXT NOT NULL,
        id          TEXT NOT NULL,
        version     INTEGER NOT NULL,
        prompt      TEXT NOT NULL,     -- the approved prompt (JSON)
        approved_by TEXT NOT NULL,
        approved_at INTEGER NOT NULL,
        PRIMARY KEY (guild, id, version)
     ) WITHOUT ROWID;",
    // 6: statements members weigh in on, their answers, each member's weighing seed, and every
    // stance change (the votes table keeps only the current one).
    "CREATE TABLE statements (
        id         INTEGER PRIMARY KEY,
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        author     TEXT NOT NULL,      -- the member who wrote it, or the moderator who added it
        origin     TEXT NOT NULL CHECK (origin IN ('reply', 'moderator')),
        text       TEXT NOT NULL,
        normal     TEXT NOT NULL,      -- the text without case, spacing and punctuation: duplicates merge
        state      TEXT NOT NULL CHECK (state IN ('shown', 'hidden', 'withdrawn')),
        at         INTEGER NOT NULL,
        UNIQUE (discussion, normal)
     );
     CREATE INDEX statements_by_author ON statements (discussion, author);
     CREATE TABLE answers (
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        statement  INTEGER NOT NULL REFERENCES statements (id),
        member     TEXT NOT NULL,
        answer     TEXT NOT NULL CHECK (answer IN ('agree', 'disagree', 'pass')),
        at         INTEGER NOT NULL,
        PRIMARY KEY (statement, member)
     ) WITHOUT ROWID;
     CREATE INDEX answers_by_member ON answers (discussion, member);
     CREATE TABLE weigh_seeds (
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        member     TEXT NOT NULL,
        seed       INTEGER NOT NULL,
        PRIMARY KEY (discussion, member)
     ) WITHOUT ROWID;
     CREATE TABLE stance_history (
        id         INTEGER PRIMARY KEY,
        discussion INTEGER NOT NULL REFERENCES discussions (id),
        member     TEXT NOT NULL,
        option     TEXT,               -- NULL: withdrawn
        at         INTEGER NOT NULL
     );
     CREATE INDEX stance_history_by_discussion ON stance_history (discussion, member);",
    // 7: issue 11, the rest: the article a draft was made from (its quotes stay verbatim from it),
    // members' suggestions, and the review of each scheduled slot (the decision and who made it).
    // `IF NOT EXISTS`: it does not depend on what 6 holds, whichever order they end up in.
    "CREATE TABLE IF NOT EXISTS prompt_articles (
        guild   TEXT NOT NULL,
        id      TEXT NOT NULL,         -- the prompt
        article TEXT NOT NULL,         -- the article's text, as drafted from
        PRIMARY KEY (guild, id)
     ) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS suggestions (
        id         INTEGER PRIMARY KEY,
        guild      TEXT NOT NULL,
        member     TEXT NOT NULL,
        link       TEXT,               -- a link, or
        attachment TEXT,               -- an attachment's address
        filename   TEXT,
        note       TEXT,
        at         INTEGER NOT NULL,   -- unix milliseconds
        state      TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'drafted', 'dismissed')),
        decided_by TEXT
     );
     CREATE INDEX IF NOT EXISTS suggestions_by_member ON suggestions (guild, member, at);
     CREATE TABLE IF NOT EXISTS slot_reviews (
        guild      TEXT NOT NULL,
        schedule   TEXT NOT NULL,
        slot       TEXT NOT NULL,      -- the slot's local wall time, as in schedule_slots
        prompt     TEXT,               -- the prompt the slot will post; NULL: none left
        message_id TEXT,               -- the review message in the moderators' log channel
        decision   TEXT NOT NULL CHECK (decision IN ('pending', 'approved', 'swapped', 'skipped')),
        decided_by TEXT,
        decided_at INTEGER,
        PRIMARY KEY (guild, schedule, slot)
     ) WITHOUT ROWID;",
    // 8: issue 15, speed: each statement keeps its number of answers, so choosing a member's
    // next card reads one column per statement (from a covering index) instead of counting
    // every answer. Triggers keep it
    // true whichever path adds or removes an answer (a card, /privacy delete, a hidden statement's
    // answers stay counted: hiding only changes `state`).
    "ALTER TABLE statements ADD COLUMN answer_count INTEGER NOT NULL DEFAULT 0;
     UPDATE statements SET answer_count = (SELECT COUNT(*) FROM answers a WHERE a.statement = statements.id);
     CREATE TRIGGER answers_count_up AFTER INSERT ON answers BEGIN
        UPDATE statements SET answer_count = answer_count + 1 WHERE id = NEW.statement;
     END;
     CREATE TRIGGER answers_count_down AFTER DELETE ON answers BEGIN
        UPDATE statements SET answer_count = answer_count - 1 WHERE id = OLD.statement;
     END;
     CREATE INDEX statements_for_cards ON statements (discussion, state, id, answer_count, origin, author);
     CREATE TRIGGER answers_count_move AFTER UPDATE OF statement ON answers
        WHEN NEW.statement IS NOT OLD.statement BEGIN
        UPDATE statements SET answer_count = answer_count - 1 WHERE id = OLD.statement;
        UPDATE statements SET answer_count = answer_count + 1 WHERE id = NEW.statement;
     END;",
    // 9: issue 11, members' suggestions: an attached file's text, read when it was suggested
    // (Discord's attachment addresses expire), and the moderators' log message that shows it, so
    // that `/privacy delete` can clear that message too.
    "ALTER TABLE suggestions ADD COLUMN body TEXT;
     ALTER TABLE suggestions ADD COLUMN channel TEXT;
     ALTER TABLE suggestions ADD COLUMN message_id TEXT;",
];

/// The version from which rows belong to servers.
pub(super) const SERVERS: i64 = 4;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<(), StoreError> {
    apply(conn, path, MIGRATIONS)
}

/// The schema of an older build: the first `n` migrations only (tests of upgrades).
#[cfg(test)]
pub(super) fn apply_first(conn: &mut Connection, path: &Path, n: usize) -> Result<(), StoreError> {
    apply(conn, path, &MIGRATIONS[..n])
}

fn apply(conn: &mut Connection, path: &Path, migrations: &[&str]) -> Result<(), StoreError> {
    let supported = migrations.len() as i64;
    let version = |c: &Connection| -> Result<i64, StoreError> {
        let found: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > supported {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found,
                supported,
            });
        }
        Ok(found)
    };
    // Up to date: no write lock needed (versions only ever go up).
    if version(conn)? == supported {
        return Ok(());
    }
    // Read again under the write lock: another process may have migrated meanwhile.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = version(&tx)?;
    for sql in migrations.iter().skip(found as usize) {
        tx.execute_batch(sql)?;
    }
    tx.pragma_update(None, "user_version", supported)?;
    tx.commit()?;
    if found < supported {
        tracing::info!(from = found, to = supported, "store: schema migrated");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_database_is_migrated_step_by_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let mut conn = Connection::open(&path).unwrap();
        let v1 = ["CREATE TABLE t (a INTEGER)"];
        apply(&mut conn, &path, &v1).unwrap();
        conn.execute("INSERT INTO t (a) VALUES (7)", []).unwrap();
        let v2 = [
            "CREATE TABLE t (a INTEGER)",
            "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'",
        ];
        apply(&mut conn, &path, &v2).unwrap();
        let (a, b): (i64, String) = conn
            .query_row("SELECT a, b FROM t", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((a, b.as_str()), (7, "x"));
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 2);
    }

    #[test]
    fn newer_database_is_refused_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.db");
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = migrate(&mut conn, &path).unwrap_err().to_string();
        assert!(
            err.contains("schema version 99") && err.contains("newer roundtable"),
            "{err}"
        );
    }

    #[test]
    fn rows_from_before_servers_go_to_the_console_or_wait_for_their_guild() {
        use crate::store::{ServerId, Store, StoreConfig};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            apply(&mut conn, &path, &MIGRATIONS[..2]).unwrap();
            let prompt = serde_json::to_string(
                &crate::prompt::Prompt::from_str_at(
                    Path::new("prompts/syria-strike-2017.toml"),
                    include_str!("../../prompts/syria-strike-2017.toml"),
                )
                .unwrap(),
            )
            .unwrap();
            for (id, channel, thread) in [
                (1, "console", None),
                (2, "111", Some("222")),
                (3, "333", None),
            ] {
                conn.execute(
                    "INSERT INTO discussions (id, prompt_id, prompt, channel, thread_id, option_order, opened_at)
                     VALUES (?1, 'syria-strike-2017', ?2, ?3, ?4, '[]', 0)",
                    rusqlite::params![id, prompt, channel, thread],
                )
                .unwrap();
            }
            conn.execute(
                "INSERT INTO votes (discussion, member, option, at) VALUES (2, 'ana', 'other', 0)",
                [],
            )
            .unwrap();
            conn.execute_batch(
                "INSERT INTO schedule_slots VALUES ('weekly', '2026-11-30T18:00', 0, 'posted', 2, NULL, 0, 'bot');
                 INSERT INTO schedule_slots VALUES ('weekly', '2026-12-07T18:00', 0, 'skipped', NULL, 'paused', 0, 'bot');
                 INSERT INTO schedule_state (schedule, paused) VALUES ('weekly', 1);",
            )
            .unwrap();
        }
        let store = Store::open(&path, &StoreConfig::default()).unwrap();
        // The console's discussion is the console's at once; the others wait for their server.
        assert!(store
            .discussion(ServerId::Console, crate::store::DiscussionId(1))
            .unwrap()
            .is_some());
        let waiting = store.unassigned().unwrap();
        assert_eq!((waiting.discussions, waiting.slots), (2, 2));
        let g = ServerId::Guild(9);
        assert!(store
            .discussion(g, crate::store::DiscussionId(2))
            .unwrap()
            .is_none());
        // The guild whose channel (or thread) they live in claims them, with their slots.
        let a = store.assign_by_channel(g, vec!["222".into()]).unwrap();
        assert_eq!((a.discussions, a.slots), (1, 1));
        let d = store
            .discussion(g, crate::store::DiscussionId(2))
            .unwrap()
            .unwrap();
        assert_eq!(
            store.vote_of(d.id, "ana").unwrap().as_deref(),
            Some("other")
        );
        assert_eq!(
            store
                .slot(g, "weekly", "2026-11-30T18:00")
                .unwrap()
                .unwrap()
                .discussion,
            Some(d.id)
        );
        // With one configured guild, everything left is that guild's.
        let a = store.assign_unassigned(g).unwrap();
        assert_eq!((a.discussions, a.slots, a.states), (1, 1, 1));
        assert!(store.schedule_state(g, "weekly").unwrap().paused);
        assert_eq!(
            store.unassigned().unwrap(),
            crate::store::Unassigned::default()
        );
    }

    #[test]
    fn a_database_at_version_5_migrates_to_the_articles_suggestions_and_reviews() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        let mut conn = Connection::open(&path).unwrap();
        apply(&mut conn, &path, &MIGRATIONS[..5]).unwrap();
        conn.execute(
            "INSERT INTO prompts (guild, id, draft, changed_by, changed_at) VALUES ('1', 'p', '{}', 'ana', 0)",
            [],
        )
        .unwrap();
        migrate(&mut conn, &path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        for t in ["prompt_articles", "suggestions", "slot_reviews", "prompts"] {
            let n: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE name = ?1",
                    [t],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 1, "{t}");
        }
        let kept: i64 = conn
            .query_row("SELECT COUNT(*) FROM prompts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, 1);
    }

    #[test]
    fn a_database_with_prompts_from_version_5_gains_statements_and_keeps_its_prompts() {
        use crate::store::{ServerId, Store, StoreConfig};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v5.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            apply(&mut conn, &path, &MIGRATIONS[..5]).unwrap();
            conn.execute(
                "INSERT INTO prompts (guild, id, draft, version, changed_by, changed_at)
                 VALUES ('console', 'p', NULL, 0, 'mod', 0)",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&path, &StoreConfig::default()).unwrap();
        let conn = Connection::open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, SCHEMA_VERSION);
        for table in [
            "prompts",
            "statements",
            "answers",
            "weigh_seeds",
            "stance_history",
        ] {
            let n: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(n, 1, "{table}");
        }
        assert_eq!(store.stored_prompts(ServerId::Console).unwrap().len(), 1);
    }

    #[test]
    fn a_failed_upgrade_leaves_the_database_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let mut conn = Connection::open(&path).unwrap();
        assert!(apply(&mut conn, &path, &["CREATE TABLE t (a)", "NOT SQL"]).is_err());
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 0);
        let tables: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE name = 't'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(tables, 0, "the first step is rolled back with the second");
    }
}
