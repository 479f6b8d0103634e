//! Names: runs of capitalised words in a sentence ("Foreign Secretary Boris Johnson") split into a
//! role and a name with the title list; bodies (names with an organisation word, acronyms spelt out);
//! common-noun groups ("the G7 foreign ministers", "one resident"); and the registry that keeps one
//! actor per person or body however the article names them (full name, surname, acronym).

use super::actors::{Actor, ActorKind};
use super::lexicon::{Lexicon, NounKind, PlaceKind, TitleKind};
use super::text::collapse;
use super::tokens::*;
use std::collections::HashMap;
use std::ops::Range;

#[derive(Default)]
pub(super) struct Registry {
    pub(super) actors: Vec<Actor>,
    pub(super) keys: HashMap<String, usize>,
    /// The last group each proper word-suffix of a group's key belongs to ("ministers" → "G7
    /// foreign ministers").
    group_suffixes: HashMap<String, usize>,
}

impl Registry {
    pub(super) fn create(
        &mut self,
        name: &str,
        kind: ActorKind,
        sentence: usize,
        keys: &[String],
    ) -> usize {
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

    pub(super) fn find(&self, k: &str) -> Option<usize> {
        self.keys.get(k).copied()
    }

    /// A person's name: the same person by full name, or by surname for a one-word mention.
    pub(super) fn person(&mut self, words: &[&str], sentence: usize) -> usize {
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
        // "Fred Ostby" after "Frederick P. Ostby": the same surname, and one first name the
        // short form of the other
        if words.len() >= 2 {
            if let Some(id) = self.find(&surname) {
                let a = &self.actors[id];
                let first = words[0].to_lowercase();
                let theirs = a
                    .name
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_lowercase();
                let short_form = first.chars().count() >= 3
                    && theirs.chars().count() >= 3
                    && (theirs.starts_with(&first) || first.starts_with(&theirs));
                let same_surname = a
                    .name
                    .split_whitespace()
                    .last()
                    .is_some_and(|l| key(strip_particle(l)) == surname);
                if a.kind == ActorKind::Person && short_form && same_surname {
                    return id;
                }
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

    pub(super) fn named(&mut self, name: &str, kind: ActorKind, sentence: usize) -> usize {
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

    /// The body last named with `word` in its name, of two words or more ("International
    /// Federation of Red Cross and Red Crescent Societies" for "Federation").
    pub(super) fn last_body_with(&self, word: &str) -> Option<usize> {
        self.actors
            .iter()
            .enumerate()
            .filter(|(_, a)| a.kind == ActorKind::Org)
            .filter(|(_, a)| {
                let words: Vec<&str> = a.name.split_whitespace().collect();
                words.len() >= 2 && words.contains(&word)
            })
            .max_by_key(|(i, a)| (a.first_sentence, *i))
            .map(|(i, _)| i)
    }

    /// A common-noun group: the same group by name, or a group whose name ends with this one
    /// ("the ministers" after "the G7 foreign ministers").
    pub(super) fn group(&mut self, display: &str, k: &str, sentence: usize) -> usize {
        if let Some(id) = self.find(k) {
            return id;
        }
        if let Some(&id) = self.group_suffixes.get(k) {
            return id;
        }
        let id = self.create(display, ActorKind::Group, sentence, &[k.to_string()]);
        let full = key(display);
        for (i, _) in full.match_indices(' ') {
            self.group_suffixes.insert(full[i + 1..].to_string(), id);
        }
        id
    }
}

/// Where people post: "on Twitter" ends a name.
const PLATFORMS: [&str; 12] = [
    "Twitter",
    "X",
    "Facebook",
    "Instagram",
    "YouTube",
    "TikTok",
    "Weibo",
    "Telegram",
    "WhatsApp",
    "LinkedIn",
    "Reddit",
    "Threads",
];

/// A group phrase right before a person's name is that person's role, not a group: "Greek prime
/// minister Kyriakos Mitsotakis", "The Italian foreign minister, Luigi Di Maio,".
pub(super) fn drop_role_groups(s: &mut Sent, reg: &Registry) {
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

/// A capitalised word with an adverb's ending ("Basically", "Fortunately", "Finally"), long enough
/// that first names ending in -ly ("Sally", "Kelly", "Emily") are not taken for one.
fn sentence_adverb(w: &str) -> bool {
    const ENDINGS: [&str; 16] = [
        "ally", "ully", "tely", "ntly", "usly", "vely", "edly", "ngly", "ably", "ibly", "ssly",
        "arly", "ctly", "stly", "htly", "ckly",
    ];
    w.chars().count() >= 7 && ENDINGS.iter().any(|e| w.ends_with(e))
}

/// Every word that appears in lowercase somewhere in the text (outside sentence starts too).
pub(super) fn lowercase_vocabulary(body: &str) -> std::collections::HashSet<String> {
    body.split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .map(str::to_string)
        .collect()
}

/// Group noun phrases: "the G7 foreign ministers", "one resident", "representatives from Iran".
pub(super) fn group_nps(s: &Sent, lex: &Lexicon) -> Vec<GroupNp> {
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
            // "A Scottish Fire and Rescue Service spokesperson": a body's name with "and" in it
            let joined = p == "and"
                && start >= 2
                && is_cap(s.word(start - 2))
                && (start..g).any(|k| lex.name_word(s.word(k)) == Some(NounKind::Org));
            if joined {
                start -= 1;
                continue;
            }
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
        // "The Baltimore university" opening a sentence: the article is not part of the name
        if start + 1 < g && DETERMINERS.contains(&s.lower(start)) {
            start += 1;
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
pub(super) fn read_names(
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
        let pronoun = matches!(
            w,
            "I" | "I'm" | "I’m" | "I've" | "I’ve" | "I'd" | "I’d" | "I'll" | "I’ll"
        );
        !w.is_empty() && is_cap(w) && !is_hyphen_adjective(w) && !common && !pronoun
    };
    let mut spans: Vec<Range<usize>> = Vec::new();
    let mut i = 0;
    while i < n {
        // a handle is a name of its own: "@plushev tweeted"
        if is_handle(s.word(i)) {
            spans.push(i..i + 1);
            i += 1;
            continue;
        }
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
            // "Yuanyuan (Kevin) Liu": a first name used, in brackets, inside the name
            if j + 3 < n
                && s.is_punct(j, '(')
                && name_word(s, j + 1)
                && is_titlecase(s.word(j + 1))
                && s.is_punct(j + 2, ')')
                && name_word(s, j + 3)
            {
                j += 4;
                continue;
            }
            let c = s.lower(j);
            let after_title = lex.title(s.word(j - 1)) == Some(TitleKind::Title);
            // "Jane Doe on Twitter": a platform is where someone speaks, not part of a name
            let platform = c == "on" && PLATFORMS.contains(&s.word(j + 1));
            // "Reporters Without Borders": a preposition written with a capital inside a name
            let cap_preposition = is_titlecase(s.word(j))
                && matches!(
                    c,
                    "without" | "against" | "under" | "with" | "in" | "to" | "at" | "over"
                );
            // "Grasshopper Eyes The Potomac": "The" with its capital inside a name (a blog's)
            let cap_the = s.word(j) == "The";
            let joins = !platform && (CONNECTORS.contains(&c) || cap_preposition)
                || c == "the" && matches!(s.lower(j - 1), "of" | "for" | "on")
                || cap_the
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
        // "Russia and Vladimir Putin" are two names; "Food and Agriculture Organization" is one,
        // and so is a body "of" or "for" two fields, the last plural ("Department for Work and
        // Pensions", "International Federation of Red Cross and Red Crescent Societies")
        let two_fields = |a: usize| {
            let last = s.word(j - 1);
            let plural = last.len() > 3 && last.ends_with('s') && !last.ends_with("ss");
            plural
                && j - a <= 4
                && (i + 1..a).any(|k| {
                    matches!(s.lower(k), "of" | "for")
                        && lex.name_word(s.word(k - 1)) == Some(NounKind::Org)
                })
        };
        let split = (i..j)
            .find(|&k| s.lower(k) == "and")
            .filter(|_| lex.name_word(s.word(j - 1)).is_none())
            .filter(|&a| !two_fields(a));
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
            && !is_handle(words[0])
            && (lower_vocab.contains(&words[0].to_lowercase()) || words[0].ends_with("ing"))
        {
            continue;
        }
        // "Highlights: “…”", "Update: ...": a label, not a name
        if span.start == 0 && words.len() == 1 && s.is_punct(span.end, ':') {
            continue;
        }
        // "FDA Commissioner Scott Gottlieb, M.D. announced": a degree after a name
        if span.start > 0 && s.is_punct(span.start - 1, ',') && words.iter().all(|w| degree(w)) {
            continue;
        }
        // "Basically, the government funds ...", "Fortunately, ...": an adverb opening the
        // sentence; "Parents should listen ...": a common noun of the word lists
        if span.start == 0
            && words.len() == 1
            && (sentence_adverb(words[0]) && s.is_punct(span.end, ',')
                || lex.noun(&words[0].to_lowercase()).is_some())
        {
            continue;
        }
        // "Another Singaporean blogger": a word like a demonym before a role noun is an adjective
        // "Colombian writer Hector Abad": a country's name with "n" or "ian" (or a listed
        // demonym) before a lowercase noun and a name
        if words.len() == 1 && {
            let w = words[0];
            let demonym = ["an", "ese", "ish", "i"].iter().any(|e| w.ends_with(e));
            let next = s.lower(span.end);
            let of_a_place = lex.place(w) == Some(PlaceKind::Demonym)
                || [w.strip_suffix('n'), w.strip_suffix("ian")]
                    .into_iter()
                    .flatten()
                    .any(|stem| lex.place(stem) == Some(PlaceKind::Place));
            let before_a_name = next.chars().next().is_some_and(char::is_lowercase)
                && next.chars().all(char::is_alphabetic)
                && is_cap(s.word(span.end + 1));
            demonym && (lex.noun(next) == Some(NounKind::Group) || lex.title(next).is_some())
                || of_a_place && before_a_name
        } {
            continue;
        }
        // a title in capitals after the name ("the Hon Richard Marles MP"): a post-nominal, not
        // the start of a role
        let span = if span.len() >= 2 && {
            let last = s.word(span.end - 1);
            is_acronym(last)
                && lex.title(last) == Some(TitleKind::Title)
                && lex.title(s.word(span.end - 2)).is_none()
        } {
            span.start..span.end - 1
        } else {
            span
        };
        // A title inside the name: "Foreign Secretary Boris Johnson", "President of Ukraine Volodymyr Zelenskyy".
        let title_at = span
            .clone()
            .rev()
            .find(|&k| lex.title(s.word(k)) == Some(TitleKind::Title))
            // "Department of Justice", "Ministry of Justice": a body's name ending in a word that
            // is also a title
            .filter(|&t| {
                let body_of = t + 1 == span.end
                    && t > span.start + 1
                    && s.lower(t - 1) == "of"
                    && (span.start..t - 1).any(|k| lex.name_word(s.word(k)) == Some(NounKind::Org));
                !body_of
            });
        let (name_toks, inner_role) = match title_at {
            Some(t) => {
                let mut ns = t + 1;
                if matches!(s.lower(ns), "of" | "from" | "for") {
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
                // a role alone: "the Supreme Leader of Iran", "Deputy Minister of Human Rights of
                // Myanmar" (a person's name has no "of" in it)
                let of_in_name = (ns..span.end).any(|k| s.lower(k) == "of");
                if ns >= span.end || of_in_name {
                    continue;
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
        // without a first name in brackets: "Yuanyuan (Kevin) Liu" is Yuanyuan Liu
        let in_brackets = |k: usize| {
            s.is_punct(k, '(')
                || s.is_punct(k, ')')
                || k > 0 && s.is_punct(k - 1, '(') && s.is_punct(k + 1, ')')
        };
        let name_words: Vec<&str> = name_toks
            .clone()
            .filter(|&k| !in_brackets(k))
            .map(|k| s.word(k))
            .collect();
        // "United States General Services Administration": an organisation's name, not a general's
        let org_end = name_words
            .last()
            .is_some_and(|w| lex.name_word(w) == Some(NounKind::Org));
        let (name_toks, name_words, inner_role) = if org_end && inner_role.is_some() {
            (
                span.clone(),
                span.clone().map(|k| s.word(k)).collect(),
                None,
            )
        } else {
            (name_toks, name_words, inner_role)
        };
        let name = s.text(name_toks.clone()).to_string();
        let kind = classify(&name_words, lex, inner_role.is_some());
        // what follows: "Costa Sur power plant" is a thing; "(USGS)" is an alias
        let next = s.word(name_toks.end);
        let after_thing = lex.noun(next) == Some(NounKind::Thing)
            || lex.noun(s.word(name_toks.end + 1)) == Some(NounKind::Thing)
                && !next.is_empty()
                && !is_cap(next);
        // "Hossein Derakhshan, aka Hoder": one person under two names
        let aka = {
            let b = name_toks.start;
            let alias_word = b >= 1 && matches!(s.lower(b - 1), "aka" | "a.k.a");
            let known_as = b >= 3 && s.lower(b - 1) == "as" && s.lower(b - 2) == "known";
            let w = if alias_word {
                1
            } else if known_as {
                3 + usize::from(s.lower(b - 4) == "also")
            } else {
                0
            };
            (w > 0 && b > w)
                .then(|| b - w)
                .filter(|&k| s.is_punct(k - 1, ',') || s.is_punct(k - 1, '('))
                .and_then(|k| s.mention_ending(k - 2).map(|m| m.actor))
        };
        if let Some(id) = aka {
            reg.keys.entry(key(&name)).or_insert(id);
            for w in &name_words {
                reg.keys.entry(key(w)).or_insert(id);
            }
            reg.actors[id].mentions += 1;
            s.mentions.push(Mention {
                toks: name_toks,
                actor: id,
            });
            continue;
        }
        let id = match kind {
            ActorKind::Place
                if name_words
                    .iter()
                    .all(|w| lex.place(w) == Some(PlaceKind::Demonym)) =>
            {
                continue
            }
            ActorKind::Person => reg.person(&name_words, si),
            // "the Geneva-based Federation says": the body last named with that word in its name
            ActorKind::Org
                if name_words.len() == 1
                    && reg.find(&key(&name)).is_none()
                    && (1..=2)
                        .any(|b| name_toks.start >= b && s.lower(name_toks.start - b) == "the")
                    && reg.last_body_with(name_words[0]).is_some() =>
            {
                reg.last_body_with(name_words[0]).unwrap_or_default()
            }
            kind => {
                let id = reg.named(&name, kind, si);
                // "the Russian Defense Ministry" is "the Defense Ministry" later
                if kind == ActorKind::Org
                    && name_words.len() >= 3
                    && lex.place(name_words[0]).is_some()
                {
                    let rest = name_words[1..].join(" ");
                    reg.keys.entry(key(&rest)).or_insert(id);
                }
                id
            }
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
pub(super) fn place_at(s: &Sent, lex: &Lexicon, k: usize, end: usize) -> usize {
    (1..=lex.place_words.min(end.saturating_sub(k)))
        .rev()
        .find(|&l| {
            let words: Vec<&str> = (k..k + l).map(|x| s.word(x)).collect();
            lex.place(&words.join(" ")).is_some()
        })
        .unwrap_or(0)
}

/// An academic or professional degree written after a name: "M.D.", "Ph.D.", "MPH".
pub(super) fn degree(w: &str) -> bool {
    const DEGREES: [&str; 12] = [
        "md", "phd", "mph", "mba", "dvm", "rn", "jd", "dds", "dphil", "msc", "bsc", "facp",
    ];
    let letters: String = w
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    DEGREES.contains(&letters.as_str())
}

/// The initials of the words in `r`; a short word in capitals gives all its letters ("HM Revenue
/// and Customs" is HMRC).
pub(super) fn initials(s: &Sent, r: Range<usize>) -> String {
    r.flat_map(|k| {
        let w = s.word(k);
        let short_caps = (2..=3).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase());
        let n = if short_caps { w.len() } else { 1 };
        w.chars().take(n).filter(|c| c.is_uppercase())
    })
    .collect()
}

/// Joins the names that an acronym in parentheses spells out together:
/// "Institute of Epidemiology, Disease Control and Research (IEDCR)" is one body.
pub(super) fn join_by_acronym(s: &Sent, spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
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

pub(super) fn classify(words: &[&str], lex: &Lexicon, titled: bool) -> ActorKind {
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
pub(super) fn role_around(s: &Sent, name: Range<usize>, lex: &Lexicon) -> Option<String> {
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
