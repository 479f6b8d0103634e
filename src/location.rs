//! Where in a text file a problem sits: byte offsets from `toml`'s spans turned into line and column.

use std::fmt;
use std::path::{Path, PathBuf};

/// A problem found in an input file, located to the line and named by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The field's path in the file, e.g. `options[2].label`; empty when the file itself is the problem.
    pub field: String,
    pub message: String,
}

impl Problem {
    pub fn at(
        file: &Path,
        text: &str,
        offset: usize,
        field: &str,
        message: impl Into<String>,
    ) -> Self {
        let (line, column) = line_col(text, offset);
        Self {
            file: file.to_path_buf(),
            line,
            column,
            field: field.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Line 0: the problem is the file itself (missing, unreadable), not a place in it.
        if self.line == 0 {
            write!(f, "{}: ", self.file.display())?;
        } else {
            write!(f, "{}:{}:{}: ", self.file.display(), self.line, self.column)?;
        }
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// A value out of bounds, named by its field relative to the section that checked it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// One step of a path into a TOML document: a key, or an index into an array (of tables).
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Name(&'a str),
    Index(usize),
}

/// Byte offset of the value at `keys` in a TOML `text`, from the parser's spans. When the last key
/// is absent (a default), the deepest value that is present is pointed at; 0 when the text does not
/// parse or nothing on the path is present.
pub fn value_offset(text: &str, keys: &[Key]) -> usize {
    use toml::de::{DeTable, DeValue};
    let Ok(root) = DeTable::parse(text) else {
        return 0;
    };
    let mut offset = 0;
    let mut table = Some(root.get_ref());
    let mut array: Option<&toml::de::DeArray> = None;
    for key in keys {
        let found = match (key, table, array) {
            (Key::Name(name), Some(t), _) => t.get(*name),
            (Key::Index(i), _, Some(a)) => a.get(*i),
            _ => None,
        };
        let Some(value) = found else { break };
        offset = value.span().start;
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a),
            _ => {}
        }
    }
    offset
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Turns a `toml` deserialization error into a located problem. Serde's messages name the field
/// ("missing field `question`", "unknown field `foo`"): that name becomes the problem's field.
pub fn from_toml_error(file: &Path, text: &str, err: &toml::de::Error) -> Problem {
    let offset = err.span().map_or(0, |s| s.start);
    let message = err.message().trim().to_string();
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field"))
        .unwrap_or("")
        .to_string();
    Problem::at(file, text, offset, &field, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 10), (2, 4));
    }

    #[test]
    fn value_offset_follows_the_parsed_span_not_a_text_search() {
        let text = "# max_reply_chars is set below\n[discussion]\nduration_hours = 3\nmax_reply_chars = 0\n";
        let at = value_offset(
            text,
            &[Key::Name("discussion"), Key::Name("max_reply_chars")],
        );
        assert_eq!(line_col(text, at), (4, 19));
    }

    #[test]
    fn value_offset_reaches_dotted_keys_and_arrays_of_tables() {
        let text = "discussion.duration_hours = 0\n[[schedule]]\nname = \"a\"\n[[schedule]]\nname = \"b\"\ngrace_hours = 999\n";
        let at = value_offset(
            text,
            &[Key::Name("discussion"), Key::Name("duration_hours")],
        );
        assert_eq!(line_col(text, at), (1, 29));
        let at = value_offset(
            text,
            &[
                Key::Name("schedule"),
                Key::Index(1),
                Key::Name("grace_hours"),
            ],
        );
        assert_eq!(line_col(text, at), (6, 15));
    }

    #[test]
    fn problem_prints_file_line_field_and_message() {
        let p = Problem::at(Path::new("p.toml"), "x\ny", 2, "title", "is empty");
        assert_eq!(p.to_string(), "p.toml:2:1: title: is empty");
    }

    #[test]
    fn a_problem_with_the_file_itself_names_no_line() {
        let p = Problem {
            file: PathBuf::from("nope"),
            line: 0,
            column: 0,
            field: String::new(),
            message: "cannot read the prompts directory".into(),
        };
        assert_eq!(p.to_string(), "nope: cannot read the prompts directory");
    }
}
