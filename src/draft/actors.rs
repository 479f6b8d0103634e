//! Who speaks and who is only mentioned, found from attribution.
//!
//! Each sentence is read outside its quotations (a quotation is one token). Names are runs of
//! capitalised words ("Foreign Secretary Boris Johnson"), split into a role and a name with the title
//! list; bodies are names with an organisation word ("Ministry", "Corps") or common-noun groups
//! ("the G7 foreign ministers", "one resident"). A reporting verb (the list is data) makes its subject
//! a speaker: the name before it ("Putin also said"), past an appositive ("Alexis Boon, the head of
//! ..., said"), after it next to a quotation ("..., said Khan"), after "according to", a possessive
//! with a noun of saying ("Tillerson's announcement"), the clause's subject for a participle ("...,
//! calling it ...") or a second verb ("... and urged"), and a pronoun resolved to the nearest fitting
//! actor: the subject of the sentence, else of the sentences before ("he" a person, "they" a body).
//! Each quotation goes to the nearest attribution in its sentence; a sentence that is only a
//! quotation continues the last speaker's words.

use super::lexicon::{Lexicon, NounKind, PlaceKind, TitleKind};
use super::text::{collapse, Text};
use std::collections::HashMap;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Person,
    /// A named body: "Turkish Ministry of Foreign Affairs", "WHO".
    Org,
    /// A common-noun group: "G7 foreign ministers", "one resident".
    Group,
    /// A country or city; it never counts as a speaker.
    Place,
    /// A capitalised word that is not known to be anything else.
    Unknown,
    /// A facility, an object or an event ("Baghdad International Airport").
    Thing,
}

#[derive(Debug, Clone)]
pub struct Actor {
    pub name: String,
    pub kind: ActorKind,
    pub role: Option<String>,
    /// Mentions outside quotations.
    pub mentions: usize,
    pub first_sentence: usize,
    /// Sentences in which the actor is an attributed speaker, in article order.
    pub statements: Vec<usize>,
    /// Quotations attributed to the actor (indices into the text's quotes), in article order.
    pub quotes: Vec<usize>,
    /// Sentences whose subject the actor is.
    pub topics: usize,
}

impl Actor {
    /// People and bodies with an attributed statement or quotation.
    pub fn speaks(&self) -> bool {
        !matches!(self.kind, ActorKind::Place | ActorKind::Thing)
            && (!self.statements.is_empty() || !self.quotes.is_empty())
    }

    /// The name to use in the bot's voice after the first mention: a surname, or the body's name.
    pub fn short_name(&self) -> String {
        match self.kind {
            ActorKind::Person => self
                .name
                .rsplit(' ')
                .next()
                .unwrap_or(&self.name)
                .to_string(),
            ActorKind::Group => {
                let mut c = self.name.chars();
                let first_two: Vec<char> = self.name.chars().take(2).collect();
                let keep = first_two
                    .iter()
                    .all(|c| c.is_uppercase() || c.is_ascii_digit());
                let lowered = match c.next() {
                    Some(f) if !keep => f.to_lowercase().chain(c).collect(),
                    _ => self.name.clone(),
                };
                if lowered.starts_with("a ")
                    || lowered.starts_with("an ")
                    || lowered.starts_with("one ")
                {
                    format!("the {}", lowered.split_once(' ').map_or("", |x| x.1))
                } else {
                    format!("the {lowered}")
                }
            }
            ActorKind::Place | ActorKind::Org if self.name.starts_with("United") => {
                format!("the {}", self.name)
            }
            _ => self.name.clone(),
        }
    }
}

/// Everyone the article names as speaking or acting.
#[derive(Debug, Clone, Default)]
pub struct Cast {
    pub actors: Vec<Actor>,
    /// For each quotation of the text, its speaker.
    pub quote_speaker: Vec<Option<usize>>,
}

// ---- tokens ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tk {
    Word,
    Punct(char),
    Quote(usize),
    /// A possessive `'s` or `'`.
    Poss,
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Tk,
    start: usize,
    end: usize,
}

fn tokenize(
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
                let initialism = word.contains('.');
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

const CONNECTORS: [&str; 16] = [
    "of", "for", "on", "and", "de", "da", "di", "du", "del", "der", "van", "von", "bin", "ibn",
    "al", "el",
];
const PARTICLES: [&str; 4] = ["al-", "el-", "ad-", "as-"];
const SKIP: [&str; 34] = [
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
const BE: [&str; 7] = ["was", "were", "is", "are", "be", "been", "being"];
const NOUN_MARKERS: [&str; 16] = [
    "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this", "these", "those",
    "no", "any", "that",
];
const PREPOSITIONS: [&str; 11] = [
    "in", "at", "from", "with", "to", "on", "near", "for", "during", "after", "before",
];
const QUANTIFIERS: [&str; 3] = ["a", "an", "one"];
const DETERMINERS: [&str; 8] = ["a", "an", "one", "the", "his", "her", "their", "its"];

fn is_cap(word: &str) -> bool {
    if word.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    PARTICLES.iter().any(|p| {
        word.strip_prefix(p)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_uppercase)
    })
}

fn is_titlecase(word: &str) -> bool {
    let mut c = word.chars();
    c.next().is_some_and(char::is_uppercase) && c.all(|x| !x.is_uppercase())
}

/// "Iranian-backed", "U.S.-designated": capitalised, but an adjective.
fn is_hyphen_adjective(word: &str) -> bool {
    word.rsplit('-')
        .next()
        .filter(|_| word.contains('-'))
        .and_then(|last| last.chars().next())
        .is_some_and(char::is_lowercase)
        && word.chars().next().is_some_and(char::is_uppercase)
}

fn is_acronym(word: &str) -> bool {
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 1
        && word.chars().count() >= 2
        && word
            .chars()
            .all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '.')
}

