//! The prompt library of a server: the files in `prompts/` (loaded for every server) and the prompts
//! its moderators drafted and approved in the store. One set of rules for both: a prompt is
//! approved only if it passes [`prompt::validate`] (Discord's limits, placeholders), and the
//! neutrality lint's findings are shown with every change. Schedules and `/discussion post` take
//! approved prompts from either source; a stored approved prompt with a file's id takes its place for
//! that server.

pub mod edit;

use crate::prompt::{self, lint, Catalog, Prompt};
use crate::store::{ServerId, Store, StoreError, StoredPrompt};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("no prompt `{0}` on this server")]
    NotFound(String),
    #[error("`{id}` cannot be approved yet:\n{}", problems.iter().map(|(f, m)| format!("• {f}: {m}")).collect::<Vec<_>>().join("\n"))]
    Invalid {
        id: String,
        problems: Vec<(String, String)>,
    },
    #[error("`{id}` is in use ({why}); it stays")]
    InUse { id: String, why: String },
    #[error("`{0}` is a prompt file in prompts/: remove the file on the host to retire it")]
    IsFile(String),
    #[error("`{0}` is not a prompt id: use lowercase letters, digits, `-` and `_` (at most 48)")]
    BadId(String),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{path}: {message}")]
    Files { path: PathBuf, message: String },
}

/// A server's catalog: the files, then its approved stored prompts (which replace a file's prompt
/// with the same id).
pub fn catalog_for(
    files: &Catalog,
    store: &Store,
    server: ServerId,
) -> Result<Catalog, StoreError> {
    let stored = store.approved_prompts(server)?;
    Ok(with_stored(files, stored))
}

pub fn with_stored(files: &Catalog, stored: Vec<Prompt>) -> Catalog {
    let mut prompts = files.prompts.clone();
    for p in stored {
        prompts.insert(p.id.clone(), p);
    }
    Catalog {
        prompts,
        problems: Vec::new(),
    }
}

/// Where a prompt a moderator can see comes from, and its state.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A file in `prompts/`.
    File(Box<Prompt>),
    /// In the store.
    Stored(Box<StoredPrompt>),
}

impl Entry {
    pub fn id(&self) -> &str {
        match self {
            Entry::File(p) => &p.id,
            Entry::Stored(s) => &s.id,
        }
    }

    /// The text a moderator works on.
    pub fn prompt(&self) -> Option<&Prompt> {
        match self {
            Entry::File(p) => Some(p.as_ref()),
            Entry::Stored(s) => s.current(),
        }
    }

    /// `draft`, `approved vN`, `approved vN, edited` or `file`.
    pub fn state(&self) -> String {
        match self {
            Entry::File(_) => "file".into(),
            Entry::Stored(s) => match (&s.approved, &s.draft) {
                (None, _) => "draft".into(),
                (Some(a), None) => format!("approved v{}", a.version),
                (Some(a), Some(_)) => format!("approved v{}, edited since", a.version),
            },
        }
    }
}

/// Every prompt a server sees, by id: its stored prompts and the files it has not replaced.
pub fn entries(files: &Catalog, store: &Store, server: ServerId) -> Result<Vec<Entry>, StoreError> {
    let stored = store.stored_prompts(server)?;
    let mut out: Vec<Entry> = files
        .prompts
        .values()
        .filter(|p| !stored.iter().any(|s| s.id == p.id))
        .cloned()
        .map(|p| Entry::File(Box::new(p)))
        .collect();
    out.extend(stored.into_iter().map(|s| Entry::Stored(Box::new(s))));
    out.sort_by(|a, b| a.id().cmp(b.id()));
    Ok(out)
}

pub fn find(
    files: &Catalog,
    store: &Store,
    server: ServerId,
    id: &str,
) -> Result<Option<Entry>, StoreError> {
    if let Some(s) = store.stored_prompt(server, id)? {
        return Ok(Some(Entry::Stored(Box::new(s))));
    }
    Ok(files.get(id).cloned().map(|p| Entry::File(Box::new(p))))
}

/// What a change to a prompt leaves to do: the rules it does not pass yet (approval is refused
/// until they do) and the neutrality findings (shown, not blocking).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    pub problems: Vec<(String, String)>,
    pub findings: Vec<lint::Finding>,
}

impl Review {
    pub fn of(p: &Prompt) -> Review {
        Review {
            problems: prompt::validate(p),
            findings: lint::lint(p),
        }
    }

