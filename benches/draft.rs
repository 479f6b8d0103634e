//! `roundtable draft` speed: a 1,000-word article (the seed article, continued with two fixture
//! articles, cut at a sentence near 1,000 words) drafted to a prompt and its TOML.
//! `cargo bench --bench draft`.

use criterion::{criterion_group, criterion_main, Criterion};
use roundtable::config::DraftConfig;
use roundtable::draft::{draft_text, to_toml, DraftOptions};
use std::hint::black_box;
use std::path::Path;

const SEED: &str = include_str!("../tests/fixtures/seed/article.txt");
const MORE: [&str; 2] = [
    include_str!("../tests/fixtures/articles/streatham-attack-2020.txt"),
    include_str!("../tests/fixtures/articles/covid-name-2020.txt"),
];

/// About `words` words of news text, ending at a sentence.
fn article(words: usize) -> String {
    let mut text = String::from(SEED);
    for more in MORE {
        let body: String = more
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        text.push('\n');
        text.push_str(&body);
    }
    let mut out = String::new();
    let mut count = 0;
    for paragraph in text.split("\n\n") {
        for sentence in paragraph.split_inclusive(". ") {
            if count >= words {
                return out;
            }
            count += sentence.split_whitespace().count();
            out.push_str(sentence);
        }
        out.push_str("\n\n");
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = article(1000);
    let words = text.split_whitespace().count();
    assert!((1000..1040).contains(&words), "{words} words");
    let options = DraftOptions::new("bench", &DraftConfig::default());
    c.bench_function(&format!("draft a {words}-word article"), |b| {
        b.iter(|| {
            let d = draft_text(Path::new("bench.txt"), black_box(&text), &options).expect("drafts");
            black_box(to_toml(&d))
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