fn key(s: &str) -> String {
    let lower = collapse(s).to_lowercase();
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

fn strip_particle(word: &str) -> &str {
    PARTICLES
        .iter()
        .find_map(|p| word.strip_prefix(p))
        .unwrap_or(word)
}

/// A role as shown: no leading article, first letter capitalised.
fn clean_role(s: &str) -> Option<String> {
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

// ---- the registry of actors ----

#[derive(Default)]
struct Registry {
    actors: Vec<Actor>,
    keys: HashMap<String, usize>,
}

impl Registry {
    fn create(&mut self, name: &str, kind: ActorKind, sentence: usize, keys: &[String]) -> usize {
        let id = self.actors.len();
        self.actors.push(Actor {
            name: collapse(name),
            kind,
            role: None,
            mentions: 0,
            first_sentence: sentence,
            statements: Vec::new(),
            quotes: Vec::new(),
            topics: 0,
        });
        for k in keys {
            self.keys.entry(k.clone()).or_insert(id);
        }
        id
    }

    fn find(&self, k: &str) -> Option<usize> {
        self.keys.get(k).copied()
    }

    /// A person's name: the same person by full name, or by surname for a one-word mention.
    fn person(&mut self, words: &[&str], sentence: usize) -> usize {
        let full = words.join(" ");
        let k = key(&full);
        if let Some(id) = self.find(&k) {
            if self.actors[id].kind == ActorKind::Unknown {
                self.actors[id].kind = ActorKind::Person;
            }
            return id;
        }
        let last = words.last().copied().unwrap_or_default();
        let surname = key(strip_particle(last));
        if words.len() == 1 {
            if let Some(id) = self.find(&surname) {
                return id;
            }
        }
        let mut keys = vec![k, key(last), surname];
        if words.len() >= 2 {
            keys.push(key(words[0]));
        }
        if words.len() >= 3 && CONNECTORS.contains(&words[words.len() - 2].to_lowercase().as_str())
        {
            keys.push(key(&words[words.len() - 2..].join(" ")));
        }
        // a surname already taken by another person stays theirs
        self.create(&full, ActorKind::Person, sentence, &keys)
    }

    fn named(&mut self, name: &str, kind: ActorKind, sentence: usize) -> usize {
        let k = key(name);
        if let Some(id) = self.find(&k) {
            if self.actors[id].kind == ActorKind::Unknown && kind != ActorKind::Unknown {
                self.actors[id].kind = kind;
            }
            return id;
        }
        if kind == ActorKind::Unknown {
            let k2 = key(strip_particle(name));
            if let Some(id) = self.find(&k2) {
                return id;
            }
        }
        self.create(name, kind, sentence, &[k])
    }

    /// A common-noun group: the same group by name, or a group whose name ends with this one
    /// ("the ministers" after "the G7 foreign ministers").
    fn group(&mut self, display: &str, k: &str, sentence: usize) -> usize {
        if let Some(id) = self.find(k) {
            return id;
        }
        let suffix = format!(" {k}");
        let earlier = self
            .actors
            .iter()
            .enumerate()
            .rev()
            .find(|(_, a)| a.kind == ActorKind::Group && key(&a.name).ends_with(&suffix))
            .map(|(i, _)| i);
        if let Some(id) = earlier {
            return id;
        }
        self.create(display, ActorKind::Group, sentence, &[k.to_string()])
    }
}

// ---- one sentence ----

#[derive(Debug, Clone)]
struct Mention {
    toks: Range<usize>,
    actor: usize,
}

#[derive(Debug, Clone)]
struct GroupNp {
    toks: Range<usize>,
    display: String,
    key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pron {
    Person,
    Plural,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Subj {
    Actor(usize),
    Group(usize),
    Pronoun(usize, Pron),
}

struct Sent<'a> {
    body: &'a str,
    toks: Vec<Tok>,
    /// Each token's word in lowercase ("" for other tokens).
    lowers: Vec<String>,
    mentions: Vec<Mention>,
    groups: Vec<GroupNp>,
}

impl Sent<'_> {
    fn word(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) if t.kind == Tk::Word => &self.body[t.start..t.end],
            _ => "",
        }
    }

    fn lower(&self, i: usize) -> &str {
        self.lowers.get(i).map_or("", String::as_str)
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == Tk::Punct(c))
    }

    fn is_quote(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| matches!(t.kind, Tk::Quote(_)))
    }

    fn text(&self, r: Range<usize>) -> &str {
        if r.is_empty() {
            return "";
        }
        &self.body[self.toks[r.start].start..self.toks[r.end - 1].end]
    }

    fn mention_ending(&self, j: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.toks.end == j + 1)
    }

    fn mention_starting(&self, j: usize) -> Option<&Mention> {
        self.mentions.iter().find(|m| m.toks.start == j)
    }

    fn group_ending(&self, j: usize) -> Option<usize> {
        self.groups.iter().position(|g| g.toks.end == j + 1)
    }

    fn pronoun(&self, i: usize) -> Option<Pron> {
        match self.lower(i) {
            "he" | "she" => Some(Pron::Person),
            "they" => Some(Pron::Plural),
            _ => None,
        }
    }
}

