//! Opinion groups: who answers statements alike, what every group agrees on, what divides them.
//!
//! Pure and deterministic (no I/O, no clock, no global randomness): the same answers give the same
//! groups, whatever order they arrive in. The method is Pol.is's, simplified where noted:
//!
//! 1. A member × statement matrix: agree +1, disagree −1, pass 0. A missing answer takes the
//!    statement's mean (column-mean imputation), so after centring it contributes nothing.
//! 2. PCA to two components. The covariance of the centred matrix (statements × statements) is
//!    built from the answers alone (the matrix is sparse), and its two leading eigenvectors found
//!    by subspace iteration with a Rayleigh–Ritz step (nalgebra's QR and symmetric eigen
//!    decomposition do the linear algebra). A member's coordinates are then scaled by
//!    `sqrt(statements / statements answered)`, as Pol.is does, so a member who answered little is
//!    not pulled to the centre.
//! 3. k-means on the members' points, k from 2 to 5 chosen by the silhouette (on a stable sample
//!    when there are many members), k-means++ seeded from a fixed seed, several restarts.
//! 4. Common ground: statements a majority agrees with in every group. What divides: for each
//!    group, the statements that most set it apart (Pol.is's representativeness: the group's
//!    agree — or disagree — share over everyone else's, both with a pseudocount, kept when the
//!    difference is significant by a two-proportion test).
//!
//! Only members with at least `min_answers` answers are placed; every answer counts in the
//! statements' totals.

mod cluster;
mod pca;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

/// A member's answer to a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Answer {
    Agree,
    Disagree,
    Pass,
}

impl Answer {
    pub fn value(self) -> f64 {
        match self {
            Answer::Agree => 1.0,
            Answer::Disagree => -1.0,
            Answer::Pass => 0.0,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Answer::Agree => "agree",
            Answer::Disagree => "disagree",
            Answer::Pass => "pass",
        }
    }

    pub fn parse(s: &str) -> Option<Answer> {
        match s {
            "agree" => Some(Answer::Agree),
            "disagree" => Some(Answer::Disagree),
            "pass" => Some(Answer::Pass),
            _ => None,
        }
    }
}

/// How the grouping runs. The defaults are the ones the result uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// Members with fewer answers are not placed (their answers still count in the totals).
    pub min_answers: usize,
    /// The range of k tried; the silhouette picks one.
    pub min_groups: usize,
    pub max_groups: usize,
    /// At most this many divisive statements per group.
    pub divisive_per_group: usize,
    /// The silhouette is computed on at most this many members (a stable stride sample).
    pub silhouette_sample: usize,
    /// k-means restarts per k; the one with the least inertia is kept.
    pub restarts: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_answers: 3,
            min_groups: 2,
            max_groups: 5,
            divisive_per_group: 5,
            silhouette_sample: 1500,
            restarts: 4,
            seed: 0x726f_756e_6474_626c,
        }
    }
}

/// Agree, disagree and pass counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub agree: u64,
    pub disagree: u64,
    pub pass: u64,
}

impl Counts {
    pub fn seen(&self) -> u64 {
        self.agree + self.disagree + self.pass
    }

    fn add(&mut self, a: Answer) {
        match a {
            Answer::Agree => self.agree += 1,
            Answer::Disagree => self.disagree += 1,
            Answer::Pass => self.pass += 1,
        }
    }

    fn of(&self, a: Answer) -> u64 {
        match a {
            Answer::Agree => self.agree,
            Answer::Disagree => self.disagree,
            Answer::Pass => self.pass,
        }
    }
}

/// A member placed on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub member: String,
    pub x: f64,
    pub y: f64,
    /// Index into [`Analysis::groups`].
    pub group: usize,
}

/// One opinion group.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub size: usize,
    /// The centre of its members' points.
    pub centre: (f64, f64),
}

/// A statement with its counts: overall, and per group (in the order of [`Analysis::groups`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StatementCounts {
    pub statement: i64,
    pub total: Counts,
    pub by_group: Vec<Counts>,
}

/// A statement that sets one group apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Divisive {
    pub statement: i64,
    /// Whether the group stands out by agreeing or by disagreeing.
    pub direction: Answer,
    /// The group's share in that direction (0 to 1).
    pub share: f64,
    /// Pol.is's representativeness: the group's (pseudocounted) share over everyone else's.
    pub representativeness: f64,
    /// The group's counts, and everyone else's.
    pub group: Counts,
    pub others: Counts,
}

