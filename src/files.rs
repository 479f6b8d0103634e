//! Reading the files roundtable is pointed at (prompts, the config, token and key files,
//! articles): regular files only, and at most so many bytes. A FIFO or a device (a link to
//! `/dev/zero`) named like a prompt would otherwise hang a loader or fill the memory; such a file
//! is skipped with the reason instead.

use std::io::Read;
use std::path::Path;

/// The most a prompt or config file may hold (1 MiB; the seed prompt is under 10 KiB).
pub const MAX_TEXT_FILE: u64 = 1 << 20;
/// The most an article given to `draft` may hold (16 MiB).
pub const MAX_ARTICLE: u64 = 16 << 20;

/// Why a file was not read. The messages name no path: callers say which file it was.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Io(std::io::Error),
    #[error("not a regular file but {0}; skipped")]
    NotRegular(&'static str),
    #[error("{len} bytes, more than the {max} a file may have here; skipped")]
    TooLarge { len: u64, max: u64 },
}

impl FileError {
    pub fn is_not_found(&self) -> bool {
        matches!(self, FileError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

impl From<std::io::Error> for FileError {
    fn from(e: std::io::Error) -> Self {
        FileError::Io(e)
    }
}

fn kind(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// The bytes of `path` (links followed) if it is a regular file of at most `max` bytes.
pub fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, FileError> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(kind(&meta)));
    }
    if meta.len() > max {
        return Err(FileError::TooLarge {
            len: meta.len(),
            max,
        });
    }
    let file = std::fs::File::open(path)?;
    // The file may grow after the look: never read more than the cap allows.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(FileError::TooLarge {
            len: bytes.len() as u64,
            max,
        });
    }
    Ok(bytes)
}

/// [`read_bytes`] as UTF-8 text.
pub fn read_text(path: &Path, max: u64) -> Result<String, FileError> {
    String::from_utf8(read_bytes(path, max)?).map_err(|e| {
        FileError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_cap_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("ok.toml");
        std::fs::write(&ok, "a = 1\n").unwrap();
        assert_eq!(read_text(&ok, 100).unwrap(), "a = 1\n");
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "x".repeat(101)).unwrap();
        assert!(matches!(
            read_text(&big, 100),
            Err(FileError::TooLarge { len: 101, max: 100 })
        ));
        assert_eq!(
            read_text(dir.path(), 100).unwrap_err().to_string(),
            "not a regular file but a directory; skipped"
        );
        #[cfg(unix)]
        {
            let zero = dir.path().join("zero.toml");
            std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
            assert_eq!(
                read_text(&zero, 100).unwrap_err().to_string(),
                "not a regular file but a character device; skipped"
            );
        }
        assert!(read_text(&dir.path().join("none"), 100)
            .unwrap_err()
            .is_not_found());
    }
}
