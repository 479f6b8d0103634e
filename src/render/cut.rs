//! Cutting text to a limit at a word boundary, with an ellipsis, keeping the rest.

use crate::limits::chars;
use unicode_segmentation::UnicodeSegmentation;

pub const ELLIPSIS: &str = "…";

/// Splits `text` so the head (with a trailing ellipsis when cut) has at most `max` characters.
/// The cut falls between words where possible, never inside a grapheme. Returns the head and the
/// rest (`None` when nothing was cut).
pub fn cut(text: &str, max: usize) -> (String, Option<String>) {
    if chars(text) <= max {
        return (text.to_string(), None);
    }
    if max == 0 {
        return (String::new(), Some(text.to_string()));
    }
    let budget = max - 1; // room for the ellipsis
                          // Byte offset of the end of the longest prefix with `budget` characters, on a grapheme boundary.
    let mut hard_end = 0;
    let mut count = 0;
    for (i, g) in text.grapheme_indices(true) {
        let n = chars(g);
        if count + n > budget {
            break;
        }
        count += n;
        hard_end = i + g.len();
    }
    // Prefer the last word boundary that leaves at least half the budget.
    let word_end = text[..hard_end]
        .split_word_bound_indices()
        .filter(|(_, w)| w.trim().is_empty())
        .map(|(i, _)| i)
        .next_back()
        .filter(|&i| chars(&text[..i]) * 2 >= budget);
    // A first grapheme longer than the budget is kept whole rather than never making progress.
    let hard_end = if hard_end == 0 {
        text.graphemes(true).next().map_or(text.len(), str::len)
    } else {
        hard_end
    };
    let end = word_end.unwrap_or(hard_end);
    let head = text[..end].trim_end();
    let rest = text[end..].trim_start();
    (format!("{head}{ELLIPSIS}"), Some(rest.to_string()))
}

/// Splits `text` into chunks of at most `max` characters, cutting at words; every chunk but the
/// last ends with an ellipsis.
pub fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.to_string();
    loop {
        let (head, tail) = cut(&rest, max);
        out.push(head);
        match tail {
            Some(t) if !t.is_empty() => rest = t,
            _ => return out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(cut("hello world", 11), ("hello world".into(), None));
    }

    #[test]
    fn long_text_is_cut_at_a_word_with_an_ellipsis() {
        let (head, rest) = cut("the quick brown fox jumps", 14);
        assert_eq!(head, "the quick…");
        assert_eq!(rest.as_deref(), Some("brown fox jumps"));
    }

    #[test]
    fn a_single_long_word_is_cut_hard() {
        let (head, rest) = cut("abcdefghij", 5);
        assert_eq!(head, "abcd…");
        assert_eq!(rest.as_deref(), Some("efghij"));
    }

    #[test]
    fn graphemes_are_never_split() {
        let flag = "🇺🇸"; // two chars, one grapheme
        let (head, _) = cut(&flag.repeat(5), 4);
        assert_eq!(head, format!("{flag}{ELLIPSIS}"));
    }

    proptest! {
        #[test]
        fn chunks_fit_and_lose_no_word(text in "[a-zé🇺🇸 ]{0,600}", max in 4usize..120) {
            let parts = chunks(&text, max);
            for p in &parts {
                prop_assert!(chars(p) <= max, "{} > {}", chars(p), max);
            }
            let joined: String = parts.iter().map(|p| p.trim_end_matches(ELLIPSIS)).collect::<Vec<_>>().join(" ");
            let squash = |s: &str| s.split_whitespace().collect::<String>();
            prop_assert_eq!(squash(&joined), squash(&text));
        }
    }
}
