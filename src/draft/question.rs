//! The question stage: the article's own question to its readers, verbatim, if it asks one.
//!
//! It is a sentence in the author's voice (never inside a quotation, a caption's turn or an
//! interviewer's question) that ends with "?", in the article's last two paragraphs; failing that, a
//! headline that is a question. A question in the middle of the article ("What are the reactions of
//! bloggers?") introduces what follows and is not the closing question.

use super::lexicon::LEXICON;
use super::text::{collapse, Text};
use crate::limits;

/// The closing question: (its sentence, if in the body; the question).
pub fn closing(text: &Text) -> Option<(Option<usize>, String)> {
    let last_para = text.sentences.last()?.para;
    let in_body = (0..text.sentences.len()).rev().find_map(|i| {
        let s = &text.sentences[i];
        if s.para + 1 < last_para {
            return None;
        }
        let t = text.sentence_text(i).trim();
        let q = collapse(t);
        (s.quotes.is_empty()
            && t.ends_with('?')
            && limits::chars(&q) <= limits::EMBED_TITLE
            && !section_heading(text, i))
        .then_some((Some(i), q))
    });
    in_body.or_else(|| {
        let title = headline_question(text.meta.title.as_deref()?.trim());
        let asks = asks_whole(title) || (names_then_asks(title) && invites_replies(text));
        (title.ends_with('?') && limits::chars(title) <= limits::EMBED_TITLE && asks)
            .then(|| (None, title.to_string()))
    })
}

/// A headline's question without an invitation to the readers after it: "Is Kazakhstan's
/// President a Dictator? You Decide." asks "Is Kazakhstan's President a Dictator?".
fn headline_question(title: &str) -> &str {
    const INVITATIONS: [&str; 6] = [
        "you decide",
        "you be the judge",
        "discuss",
        "tell us",
        "have your say",
        "vote now",
    ];
    let Some(at) = title.rfind('?') else {
        return title;
    };
    let tail = title[at + 1..]
        .trim()
        .trim_end_matches(['.', '!'])
        .to_lowercase();
    if INVITATIONS.contains(&tail.as_str()) {
        &title[..=at]
    } else {
        title
    }
}

/// A headline that is one question as a whole: not a statement and then a question ("Sussan Ley
/// talks about ‘Australian values’. What exactly does that mean?"), nor a column's name before a
/// colon ("View from The Hill: the mud flies, but will the voters take much notice?").
fn asks_whole(title: &str) -> bool {
    let body = title.trim_end_matches('?');
    // a sentence's end: a lowercase word and a full stop ("migrants. What"), not "U.S. troops"
    let statement_first = body.match_indices(". ").any(|(i, _)| {
        let word = body[..i].rsplit(' ').next().unwrap_or_default();
        word.chars().count() >= 3 && word.chars().all(char::is_lowercase)
    });
    !body.contains(['?', '!', ':']) && !statement_first
}

/// A headline naming its subject before a colon and asking about it in title case after:
/// "WSISblogs.org: An Idea Worth Developing?" (not a column's name before a sentence in lowercase:
/// "View from The Hill: the mud flies, but will the voters take much notice?").
fn names_then_asks(title: &str) -> bool {
    let body = title.trim_end_matches('?');
    let Some((head, ask)) = body.split_once(':') else {
        return false;
    };
    let ask = ask.trim_start();
    !head.trim().is_empty()
        && !ask.contains(['?', '!', ':', '.'])
        && ask.split_whitespace().count() >= 2
        && ask.starts_with(char::is_uppercase)
}

/// Whether the article's last two paragraphs ask for the readers' replies ("Would love to hear
/// what others think.", "Let us know what you think.").
fn invites_replies(text: &Text) -> bool {
    const INVITATIONS: [&str; 9] = [
        "love to hear",
        "let me know",
        "let us know",
        "what do you think",
        "what you think",
        "what others think",
        "your thoughts",
        "in the comments",
        "leave a comment",
    ];
    let n = text.paragraphs.len();
    text.paragraphs[n.saturating_sub(2)..].iter().any(|r| {
        let p = text.body[r.clone()].to_lowercase();
        INVITATIONS.iter().any(|i| p.contains(i))
    })
}

