//! ROUGE-N (Lin, 2004): n-gram overlap between a summary and a reference, for measuring the draft's
//! summaries against hand-written ones. Tokens are lowercase runs of letters and digits; no stemming
//! and no stop-word removal.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut out = HashMap::new();
    if n == 0 {
        return out;
    }
    for w in tokens.windows(n) {
        *out.entry(w).or_insert(0) += 1;
    }
    out
}

/// ROUGE-N of `candidate` against `reference`, with clipped n-gram counts.
pub fn rouge_n(candidate: &str, reference: &str, n: usize) -> Score {
    let (c, r) = (tokens(candidate), tokens(reference));
    let (cg, rg) = (ngrams(&c, n), ngrams(&r, n));
    let overlap: usize = cg
        .iter()
        .map(|(g, k)| (*k).min(rg.get(g).copied().unwrap_or(0)))
        .sum();
    let total = |m: &HashMap<&[String], usize>| m.values().sum::<usize>();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(overlap, total(&cg));
    let recall = ratio(overlap, total(&rg));
    let f1 = if precision + recall == 0.0 {
        0.0
    } else {
        2.0 * precision * recall / (precision + recall)
    };
    Score {
        precision,
        recall,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_texts_score_one_and_disjoint_zero() {
        assert_eq!(rouge_n("the cat sat", "The cat sat.", 1).f1, 1.0);
        assert_eq!(rouge_n("the cat sat", "the cat sat", 2).f1, 1.0);
        assert_eq!(rouge_n("dogs bark", "the cat sat", 1).f1, 0.0);
    }

    #[test]
    fn counts_are_clipped() {
        let s = rouge_n("the the the the", "the cat", 1);
        assert_eq!(s.precision, 0.25);
        assert_eq!(s.recall, 0.5);
    }

    #[test]
    fn bigrams_need_order() {
        let s = rouge_n("cat the sat", "the cat sat", 2);
        assert_eq!(s.recall, 0.0);
    }
}