/// Finds the actors of an article and attributes its statements and quotations.
pub fn find(text: &Text, lex: &Lexicon) -> Cast {
    let mut reg = Registry::default();
    let mut quote_speaker: Vec<Option<usize>> = vec![None; text.quotes.len()];
    // Per sentence, the actors it is about, first the attributed speakers.
    let mut history: Vec<Vec<usize>> = Vec::new();
    let mut last_quote: Option<(usize, usize, usize)> = None; // (actor, paragraph, sentence)
    let lowercase_words = lowercase_vocabulary(&text.body);

    for (si, sentence) in text.sentences.iter().enumerate() {
        let quotes: Vec<(usize, Range<usize>)> = sentence
            .quotes
            .clone()
            .map(|q| (q, text.quotes[q].outer.clone()))
            .collect();
        let toks = tokenize(&text.body, sentence.range.clone(), &quotes, lex);
        let lowers = toks
            .iter()
            .map(|t| match t.kind {
                Tk::Word => text.body[t.start..t.end].to_lowercase(),
                _ => String::new(),
            })
            .collect();
        let mut s = Sent {
            body: &text.body,
            toks,
            lowers,
            mentions: Vec::new(),
            groups: Vec::new(),
        };
        s.groups = group_nps(&s, lex);
        read_names(&mut s, &mut reg, lex, si, &lowercase_words);
        drop_role_groups(&mut s, &reg);
        let attributions = attributions(&s, &mut reg, lex, si);

        // Resolve subjects to actors.
        let mut resolved: Vec<(usize, usize)> = Vec::new(); // (token of the verb, actor)
        let topic = topic(&s, &mut reg, si);
        for (verb, subj) in attributions {
            let actor = match subj {
                Subj::Actor(a) => Some(a),
                Subj::Group(g) => {
                    let g = &s.groups[g];
                    Some(reg.group(&g.display, &g.key, si))
                }
                Subj::Pronoun(at, kind) => resolved
                    .iter()
                    .map(|r| r.1)
                    .find(|&a| fits(&reg.actors[a], kind))
                    .or_else(|| resolve_pronoun(&s, &reg, &history, at, kind)),
            };
            if let Some(a) = actor {
                if reg.actors[a].kind == ActorKind::Unknown {
                    reg.actors[a].kind = ActorKind::Person;
                }
                resolved.push((verb, a));
            }
        }
        for &(_, a) in &resolved {
            let st = &mut reg.actors[a].statements;
            if st.last() != Some(&si) {
                st.push(si);
            }
        }

        // Quotations: to the nearest attribution, or continuing the last speaker.
        let quote_chars: usize = quotes.iter().map(|(_, o)| o.len()).sum();
        let quote_only = quote_chars * 10 >= sentence.range.len() * 6 && s.is_quote(0);
        let mut speakers_here: Vec<usize> = resolved.iter().map(|r| r.1).collect();
        for (ti, t) in s.toks.iter().enumerate() {
            let Tk::Quote(q) = t.kind else { continue };
            let speaker = resolved
                .iter()
                .min_by_key(|(v, _)| v.abs_diff(ti))
                .map(|r| r.1)
                .or_else(|| {
                    let (a, para, at) = last_quote?;
                    let near = para + 1 >= sentence.para && si - at <= 3;
                    (quote_only && near).then_some(a)
                })
                .or_else(|| {
                    // "he appreciated Soleimani's lifepath: "...""
                    let colon = ti > 0 && s.is_punct(ti - 1, ':');
                    let subj = topic.filter(|(at, _)| *at < ti)?;
                    let a = match subj.1 {
                        Subj::Actor(a) => Some(a),
                        Subj::Group(g) => {
                            Some(reg.group(&s.groups[g].display, &s.groups[g].key, si))
                        }
                        Subj::Pronoun(at, k) => resolve_pronoun(&s, &reg, &history, at, k),
                    }?;
                    colon.then_some(a)
                });
            if let Some(a) = speaker {
                quote_speaker[q] = Some(a);
                reg.actors[a].quotes.push(q);
                last_quote = Some((a, sentence.para, si));
                if !speakers_here.contains(&a) {
                    speakers_here.push(a);
                }
            }
        }

        // What the sentence is about, for pronouns further on.
        let mut about = speakers_here;
        if let Some((_, subj)) = topic {
            let a = match subj {
                Subj::Actor(a) => Some(a),
                Subj::Group(g) => Some(reg.group(&s.groups[g].display, &s.groups[g].key, si)),
                Subj::Pronoun(at, k) => resolve_pronoun(&s, &reg, &history, at, k),
            };
            if let Some(a) = a {
                reg.actors[a].topics += 1;
                if !about.contains(&a) {
                    about.push(a);
                }
            }
        }
        history.push(about);
    }
    Cast {
        actors: reg.actors,
        quote_speaker,
    }
}

/// A group phrase right before a person's name is that person's role, not a group: "Greek prime
/// minister Kyriakos Mitsotakis", "The Italian foreign minister, Luigi Di Maio,".
fn drop_role_groups(s: &mut Sent, reg: &Registry) {
    let person_at = |s: &Sent, k: usize| {
        s.mention_starting(k)
            .is_some_and(|m| reg.actors[m.actor].kind == ActorKind::Person)
    };
    let keep: Vec<bool> = s
        .groups
        .iter()
        .map(|g| {
            let e = g.toks.end;
            !(person_at(s, e) || s.is_punct(e, ',') && person_at(s, e + 1))
        })
        .collect();
    let mut k = keep.iter();
    s.groups.retain(|_| *k.next().unwrap_or(&true));
}

/// Every word that appears in lowercase somewhere in the text (outside sentence starts too).
fn lowercase_vocabulary(body: &str) -> std::collections::HashSet<String> {
    body.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .map(str::to_string)
        .collect()
}

/// Group noun phrases: "the G7 foreign ministers", "one resident", "representatives from Iran".
fn group_nps(s: &Sent, lex: &Lexicon) -> Vec<GroupNp> {
    let mut out = Vec::new();
    for g in 0..s.toks.len() {
        let w = s.word(g);
        if w.is_empty() || !w.chars().next().is_some_and(char::is_lowercase) {
            continue;
        }
        if lex.noun(w) != Some(NounKind::Group) {
            continue;
        }
        let mut start = g;
        while start > 0 {
            let p = s.word(start - 1);
            let ok = !p.is_empty()
                && ((is_cap(p) && !(is_titlecase(p) && lex.is_common(p)))
                    || lex
                        .title(p)
                        .is_some_and(|_| !matches!(p, "of" | "the" | "for"))
                    || lex.noun(p) == Some(NounKind::Group));
            if !ok {
                break;
            }
            start -= 1;
        }
        // "A hospital official": lowercase modifiers between a determiner and the noun
        let mut b = start;
        while b > 0 && b + 3 > start {
            let p = s.word(b - 1);
            if p.is_empty() || is_cap(p) || lex.is_common(p) {
                break;
            }
            b -= 1;
        }
        if start == g && b < start && b > 0 && DETERMINERS.contains(&s.lower(b - 1)) {
            start = b;
        }
        let mut end = g + 1;
        if matches!(s.lower(end), "from" | "of") {
            let mut k = end + 1;
            if s.lower(k) == "the" {
                k += 1;
            }
            let mut e = k;
            while e < s.toks.len() && is_cap(s.word(e)) {
                e += 1;
            }
            if e > k {
                end = e;
            }
        }
        let with_article = start > 0
            && QUANTIFIERS.contains(&s.lower(start - 1))
            && (start..g).all(|k| lex.title(s.word(k)).is_none() && !is_cap(s.word(k)));
        let display_start = if with_article { start - 1 } else { start };
        let display = s.text(display_start..end).to_string();
        let mut display_chars = display.chars();
        let display = match display_chars.next() {
            Some(f) => f.to_uppercase().chain(display_chars).collect(),
            None => continue,
        };
        out.push(GroupNp {
            toks: start..end,
            display,
            key: key(s.text(start..end)),
        });
    }
    out
}

