//! The sentences stage: each paragraph split into sentences on `.`, `!`, `?` and `…` followed by a
//! space and a capital, a digit or an opening quote, never inside a quotation (a quote of several
//! sentences stays in one sentence with its attribution), never after a title such as "Mr." or an
//! initial ("George W. Bush"), and after an initialism such as "U.S." only when a common sentence
//! opener follows ("... the U.S. The ...").

use super::lexicon::{Abbrev, Lexicon};
use super::quotations::Span;
use std::ops::Range;

pub(super) fn is_opening(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '«')
}

/// The sentences of `body[range]` (one paragraph), trimmed, never breaking inside `quotes`.
pub fn split(body: &str, range: Range<usize>, quotes: &[Span], lex: &Lexicon) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = body[range.clone()]
        .char_indices()
        .map(|(i, c)| (i + range.start, c))
        .collect();
    let n = chars.len();
    let pos = |k: usize| chars.get(k).map_or(range.end, |&(p, _)| p);
    // the quotations are in text order and do not overlap: found by binary search
    let around = |p: usize| {
        let k = quotes.partition_point(|q| q.outer.start < p);
        k.checked_sub(1).map(|k| &quotes[k])
    };
    let inside = |p: usize| around(p).is_some_and(|q| p < q.outer.end);
    let closes_at = |p: usize, len: usize| around(p).is_some_and(|q| q.outer.end == p + len);
    let mut sentences: Vec<Range<usize>> = Vec::new();
    let mut start = range.start;
    let mut i = 0;
    while i < n {
        let c = chars[i].1;
        if !matches!(c, '.' | '!' | '?' | '…') {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < n && matches!(chars[j].1, '.' | '!' | '?' | '…') {
            j += 1;
        }
        let single_period = c == '.' && j == i + 1;
        while j < n && matches!(chars[j].1, '"' | '”' | '»' | '’' | '\'' | ')' | ']') {
            let (p, q) = chars[j];
            if matches!(q, '"' | '”' | '»') && !closes_at(p, q.len_utf8()) {
                break;
            }
            j += 1;
        }
        if j >= n || !chars[j].1.is_whitespace() || inside(pos(j)) {
            i = j.max(i + 1);
            continue;
        }
        let mut k = j;
        while k < n && chars[k].1.is_whitespace() {
            k += 1;
        }
        if k >= n {
            i = k;
            continue;
        }
        let next = chars[k].1;
        let starts = next.is_uppercase() || next.is_ascii_digit() || is_opening(next);
        if starts && (!single_period || period_ends_sentence(&chars, i, k, lex)) {
            sentences.push(start..pos(j));
            start = chars[k].0;
        }
        i = k;
    }
    if start < range.end {
        sentences.push(start..range.end);
    }
    sentences
        .into_iter()
        .flat_map(|s| cap_length(body, s, quotes))
        .filter_map(|s| {
            let raw = &body[s.clone()];
            let lead = raw.len() - raw.trim_start().len();
            let s = s.start + lead..s.start + raw.trim_end().len();
            (!s.is_empty()).then_some(s)
        })
        .collect()
}

/// A "sentence" longer than this many bytes (a text without punctuation, a list) is cut at spaces
/// outside quotations, so that no later stage works on one unbounded sentence.
pub const MAX_SENTENCE: usize = 3000;

fn cap_length(body: &str, s: Range<usize>, quotes: &[Span]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = s.start;
    while s.end - start > MAX_SENTENCE {
        let mut cut = start + MAX_SENTENCE;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        let k = quotes.partition_point(|q| q.outer.start < cut);
        let inside = k
            .checked_sub(1)
            .map(|k| &quotes[k])
            .filter(|q| cut < q.outer.end);
        cut = match inside {
            // before the quotation, or after it if it is not itself unbounded
            Some(q) if q.outer.start > start => q.outer.start,
            Some(q) if q.outer.end - start <= 20 * MAX_SENTENCE => q.outer.end,
            _ => body[start..cut].rfind(' ').map_or(cut, |i| start + i + 1),
        };
        if cut <= start || cut >= s.end {
            break;
        }
        out.push(start..cut);
        start = cut;
    }
    out.push(start..s.end);
    out
}

