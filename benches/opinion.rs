//! Opinion groups benchmark: 10,000 members × 500 statements with 200,000 answers (20 each, the
//! statements spread evenly), three camps planted. Target: grouping and the result (PCA, k-means
//! for k = 2..=5 with the silhouette, common ground, what divides) under 200 ms.
//! Run: `cargo bench --bench opinion`. The figures print first, then criterion's.

use criterion::Criterion;
use roundtable::opinion::{analyse, Answer, AnswerRow, Options};
use std::time::{Duration, Instant};

const MEMBERS: usize = 10_000;
const STATEMENTS: i64 = 500;
const PER_MEMBER: usize = 20;

/// SplitMix64, the same small generator the grouping uses for its seeds.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn data() -> (Vec<String>, Vec<(usize, i64, Answer)>) {
    let mut rng = Rng(1);
    let names: Vec<String> = (0..MEMBERS)
        .map(|i| format!("{:018}", 1e17 as u64 + i as u64))
        .collect();
    let mut rows = Vec::with_capacity(MEMBERS * PER_MEMBER);
    for m in 0..MEMBERS {
        let camp = (m % 3) as i64;
        // Consecutive statements from a random start: every statement gets about 400 answers.
        let start = (rng.next() % STATEMENTS as u64) as i64;
        for j in 0..PER_MEMBER as i64 {
            let s = (start + j * 25) % STATEMENTS;
            // Every tenth statement is common ground; the rest lean by camp.
            let answer = if s % 10 == 0 || s % 3 == camp {
                Answer::Agree
            } else if rng.next().is_multiple_of(5) {
                Answer::Pass
            } else {
                Answer::Disagree
            };
            rows.push((m, s, answer));
        }
    }
    (names, rows)
}

fn main() {
    let (names, raw) = data();
    let rows: Vec<AnswerRow> = raw
        .iter()
        .map(|&(m, s, answer)| AnswerRow {
            member: &names[m],
            statement: s,
            answer,
        })
        .collect();
    assert_eq!(rows.len(), 200_000);
    let options = Options::default();

    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..7 {
        let t = Instant::now();
        let a = analyse(&rows, &options);
        times.push(t.elapsed());
        last = Some(a);
    }
    times.sort();
    let a = last.unwrap_or_default();
    println!(
        "opinion groups: {MEMBERS} members x {STATEMENTS} statements, {} answers: median {:.1} ms, \
         best {:.1} ms, worst {:.1} ms (target < 200 ms); {} groups (sizes {:?}), {} common ground, \
         silhouette {:.2}",
        rows.len(),
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        a.groups.len(),
        a.groups.iter().map(|g| g.size).collect::<Vec<_>>(),
        a.common_ground.len(),
        a.silhouette.unwrap_or(0.0),
    );

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    c.bench_function("opinion groups 10k x 500, 200k answers", |b| {
        b.iter(|| analyse(&rows, &options))
    });
    c.final_summary();
}
