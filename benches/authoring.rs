#![recursion_limit = "256"]
//! `/prompts draft` against the loopback Discord, in a release build: `cargo bench --bench authoring`.
//!
//! From INTERACTION_CREATE of a moderator's `/prompts draft article:<5,000-word HTML page>` to the
//! last message of the private preview received and validated (the deferral, the fetch from the
//! loopback CDN, the draft, the store write, the preview's edit and follow-ups). One untimed
//! warm-up run, then `RUNS` drafts of the same page under new ids. Target: under 1 s.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::time::Duration;
use support::{Discord, SentKind};

const RUNS: usize = 20;

/// A 5,000-word article page: the fixture's paragraphs repeated, with a page's chrome.
fn page(words: usize) -> String {
    let text = include_str!("../tests/fixtures/articles/who-pandemic-2020.txt");
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.starts_with('#'))
        .collect();
    let mut body = String::new();
    let mut n = 0;
    let mut i = 0;
    while n < words {
        let p = paragraphs[i % paragraphs.len()];
        n += p.split_whitespace().count();
        body.push_str(&format!("<p>{p}</p>\n"));
        i += 1;
    }
    format!(
        "<!DOCTYPE html><html><head><title>WHO declares a pandemic</title></head><body>\
         <nav><a href=\"/\">Home</a></nav><article><h1>WHO declares a pandemic</h1>{body}</article>\
         <footer>Copyright</footer></body></html>"
    )
}

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name}: n={} min={:.2?} median={:.2?} p90={:.2?} max={:.2?}",
        samples.len(),
        samples[0],
        pick(0.5),
        pick(0.9),
        samples[samples.len() - 1]
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let html = page(5000);
    let words = html.split_whitespace().count();
    runtime.block_on(async {
        let discord = Discord::start().await;
        let guild = discord.create_guild("Newsroom", 2);
        let mut bot = support::bot::start(&discord.config(Some(&guild))).await;
        discord.await_commands(Some(guild.id)).await;
        bot.ready().await;
        let file = discord.upload_attachment("pandemic.html", "text/html", html.as_bytes());
        let mut samples = Vec::new();
        for i in 0..=RUNS {
            let before = discord.sent().len();
            let ix = discord.run_command(
                guild.moderator(),
                &guild,
                guild.general,
                "prompts",
                json!([{"name": "draft", "type": 1, "options": [
                    {"name": "article", "type": 11, "value": file.to_string()},
                    {"name": "id", "type": 3, "value": format!("bench-{i}")}
                ]}]),
            );
            discord.answer(&ix).await;
            let last = discord
                .await_sent("the review", before, |s| {
                    s.interaction_id == Some(ix.id)
                        && s.kind == SentKind::FollowUp
                        && s.content().contains("only for you")
                })
                .await;
            if i > 0 {
                samples.push(last.at - ix.dispatched_at);
            }
        }
        println!("page: {} bytes, about {words} words", html.len());
        summary(
            "/prompts draft to private preview (5,000-word HTML page)",
            samples,
        );
        discord.assert_conformant();
        let _ = bot.stop().await;
    });
}
