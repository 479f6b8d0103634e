//! The digests stage: for each actor of the prompt, their quotations verbatim and a neutral digest
//! of their position from the sentences attributed to them (neutralised, pronouns replaced by their
//! name, at most four sentences of about a hundred words).

use super::actors::Actor;
use super::lint::{neutralise, strip_link_markers};
use super::text::{collapse, Text};
use super::{truncate_words, FoundQuote};
use crate::prompt::lint;
use std::ops::Range;

/// The longest quotation made of a turn's paragraphs: about what an embed's description holds.
/// A longer turn goes on in a second quotation.
const TURN_QUOTE: usize = 4_000;

/// The quotations of an actor, verbatim, in the order of `quotes` (indices into `text.quotes`):
/// the paragraphs of one transcript turn in a row make one quotation.
pub fn quotations(text: &Text, quotes: &[usize]) -> Vec<FoundQuote> {
    let mut out: Vec<FoundQuote> = Vec::new();
    let mut group: Option<(usize, Range<usize>)> = None; // (turn, inner range so far)
    for &q in quotes {
        let Some(quote) = text.quotes.get(q) else {
            continue;
        };
        if let (Some((t, range)), Some(turn)) = (group.as_mut(), quote.turn) {
            if *t == turn && quote.inner.end - range.start <= TURN_QUOTE {
                range.end = quote.inner.end;
                continue;
            }
        }
        if let Some((_, range)) = group.take() {
            out.extend(quote_text(text, range));
        }
        match quote.turn {
            Some(turn) => group = Some((turn, quote.inner.clone())),
            None => out.extend(quote_text(text, quote.inner.clone())),
        }
    }
    if let Some((_, range)) = group {
        out.extend(quote_text(text, range));
    }
    out
}

fn quote_text(text: &Text, inner: Range<usize>) -> Option<FoundQuote> {
    let raw = &text.body[inner.clone()];
    let lead = raw.len() - raw.trim_start().len();
    let trimmed = raw.trim().trim_end_matches(',').trim_end();
    if trimmed.is_empty() {
        return None;
    }
    let t = if trimmed.contains('\n') {
        collapse(trimmed)
    } else {
        trimmed.to_string()
    };
    Some(FoundQuote {
        text: t,
        start: inner.start + lead,
        end: inner.start + lead + trimmed.len(),
    })
}

/// Words of a sentence outside its quotations.
fn outside_words(text: &Text, i: usize) -> usize {
    lint::outside_quotes(text.sentence_text(i))
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// A neutral digest of an actor's position, from their attributed statements.
pub fn digest(a: &Actor, text: &Text, quotes: &[FoundQuote]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut words = 0;
    for &si in &a.statements {
        let sentence = &text.sentences[si];
        let quoted: usize = sentence
            .quotes
            .clone()
            .map(|q| text.quotes[q].outer.len())
            .sum();
        if outside_words(text, si) < 7 || quoted * 2 > sentence.range.len() {
            continue; // “...,” he said; a long quotation is in the quotes already
        }
        let mut s = strip_link_markers(&neutralise(&collapse(text.sentence_text(si))));
        if let Some(rest) = ["He ", "She ", "They "]
            .iter()
            .find_map(|p| s.strip_prefix(p))
        {
            let name = a.short_name();
            let mut c = name.chars();
            let name: String = c
                .next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default();
            s = format!("{name} {rest}");
        }
        if !lint::scan(&s).is_empty() {
            continue;
        }
        let w = s.split_whitespace().count();
        if !parts.is_empty() && words + w > 100 {
            break;
        }
        words += w;
        parts.push(s);
        if parts.len() == 4 {
            break;
        }
    }
    let who = a.short_name();
    let mut digest = parts.join(" ");
    match (a.speaks(), digest.is_empty()) {
        (true, false) => digest,
        (true, true) => match quotes.first() {
            Some(q) => format!(
                "{} is quoted in the article: “{}”",
                a.name,
                truncate_words(&q.text, 160)
            ),
            None => format!(
                "{} is named as a speaker in the article; see the article for their words.",
                a.name
            ),
        },
        (false, false) => {
            digest.push_str(&format!(
                " The article names no speaker for {who} and carries no statement from them."
            ));
            digest
        }
        (false, true) => format!(
            "{} is mentioned in the article. The article carries no statement from {who}.",
            a.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;
    use crate::draft::quotations::Speaker;

    #[test]
    fn a_transcript_turn_over_several_paragraphs_is_one_quotation() {
        let t = Text::parse(
            "MS. PSAKI: Hi, everyone.\n\nThe Council meets today.\n\nIt has met every deadline.\n\nQ Thank you.\n\nMS. PSAKI: Sure.\n",
            &LEXICON,
        );
        let psaki: Vec<usize> = (0..t.quotes.len())
            .filter(|&q| {
                matches!(&t.quotes[q].speaker, Speaker::Caption { name, .. } if name == "Psaki")
            })
            .collect();
        assert_eq!(psaki.len(), 4);
        let found: Vec<String> = quotations(&t, &psaki).into_iter().map(|q| q.text).collect();
        assert_eq!(
            found,
            [
                "Hi, everyone. The Council meets today. It has met every deadline.",
                "Sure."
            ]
        );
        // a turn longer than an embed holds goes on in a second quotation
        let long = |w: &str| {
            (0..90)
                .map(|i| format!("{w} point number {i} is made here."))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let t = Text::parse(
            &format!(
                "MS. PSAKI: {}\n\n{}\n\nQ Thank you.\n",
                long("Alpha"),
                long("Beta")
            ),
            &LEXICON,
        );
        let all: Vec<usize> = (0..t.quotes.len()).collect();
        let found = quotations(&t, &all);
        assert_eq!(
            found.len(),
            3,
            "two quotations of Psaki's turn and the question"
        );
        assert!(found
            .iter()
            .all(|q| q.end <= t.body.len() && q.start < q.end));
    }
}
