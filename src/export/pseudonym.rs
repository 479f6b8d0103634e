//! Member ids in exports: pseudonyms by default (a keyed hash), raw ids only when configured.
//!
//! A pseudonym is the first 8 bytes (16 hex characters) of HMAC-SHA256(key, member id). The same
//! member gets the same pseudonym in every export made with the same key, so analyses can follow
//! members across discussions; without the key, pseudonyms cannot be traced back to Discord ids
//! (which are otherwise easy to enumerate and test). The key comes from `ROUNDTABLE_PSEUDONYM_KEY`,
//! else from `export.pseudonym_key_file`, else from the key file beside the database
//! ([`default_key_file`]); a missing file is created with a random key (mode 0600) on the first
//! export, so exports work out of the box. The key belongs with the database's backups.

use super::ExportError;
use crate::export::ExportConfig;
use hmac::{Hmac, Mac};
use rand::TryRngCore;
use sha2::Sha256;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The environment variable holding the pseudonym key.
pub const KEY_ENV: &str = "ROUNDTABLE_PSEUDONYM_KEY";
/// Shortest key accepted, in bytes.
pub const MIN_KEY_BYTES: usize = 16;
/// Length of a pseudonym, in hex characters.
pub const PSEUDONYM_HEX: usize = 16;

/// The key file used when neither the environment nor the configuration names a key: beside the
/// database, named after it (`roundtable.db` → `roundtable.pseudonym.key`).
pub fn default_key_file(database: &Path) -> PathBuf {
    database.with_extension("pseudonym.key")
}

/// How member ids appear in an export.
#[derive(Clone)]
pub enum MemberIds {
    /// As stored (Discord ids): only with `export.raw_member_ids = true`.
    Raw,
    Pseudonyms(Pseudonymizer),
}

impl std::fmt::Debug for MemberIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.write_str(self.describe())
    }
}

/// A keyed hash of member ids.
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl Pseudonymizer {
    /// A pseudonymizer with `key`, which must have at least [`MIN_KEY_BYTES`] bytes.
    pub fn new(key: &[u8], origin: &str) -> Result<Pseudonymizer, ExportError> {
        if key.len() < MIN_KEY_BYTES {
            return Err(ExportError::ShortKey {
                origin: origin.to_string(),
                len: key.len(),
            });
        }
        let mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| ExportError::ShortKey {
            origin: origin.to_string(),
            len: key.len(),
        })?;
        Ok(Pseudonymizer { mac })
    }

    /// The member's pseudonym: 16 lowercase hex characters.
    pub fn pseudonym(&self, member: &str) -> String {
        let digest = self
            .mac
            .clone()
            .chain_update(member.as_bytes())
            .finalize()
            .into_bytes();
        hex(&digest[..PSEUDONYM_HEX / 2])
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0F)]));
    }
    s
}

impl MemberIds {
    /// From the configuration and the process environment, for exports of `database`.
    pub fn from_config(config: &ExportConfig, database: &Path) -> Result<MemberIds, ExportError> {
        Self::resolve(config, std::env::var(KEY_ENV).ok().as_deref(), database)
    }

    /// From the configuration and the value of `ROUNDTABLE_PSEUDONYM_KEY` (if set); without
    /// either, the key file beside `database`.
    pub fn resolve(
        config: &ExportConfig,
        env_key: Option<&str>,
        database: &Path,
    ) -> Result<MemberIds, ExportError> {
        if config.raw_member_ids {
            return Ok(MemberIds::Raw);
        }
        if let Some(key) = env_key.map(str::trim).filter(|k| !k.is_empty()) {
            return Ok(MemberIds::Pseudonyms(Pseudonymizer::new(
                key.as_bytes(),
                KEY_ENV,
            )?));
        }
        let path = config
            .pseudonym_key_file
            .clone()
            .unwrap_or_else(|| default_key_file(database));
        let key = read_or_create_key(&path)?;
        Ok(MemberIds::Pseudonyms(Pseudonymizer::new(
            key.trim().as_bytes(),
            &path.display().to_string(),
        )?))
    }

    /// How `member` appears in the export.
    pub fn show<'a>(&self, member: &'a str) -> Cow<'a, str> {
        match self {
            MemberIds::Raw => Cow::Borrowed(member),
            MemberIds::Pseudonyms(p) => Cow::Owned(p.pseudonym(member)),
        }
    }

    /// In words, for an export's metadata.
    pub fn describe(&self) -> &'static str {
        match self {
            MemberIds::Raw => "raw",
            MemberIds::Pseudonyms(_) => "pseudonymized (HMAC-SHA256, first 16 hex characters)",
        }
    }
}

