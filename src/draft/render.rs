//! The draft as a prompt file: TOML in the layout of `prompts/`, with comments telling the moderator
//! what to review. Strings are written as TOML basic strings with every special character escaped;
//! long texts as multi-line strings wrapped with line-ending backslashes, which TOML joins back.

use super::Draft;
use crate::prompt::PLACEHOLDER;
use std::fmt::Write;

/// A TOML basic string: `"..."` with `\`, `"` and control characters escaped.
pub(crate) fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// A long text as a multi-line basic string wrapped near `width` columns; short texts, and texts whose
/// spacing the wrapping would change, as a basic string.
pub(crate) fn long(s: &str, width: usize) -> String {
    let spacing_safe = !s.contains("  ") && s.trim() == s && !s.contains(['\n', '\t', '\r']);
    if s.chars().count() <= width || !spacing_safe {
        return basic(s);
    }
    let mut out = String::from("\"\"\"\n");
    let mut line = String::new();
    for word in s.split(' ') {
        let mut escaped = String::new();
        escape_into(&mut escaped, word);
        if !line.is_empty() && line.chars().count() + escaped.chars().count() + 2 > width {
            out.push_str(&line);
            out.push_str(" \\\n");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&escaped);
    }
    out.push_str(&line);
    out.push_str("\"\"\"");
    out
}

/// The draft as the text of a prompt file.
pub fn to_toml(d: &Draft) -> String {
    let p = &d.prompt;
    let a = &d.analysis;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# DRAFT made by `roundtable draft`: review every field before this prompt runs. Save it as\n\
         # prompts/{}.toml (the file name is the prompt's id).\n\
         # - title and summary: the summary is extractive (the article's own sentences, in its order, at\n\
         #   most about the configured number of words); sentences that judge in the author's voice are left\n\
         #   out and doubt-casting verbs (\"claimed\") read \"said\". Check it is fair and complete.\n\
         # - actors: found from who the article says spoke. Check each name, role, digest and quote, and\n\
         #   remove anyone who does not belong. Quotes are verbatim; digests are in the bot's voice.\n\
         # - options: the draft does not know the stances. Every label starting with `{PLACEHOLDER}` must be\n\
         #   replaced, and its key made lasting: `roundtable check` refuses the prompt until then.\n\
         # - `roundtable check --strict` also reports any loaded word left in the bot's voice.",
        p.id
    );
    let _ = writeln!(t, "title = {}", basic(&p.title));
    if a.question_from_article {
        let _ = writeln!(t, "# The article's closing question, verbatim.");
    } else {
        let _ = writeln!(
            t,
            "# The article asks its readers no question: this is the default (config `draft.default_question`)."
        );
    }
    let _ = writeln!(t, "question = {}", basic(&p.question));
    let _ = writeln!(
        t,
        "# {} sentences, {} words.",
        a.summary.len(),
        p.summary.split_whitespace().count()
    );
    let _ = writeln!(t, "summary = {}", long(&p.summary, 100));
    let _ = writeln!(t, "\n[source]");
    let _ = writeln!(t, "outlet = {}", basic(&p.source.outlet));
    for (k, v) in [
        ("author", &p.source.author),
        ("date", &p.source.date),
        ("link", &p.source.link),
    ] {
        if let Some(v) = v {
            let _ = writeln!(t, "{k} = {}", basic(v));
        }
    }
    for (actor, found) in p.actors.iter().zip(&a.actors) {
        let _ = writeln!(t);
        let statements = found.statements.len();
        if found.speaks {
            let _ = writeln!(
                t,
                "# Speaker: {} quote(s), {} attributed sentence(s) in the article.",
                actor.quotes.len(),
                statements
            );
        } else if statements > 0 {
            let _ = writeln!(
                t,
                "# Mentioned: the article reports a position for it without naming a speaker."
            );
        } else {
            let _ = writeln!(
                t,
                "# Mentioned {} time(s), with no statement in the article.",
                found.mentions
            );
        }
        if found.role.is_none() {
            let _ = writeln!(t, "# Review: the article gives no role.");
        }
        let _ = writeln!(t, "[[actors]]");
        let _ = writeln!(t, "name = {}", basic(&actor.name));
        let _ = writeln!(t, "role = {}", basic(&actor.role));
        let _ = writeln!(t, "digest = {}", long(&actor.digest, 100));
        if !actor.quotes.is_empty() {
            let _ = writeln!(t, "quotes = [");
            for q in &actor.quotes {
                let _ = writeln!(t, "  {},", basic(q));
            }
            let _ = writeln!(t, "]");
        }
    }
    let _ = writeln!(
        t,
        "\n# Answer options: 3 to 8 short neutral stances (labels at most 80 characters), keys of lowercase\n\
         # letters, digits, `-` and `_`. Keys are stored with votes: choose them once."
    );
    for o in &p.options {
        let _ = writeln!(t, "\n[[options]]");
        let _ = writeln!(t, "key = {}", basic(&o.key));
        let _ = writeln!(t, "label = {}", basic(&o.label));
    }
    t
}

