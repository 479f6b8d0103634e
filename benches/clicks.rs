#![recursion_limit = "256"]
//! Stance clicks against the release bot binary on the loopback Discord, with the durable store:
//! 10,000 members click as fast as the harness sends; prints clicks answered per second, p50/p99
//! from INTERACTION_CREATE sent to callback received, the bot's CPU seconds per click in the burst
//! (utime + stime from /proc), the writes each group commit carried (from the bot's /metrics) and
//! its peak RSS.
//! Run: `cargo build --release && cargo bench --bench clicks`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::load::{answered, cpu_secs, peak_rss_kb, start_bot};
use support::{Discord, SentKind};

const MEMBERS: usize = 10_000;

/// `roundtable_store_commit_batch_size` `_sum` and `_count` from the bot's `/metrics`: writes and
/// group commits so far.
async fn commits(metrics: std::net::SocketAddr) -> Option<(f64, f64)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(metrics).await.ok()?;
    s.write_all(b"GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).await.ok()?;
    let value = |name: &str| -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
    };
    Some((
        value("roundtable_store_commit_batch_size_sum ")?,
        value("roundtable_store_commit_batch_size_count ")?,
    ))
}

/// Writes per group commit between two readings of [`commits`].
fn per_commit(before: Option<(f64, f64)>, after: Option<(f64, f64)>) -> String {
    match (before, after) {
        (Some((w0, c0)), Some((w1, c1))) if c1 > c0 => {
            format!(
                "{:.0} writes in {:.0} group commits ({:.1} per commit)",
                w1 - w0,
                c1 - c0,
                (w1 - w0) / (c1 - c0)
            )
        }
        _ => "group commits unknown (no /metrics)".to_string(),
    }
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
        // A free port for the bot's /metrics (the writes per group commit are read there).
        let metrics = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port");
        let (mut child, pid) =
            start_bot(&discord, &guild, dir.path(), &format!("[metrics]\nlisten = \"{metrics}\"\n")).await;
        let ix = discord.run_command(
            guild.moderator(),
            &guild,
            guild.discussions,
            "discussion",
            json!([{"name": "post", "type": 1, "options": [{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]}]),
        );
        discord.answer(&ix).await;
        let post = discord
            .await_sent("the post", 0, |s| s.kind == SentKind::Message && s.channel_id == Some(guild.discussions))
            .await;
        let stances: Vec<String> = post.custom_ids().into_iter().filter(|c| c.starts_with("rt:v:")).collect();
        let message = post.message_id.expect("message id");

        // The post as members see it, fetched once: each click carries it whole, as Discord's do.
        let post_json = discord.message(message).expect("the post");
        let before = discord.sent_len();
        let commits_before = commits(metrics).await;
        let cpu_before = cpu_secs(pid);
        let harness_before = cpu_secs(std::process::id());
        let start = Instant::now();
        let sent: HashMap<u64, Instant> = (0..MEMBERS)
            .map(|i| {
                let ix = discord.click_message(guild.member(i), &guild, post_json.clone(), &stances[i % stances.len()]);
                (ix.id, ix.dispatched_at)
            })
            .collect();
        let dispatched = start.elapsed();
        let mut latencies = answered(&discord, "every click answered", before, &sent, Duration::from_secs(300)).await;
        let wall = start.elapsed();
        let cpu = cpu_secs(pid) - cpu_before;
        let harness = cpu_secs(std::process::id()) - harness_before;
        let batches = per_commit(commits_before, commits(metrics).await);
        latencies.sort();
        let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "{MEMBERS} stance clicks: dispatched in {dispatched:.2?}, all answered in {wall:.2?} ({:.0} clicks/s); latency p50={:.2?} p99={:.2?} max={:.2?}; bot CPU {:.2} s, {:.3} ms per click (the loopback Discord's own: {:.3} ms); {batches}",
            MEMBERS as f64 / wall.as_secs_f64(),
            pick(0.5),
            pick(0.99),
            latencies[latencies.len() - 1],
            cpu,
            cpu * 1000.0 / MEMBERS as f64,
            harness * 1000.0 / MEMBERS as f64
        );

        // Paced: 5,000 clicks at 1,000 per second (members changing their stance), so latency is
        // the bot's service time rather than the burst's queue.
        let paced = 5_000;
        let before = discord.sent_len();
        let commits_before = commits(metrics).await;
        let start = tokio::time::Instant::now();
        let mut sent: HashMap<u64, Instant> = HashMap::new();
        for i in 0..paced {
            tokio::time::sleep_until(start + Duration::from_micros(1_000 * i as u64)).await;
            let ix = discord.click_message(guild.member(i), &guild, post_json.clone(), &stances[(i + 1) % stances.len()]);
            sent.insert(ix.id, ix.dispatched_at);
        }
        let mut latencies = answered(&discord, "every paced click answered", before, &sent, Duration::from_secs(300)).await;
        let batches = per_commit(commits_before, commits(metrics).await);
        latencies.sort();
        let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "{paced} clicks paced at 1,000/s: latency p50={:.2?} p90={:.2?} p99={:.2?} max={:.2?}; {batches}",
            pick(0.5),
            pick(0.9),
            pick(0.99),
            latencies[latencies.len() - 1]
        );
        println!("bot peak RSS: {:.1} MB", peak_rss_kb(pid).unwrap_or(0) as f64 / 1024.0);
        assert!(discord.sent().iter().filter(|s| s.callback_type() == Some(4)).all(|s| s.is_ephemeral()));
        support::bot::sigterm(pid);
        let _ = child.wait().await;
    });
}
