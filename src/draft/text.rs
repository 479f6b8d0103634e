//! An article's text: its optional header (`# Title: ...`), byline, paragraphs, sentences and quotes.
//!
//! Sentences are split on `.`, `!`, `?` and `…` followed by a space and a capital, a digit or an
//! opening quote, never inside a quotation (a quote of several sentences stays in one sentence with
//! its attribution), never after a title such as "Mr." or an initial ("George W. Bush"), and after an
//! initialism such as "U.S." only when a common sentence opener follows ("... the U.S. The ...").
//! Straight and curly double quotes pair up within a paragraph; apostrophes and single quotes are
//! left alone, so "Russia’s" and "don't" never open a quotation.

use super::lexicon::{Abbrev, Lexicon};
use std::ops::Range;

/// What the header and byline say about the article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Byte range in the body.
    pub range: Range<usize>,
    pub para: usize,
    /// Indices into [`Text::quotes`].
    pub quotes: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The quotation with its marks, in the body.
    pub outer: Range<usize>,
    /// The words inside the marks.
    pub inner: Range<usize>,
    pub sentence: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Text {
    pub meta: Meta,
    /// The article without its header and byline, line endings normalised to `\n`.
    pub body: String,
    pub paragraphs: Vec<Range<usize>>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<Quote>,
}

impl Text {
    pub fn parse(input: &str, lex: &Lexicon) -> Text {
        let input = input.replace("\r\n", "\n").replace('\r', "\n");
        let (meta, body) = split_header(&input);
        let mut text = Text {
            meta,
            body,
            ..Text::default()
        };
        text.paragraphs = paragraphs(&text.body);
        text.take_title_line();
        for (p, range) in text.paragraphs.clone().into_iter().enumerate() {
            split_paragraph(&mut text, p, range, lex);
        }
        text
    }

    pub fn sentence_text(&self, i: usize) -> &str {
        &self.body[self.sentences[i].range.clone()]
    }

    /// A first paragraph of one short line with no closing punctuation is the headline.
    fn take_title_line(&mut self) {
        let Some(first) = self.paragraphs.first().cloned() else {
            return;
        };
        let line = &self.body[first.clone()];
        let words = line.split_whitespace().count();
        let ends_open = !line.ends_with(['.', '!', '?', '"', '”', '…', ':']);
        if self.paragraphs.len() > 1 && !line.contains('\n') && words <= 20 && ends_open {
            if self.meta.title.is_none() {
                self.meta.title = Some(collapse(line));
            }
            self.paragraphs.remove(0);
        }
    }
}

/// Whitespace runs (including line breaks) collapsed to single spaces.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits `# Key: value` header lines and a `By: ...` byline from the body.
fn split_header(input: &str) -> (Meta, String) {
    let mut meta = Meta::default();
    let mut rest = input;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\n']);
        if !trimmed.starts_with('#') {
            rest = trimmed;
            break;
        }
        let (line, after) = trimmed.split_once('\n').unwrap_or((trimmed, ""));
        if let Some((key, value)) = line.trim_start_matches('#').split_once(':') {
            let value = value.trim();
            let slot = match key.trim().to_ascii_lowercase().as_str() {
                "title" | "headline" => Some(&mut meta.title),
                "outlet" | "publisher" => Some(&mut meta.outlet),
                "author" | "by" => Some(&mut meta.author),
                "date" => Some(&mut meta.date),
                "link" | "url" | "source" => Some(&mut meta.link),
                _ => None,
            };
            if let Some(slot) = slot.filter(|s| s.is_none() && !value.is_empty()) {
                *slot = Some(value.to_string());
            }
        }
        rest = after;
    }
    if meta.link.as_deref().is_some_and(|l| !l.starts_with("http")) {
        // "Source: Wikinews" names the outlet, not a link.
        if meta.outlet.is_none() {
            meta.outlet = meta.link.take();
        } else {
            meta.link = None;
        }
    }
    // A byline: "By: Right Wing News' Cassy Fiano", "By Jane Doe".
    let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
    let byline = first
        .strip_prefix("By:")
        .or_else(|| first.strip_prefix("By "))
        .or_else(|| first.strip_prefix("BY "))
        .map(str::trim)
        .filter(|b| !b.is_empty() && b.split_whitespace().count() <= 10 && !b.ends_with('.'));
    if let Some(byline) = byline {
        let (outlet, author) = match byline
            .split_once("'s ")
            .or_else(|| byline.split_once("’s "))
        {
            Some((o, a)) => (Some(o), a),
            None => match byline.split_once("' ").or_else(|| byline.split_once("’ ")) {
                Some((o, a)) => (Some(o), a),
                None => match byline.split_once(", ") {
                    Some((a, o)) => (Some(o), a),
                    None => (None, byline),
                },
            },
        };
        if meta.outlet.is_none() {
            meta.outlet = outlet.map(|o| o.trim().to_string());
        }
        if meta.author.is_none() {
            meta.author = Some(author.trim().to_string());
        }
        rest = after;
    }
    (meta, rest.to_string())
}

