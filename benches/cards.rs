#![recursion_limit = "256"]
//! Card answers against stance clicks, side by side on the release bot binary and the loopback
//! Discord, with the durable store (`synchronous = full`): 5,000 members click a stance, open their
//! "Weigh in" card, then answer three cards each (every answer is committed, then the same private
//! message is updated with the member's next statement). For each burst it prints clicks answered
//! per second, p50/p99 from INTERACTION_CREATE sent to callback received, and the bot's CPU per
//! click (utime + stime from /proc). The target: a card answer at the throughput of a
//! stance click.
//! Run: `cargo build --release && cargo bench --bench cards`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::load::{answered, cpu_secs, start_bot};
use support::{Discord, Guild, Interaction, SentKind};

const MEMBERS: usize = 5_000;
const STATEMENTS: usize = 40;
const ROUNDS: usize = 3;

/// A burst's figures, printed in one line.
struct Burst {
    clicks: usize,
    wall: Duration,
    p50: Duration,
    p99: Duration,
    cpu: f64,
}

impl Burst {
    fn line(&self, what: &str) -> String {
        format!(
            "{what}: {} clicks answered in {:.2?} ({:.0}/s), p50 {:.2?}, p99 {:.2?}, bot CPU {:.3} ms per click",
            self.clicks,
            self.wall,
            self.clicks as f64 / self.wall.as_secs_f64(),
            self.p50,
            self.p99,
            self.cpu * 1000.0 / self.clicks as f64
        )
    }
}

/// Sends `clicks` as fast as the harness can, then waits for every callback.
async fn burst(
    discord: &Discord,
    pid: u32,
    clicks: impl FnOnce() -> Vec<Interaction>,
) -> (Burst, Vec<Interaction>) {
    let before = discord.sent_len();
    let cpu_before = cpu_secs(pid);
    let start = Instant::now();
    let sent = clicks();
    let at: HashMap<u64, Instant> = sent.iter().map(|ix| (ix.id, ix.dispatched_at)).collect();
    let mut latencies = answered(
        discord,
        "every click answered",
        before,
        &at,
        Duration::from_secs(600),
    )
    .await;
    let wall = start.elapsed();
    let cpu = cpu_secs(pid) - cpu_before;
    latencies.sort();
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    let b = Burst {
        clicks: at.len(),
        wall,
        p50: pick(0.5),
        p99: pick(0.99),
        cpu,
    };
    (b, sent)
}

fn answer_button(ids: &[String]) -> Option<String> {
    ids.iter()
        .find(|c| c.starts_with("rt:a:") && c.ends_with(":agree"))
        .cloned()
}

fn custom_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .collect()
}

async fn command(discord: &Discord, guild: &Guild, options: Value) -> String {
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.discussions,
        "discussion",
        options,
    );
    discord.answer(&ix).await.content().to_string()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let discord = Discord::start().await;
        let guild = discord.create_guild("Newsroom", MEMBERS);
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut child, pid) = start_bot(&discord, &guild, dir.path(), "").await;
        command(
            &discord,
            &guild,
            json!([{"name": "post", "type": 1, "options": [{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]}]),
        )
        .await;
        let post = discord
            .await_sent("the post", 0, |s| s.kind == SentKind::Message && s.channel_id == Some(guild.discussions))
            .await;
        let message = post.message_id.expect("message id");
        let stances: Vec<String> = post.custom_ids().into_iter().filter(|c| c.starts_with("rt:v:")).collect();
        let weigh = post.custom_ids().into_iter().find(|c| c.starts_with("rt:g:")).expect("a Weigh in button");
        for s in 0..STATEMENTS {
            let text = format!("Statement number {s}: the benchmark's planted view");
            let said = command(
                &discord,
                &guild,
                json!([{"name": "statement", "type": 2, "options": [
                    {"name": "add", "type": 1, "options": [{"name": "text", "type": 3, "value": text}]}
                ]}]),
            )
            .await;
            assert!(said.starts_with("Statement "), "{said}");
        }
        let post_message = discord.message(message).expect("the post");

        let (stance, _) = burst(&discord, pid, || {
            (0..MEMBERS)
                .map(|m| discord.click_message(guild.member(m), &guild, post_message.clone(), &stances[m % stances.len()]))
                .collect()
        })
        .await;
        println!("{}", stance.line("stance clicks"));

        let (open, opened) = burst(&discord, pid, || {
            (0..MEMBERS)
                .map(|m| discord.click_message(guild.member(m), &guild, post_message.clone(), &weigh))
                .collect()
        })
        .await;
        println!("{}", open.line("\"Weigh in\" (opening a card)"));
        // Each member's card: the private message and the answer button it shows.
        let mut cards: Vec<(u64, String)> = Vec::with_capacity(MEMBERS);
        for ix in &opened {
            let a = discord.answer(ix).await;
            let button = answer_button(&a.custom_ids()).expect("a statement on the card");
            cards.push((a.message_id.expect("the card is a message"), button));
        }

        let mut answers = Vec::new();
        for round in 0..ROUNDS {
            let (b, _) = burst(&discord, pid, || {
                cards
                    .iter()
                    .enumerate()
                    .map(|(m, (card, button))| discord.click(guild.member(m), &guild, *card, button))
                    .collect()
            })
            .await;
            println!("{}", b.line(&format!("card answers, round {}", round + 1)));
            answers.push(b);
            for card in cards.iter_mut() {
                let updated = discord.message(card.0).expect("the card");
                card.1 = answer_button(&custom_ids(&updated)).expect("a next statement");
            }
        }
        let clicks: usize = answers.iter().map(|b| b.clicks).sum();
        let wall: Duration = answers.iter().map(|b| b.wall).sum();
        let cpu: f64 = answers.iter().map(|b| b.cpu).sum();
        println!(
            "card answers in all: {clicks} at {:.0}/s and {:.3} ms bot CPU each, against stance clicks at {:.0}/s and {:.3} ms ({:.2}x the stance click's throughput)",
            clicks as f64 / wall.as_secs_f64(),
            cpu * 1000.0 / clicks as f64,
            stance.clicks as f64 / stance.wall.as_secs_f64(),
            stance.cpu * 1000.0 / stance.clicks as f64,
            (clicks as f64 / wall.as_secs_f64()) / (stance.clicks as f64 / stance.wall.as_secs_f64())
        );
        support::bot::sigterm(pid);
        let _ = child.wait().await;
    });
}
