//! The attribution stage: who says what.
//!
//! Each sentence is read outside its quotations (a quotation is one token); the names in it are
//! found by `names`. A reporting verb (the list is data) makes its subject a speaker: the name before
//! it ("Putin also said"), past an appositive ("Alexis Boon, the head of ..., said") or a relative
//! pronoun ("Chris Christie, who denounced"), after it next to a quotation ("..., said Khan", past a
//! role: "wrote Nigerian blogger Jane Doe"), after "according to" or "attributable to", a possessive
//! with a noun of saying ("Tillerson's announcement"), the clause's subject for a participle or a
//! second verb ("... and urged"), and a pronoun (or "the minister") resolved to the nearest fitting
//! actor. Each quotation goes to its transcript caption's speaker; else to an attribution right after
//! it ("“…,” he said"); else, after a colon, to the clause's subject ("X opposed Y's statement: “…”")
//! or the sentence before's; else to the nearest attribution; else to the subject of the sentence that
//! introduced its paragraph ("Hoder writes:"); a sentence that is only a quotation continues the last
//! speaker's words. A statement in its issuer's voice (a press statement) is the issuer's.

use super::actors::{Actor, ActorKind, Cast};
use super::lexicon::{Lexicon, NounKind, TitleKind};
use super::names::*;
use super::quotations::Speaker;
use super::text::Text;
use super::tokens::*;
use std::ops::Range;

