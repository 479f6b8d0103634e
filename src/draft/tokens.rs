//! A sentence as tokens, for the attribution stage: words, punctuation, possessives and each
//! quotation as one token; the word classes the rules use; and the mentions of names and group noun
//! phrases found in the sentence.

use super::lexicon::Lexicon;
use super::text::collapse;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tk {
    Word,
    Punct(char),
    Quote(usize),
    /// A possessive `'s` or `'`.
    Poss,
}

#[derive(Debug, Clone)]
pub(super) struct Tok {
    pub(super) kind: Tk,
    pub(super) start: usize,
    pub(super) end: usize,
}

pub(super) fn tokenize(
    body: &str,
    range: Range<usize>,
    quotes: &[(usize, Range<usize>)],
    lex: &Lexicon,
) -> Vec<Tok> {
    let chars: Vec<(usize, char)> = body[range.clone()]
        .char_indices()
        .map(|(i, c)| (i + range.start, c))
        .collect();
    let n = chars.len();
    let at = |k: usize| chars.get(k).map(|x| x.1);
    let pos = |k: usize| chars.get(k).map_or(range.end, |x| x.0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let (p, c) = chars[i];
        if let Some((q, outer)) = quotes.iter().find(|(_, o)| o.start == p) {
            out.push(Tok {
                kind: Tk::Quote(*q),
                start: outer.start,
                end: outer.end,
            });
            while i < n && chars[i].0 < outer.end {
                i += 1;
            }
            continue;
        }
        // a social media handle: "@anniepaul" (not an e-mail address's "@")
        let handle_char = |x: char| x.is_alphanumeric() || x == '_';
        if c == '@'
            && at(i + 1).is_some_and(handle_char)
            && (i == 0 || !chars[i - 1].1.is_alphanumeric())
        {
            let mut j = i + 1;
            while j < n && handle_char(chars[j].1) {
                j += 1;
            }
            out.push(Tok {
                kind: Tk::Word,
                start: p,
                end: pos(j),
            });
            i = j;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < n {
                let d = chars[j].1;
                let next = at(j + 1);
                let next_alnum = next.is_some_and(char::is_alphanumeric);
                if d.is_alphanumeric() {
                    j += 1;
                } else if d == '-' && next_alnum {
                    j += 2;
                } else if matches!(d, '\'' | '’') && next.is_some_and(char::is_alphabetic) {
                    let possessive =
                        next == Some('s') && !at(j + 2).is_some_and(char::is_alphanumeric);
                    if possessive {
                        break;
                    }
                    j += 2;
                } else if d == '.'
                    && next.is_some_and(char::is_alphabetic)
                    && (j == i + 1 || at(j - 2) == Some('.'))
                {
                    // U.S, a.m
                    j += 1;
                } else if matches!(d, '.' | ',')
                    && at(j - 1).is_some_and(|x| x.is_ascii_digit())
                    && next.is_some_and(|x| x.is_ascii_digit())
                {
                    j += 2;
                } else {
                    break;
                }
            }
            let word = &body[p..pos(j)];
            if at(j) == Some('.') {
                let lower = word.to_lowercase();
                let mut letters = word.chars();
                let initial =
                    matches!((letters.next(), letters.next()), (Some(c), None) if c.is_uppercase());
                let initialism = word.contains('.') || initial;
                let title =
                    lex.abbreviations.get(lower.as_str()) == Some(&super::lexicon::Abbrev::Never);
                if initialism || title {
                    j += 1;
                }
            }
            out.push(Tok {
                kind: Tk::Word,
                start: p,
                end: pos(j),
            });
            let word = &body[p..pos(j)];
            match (at(j), at(j + 1)) {
                (Some('\'' | '’'), Some('s')) if !at(j + 2).is_some_and(char::is_alphanumeric) => {
                    out.push(Tok {
                        kind: Tk::Poss,
                        start: pos(j),
                        end: pos(j + 2),
                    });
                    i = j + 2;
                }
                (Some('\'' | '’'), next)
                    if word.ends_with('s') && !next.is_some_and(char::is_alphanumeric) =>
                {
                    out.push(Tok {
                        kind: Tk::Poss,
                        start: pos(j),
                        end: pos(j + 1),
                    });
                    i = j + 1;
                }
                _ => i = j,
            }
            continue;
        }
        if matches!(
            c,
            ',' | ';' | ':' | '(' | ')' | '[' | ']' | '—' | '–' | '.' | '!' | '?'
        ) {
            out.push(Tok {
                kind: Tk::Punct(c),
                start: p,
                end: p + c.len_utf8(),
            });
        }
        i += 1;
    }
    out
}

// ---- word classes ----

pub(super) const CONNECTORS: [&str; 16] = [
    "of", "for", "on", "and", "de", "da", "di", "du", "del", "der", "van", "von", "bin", "ibn",
    "al", "el",
];
pub(super) const PARTICLES: [&str; 4] = ["al-", "el-", "ad-", "as-"];
pub(super) const SKIP: [&str; 34] = [
    "also",
    "still",
    "later",
    "then",
    "further",
    "again",
    "previously",
    "has",
    "have",
    "had",
    "would",
    "will",
    "did",
    "not",
    "since",
    "never",
    "once",
    "now",
    "today",
    "yesterday",
    "first",
    "even",
    "just",
    "all",
    "both",
    "himself",
    "herself",
    "itself",
    "themselves",
    "only",
    "soon",
    "had",
    "once",
    "who",
];
pub(super) const BE: [&str; 7] = ["was", "were", "is", "are", "be", "been", "being"];
pub(super) const NOUN_MARKERS: [&str; 16] = [
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those",
    "no", "any", "that",
];
pub(super) const PREPOSITIONS: [&str; 11] = [
    "in", "at", "from", "with", "to", "on", "near", "for", "during", "after", "before",
];
pub(super) const QUANTIFIERS: [&str; 3] = ["a", "an", "one"];
pub(super) const DETERMINERS: [&str; 8] = ["a", "an", "one", "the", "his", "her", "their", "its"];

