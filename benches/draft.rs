//! `roundtable draft` cost against input size: news text of about 10 KB, 100 KB and 1 MB (the
//! labelled fixture articles, their headers dropped, repeated in turn until the size is reached)
//! drafted to a prompt and its TOML. The cost is at most linear: on the project's 2-core machine,
//! 10 KB takes 8 ms, 100 KB 33 ms and 1 MB 115 ms (a fixed part is the summary's ranking of at most
//! 240 sentences). `cargo bench --bench draft`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use roundtable::config::DraftConfig;
use roundtable::draft::{draft_text, to_toml, DraftOptions};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const ARTICLES: &[&str] = &[
    include_str!("../tests/fixtures/seed/article.txt"),
    include_str!("../tests/fixtures/articles/streatham-attack-2020.txt"),
    include_str!("../tests/fixtures/articles/covid-name-2020.txt"),
    include_str!("../tests/fixtures/articles/cairo-summit-2020.txt"),
    include_str!("../tests/fixtures/articles/gv-shoe-thrower-2008.txt"),
    include_str!("../tests/fixtures/articles/whitehouse-earnest-gaggle-2015.txt"),
    include_str!("../tests/fixtures/articles/voa-pompeo-interview-2018.txt"),
    include_str!("../tests/fixtures/articles/state-venezuela-2017.txt"),
];

/// About `bytes` bytes of news text, whole articles one after another.
fn text(bytes: usize) -> String {
    let bodies: Vec<String> = ARTICLES
        .iter()
        .map(|a| {
            a.lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let mut out = String::new();
    for body in bodies.iter().cycle() {
        if out.len() >= bytes {
            break;
        }
        out.push_str(body);
        out.push_str("\n\n");
    }
    out
}

fn bench(c: &mut Criterion) {
    let options = DraftOptions::new("bench", &DraftConfig::default());
    let mut group = c.benchmark_group("draft");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for (label, bytes) in [("10 KB", 10_000), ("100 KB", 100_000), ("1 MB", 1_000_000)] {
        let input = text(bytes);
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), &input, |b, input| {
            b.iter(|| {
                let d =
                    draft_text(Path::new("bench.txt"), black_box(input), &options).expect("drafts");
                black_box(to_toml(&d))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
