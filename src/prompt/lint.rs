//! Neutrality lint: words that judge or cast doubt, found in the bot's own voice (outside quotes).
//! The word list is data (`data/loaded-words.txt`), compiled into the binary.

use super::Prompt;

const WORDS: &str = include_str!("../../data/loaded-words.txt");

/// One loaded word found in the bot's voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The prompt field, e.g. `actors[1].digest`.
    pub field: String,
    /// The word or phrase as listed.
    pub word: String,
    pub suggestion: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: \"{}\" judges in the bot's voice; suggestion: {}",
            self.field, self.word, self.suggestion
        )
    }
}

fn entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    WORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('|'))
        .map(|(w, s)| (w.trim(), s.trim()))
}

/// The fields of a prompt written in the bot's voice. Quotes are the actors' own words and are exempt.
pub fn voiced_fields(p: &Prompt) -> Vec<(String, &str)> {
    let mut out = vec![
        ("title".to_string(), p.title.as_str()),
        ("summary".to_string(), p.summary.as_str()),
        ("question".to_string(), p.question.as_str()),
    ];
    for (i, a) in p.actors.iter().enumerate() {
        out.push((format!("actors[{i}].role"), a.role.as_str()));
        out.push((format!("actors[{i}].digest"), a.digest.as_str()));
    }
    for (i, o) in p.options.iter().enumerate() {
        out.push((format!("options[{i}].label"), o.label.as_str()));
    }
    out
}

/// Every loaded word in the prompt's own voice.
pub fn lint(p: &Prompt) -> Vec<Finding> {
    let mut out = Vec::new();
    for (field, text) in voiced_fields(p) {
        let voice = outside_quotes(text).to_lowercase();
        for (word, suggestion) in entries() {
            if contains_word(&voice, word) {
                out.push(Finding {
                    field: field.clone(),
                    word: word.to_string(),
                    suggestion: suggestion.to_string(),
                });
            }
        }
    }
    out
}

/// The text with every quoted passage (straight or curly double quotes) blanked out.
pub fn outside_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '"' => {
                inside = !inside;
                out.push(' ');
            }
            '“' => {
                inside = true;
                out.push(' ');
            }
            '”' => {
                inside = false;
                out.push(' ');
            }
            _ if inside => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn contains_word(haystack: &str, needle: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '\'';
    haystack.match_indices(needle).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + needle.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_words_are_not_the_bots_voice() {
        assert!(!outside_quotes(r#"He called Assad a "tyrant"."#).contains("tyrant"));
        assert!(!contains_word(
            &outside_quotes("He called him a “tyrant”."),
            "tyrant"
        ));
        assert!(contains_word("putin claimed it", "claimed"));
        assert!(!contains_word("reclaimed land", "claimed"));
        assert!(contains_word("to gin up support", "gin up"));
    }

    #[test]
    fn every_listed_word_has_a_suggestion() {
        let n = entries().count();
        assert!(n >= 15, "only {n} entries");
        assert!(entries().all(|(w, s)| !w.is_empty() && !s.is_empty()));
    }
}
