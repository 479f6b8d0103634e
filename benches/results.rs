//! Results benchmarks: the chart of the seed tally (target: under 50 ms), exports of a discussion
//! with 100,000 votes and 1,000 replies as CSV and JSON, and the peak RSS of the release binary
//! writing those exports. Run: `cargo bench --bench results`. Figures print first, then criterion's.
//!
//! Peak RSS is read with `wait4` for each export child alone. The database is built by a child
//! process too (this bench binary run again), so this process stays small: a child's peak also
//! counts the pages it shared with its parent before `exec`.

use criterion::{Criterion, Throughput};
use roundtable::chart::{self, ChartOptions};
use roundtable::clock::{Clock, SystemClock};
use roundtable::config::{StoreConfig, Synchronous};
use roundtable::discussion::{Discussions, Rules, Tally};
use roundtable::export::{self, Format, MemberIds};
use roundtable::prompt::{Catalog, Prompt};
use roundtable::store::{Counts, DiscussionId, ReplySource, Store};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const VOTES: u64 = 100_000;
const REPLIES: u64 = 1_000;
const SETUP_ENV: &str = "ROUNDTABLE_BENCH_BUILD_DB";
const KEY: &str = "benchmark pseudonym key, not a secret";

fn seed() -> Prompt {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    Catalog::load_dir(&dir)
        .prompts
        .remove("syria-strike-2017")
        .expect("seed prompt")
}

fn engine(db: &Path) -> Discussions {
    let store = Store::open(
        db,
        &StoreConfig {
            synchronous: Synchronous::Normal,
            max_batch: 512,
        },
    )
    .unwrap();
    let rules = Rules {
        duration: jiff::SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: true,
    };
    Discussions::new(store, Arc::new(SystemClock) as Arc<dyn Clock>, rules)
}

/// In the child: discussion #1 with `VOTES` votes by 16 concurrent voters and `REPLIES` replies.
fn build_database(db: &Path) {
    let e = engine(db);
    let d = e
        .open(roundtable::store::ServerId::Console, &seed(), "123", None)
        .unwrap();
    let keys: Vec<String> = d.options().into_iter().map(|o| o.key).collect();
    let start = Instant::now();
    std::thread::scope(|s| {
        for t in 0..16u64 {
            let (e, keys, id) = (&e, &keys, d.id());
            s.spawn(move || {
                for i in (t..VOTES).step_by(16) {
                    let member = format!("{}", 100_000_000_000_000_000 + i);
                    e.vote(
                        roundtable::store::ServerId::Console,
                        id,
                        &member,
                        &keys[(i % 7 % 6) as usize],
                    )
                    .unwrap();
                    if i % (VOTES / REPLIES) == 0 {
                        let text = format!(
                            "Reply {i}: \"quoted\", with a comma,\nand a second line; =1+1"
                        );
                        e.reply(
                            roundtable::store::ServerId::Console,
                            id,
                            &member,
                            ReplySource::Form,
                            Some(&text),
                            None,
                        )
                        .unwrap();
                    }
                }
            });
        }
    });
    assert_eq!(
        e.tally(roundtable::store::ServerId::Console, d.id())
            .unwrap()
            .participants,
        VOTES
    );
    println!(
        "setup: {VOTES} votes and {REPLIES} replies committed in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

struct ChildRun {
    elapsed: Duration,
    max_rss_kb: i64,
}

/// Runs `cmd` and waits for it with `wait4`, for its own resource usage.
#[allow(clippy::zombie_processes)] // reaped by wait4, which clippy does not see
fn run_child(mut cmd: Command) -> ChildRun {
    let start = Instant::now();
    let child = cmd.spawn().unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes into the status and the struct we own; the pid is our child's.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child failed: {status}"
    );
    ChildRun {
        elapsed: start.elapsed(),
        max_rss_kb: usage.ru_maxrss,
    }
}

fn self_max_rss_kb() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss
}

