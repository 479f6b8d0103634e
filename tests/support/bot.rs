//! The real bot against the loopback Discord: in-process (`roundtable::discord::Bot`), or the
//! release binary (`roundtable run`) stopped with SIGTERM.

use super::fake::{STEP, TOKEN};
use roundtable::config::Config;
use roundtable::discord::{Bot, DiscordError, Observed, Stopper};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// The bot running in this test's runtime.
pub struct RunningBot {
    pub started: Instant,
    /// The store the bot writes through.
    pub store: roundtable::store::Store,
    stopper: Stopper,
    task: Option<JoinHandle<Result<(), DiscordError>>>,
    observed: broadcast::Receiver<Observed>,
    waker: roundtable::discord::Waker,
    /// Where `/healthz` and `/metrics` are served, with `[metrics] listen` set.
    pub metrics: Option<std::net::SocketAddr>,
}

/// Starts the bot with `config` and the loopback token; panics if start-up fails.
pub async fn start(config: &Config) -> RunningBot {
    start_with_clock(config, std::sync::Arc::new(roundtable::clock::SystemClock)).await
}

/// [`start`] with an injected clock (close times and schedules follow it); wake the bot's
/// timekeeper with [`RunningBot::wake`] after moving the clock.
pub async fn start_with_clock(
    config: &Config,
    clock: std::sync::Arc<dyn roundtable::clock::Clock>,
) -> RunningBot {
    let started = Instant::now();
    let bot = Bot::connect_with_clock(config, TOKEN, clock)
        .await
        .unwrap_or_else(|e| panic!("the bot did not start: {e}"));
    let waker = bot.waker();
    let store = bot.store().clone();
    let observed = bot.observe();
    let stopper = bot.stopper();
    let metrics = bot.metrics_addr();
    let task = tokio::spawn(bot.run());
    RunningBot {
        started,
        store,
        stopper,
        task: Some(task),
        observed,
        waker,
        metrics,
    }
}

impl RunningBot {
    /// Wakes the timekeeper: it looks at close times and schedule slots now.
    pub fn wake(&self) {
        self.waker.wake();
    }

    /// The next thing the bot observes that matches `f`.
    pub async fn seen(&mut self, what: &str, f: impl Fn(&Observed) -> bool) -> Observed {
        let wait = async {
            loop {
                match self.observed.recv().await {
                    Ok(o) if f(&o) => return o,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => {
                        panic!("the bot stopped before it saw {what}")
                    }
                }
            }
        };
        tokio::time::timeout(STEP, wait)
            .await
            .unwrap_or_else(|_| panic!("timed out after {STEP:?}: the bot never saw {what}"))
    }

    /// Waits until the bot has its guild (GUILD_CREATE parsed and cached).
    pub async fn ready(&mut self) -> Observed {
        self.seen("GUILD_CREATE", |o| {
            matches!(o, Observed::GuildAvailable { .. })
        })
        .await
    }

    /// Waits for a new session: its READY and its guild's GUILD_CREATE, in either order (each
    /// gateway event is handled in a task of its own, and READY's handler does store work before
    /// it reports, so the GUILD_CREATE that follows may be reported first).
    pub async fn new_session(&mut self) {
        let (mut ready, mut guild) = (false, false);
        while !(ready && guild) {
            match self
                .seen("a new READY and its GUILD_CREATE", |o| {
                    matches!(o, Observed::Ready { .. } | Observed::GuildAvailable { .. })
                })
                .await
            {
                Observed::Ready { .. } => ready = true,
                _ => guild = true,
            }
        }
    }

    /// Waits until the bot has `n` guilds (their GUILD_CREATEs parsed and cached).
    pub async fn ready_guilds(&mut self, n: usize) {
        for _ in 0..n {
            self.ready().await;
        }
    }

    /// Stops the bot the way SIGTERM does and returns how it ended.
    pub async fn stop(mut self) -> Result<(), DiscordError> {
        self.stopper.stop().await;
        self.finished(STEP).await
    }

    /// Ends the bot where it stands, as a crash would: its tasks are dropped mid-step (a post
    /// waiting for Discord's answer never learns it), nothing is flushed or checkpointed; then
    /// its gateway connection is closed so the next bot has the loopback Discord to itself.
    pub async fn kill(mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
        self.stopper.stop().await;
    }

    /// How the bot ended, once it ends by itself.
    pub async fn finished(&mut self, timeout: Duration) -> Result<(), DiscordError> {
        let task = self.task.take().expect("the bot is running");
        tokio::time::timeout(timeout, task)
            .await
            .unwrap_or_else(|_| panic!("the bot did not stop within {timeout:?}"))
            .expect("the bot's task panicked")
    }
}

impl Drop for RunningBot {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// Writes `config` as TOML the binary reads (only the settings tests change).
pub fn write_config(dir: &Path, config: &Config) -> std::path::PathBuf {
    let d = &config.discord;
    let mut text = String::from("[discord]\n");
    if let Some(base) = &d.api_base {
        text += &format!("api_base = {base:?}\n");
    }
    if let Some(g) = d.guild_id {
        text += &format!("guild_id = {g}\n");
    }
    if let Some(t) = &d.token_file {
        text += &format!("token_file = {:?}\n", t.display().to_string());
    }
    text += &format!(
        "connect_timeout_secs = {}\nrequest_timeout_secs = {}\n",
        d.connect_timeout_secs, d.request_timeout_secs
    );
    let path = dir.join("roundtable.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

/// `roundtable run --config FILE` with `DISCORD_TOKEN` set to `token` (or unset). A bench runs
/// another build of the bot when `ROUNDTABLE_BENCH_BIN` names one (two builds compared on the
/// same harness, one run after the other).
pub fn binary(config: &Path, token: Option<&str>, log: &str) -> tokio::process::Command {
    let program = std::env::var_os("ROUNDTABLE_BENCH_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_roundtable").into());
    let mut cmd = tokio::process::Command::new(program);
    cmd.arg("run")
        .arg("--config")
        .arg(config)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("ROUNDTABLE_LOG", log)
        .env_remove("DISCORD_TOKEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(t) = token {
        cmd.env("DISCORD_TOKEN", t);
    }
    cmd
}

/// Sends SIGTERM to `pid`.
pub fn sigterm(pid: u32) {
    let status = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {pid} failed");
}