/// A section heading that is a question ("Freedom for everyone?"): a paragraph of one short
/// sentence with no question word or auxiliary to open it, and more text after it.
fn section_heading(text: &Text, i: usize) -> bool {
    let s = &text.sentences[i];
    let alone = text.sentences.iter().filter(|x| x.para == s.para).count() == 1;
    let more_after = text.sentences.get(i + 1).is_some();
    let t = text.sentence_text(i);
    let words: Vec<String> = t
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    const OPENERS: [&str; 26] = [
        "what", "why", "how", "who", "whom", "whose", "which", "where", "when", "do", "does",
        "did", "is", "are", "was", "were", "will", "would", "should", "can", "could", "has",
        "have", "had", "shall", "may",
    ];
    let asks = words.first().is_some_and(|w| OPENERS.contains(&w.as_str()));
    // a round-up post's heading names its country: "Guadeloupe: Where is it exactly?"
    let para = text.body[text.paragraphs[s.para].clone()].trim_start();
    let post_heading = para
        .split_once(':')
        .is_some_and(|(head, _)| LEXICON.only_places(head));
    post_heading || (alone && more_after && words.len() <= 6 && !asks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;

    fn q(input: &str) -> Option<String> {
        closing(&Text::parse(input, &LEXICON)).map(|x| x.1)
    }

    #[test]
    fn the_last_question_in_the_authors_voice_is_the_closing_question() {
        assert_eq!(
            q("A vote was held.\n\nIt passed.\n\nWhat do you think should happen next?\n"),
            Some("What do you think should happen next?".to_string())
        );
    }

    #[test]
    fn a_question_inside_a_quotation_or_early_in_the_article_is_not() {
        assert_eq!(
            q("Bloggers wrote about it. What are the reactions?\n\nOne said: \"Why now?\"\n\nAnother left.\n\nThe end came.\n"),
            None
        );
    }

    #[test]
    fn a_section_heading_that_is_a_question_is_not_the_closing_question() {
        assert_eq!(
            q("Nomads want to leave.\n\nFreedom for everyone?\n\nI have studied them for years.\n"),
            None
        );
        // a round-up post's heading with its country
        assert_eq!(
            q("Bloggers wrote about the strike.\n\nGuadeloupe: Where is it exactly?\n\nA blogger asks.\n"),
            None
        );
        // a short closing question that asks is still one
        assert_eq!(
            q("Nomads want to leave.\n\nShould they?\n\nWrite to us.\n"),
            Some("Should they?".to_string())
        );
    }

    #[test]
    fn a_headline_after_a_statement_or_a_columns_name_is_not_the_question() {
        for title in [
            "Sussan Ley talks about values. What exactly does that mean?",
            "View from The Hill: the mud flies, but will the voters take much notice?",
        ] {
            let input = format!("# Title: {title}\n\nThe leader spoke. Many objected.\n");
            assert_eq!(q(&input), None, "{title}");
        }
    }

    #[test]
    fn a_headline_question_counts_when_the_body_asks_none() {
        assert_eq!(
            q("Was the message insensitive?\n\nThe airline posted a message. Many objected.\n"),
            Some("Was the message insensitive?".to_string())
        );
        assert_eq!(
            q("# Title: Will U.S. troops leave Syria?\n\nThe leader spoke. Many objected.\n"),
            Some("Will U.S. troops leave Syria?".to_string())
        );
        // an invitation to the readers after it is not part of the question
        assert_eq!(
            q("# Title: Is the President a Dictator? You Decide.\n\nThe leader spoke. Many objected.\n"),
            Some("Is the President a Dictator?".to_string())
        );
        // a subject named before a colon, the question about it after, when the post asks for
        // its readers' views
        assert_eq!(
            q("# Title: WSISblogs.org: An Idea Worth Developing?\n\nI bought the domain names.\n\nWould love to hear what others think.\n"),
            Some("WSISblogs.org: An Idea Worth Developing?".to_string())
        );
        assert_eq!(
            q("# Title: WSISblogs.org: An Idea Worth Developing?\n\nI bought the domain names.\n\nThe site opens soon.\n"),
            None
        );
        assert_eq!(
            q("# Title: View from The Hill: the mud flies, but will voters notice?\n\nThe leader spoke.\n\nLet us know what you think.\n"),
            None
        );
    }
}
