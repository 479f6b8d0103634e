//! Members' suggestions of articles (`suggestions`): a link or an attachment's address, an
//! optional note, when, and the moderators' decision (drafted or dismissed) with who made it.
//! Every lookup takes the server; a suggestion of another server is not found. A new suggestion
//! is counted against the member's limit in the same transaction that stores it, so two at once
//! cannot both slip under it.

use super::{from_millis, millis, ServerId, Store, StoreError};
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionState {
    Open,
    Drafted,
    Dismissed,
}

impl SuggestionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SuggestionState::Open => "open",
            SuggestionState::Drafted => "drafted",
            SuggestionState::Dismissed => "dismissed",
        }
    }

    fn parse(s: &str) -> Result<SuggestionState, StoreError> {
        Ok(match s {
            "open" => SuggestionState::Open,
            "drafted" => SuggestionState::Drafted,
            "dismissed" => SuggestionState::Dismissed,
            other => return Err(StoreError::Corrupt(format!("suggestion state `{other}`"))),
        })
    }
}

/// A suggestion as it is to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSuggestion {
    pub member: String,
    pub link: Option<String>,
    /// An attachment's address (Discord's CDN), with its file name.
    pub attachment: Option<String>,
    pub filename: Option<String>,
    pub note: Option<String>,
    /// An attached file's text, read when it was suggested.
    pub body: Option<String>,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuggestionRecord {
    pub id: i64,
    pub server: ServerId,
    pub member: String,
    pub link: Option<String>,
    pub attachment: Option<String>,
    pub filename: Option<String>,
    pub note: Option<String>,
    /// An attached file's text, read when it was suggested.
    pub body: Option<String>,
    pub at: Timestamp,
    pub state: SuggestionState,
    pub decided_by: Option<String>,
}

/// What [`Store::add_suggestion`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Stored(SuggestionRecord),
    /// The member made `limit` suggestions since the window's start already; the oldest of them
    /// was made at `oldest`. Nothing was stored.
    Limited {
        oldest: Timestamp,
    },
}

/// What [`Store::decide_suggestion`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decided {
    /// The open suggestion is decided now.
    Changed(SuggestionRecord),
    /// It was decided already (nothing changed): as it stands.
    Already(SuggestionRecord),
}

const COLUMNS: &str = "id, member, link, attachment, filename, note, at, state, decided_by, body";

fn row(server: ServerId, r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        server,
        member: r.get(1)?,
        link: r.get(2)?,
        attachment: r.get(3)?,
        filename: r.get(4)?,
        note: r.get(5)?,
        at: r.get(6)?,
        state: r.get(7)?,
        decided_by: r.get(8)?,
        body: r.get(9)?,
    })
}

struct Raw {
    id: i64,
    server: ServerId,
    member: String,
    link: Option<String>,
    attachment: Option<String>,
    filename: Option<String>,
    note: Option<String>,
    at: i64,
    state: String,
    decided_by: Option<String>,
    body: Option<String>,
}

impl Raw {
    fn parse(self) -> Result<SuggestionRecord, StoreError> {
        Ok(SuggestionRecord {
            id: self.id,
            server: self.server,
            member: self.member,
            link: self.link,
            attachment: self.attachment,
            filename: self.filename,
            note: self.note,
            body: self.body,
            at: from_millis(self.at)?,
            state: SuggestionState::parse(&self.state)?,
            decided_by: self.decided_by,
        })
    }
}

fn read_one(
    c: &Connection,
    server: ServerId,
    id: i64,
) -> Result<Option<SuggestionRecord>, StoreError> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM suggestions WHERE guild = ?1 AND id = ?2"
    ))?
    .query_row(params![server, id], |r| row(server, r))
    .optional()?
    .map(Raw::parse)
    .transpose()
}

/// `member`'s suggestions in `server`, oldest first.
pub(super) fn of_member(
    c: &Connection,
    server: ServerId,
    member: &str,
) -> Result<Vec<SuggestionRecord>, StoreError> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM suggestions WHERE guild = ?1 AND member = ?2 ORDER BY at, id"
    ))?;
    let rows = stmt.query_map(params![server, member], |r| row(server, r))?;
    rows.map(|r| r.map_err(StoreError::from).and_then(Raw::parse))
        .collect()
}

/// Removes `member`'s suggestions in `server`; how many.
pub(super) fn forget_member(
    c: &Connection,
    server: ServerId,
    member: &str,
) -> Result<u64, StoreError> {
    Ok(
        c.prepare_cached("DELETE FROM suggestions WHERE guild = ?1 AND member = ?2")?
            .execute(params![server, member])? as u64,
    )
}