/// Finds the names in a sentence, registers them and their roles, and records the mentions.
fn read_names(
    s: &mut Sent,
    reg: &mut Registry,
    lex: &Lexicon,
    si: usize,
    lower_vocab: &std::collections::HashSet<String>,
) {
    let n = s.toks.len();
    let name_word = |s: &Sent, i: usize| {
        let w = s.word(i);
        let common = is_titlecase(w) && lex.is_common(w);
        !w.is_empty() && is_cap(w) && !is_hyphen_adjective(w) && !common
    };
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < n {
        if !name_word(s, i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            if j < n && name_word(s, j) {
                j += 1;
                continue;
            }
            let c = s.lower(j);
            let after_title = lex.title(s.word(j - 1)) == Some(TitleKind::Title);
            let joins = CONNECTORS.contains(&c)
                || c == "the" && matches!(s.lower(j - 1), "of" | "for" | "on")
                || c == "from" && after_title;
            if joins
                && j + 1 < n
                && (name_word(s, j + 1) || s.lower(j + 1) == "the" && name_word(s, j + 2))
            {
                j += 1;
                continue;
            }
            break;
        }
        // "Russia and Vladimir Putin" are two names; "Food and Agriculture Organization" is one.
        let split = (i..j)
            .find(|&k| s.lower(k) == "and")
            .filter(|_| lex.name_word(s.word(j - 1)).is_none());
        match split {
            Some(a) => spans.extend([i..a, a + 1..j].into_iter().filter(|r| !r.is_empty())),
            None => spans.push(i..j),
        }
        i = j;
    }
    let spans = join_by_acronym(s, spans);

    for span in spans {
        // inside a group noun phrase ("the G7 foreign ministers"): a modifier, not a mention
        if s.groups
            .iter()
            .any(|g| g.toks.start <= span.start && span.end <= g.toks.end)
        {
            continue;
        }
        let words: Vec<&str> = span.clone().map(|k| s.word(k)).collect();
        // sentence-initial single words that the text also uses in lowercase ("Reports said ..."),
        // or a participle ("Calling it ...")
        if span.start == 0
            && words.len() == 1
            && (lower_vocab.contains(&words[0].to_lowercase()) || words[0].ends_with("ing"))
        {
            continue;
        }
        // A title inside the name: "Foreign Secretary Boris Johnson", "President of Ukraine Volodymyr Zelenskyy".
        let title_at = span
            .clone()
            .rev()
            .find(|&k| lex.title(s.word(k)) == Some(TitleKind::Title));
        let (name_toks, inner_role) = match title_at {
            Some(t) => {
                let mut ns = t + 1;
                if matches!(s.lower(ns), "of" | "from") {
                    ns += 1;
                    if s.lower(ns) == "the" {
                        ns += 1;
                    }
                    let before = ns;
                    ns += place_at(s, lex, ns, span.end);
                    while ns < span.end && {
                        let w = s.word(ns);
                        lex.name_word(w).is_some() || lex.title(w).is_some()
                    } {
                        ns += 1;
                    }
                    if ns == before {
                        ns += 1; // "of X" with an unknown X: take one word
                    }
                }
                if ns >= span.end {
                    continue; // a role alone: "the Supreme Leader of Iran"
                }
                (ns..span.end, Some(s.text(span.start..ns).to_string()))
            }
            None => (span.clone(), None),
        };
        // "Senator Ron Wyden of Oregon": the place qualifies the person
        let person_like = inner_role.is_some() || {
            let words: Vec<&str> = name_toks.clone().map(|k| s.word(k)).collect();
            lex.name_word(words.last().copied().unwrap_or_default())
                .is_none()
                && !words
                    .iter()
                    .any(|w| lex.name_word(w) == Some(NounKind::Org))
        };
        let name_toks = match (name_toks.start + 1..name_toks.end)
            .find(|&k| matches!(s.lower(k), "of" | "from"))
        {
            Some(k)
                if person_like
                    && k > name_toks.start + 1
                    && place_at(s, lex, k + 1, name_toks.end) == name_toks.end - k - 1 =>
            {
                name_toks.start..k
            }
            _ => name_toks,
        };
        let name_words: Vec<&str> = name_toks.clone().map(|k| s.word(k)).collect();
        let name = s.text(name_toks.clone()).to_string();
        let kind = classify(&name_words, lex, inner_role.is_some());
        // what follows: "Costa Sur power plant" is a thing; "(USGS)" is an alias
        let next = s.word(name_toks.end);
        let after_thing = lex.noun(next) == Some(NounKind::Thing)
            || lex.noun(s.word(name_toks.end + 1)) == Some(NounKind::Thing)
                && !next.is_empty()
                && !is_cap(next);
        let id = match kind {
            ActorKind::Place
                if name_words
                    .iter()
                    .all(|w| lex.place(w) == Some(PlaceKind::Demonym)) =>
            {
                continue
            }
            ActorKind::Person => reg.person(&name_words, si),
            kind => reg.named(&name, kind, si),
        };
        if after_thing && inner_role.is_none() && reg.actors[id].role.is_none() {
            reg.actors[id].kind = ActorKind::Thing;
        }
        if s.is_punct(name_toks.end, '(') && s.is_punct(name_toks.end + 2, ')') {
            let acronym = s.word(name_toks.end + 1);
            if is_acronym(acronym) {
                reg.keys.entry(key(acronym)).or_insert(id);
            }
        }
        let role = inner_role.or_else(|| role_around(s, name_toks.clone(), lex));
        if reg.actors[id].kind == ActorKind::Person
            || role.is_some() && reg.actors[id].kind == ActorKind::Unknown
        {
            reg.actors[id].kind = ActorKind::Person;
            if reg.actors[id].role.is_none() {
                reg.actors[id].role = role.as_deref().and_then(clean_role);
            }
        }
        reg.actors[id].mentions += 1;
        s.mentions.push(Mention {
            toks: name_toks,
            actor: id,
        });
    }
    // An acronym in parentheses after lowercase words names a thing: "exclusive economic zone (EEZ)".
    for k in 1..n.saturating_sub(1) {
        let w = s.word(k);
        if s.is_punct(k - 1, '(')
            && is_acronym(w)
            && !s.mentions.iter().any(|m| m.toks.end + 1 == k)
        {
            let before = s.word(k.saturating_sub(2));
            if !before.is_empty() && !is_cap(before) {
                let id = reg.named(w, ActorKind::Thing, si);
                reg.actors[id].kind = ActorKind::Thing;
            }
        }
    }
}

/// How many words from `k` (before `end`) make the longest listed place: "United States" is 2.
fn place_at(s: &Sent, lex: &Lexicon, k: usize, end: usize) -> usize {
    (1..=lex.place_words.min(end.saturating_sub(k)))
        .rev()
        .find(|&l| {
            let words: Vec<&str> = (k..k + l).map(|x| s.word(x)).collect();
            lex.place(&words.join(" ")).is_some()
        })
        .unwrap_or(0)
}

/// Initials of the capitalised words of `r`.
fn initials(s: &Sent, r: Range<usize>) -> String {
    r.filter_map(|k| s.word(k).chars().next().filter(|c| c.is_uppercase()))
        .collect()
}