/// The grouping of one discussion's answers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    /// Placed members, sorted by member id.
    pub members: Vec<Placed>,
    /// Groups, largest first (ties by the centre's x, then y).
    pub groups: Vec<Group>,
    /// Members who answered at least once, placed or not.
    pub participants: usize,
    /// Every statement with at least one answer, in statement order.
    pub statements: Vec<StatementCounts>,
    /// Statements a majority agrees with in every group, the broadest first.
    pub common_ground: Vec<i64>,
    /// For each group, its most divisive statements, the strongest first.
    pub divides: Vec<Vec<Divisive>>,
    /// The silhouette of the chosen grouping (−1 to 1); `None` when there are no groups.
    pub silhouette: Option<f64>,
}

impl Analysis {
    pub fn counts(&self, statement: i64) -> Option<&StatementCounts> {
        self.statements
            .binary_search_by_key(&statement, |s| s.statement)
            .ok()
            .map(|i| &self.statements[i])
    }
}

/// One answer as the grouping reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerRow<'a> {
    pub member: &'a str,
    pub statement: i64,
    pub answer: Answer,
}

/// Groups members by their answers. Rows may come in any order; if a member answered a statement
/// twice, the later row counts (the store keeps one per member and statement).
pub fn analyse(rows: &[AnswerRow<'_>], options: &Options) -> Analysis {
    let mut index: HashMap<&str, u32> = HashMap::with_capacity(rows.len() / 8 + 1);
    let mut members: Vec<&str> = Vec::new();
    let compact: Vec<(u32, i64, Answer)> = rows
        .iter()
        .map(|r| {
            let m = *index.entry(r.member).or_insert_with(|| {
                members.push(r.member);
                (members.len() - 1) as u32
            });
            (m, r.statement, r.answer)
        })
        .collect();
    analyse_matrix(&members, &compact, options)
}

/// [`analyse`] over answers whose members are given once, by index into `members`: what the
/// store reads (`(member index, statement, answer)` rows), without a string per answer.
pub fn analyse_matrix<S: AsRef<str>>(
    members: &[S],
    rows: &[(u32, i64, Answer)],
    options: &Options,
) -> Analysis {
    // Stable indices, whatever order the rows came in: members and statements in sorted order.
    let mut order: Vec<u32> = (0..members.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| {
        members[a as usize]
            .as_ref()
            .cmp(members[b as usize].as_ref())
    });
    let mut rank = vec![0usize; members.len()];
    for (r, &m) in order.iter().enumerate() {
        rank[m as usize] = r;
    }
    let member_names: Vec<&str> = order
        .iter()
        .map(|&m| members[m as usize].as_ref())
        .collect();
    let mut statement_ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    statement_ids.sort_unstable();
    statement_ids.dedup();
    let statement_ix: HashMap<i64, usize> = statement_ids
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, i))
        .collect();
    let (n_members, n_statements) = (member_names.len(), statement_ids.len());

    // Each member's answers, one per statement, sorted by statement index.
    let mut by_member: Vec<Vec<(usize, Answer)>> = vec![Vec::new(); n_members];
    for &(m, statement, answer) in rows {
        by_member[rank[m as usize]].push((statement_ix[&statement], answer));
    }
    for answers in &mut by_member {
        // Keep the later of two rows for the same statement: a stable sort keeps input order.
        if answers.windows(2).any(|w| w[0].0 >= w[1].0) {
            answers.sort_by_key(|&(s, _)| s);
            let mut kept: Vec<(usize, Answer)> = Vec::with_capacity(answers.len());
            for &(s, a) in answers.iter() {
                match kept.last_mut() {
                    Some(last) if last.0 == s => last.1 = a,
                    _ => kept.push((s, a)),
                }
            }
            *answers = kept;
        }
    }

    let mut totals = vec![Counts::default(); n_statements];
    for answers in &by_member {
        for &(s, a) in answers {
            totals[s].add(a);
        }
    }

    let placed_members: Vec<usize> = (0..n_members)
        .filter(|&m| by_member[m].len() >= options.min_answers.max(1))
        .collect();

    let mut analysis = Analysis {
        participants: n_members,
        ..Analysis::default()
    };

    let enough = placed_members.len() >= options.min_groups.max(2) && n_statements >= 1;
    let grouping = if enough {
        let points = pca::project(&by_member, &placed_members, n_statements);
        cluster::choose(&points, options)
    } else {
        None
    };

    match grouping {
        Some(g) => {
            let k = g.centres.len();
            analysis.silhouette = Some(g.silhouette);
            analysis.groups = g
                .centres
                .iter()
                .zip(&g.sizes)
                .map(|(&centre, &size)| Group { size, centre })
                .collect();
            analysis.members = placed_members
                .iter()
                .zip(&g.points)
                .zip(&g.labels)
                .map(|((&m, &(x, y)), &group)| Placed {
                    member: member_names[m].to_string(),
                    x,
                    y,
                    group,
                })
                .collect();
            let mut by_group = vec![vec![Counts::default(); k]; n_statements];
            for (&m, &group) in placed_members.iter().zip(&g.labels) {
                for &(s, a) in &by_member[m] {
                    by_group[s][group].add(a);
                }
            }
            analysis.statements = statement_ids
                .iter()
                .zip(totals)
                .zip(by_group)
                .map(|((&statement, total), by_group)| StatementCounts {
                    statement,
                    total,
                    by_group,
                })
                .collect();
            analysis.common_ground = common_ground(&analysis.statements);
            analysis.divides = (0..k)
                .map(|group| divisive(&analysis.statements, group, options.divisive_per_group))
                .collect();
        }
        None => {
            analysis.statements = statement_ids
                .iter()
                .zip(totals)
                .map(|(&statement, total)| StatementCounts {
                    statement,
                    total,
                    by_group: Vec::new(),
                })
                .collect();
        }
    }
    analysis
}