/// A prompt as the text of a prompt file (`roundtable prompts export`): the layout of `prompts/`,
/// without the draft's review comments. [`crate::prompt::Prompt::from_str_at`] reads it back equal.
pub fn prompt_toml(p: &crate::prompt::Prompt) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "title = {}", basic(&p.title));
    let _ = writeln!(t, "question = {}", basic(&p.question));
    let _ = writeln!(t, "summary = {}", long(&p.summary, 100));
    let _ = writeln!(t, "\n[source]");
    let _ = writeln!(t, "outlet = {}", basic(&p.source.outlet));
    for (k, v) in [
        ("author", &p.source.author),
        ("date", &p.source.date),
        ("link", &p.source.link),
    ] {
        if let Some(v) = v {
            let _ = writeln!(t, "{k} = {}", basic(v));
        }
    }
    for actor in &p.actors {
        let _ = writeln!(t, "\n[[actors]]");
        let _ = writeln!(t, "name = {}", basic(&actor.name));
        let _ = writeln!(t, "role = {}", basic(&actor.role));
        let _ = writeln!(t, "digest = {}", long(&actor.digest, 100));
        let _ = writeln!(t, "quotes = [");
        for q in &actor.quotes {
            let _ = writeln!(t, "  {},", basic(q));
        }
        let _ = writeln!(t, "]");
    }
    for o in &p.options {
        let _ = writeln!(t, "\n[[options]]");
        let _ = writeln!(t, "key = {}", basic(&o.key));
        let _ = writeln!(t, "label = {}", basic(&o.label));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(serde::Deserialize)]
    struct One {
        v: String,
    }

    fn roundtrip(rendered: &str) -> String {
        let one: One = toml::from_str(&format!("v = {rendered}\n")).expect("valid TOML");
        one.v
    }

    #[test]
    fn special_characters_survive() {
        for s in [
            "a \"quote\"",
            "back\\slash",
            "tab\there",
            "line\nbreak",
            "“curly” – ‘single’",
            "\u{7}bell",
            "\"\"\"three",
        ] {
            assert_eq!(roundtrip(&basic(s)), s);
        }
    }

    #[test]
    fn long_texts_wrap_and_join_back() {
        let s = "word ".repeat(60).trim().to_string() + " \"end\\\"";
        let rendered = long(&s, 40);
        assert!(rendered.lines().count() > 5, "{rendered}");
        assert_eq!(roundtrip(&rendered), s);
    }

    #[test]
    fn a_prompt_file_written_reads_back_equal() {
        let path = std::path::Path::new("prompts/syria-strike-2017.toml");
        let p = crate::prompt::Prompt::from_str_at(
            path,
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap();
        let back = crate::prompt::Prompt::from_str_at(path, &prompt_toml(&p)).unwrap();
        assert_eq!(back, p);
    }

    proptest! {
        #[test]
        fn any_text_round_trips(s in "\\PC{0,200}") {
            prop_assert_eq!(roundtrip(&basic(&s)), s.clone());
            prop_assert_eq!(roundtrip(&long(&s, 30)), s);
        }

        #[test]
        fn any_spaced_text_round_trips_wrapped(words in proptest::collection::vec("[a-z\"\\\\“”’]{1,12}", 1..60)) {
            let s = words.join(" ");
            prop_assert_eq!(roundtrip(&long(&s, 30)), s);
        }
    }
}