/// Joins the names that an acronym in parentheses spells out together:
/// "Institute of Epidemiology, Disease Control and Research (IEDCR)" is one body.
fn join_by_acronym(s: &Sent, spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for span in spans {
        let e = span.end;
        let acronym = if s.is_punct(e, '(') && s.is_punct(e + 2, ')') {
            s.word(e + 1)
        } else {
            ""
        };
        let letters: String = acronym.chars().filter(|c| c.is_uppercase()).collect();
        if letters.len() >= 2 && initials(s, span.clone()) != letters {
            // take earlier spans while they are joined by commas, "and" or "of"
            let mut start = span.start;
            let mut merged = 0;
            for prev in out.iter().rev() {
                let gap_ok = (prev.end..start)
                    .all(|k| s.is_punct(k, ',') || matches!(s.lower(k), "and" | "of"));
                if !gap_ok || start - prev.end > 2 {
                    break;
                }
                start = prev.start;
                merged += 1;
                if initials(s, start..e).ends_with(&letters) || initials(s, start..e) == letters {
                    break;
                }
            }
            // the initials may start inside the first span ("Bangladesh's" is not part of it)
            if merged > 0 && initials(s, start..e).ends_with(&letters) {
                let mut st = start;
                while initials(s, st..e) != letters && st < e {
                    st += 1;
                }
                if initials(s, st..e) == letters {
                    out.truncate(out.len() - merged);
                    out.push(st..e);
                    continue;
                }
            }
        }
        out.push(span);
    }
    out
}

fn classify(words: &[&str], lex: &Lexicon, titled: bool) -> ActorKind {
    let full = words.join(" ");
    if titled {
        return ActorKind::Person;
    }
    if lex.place(&full).is_some() {
        return ActorKind::Place;
    }
    let all_places = words
        .iter()
        .all(|w| w.split(['-', '–']).all(|part| lex.place(part).is_some()));
    if all_places {
        return ActorKind::Place;
    }
    for w in words.iter().rev() {
        match lex.name_word(w) {
            Some(NounKind::Org) => return ActorKind::Org,
            Some(NounKind::Thing) => return ActorKind::Thing,
            _ => {}
        }
    }
    if words.len() == 1 && is_acronym(words[0]) {
        return ActorKind::Org;
    }
    let connected = words
        .iter()
        .any(|w| matches!(*w, "of" | "for" | "on" | "and" | "the"));
    if words.len() >= 2 && !connected {
        ActorKind::Person
    } else {
        ActorKind::Unknown
    }
}

/// A role written around a name: a title phrase before it ("Egyptian foreign minister Sameh Shoukry"),
/// an appositive after it ("Alexis Boon, the head of ..., said") or before it ("The mayor of London,
/// Sadiq Khan, thanked").
fn role_around(s: &Sent, name: Range<usize>, lex: &Lexicon) -> Option<String> {
    // before, as a title phrase
    let mut b = name.start;
    let mut titled = false;
    while b > 0 {
        let w = s.word(b - 1);
        if w.is_empty() {
            break;
        }
        match lex.title(w) {
            Some(TitleKind::Title) => titled = true,
            Some(TitleKind::Modifier) => {}
            None if is_cap(w) && !(is_titlecase(w) && lex.is_common(w)) => {}
            None => break,
        }
        b -= 1;
    }
    while b < name.start && matches!(s.lower(b), "of" | "the" | "for") {
        b += 1;
    }
    if titled && b < name.start {
        return Some(s.text(b..name.start).to_string());
    }
    let is_role_phrase = |r: Range<usize>| {
        let len = r.len();
        let first = s.lower(r.start);
        let starts =
            matches!(first, "the" | "a" | "an") || lex.title(first) == Some(TitleKind::Title);
        let has_title = r.clone().any(|k| {
            lex.title(s.word(k)) == Some(TitleKind::Title)
                || lex.noun(s.word(k)) == Some(NounKind::Group)
        });
        let no_quote = !r.clone().any(|k| s.is_quote(k));
        (1..=15).contains(&len) && starts && has_title && no_quote
    };
    // after: ", the head of ...,"
    if s.is_punct(name.end, ',') {
        let mut e = name.end + 1;
        while e < s.toks.len()
            && !matches!(s.toks[e].kind, Tk::Punct(',' | '.' | ';' | ':' | '('))
            && !s.is_quote(e)
        {
            e += 1;
        }
        if is_role_phrase(name.end + 1..e) && s.mention_starting(name.end + 1).is_none() {
            return Some(s.text(name.end + 1..e).to_string());
        }
    }
    // before: "The mayor of London, Sadiq Khan,"
    if name.start > 0 && s.is_punct(name.start - 1, ',') && s.is_punct(name.end, ',') {
        let end = name.start - 1;
        let mut b = end;
        while b > 0 && !matches!(s.toks[b - 1].kind, Tk::Punct(_) | Tk::Quote(_)) {
            b -= 1;
        }
        if is_role_phrase(b..end) {
            return Some(s.text(b..end).to_string());
        }
    }
    None
}

fn verb_at(s: &Sent, lex: &Lexicon, i: usize) -> Option<usize> {
    let w = s.lower(i);
    if w.is_empty() {
        return None;
    }
    for phrase in &lex.verb_phrases {
        if phrase.iter().enumerate().all(|(k, p)| s.lower(i + k) == *p) {
            return Some(phrase.len());
        }
    }
    lex.verbs.contains(w).then_some(1)
}

