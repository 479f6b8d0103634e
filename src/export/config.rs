//! The `[export]` section: how exports name members.

use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExportConfig {
    /// A file holding the secret key that turns member ids into pseudonyms in exports (read when
    /// `ROUNDTABLE_PSEUDONYM_KEY` is not set). Unset: the key file beside the database
    /// (`roundtable.pseudonym.key` beside `roundtable.db`). Created with a random key on the first
    /// export when missing.
    pub pseudonym_key_file: Option<PathBuf>,
    /// Export raw member ids (Discord ids) instead of pseudonyms.
    pub raw_member_ids: bool,
}