/// Finds the actors of an article and attributes its statements and quotations.
pub fn find(text: &Text, lex: &Lexicon) -> Cast {
    let mut reg = Registry::default();
    let mut quote_speaker: Vec<Option<usize>> = vec![None; text.quotes.len()];
    // Per sentence, the actors it is about, first the attributed speakers.
    let mut history: Vec<Vec<usize>> = Vec::new();
    let mut last_quote: Option<(usize, usize, usize)> = None; // (actor, paragraph, sentence)
                                                              // the one speaker of the last sentence, in reported speech without quotation marks:
                                                              // (actor, sentence)
    let mut last_reported: Option<(usize, usize)> = None;
    // per sentence ending in "his statement:", the one it is his
    let mut possessed: Vec<Option<usize>> = vec![None; text.sentences.len()];
    let lowercase_words = lowercase_vocabulary(&text.body);
    let issuer = issuer(text, &mut reg);

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
        let topic = topic(&s, &mut reg, lex, si);
        for (verb, subj) in attributions {
            let actor = match subj {
                Subj::Actor(a) => Some(a),
                Subj::Group(g) => {
                    let g = &s.groups[g];
                    // "the minister said": the person the text is about, like "he"
                    let definite = g.toks.len() == 1
                        && g.toks.start > 0
                        && s.lower(g.toks.start - 1) == "the"
                        && lex.title(s.word(g.toks.start)) == Some(TitleKind::Title);
                    // "A Scottish Fire and Rescue Service spokesperson said ... “…”, the
                    // spokesperson continued": the one last named with that word
                    let same_noun = || {
                        let noun = s.lower(g.toks.start);
                        history.iter().rev().take(5).find_map(|about| {
                            about.iter().copied().find(|&a| {
                                head_word(&reg.actors[a].name).eq_ignore_ascii_case(noun)
                            })
                        })
                    };
                    definite
                        .then(|| {
                            same_noun().or_else(|| {
                                resolve_pronoun(&s, &reg, &history, g.toks.start, Pron::Person)
                            })
                        })
                        .flatten()
                        .or_else(|| Some(reg.group(&g.display, &g.key, si)))
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

        // Quotations: a caption's speaker; the subject before a colon; the nearest attribution; the
        // sentence introducing the paragraph; or, for a sentence that is only a quotation, the last
        // speaker going on.
        let quote_chars: usize = quotes.iter().map(|(_, o)| o.len()).sum();
        let quote_only = quote_chars * 10 >= sentence.range.len() * 6 && s.is_quote(0);
        let mut speakers_here: Vec<usize> = resolved.iter().map(|r| r.1).collect();
        let topic_actor = |reg: &mut Registry, before: usize| -> Option<usize> {
            let subj = topic.filter(|(at, _)| *at < before)?;
            match subj.1 {
                Subj::Actor(a) => Some(a),
                Subj::Group(g) => Some(reg.group(&s.groups[g].display, &s.groups[g].key, si)),
                Subj::Pronoun(at, k) => resolve_pronoun(&s, reg, &history, at, k),
            }
        };
        for (ti, t) in s.toks.iter().enumerate() {
            let Tk::Quote(q) = t.kind else { continue };
            let speaker = match &text.quotes[q].speaker {
                Speaker::Caption {
                    interviewer: true, ..
                } => None,
                Speaker::Caption { name, role, .. } => {
                    Some(caption_speaker(&mut reg, lex, name, role, si))
                }
                layout => {
                    // "X opposed Y's statement: "…"": the clause's subject
                    let colon = ti > 0 && s.is_punct(ti - 1, ':');
                    // "Mr. Behi has running coverage. Highlights: “…”": a colon with no subject
                    // before it in the sentence goes back to the sentence before, in the paragraph
                    // (a reporting verb's subject before the colon first: "As Science's editor
                    // Holden Thorp put it: “…”")
                    let reported_before = resolved
                        .iter()
                        .filter(|(v, _)| *v < ti && verb_at(&s, lex, *v).is_some())
                        .max_by_key(|(v, _)| *v)
                        .map(|r| r.1);
                    // "the newspaper MediaFax published his statement: “…”": the possessor's
                    let possessor = colon
                        .then(|| possessor_before(&s, &reg, &history, lex, ti - 1))
                        .flatten();
                    let by_colon = if colon {
                        possessor
                            .or(reported_before)
                            .or_else(|| topic_actor(&mut reg, ti))
                            .or_else(|| {
                                let prev = si.checked_sub(1)?;
                                (text.sentences[prev].para == sentence.para && resolved.is_empty())
                                    .then(|| history.get(prev).and_then(|h| h.first().copied()))
                                    .flatten()
                            })
                    } else {
                        None
                    };
                    let intro = match layout {
                        Speaker::Intro(at) => possessed[*at]
                            .or_else(|| history.get(*at).and_then(|h| h.first().copied())),
                        _ => None,
                    };
                    // an attribution right after the quotation ("“…,” he said") is its own
                    let right_after = resolved
                        .iter()
                        .filter(|(v, _)| *v > ti && *v <= ti + 4)
                        .min_by_key(|(v, _)| *v)
                        .map(|r| r.1);
                    // "while Lisa Allen-Agostini “can testify that ...”": a quotation that goes on
                    // from a name as its predicate, in lowercase, is that name's
                    // (the name opens its clause, after "while" or "and", and no attribution
                    // follows: not "called Murray Watt “king grub”", nor "Conway “was kind,” said
                    // Spergel")
                    let predicate = (ti > 0)
                        .then(|| s.mention_ending(ti - 1))
                        .flatten()
                        .filter(|m| {
                            let opens_clause = m.toks.start == 0
                                || matches!(s.lower(m.toks.start - 1), "while" | "and" | "whereas")
                                || s.is_punct(m.toks.start - 1, ';');
                            opens_clause
                                && resolved.iter().all(|(v, _)| *v < m.toks.start)
                                && reg.actors[m.actor].kind != ActorKind::Place
                                && text.body[text.quotes[q].inner.clone()]
                                    .starts_with(char::is_lowercase)
                        })
                        .map(|m| m.actor);
                    predicate
                        .or(right_after)
                        .or(by_colon)
                        .or_else(|| {
                            resolved
                                .iter()
                                .min_by_key(|(v, _)| v.abs_diff(ti))
                                .map(|r| r.1)
                        })
                        .or(intro)
                        .or_else(|| {
                            let (a, para, at) = last_quote?;
                            let near = para + 1 >= sentence.para && si - at <= 3;
                            // or the paragraphs between are about the same speaker ("Razavi is
                            // the director of ... Razavi sees herself as ...")
                            let about_them = sentence.para <= para + 2
                                && si - at <= 4
                                && (at + 1..si).all(|k| {
                                    text.sentences[k].para == sentence.para
                                        || history.get(k).is_some_and(|h| h.contains(&a))
                                        || names_them(text.sentence_text(k), &reg.actors[a].name)
                                });
                            (quote_only && (near || about_them)).then_some(a)
                        })
                        .or_else(|| {
                            // "Minister Kate Wilkinson says she is deeply saddened ...", then a
                            // paragraph that is only a quotation: the same speaker goes on
                            let (a, at) = last_reported?;
                            let follows =
                                at + 1 == si && text.sentences[at].para + 1 == sentence.para;
                            (quote_only && follows).then_some(a)
                        })
                }
            };
            if let Some(a) = speaker {
                if reg.actors[a].kind == ActorKind::Unknown {
                    reg.actors[a].kind = ActorKind::Person;
                }
                quote_speaker[q] = Some(a);
                reg.actors[a].quotes.push(q);
                last_quote = Some((a, sentence.para, si));
                if !speakers_here.contains(&a) {
                    speakers_here.push(a);
                }
                if let Speaker::Intro(at) = text.quotes[q].speaker {
                    let st = &mut reg.actors[a].statements;
                    if !st.contains(&at) {
                        st.push(at);
                        st.sort_unstable();
                    }
                }
            }
        }
        if let Some(issuer) = issuer {
            // a statement in its issuer's voice: their sentences are the ones attributed to no one
            // else; a country that "condemns" in its own statement is the issuer speaking
            let only_places = resolved
                .iter()
                .all(|&(_, a)| reg.actors[a].kind == ActorKind::Place);
            if only_places && quotes.is_empty() {
                for &(_, a) in &resolved {
                    reg.actors[a].statements.retain(|&x| x != si);
                }
                resolved.clear();
                reg.actors[issuer].statements.push(si);
            }
        }

        // ("According to the ambassador, ..." reports speech too)
        let mut reporters: Vec<usize> = resolved
            .iter()
            .filter(|(v, _)| verb_at(&s, lex, *v).is_some() || s.lower(*v) == "according")
            .map(|r| r.1)
            .collect();
        reporters.dedup();
        last_reported = (quotes.is_empty() && reporters.len() == 1).then(|| (reporters[0], si));

        // a sentence ending "... published his statement:" introduces the possessor's words
        let last = s.toks.len().saturating_sub(1);
        if s.is_punct(last, ':') {
            possessed[si] = possessor_before(&s, &reg, &history, lex, last);
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
        // after them, a person the sentence names in a reported clause, when the sentence's
        // speaker is a lone word ("Reuters reports that the Chief Minister, Mamata Banerjee, ...")
        let lone = |a: usize| {
            let x = &reg.actors[a];
            x.role.is_none() && x.name.split_whitespace().count() < 2
        };
        if !about.is_empty() && about.iter().all(|&a| lone(a)) {
            for m in &s.mentions {
                let x = &reg.actors[m.actor];
                let named = x.kind == ActorKind::Person && !lone(m.actor);
                if named && !about.contains(&m.actor) {
                    about.push(m.actor);
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

/// Whether a sentence names the actor by the last word of their name ("Razavi sees herself ...").
fn names_them(sentence: &str, name: &str) -> bool {
    let Some(last) = name.split_whitespace().last() else {
        return false;
    };
    last.chars().count() >= 3
        && sentence
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .any(|w| w == last)
}

/// The actor a caption names: "Kerry" is the "John Kerry" named earlier.
fn caption_speaker(
    reg: &mut Registry,
    lex: &Lexicon,
    name: &str,
    role: &Option<String>,
    si: usize,
) -> usize {
    let words: Vec<&str> = name.split_whitespace().collect();
    // "Prime Minister:" after "Anthony Albanese, Prime Minister:": the one captioned with that role
    if words.iter().all(|w| lex.title(w).is_some()) {
        let same = reg.actors.iter().position(|a| {
            a.kind == ActorKind::Person
                && a.role
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(name))
        });
        if let Some(id) = same {
            return id;
        }
    }
    let id = reg.person(&words, si);
    let a = &mut reg.actors[id];
    a.kind = ActorKind::Person;
    if a.role.is_none() {
        a.role = role.clone();
    }
    id
}

/// The author of a statement in its own voice (a press statement, a readout), as an actor.
fn issuer(text: &Text, reg: &mut Registry) -> Option<usize> {
    if !text.meta.statement {
        return None;
    }
    let author = text.meta.author.as_deref()?.trim();
    let words: Vec<&str> = author.split_whitespace().collect();
    let person = (2..=4).contains(&words.len())
        && words.iter().all(|w| w.starts_with(char::is_uppercase))
        && !words
            .iter()
            .any(|w| matches!(*w, "Office" | "Department" | "Ministry" | "Bureau"));
    let id = if person {
        reg.person(&words, 0)
    } else {
        reg.named(author, ActorKind::Org, 0)
    };
    let a = &mut reg.actors[id];
    if person {
        a.kind = ActorKind::Person;
        if a.role.is_none() {
            a.role = text.meta.author_role.clone();
        }
    }
    Some(id)
}

/// The length in words of the reporting verb at token `i`, if one starts there.
pub(super) fn verb_at(s: &Sent, lex: &Lexicon, i: usize) -> Option<usize> {
    let w = s.lower(i);
    // "the blog states “…”", "the report states that": not "the United States", nor "elections
    // in fourteen states"
    if w.is_empty()
        || w == "states"
            && (is_cap(s.word(i))
                || !(s.is_quote(i + 1) || s.lower(i + 1) == "that" || s.is_punct(i + 1, ':')))
    {
        return None;
    }
    // "Firm accused of whitewashing articles": a headline's passive participle, the verb's object
    // missing
    let blame = [
        "accused",
        "charged",
        "criticised",
        "criticized",
        "blamed",
        "praised",
        "condemned",
    ];
    if blame.contains(&w) && matches!(s.lower(i + 1), "of" | "for" | "with" | "over") {
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
pub(super) fn attributions(
    s: &Sent,
    reg: &mut Registry,
    lex: &Lexicon,
    si: usize,
) -> Vec<(usize, Subj)> {
    let mut out: Vec<(usize, Subj)> = Vec::new();
    let mut pending: Vec<usize> = Vec::new();
    let n = s.toks.len();
    let mut i = 0;
    while i < n {
        // "according to X"
        // "according to X", "the below is attributable to X"
        if matches!(s.lower(i), "according" | "attributable") && s.lower(i + 1) == "to" {
            if let Some(subj) = according_to(s, reg, lex, i + 2, si) {
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
            // "the Secretary took the opportunity to stress that ...": the subject of "took"
            if let Some(took) = occasion_taken(s, v - 1) {
                if let Before::Subject(subj) = subject_before(s, lex, took, reg) {
                    out.push((v, subj));
                }
            }
            continue; // "to argue"
        }
        if s.toks[v].start > 0 && s.body[..s.toks[v].start].ends_with('-') {
            continue; // "a U.N.-demanded cease-fire"
        }
        let word = s.lower(v);
        // "declared major disasters in Texas", "declared a state of emergency": an act, not speech
        if word.starts_with("declar") && declares_a_state(s, v + len) {
            continue;
        }
        if word.ends_with("ing") && len == 1 {
            // "with Minister Kelvin Davis explaining that ...": a name right before the participle,
            // no comma between, is its subject when speech follows
            let named = v
                .checked_sub(1)
                .and_then(|k| s.mention_ending(k))
                .filter(|m| matches!(reg.actors[m.actor].kind, ActorKind::Person | ActorKind::Org));
            let speech = s.lower(v + 1) == "that" || s.is_quote(v + 1) || s.is_punct(v + 1, ':');
            if let Some(m) = named.filter(|_| speech) {
                out.push((v, Subj::Actor(m.actor)));
                continue;
            }
            // a participle takes its clause's subject; at the start of the sentence, the subject of
            // the main clause that follows ("Saying ..., President Fernández elaborated, ...")
            match out.last().map(|x| x.1).or_else(|| topic_subject(s, v)) {
                Some(subj) => out.push((v, subj)),
                None => pending.push(v),
            }
            continue;
        }
        match subject_before(s, lex, v, reg) {
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
                    // "“…,” tweeted [ru] @varlamov": past a link's language marker
                    let past = if s.is_punct(v + len, '[') && s.is_punct(v + len + 2, ']') {
                        v + len + 3
                    } else {
                        v + len
                    };
                    // "“…?” remarked one commenter", "said a spokesperson"
                    let mut k = if s.lower(past) == "the" || QUANTIFIERS.contains(&s.lower(past)) {
                        past + 1
                    } else {
                        past
                    };
                    // "“…,” wrote Nigerian blogger Jane Doe on Twitter": past the role words
                    let mut j = k;
                    while j < n
                        && j < k + 6
                        && s.toks[j].kind == Tk::Word
                        && s.mention_starting(j).is_none()
                        && s.groups.iter().all(|g| g.toks.start != j)
                    {
                        j += 1;
                    }
                    if s.mention_starting(j).is_some() {
                        k = j;
                    }
                    // "Nigerian blogger Jane Doe": a lone word before a role noun is an adjective
                    if let Some(m) = s.mention_starting(k) {
                        let e = m.toks.end;
                        let lone = m.toks.len() == 1
                            && s.toks.get(e).is_some_and(|t| t.kind == Tk::Word)
                            && !is_cap(s.word(e));
                        if lone {
                            if let Some(later) =
                                (e + 1..(e + 4).min(n)).find(|&x| s.mention_starting(x).is_some())
                            {
                                k = later;
                            }
                        }
                    }
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
                // "..., reports the Arabist Network.": a verb after a comma, the name ending the sentence
                if v > 0 && s.is_punct(v - 1, ',') {
                    let k = if s.lower(v + len) == "the" {
                        v + len + 1
                    } else {
                        v + len
                    };
                    if let Some(m) = s.mention_starting(k) {
                        let e = m.toks.end;
                        if e >= n || s.is_punct(e, '.') || s.is_punct(e, ',') {
                            out.push((v, Subj::Actor(m.actor)));
                            continue;
                        }
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

/// What is declared at token `at` is a state of affairs (a disaster, an emergency, a war), not
/// something said.
fn declares_a_state(s: &Sent, at: usize) -> bool {
    (at..at + 5).any(|k| {
        matches!(
            s.lower(k),
            "disaster"
                | "disasters"
                | "emergency"
                | "emergencies"
                | "war"
                | "independence"
                | "bankruptcy"
                | "curfew"
                | "holiday"
                | "lockdown"
        )
    }) && !(at..at + 5).any(|k| s.lower(k) == "that" || s.is_quote(k))
}

/// "took the opportunity to" before a reporting verb, its "to" at `to`: the token of "took".
fn occasion_taken(s: &Sent, to: usize) -> Option<usize> {
    let took = to.checked_sub(3)?;
    let taken = matches!(
        s.lower(took),
        "took" | "takes" | "take" | "taking" | "used" | "uses" | "use" | "using" | "seized"
    );
    let determiner = matches!(s.lower(took + 1), "the" | "this" | "that" | "an" | "a");
    let occasion = matches!(
        s.lower(took + 2),
        "opportunity" | "occasion" | "chance" | "moment"
    );
    (taken && determiner && occasion).then_some(took)
}

pub(super) fn resolve_pending(out: &mut Vec<(usize, Subj)>, pending: &[usize]) {
    for &v in pending {
        if let Some(&(_, subj)) = out.iter().find(|(w, _)| *w > v) {
            out.push((v, subj));
        }
    }
}

pub(super) fn according_to(
    s: &Sent,
    reg: &mut Registry,
    lex: &Lexicon,
    from: usize,
    si: usize,
) -> Option<Subj> {
    // "according to the ambassador": the person last named with that title
    let w = s.lower(from + 1);
    let ends = matches!(
        s.toks.get(from + 2).map(|t| t.kind),
        None | Some(Tk::Punct(_))
    );
    if s.lower(from) == "the" && ends && lex.title(w) == Some(TitleKind::Title) {
        if let Some(a) = last_with_title(reg, w) {
            return Some(Subj::Actor(a));
        }
    }
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
pub(super) enum Fallback {
    No,
    Conj,
    Noun,
}

pub(super) enum Before {
    Subject(Subj),
    Passive,
    /// No subject right before the verb; `fallback` when the clause's subject may stand for it:
    /// `Conj` after "and", "but" ("... and urged"), `Noun` after another noun ("Mitsotakis speaking
    /// to the think tank called ...").
    Nothing {
        fallback: Fallback,
    },
}

pub(super) fn subject_before(s: &Sent, lex: &Lexicon, v: usize, reg: &Registry) -> Before {
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
            // "Chris Christie, who denounced": the name before the relative pronoun
            if w == "who" && j >= 2 {
                let k = j - 1;
                let before = if s.is_punct(k - 1, ',') && k > 1 {
                    k - 2
                } else {
                    k - 1
                };
                if let Some(m) = s.mention_ending(before) {
                    return Before::Subject(Subj::Actor(m.actor));
                }
                if let Some(g) = s.group_ending(before) {
                    return Before::Subject(Subj::Group(g));
                }
            }
            let adverb = w.len() > 4 && w.ends_with("ly") && !is_cap(s.word(j - 1));
            if SKIP.contains(&w) || adverb {
                j -= 1;
                continue;
            }
            break;
        }
        let mut k = j - 1;
        // "Scott Gottlieb, M.D. announced": past a degree after the name
        if k >= 2 && super::names::degree(s.word(k)) && s.is_punct(k - 1, ',') {
            k -= 2;
        }
        if let Some(p) = s.pronoun(k) {
            return Before::Subject(Subj::Pronoun(k, p));
        }
        if let Some(g) = s.group_ending(k) {
            return Before::Subject(Subj::Group(g));
        }
        if let Some(m) = s.mention_ending(k) {
            // "Commissioner Breton, responsible for the Internal Market said": an appositive whose
            // closing comma is missing; the name is the one before it
            if let Some(p) = open_appositive(s, reg, m.toks.start) {
                return Before::Subject(Subj::Actor(p));
            }
            // "John Geiger of USGS told"
            if m.toks.start >= 2 && s.lower(m.toks.start - 1) == "of" {
                if let Some(p) = s.mention_ending(m.toks.start - 2) {
                    return Before::Subject(Subj::Actor(p.actor));
                }
            }
            // "D.F. Lovett on his substack Edit History says": a work named after a possessive
            // and its noun, inside a prepositional phrase
            let st = m.toks.start;
            let work = (2..=3).filter(|&n| st > n).find(|&n| {
                let x = st - n;
                matches!(s.lower(x), "his" | "her" | "their" | "its")
                    && (x + 1..st).all(|y| {
                        s.toks[y].kind == Tk::Word
                            && !is_cap(s.word(y))
                            && !matches!(s.lower(y), "and" | "or" | "but" | "then" | "that")
                    })
                    && PREPOSITIONS.contains(&s.lower(x - 1))
            });
            if let Some(n) = work.filter(|_| hops < 3) {
                j = st - n - 1;
                hops += 1;
                continue;
            }
            // "... meeting in Italy also called": skip a prepositional phrase (with its article:
            // "Burundi's ambassador to The Hague said")
            if m.toks.start >= 1 && PREPOSITIONS.contains(&s.lower(m.toks.start - 1)) && hops < 3 {
                j = m.toks.start - 1;
                hops += 1;
                continue;
            }
            if m.toks.start >= 2
                && s.word(m.toks.start - 1) == "The"
                && PREPOSITIONS.contains(&s.lower(m.toks.start - 2))
                && hops < 3
            {
                j = m.toks.start - 2;
                hops += 1;
                continue;
            }
            return Before::Subject(Subj::Actor(m.actor));
        }
        match s.toks[k].kind {
            // "Hector Abad (@hectorabadf) [es] writes:": past a link's language marker and a
            // bracketed aside, as past a parenthesis
            Tk::Punct(']') if k >= 2 && s.is_punct(k - 2, '[') && hops < 3 => {
                j = k - 2;
                hops += 1;
                continue;
            }
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
            // "author Samuel Breslow – who is listed as a long time Wikipedia editor – explains":
            // past an aside between dashes, as past a parenthesis
            Tk::Punct(d @ ('–' | '—')) if hops < 3 => {
                let open = (k.saturating_sub(30)..k)
                    .rev()
                    .find(|&x| s.is_punct(x, d))
                    .filter(|&o| {
                        (o + 1..k).all(|x| !matches!(s.toks[x].kind, Tk::Quote(_) | Tk::Punct('.')))
                    });
                match open {
                    Some(o) => {
                        j = o;
                        hops += 1;
                        continue;
                    }
                    None => {
                        return Before::Nothing {
                            fallback: Fallback::No,
                        }
                    }
                }
            }
            Tk::Punct(',') => return appositive(s, reg, lex, k),
            Tk::Word => {}
            _ => {
                return Before::Nothing {
                    fallback: Fallback::No,
                }
            }
        }
        let w = s.lower(k);
        // "Chris Christie, who denounced": the name before the relative pronoun
        if w == "who" && k > 0 {
            let before = if s.is_punct(k - 1, ',') && k > 1 {
                k - 2
            } else {
                k - 1
            };
            if let Some(m) = s.mention_ending(before) {
                return Before::Subject(Subj::Actor(m.actor));
            }
            if let Some(g) = s.group_ending(before) {
                return Before::Subject(Subj::Group(g));
            }
        }
        // "the blog states", "the newspaper said": the body last named with that word in its
        // name ("Naija Blog")
        if k > 0 && s.lower(k - 1) == "the" && !is_cap(s.word(k)) && lex.title(w).is_none() {
            let named_so = reg
                .actors
                .iter()
                .enumerate()
                .filter(|(_, a)| !matches!(a.kind, ActorKind::Place | ActorKind::Group))
                .filter(|(_, a)| {
                    let words: Vec<&str> = a.name.split_whitespace().collect();
                    words.len() >= 2 && words.last().is_some_and(|l| l.eq_ignore_ascii_case(w))
                })
                .max_by_key(|(i, a)| (a.first_sentence, *i));
            if let Some((a, _)) = named_so {
                return Before::Subject(Subj::Actor(a));
            }
        }
        // "the archbishop said": the person last named with that title
        if lex.title(w) == Some(TitleKind::Title) && k > 0 && s.lower(k - 1) == "the" {
            if let Some(a) = last_with_title(reg, w) {
                return Before::Subject(Subj::Actor(a));
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

/// "the archbishop": the person last named with that title ("the Secretary" is the Secretary of
/// State before the Assistant Secretary).
fn last_with_title(reg: &Registry, w: &str) -> Option<usize> {
    let same = |t: &str| t.split_whitespace().any(|x| x.eq_ignore_ascii_case(w));
    reg.actors
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == ActorKind::Person)
        .filter(|(_, a)| a.role.as_deref().is_some_and(same))
        .max_by_key(|(i, a)| {
            let head = a.role.as_deref().is_some_and(|r| {
                r.split_whitespace()
                    .next()
                    .is_some_and(|x| x.eq_ignore_ascii_case(w))
            });
            (head, a.first_sentence, *i)
        })
        .map(|(i, _)| i)
}

/// The person whose name ends at the first of the commas before `k`, when a title opens what
/// follows it and nothing between is a verb, a quotation or other punctuation than commas.
fn person_before_roles(s: &Sent, reg: &Registry, lex: &Lexicon, k: usize) -> Option<usize> {
    let mut first: Option<usize> = None;
    for x in (k.saturating_sub(40)..k).rev() {
        match s.toks[x].kind {
            Tk::Punct(',') => first = Some(x),
            Tk::Word | Tk::Poss => {
                if verb_at(s, lex, x).is_some() {
                    break;
                }
            }
            _ => break,
        }
    }
    let c0 = first?;
    // the role after the person's comma opens with a title: "Vice-President", "Commissioner"
    let opener = s.word(c0 + 1);
    // or a role in lowercase words: "Jyrki Katainen, responsible for Jobs, Growth and
    // Investment, said" (not a list going on: "Smith, and Jones, said"; "..., including ...")
    let described = opener.starts_with(char::is_lowercase)
        && !matches!(
            s.lower(c0 + 1),
            "and" | "or" | "but" | "including" | "then" | "so" | "while" | "as" | "if" | "when"
        );
    let titled = lex.title(opener).is_some()
        || described
        || opener
            .split('-')
            .any(|part| lex.title(part) == Some(TitleKind::Title));
    // at least two commas: one role part is the common appositive, read as before
    let commas = (c0..k).filter(|&x| s.is_punct(x, ',')).count();
    if !titled || commas < 2 || c0 == 0 {
        return None;
    }
    let m = s.mention_ending(c0 - 1)?;
    (reg.actors[m.actor].kind == ActorKind::Person).then_some(m.actor)
}

/// The person named before an appositive that runs, in lowercase words and without a closing
/// comma, up to the mention starting at `start`: "Breton, responsible for the Internal Market".
fn open_appositive(s: &Sent, reg: &Registry, start: usize) -> Option<usize> {
    for x in (start.saturating_sub(10)..start).rev() {
        match s.toks[x].kind {
            Tk::Punct(',') => {
                // more than an article between the comma and the name: "As stated in our
                // Declaration, the United States rejects" is a new clause, not an appositive
                let between = x + 1..start;
                let opens_lowercase = between.len() >= 2
                    && s.word(x + 1).chars().next().is_some_and(char::is_lowercase)
                    && !matches!(s.lower(x + 1), "and" | "but" | "or" | "then" | "so")
                    && !between.clone().all(|k| DETERMINERS.contains(&s.lower(k)));
                let before = s.mention_ending(x.checked_sub(1)?)?;
                let named = matches!(
                    reg.actors[before.actor].kind,
                    ActorKind::Person | ActorKind::Org
                );
                // the name before the comma is a subject, not a preposition's object ("in our
                // Crimea Declaration,")
                let mut p = before.toks.start;
                while p > 0 && (DETERMINERS.contains(&s.lower(p - 1)) || s.lower(p - 1) == "our") {
                    p -= 1;
                }
                let object = p > 0 && PREPOSITIONS.contains(&s.lower(p - 1));
                return (opens_lowercase && named && !object).then_some(before.actor);
            }
            Tk::Word => {}
            _ => return None,
        }
    }
    None
}

/// The subject before an appositive ending at the comma `k`.
pub(super) fn appositive(s: &Sent, reg: &Registry, lex: &Lexicon, k: usize) -> Before {
    // a person, then a role of several parts with commas of its own: "Valdis Dombrovskis,
    // Vice-President for the Euro and Social Dialogue, also in charge of Financial Stability,
    // Financial Services and Capital Markets Union, said"
    if let Some(p) = person_before_roles(s, reg, lex, k) {
        return Before::Subject(Subj::Actor(p));
    }
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
pub(super) fn topic_subject(s: &Sent, before: usize) -> Option<Subj> {
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
pub(super) fn clause_start(s: &Sent) -> usize {
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
        // ("After meeting with Lieutenant Governor Pierre Duchesne to officially drop the writ and
        // dissolve parliament, he ...": an opening phrase may run to twenty words)
        if let Some(c) = (0..s.toks.len().min(21)).find(|&k| s.is_punct(k, ',')) {
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
pub(super) fn topic(
    s: &Sent,
    reg: &mut Registry,
    lex: &Lexicon,
    _si: usize,
) -> Option<(usize, Subj)> {
    let start = clause_start(s);
    let limit = start + 8;
    let first = s
        .mentions
        .iter()
        .position(|m| m.toks.start >= start && m.toks.start <= limit);
    // "Washington Post columnist J. J. McCullough": a body naming a person's role is the
    // person's modifier; the person is the topic
    let first = first.map(|i| {
        let m = &s.mentions[i];
        let person_after = s.mentions.get(i + 1).filter(|n| {
            reg.actors[n.actor].kind == ActorKind::Person
                && reg.actors[m.actor].kind != ActorKind::Person
                && (m.toks.end + 1..=m.toks.end + 2).contains(&n.toks.start)
                && (m.toks.end..n.toks.start).all(|k| lex.title(s.word(k)).is_some())
        });
        person_after.map_or(i, |_| i + 1)
    });
    let m = first.map(|i| {
        let m = &s.mentions[i];
        (m.toks.start, Subj::Actor(m.actor))
    });
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

pub(super) fn fits(actor: &Actor, p: Pron) -> bool {
    match p {
        Pron::Person => matches!(actor.kind, ActorKind::Person | ActorKind::Unknown),
        Pron::Plural => match actor.kind {
            ActorKind::Org => true,
            ActorKind::Group => {
                let head = head_word(&actor.name).to_lowercase();
                (head.ends_with('s') && !head.ends_with("ss"))
                    || COLLECTIVE.contains(&head.as_str())
            }
            _ => false,
        },
    }
}

pub(super) const COLLECTIVE: [&str; 11] = [
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

/// "his statement" right before token `colon` (a colon): the one "his" refers to.
fn possessor_before(
    s: &Sent,
    reg: &Registry,
    history: &[Vec<usize>],
    lex: &Lexicon,
    colon: usize,
) -> Option<usize> {
    if colon < 2 || lex.noun(s.lower(colon - 1)) != Some(NounKind::Speech) {
        return None;
    }
    let kind = match s.lower(colon - 2) {
        "his" | "her" => Pron::Person,
        "their" => Pron::Plural,
        _ => return None,
    };
    // not the clause's own subject (the newspaper publishing it): the one the text was about
    history.iter().rev().take(5).find_map(|about| {
        about.iter().copied().find(|&a| {
            let actor = &reg.actors[a];
            // or "the minister", a group of one
            let one = kind == Pron::Person
                && actor.kind == ActorKind::Group
                && lex.title(head_word(&actor.name)) == Some(TitleKind::Title);
            fits(actor, kind) || one
        })
    })
}

/// The last word of an actor's name: "spokesperson" in "Scottish Fire and Rescue Service
/// spokesperson", the head of a group's noun phrase.
fn head_word(name: &str) -> &str {
    name.rsplit(' ').next().unwrap_or_default()
}

/// "he" → the nearest fitting actor: earlier in the sentence, else the subjects of the sentences before.
pub(super) fn resolve_pronoun(
    s: &Sent,
    reg: &Registry,
    history: &[Vec<usize>],
    at: usize,
    p: Pron,
) -> Option<usize> {
    if let Some(m) = s.mentions.iter().find(|m| {
        // "on Twitter, he wrote" (but "As for Rex Tillerson, he said"); past a title before the
        // name: "After meeting with Lieutenant Governor Pierre Duchesne, he ..."
        let mut b = m.toks.start;
        while b > 1 && is_titlecase(s.word(b - 1)) {
            b -= 1;
        }
        let before = if b > 0 { s.lower(b - 1) } else { "" };
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
    use crate::draft::text::Text;

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
    fn a_role_of_several_parts_between_commas_still_gives_the_person_before_it() {
        let (t, c) = cast("Valdis Dombrovskis, Vice-President for the Euro and Social Dialogue, also in charge of Financial Stability, Financial Services and Capital Markets Union, said: “The time to repair the roof is now.”");
        assert_eq!(speakers(&c), vec!["Valdis Dombrovskis"]);
        assert_eq!(quotes_of(&t, &c, "Valdis Dombrovskis").len(), 1);
        let (_, c) = cast("Pierre Moscovici, Commissioner for Economic and Financial Affairs, Taxation and Customs, said: “Growth is back.”");
        assert_eq!(speakers(&c), vec!["Pierre Moscovici"]);
        // a role in lowercase words, its fields listed with commas
        let (t, c) = cast("Vice-President Jyrki Katainen, responsible for Jobs, Growth Investment and Competitiveness, said: \"Europe's growth depends on ideas.\"");
        assert_eq!(speakers(&c), vec!["Vice-President Jyrki Katainen"]);
        assert_eq!(quotes_of(&t, &c, "Vice-President Jyrki Katainen").len(), 1);
    }

    #[test]
    fn a_military_rank_abbreviated_before_a_name_ends_no_sentence() {
        let (t, c) = cast("“There are no windows in a Stryker,” said Pvt. Brandon Hickle, an infantryman with the squadron. “You know what your mission is.”");
        assert_eq!(speakers(&c), vec!["Brandon Hickle"]);
        assert_eq!(quotes_of(&t, &c, "Brandon Hickle").len(), 2);
    }

    #[test]
    fn taking_the_opportunity_to_stress_is_speaking_and_the_secretary_is_the_one_with_that_title() {
        let (t, c) = cast("Secretary of State John Kerry met students. Later, Secretary Kerry and Assistant Secretary of State Anne Richard attended a reception. Speaking about the crisis, the Secretary took the opportunity to stress that “a huge effort is being made.”");
        assert_eq!(
            quotes_of(&t, &c, "John Kerry"),
            vec!["a huge effort is being made."]
        );
    }

    #[test]
    fn she_is_the_person_before_a_name_of_unknown_kind() {
        let (t, c) = cast("Reuters reports that the Chief Minister of West Bengal, Mamata Banerjee, rushed to the scene. She said that rescuing those trapped is her “top priority.”");
        assert_eq!(quotes_of(&t, &c, "Mamata Banerjee"), vec!["top priority."]);
    }

    #[test]
    fn a_name_right_before_a_participle_of_speech_is_its_subject() {
        let (t, c) = cast("An advisory group has been established, with Minister Kelvin Davis explaining that its purpose is “to provide advice on future dates.”");
        assert_eq!(
            quotes_of(&t, &c, "Kelvin Davis"),
            vec!["to provide advice on future dates."]
        );
    }

    #[test]
    fn declaring_a_disaster_or_an_emergency_is_an_act_not_speech() {
        let (_, c) =
            cast("President George W. Bush declared major disasters in Texas and Louisiana.");
        assert!(speakers(&c).is_empty(), "{:?}", speakers(&c));
        let (_, c) = cast("Governor Jane Roe declared that the state would recover.");
        assert_eq!(speakers(&c).len(), 1);
    }

    #[test]
    fn a_quotation_paragraph_after_according_to_is_the_sources() {
        let (t, c) = cast("The ambassador, John Akec Khoc, defended the president on Tuesday. According to the ambassador, the president is inclusive.\n\n\"Nobody can believe it.\"\n");
        assert_eq!(
            quotes_of(&t, &c, "John Akec Khoc"),
            vec!["Nobody can believe it."]
        );
    }

    #[test]
    fn an_appositive_left_open_before_the_verb_still_gives_the_name_before_it() {
        let (t, c) = cast("Commissioner Thierry Breton, responsible for the Internal Market said: “We have reached a milestone.”");
        assert_eq!(speakers(&c), vec!["Thierry Breton"]);
        assert_eq!(quotes_of(&t, &c, "Thierry Breton").len(), 1);
        // a clause after a comma that opens with a capital is not an appositive, nor one after an
        // opening phrase
        let (_, c) =
            cast("After the meeting with Vladimir Putin, Recep Tayyip Erdogan said it went well.");
        assert_eq!(speakers(&c), vec!["Recep Tayyip Erdogan"]);
        let (_, c) = cast("As stated in the Crimea Declaration, the United States rejects the claim. Later, the Prime Minister Ivan Smith said no.");
        assert!(
            !speakers(&c).contains(&"Crimea Declaration".to_string()),
            "{:?}",
            speakers(&c)
        );
    }

    #[test]
    fn a_bodys_name_ending_in_a_word_that_is_also_a_title_is_the_body() {
        let (_, c) =
            cast("The Department of Justice announced that a grand jury returned an indictment.");
        assert_eq!(speakers(&c), vec!["Department of Justice"]);
        // a title after "of" with no body before it is still a role: no one named speaks here
        let (_, c) = cast("The Minister of Justice said nothing.");
        assert!(!speakers(&c).contains(&"Minister of Justice".to_string()));
    }

    #[test]
    fn a_quotation_going_on_from_a_name_as_its_predicate_is_that_names() {
        let (t, c) = cast("Stunner is incredulous, saying: “Black is beautiful”, while Lisa Allen-Agostini “can testify that it is not easy.”");
        assert_eq!(
            quotes_of(&t, &c, "Lisa Allen-Agostini"),
            vec!["can testify that it is not easy."]
        );
        assert_eq!(quotes_of(&t, &c, "Stunner"), vec!["Black is beautiful"]);
        // a title in quotation marks after a name, capitalised, is not a predicate; nor is a
        // quotation about the name, attributed to someone else, or a name the object of a verb
        let (_, c) = cast("Kate Bush “Running Up That Hill” was played, the station said.");
        assert!(!speakers(&c).contains(&"Kate Bush".to_string()));
        let (t, c) =
            cast("Oleksiy Honcharuk said Volodymyr Zelensky “has a very primitive understanding.”");
        assert_eq!(quotes_of(&t, &c, "Oleksiy Honcharuk").len(), 1);
        let (_, c) = cast("Jane Hume called Murray Watt “king grub” on television.");
        assert!(!speakers(&c).contains(&"Murray Watt".to_string()));
    }

    #[test]
    fn a_writer_introduced_with_a_demonym_handle_and_language_marker_writes_the_block_quote() {
        let (t, c) = cast("With regard to his ideology, Colombian writer Hector Abad (@hectorabadf) [es] writes:\n\n“The truth is that Chávez did in fact inculcate chavismo.”\n");
        assert_eq!(speakers(&c), vec!["Hector Abad"]);
        assert_eq!(quotes_of(&t, &c, "Hector Abad").len(), 1);
        // a name ending in -an is still a name
        let (_, c) = cast("Brian Morgan told Jane Smith that it was over.");
        assert_eq!(speakers(&c), vec!["Brian Morgan"]);
    }

    #[test]
    fn a_short_first_name_with_the_same_surname_is_the_same_person() {
        let (_, c) = cast("“Warnings saved lives,” said Frederick P. Ostby, the director. Fred Ostby said more would follow. Jane Ostby said nothing.");
        let names: Vec<&str> = c.actors.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names.iter().filter(|n| n.contains("Ostby")).count(),
            2,
            "{names:?}"
        );
        assert!(names.contains(&"Frederick P. Ostby"), "{names:?}");
    }

    #[test]
    fn the_blog_refers_to_the_blog_last_named() {
        let (t, c) = cast("Grandiose Parlor thinks Naija Blog simplified the problem: for example, the blog states “If you go into public office and don’t come out rich, you failed.”");
        assert_eq!(quotes_of(&t, &c, "Naija Blog").len(), 1);
    }

    #[test]
    fn a_place_after_a_preposition_and_its_article_is_not_the_subject() {
        let (_, c) = cast("Burundi's ambassador to The Hague said “the people” demanded it.");
        assert!(
            !speakers(&c).contains(&"Hague".to_string()),
            "{:?}",
            speakers(&c)
        );
        // "after the ... Company announced" is a clause of its own
        let (_, c) = cast("A week ago, after the Bermuda Telephone Company announced new prices, a blogger wrote.");
        assert!(
            speakers(&c).contains(&"Bermuda Telephone Company".to_string()),
            "{:?}",
            speakers(&c)
        );
    }

    #[test]
    fn a_work_named_after_a_possessive_in_a_prepositional_phrase_is_not_the_subject() {
        let (_, c) =
            cast("D.F. Lovett on his substack Edit History says he was contacted by the editor.");
        assert_eq!(speakers(&c), vec!["D.F. Lovett".to_string()]);
        // "for his work and Epstein complained": a clause of its own
        let (_, c) = cast("Seckel asked for his work and Epstein complained about the cost.");
        assert!(
            speakers(&c).contains(&"Epstein".to_string()),
            "{:?}",
            speakers(&c)
        );
    }

    #[test]
    fn an_aside_between_dashes_before_the_verb_leaves_the_name_before_it() {
        let (_, c) = cast(
            "In the magazine, author Samuel Breslow – who is listed as a long time Wikipedia \
             editor – explains how the debate was decided.",
        );
        assert_eq!(speakers(&c), vec!["Samuel Breslow".to_string()]);
    }

    #[test]
    fn he_after_a_person_named_with_a_bodys_role_is_that_person() {
        let (_, c) = cast(
            "The caption named Snidely Whiplash.\n\nWashington Post columnist John Smith has \
             released a video. He criticizes the site's writing style.",
        );
        assert_eq!(speakers(&c), vec!["John Smith".to_string()]);
    }

    #[test]
    fn a_first_name_in_brackets_stays_inside_the_name() {
        let (t, c) = cast("“In animals, we can explore more,” said Yuanyuan (Kevin) Liu, Ph.D., the senior author. The World Health Organization (WHO) said it agreed.");
        assert_eq!(quotes_of(&t, &c, "Yuanyuan Liu").len(), 1);
        assert!(
            speakers(&c).contains(&"World Health Organization".to_string()),
            "{:?}",
            speakers(&c)
        );
    }

    #[test]
    fn a_handle_is_a_name_that_tweets() {
        let (t, c) = cast("“Everyone's waiting for him, five more minutes,” tweeted [ru] @varlamov a short while ago. @plushev tweeted [ru]: “Absolutely fantastic numbers.” Write to me at jane@example.org.");
        assert_eq!(speakers(&c), vec!["@varlamov", "@plushev"]);
        assert_eq!(
            quotes_of(&t, &c, "@plushev"),
            vec!["Absolutely fantastic numbers."]
        );
    }

    #[test]
    fn the_with_a_capital_inside_a_blogs_name_stays_in_the_name() {
        let (t, c) = cast("“I wonder if people are lulling themselves into a belief”: Grasshopper Eyes The Potomac says everything is connected.");
        assert_eq!(speakers(&c), vec!["Grasshopper Eyes The Potomac"]);
        assert_eq!(quotes_of(&t, &c, "Grasshopper Eyes The Potomac").len(), 1);
    }

    #[test]
    fn an_adverb_or_a_common_noun_opening_a_sentence_is_not_a_name() {
        let (_, c) = cast("Basically, the federal government funds the system. Fortunately, Jane Hume left. Parents should listen to the panel, he said.");
        let names: Vec<&str> = c.actors.iter().map(|a| a.name.as_str()).collect();
        for word in ["Basically", "Fortunately", "Parents"] {
            assert!(!names.contains(&word), "{word} in {names:?}");
        }
        assert!(names.contains(&"Jane Hume"), "{names:?}");
        // a first name ending in -ly still is one
        let (_, c) = cast("Sally, the organiser, said the march would go ahead.");
        assert_eq!(speakers(&c), vec!["Sally"]);
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
    fn a_headlines_participle_without_its_object_is_no_attribution() {
        let (_, c) = cast("Firm accused of whitewashing articles for one-percenters.");
        assert!(speakers(&c).is_empty(), "{:?}", speakers(&c));
        let (_, c) = cast("Senator Jane Roe accused the firm of whitewashing articles.");
        assert_eq!(speakers(&c), vec!["Jane Roe".to_string()]);
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

    #[test]
    fn an_attribution_after_the_quote_goes_past_the_speakers_role() {
        let (t, c) = cast("“We will not stop,” wrote Nigerian blogger Jane Doe on Twitter.");
        assert_eq!(quotes_of(&t, &c, "Jane Doe"), vec!["We will not stop,"]);
    }

    #[test]
    fn transcript_captions_attribute_each_turn_and_leave_the_interviewer_out() {
        let (t, c) = cast(
            "Transcript of an interview\n\nQUESTION:  Is he a traitor?\n\nSECRETARY KERRY:  I believe he betrayed his country.\n\nAnd so he put lives at risk.\n",
        );
        assert_eq!(speakers(&c), vec!["Kerry"]);
        assert_eq!(
            quotes_of(&t, &c, "Kerry"),
            vec![
                "I believe he betrayed his country.",
                "And so he put lives at risk."
            ]
        );
    }

    #[test]
    fn a_caption_that_is_only_a_role_is_the_one_captioned_earlier_with_it() {
        let (_, c) = cast(
            "Katherine Murphy, Host: Anthony Albanese, welcome to the Pod.\n\nAnthony Albanese, Prime Minister: Good to be with you, Katherine.\n\nMurphy: So, I want to start with the Voice.\n\nPrime Minister: Feels like a long time ago.\n",
        );
        assert_eq!(speakers(&c), vec!["Anthony Albanese"]);
    }

    #[test]
    fn a_block_quote_after_writes_colon_is_the_writers() {
        let (t, c) = cast(
            "The blogger Hoder is worried.\n\nHoder writes:\n\nI never took them seriously before.\n\nGo to his post.\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "Hoder"),
            vec!["I never took them seriously before."]
        );
    }

    #[test]
    fn a_colon_quotation_belongs_to_the_subject_of_its_sentence() {
        let (t, c) = cast("Mary Smith opposed John Brown's statement: “It is wrong.”");
        assert_eq!(quotes_of(&t, &c, "Mary Smith"), vec!["It is wrong."]);
    }

    #[test]
    fn a_quotation_paragraph_after_reported_speech_is_the_reporters() {
        let (t, c) = cast(
            "Minister of Conservation Kate Wilkinson says she is deeply saddened by the death of a ranger.\n\n“My thoughts are with his partner and family.\n\n“He will be greatly missed in the community.”\n",
        );
        let q = quotes_of(&t, &c, "Kate Wilkinson");
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(q[0].starts_with("My thoughts"));
        // a quotation after a sentence with no one reporting belongs to no one
        let (t, c) = cast(
            "The ranger died in a helicopter crash overnight.\n\n“My thoughts are with his partner and family.”\n",
        );
        assert!(t
            .quotes
            .iter()
            .enumerate()
            .all(|(q, _)| c.quote_speaker[q].is_none()));
    }

    #[test]
    fn the_spokesperson_going_on_is_the_body_last_named_with_a_spokesperson() {
        let (t, c) = cast(
            "A passenger of a blue Vauxhall Vectra died at the scene.\n\nA Scottish Fire and Rescue Service spokesperson said cutting equipment was used. “Our team worked closely with the police”, the spokesperson continued.\n",
        );
        let q = quotes_of(&t, &c, "Scottish Fire and Rescue Service spokesperson");
        assert_eq!(q.len(), 1, "{:?}", speakers(&c));
        assert!(!speakers(&c).iter().any(|s| s.contains("Vauxhall")));
    }

    #[test]
    fn a_bodys_name_with_and_before_its_acronym_is_one_name() {
        let (_, c) = cast(
            "The under-declaration was more than £2 million according to HM Revenue and Customs (HMRC).\n",
        );
        assert_eq!(speakers(&c), vec!["HM Revenue and Customs"]);
    }

    #[test]
    fn a_degree_after_a_name_and_a_preposition_opening_a_sentence_are_no_speakers() {
        let (_, c) = cast(
            "U.S. Agriculture Secretary Sonny Perdue and FDA Commissioner Scott Gottlieb, M.D. said the agreement would help farmers.\n\nLike many leaders, the president said democracy was not for everyone.\n",
        );
        let names = speakers(&c);
        assert!(
            !names.iter().any(|n| n == "M.D." || n == "Like"),
            "{names:?}"
        );
        assert!(names.iter().any(|n| n == "Scott Gottlieb"), "{names:?}");
    }

    #[test]
    fn a_statement_published_by_a_newspaper_is_the_one_it_is_of() {
        let (_, c) = cast(
            "The suggestion was given by Minister of Transport and Communications Carlos Mesquita after visiting the public transport companies of the cities of Maputo and Matola, where he noticed that dozens of old buses are lying unused.\n\nThe minister then proposed the idea of using the old buses for the education sector, which is also facing serious problems with infrastructure, leading many students to study under trees. On 22 June the newspaper MediaFax published his statement:\n\nThe transformation of unused buses into classrooms could be a solution to employ for the buses which now do not serve as transport. We know that the question of students sitting on the ground and in the dew is a social problem that worries everybody. Obviously it will be necessary to make some adaptations, but the different parts of the bus could also be used with this idea in mind.\n",
        );
        let who: Vec<(String, usize)> = c
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.quotes.len()))
            .collect();
        assert!(
            who.iter().any(|(n, q)| n == "The minister" && *q == 1),
            "{who:?}"
        );
        // the quotation after the colon in the same sentence
        let (t, c) = cast(
            "Carlos Mesquita visited the bus depots. The newspaper MediaFax published his statement: “The buses could be classrooms.”\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "Carlos Mesquita"),
            vec!["The buses could be classrooms."]
        );
    }

    #[test]
    fn a_group_after_the_verb_with_a_quantifier_is_the_speaker() {
        let (t, c) = cast(
            "Local Internet users reacted with scorn. “Is this how we combat poverty?” remarked one commenter.\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "One commenter").len(),
            1,
            "{:?}",
            speakers(&c)
        );
    }

    #[test]
    fn a_press_statements_issuer_speaks_its_sentences() {
        let (_, c) = cast(
            "Press Releases: On the vote\n\nPress Statement\n\nHeather Nauert\n\nDepartment Spokesperson\n\nThe United States condemns the vote. We call on all sides to talk.\n",
        );
        assert_eq!(speakers(&c), vec!["Heather Nauert"]);
        let a = c
            .actors
            .iter()
            .find(|a| a.name == "Heather Nauert")
            .unwrap();
        assert_eq!(a.role.as_deref(), Some("Department Spokesperson"));
        assert_eq!(a.statements, vec![0, 1]);
    }

    #[test]
    fn middle_initials_stay_in_the_name_and_an_aka_is_the_same_person() {
        let (_, c) = cast("Secretary Antony J. Blinken said it was time. Hossein Derakhshan, aka Hoder, said so too. Hoder left.");
        let names: Vec<&str> = c.actors.iter().map(|a| a.name.as_str()).collect();
        assert!(names.contains(&"Antony J. Blinken"), "{names:?}");
        assert!(!names.contains(&"Hoder"), "{names:?}");
    }

    #[test]
    fn captions_on_their_own_line_give_the_turns_after_them_to_the_role_they_name() {
        let (t, c) = cast(
            "Press conference\n\nPRIME MINISTER:\n\nThis is a great initiative.\n\nWe believe in it.\n\nJOURNALIST:\n\nWill it work?\n\nPRIME MINISTER:\n\nIt will.\n\nMINISTER FOR VETERANS’ AFFAIRS:\n\nThanks, Prime Minister. We agree.\n",
        );
        assert_eq!(
            speakers(&c),
            vec!["Prime Minister", "Minister for Veterans’ Affairs"]
        );
        assert_eq!(
            quotes_of(&t, &c, "Minister for Veterans’ Affairs"),
            vec!["Thanks, Prime Minister. We agree."]
        );
        assert_eq!(
            quotes_of(&t, &c, "Prime Minister"),
            vec![
                "This is a great initiative.",
                "We believe in it.",
                "It will."
            ]
        );
    }

    #[test]
    fn a_preposition_with_a_capital_stays_inside_an_organisations_name() {
        let (_, c) = cast("The country ranks 159th, according to Reporters Without Borders.");
        assert_eq!(speakers(&c), vec!["Reporters Without Borders"]);
    }

    #[test]
    fn a_body_of_two_fields_joined_by_and_is_one_name() {
        let (_, c) = cast(
            "The International Federation of Red Cross and Red Crescent Societies reports that \
             casualty numbers may rise.",
        );
        assert_eq!(
            speakers(&c),
            vec!["International Federation of Red Cross and Red Crescent Societies"]
        );
        // "the Federation" later is the same body
        let (_, c) = cast(
            "The International Federation of Red Cross and Red Crescent Societies reports that \
             casualty numbers may rise. The Geneva-based Federation says it is in contact with \
             the local society.",
        );
        assert_eq!(
            speakers(&c),
            vec!["International Federation of Red Cross and Red Crescent Societies"]
        );
        let (_, c) = cast("The Department for Work and Pensions said the scheme would open.");
        assert_eq!(speakers(&c), vec!["Department for Work and Pensions"]);
        // two names joined by "and" stay two
        let (_, c) = cast("Russia and Vladimir Putin said the talks would go on.");
        assert!(!speakers(&c).iter().any(|n| n.contains(" and ")));
    }

    #[test]
    fn as_someone_put_it_gives_them_the_quotation() {
        let (t, c) = cast(
            "Some oppose the rules.\n\nAs editor Holden Thorp put it in a piece today: “it is possible to support science.”",
        );
        assert_eq!(
            quotes_of(&t, &c, "Holden Thorp"),
            vec!["it is possible to support science."]
        );
    }

    #[test]
    fn a_quotation_alone_after_a_paragraph_about_the_last_speaker_is_theirs() {
        let (t, c) = cast(
            "“The state is outdated,” Lauren Razavi tells me.\n\nRazavi is the director of Plumia. Razavi sees herself as borderless.\n\n“We’re all enrolled into this subscription.”\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "Lauren Razavi"),
            vec![
                "The state is outdated,",
                "We’re all enrolled into this subscription."
            ]
        );
        // or when it names them in a clause that is about something else
        let (t, c) = cast(
            "“The state is outdated,” Lauren Razavi tells me.\n\nBorn in Britain, Razavi is borderless, and Plumia likens tax to a “subscription”.\n\n“We’re all enrolled into this subscription.”\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "Lauren Razavi"),
            vec![
                "The state is outdated,",
                "We’re all enrolled into this subscription."
            ]
        );
        // not when the paragraph between is about someone else
        let (t, c) = cast(
            "“The state is outdated,” Lauren Razavi tells me.\n\nJohn Smith is the director of Plumia. John Smith sees himself as borderless.\n\n“We’re all enrolled into this subscription.”\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "Lauren Razavi"),
            vec!["The state is outdated,"]
        );
    }

    #[test]
    fn a_paragraph_after_said_colon_is_the_speakers_quotation() {
        let (t, c) = cast(
            "Tim Roe, inventor of the Web, said:\n\nIt is great to see a simple licence.\n\nThe licence starts today.\n",
        );
        assert_eq!(
            quotes_of(&t, &c, "Tim Roe"),
            vec!["It is great to see a simple licence."]
        );
    }

    #[test]
    fn a_colon_quotation_goes_to_the_reporting_verbs_subject_before_the_clauses_first_name() {
        let (t, c) = cast(
            "As Science journals editor Holden Thorp put it in a piece today: “it is possible to support science.”",
        );
        assert_eq!(
            quotes_of(&t, &c, "Holden Thorp"),
            vec!["it is possible to support science."]
        );
    }

    #[test]
    fn laying_out_a_vision_in_quoted_words_is_speaking() {
        let (t, c) = cast(
            "In February, Facebook CEO Mark Zuckerberg laid out a vision of the network’s role in “bringing us all together as a community.”",
        );
        assert_eq!(
            quotes_of(&t, &c, "Mark Zuckerberg"),
            vec!["bringing us all together as a community."]
        );
    }

    #[test]
    fn a_middle_initial_does_not_cut_a_name_without_a_title() {
        let (_, c) = cast("The dam held, David S. Jackson said. Jackson left.");
        assert_eq!(speakers(&c), vec!["David S. Jackson"]);
    }

    #[test]
    fn a_title_in_capitals_after_a_name_is_a_post_nominal() {
        let (t, c) = cast("Minister for Trade, the Hon Jane Roe MP said:\n\n“Trade is strong.”");
        assert_eq!(speakers(&c), vec!["Jane Roe"]);
        assert_eq!(quotes_of(&t, &c, "Jane Roe"), vec!["Trade is strong."]);
    }

    #[test]
    fn an_elided_article_before_a_capital_stays_inside_a_name() {
        let (_, c) = cast("The regulator, Office National d'Énergie, said prices would rise.");
        assert_eq!(speakers(&c), vec!["Office National d'Énergie"]);
    }

    #[test]
    fn a_place_before_a_body_noun_is_the_bodys_modifier_not_a_speaker() {
        let (_, c) = cast(
            "Smith gave money to Ohio State. The Columbus university said the gift was welcome.",
        );
        assert_eq!(speakers(&c), vec!["Columbus university"]);
    }

    #[test]
    fn he_after_a_name_in_a_prepositional_phrase_with_a_title_is_the_earlier_subject() {
        let (t, c) = cast(
            "Premier Jane Roe has called an election. After meeting with Lieutenant Governor John Poe to dissolve parliament, he made the announcement, stating the airport is a “bridge to the north.”",
        );
        assert_eq!(quotes_of(&t, &c, "Jane Roe"), vec!["bridge to the north."]);
    }

    #[test]
    fn a_long_opening_phrase_does_not_give_a_later_participle_its_subject() {
        let (t, c) = cast(
            "Premier Jane Roe has called an election. After meeting with Lieutenant Governor John Poe to officially drop the writ and dissolve parliament, he made the announcement on Wednesday, stating the airport is a “bridge to the north.”",
        );
        assert_eq!(quotes_of(&t, &c, "Jane Roe"), vec!["bridge to the north."]);
    }
}