/// Elided articles and prepositions written before a capital inside a name ("Société Nationale
/// d'Électricité", "Côte d’Ivoire", "l'Université").
pub(super) const ELISIONS: [&str; 4] = ["d'", "d’", "l'", "l’"];

/// A social media handle: "@anniepaul".
pub(super) fn is_handle(word: &str) -> bool {
    word.len() > 1 && word.starts_with('@')
}

pub(super) fn is_cap(word: &str) -> bool {
    if word.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    PARTICLES.iter().chain(ELISIONS.iter()).any(|p| {
        word.strip_prefix(p)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_uppercase)
    })
}

pub(super) fn is_titlecase(word: &str) -> bool {
    let mut c = word.chars();
    c.next().is_some_and(char::is_uppercase) && c.all(|x| !x.is_uppercase())
}

/// "Iranian-backed", "U.S.-designated": capitalised, but an adjective.
pub(super) fn is_hyphen_adjective(word: &str) -> bool {
    word.rsplit('-')
        .next()
        .filter(|_| word.contains('-'))
        .and_then(|last| last.chars().next())
        .is_some_and(char::is_lowercase)
        && word.chars().next().is_some_and(char::is_uppercase)
}

pub(super) fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 1
        && word.chars().count() >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.')
}

/// Latin letters without their diacritics, so that "Erdoğan" and "Erdogan" are one name.
pub(super) fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
            'ç' | 'ć' | 'č' | 'ĉ' => 'c',
            'ď' | 'đ' => 'd',
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
            'ğ' | 'ĝ' | 'ġ' | 'ģ' => 'g',
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' | 'į' => 'i',
            'ł' | 'ľ' | 'ĺ' | 'ļ' => 'l',
            'ñ' | 'ń' | 'ň' | 'ņ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
            'ř' | 'ŕ' => 'r',
            'ś' | 'š' | 'ş' | 'ș' => 's',
            'ť' | 'ţ' | 'ț' => 't',
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
            'ý' | 'ÿ' => 'y',
            'ź' | 'ż' | 'ž' => 'z',
            c => c,
        })
        .collect()
}

pub(super) fn key(s: &str) -> String {
    let lower = fold(&collapse(s).to_lowercase());
    let lower = lower.replace("u.s.", "united states");
    let lower = lower
        .strip_prefix("the ")
        .map(str::to_string)
        .unwrap_or(lower);
    match lower.as_str() {
        "us" | "u.s" | "usa" => "united states".to_string(),
        "uk" | "u.k." => "united kingdom".to_string(),
        _ => lower,
    }
}

pub(super) fn strip_particle(word: &str) -> &str {
    PARTICLES
        .iter()
        .find_map(|p| word.strip_prefix(p))
        .unwrap_or(word)
}

/// A role as shown: no leading article, first letter capitalised.
pub(super) fn clean_role(s: &str) -> Option<String> {
    let s = collapse(s);
    let s = s.trim_matches(|c: char| c == ',' || c.is_whitespace());
    let s = ["the ", "The ", "a ", "A ", "an ", "An "]
        .iter()
        .find_map(|a| s.strip_prefix(a))
        .unwrap_or(s);
    let mut c = s.chars();
    let first = c.next()?;
    Some(first.to_uppercase().chain(c).collect())
}

// ---- one sentence ----

#[derive(Debug, Clone)]
pub(super) struct Mention {
    pub(super) toks: Range<usize>,
    pub(super) actor: usize,
}

#[derive(Debug, Clone)]
pub(super) struct GroupNp {
    pub(super) toks: Range<usize>,
    pub(super) display: String,
    pub(super) key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pron {
    Person,
    Plural,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subj {
    Actor(usize),
    Group(usize),
    Pronoun(usize, Pron),
}

pub(super) struct Sent<'a> {
    pub(super) body: &'a str,
    pub(super) toks: Vec<Tok>,
    /// Each token's word in lowercase ("" for other tokens).
    pub(super) lowers: Vec<String>,
    pub(super) mentions: Vec<Mention>,
    pub(super) groups: Vec<GroupNp>,
}

impl Sent<'_> {
    pub(super) fn word(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.kind == Tk::Word => &self.body[t.start..t.end],
            _ => "",
        }
    }

    pub(super) fn lower(&self, i: usize) -> &str {
        self.lowers.get(i).map_or("", String::as_str)
    }

    pub(super) fn is_punct(&self, i: usize, c: char) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Tk::Punct(c))
    }

    pub(super) fn is_quote(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| matches!(t.kind, Tk::Quote(_)))
    }

    pub(super) fn text(&self, r: Range<usize>) -> &str {
        if r.is_empty() {
            return "";
        }
        &self.body[self.toks[r.start].start..self.toks[r.end - 1].end]
    }

    pub(super) fn mention_ending(&self, j: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.toks.end == j + 1)
    }

    pub(super) fn mention_starting(&self, j: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.toks.start == j)
    }

    pub(super) fn group_ending(&self, j: usize) -> Option<usize> {
        self.groups.iter().position(|g| g.toks.end == j + 1)
    }

    pub(super) fn pronoun(&self, i: usize) -> Option<Pron> {
        match self.lower(i) {
            "he" | "she" => Some(Pron::Person),
            "they" => Some(Pron::Plural),
            _ => None,
        }
    }
}
