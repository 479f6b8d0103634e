#![recursion_limit = "256"]
//! One bot, many servers: the release bot binary on the loopback Discord with 1,000 servers over 4
//! shards and 100 discussions open at once (one in each of 100 servers, every shard carrying 25).
//! A burst of 20,000 stance clicks spread over the discussions, then 10,000 clicks paced at
//! 2,000 per second. Prints clicks answered per second, p50/p99 from INTERACTION_CREATE sent to
//! callback received, the bot's CPU per click and peak RSS, and the most edits any channel got in
//! 5 seconds (the live refresher paces them: at most 5).
//! Run: `cargo build --release && cargo bench --bench servers`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::load::{answered, cpu_secs, proc_status_kb};
use support::{Discord, Guild, SentKind};

const SERVERS: usize = 1_000;
const SHARDS: u64 = 4;
const DISCUSSIONS: usize = 100;
const BURST: usize = 20_000;
const PACED: usize = 10_000;
const PACED_PER_SEC: u64 = 2_000;
/// Members of a server with a discussion: each clicks once in the burst.
const VOTERS: usize = BURST / DISCUSSIONS;

struct Open {
    guild: Guild,
    message: Value,
    stances: Vec<String>,
}

fn quantiles(mut l: Vec<Duration>) -> (Duration, Duration, Duration) {
    l.sort();
    let pick = |q: f64| l[((l.len() - 1) as f64 * q).round() as usize];
    (pick(0.5), pick(0.99), l[l.len() - 1])
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let discord = Discord::start().await;
        let setup = Instant::now();
        // Every tenth server holds a discussion; servers go round the shards, and so do the tenth ones
        // (server 10k is on shard 11k % 4: 25 discussions per shard).
        let guilds: Vec<Guild> = (0..SERVERS)
            .map(|i| {
                let members = if i % (SERVERS / DISCUSSIONS) == 0 { VOTERS } else { 2 };
                discord.create_guild_on_shard(&format!("Server {i}"), members, (i + i / 10) as u64 % SHARDS, SHARDS)
            })
            .collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("roundtable.toml");
        let prompts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        std::fs::write(
            &config,
            format!(
                "prompts = {:?}\n[discord]\napi_base = {:?}\nshards = {SHARDS}\n",
                prompts.display().to_string(),
                discord.api_base(),
            ),
        )
        .expect("config");
        let mut child = support::bot::binary(&config, Some(support::TOKEN), "warn").spawn().expect("start the bot");
        let pid = child.id().expect("pid");
        discord.await_commands(None).await;
        discord.await_identifies(SHARDS as usize, Duration::from_secs(120)).await;
        let waited = Instant::now();
        while discord_guild_creates(&discord) < SERVERS {
            assert!(waited.elapsed() < Duration::from_secs(120), "not every server's GUILD_CREATE went out");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // The last shard's GUILD_CREATEs are parsed before the first interaction is read.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mut open = Vec::new();
        for guild in guilds.iter().step_by(SERVERS / DISCUSSIONS) {
            let before = discord.sent_len();
            let ix = discord.run_command(
                guild.moderator(),
                guild,
                guild.discussions,
                "discussion",
                json!([{"name": "post", "type": 1, "options": [{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]}]),
            );
            discord.answer(&ix).await;
            let post = discord
                .await_sent("the post", before, |s| s.kind == SentKind::Message && s.channel_id == Some(guild.discussions))
                .await;
            let id = post.message_id.expect("message id");
            open.push(Open {
                guild: guild.clone(),
                message: discord.message(id).expect("the post"),
                stances: post.custom_ids().into_iter().filter(|c| c.starts_with("rt:v:")).collect(),
            });
        }
        assert_eq!(open.len(), DISCUSSIONS);
        let shards_used: std::collections::BTreeSet<u64> = open.iter().map(|o| o.guild.shard(SHARDS)).collect();
        println!(
            "setup: {SERVERS} servers over {SHARDS} shards, {DISCUSSIONS} discussions open on shards {shards_used:?}, in {:.1?}; bot RSS {:.1} MB",
            setup.elapsed(),
            proc_status_kb(pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0
        );

        // The burst: click i goes to discussion i % 100, by that server's member i / 100.
        let before = discord.sent_len();
        let cpu_before = cpu_secs(pid);
        let harness_before = cpu_secs(std::process::id());
        let start = Instant::now();
        let sent: HashMap<u64, Instant> = (0..BURST)
            .map(|i| {
                let o = &open[i % DISCUSSIONS];
                let member = i / DISCUSSIONS;
                let stance = &o.stances[member % o.stances.len()];
                let ix = discord.click_message(o.guild.member(member), &o.guild, o.message.clone(), stance);
                (ix.id, ix.dispatched_at)
            })
            .collect();
        let dispatched = start.elapsed();
        let latencies = answered(&discord, "every click of the burst answered", before, &sent, Duration::from_secs(600)).await;
        let wall = start.elapsed();
        let cpu = cpu_secs(pid) - cpu_before;
        let harness = cpu_secs(std::process::id()) - harness_before;
        let (p50, p99, max) = quantiles(latencies);
        println!(
            "burst of {BURST} clicks over {DISCUSSIONS} discussions: dispatched in {dispatched:.2?}, all answered in {wall:.2?} ({:.0} clicks/s); latency p50={p50:.2?} p99={p99:.2?} max={max:.2?}; bot CPU {:.3} ms per click (the loopback Discord's own: {:.3} ms)",
            BURST as f64 / wall.as_secs_f64(),
            cpu * 1000.0 / BURST as f64,
            harness * 1000.0 / BURST as f64,
        );

        // Paced: members change their stance at 2,000 clicks per second, so latency is the bot's
        // service time rather than the burst's queue.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let before = discord.sent_len();
        let cpu_before = cpu_secs(pid);
        let harness_before = cpu_secs(std::process::id());
        let start = tokio::time::Instant::now();
        let mut sent: HashMap<u64, Instant> = HashMap::new();
        let step = Duration::from_nanos(1_000_000_000 / PACED_PER_SEC);
        for i in 0..PACED {
            tokio::time::sleep_until(start + step * i as u32).await;
            let o = &open[i % DISCUSSIONS];
            let member = (i / DISCUSSIONS) % VOTERS;
            let stance = &o.stances[(member + 1) % o.stances.len()];
            let ix = discord.click_message(o.guild.member(member), &o.guild, o.message.clone(), stance);
            sent.insert(ix.id, ix.dispatched_at);
        }
        let latencies = answered(&discord, "every paced click answered", before, &sent, Duration::from_secs(600)).await;
        let cpu = cpu_secs(pid) - cpu_before;
        let harness = cpu_secs(std::process::id()) - harness_before;
        let (p50, p99, max) = quantiles(latencies.clone());
        let mut l = latencies;
        l.sort();
        println!(
            "{PACED} clicks paced at {PACED_PER_SEC}/s: latency p50={p50:.2?} p90={:.2?} p99={p99:.2?} max={max:.2?}; bot CPU {:.3} ms per click (the loopback Discord's own: {:.3} ms)",
            l[(l.len() - 1) * 9 / 10],
            cpu * 1000.0 / PACED as f64,
            harness * 1000.0 / PACED as f64,
        );

        // The live refresher's last edits go out, then every channel's edits are counted.
        tokio::time::sleep(Duration::from_secs(6)).await;
        let mut edits: HashMap<u64, Vec<Instant>> = HashMap::new();
        for s in discord.sent().iter().filter(|s| s.kind == SentKind::EditMessage) {
            if let Some(c) = s.channel_id {
                edits.entry(c).or_default().push(s.at);
            }
        }
        let window = Duration::from_secs(5);
        let most = edits
            .values()
            .map(|times| {
                let mut t = times.clone();
                t.sort();
                (0..t.len())
                    .map(|i| t[i..].iter().take_while(|x| **x - t[i] < window).count())
                    .max()
                    .unwrap_or(0)
            })
            .max()
            .unwrap_or(0);
        let total: usize = edits.values().map(Vec::len).sum();
        println!(
            "live refreshes: {total} edits in {} channels; most in any 5 s in one channel: {most} (at most 5)",
            edits.len()
        );
        println!("bot peak RSS: {:.1} MB", proc_status_kb(pid, "VmHWM:").unwrap_or(0) as f64 / 1024.0);
        assert!(most <= 5, "a channel got {most} edits in 5 s");
        assert!(discord.sent().iter().filter(|s| s.callback_type() == Some(4)).all(|s| s.is_ephemeral()));
        support::bot::sigterm(pid);
        let _ = child.wait().await;
    });
}

/// GUILD_CREATEs dispatched so far, over every shard.
fn discord_guild_creates(discord: &Discord) -> usize {
    discord
        .gateway_log()
        .iter()
        .filter(|e| matches!(e, support::GwEvent::Dispatch { t, .. } if t == "GUILD_CREATE"))
        .count()
}
