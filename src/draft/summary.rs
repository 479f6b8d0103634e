//! Extractive summary: LexRank (a graph of sentences weighted by idf-modified cosine similarity,
//! ranked by PageRank) personalised with a position prior (news puts the essentials first), then a
//! greedy pick under a word budget that skips sentences too similar to one already picked. The
//! picked sentences are returned in article order.

use super::lexicon::Lexicon;
use super::lint::{boilerplate, judges, neutralise, strip_link_markers};
use super::quotations::Speaker;
use super::text::{collapse, Text};
use crate::prompt::lint;
use std::collections::HashMap;

/// Only the first sentences are ranked: news puts its essentials first, and the similarity graph costs
/// the square of the sentences ranked, which this keeps bounded for long inputs.
pub const RANKED: usize = 240;

/// The summary: the picked sentences (indices in article order) and their text in the bot's voice.
pub fn summarise(
    text: &Text,
    question_at: Option<usize>,
    budget: usize,
    lex: &Lexicon,
) -> (Vec<usize>, String) {
    let n = text.sentences.len().min(RANKED);
    let neutral: Vec<String> = (0..n)
        .map(|i| strip_link_markers(&neutralise(&collapse(text.sentence_text(i)))))
        .collect();
    let mut neutral = neutral;
    let mut eligible: Vec<bool> = (0..n)
        .map(|i| summary_eligible(text, &neutral[i], i, lex) && Some(i) != question_at)
        .collect();
    let words: usize = (0..n)
        .filter(|&i| eligible[i])
        .map(|i| neutral[i].split_whitespace().count())
        .sum();
    if words < budget / 3 {
        // a transcript: its speakers' turns, attributed, in quotation marks
        for i in 0..n {
            if let Some(t) = turn(text, i) {
                neutral[i] = t;
                eligible[i] = true;
            }
        }
    }
    let picked = select(&neutral, &eligible, budget, lex);
    let summary = picked
        .iter()
        .map(|&i| neutral[i].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    (picked, summary)
}

/// How much the ranking follows the graph rather than the position prior.
const DAMPING: f64 = 0.7;
/// Edges weaker than this are dropped (continuous LexRank with a small threshold).
const EDGE_MIN: f64 = 0.05;
/// A sentence this similar to one already picked is redundant.
const REDUNDANT: f64 = 0.5;

type Vector = Vec<(u32, f64)>;

/// Content words of a sentence, lightly stemmed.
fn terms<'a>(text: &'a str, lex: &'a Lexicon) -> impl Iterator<Item = String> + 'a {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(str::to_lowercase)
        .filter(|w| !lex.common.contains(w.as_str()))
        .map(|w| stem(&w))
}

fn stem(w: &str) -> String {
    if let Some(s) = w.strip_suffix("ies").filter(|s| s.len() >= 3) {
        return format!("{s}y");
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

fn cosine(a: &Vector, b: &Vector) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    let norm = |v: &Vector| v.iter().map(|x| x.1 * x.1).sum::<f64>().sqrt();
    let d = norm(a) * norm(b);
    if d == 0.0 {
        0.0
    } else {
        dot / d
    }
}

/// TF-IDF vectors of the sentences, with idf from the article itself.
fn vectors(sentences: &[String], lex: &Lexicon) -> Vec<Vector> {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut counts: Vec<HashMap<u32, f64>> = Vec::with_capacity(sentences.len());
    for s in sentences {
        let mut tf: HashMap<u32, f64> = HashMap::new();
        for t in terms(s, lex) {
            let next = ids.len() as u32;
            let id = *ids.entry(t).or_insert(next);
            *tf.entry(id).or_default() += 1.0;
        }
        counts.push(tf);
    }
    let mut df = vec![0.0f64; ids.len()];
    for tf in &counts {
        for &id in tf.keys() {
            df[id as usize] += 1.0;
        }
    }
    let n = sentences.len().max(1) as f64;
    counts
        .into_iter()
        .map(|tf| {
            let mut v: Vector = tf
                .into_iter()
                .map(|(id, c)| (id, c * (1.0 + n / df[id as usize]).ln()))
                .collect();
            v.sort_by_key(|x| x.0);
            v
        })
        .collect()
}

/// A caption's turn as a sentence for the summary: `Earnest said: “We'll do two quick things ...”`,
/// its first sentences up to about forty words.
fn turn(text: &Text, i: usize) -> Option<String> {
    let s = &text.sentences[i];
    let q = &text.quotes[s.quotes.clone().next()?];
    let Speaker::Caption {
        name,
        interviewer: false,
        ..
    } = &q.speaker
    else {
        return None;
    };
    let words = collapse(&text.body[q.inner.clone()]);
    let mut out = String::new();
    for part in words.split_inclusive(['.', '!', '?']) {
        if !out.is_empty() && out.split_whitespace().count() + part.split_whitespace().count() > 40
        {
            break;
        }
        out.push_str(part);
    }
    let out = out.trim();
    (out.split_whitespace().count() >= 6).then(|| format!("{name} said: “{out}”"))
}

/// A sentence the summary may use: mostly the author's words, six words or more, not a question,
/// and nothing for the lint, no judging word, no boilerplate.
fn summary_eligible(text: &Text, neutral: &str, i: usize, lex: &Lexicon) -> bool {
    let s = &text.sentences[i];
    let quoted: usize = s.quotes.clone().map(|q| text.quotes[q].outer.len()).sum();
    let words = neutral.split_whitespace().count();
    let question = neutral
        .trim_end_matches(['"', '”', '’', '\''])
        .ends_with('?');
    quoted * 2 < s.range.len()
        && words >= 6
        && !question
        && lint::scan(neutral).is_empty()
        && !judges(neutral, lex)
        && !boilerplate(neutral, lex)
}

/// Personalised PageRank over the similarity graph; `prior` sums to 1.
fn rank(sim: &[Vec<f64>], prior: &[f64]) -> Vec<f64> {
    let n = prior.len();
    let sums: Vec<f64> = sim.iter().map(|row| row.iter().sum()).collect();
    let mut r = prior.to_vec();
    for _ in 0..40 {
        let dangling: f64 = (0..n).filter(|&i| sums[i] == 0.0).map(|i| r[i]).sum();
        let mut next: Vec<f64> = prior
            .iter()
            .map(|p| (1.0 - DAMPING) * p + DAMPING * dangling * p)
            .collect();
        for i in 0..n {
            if sums[i] == 0.0 {
                continue;
            }
            let share = DAMPING * r[i] / sums[i];
            for (j, w) in sim[i].iter().enumerate() {
                if *w > 0.0 {
                    next[j] += share * w;
                }
            }
        }
        let delta: f64 = next.iter().zip(&r).map(|(a, b)| (a - b).abs()).sum();
        r = next;
        if delta < 1e-9 {
            break;
        }
    }
    r
}

/// Picks sentences for a summary of at most `budget` words among the `eligible` ones, ranked over
/// all of them; returns their indices in article order.
pub fn select(sentences: &[String], eligible: &[bool], budget: usize, lex: &Lexicon) -> Vec<usize> {
    let n = sentences.len();
    if n == 0 {
        return Vec::new();
    }
    let vecs = vectors(sentences, lex);
    let mut sim = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in i + 1..n {
            let s = cosine(&vecs[i], &vecs[j]);
            if s >= EDGE_MIN {
                sim[i][j] = s;
                sim[j][i] = s;
            }
        }
    }
    let raw: Vec<f64> = (0..n).map(|i| 1.0 / ((i + 1) as f64).sqrt()).collect();
    let total: f64 = raw.iter().sum();
    let prior: Vec<f64> = raw.iter().map(|p| p / total).collect();
    let scores = rank(&sim, &prior);

    let words = |i: usize| sentences[i].split_whitespace().count();
    let mut order: Vec<usize> = (0..n)
        .filter(|&i| eligible.get(i).copied().unwrap_or(false))
        .collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut picked: Vec<usize> = Vec::new();
    let mut used = 0;
    for &i in &order {
        let w = words(i);
        if used + w > budget {
            continue;
        }
        if picked
            .iter()
            .any(|&p| cosine(&vecs[p], &vecs[i]) > REDUNDANT)
        {
            continue;
        }
        picked.push(i);
        used += w;
    }
    if picked.is_empty() {
        if let Some(&best) = order.first() {
            picked.push(best);
        }
    }
    picked.sort_unstable();
    picked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::lexicon::LEXICON;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn central_sentences_win_and_come_back_in_article_order() {
        let sentences = s(&[
            "The council voted to close the old bridge over the river.",
            "Weather was mild.",
            "The bridge closure vote passed after a long council debate.",
            "Engineers said the old bridge over the river was unsafe.",
            "A bakery opened nearby.",
        ]);
        let picked = select(&sentences, &[true; 5], 25, &LEXICON);
        assert!(picked.contains(&0), "{picked:?}");
        assert!(!picked.contains(&4), "{picked:?}");
        assert!(picked.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_budget_and_eligibility_are_kept() {
        let sentences = s(&[
            "One two three four five six.",
            "Seven eight nine ten eleven twelve.",
            "Judging words here now today.",
        ]);
        let picked = select(&sentences, &[true, true, false], 7, &LEXICON);
        assert_eq!(picked.len(), 1);
        assert!(!picked.contains(&2));
    }

    #[test]
    fn near_duplicates_are_not_both_picked() {
        let sentences = s(&[
            "The minister resigned on Monday after the report.",
            "The minister resigned on Monday after the report, officials said.",
            "Parliament will vote on a successor next week.",
        ]);
        let picked = select(&sentences, &[true; 3], 100, &LEXICON);
        assert!(!(picked.contains(&0) && picked.contains(&1)), "{picked:?}");
    }
}