    pub fn approvable(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Saves a draft (new, or a change) and says what is left to do.
pub fn save_draft(
    store: &Store,
    server: ServerId,
    p: &Prompt,
    by: &str,
    now: Timestamp,
) -> Result<Review, LibraryError> {
    if !valid_id(&p.id) {
        return Err(LibraryError::BadId(p.id.clone()));
    }
    store.save_prompt_draft(server, p, by, now)?;
    Ok(Review::of(p))
}

/// Approves a prompt: the stored draft (or a file, taken into the store) becomes the next version.
/// Refused, with every problem, unless it passes the prompt-file rules.
pub fn approve(
    files: &Catalog,
    store: &Store,
    server: ServerId,
    id: &str,
    by: &str,
    now: Timestamp,
) -> Result<u32, LibraryError> {
    let p = match find(files, store, server, id)? {
        None => return Err(LibraryError::NotFound(id.to_string())),
        Some(Entry::File(p)) => *p,
        Some(Entry::Stored(s)) => match s.draft.clone() {
            Some(d) => d,
            // Nothing changed since the last approval: approving again is a no-op.
            None => return Ok(s.approved.map(|a| a.version).unwrap_or(0)),
        },
    };
    let problems = prompt::validate(&p);
    if !problems.is_empty() {
        return Err(LibraryError::Invalid {
            id: id.to_string(),
            problems,
        });
    }
    Ok(store.approve_prompt(server, &p, by, now)?)
}

/// Deletes a stored prompt. Refused for a file, for a prompt a discussion still open was made from,
/// and for one a schedule names (`named_by` lists those schedules).
pub fn delete(
    files: &Catalog,
    store: &Store,
    server: ServerId,
    id: &str,
    named_by: &[String],
) -> Result<(), LibraryError> {
    match find(files, store, server, id)? {
        None => return Err(LibraryError::NotFound(id.to_string())),
        Some(Entry::File(_)) => return Err(LibraryError::IsFile(id.to_string())),
        Some(Entry::Stored(_)) => {}
    }
    if let Some(s) = named_by.first() {
        return Err(LibraryError::InUse {
            id: id.to_string(),
            why: format!("the schedule `{s}` names it"),
        });
    }
    if store.prompt_open(server, id)? {
        return Err(LibraryError::InUse {
            id: id.to_string(),
            why: "a discussion made from it is still open".into(),
        });
    }
    store.delete_prompt(server, id)?;
    Ok(())
}

pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= crate::limits::ours::PROMPT_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `roundtable prompts import DIR`: every prompt file in `dir` approved into a server's store, if
/// every file is good (else nothing is imported and every problem is listed). A prompt already
/// stored with the same text is left as it is. Returns the ids imported.
pub fn import_dir(
    store: &Store,
    server: ServerId,
    dir: &Path,
    by: &str,
    now: Timestamp,
) -> Result<Vec<String>, LibraryError> {
    let catalog = Catalog::load_dir(dir);
    if !catalog.is_clean() {
        let problems: Vec<String> = catalog.problems.iter().map(|p| p.to_string()).collect();
        return Err(LibraryError::Files {
            path: dir.to_path_buf(),
            message: format!("nothing imported:\n{}", problems.join("\n")),
        });
    }
    let mut out = Vec::new();
    for p in catalog.prompts.values() {
        if let Some(s) = store.stored_prompt(server, &p.id)? {
            if s.draft.is_none() && s.approved.as_ref().is_some_and(|a| &a.prompt == p) {
                continue;
            }
        }
        store.approve_prompt(server, p, by, now)?;
        out.push(p.id.clone());
    }
    Ok(out)
}

/// `roundtable prompts export DIR`: a server's approved stored prompts as prompt files
/// (`DIR/ID.toml`, replacing files of the same name). Returns the files written.
pub fn export_dir(
    store: &Store,
    server: ServerId,
    dir: &Path,
) -> Result<Vec<PathBuf>, LibraryError> {
    let fail = |path: &Path, e: std::io::Error| LibraryError::Files {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let mut out = Vec::new();
    for p in store.approved_prompts(server)? {
        let path = dir.join(format!("{}.toml", p.id));
        let partial = dir.join(format!(".{}.toml.partial", p.id));
        std::fs::write(&partial, crate::draft::prompt_toml(&p)).map_err(|e| fail(&partial, e))?;
        std::fs::rename(&partial, &path).map_err(|e| fail(&path, e))?;
        out.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