/// Paragraphs: blocks separated by blank lines; a text without blank lines has one per line.
fn paragraphs(body: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let has_blank = body.lines().any(|l| l.trim().is_empty());
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let content = line.trim();
        if content.is_empty() || !has_blank {
            if let Some(s) = start.take() {
                out.push(s..end);
            }
        }
        if !content.is_empty() {
            let lead = line.len() - line.trim_start().len();
            if start.is_none() {
                start = Some(offset + lead);
            }
            end = offset + line.trim_end().len();
            if !has_blank {
                out.push(start.take().unwrap_or(offset)..end);
            }
        }
        offset += line.len();
    }
    if let Some(s) = start {
        out.push(s..end);
    }
    out
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '\'' | '(' | '[' | '«')
}

fn split_paragraph(text: &mut Text, para: usize, range: Range<usize>, lex: &Lexicon) {
    let body = &text.body;
    let chars: Vec<(usize, char)> = body[range.clone()]
        .char_indices()
        .map(|(i, c)| (i + range.start, c))
        .collect();
    let n = chars.len();
    let mut sentences: Vec<Range<usize>> = Vec::new();
    let mut quotes: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (position of the mark, its length)
    let mut start = range.start;
    let end_of = |k: usize| -> usize { chars.get(k).map_or(range.end, |&(p, _)| p) };
    let mut i = 0;
    while i < n {
        let (pos, c) = chars[i];
        let close =
            |open: &mut Option<(usize, usize)>, quotes: &mut Vec<_>, at: usize, len: usize| {
                if let Some((s, l)) = open.take() {
                    quotes.push((s..at + len, s + l..at));
                }
            };
        match c {
            '“' | '«' if open.is_none() => open = Some((pos, c.len_utf8())),
            '”' | '»' => close(&mut open, &mut quotes, pos, c.len_utf8()),
            '"' => {
                if open.is_some() {
                    close(&mut open, &mut quotes, pos, 1);
                } else {
                    open = Some((pos, 1));
                }
            }
            '.' | '!' | '?' | '…' => {
                let mut j = i + 1;
                while j < n && matches!(chars[j].1, '.' | '!' | '?' | '…') {
                    j += 1;
                }
                let single_period = c == '.' && j == i + 1;
                while j < n && matches!(chars[j].1, '"' | '”' | '»' | '’' | '\'' | ')' | ']') {
                    let (p, q) = chars[j];
                    if matches!(q, '"' | '”' | '»') {
                        if open.is_none() {
                            break;
                        }
                        close(&mut open, &mut quotes, p, q.len_utf8());
                    }
                    j += 1;
                }
                if open.is_some() || j >= n || !chars[j].1.is_whitespace() {
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
                    sentences.push(start..end_of(j));
                    start = chars[k].0;
                }
                i = k;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some((s, l)) = open {
        // Unclosed: the quotation runs to the paragraph's end (and may go on in the next one).
        quotes.push((s..range.end, s + l..range.end));
    }
    if start < range.end {
        sentences.push(start..range.end);
    }
    for s in sentences {
        let raw = &text.body[s.clone()];
        let lead = raw.len() - raw.trim_start().len();
        let s = s.start + lead..s.start + raw.trim_end().len();
        if s.is_empty() {
            continue;
        }
        let index = text.sentences.len();
        let first_quote = text.quotes.len();
        for (outer, inner) in quotes.iter().filter(|(o, _)| s.contains(&o.start)) {
            text.quotes.push(Quote {
                outer: outer.clone(),
                inner: inner.clone(),
                sentence: index,
            });
        }
        text.sentences.push(Sentence {
            range: s,
            para,
            quotes: first_quote..text.quotes.len(),
        });
    }
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
    use super::*;
    use crate::draft::lexicon::LEXICON;

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
    fn header_lines_and_a_byline_give_the_source() {
        let t = Text::parse(
            "# Title: A headline\n# Outlet: Wikinews\n# Link: https://example.org/a\n#   more\n\nBy: Right Wing News' Cassy Fiano\n\nFirst. Second.\n",
            &LEXICON,
        );
        assert_eq!(t.meta.title.as_deref(), Some("A headline"));
        assert_eq!(t.meta.outlet.as_deref(), Some("Wikinews"));
        assert_eq!(t.meta.link.as_deref(), Some("https://example.org/a"));
        assert_eq!(t.meta.author.as_deref(), Some("Cassy Fiano"));
        assert_eq!(t.sentences.len(), 2);
        let seed = Text::parse("By: Right Wing News' Cassy Fiano\n\nText here.\n", &LEXICON);
        assert_eq!(seed.meta.outlet.as_deref(), Some("Right Wing News"));
    }

    #[test]
    fn a_short_first_line_is_the_headline() {
        let t = Text::parse(
            "Storm hits coast\n\nA storm hit the coast. It rained.\n",
            &LEXICON,
        );
        assert_eq!(t.meta.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(t.sentences.len(), 2);
    }

    #[test]
    fn paragraphs_without_blank_lines_are_lines() {
        let t = Text::parse("One here.\nTwo here.\n", &LEXICON);
        assert_eq!(t.paragraphs.len(), 2);
        assert_eq!(t.sentences[1].para, 1);
    }
}
