//! Prompts authored from Discord: per server, a working draft and a version for each approval (who
//! and when). The files in `prompts/` are not here: they are loaded for every server as before.
//! What may be stored (validation, neutrality) is decided by the core (`library`); this only keeps it.

use super::{from_millis, millis, ServerId, Store, StoreError};
use crate::prompt::Prompt;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};

/// A prompt as the store keeps it for one server.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPrompt {
    pub id: String,
    /// The working copy, if it was changed since the last approval (or never approved).
    pub draft: Option<Prompt>,
    /// The latest approved version and its number (1, 2, …).
    pub approved: Option<Approval>,
    /// Who last changed the draft (or imported it), and when.
    pub changed_by: String,
    pub changed_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Approval {
    pub version: u32,
    pub prompt: Prompt,
    pub by: String,
    pub at: Timestamp,
}

impl StoredPrompt {
    /// The text a moderator works on: the draft, else the approved version.
    pub fn current(&self) -> Option<&Prompt> {
        self.draft
            .as_ref()
            .or(self.approved.as_ref().map(|a| &a.prompt))
    }
}

fn to_json(p: &Prompt) -> Result<String, StoreError> {
    serde_json::to_string(p).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json(s: &str) -> Result<Prompt, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("a stored prompt: {e}")))
}

fn read_one(
    c: &Connection,
    server: ServerId,
    id: &str,
) -> Result<Option<StoredPrompt>, StoreError> {
    let row = c
        .prepare_cached(
            "SELECT p.draft, p.version, p.changed_by, p.changed_at, v.prompt, v.approved_by, v.approved_at
             FROM prompts p LEFT JOIN prompt_versions v
               ON v.guild = p.guild AND v.id = p.id AND v.version = p.version
             WHERE p.guild = ?1 AND p.id = ?2",
        )?
        .query_row(params![server, id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })
        .optional()?;
    let Some((draft, version, changed_by, changed_at, approved, approved_by, approved_at)) = row
    else {
        return Ok(None);
    };
    let approved = match (approved, approved_by, approved_at) {
        (Some(p), Some(by), Some(at)) if version > 0 => Some(Approval {
            version: version as u32,
            prompt: from_json(&p)?,
            by,
            at: from_millis(at)?,
        }),
        _ => None,
    };
    Ok(Some(StoredPrompt {
        id: id.to_string(),
        draft: draft.as_deref().map(from_json).transpose()?,
        approved,
        changed_by,
        changed_at: from_millis(changed_at)?,
    }))
}

impl Store {
    /// Saves a prompt's working draft for a server (a new prompt, or a change to one).
    pub fn save_prompt_draft(
        &self,
        server: ServerId,
        prompt: &Prompt,
        by: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        let (id, json, by, at) = (
            prompt.id.clone(),
            to_json(prompt)?,
            by.to_string(),
            millis(at),
        );
        self.inner.writer.write(move |c| {
            c.execute(
                "INSERT INTO prompts (guild, id, draft, changed_by, changed_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (guild, id) DO UPDATE SET draft = ?3, changed_by = ?4, changed_at = ?5",
                params![server, id, json, by, at],
            )?;
            Ok(())
        })
    }

    /// Approves a prompt: `prompt` (the draft the moderator saw, checked by the core) becomes the
    /// next version, recorded with who and when, and the draft is cleared. Returns the version.
    pub fn approve_prompt(
        &self,
        server: ServerId,
        prompt: &Prompt,
        by: &str,
        at: Timestamp,
    ) -> Result<u32, StoreError> {
        let (id, json, by, at) = (
            prompt.id.clone(),
            to_json(prompt)?,
            by.to_string(),
            millis(at),
        );
        self.inner.writer.write(move |c| {
            let version: i64 = c
                .query_row(
                    "SELECT version FROM prompts WHERE guild = ?1 AND id = ?2",
                    params![server, id],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0)
                + 1;
            c.execute(
                "INSERT INTO prompt_versions (guild, id, version, prompt, approved_by, approved_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![server, id, version, json, by, at],
            )?;
            c.execute(
                "INSERT INTO prompts (guild, id, draft, version, changed_by, changed_at) VALUES (?1, ?2, NULL, ?3, ?4, ?5)
                 ON CONFLICT (guild, id) DO UPDATE SET draft = NULL, version = ?3",
                params![server, id, version, by, at],
            )?;
            Ok(version as u32)
        })
    }