impl Store {
    /// Stores a suggestion of `server`, unless its member made `limit` or more since `since`
    /// (counted in the same transaction).
    pub fn add_suggestion(
        &self,
        server: ServerId,
        new: NewSuggestion,
        limit: u32,
        since: Timestamp,
    ) -> Result<Added, StoreError> {
        self.inner.writer.write(move |c| {
            let (count, oldest): (u32, Option<i64>) = c.query_row(
                "SELECT COUNT(*), MIN(at) FROM suggestions WHERE guild = ?1 AND member = ?2 AND at > ?3",
                params![server, new.member, millis(since)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if count >= limit {
                let oldest = oldest.map(from_millis).transpose()?.unwrap_or(new.at);
                return Ok(Added::Limited { oldest });
            }
            c.execute(
                "INSERT INTO suggestions (guild, member, link, attachment, filename, note, at, state, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'open', ?8)",
                params![
                    server,
                    new.member,
                    new.link,
                    new.attachment,
                    new.filename,
                    new.note,
                    millis(new.at),
                    new.body
                ],
            )?;
            let id = c.last_insert_rowid();
            read_one(c, server, id)?
                .map(Added::Stored)
                .ok_or_else(|| StoreError::Corrupt(format!("suggestion {id} vanished")))
        })
    }

    /// The suggestion `id` of `server`.
    pub fn suggestion(
        &self,
        server: ServerId,
        id: i64,
    ) -> Result<Option<SuggestionRecord>, StoreError> {
        self.read(|c| read_one(c, server, id))
    }

    /// Decides the open suggestion `id` of `server` (`state`: drafted or dismissed), with who;
    /// `None`: no such suggestion in `server`.
    pub fn decide_suggestion(
        &self,
        server: ServerId,
        id: i64,
        state: SuggestionState,
        by: &str,
    ) -> Result<Option<Decided>, StoreError> {
        let by = by.to_string();
        self.inner.writer.write(move |c| {
            let changed = c.execute(
                "UPDATE suggestions SET state = ?3, decided_by = ?4
                 WHERE guild = ?1 AND id = ?2 AND state = 'open'",
                params![server, id, state.as_str(), by],
            )? > 0;
            Ok(read_one(c, server, id)?.map(|r| {
                if changed {
                    Decided::Changed(r)
                } else {
                    Decided::Already(r)
                }
            }))
        })
    }

    /// Records where the moderators' log shows suggestion `id` of `server`.
    pub fn set_suggestion_message(
        &self,
        server: ServerId,
        id: i64,
        channel: u64,
        message: u64,
    ) -> Result<(), StoreError> {
        self.inner.writer.write(move |c| {
            c.execute(
                "UPDATE suggestions SET channel = ?3, message_id = ?4 WHERE guild = ?1 AND id = ?2",
                params![server, id, channel.to_string(), message.to_string()],
            )?;
            Ok(())
        })
    }

    /// The log messages `(channel, message)` that show `member`'s suggestions in `server`.
    pub fn suggestion_messages(
        &self,
        server: ServerId,
        member: &str,
    ) -> Result<Vec<(u64, u64)>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT channel, message_id FROM suggestions
                 WHERE guild = ?1 AND member = ?2 AND message_id IS NOT NULL ORDER BY id",
            )?;
            let rows = stmt.query_map(params![server, member], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (channel, message) = row?;
                if let (Ok(c), Ok(m)) = (channel.parse(), message.parse()) {
                    out.push((c, m));
                }
            }
            Ok(out)
        })
    }

    /// `member`'s suggestions in `server`, oldest first.
    pub fn member_suggestions(
        &self,
        server: ServerId,
        member: &str,
    ) -> Result<Vec<SuggestionRecord>, StoreError> {
        self.read(|c| of_member(c, server, member))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn link(member: &str, at: &str) -> NewSuggestion {
        NewSuggestion {
            member: member.into(),
            link: Some("https://example.org/a".into()),
            attachment: None,
            filename: None,
            note: Some("worth a week".into()),
            body: None,
            at: t(at),
        }
    }

    #[test]
    fn a_suggestion_is_counted_against_its_members_limit_in_its_server_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db"), &Default::default()).unwrap();
        let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
        let since = t("2026-12-01T00:00:00Z");
        for at in ["2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"] {
            assert!(matches!(
                store.add_suggestion(a, link("m", at), 2, since).unwrap(),
                Added::Stored(_)
            ));
        }
        assert_eq!(
            store
                .add_suggestion(a, link("m", "2026-12-01T12:00:00Z"), 2, since)
                .unwrap(),
            Added::Limited {
                oldest: t("2026-12-01T10:00:00Z")
            }
        );
        // Another server, another member: their own counts.
        assert!(matches!(
            store
                .add_suggestion(b, link("m", "2026-12-01T12:00:00Z"), 2, since)
                .unwrap(),
            Added::Stored(_)
        ));
        assert!(matches!(
            store
                .add_suggestion(a, link("n", "2026-12-01T12:00:00Z"), 2, since)
                .unwrap(),
            Added::Stored(_)
        ));
        assert_eq!(store.member_suggestions(a, "m").unwrap().len(), 2);
        assert_eq!(store.member_suggestions(b, "m").unwrap().len(), 1);
    }

    #[test]
    fn a_suggestion_is_decided_once_and_only_in_its_server() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db"), &Default::default()).unwrap();
        let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
        let Added::Stored(s) = store
            .add_suggestion(
                a,
                link("m", "2026-12-01T10:00:00Z"),
                3,
                t("2026-11-30T10:00:00Z"),
            )
            .unwrap()
        else {
            panic!("not stored")
        };
        assert_eq!(s.state, SuggestionState::Open);
        assert_eq!(
            store
                .decide_suggestion(b, s.id, SuggestionState::Dismissed, "eve (9)")
                .unwrap(),
            None
        );
        assert_eq!(store.suggestion(b, s.id).unwrap(), None);
        let Some(Decided::Changed(d)) = store
            .decide_suggestion(a, s.id, SuggestionState::Drafted, "rosa (1)")
            .unwrap()
        else {
            panic!("not decided")
        };
        assert_eq!(
            (d.state, d.decided_by.as_deref()),
            (SuggestionState::Drafted, Some("rosa (1)"))
        );
        let Some(Decided::Already(again)) = store
            .decide_suggestion(a, s.id, SuggestionState::Dismissed, "ana (2)")
            .unwrap()
        else {
            panic!("decided twice")
        };
        assert_eq!(again, d);
    }
}