/// The attributions of a sentence: (token of the verb, subject).
fn attributions(s: &Sent, reg: &mut Registry, lex: &Lexicon, si: usize) -> Vec<(usize, Subj)> {
    let mut out: Vec<(usize, Subj)> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    // the roles of the people named so far, in the order they were first named
    let mut titled: Vec<(String, usize)> = reg
        .actors
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == ActorKind::Person)
        .filter_map(|(i, a)| a.role.clone().map(|r| (r, i)))
        .collect();
    titled.sort_by_key(|(_, i)| reg.actors[*i].first_sentence);
    let n = s.toks.len();
    let mut i = 0;
    while i < n {
        // "according to X"
        if s.lower(i) == "according" && s.lower(i + 1) == "to" {
            if let Some(subj) = according_to(s, reg, i + 2, si) {
                out.push((i, subj));
            }
            i += 2;
            continue;
        }
        // "Tillerson's announcement"
        if s.toks[i].kind == Tk::Poss && i > 0 && lex.noun(s.lower(i + 1)) == Some(NounKind::Speech)
        {
            if let Some(m) = s.mention_ending(i - 1) {
                if matches!(
                    reg.actors[m.actor].kind,
                    ActorKind::Person | ActorKind::Org | ActorKind::Unknown
                ) {
                    out.push((i + 1, Subj::Actor(m.actor)));
                }
            }
        }
        let Some(len) = verb_at(s, lex, i) else {
            i += 1;
            continue;
        };
        let v = i;
        i += len;
        let prev = if v > 0 { s.lower(v - 1) } else { "" };
        if v > 0 && (NOUN_MARKERS.contains(&prev) || s.toks[v - 1].kind == Tk::Poss) {
            continue; // "his claims", "the call"
        }
        if prev == "to" && len == 1 {
            continue; // "to argue"
        }
        let word = s.lower(v);
        if word.ends_with("ing") && len == 1 {
            // a participle takes its clause's subject; at the start of the sentence, the subject of
            // the main clause that follows ("Saying ..., President Fernández elaborated, ...")
            match out.last().map(|x| x.1).or_else(|| topic_subject(s, v)) {
                Some(subj) => out.push((v, subj)),
                None => pending.push(v),
            }
            continue;
        }
        match subject_before(s, lex, v, &titled) {
            Before::Subject(subj) => out.push((v, subj)),
            Before::Passive => {
                // "described as ... by the police"
                let by = (v + len..n.min(v + len + 10)).find(|&k| s.lower(k) == "by");
                if let Some(k) = by {
                    let k = if s.lower(k + 1) == "the" {
                        k + 2
                    } else {
                        k + 1
                    };
                    if let Some(g) = s.groups.iter().position(|g| g.toks.start == k) {
                        out.push((v, Subj::Group(g)));
                    } else if let Some(m) = s.mention_starting(k) {
                        out.push((v, Subj::Actor(m.actor)));
                    }
                }
            }
            Before::Nothing { fallback } => {
                // "..., said Khan" / "“...,” said the minister"
                let after_quote = v == 0
                    || s.is_quote(v - 1)
                    || (s.is_punct(v - 1, ',') && v >= 2 && s.is_quote(v - 2));
                if after_quote {
                    let k = if s.lower(v + len) == "the" {
                        v + len + 1
                    } else {
                        v + len
                    };
                    if let Some(m) = s.mention_starting(k) {
                        out.push((v, Subj::Actor(m.actor)));
                        continue;
                    }
                    if let Some(g) = s.groups.iter().position(|g| g.toks.start == k) {
                        out.push((v, Subj::Group(g)));
                        continue;
                    }
                    if let Some(p) = s.pronoun(v + len) {
                        out.push((v, Subj::Pronoun(v + len, p)));
                        continue;
                    }
                }
                // "... and urged Russia", "... and called Trump's order": not "... and claimed 3000 lives"
                let next = v + len;
                let complement = s.lower(next) == "that"
                    || s.is_quote(next)
                    || matches!(s.toks.get(next).map(|t| t.kind), Some(Tk::Punct(',' | ':')))
                    || matches!(s.lower(next), "her" | "him" | "them" | "us" | "on" | "for")
                    || s.mention_starting(next).is_some();
                // "... think tank called the agreement": not "... of 1,124 pledged delegates"
                let article = matches!(s.lower(next), "the" | "a" | "an");
                let ok = match fallback {
                    Fallback::No => false,
                    Fallback::Conj => complement,
                    Fallback::Noun => complement || article,
                };
                if ok {
                    if let Some(subj) = topic_subject(s, v) {
                        out.push((v, subj));
                    }
                }
            }
        }
    }
    resolve_pending(&mut out, &pending);
    out
}

fn resolve_pending(out: &mut Vec<(usize, Subj)>, pending: &[usize]) {
    for &v in pending {
        if let Some(&(_, subj)) = out.iter().find(|(w, _)| *w > v) {
            out.push((v, subj));
        }
    }
}

