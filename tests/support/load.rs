//! What the load benches measure of the bot's process and its answers: CPU seconds and memory
//! from /proc, and the latencies of a burst of clicks read with a cursor (the harness costs the
//! same per click however many came before).

use super::Discord;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A `kB` field of /proc/<pid>/status (`VmRSS:`, `VmHWM:`).
pub fn proc_status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Peak RSS of `pid` in kB.
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    proc_status_kb(pid, "VmHWM:")
}

/// utime + stime of `pid`, in seconds (/proc/<pid>/stat fields 14 and 15).
pub fn cpu_secs(pid: u32) -> f64 {
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

/// Latencies of the answered clicks among `sent` (interaction id → when it was dispatched), once
/// all of them are answered; `from` is where the bot's output stood before the clicks. The scan
/// resumes where it left off.
pub async fn answered(
    discord: &Discord,
    what: &str,
    from: usize,
    sent: &HashMap<u64, Instant>,
    timeout: Duration,
) -> Vec<Duration> {
    let mut cursor = from;
    let mut out = Vec::with_capacity(sent.len());
    discord
        .wait_for(what, timeout, |w| {
            let so_far = w.sent_so_far();
            for s in &so_far[cursor..] {
                if s.callback_type().is_some() {
                    if let Some(at) = s.interaction_id.and_then(|id| sent.get(&id)) {
                        out.push(s.at - *at);
                    }
                }
            }
            cursor = so_far.len();
            (out.len() >= sent.len()).then(|| std::mem::take(&mut out))
        })
        .await
}

/// Starts the bot binary for `guild` on `discord` (config in `dir`, plus `extra` TOML after the
/// `[discord]` section), and waits until its commands are registered and it has read the guild's
/// GUILD_CREATE. Returns the child and its pid.
pub async fn start_bot(
    discord: &Discord,
    guild: &super::Guild,
    dir: &std::path::Path,
    extra: &str,
) -> (tokio::process::Child, u32) {
    let config = dir.join("roundtable.toml");
    let prompts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    std::fs::write(
        &config,
        format!(
            "prompts = {:?}\n[discord]\napi_base = {:?}\nguild_id = {}\n{extra}",
            prompts.display().to_string(),
            discord.api_base(),
            guild.id
        ),
    )
    .expect("config");
    let child = super::bot::binary(&config, Some(super::TOKEN), "warn")
        .spawn()
        .expect("start the bot");
    let pid = child.id().expect("pid");
    discord.await_commands(Some(guild.id)).await;
    discord
        .await_gateway(
            "GUILD_CREATE",
            0,
            Duration::from_secs(60),
            |e| matches!(e, super::GwEvent::Dispatch { t, .. } if t == "GUILD_CREATE"),
        )
        .await;
    // A GUILD_CREATE with thousands of members is parsed before the first interaction is read.
    tokio::time::sleep(Duration::from_millis(500)).await;
    (child, pid)
}
