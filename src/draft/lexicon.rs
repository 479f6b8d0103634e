//! The word lists the draft works from: data files under `data/draft/`, compiled in, parsed once.

use crate::prompt::lint::data_lines;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

const REPORTING_VERBS: &str = include_str!("../../data/draft/reporting-verbs.txt");
const TITLES: &str = include_str!("../../data/draft/titles.txt");
const ACTOR_NOUNS: &str = include_str!("../../data/draft/actor-nouns.txt");
const PLACES: &str = include_str!("../../data/draft/places.txt");
const COMMON_WORDS: &str = include_str!("../../data/draft/common-words.txt");
const ABBREVIATIONS: &str = include_str!("../../data/draft/abbreviations.txt");
const JUDGING_WORDS: &str = include_str!("../../data/draft/judging-words.txt");
const BOILERPLATE: &str = include_str!("../../data/draft/boilerplate.txt");

/// Every data file, by name, for the test that each names its source.
#[cfg(test)]
pub(crate) const FILES: [(&str, &str); 8] = [
    ("reporting-verbs", REPORTING_VERBS),
    ("titles", TITLES),
    ("actor-nouns", ACTOR_NOUNS),
    ("places", PLACES),
    ("common-words", COMMON_WORDS),
    ("abbreviations", ABBREVIATIONS),
    ("judging-words", JUDGING_WORDS),
    ("boilerplate", BOILERPLATE),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TitleKind {
    Title,
    Modifier,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NounKind {
    Group,
    Event,
    Speech,
    Org,
    Thing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Place,
    Demonym,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abbrev {
    Never,
    Maybe,
}

pub struct Lexicon {
    /// One-word reporting verbs, lowercase.
    pub verbs: HashSet<&'static str>,
    /// Multi-word reporting verbs, as lowercase word lists.
    pub verb_phrases: Vec<Vec<&'static str>>,
    pub titles: HashMap<&'static str, TitleKind>,
    /// Lowercase common nouns (group, event, speech, thing).
    pub nouns: HashMap<String, NounKind>,
    /// Lowercase words that make a capitalised name a body or a thing.
    pub name_words: HashMap<String, NounKind>,
    /// Places and demonyms, case-sensitive, as word lists.
    pub places: HashMap<&'static str, PlaceKind>,
    /// Longest place name in words.
    pub place_words: usize,
    pub common: HashSet<&'static str>,
    pub abbreviations: HashMap<&'static str, Abbrev>,
    /// The author's judging words that keep a sentence out of the summary.
    pub judging: HashSet<&'static str>,
    /// Boilerplate phrases, lowercase.
    pub boilerplate: Vec<&'static str>,
}

fn pairs(text: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    data_lines(text).filter_map(|l| {
        let (a, b) = l.split_once('|')?;
        Some((a.trim(), b.trim()))
    })
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut verbs = HashSet::new();
    let mut verb_phrases = Vec::new();
    for v in data_lines(REPORTING_VERBS) {
        if v.contains(' ') {
            verb_phrases.push(v.split(' ').collect());
        } else {
            verbs.insert(v);
        }
    }
    let titles = pairs(TITLES)
        .map(|(w, k)| {
            (
                w,
                if k == "modifier" {
                    TitleKind::Modifier
                } else {
                    TitleKind::Title
                },
            )
        })
        .collect();
    let mut nouns = HashMap::new();
    let mut name_words = HashMap::new();
    for (w, k) in pairs(ACTOR_NOUNS) {
        let kind = match k {
            "group" => NounKind::Group,
            "event" => NounKind::Event,
            "speech" => NounKind::Speech,
            "org" => NounKind::Org,
            _ => NounKind::Thing,
        };
        let capitalised = w.chars().next().is_some_and(char::is_uppercase);
        if capitalised {
            name_words.insert(w.to_lowercase(), kind);
        } else {
            nouns.insert(w.to_string(), kind);
        }
    }
    let places: HashMap<&'static str, PlaceKind> = pairs(PLACES)
        .map(|(w, k)| {
            (
                w,
                if k == "demonym" {
                    PlaceKind::Demonym
                } else {
                    PlaceKind::Place
                },
            )
        })
        .collect();
    let place_words = places
        .keys()
        .map(|k| k.split(' ').count())
        .max()
        .unwrap_or(1);
    let abbreviations = pairs(ABBREVIATIONS)
        .map(|(w, k)| {
            (
                w,
                if k == "maybe" {
                    Abbrev::Maybe
                } else {
                    Abbrev::Never
                },
            )
        })
        .collect();
    Lexicon {
        verbs,
        verb_phrases,
        titles,
        nouns,
        name_words,
        places,
        place_words,
        common: data_lines(COMMON_WORDS).collect(),
        abbreviations,
        judging: data_lines(JUDGING_WORDS).collect(),
        boilerplate: data_lines(BOILERPLATE).collect(),
    }
});

impl Lexicon {
    pub fn is_common(&self, word: &str) -> bool {
        self.common.contains(word.to_lowercase().as_str())
    }

    pub fn title(&self, word: &str) -> Option<TitleKind> {
        self.titles
            .get(word.to_lowercase().trim_end_matches('.'))
            .copied()
    }

    pub fn noun(&self, word: &str) -> Option<NounKind> {
        self.nouns.get(word).copied()
    }

    pub fn name_word(&self, word: &str) -> Option<NounKind> {
        self.name_words.get(&word.to_lowercase()).copied()
    }

    pub fn place(&self, name: &str) -> Option<PlaceKind> {
        self.places.get(name).copied()
    }

    /// `head` names places and nothing else: a round-up post's heading ("Malawi", "Trinidad &
    /// Tobago, U.S.A.").
    pub fn only_places(&self, head: &str) -> bool {
        let mut parts = head
            .split([',', '&', '/'])
            .flat_map(|p| p.split(" and "))
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .peekable();
        parts.peek().is_some()
            && parts.all(|p| {
                self.place(p) == Some(PlaceKind::Place)
                    || self.place(p.trim_end_matches('.')) == Some(PlaceKind::Place)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_draft_word_list_names_its_source_on_its_first_line() {
        for (name, text) in FILES {
            let first = text.lines().next().unwrap_or_default();
            assert!(first.starts_with("# Source: "), "{name}: {first}");
        }
    }

    #[test]
    fn the_lists_load() {
        let l = &*LEXICON;
        assert!(l.verbs.contains("said") && l.verbs.contains("urged"));
        assert!(l
            .verb_phrases
            .iter()
            .any(|p| p == &["went", "on", "to", "say"]));
        assert_eq!(l.title("Secretary"), Some(TitleKind::Title));
        assert_eq!(l.title("former"), Some(TitleKind::Modifier));
        assert_eq!(l.noun("ministers"), Some(NounKind::Group));
        assert_eq!(l.name_word("Ministry"), Some(NounKind::Org));
        assert_eq!(l.name_word("Airport"), Some(NounKind::Thing));
        assert_eq!(l.place("United States"), Some(PlaceKind::Place));
        assert_eq!(l.place("Iranian"), Some(PlaceKind::Demonym));
        assert!(l.is_common("However"));
        assert_eq!(l.abbreviations.get("mr"), Some(&Abbrev::Never));
    }
}
