//! Core benchmarks: votes committed per second through the engine into SQLite (16 concurrent
//! voters, and one at a time), the tally of 1,000,000 votes, and the peak RSS of a console rehearsal.
//! Run: `cargo bench --bench core`. Figures print at the end.

use criterion::{criterion_group, Criterion, Throughput};
use roundtable::clock::{Clock, SystemClock};
use roundtable::config::{StoreConfig, Synchronous};
use roundtable::discussion::{Discussion, Discussions, Rules};
use roundtable::prompt::{Catalog, Prompt};
use roundtable::store::Store;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn seed() -> Prompt {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    Catalog::load_dir(&dir)
        .prompts
        .remove("syria-strike-2017")
        .expect("seed prompt")
}

fn engine(dir: &Path, sync: Synchronous) -> Discussions {
    let store = Store::open(
        &dir.join("bench.db"),
        &StoreConfig {
            synchronous: sync,
            max_batch: 512,
        },
    )
    .unwrap();
    let rules = Rules {
        duration: jiff::SignedDuration::from_hours(144),
        max_reply_chars: 1500,
        keep_file_order: false,
    };
    Discussions::new(store, Arc::new(SystemClock) as Arc<dyn Clock>, rules)
}

static MEMBER: AtomicU64 = AtomicU64::new(0);

/// `n` votes by `voters` threads, each waiting for its acknowledgement before the next vote.
fn cast(engine: &Discussions, d: &Discussion, voters: u64, n: u64) -> Duration {
    let keys: Vec<String> = d.options().into_iter().map(|o| o.key).collect();
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..voters {
            let keys = &keys;
            s.spawn(move || {
                for i in 0..n / voters {
                    let m = MEMBER.fetch_add(1, Ordering::Relaxed);
                    engine
                        .vote(
                            roundtable::store::ServerId::Console,
                            d.id(),
                            &format!("member-{m}"),
                            &keys[(i as usize) % keys.len()],
                        )
                        .unwrap();
                }
            });
        }
    });
    start.elapsed()
}

fn votes(c: &mut Criterion) {
    let mut g = c.benchmark_group("votes");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    for (sync, name) in [(Synchronous::Full, "full"), (Synchronous::Normal, "normal")] {
        for voters in [16u64, 1] {
            let dir = tempfile::tempdir().unwrap();
            let e = engine(dir.path(), sync);
            let d = e
                .open(roundtable::store::ServerId::Console, &seed(), "bench", None)
                .unwrap();
            g.throughput(Throughput::Elements(1));
            g.bench_function(format!("{voters}_voters_sync_{name}"), |b| {
                b.iter_custom(|iters| cast(&e, &d, voters, iters.max(voters)))
            });
        }
    }
    g.finish();
}

fn tally(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path(), Synchronous::Normal);
    let d = e
        .open(roundtable::store::ServerId::Console, &seed(), "bench", None)
        .unwrap();
    let t = cast(&e, &d, 16, 1_000_000);
    println!("setup: 1,000,000 votes by 16 voters committed in {:.1} s ({:.0} votes/s, synchronous=normal)", t.as_secs_f64(), 1e6 / t.as_secs_f64());
    assert_eq!(
        e.tally(roundtable::store::ServerId::Console, d.id())
            .unwrap()
            .participants,
        1_000_000
    );
    let mut g = c.benchmark_group("tally");
    g.bench_function("tally_of_1m_votes", |b| {
        b.iter(|| {
            e.tally(roundtable::store::ServerId::Console, d.id())
                .unwrap()
        })
    });
    g.sample_size(10);
    g.bench_function("recount_1m_vote_rows", |b| {
        b.iter(|| e.store().recount(d.id()).unwrap())
    });
    g.finish();
}

/// Peak RSS of the release binary rehearsing the seed discussion with 1,000 members.
fn console_rss() {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/roundtable");
    if !bin.exists() {
        println!(
            "console peak RSS: skipped (build the release binary first: cargo build --release)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "database = \"{}\"\nprompts = \"{}\"\n",
            dir.path().join("c.db").display(),
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("prompts")
                .display()
        ),
    )
    .unwrap();
    let mut script = String::from("/discussion post syria-strike-2017\n");
    for i in 0..1000 {
        script.push_str(&format!(
            "as m{i}\nvote {}\nreply reply number {i}\n",
            i % 6 + 1
        ));
    }
    script.push_str("as mod:rosa\n/discussion tally\n/discussion close\n");
    let mut child = std::process::Command::new(bin)
        .args(["--config", config.to_str().unwrap(), "console"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success());
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    println!(
        "console rehearsal (1,000 members, 1,000 votes, 1,000 replies): peak RSS {:.1} MB",
        usage.ru_maxrss as f64 / 1024.0
    );
}

criterion_group!(benches, votes, tally);

fn main() {
    // First, while this process is small: RUSAGE_CHILDREN also counts a child's pages before exec.
    console_rss();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
