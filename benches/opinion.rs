//! Opinion groups benchmark: 10,000 members × 500 statements with 200,000 answers (20 each, drawn
//! at random), three camps planted (4,500, 3,500 and 2,000 members) and 50 common-ground
//! statements. Target: grouping and the result (PCA, k-means for k = 2..=5 with the silhouette,
//! common ground, what divides) under 200 ms. It prints how well the planted camps were found.
//!
//! The same answers then go through the store, as the bot records them (the durable writer, the
//! default `synchronous = full`), and the whole result the close posts is timed from the
//! database: `Discussions::opinion_result` (read the answers, group, the statements' texts, the
//! stances, the stance changes). Side by side on the same store: stance votes per second against
//! card answers per second (an answer and the member's next card, as a click on a card does).
//! Run: `cargo bench --bench opinion`. The figures print first, then criterion's.

use criterion::Criterion;
use roundtable::clock::{Clock, SystemClock};
use roundtable::config::StoreConfig;
use roundtable::discussion::{Card, Discussion, Discussions, Rules};
use roundtable::opinion::{analyse, Answer, AnswerRow, Options};
use roundtable::prompt::{Catalog, Prompt};
use roundtable::store::{ServerId, StatementOrigin, Store};
use std::path::Path;
use std::sync::Arc;
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

/// Camps of 4,500, 3,500 and 2,000 members. Each member answers 20 statements drawn at random
/// from the 500 (about 400 answers per statement, 4 % of the matrix filled): the sparse case a
/// large server gives. Every tenth statement is common ground (agreed by 85 % in every camp);
/// each other statement leans to one camp (`s % 3`): 80 % of that camp agree, 80 % of the others
/// disagree; one answer in ten is a pass.
fn data() -> (Vec<String>, Vec<(usize, i64, Answer)>) {
    let mut rng = Rng(1);
    let names: Vec<String> = (0..MEMBERS)
        .map(|i| format!("{:018}", 1e17 as u64 + i as u64))
        .collect();
    let mut rows = Vec::with_capacity(MEMBERS * PER_MEMBER);
    let chance = |p: f64, rng: &mut Rng| (rng.next() >> 11) as f64 / (1u64 << 53) as f64 <= p;
    for m in 0..MEMBERS {
        let camp = camp_of(m) as i64;
        let mut picked: Vec<i64> = Vec::with_capacity(PER_MEMBER);
        while picked.len() < PER_MEMBER {
            let s = (rng.next() % STATEMENTS as u64) as i64;
            if !picked.contains(&s) {
                picked.push(s);
            }
        }
        for s in picked {
            let answer = if chance(0.1, &mut rng) {
                Answer::Pass
            } else if s % 10 == 0 {
                if chance(0.85, &mut rng) {
                    Answer::Agree
                } else {
                    Answer::Disagree
                }
            } else if (s % 3 == camp) == chance(0.8, &mut rng) {
                Answer::Agree
            } else {
                Answer::Disagree
            };
            rows.push((m, s, answer));
        }
    }
    (names, rows)
}

/// The planted camp of member `m`: 45 %, 35 % and 20 % of the members.
fn camp_of(m: usize) -> usize {
    match m % 20 {
        0..=8 => 0,
        9..=15 => 1,
        _ => 2,
    }
}

fn seed_prompt() -> Prompt {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    Catalog::load_dir(&dir)
        .prompts
        .remove("syria-strike-2017")
        .expect("seed prompt")
}

fn engine(db: &Path) -> Discussions {
    let store = Store::open(db, &StoreConfig::default()).expect("store");
    let rules = Rules {
        duration: jiff::SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: true,
    };
    let mut e = Discussions::new(store, Arc::new(SystemClock) as Arc<dyn Clock>, rules);
    e.set_statement_limit(usize::MAX);
    e
}

const THREADS: usize = 32;

/// CPU seconds (user + system) of this whole process so far.
fn process_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |v: libc::timeval| v.tv_sec as f64 + v.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

/// Runs `f(i)` for every `i` in `0..n` on `THREADS` threads (the writer groups their commits, as
/// it does the bot's concurrent clicks); returns the rate per second and the process's CPU
/// milliseconds per call.
fn concurrently(n: usize, f: impl Fn(usize) + Sync) -> (f64, f64) {
    let cpu = process_cpu();
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let f = &f;
            s.spawn(move || {
                for i in (t..n).step_by(THREADS) {
                    f(i)
                }
            });
        }
    });
    (
        n as f64 / start.elapsed().as_secs_f64(),
        (process_cpu() - cpu) * 1e3 / n as f64,
    )
}