fn according_to(s: &Sent, reg: &mut Registry, from: usize, si: usize) -> Option<Subj> {
    let mut end = from;
    while end < s.toks.len()
        && !matches!(
            s.toks[end].kind,
            Tk::Punct(',' | ';' | ':' | '.') | Tk::Quote(_)
        )
    {
        end += 1;
    }
    let phrase = from..end;
    if let Some(m) = s
        .mentions
        .iter()
        .find(|m| phrase.contains(&m.toks.start) && reg.actors[m.actor].kind == ActorKind::Person)
    {
        return Some(Subj::Actor(m.actor));
    }
    if end > from {
        if let Some(g) = s.group_ending(end - 1) {
            let mut start = from;
            while start < end && matches!(s.lower(start), "the" | "a" | "an") {
                start += 1;
            }
            let display = clean_role(s.text(start..end)).unwrap_or_default();
            let _ = g;
            let id = reg.group(&display, &key(s.text(start..end)), si);
            return Some(Subj::Actor(id));
        }
    }
    s.mentions
        .iter()
        .find(|m| {
            phrase.contains(&m.toks.start)
                && matches!(
                    reg.actors[m.actor].kind,
                    ActorKind::Org | ActorKind::Unknown
                )
        })
        .map(|m| Subj::Actor(m.actor))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fallback {
    No,
    Conj,
    Noun,
}

enum Before {
    Subject(Subj),
    Passive,
    /// No subject right before the verb; `fallback` when the clause's subject may stand for it:
    /// `Conj` after "and", "but" ("... and urged"), `Noun` after another noun ("Mitsotakis speaking
    /// to the think tank called ...").
    Nothing {
        fallback: Fallback,
    },
}

fn subject_before(s: &Sent, lex: &Lexicon, v: usize, titled: &[(String, usize)]) -> Before {
    let mut j = v;
    let mut hops = 0;
    loop {
        // skip adverbs and auxiliaries
        loop {
            if j == 0 {
                return Before::Nothing {
                    fallback: Fallback::No,
                };
            }
            let w = s.lower(j - 1);
            if BE.contains(&w) {
                return Before::Passive;
            }
            let adverb = w.len() > 4 && w.ends_with("ly") && !is_cap(s.word(j - 1));
            if SKIP.contains(&w) || adverb {
                j -= 1;
                continue;
            }
            break;
        }
        let k = j - 1;
        if let Some(p) = s.pronoun(k) {
            return Before::Subject(Subj::Pronoun(k, p));
        }
        if let Some(g) = s.group_ending(k) {
            return Before::Subject(Subj::Group(g));
        }
        if let Some(m) = s.mention_ending(k) {
            // "John Geiger of USGS told"
            if m.toks.start >= 2 && s.lower(m.toks.start - 1) == "of" {
                if let Some(p) = s.mention_ending(m.toks.start - 2) {
                    return Before::Subject(Subj::Actor(p.actor));
                }
            }
            // "... meeting in Italy also called": skip a prepositional phrase
            if m.toks.start >= 1 && PREPOSITIONS.contains(&s.lower(m.toks.start - 1)) && hops < 3 {
                j = m.toks.start - 1;
                hops += 1;
                continue;
            }
            return Before::Subject(Subj::Actor(m.actor));
        }
        match s.toks[k].kind {
            Tk::Punct(')') => {
                let open = (0..k).rev().find(|&x| s.is_punct(x, '('));
                match open {
                    Some(o) if hops < 3 => {
                        j = o;
                        hops += 1;
                        continue;
                    }
                    _ => {
                        return Before::Nothing {
                            fallback: Fallback::No,
                        }
                    }
                }
            }
            Tk::Punct(',') => return appositive(s, k),
            Tk::Word => {}
            _ => {
                return Before::Nothing {
                    fallback: Fallback::No,
                }
            }
        }
        let w = s.lower(k);
        // "the archbishop said": the person last named with that title
        if lex.title(w) == Some(TitleKind::Title) && k > 0 && s.lower(k - 1) == "the" {
            let same = |t: &String| t.split_whitespace().any(|x| x.eq_ignore_ascii_case(w));
            if let Some(a) = titled.iter().rev().find(|(t, _)| same(t)) {
                return Before::Subject(Subj::Actor(a.1));
            }
        }
        // "... ministers' meeting in Italy"
        if lex.noun(w) == Some(NounKind::Event) && k >= 2 && s.toks[k - 1].kind == Tk::Poss {
            if let Some(g) = s.group_ending(k - 2) {
                return Before::Subject(Subj::Group(g));
            }
            if let Some(m) = s.mention_ending(k - 2) {
                return Before::Subject(Subj::Actor(m.actor));
            }
        }
        // "José Ortiz of the island's power authority said"
        let lowercase = !is_cap(s.word(k));
        if lowercase {
            for x in (k.saturating_sub(8)..k).rev() {
                if matches!(s.toks[x].kind, Tk::Punct(_) | Tk::Quote(_)) {
                    break;
                }
                if s.lower(x) == "of" && x > 0 {
                    if let Some(m) = s.mention_ending(x - 1) {
                        return Before::Subject(Subj::Actor(m.actor));
                    }
                    break;
                }
            }
        }
        let fallback = if matches!(w, "and" | "but" | "then" | "or") {
            Fallback::Conj
        } else if lowercase && !lex.is_common(w) && w.chars().all(char::is_alphabetic) {
            Fallback::Noun
        } else {
            Fallback::No
        };
        return Before::Nothing { fallback };
    }
}

/// The subject before an appositive ending at the comma `k`.
fn appositive(s: &Sent, k: usize) -> Before {
    let Some(c) = (k.saturating_sub(25)..k)
        .rev()
        .find(|&x| s.is_punct(x, ','))
    else {
        return Before::Nothing {
            fallback: Fallback::No,
        };
    };
    // the appositive is the name: "The mayor of London, Sadiq Khan, thanked"
    if let Some(m) = s.mention_ending(k - 1) {
        let titled =
            (c + 1..m.toks.start).all(|x| s.word(x).chars().next().is_some_and(char::is_uppercase));
        if m.toks.start == c + 1 || titled && m.toks.start > c + 1 && m.toks.start - c <= 4 {
            return Before::Subject(Subj::Actor(m.actor));
        }
    }
    if c > 0 {
        if let Some(g) = s.group_ending(c - 1) {
            return Before::Subject(Subj::Group(g));
        }
        let mut b = c - 1;
        if s.is_punct(b, ')') {
            if let Some(o) = (0..b).rev().find(|&x| s.is_punct(x, '(')) {
                if o == 0 {
                    return Before::Nothing {
                        fallback: Fallback::No,
                    };
                }
                b = o - 1;
            }
        }
        if let Some(m) = s.mention_ending(b) {
            return Before::Subject(Subj::Actor(m.actor));
        }
    }
    // "someone, seemingly Honcharuk, audibly says"
    match s
        .mentions
        .iter()
        .find(|m| m.toks.start > c && m.toks.end <= k)
    {
        Some(m) => Before::Subject(Subj::Actor(m.actor)),
        None => Before::Nothing {
            fallback: Fallback::No,
        },
    }
}

/// The subject of the sentence's main clause, if it comes before token `before`.
fn topic_subject(s: &Sent, before: usize) -> Option<Subj> {
    let start = clause_start(s);
    let first_mention = s
        .mentions
        .iter()
        .find(|m| m.toks.start >= start)
        .map(|m| (m.toks.start, Subj::Actor(m.actor)));
    let first_group = s
        .groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.toks.start >= start)
        .map(|(i, g)| (g.toks.start, Subj::Group(i)));
    let first_pronoun =
        (start..s.toks.len()).find_map(|k| s.pronoun(k).map(|p| (k, Subj::Pronoun(k, p))));
    [first_mention, first_group, first_pronoun]
        .into_iter()
        .flatten()
        .filter(|(at, _)| *at < before)
        .min_by_key(|(at, _)| *at)
        .map(|x| x.1)
}

/// Where the main clause starts: after an opening phrase such as "On Tuesday," or "In his statement,".
fn clause_start(s: &Sent) -> usize {
    let first = s.lower(0);
    let opener = PREPOSITIONS.contains(&first)
        || matches!(
            first,
            "as" | "following"
                | "yesterday"
                | "last"
                | "however"
                | "while"
                | "now"
                | "thursday"
                | "meanwhile"
        )
        || s.word(0).chars().next().is_some_and(char::is_uppercase) && {
            let w = s.word(0);
            w.ends_with("day") || w.ends_with("ly")
        };
    let mut start = 0;
    if opener {
        if let Some(c) = (0..s.toks.len().min(14)).find(|&k| s.is_punct(k, ',')) {
            start = c + 1;
        }
    }
    // "In Ohio, which was planning ..., Governor Mike DeWine postponed it"; "Wednesday, the same day
    // that he dropped out, Bloomberg endorsed ..."
    if start > 0 {
        if let Some(c) = (start..s.toks.len().min(start + 25)).find(|&k| s.is_punct(k, ',')) {
            let relative = (start..c)
                .any(|k| matches!(s.lower(k), "which" | "who" | "where" | "when" | "that"));
            if relative {
                start = c + 1;
            }
        }
    }
    start
}

