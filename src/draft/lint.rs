//! The lint stage: the bot's own voice kept neutral. Sentences the draft writes in its own voice
//! (summary, digests) have their doubt-casting verbs and loaded words replaced by a plain word where
//! that keeps grammar and meaning, and are left out where it would not; the finished prompt is then
//! checked by the neutrality lint that `check` uses.
//!
//! A doubt verb becomes "said"/"says" only where a reported statement follows it: "that", a
//! quotation, a colon or comma, or the sentence's end ("Putin claimed that ..." → "Putin said that
//! ..."). Elsewhere the replacement would change the meaning or the grammar, so the sentence is kept
//! out: "The attack was claimed by [group]" (a claim of responsibility), "insists that the budget
//! include" (a demand, with a subjunctive), "admitted not knowing" (a gerund).

use super::lexicon::Lexicon;
use crate::prompt::lint::{self, Finding, Kind};
use crate::prompt::Prompt;

/// Verbs whose "that" clause is often a demand in the subjunctive: never replaced before "that".
const DEMANDS: [&str; 6] = [
    "insist",
    "insists",
    "insisted",
    "insisting",
    "demand",
    "demanded",
];

/// `sentence` with its replaceable doubt verbs and loaded words neutralised, outside quotations.
pub fn neutralise(sentence: &str) -> String {
    let mut out = sentence.to_string();
    for hit in lint::scan(sentence).iter().rev() {
        if !matches!(hit.entry.kind, Kind::Doubt | Kind::Loaded) {
            continue;
        }
        let Some(replacement) = hit.entry.replacement() else {
            continue;
        };
        let original = &sentence[hit.start..hit.end];
        if hit.entry.kind == Kind::Doubt && !statement_follows(sentence, hit.start, hit.end) {
            continue;
        }
        let capital = original.chars().next().is_some_and(char::is_uppercase);
        let mut r = replacement.to_string();
        if capital {
            let mut c = r.chars();
            if let Some(f) = c.next() {
                r = f.to_uppercase().chain(c).collect();
            }
        }
        out.replace_range(hit.start..hit.end, &r);
    }
    out
}

/// Whether what follows a doubt verb at `start..end` is a reported statement, and what precedes it
/// is not a passive ("was claimed by").
fn statement_follows(sentence: &str, start: usize, end: usize) -> bool {
    let before = sentence[..start].trim_end().to_lowercase();
    let passive = ["was", "were", "been", "be", "is", "are", "being"]
        .iter()
        .any(|b| before.ends_with(&format!(" {b}")) || before == *b);
    if passive {
        return false;
    }
    let verb = sentence[start..end].to_lowercase();
    let after = sentence[end..].trim_start();
    let next: String = after
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '\'')
        .collect::<String>()
        .to_lowercase();
    if after.is_empty() || after.starts_with([',', ':', '.', '"', '“', '‘', ';', '—']) {
        return true;
    }
    if !verb.contains(' ') && next == "that" {
        return !DEMANDS.contains(&verb.as_str());
    }
    // "claimed it", "admitted so": the object is the statement itself
    if !verb.contains(' ') && matches!(next.as_str(), "it" | "this" | "so") {
        return true;
    }
    // a noun phrase ("his claims", "the claims") is replaced as a whole
    verb.contains(' ')
}

/// The author's judging words that keep a sentence out of the summary ("controversially", "bold and
/// confident", "unproven"): words of evaluation the neutrality lint does not list because they are
/// fine in a quotation, but that a summary in the bot's voice must not repeat.
pub fn judges(sentence: &str, lex: &Lexicon) -> bool {
    let voice = lint::outside_quotes(sentence).to_lowercase();
    voice
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| lex.judging.contains(w))
}

/// Whether `sentence` is boilerplate of the page or the author ("This post is part of our special
/// coverage", "For more information, call", "[en]" link markers, "Click here").
pub fn boilerplate(sentence: &str, lex: &Lexicon) -> bool {
    let l = sentence.to_lowercase();
    lex.boilerplate.iter().any(|b| l.contains(b)) || link_marker(sentence)
}

/// "[en]", "[Fr]", "[pt]", "[1]": a link's language or number, as blogs and round-ups print them.
pub fn link_marker(s: &str) -> bool {
    s.match_indices('[').any(|(i, _)| {
        let rest = &s[i + 1..];
        match rest.find(']') {
            Some(j) if j <= 3 => {
                let inner = &rest[..j];
                !inner.is_empty()
                    && (inner.chars().all(|c| c.is_ascii_digit())
                        || (inner.len() == 2 && inner.chars().all(|c| c.is_ascii_alphabetic())))
            }
            _ => false,
        }
    })
}

/// Removes link markers from a sentence for the bot's voice.
pub fn strip_link_markers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('[') {
        let after = &rest[i + 1..];
        match after.find(']') {
            Some(j) if j <= 3 && link_marker(&rest[i..i + j + 2]) => {
                out.push_str(rest[..i].trim_end());
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str(&rest[..=i]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The neutrality findings on the finished prompt, as `check` reports them.
pub fn findings(prompt: &Prompt) -> Vec<Finding> {
    lint::lint(prompt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;

    #[test]
    fn a_doubt_verb_before_a_statement_becomes_said() {
        assert_eq!(
            neutralise("Putin claimed that the strike was planned."),
            "Putin said that the strike was planned."
        );
        assert_eq!(
            neutralise("“It is false,” he claimed."),
            "“It is false,” he said."
        );
    }

    #[test]
    fn replacements_that_would_change_meaning_or_grammar_are_not_made() {
        for s in [
            "The attack was claimed by the group.",
            "She insists that the budget include the money.",
            "He admitted not knowing the rules.",
            "The rebels claimed responsibility for the attack.",
        ] {
            assert_eq!(neutralise(s), s);
            assert!(
                !crate::prompt::lint::scan(s).is_empty(),
                "the sentence stays flagged: {s}"
            );
        }
    }

    #[test]
    fn judging_words_and_boilerplate_are_recognised() {
        assert!(judges("The plan was controversially approved.", &LEXICON));
        assert!(!judges(
            "The critic called it “controversially rushed”.",
            &LEXICON
        ));
        assert!(boilerplate(
            "This post is part of our special coverage of Iran.",
            &LEXICON
        ));
        assert!(boilerplate("Nema writes [en] about the vote.", &LEXICON));
        assert!(!boilerplate("The vote was held on Friday.", &LEXICON));
    }

    #[test]
    fn link_markers_are_removed_from_the_bots_voice() {
        assert_eq!(
            strip_link_markers("Carlos Serra [pt] has found a phrase [2]."),
            "Carlos Serra has found a phrase."
        );
        assert_eq!(
            strip_link_markers("A list [of things]."),
            "A list [of things]."
        );
    }
}
