//! Servers: every row that belongs to one carries its id (a Discord guild id, or `console`), and
//! the store's lookups take it. Also here: rows from before servers existed, given their server
//! once it is known, and servers that removed the bot, kept for a while and then deleted.

use super::{millis, Store, StoreError};
use jiff::Timestamp;
use rusqlite::types::{ToSql, ToSqlOutput, Value};
use rusqlite::{params, Connection};

/// The server a discussion, a schedule or a setting belongs to: a Discord guild, or the local
/// console. Stored as text: the guild id in decimal, or `console`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServerId {
    /// The local console (`roundtable console`): one server of its own.
    Console,
    /// A Discord guild, by id.
    Guild(u64),
}

impl ServerId {
    /// The guild id, if this is a guild.
    pub fn guild(self) -> Option<u64> {
        match self {
            ServerId::Guild(g) => Some(g),
            ServerId::Console => None,
        }
    }
}

impl std::fmt::Display for ServerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerId::Console => f.write_str("console"),
            ServerId::Guild(g) => write!(f, "{g}"),
        }
    }
}

impl std::str::FromStr for ServerId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "console" => Ok(ServerId::Console),
            t => match t.parse::<u64>() {
                Ok(g) if g > 0 => Ok(ServerId::Guild(g)),
                _ => Err(format!(
                    "`{s}` is not a server: give a Discord guild id (a number) or `console`"
                )),
            },
        }
    }
}

impl ToSql for ServerId {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            ServerId::Console => ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(b"console")),
            ServerId::Guild(g) => ToSqlOutput::Owned(Value::Text(g.to_string())),
        })
    }
}

