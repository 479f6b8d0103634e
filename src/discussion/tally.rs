//! The tally: votes and shares per option in the discussion's order, participants, replies.

use crate::prompt::AnswerOption;
use crate::store::Counts;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyRow {
    pub key: String,
    pub label: String,
    pub votes: u64,
    /// Whole percent of all votes, as displayed (see [`shares`]).
    pub share: u32,
    /// Replies written by members who currently vote for this option.
    pub replies_by_voters: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// One row per option, in the discussion's display order.
    pub rows: Vec<TallyRow>,
    /// Distinct members with a vote (one vote per member).
    pub participants: u64,
    pub replies: u64,
    pub repliers: u64,
    /// Thread replies counted without their text (Message Content intent off).
    pub replies_without_text: u64,
    /// The discussion is closed: this is the final result.
    pub closed: bool,
}

impl Tally {
    pub fn from_counts(options: &[AnswerOption], counts: &Counts, closed: bool) -> Tally {
        let find = |list: &[(String, u64)], key: &str| {
            list.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
        };
        let votes: Vec<u64> = options
            .iter()
            .map(|o| find(&counts.votes, &o.key))
            .collect();
        let shares = shares(&votes);
        let rows = options
            .iter()
            .zip(votes.iter().zip(shares))
            .map(|(o, (&votes, share))| TallyRow {
                key: o.key.clone(),
                label: o.label.clone(),
                votes,
                share,
                replies_by_voters: find(&counts.replies_by_voters, &o.key),
            })
            .collect();
        Tally {
            rows,
            participants: votes.iter().sum(),
            replies: counts.replies,
            repliers: counts.repliers,
            replies_without_text: counts.replies_without_text,
            closed,
        }
    }

    /// The options with the most votes: one, several when tied, none before the first vote.
    pub fn leaders(&self) -> Vec<&TallyRow> {
        let top = self.rows.iter().map(|r| r.votes).max().unwrap_or(0);
        if top == 0 {
            return Vec::new();
        }
        self.rows.iter().filter(|r| r.votes == top).collect()
    }
}

/// Whole-percent shares by the largest remainder method: they add up to 100 as displayed, and
/// equal counts always get equal shares. When an exact tie cannot share the leftover points
/// (three options at one vote each), the tied rows keep equal shares (33, 33, 33) and the sum
/// falls short of 100 by less than the size of that tie: a tie is never shown as a lead.
pub fn shares(votes: &[u64]) -> Vec<u32> {
    let total: u64 = votes.iter().sum();
    if total == 0 {
        return vec![0; votes.len()];
    }
    let mut out: Vec<u32> = votes.iter().map(|&v| (v * 100 / total) as u32).collect();
    let mut leftover = 100 - out.iter().sum::<u32>();
    // Groups of equal remainders, largest first; equal votes always share a group.
    let mut groups: Vec<(u64, u64, Vec<usize>)> = Vec::new(); // (remainder, votes, members)
    for (i, &v) in votes.iter().enumerate() {
        let rem = v * 100 % total;
        if rem == 0 {
            continue;
        }
        match groups.iter_mut().find(|(r, gv, _)| *r == rem && *gv == v) {
            Some(g) => g.2.push(i),
            None => groups.push((rem, v, vec![i])),
        }
    }
    groups.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    for (_, _, members) in groups {
        if members.len() as u32 > leftover {
            break;
        }
        for i in &members {
            out[*i] += 1;
        }
        leftover -= members.len() as u32;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shares_use_the_largest_remainder() {
        assert_eq!(shares(&[3, 3, 1]), vec![43, 43, 14]);
        assert_eq!(shares(&[2, 1]), vec![67, 33]);
        assert_eq!(shares(&[1, 1, 1, 1, 3]), vec![14, 14, 14, 14, 43]);
        assert_eq!(shares(&[0, 0, 0]), vec![0, 0, 0]);
        assert_eq!(shares(&[5, 0]), vec![100, 0]);
    }

    #[test]
    fn a_three_way_tie_shows_as_a_tie() {
        assert_eq!(shares(&[1, 1, 1]), vec![33, 33, 33]);
        assert_eq!(shares(&[2, 2, 2, 0]), vec![33, 33, 33, 0]);
    }

    proptest! {
        #[test]
        fn shares_sum_to_100_unless_a_tie_forbids_and_ties_stay_equal(votes in prop::collection::vec(0u64..2000, 1..9)) {
            let s = shares(&votes);
            let total: u64 = votes.iter().sum();
            let sum: u32 = s.iter().sum();
            if total == 0 {
                prop_assert_eq!(sum, 0);
            } else {
                prop_assert!(sum <= 100);
                let biggest_tie = votes.iter().map(|v| votes.iter().filter(|w| *w == v).count()).max().unwrap_or(1) as u32;
                prop_assert!(100 - sum < biggest_tie.max(1), "sum {} for {:?}", sum, votes);
                if votes.iter().all(|v| votes.iter().filter(|w| *w == v).count() == 1 || *v == 0) {
                    prop_assert_eq!(sum, 100);
                }
            }
            for i in 0..votes.len() {
                for j in 0..votes.len() {
                    if votes[i] == votes[j] { prop_assert_eq!(s[i], s[j]); }
                    if votes[i] > votes[j] { prop_assert!(s[i] >= s[j]); }
                }
            }
        }
    }
}