/// Builds the database in a child, then exports it with the release binary; prints the figures.
fn export_rss(dir: &Path) -> PathBuf {
    let db = dir.join("bench.db");
    let mut setup = Command::new(std::env::current_exe().unwrap());
    setup.env(SETUP_ENV, &db);
    let built = run_child(setup);
    println!(
        "setup child: peak RSS {:.1} MB (this bench process so far: {:.1} MB)",
        built.max_rss_kb as f64 / 1024.0,
        self_max_rss_kb() as f64 / 1024.0
    );
    let config = dir.join("c.toml");
    std::fs::write(&config, format!("database = \"{}\"\n", db.display())).unwrap();
    // A baseline: the same binary opening the same database for a small read.
    let mut history = Command::new(env!("CARGO_BIN_EXE_roundtable"));
    history
        .arg("--config")
        .arg(&config)
        .arg("history")
        .stdout(std::process::Stdio::null());
    let baseline = run_child(history);
    println!(
        "release binary: `history` on the same database (baseline), peak RSS {:.1} MB",
        baseline.max_rss_kb as f64 / 1024.0
    );
    for format in ["csv", "json"] {
        let out = dir.join(format!("export.{format}"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_roundtable"));
        cmd.arg("--config")
            .arg(&config)
            .args(["export", "1", "--format", format, "--out"])
            .arg(&out)
            .env("ROUNDTABLE_PSEUDONYM_KEY", KEY)
            .stderr(std::process::Stdio::null());
        let run = run_child(cmd);
        let size = std::fs::metadata(&out).unwrap().len();
        let rows = VOTES + REPLIES;
        println!(
            "release binary: export of {VOTES} votes and {REPLIES} replies as {format} ({:.1} MB) in {:.2} s ({:.0} rows/s), peak RSS {:.1} MB",
            size as f64 / 1e6,
            run.elapsed.as_secs_f64(),
            rows as f64 / run.elapsed.as_secs_f64(),
            run.max_rss_kb as f64 / 1024.0
        );
    }
    db
}

fn seed_tally() -> (String, Tally) {
    let p = seed();
    let counts = Counts {
        votes: vec![
            ("military-pressure".into(), 1),
            ("sanctions-after-inquiry".into(), 1),
            ("un-diplomacy".into(), 1),
            ("stay-out".into(), 2),
        ],
        replies: 2,
        repliers: 2,
        replies_by_voters: vec![],
        replies_without_text: 0,
    };
    (
        p.question.clone(),
        Tally::from_counts(&p.options, &counts, true),
    )
}

fn charts(c: &mut Criterion) {
    let (question, tally) = seed_tally();
    let options = ChartOptions::default();
    let png = chart::tally_chart(&question, &tally, &options).unwrap();
    let start = Instant::now();
    let n = 20;
    for _ in 0..n {
        chart::tally_chart(&question, &tally, &options).unwrap();
    }
    println!(
        "chart of the seed tally: {:.1} ms per PNG ({} bytes), target < 50 ms",
        start.elapsed().as_secs_f64() * 1000.0 / f64::from(n),
        png.len()
    );
    let mut g = c.benchmark_group("chart");
    g.bench_function("seed_tally_png", |b| {
        b.iter(|| chart::tally_chart(&question, &tally, &options).unwrap())
    });
    g.bench_function("seed_tally_draw_only", |b| {
        b.iter(|| chart::draw(&question, &tally, &options).unwrap())
    });
    g.finish();
}

fn exports(c: &mut Criterion, db: &Path) {
    let e = engine(db);
    let ids = MemberIds::resolve(
        &Default::default(),
        Some(KEY),
        std::path::Path::new("unused.db"),
    )
    .unwrap();
    let mut g = c.benchmark_group("export");
    g.sample_size(10)
        .throughput(Throughput::Elements(VOTES + REPLIES));
    for format in [Format::Csv, Format::Json] {
        g.bench_function(format!("100k_votes_{}", format.extension()), |b| {
            b.iter(|| {
                export::export(
                    &e,
                    roundtable::store::ServerId::Console,
                    DiscussionId(1),
                    format,
                    &ids,
                    std::io::sink(),
                )
                .unwrap()
            })
        });
    }
    g.bench_function("100k_votes_csv_raw_ids", |b| {
        b.iter(|| {
            export::export(
                &e,
                roundtable::store::ServerId::Console,
                DiscussionId(1),
                Format::Csv,
                &MemberIds::Raw,
                std::io::sink(),
            )
            .unwrap()
        })
    });
    g.finish();
}

fn main() {
    if let Some(db) = std::env::var_os(SETUP_ENV) {
        build_database(Path::new(&db));
        return;
    }
    // First, while this process is small (see the module's note).
    println!(
        "bench process at start: peak RSS {:.1} MB",
        self_max_rss_kb() as f64 / 1024.0
    );
    let dir = tempfile::tempdir().unwrap();
    let db = export_rss(dir.path());
    let mut c = Criterion::default().configure_from_args();
    charts(&mut c);
    exports(&mut c, &db);
    c.final_summary();
}