/// Reads the key file; when it does not exist, writes a new random key there (readable by its
/// owner only) and says so in the log. An existing key file that others may read is used, with a
/// warning saying how to fix it.
fn read_or_create_key(path: &Path) -> Result<String, ExportError> {
    use crate::files::{read_text, MAX_TEXT_FILE};
    let key_file = |cause| ExportError::KeyFile {
        path: path.to_path_buf(),
        cause,
    };
    match read_text(path, MAX_TEXT_FILE) {
        Ok(key) => {
            if let Some(warning) = loose_permissions(path) {
                tracing::warn!("{warning}");
            }
            Ok(key)
        }
        Err(e) if e.is_not_found() => {
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng
                .try_fill_bytes(&mut bytes)
                .map_err(|e| key_file(std::io::Error::other(e.to_string()).into()))?;
            let key = hex(&bytes);
            write_new_secret(path, &format!("{key}\n")).map_err(|e| key_file(e.into()))?;
            tracing::warn!(
                path = %path.display(),
                "created a new pseudonym key for exports; keep it secret and keep it (a new key gives every member a new pseudonym)"
            );
            // Another process may have won the race to create it: read what is there.
            read_text(path, MAX_TEXT_FILE).map_err(key_file)
        }
        Err(e) => Err(key_file(e)),
    }
}

/// A warning when the key file at `path` may be read by its group or by anyone (mode & 0o077).
pub fn loose_permissions(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then(|| {
            format!(
                "the pseudonym key file {} can be read by others (mode {mode:o}): anyone who reads \
                 the key can tell whose pseudonym is whose; run `chmod 600 {}`",
                path.display(),
                path.display()
            )
        })
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn write_new_secret(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        }
        // Someone else created it meanwhile: theirs stands.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn config(raw: bool, file: Option<PathBuf>) -> ExportConfig {
        ExportConfig {
            pseudonym_key_file: file,
            raw_member_ids: raw,
        }
    }

    const KEY_A: &str = "an export key of some length";
    const DB: &str = "/nonexistent/roundtable.db";
    const KEY_B: &str = "another export key, different";

    #[test]
    fn pseudonyms_are_stable_for_a_key_and_differ_across_keys() {
        let a = MemberIds::resolve(&config(false, None), Some(KEY_A), Path::new(DB)).unwrap();
        let a2 = MemberIds::resolve(&config(false, None), Some(KEY_A), Path::new(DB)).unwrap();
        let b = MemberIds::resolve(&config(false, None), Some(KEY_B), Path::new(DB)).unwrap();
        let member = "123456789012345678";
        let p = a.show(member);
        assert_eq!(p.len(), 16);
        assert!(p
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(p, a2.show(member));
        assert_ne!(p, b.show(member));
        assert_ne!(p, a.show("123456789012345679"));
        assert!(!p.contains(member));
    }

    #[test]
    fn pseudonym_is_the_truncated_hmac_sha256() {
        // RFC 4231, test case 1: key 0x0b × 20, data "Hi There".
        let p = Pseudonymizer::new(&[0x0b; 20], "test").unwrap();
        assert_eq!(p.pseudonym("Hi There"), "b0344c61d8db3853");
        assert_eq!(hex(&[0x00, 0xAB, 0xFF]), "00abff");
    }

    #[test]
    fn raw_ids_only_when_enabled() {
        let raw = MemberIds::resolve(&config(true, None), Some(KEY_A), Path::new(DB)).unwrap();
        assert_eq!(raw.show("123"), "123");
        let pseudo = MemberIds::resolve(&config(false, None), Some(KEY_A), Path::new(DB)).unwrap();
        assert_ne!(pseudo.show("123"), "123");
    }

    #[test]
    fn without_a_configured_key_the_key_file_beside_the_database_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("roundtable.db");
        let ids = MemberIds::resolve(&config(false, None), None, &db).unwrap();
        let file = dir.path().join("roundtable.pseudonym.key");
        assert_eq!(default_key_file(&db), file);
        assert_eq!(std::fs::read_to_string(&file).unwrap().trim().len(), 64);
        let again = MemberIds::resolve(&config(false, None), None, &db).unwrap();
        assert_eq!(ids.show("ana"), again.show("ana"));
        assert_ne!(ids.show("ana"), "ana");
    }

    #[test]
    fn a_short_key_is_refused_with_what_to_use() {
        let err = MemberIds::resolve(&config(false, None), Some("short"), Path::new(DB))
            .unwrap_err()
            .to_string();
        assert!(err.contains("too short (5 bytes)"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_key_file_readable_by_others_gets_a_warning() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("key");
        std::fs::write(&file, format!("{KEY_A}\n")).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let warning = loose_permissions(&file).expect("a warning");
        assert!(
            warning.contains("can be read by others (mode 644)") && warning.contains("chmod 600"),
            "{warning}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(loose_permissions(&file), None);
        // Still used: the warning does not stand in the way of an export.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(MemberIds::resolve(&config(false, Some(file)), None, Path::new(DB)).is_ok());
    }

    #[test]
    fn a_missing_key_file_is_created_once_with_a_random_key_readable_by_its_owner() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pseudonym.key");
        let first =
            MemberIds::resolve(&config(false, Some(file.clone())), None, Path::new(DB)).unwrap();
        let key = std::fs::read_to_string(&file).unwrap();
        assert_eq!(key.trim().len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        let again =
            MemberIds::resolve(&config(false, Some(file.clone())), None, Path::new(DB)).unwrap();
        assert_eq!(first.show("ana"), again.show("ana"));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), key);
        // The environment wins over the file.
        let env =
            MemberIds::resolve(&config(false, Some(file)), Some(KEY_A), Path::new(DB)).unwrap();
        assert_ne!(env.show("ana"), first.show("ana"));
    }
}