/// Statements where, in every group, more than half of those who answered agreed; ordered by the
/// smallest such share across groups (the broadest agreement first), then by statement.
fn common_ground(statements: &[StatementCounts]) -> Vec<i64> {
    let mut found: Vec<(f64, i64)> = statements
        .iter()
        .filter(|s| !s.by_group.is_empty())
        .filter_map(|s| {
            let mut least = f64::INFINITY;
            for c in &s.by_group {
                if c.seen() == 0 || c.agree * 2 <= c.seen() {
                    return None;
                }
                least = least.min(c.agree as f64 / c.seen() as f64);
            }
            Some((least, s.statement))
        })
        .collect();
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().map(|(_, s)| s).collect()
}

/// The one-sided z for 90 % confidence, as Pol.is uses.
const Z_90: f64 = 1.2816;

/// Pol.is's two-proportion test: is `succ_in / n_in` larger than `succ_out / n_out`?
fn two_prop_z(succ_in: u64, n_in: u64, succ_out: u64, n_out: u64) -> f64 {
    // Pseudocounts keep tiny groups from dividing by zero or claiming certainty.
    let (s1, n1) = (succ_in as f64 + 1.0, n_in as f64 + 2.0);
    let (s2, n2) = (succ_out as f64 + 1.0, n_out as f64 + 2.0);
    let (p1, p2) = (s1 / n1, s2 / n2);
    let p = (s1 + s2) / (n1 + n2);
    let se = (p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se > 0.0 {
        (p1 - p2) / se
    } else {
        0.0
    }
}

/// One-proportion test: is the group's share above one half?
fn one_prop_z(succ: u64, n: u64) -> f64 {
    let (s, n) = (succ as f64 + 1.0, n as f64 + 2.0);
    let p = s / n;
    (p - 0.5) / (0.25 / n).sqrt()
}

fn divisive(statements: &[StatementCounts], group: usize, limit: usize) -> Vec<Divisive> {
    let mut found: Vec<(f64, Divisive)> = Vec::new();
    for s in statements {
        let inside = s.by_group[group];
        let mut others = Counts::default();
        for (g, c) in s.by_group.iter().enumerate() {
            if g != group {
                others.agree += c.agree;
                others.disagree += c.disagree;
                others.pass += c.pass;
            }
        }
        if inside.seen() == 0 {
            continue;
        }
        let best = [Answer::Agree, Answer::Disagree]
            .into_iter()
            .filter_map(|direction| {
                let (succ_in, n_in) = (inside.of(direction), inside.seen());
                let (succ_out, n_out) = (others.of(direction), others.seen());
                let p_in = (succ_in as f64 + 1.0) / (n_in as f64 + 2.0);
                let p_out = (succ_out as f64 + 1.0) / (n_out as f64 + 2.0);
                let repness = p_in / p_out;
                let significant = one_prop_z(succ_in, n_in) > Z_90
                    && two_prop_z(succ_in, n_in, succ_out, n_out) > Z_90;
                // Pol.is's metric: representativeness times the group's share, both tested.
                (significant && repness > 1.0).then(|| {
                    let d = Divisive {
                        statement: s.statement,
                        direction,
                        share: succ_in as f64 / n_in as f64,
                        representativeness: repness,
                        group: inside,
                        others,
                    };
                    (repness * p_in, d)
                })
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some(b) = best {
            found.push(b);
        }
    }
    found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.statement.cmp(&b.1.statement)));
    found.into_iter().take(limit).map(|(_, d)| d).collect()
}

/// A small, stable pseudo-random sequence (SplitMix64), so seeded results never change with a
/// dependency's version.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A float in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