/// The sentence's subject (the first actor of its main clause, placed early), with its token.
fn topic(s: &Sent, reg: &mut Registry, _si: usize) -> Option<(usize, Subj)> {
    let start = clause_start(s);
    let limit = start + 8;
    let _ = reg;
    let m = s
        .mentions
        .iter()
        .find(|m| m.toks.start >= start && m.toks.start <= limit)
        .map(|m| (m.toks.start, Subj::Actor(m.actor)));
    let g = s
        .groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.toks.start >= start && g.toks.start <= limit)
        .map(|(i, g)| (g.toks.start, Subj::Group(i)));
    let p = (start..s.toks.len().min(limit + 1))
        .find_map(|k| s.pronoun(k).map(|p| (k, Subj::Pronoun(k, p))));
    [m, g, p].into_iter().flatten().min_by_key(|x| x.0)
}

fn fits(actor: &Actor, p: Pron) -> bool {
    match p {
        Pron::Person => matches!(actor.kind, ActorKind::Person | ActorKind::Unknown),
        Pron::Plural => match actor.kind {
            ActorKind::Org => true,
            ActorKind::Group => {
                let head = actor
                    .name
                    .rsplit(' ')
                    .next()
                    .unwrap_or_default()
                    .to_lowercase();
                (head.ends_with('s') && !head.ends_with("ss"))
                    || COLLECTIVE.contains(&head.as_str())
            }
            _ => false,
        },
    }
}

const COLLECTIVE: [&str; 11] = [
    "police",
    "government",
    "military",
    "army",
    "team",
    "committee",
    "council",
    "parliament",
    "administration",
    "ministry",
    "court",
];

/// "he" → the nearest fitting actor: earlier in the sentence, else the subjects of the sentences before.
fn resolve_pronoun(
    s: &Sent,
    reg: &Registry,
    history: &[Vec<usize>],
    at: usize,
    p: Pron,
) -> Option<usize> {
    if let Some(m) = s.mentions.iter().find(|m| {
        // "on Twitter, he wrote" (but "As for Rex Tillerson, he said")
        let before = if m.toks.start > 0 {
            s.lower(m.toks.start - 1)
        } else {
            ""
        };
        let in_pp = PREPOSITIONS.contains(&before) && before != "for";
        m.toks.end <= at && !in_pp && fits(&reg.actors[m.actor], p)
    }) {
        return Some(m.actor);
    }
    for about in history.iter().rev().take(5) {
        if let Some(&a) = about.iter().find(|&&a| fits(&reg.actors[a], p)) {
            return Some(a);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;

    fn cast(input: &str) -> (Text, Cast) {
        let t = Text::parse(input, &LEXICON);
        let c = find(&t, &LEXICON);
        (t, c)
    }

    fn speakers(c: &Cast) -> Vec<String> {
        c.actors
            .iter()
            .filter(|a| a.speaks())
            .map(|a| a.name.clone())
            .collect()
    }

    fn quotes_of(t: &Text, c: &Cast, name: &str) -> Vec<String> {
        let a = c.actors.iter().find(|a| a.name == name).expect(name);
        a.quotes
            .iter()
            .map(|&q| t.body[t.quotes[q].inner.clone()].to_string())
            .collect()
    }

    #[test]
    fn a_title_before_a_name_gives_the_role() {
        let (_, c) =
            cast("Foreign Secretary Boris Johnson said there was an opportunity. Johnson left.");
        let a = &c.actors[0];
        assert_eq!(
            (a.name.as_str(), a.role.as_deref()),
            ("Boris Johnson", Some("Foreign Secretary"))
        );
        assert_eq!(a.mentions, 2, "the surname is the same person");
        assert_eq!(speakers(&c), vec!["Boris Johnson"]);
    }

    #[test]
    fn he_said_after_a_quote_goes_to_the_nearest_fitting_actor() {
        let (t, c) = cast(
            "Johnson met the ministers in Rome. “We will wait,” he said. “It is time.” Putin left.",
        );
        assert_eq!(
            quotes_of(&t, &c, "Johnson"),
            vec!["We will wait,", "It is time."]
        );
    }

    #[test]
    fn inverted_attribution_after_a_quote() {
        let (t, c) = cast(
            r#"The mayor of London, Sadiq Khan, spoke. "Terrorists seek to divide us," said Khan, "we will never let them.""#,
        );
        assert_eq!(quotes_of(&t, &c, "Sadiq Khan").len(), 2);
        let khan = c
            .actors
            .iter()
            .find(|a| a.name == "Sadiq Khan")
            .expect("Khan");
        assert_eq!(khan.role.as_deref(), Some("Mayor of London"));
    }

    #[test]
    fn an_appositive_between_name_and_verb() {
        let (_, c) = cast("Alexis Boon, the head of the Counter Terrorism Command, said about Amman: \"His fascination was clear.\"");
        assert_eq!(speakers(&c), vec!["Alexis Boon"]);
        assert_eq!(
            c.actors[0].role.as_deref(),
            Some("Head of the Counter Terrorism Command")
        );
    }

    #[test]
    fn groups_speak_and_are_referred_to_by_their_head_noun() {
        let (_, c) = cast("However, the G7 foreign ministers rejected his bid. The ministers argued that it should be investigated.");
        assert_eq!(speakers(&c), vec!["G7 foreign ministers"]);
        assert_eq!(c.actors[0].statements, vec![0, 1]);
    }

    #[test]
    fn a_place_that_argues_is_not_a_speaker() {
        let (_, c) = cast("The United States has argued that Russia knew.");
        assert!(speakers(&c).is_empty());
        assert_eq!(c.actors[0].kind, ActorKind::Place);
        assert_eq!(c.actors[0].statements, vec![0]);
    }

    #[test]
    fn passive_reporting_verbs_take_the_agent() {
        let (_, c) = cast("Amman, who was described as \"knife-obsessed\" by the police, left. It was commonly called \"swine flu.\"");
        assert_eq!(speakers(&c), vec!["Police"]);
    }

    #[test]
    fn a_quotation_running_into_the_next_paragraph_keeps_its_speaker() {
        let (t, c) = cast(
            "“We will rebuild,” said Jane Doe, a spokeswoman for the council. “It will take years.\n\n“But we will not give up.”\n\nThe council meets on Monday.",
        );
        let jane = c
            .actors
            .iter()
            .find(|a| a.name == "Jane Doe")
            .expect("Jane Doe");
        assert_eq!(jane.role.as_deref(), Some("Spokeswoman for the council"));
        assert_eq!(
            quotes_of(&t, &c, "Jane Doe"),
            vec![
                "We will rebuild,",
                "It will take years.",
                "But we will not give up."
            ]
        );
    }

    #[test]
    fn according_to_names_the_speaker() {
        let (_, c) = cast("Trump is planning another bombing, according to none other than Vladimir Putin himself.");
        assert_eq!(speakers(&c), vec!["Vladimir Putin"]);
    }
}
