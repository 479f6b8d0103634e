#![recursion_limit = "256"]
//! Stance clicks against the release bot binary on the loopback Discord, with the durable store:
//! 10,000 members click as fast as the harness sends; prints clicks answered per second, p50/p99
//! from INTERACTION_CREATE sent to callback received, the bot's CPU seconds per click in the burst
//! (utime + stime from /proc) and its peak RSS.
//! Run: `cargo build --release && cargo bench --bench clicks`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{Discord, SentKind};

const MEMBERS: usize = 10_000;

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// utime + stime of `pid`, in seconds (/proc/<pid>/stat fields 14 and 15).
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|i| f.get(*i)?.parse::<f64>().ok())
        .sum();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    ticks / hz
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
        let config = dir.path().join("roundtable.toml");
        let prompts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        std::fs::write(
            &config,
            format!(
                "prompts = {:?}\n[discord]\napi_base = {:?}\nguild_id = {}\n",
                prompts.display().to_string(),
                discord.api_base(),
                guild.id
            ),
        )
        .expect("config");
        let mut child = support::bot::binary(&config, Some(support::TOKEN), "warn").spawn().expect("start the bot");
        let pid = child.id().expect("pid");
        discord.await_commands(Some(guild.id)).await;
        discord
            .await_gateway("GUILD_CREATE", 0, Duration::from_secs(60), |e| {
                matches!(e, support::GwEvent::Dispatch { t, .. } if t == "GUILD_CREATE")
            })
            .await;
        // GUILD_CREATE with 10,000 members is parsed before the first interaction is read.
        tokio::time::sleep(Duration::from_millis(500)).await;
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

        let cpu_before = cpu_secs(pid);
        let start = Instant::now();
        let sent: HashMap<u64, Instant> = (0..MEMBERS)
            .map(|i| {
                let ix = discord.click(guild.member(i), &guild, message, &stances[i % stances.len()]);
                (ix.id, ix.dispatched_at)
            })
            .collect();
        let dispatched = start.elapsed();
        let answers = discord
            .wait_for("every click answered", Duration::from_secs(300), |w| {
                let answered: Vec<(u64, Instant)> = w
                    .sent_so_far()
                    .iter()
                    .filter(|s| s.callback_type().is_some())
                    .filter_map(|s| s.interaction_id.filter(|id| sent.contains_key(id)).map(|id| (id, s.at)))
                    .collect();
                (answered.len() >= MEMBERS).then_some(answered)
            })
            .await;
        let wall = start.elapsed();
        let cpu = cpu_secs(pid) - cpu_before;
        let mut latencies: Vec<Duration> = answers.iter().map(|(id, at)| *at - sent[id]).collect();
        latencies.sort();
        let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "{MEMBERS} stance clicks: dispatched in {dispatched:.2?}, all answered in {wall:.2?} ({:.0} clicks/s); latency p50={:.2?} p99={:.2?} max={:.2?}; bot CPU {:.2} s, {:.3} ms per click",
            MEMBERS as f64 / wall.as_secs_f64(),
            pick(0.5),
            pick(0.99),
            latencies[latencies.len() - 1],
            cpu,
            cpu * 1000.0 / MEMBERS as f64
        );

        // Paced: 5,000 clicks at 1,000 per second (members changing their stance), so latency is
        // the bot's service time rather than the burst's queue.
        let paced = 5_000;
        let before = discord.sent().len();
        let start = tokio::time::Instant::now();
        let mut sent: HashMap<u64, Instant> = HashMap::new();
        for i in 0..paced {
            tokio::time::sleep_until(start + Duration::from_micros(1_000 * i as u64)).await;
            let ix = discord.click(guild.member(i), &guild, message, &stances[(i + 1) % stances.len()]);
            sent.insert(ix.id, ix.dispatched_at);
        }
        let answers = discord
            .wait_for("every paced click answered", Duration::from_secs(300), |w| {
                let answered: Vec<(u64, Instant)> = w.sent_so_far()[before..]
                    .iter()
                    .filter(|s| s.callback_type().is_some())
                    .filter_map(|s| s.interaction_id.filter(|id| sent.contains_key(id)).map(|id| (id, s.at)))
                    .collect();
                (answered.len() >= paced).then_some(answered)
            })
            .await;
        let mut latencies: Vec<Duration> = answers.iter().map(|(id, at)| *at - sent[id]).collect();
        latencies.sort();
        let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
        println!(
            "{paced} clicks paced at 1,000/s: latency p50={:.2?} p90={:.2?} p99={:.2?} max={:.2?}",
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