impl ServerId {
    /// The server a command run on the host means: the one given, else `discord.guild_id`, else
    /// the only server the store knows.
    pub fn pick(
        given: Option<ServerId>,
        default_guild: Option<u64>,
        known: &[ServerId],
    ) -> Result<ServerId, String> {
        if let Some(s) = given.or(default_guild.map(ServerId::Guild)) {
            return Ok(s);
        }
        match known {
            [only] => Ok(*only),
            [] => Ok(ServerId::Console),
            many => Err(format!(
                "the database holds several servers ({}): name one with --server",
                many.iter()
                    .map(ServerId::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

pub(super) fn parse_server(s: &str) -> Result<ServerId, StoreError> {
    s.parse()
        .map_err(|e: String| StoreError::Corrupt(format!("server: {e}")))
}

/// Rows from before servers existed, still waiting for theirs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unassigned {
    pub discussions: u64,
    pub slots: u64,
}

/// Rows given a server by [`Store::assign_unassigned`] or [`Store::assign_by_channel`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Assigned {
    pub discussions: u64,
    pub slots: u64,
    pub states: u64,
}

impl Assigned {
    pub fn is_empty(&self) -> bool {
        self.discussions + self.slots + self.states == 0
    }
}

/// What [`Store::purge_left`] deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    pub server: ServerId,
    pub discussions: u64,
}

fn count(c: &Connection, sql: &str) -> Result<u64, StoreError> {
    Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
}

impl Store {
    /// How many rows still wait for a server.
    pub fn unassigned(&self) -> Result<Unassigned, StoreError> {
        self.read(|c| {
            Ok(Unassigned {
                discussions: count(c, "SELECT COUNT(*) FROM discussions WHERE guild IS NULL")?,
                slots: count(c, "SELECT COUNT(*) FROM schedule_slots WHERE guild = ''")?,
            })
        })
    }

    /// Gives every row without a server to `server` (the configured guild of a one-server bot).
    pub fn assign_unassigned(&self, server: ServerId) -> Result<Assigned, StoreError> {
        self.inner.writer.write(move |c| {
            let discussions = c.execute(
                "UPDATE discussions SET guild = ?1 WHERE guild IS NULL",
                [server],
            )?;
            let slots = c.execute(
                "UPDATE OR IGNORE schedule_slots SET guild = ?1 WHERE guild = ''",
                [server],
            )?;
            let states = c.execute(
                "UPDATE OR IGNORE schedule_state SET guild = ?1 WHERE guild = ''",
                [server],
            )?;
            Ok(Assigned {
                discussions: discussions as u64,
                slots: slots as u64,
                states: states as u64,
            })
        })
    }

    /// Gives the discussions without a server that live in one of `channels` (channels and
    /// threads of `server`) to `server`, with their ledger slots.
    pub fn assign_by_channel(
        &self,
        server: ServerId,
        channels: Vec<String>,
    ) -> Result<Assigned, StoreError> {
        self.inner.writer.write(move |c| {
            let mut out = Assigned::default();
            let mut by_channel = c.prepare_cached(
                "UPDATE discussions SET guild = ?1 WHERE guild IS NULL AND (channel = ?2 OR thread_id = ?2)",
            )?;
            for ch in &channels {
                out.discussions += by_channel.execute(params![server, ch])? as u64;
            }
            out.slots = c.execute(
                "UPDATE OR IGNORE schedule_slots SET guild = ?1 WHERE guild = ''
                 AND discussion IN (SELECT id FROM discussions WHERE guild = ?1)",
                [server],
            )? as u64;
            Ok(out)
        })
    }

    /// Gives the ledger rows and state of schedule `name` that have no server yet to `server`
    /// (a schedule of the file names its server).
    pub fn assign_schedule(&self, server: ServerId, name: &str) -> Result<Assigned, StoreError> {
        let name = name.to_string();
        self.inner.writer.write(move |c| {
            let slots = c.execute(
                "UPDATE OR IGNORE schedule_slots SET guild = ?1 WHERE guild = '' AND schedule = ?2",
                params![server, name],
            )?;
            let states = c.execute(
                "UPDATE OR IGNORE schedule_state SET guild = ?1 WHERE guild = '' AND schedule = ?2",
                params![server, name],
            )?;
            Ok(Assigned {
                discussions: 0,
                slots: slots as u64,
                states: states as u64,
            })
        })
    }

    /// The server removed the bot at `at`: its data is kept (see [`Store::purge_left`]).
    pub fn mark_left(&self, server: ServerId, at: Timestamp) -> Result<(), StoreError> {
        self.inner.writer.write(move |c| {
            c.execute(
                "INSERT INTO guilds (guild, left_at) VALUES (?1, ?2)
                 ON CONFLICT (guild) DO UPDATE SET left_at = COALESCE(guilds.left_at, excluded.left_at)",
                params![server, millis(at)],
            )?;
            Ok(())
        })
    }

    /// The server has the bot (again). Returns whether it had left: its data is back.
    pub fn mark_present(&self, server: ServerId) -> Result<bool, StoreError> {
        self.inner.writer.write(move |c| {
            Ok(c.execute(
                "UPDATE guilds SET left_at = NULL WHERE guild = ?1 AND left_at IS NOT NULL",
                [server],
            )? > 0)
        })
    }

    /// The servers that removed the bot (their data is kept until their retention ends).
    pub fn servers_left(&self) -> Result<std::collections::HashSet<ServerId>, StoreError> {
        let keys: Vec<String> = self.read(|c| {
            let mut stmt =
                c.prepare_cached("SELECT guild FROM guilds WHERE left_at IS NOT NULL")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })?;
        keys.iter().map(|k| parse_server(k)).collect()
    }

    /// When the server removed the bot, if it has.
    pub fn left_at(&self, server: ServerId) -> Result<Option<Timestamp>, StoreError> {
        self.read(|c| {
            let ms: Option<Option<i64>> = rusqlite::OptionalExtension::optional(c.query_row(
                "SELECT left_at FROM guilds WHERE guild = ?1",
                [server],
                |r| r.get(0),
            ))?;
            ms.flatten().map(super::from_millis).transpose()
        })
    }

    /// The earliest time a server that left was gone, for a timer.
    pub fn earliest_left(&self) -> Result<Option<Timestamp>, StoreError> {
        self.read(|c| {
            let ms: Option<i64> =
                c.query_row("SELECT MIN(left_at) FROM guilds", [], |r| r.get(0))?;
            ms.map(super::from_millis).transpose()
        })
    }

    /// Deletes everything of the servers that left at or before `cutoff`: discussions, votes,
    /// replies, ledger, schedules, settings. Each server in one transaction.
    pub fn purge_left(&self, cutoff: Timestamp) -> Result<Vec<Purged>, StoreError> {
        let gone: Vec<String> = self.read(|c| {
            let mut stmt = c.prepare("SELECT guild FROM guilds WHERE left_at <= ?1")?;
            let rows = stmt.query_map([millis(cutoff)], |r| r.get(0))?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })?;
        let mut out = Vec::new();
        for g in gone {
            let server = super::server::parse_server(&g)?;
            let purged = self.inner.writer.write(move |c| {
                // Still gone? It may have come back since the read.
                let still: i64 = c.query_row(
                    "SELECT COUNT(*) FROM guilds WHERE guild = ?1 AND left_at <= ?2",
                    params![server, millis(cutoff)],
                    |r| r.get(0),
                )?;
                if still == 0 {
                    return Ok(None);
                }
                let of_server = "(SELECT id FROM discussions WHERE guild = ?1)";
                for table in [
                    "votes",
                    "option_counts",
                    "replies",
                    "answers",
                    "statements",
                    "weigh_seeds",
                    "stance_history",
                ] {
                    c.execute(
                        &format!("DELETE FROM {table} WHERE discussion IN {of_server}"),
                        [server],
                    )?;
                }
                for table in [
                    "schedule_slots",
                    "schedule_state",
                    "schedules",
                    "guild_settings",
                    "settings_changes",
                ] {
                    c.execute(&format!("DELETE FROM {table} WHERE guild = ?1"), [server])?;
                }
                let discussions =
                    c.execute("DELETE FROM discussions WHERE guild = ?1", [server])?;
                c.execute("DELETE FROM guilds WHERE guild = ?1", [server])?;
                Ok(Some(Purged {
                    server,
                    discussions: discussions as u64,
                }))
            })?;
            out.extend(purged);
        }
        Ok(out)
    }

    /// Every server with discussions, schedules or settings.
    pub fn servers(&self) -> Result<Vec<ServerId>, StoreError> {
        let keys: Vec<String> = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT guild FROM discussions WHERE guild IS NOT NULL
                 UNION SELECT guild FROM schedules UNION SELECT guild FROM guild_settings
                 ORDER BY 1",
            )?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<Result<_, _>>().map_err(StoreError::from)
        })?;
        keys.iter().map(|k| parse_server(k)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_ids_read_back_as_written() {
        for s in [
            ServerId::Console,
            ServerId::Guild(1),
            ServerId::Guild(u64::MAX),
        ] {
            assert_eq!(s.to_string().parse::<ServerId>(), Ok(s));
        }
        for bad in ["", "0", "-3", "guild", "1.5"] {
            assert!(bad.parse::<ServerId>().is_err(), "{bad}");
        }
    }
}
