//! What each server set for itself from Discord (`/settings set`): one validated document per
//! server, and a log of every change with who made it. The document's shape belongs to
//! `crate::settings`; the store keeps it as written.

use super::{from_millis, millis, ServerId, Store, StoreError};
use jiff::Timestamp;
use rusqlite::{params, OptionalExtension};

/// A server's settings document as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSettings {
    /// JSON of `settings::ServerSettings`.
    pub document: String,
    pub changed_at: Timestamp,
    pub changed_by: String,
}

/// One change of a server's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingChange {
    pub at: Timestamp,
    pub by: String,
    pub setting: String,
    /// The new value as shown to people, or `default`.
    pub value: String,
}

impl Store {
    /// The settings `server` set for itself, if any.
    pub fn settings_document(
        &self,
        server: ServerId,
    ) -> Result<Option<StoredSettings>, StoreError> {
        self.read(|c| {
            let row = c
                .prepare_cached(
                    "SELECT settings, changed_at, changed_by FROM guild_settings WHERE guild = ?1",
                )?
                .query_row([server], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                })
                .optional()?;
            row.map(|(document, at, changed_by)| {
                Ok(StoredSettings {
                    document,
                    changed_at: from_millis(at)?,
                    changed_by,
                })
            })
            .transpose()
        })
    }

    /// Replaces the settings of `server` with `document` and logs the change, in one transaction.
    pub fn put_settings(
        &self,
        server: ServerId,
        document: &str,
        change: SettingChange,
    ) -> Result<(), StoreError> {
        let document = document.to_string();
        self.inner.writer.write(move |c| {
            let at = millis(change.at);
            c.execute(
                "INSERT INTO guild_settings (guild, settings, changed_at, changed_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (guild) DO UPDATE SET settings = excluded.settings,
                    changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                params![server, document, at, change.by],
            )?;
            c.execute(
                "INSERT INTO settings_changes (guild, at, by, setting, value) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![server, at, change.by, change.setting, change.value],
            )?;
            Ok(())
        })
    }

    /// The latest changes of `server`'s settings, newest first; at most `limit`.
    pub fn setting_changes(
        &self,
        server: ServerId,
        limit: usize,
    ) -> Result<Vec<SettingChange>, StoreError> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT at, by, setting, value FROM settings_changes WHERE guild = ?1 ORDER BY at DESC, id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![server, limit as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            rows.map(|r| {
                let (at, by, setting, value) = r?;
                Ok(SettingChange {
                    at: from_millis(at)?,
                    by,
                    setting,
                    value,
                })
            })
            .collect()
        })
    }
}