/// The store half: the answers recorded as the bot records them, then the result timed.
fn through_the_store(names: &[String], raw: &[(usize, i64, Answer)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let e = engine(&dir.path().join("opinion.db"));
    let d: Discussion = e
        .open(ServerId::Console, &seed_prompt(), "1", None)
        .expect("open");
    let server = ServerId::Console;
    let mut ids = Vec::new();
    for s in 0..STATEMENTS {
        let text = format!("Statement number {s}, planted for the benchmark");
        match e
            .add_statement(
                server,
                d.id(),
                "moderator",
                StatementOrigin::Moderator,
                &text,
            )
            .expect("statement")
        {
            roundtable::discussion::StatementOutcome::Added { id }
            | roundtable::discussion::StatementOutcome::Merged { id } => ids.push(id),
        }
    }
    let keys: Vec<String> = d.options().into_iter().map(|o| o.key).collect();
    // Stance votes: every member once.
    let votes = concurrently(MEMBERS, |m| {
        e.vote(server, d.id(), &names[m], &keys[m % 3])
            .expect("vote");
    });
    // Card answers, the same number: the member's first answer, then their next card.
    let first: Vec<usize> = (0..MEMBERS).map(|m| m * PER_MEMBER).collect();
    let mut card_times = std::sync::Mutex::new(Vec::with_capacity(MEMBERS));
    let cards = concurrently(MEMBERS, |m| {
        let (_, s, a) = raw[first[m]];
        e.answer(&d, &names[m], ids[s as usize], a).expect("answer");
        let t = Instant::now();
        let next = e.next_card(&d, &names[m]).expect("next card");
        let spent = t.elapsed();
        assert!(matches!(next, Card::Statement { .. }));
        card_times.lock().unwrap().push(spent);
    });
    // The rest of the answers, and some stance changes for the history.
    let rest: Vec<usize> = (0..raw.len()).filter(|i| i % PER_MEMBER != 0).collect();
    let fill = concurrently(rest.len(), |i| {
        let (m, s, a) = raw[rest[i]];
        e.answer(&d, &names[m], ids[s as usize], a).expect("answer");
    });
    concurrently(MEMBERS / 10, |m| {
        e.vote(server, d.id(), &names[m * 10], &keys[(m * 10 + 1) % 3])
            .expect("vote");
    });
    // The next card alone, one member after another, with every answer in: its service time.
    let mut alone: Vec<Duration> = (0..2_000)
        .map(|m| {
            let t = Instant::now();
            let next = e.next_card(&d, &names[m * 5]).expect("next card");
            let spent = t.elapsed();
            assert!(matches!(next, Card::Statement { .. }));
            spent
        })
        .collect();
    alone.sort();
    println!(
        "next card alone, with all {} answers in: p50 {:.3} ms, p99 {:.3} ms",
        raw.len(),
        alone[alone.len() / 2].as_secs_f64() * 1e3,
        alone[alone.len() * 99 / 100].as_secs_f64() * 1e3
    );
    let card_times = card_times.get_mut().unwrap();
    card_times.sort();
    println!(
        "through the store (synchronous = full, {THREADS} threads): {:.0} stance votes/s at {:.3} ms \
         CPU each, {:.0} card answers/s at {:.3} ms CPU each (answer + next card; next card p50 \
         {:.2} ms, p99 {:.2} ms with {STATEMENTS} statements), {:.0} answers/s at {:.3} ms CPU \
         filling the other {}",
        votes.0,
        votes.1,
        cards.0,
        cards.1,
        card_times[card_times.len() / 2].as_secs_f64() * 1e3,
        card_times[card_times.len() * 99 / 100].as_secs_f64() * 1e3,
        fill.0,
        fill.1,
        rest.len()
    );

    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..7 {
        let t = Instant::now();
        let r = e.opinion_result(server, d.id()).expect("result");
        times.push(t.elapsed());
        result = Some(r);
    }
    times.sort();
    let r = result.expect("a result");
    // Where the result's time goes: each read alone (best of 5).
    let best = |f: &dyn Fn()| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .min()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3
    };
    let store = e.store();
    println!(
        "its parts (best of 5): answers read {:.1} ms, grouping {:.1} ms, statements {:.1} ms, \
         stances {:.1} ms, stance history {:.1} ms",
        best(&|| {
            store.answer_matrix(server, d.id()).expect("answers");
        }),
        best(&|| {
            e.groups(server, d.id()).expect("groups");
        }) - best(&|| {
            store.answer_matrix(server, d.id()).expect("answers");
        }),
        best(&|| {
            store.statements(server, d.id()).expect("statements");
        }),
        best(&|| {
            store.stances(server, d.id()).expect("stances");
        }),
        best(&|| {
            store.stance_history(server, d.id()).expect("history");
        }),
    );
    println!(
        "the result from the store (opinion_result: read {} answers, group, texts, stances, \
         changes): median {:.1} ms, best {:.1} ms, worst {:.1} ms (target < 200 ms); {} groups \
         (sizes {:?}), {} common ground, {} of {} members changed their stance",
        r.analysis
            .statements
            .iter()
            .map(|s| s.total.seen())
            .sum::<u64>(),
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        r.analysis.groups.len(),
        r.analysis.groups.iter().map(|g| g.size).collect::<Vec<_>>(),
        r.analysis.common_ground.len(),
        r.changes.changed,
        r.changes.members,
    );
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
    // How the groups match the planted camps: each group's members by camp.
    let index: std::collections::HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut by_camp = vec![[0usize; 3]; a.groups.len()];
    for p in &a.members {
        by_camp[p.group][camp_of(index[p.member.as_str()])] += 1;
    }
    for k in 2..=5 {
        let fixed = analyse(
            &rows,
            &Options {
                min_groups: k,
                max_groups: k,
                ..options
            },
        );
        let mut camps = vec![[0usize; 3]; fixed.groups.len()];
        for p in &fixed.members {
            camps[p.group][camp_of(index[p.member.as_str()])] += 1;
        }
        println!(
            "  k = {k}: silhouette {:.3}, members by camp {camps:?}",
            fixed.silhouette.unwrap_or(0.0)
        );
    }
    let planted_common = (0..STATEMENTS).filter(|s| s % 10 == 0).count();
    let found_common = a.common_ground.iter().filter(|&&s| s % 10 == 0).count();
    println!(
        "planted camps [4500, 3500, 2000]: each group's members by camp {by_camp:?}; common ground \
         {found_common} of the {planted_common} planted found, {} other statements taken",
        a.common_ground.len() - found_common
    );
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

    through_the_store(&names, &raw);

    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    c.bench_function("opinion groups 10k x 500, 200k answers", |b| {
        b.iter(|| analyse(&rows, &options))
    });
    c.final_summary();
}