    /// Keeps the article a prompt was drafted from (its quotes are checked against it).
    pub fn save_prompt_article(
        &self,
        server: ServerId,
        id: &str,
        article: &str,
    ) -> Result<(), StoreError> {
        let (id, article) = (id.to_string(), article.to_string());
        self.inner.writer.write(move |c| {
            c.execute(
                "INSERT INTO prompt_articles (guild, id, article) VALUES (?1, ?2, ?3)
                 ON CONFLICT (guild, id) DO UPDATE SET article = ?3",
                params![server, id, article],
            )?;
            Ok(())
        })
    }

    /// The article a prompt was drafted from, if it was drafted here.
    pub fn prompt_article(&self, server: ServerId, id: &str) -> Result<Option<String>, StoreError> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT article FROM prompt_articles WHERE guild = ?1 AND id = ?2",
            )?
            .query_row(params![server, id], |r| r.get(0))
            .optional()?)
        })
    }

    /// Deletes a prompt and its versions from a server. Returns whether it existed.
    pub fn delete_prompt(&self, server: ServerId, id: &str) -> Result<bool, StoreError> {
        let id = id.to_string();
        self.inner.writer.write(move |c| {
            c.execute(
                "DELETE FROM prompt_articles WHERE guild = ?1 AND id = ?2",
                params![server, id],
            )?;
            c.execute(
                "DELETE FROM prompt_versions WHERE guild = ?1 AND id = ?2",
                params![server, id],
            )?;
            Ok(c.execute(
                "DELETE FROM prompts WHERE guild = ?1 AND id = ?2",
                params![server, id],
            )? > 0)
        })
    }

    pub fn stored_prompt(
        &self,
        server: ServerId,
        id: &str,
    ) -> Result<Option<StoredPrompt>, StoreError> {
        self.read(|c| read_one(c, server, id))
    }

    /// Every prompt stored for a server, by id.
    pub fn stored_prompts(&self, server: ServerId) -> Result<Vec<StoredPrompt>, StoreError> {
        self.read(|c| {
            let ids: Vec<String> = c
                .prepare_cached("SELECT id FROM prompts WHERE guild = ?1 ORDER BY id")?
                .query_map(params![server], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(p) = read_one(c, server, &id)? {
                    out.push(p);
                }
            }
            Ok(out)
        })
    }

    /// The latest approved version of every prompt a server approved, by id.
    pub fn approved_prompts(&self, server: ServerId) -> Result<Vec<Prompt>, StoreError> {
        self.read(|c| {
            let rows: Vec<String> = c
                .prepare_cached(
                    "SELECT v.prompt FROM prompts p JOIN prompt_versions v
                       ON v.guild = p.guild AND v.id = p.id AND v.version = p.version
                     WHERE p.guild = ?1 ORDER BY p.id",
                )?
                .query_map(params![server], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            rows.iter().map(|s| from_json(s)).collect()
        })
    }

    /// The servers that have stored prompts (for `prompts export` and `check`).
    pub fn prompt_servers(&self) -> Result<Vec<ServerId>, StoreError> {
        self.read(|c| {
            let names: Vec<String> = c
                .prepare_cached("SELECT DISTINCT guild FROM prompts ORDER BY guild")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            names
                .iter()
                .map(|n| n.parse().map_err(StoreError::Corrupt))
                .collect()
        })
    }

    /// Whether a discussion of this prompt is still open (a prompt in use is not deleted).
    pub fn prompt_open(&self, server: ServerId, id: &str) -> Result<bool, StoreError> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT EXISTS (SELECT 1 FROM discussions WHERE guild = ?1 AND prompt_id = ?2 AND closed_at IS NULL)",
                params![server, id],
                |r| r.get(0),
            )?)
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{ServerId, Store, StoreConfig};
    use jiff::Timestamp;

    fn seed(id: &str) -> crate::prompt::Prompt {
        let mut p = crate::prompt::Prompt::from_str_at(
            std::path::Path::new("prompts/syria-strike-2017.toml"),
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap();
        p.id = id.to_string();
        p
    }

    const G1: ServerId = ServerId::Guild(1);
    const G2: ServerId = ServerId::Guild(2);

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn each_approval_is_a_version_with_who_and_when() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db"), &StoreConfig::default()).unwrap();
        let mut p = seed("next-week");
        store.save_prompt_draft(G1, &p, "ana", at(0)).unwrap();
        let s = store.stored_prompt(G1, "next-week").unwrap().unwrap();
        assert!(s.approved.is_none());
        assert_eq!((s.changed_by.as_str(), s.changed_at), ("ana", at(0)));
        assert!(store.approved_prompts(G1).unwrap().is_empty());

        assert_eq!(store.approve_prompt(G1, &p, "ben", at(5)).unwrap(), 1);
        p.title = "A second title".into();
        store.save_prompt_draft(G1, &p, "ana", at(9)).unwrap();
        let s = store.stored_prompt(G1, "next-week").unwrap().unwrap();
        let a = s.approved.as_ref().unwrap();
        assert_eq!((a.version, a.by.as_str(), a.at), (1, "ben", at(5)));
        assert_ne!(a.prompt.title, "A second title");
        assert_eq!(s.current().unwrap().title, "A second title");
        // Until approved again, the schedule posts version 1.
        assert_ne!(
            store.approved_prompts(G1).unwrap()[0].title,
            "A second title"
        );
        assert_eq!(store.approve_prompt(G1, &p, "cy", at(12)).unwrap(), 2);
        let s = store.stored_prompt(G1, "next-week").unwrap().unwrap();
        assert!(s.draft.is_none());
        assert_eq!(s.approved.unwrap().prompt.title, "A second title");
    }

    #[test]
    fn prompts_belong_to_their_server() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db"), &StoreConfig::default()).unwrap();
        store
            .approve_prompt(G1, &seed("mine"), "ana", at(0))
            .unwrap();
        assert!(store.stored_prompt(G2, "mine").unwrap().is_none());
        assert!(store.approved_prompts(G2).unwrap().is_empty());
        assert!(!store.delete_prompt(G2, "mine").unwrap());
        assert_eq!(store.approved_prompts(G1).unwrap().len(), 1);
        assert!(store.delete_prompt(G1, "mine").unwrap());
        assert!(store.stored_prompts(G1).unwrap().is_empty());
    }

    #[test]
    fn a_drafts_article_is_kept_per_server_and_goes_with_the_prompt() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db"), &StoreConfig::default()).unwrap();
        store
            .save_prompt_draft(G1, &seed("a"), "ana", at(0))
            .unwrap();
        store.save_prompt_article(G1, "a", "The text.").unwrap();
        assert_eq!(
            store.prompt_article(G1, "a").unwrap().as_deref(),
            Some("The text.")
        );
        assert_eq!(store.prompt_article(G2, "a").unwrap(), None);
        store.delete_prompt(G1, "a").unwrap();
        assert_eq!(store.prompt_article(G1, "a").unwrap(), None);
    }

    #[test]
    fn stored_prompts_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        {
            let store = Store::open(&path, &StoreConfig::default()).unwrap();
            store
                .approve_prompt(G1, &seed("kept"), "ana", at(0))
                .unwrap();
        }
        let store = Store::open(&path, &StoreConfig::default()).unwrap();
        assert_eq!(store.approved_prompts(G1).unwrap()[0].id, "kept");
        assert_eq!(store.prompt_servers().unwrap(), vec![G1]);
    }
}