/// Whether the full stop at `chars[i]` ends a sentence, given that the next sentence would start at
/// `chars[k]`.
fn period_ends_sentence(chars: &[(usize, char)], i: usize, k: usize, lex: &Lexicon) -> bool {
    let mut b = i;
    while b > 0 && !chars[b - 1].1.is_whitespace() && !is_opening(chars[b - 1].1) {
        b -= 1;
    }
    let word: String = chars[b..i].iter().map(|x| x.1).collect();
    if word.is_empty() {
        return true;
    }
    let lower = word.to_lowercase();
    let next_word: String = chars[k..]
        .iter()
        .map(|x| x.1)
        .skip_while(|c| is_opening(*c))
        .take_while(|c| c.is_alphabetic())
        .collect();
    let opener = !next_word.is_empty() && lex.is_common(&next_word);
    let mut letters = word.chars();
    if let (Some(first), None) = (letters.next(), letters.next()) {
        // An initial ("W."), unless a sentence opener follows ("... Plan B. The ...").
        if first.is_uppercase() {
            return opener;
        }
    }
    match lex.abbreviations.get(lower.as_str()) {
        Some(Abbrev::Never) => false,
        Some(Abbrev::Maybe) => opener,
        None if word.contains('.') && word.chars().any(char::is_alphabetic) => opener,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::draft::lexicon::LEXICON;
    use crate::draft::text::Text;

    fn sentences(input: &str) -> Vec<String> {
        let t = Text::parse(input, &LEXICON);
        (0..t.sentences.len())
            .map(|i| t.sentence_text(i).to_string())
            .collect()
    }

    #[test]
    fn titles_initials_and_initialisms_do_not_end_sentences() {
        assert_eq!(
            sentences(
                "Mr. Smith met Dr. Jones in the U.S. Embassy. George W. Bush was there. It rained."
            ),
            vec![
                "Mr. Smith met Dr. Jones in the U.S. Embassy.",
                "George W. Bush was there.",
                "It rained."
            ]
        );
    }

    #[test]
    fn an_initialism_ends_a_sentence_before_a_common_opener() {
        assert_eq!(
            sentences("Troops went back to the U.S. The move was planned."),
            vec!["Troops went back to the U.S.", "The move was planned."]
        );
    }

    #[test]
    fn a_quote_of_several_sentences_stays_with_its_attribution() {
        let s = sentences(
            "“Did they know? We have no evidence for that,” he said. “It may be.” She left.",
        );
        assert_eq!(
            s,
            vec![
                "“Did they know? We have no evidence for that,” he said.",
                "“It may be.”",
                "She left."
            ]
        );
        let s = sentences(r#"He said "we are ready to take more steps." He claimed more."#);
        assert_eq!(
            s,
            vec![
                r#"He said "we are ready to take more steps.""#,
                "He claimed more."
            ]
        );
    }

    #[test]
    fn apostrophes_never_open_a_quotation() {
        let t = Text::parse(
            "Russia’s role isn't clear. Iran's 'human error' was cited. Done.",
            &LEXICON,
        );
        assert_eq!(t.sentences.len(), 3);
        assert!(t.quotes.is_empty());
    }

    #[test]
    fn quotes_are_found_with_their_marks_and_words() {
        let t = Text::parse("A said “one two,” and B said \"three.\"", &LEXICON);
        let inner: Vec<&str> = t.quotes.iter().map(|q| &t.body[q.inner.clone()]).collect();
        assert_eq!(inner, vec!["one two,", "three."]);
        assert_eq!(&t.body[t.quotes[0].outer.clone()], "“one two,”");
    }

    #[test]
    fn decimals_and_lowercase_continuations_do_not_split() {
        assert_eq!(
            sentences("A 5.2 quake hit. It was big... and loud."),
            vec!["A 5.2 quake hit.", "It was big... and loud."]
        );
    }

    #[test]
    fn paragraphs_without_blank_lines_are_lines() {
        let t = Text::parse("One here.\nTwo here.\n", &LEXICON);
        assert_eq!(t.paragraphs.len(), 2);
        assert_eq!(t.sentences[1].para, 1);
    }
}
