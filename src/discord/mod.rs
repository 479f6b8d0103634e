//! The Discord adapter: serenity (gateway, cache, REST) and poise (slash commands) around the core.
//!
//! Start-up, in order: the token is checked with `GET /oauth2/applications/@me` (a 401 is a clear
//! error, exit code 77), the gateway URL is fetched, the commands are registered (in the configured
//! guild, else globally), and only then does the gateway connect. Doing the REST work before the
//! gateway keeps failures out of poise's `setup`, where they would leave the framework waiting
//! forever.
//!
//! Every message and interaction answer the bot sends has empty allowed mentions, and goes
//! through [`Rest`], which honours rate limits even when serenity's own limiter is off (it must be
//! off when `api_base` points at a REST proxy or at the tests' loopback Discord).

mod access;
mod commands;
mod components;
pub mod config;
mod editor;
mod events;
mod flows;
pub mod invite;
mod live;
mod once;
mod reply;
pub mod rest;
mod results;
mod review;
mod servers;
mod timekeeper;
mod view;

pub use components::ComponentAction;
pub use rest::{Rest, RestError, Upload};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::discussion::{Discussions, Rules};
use crate::exit;
use crate::prompt::Catalog;
use crate::schedule::{Schedule, Scheduler, Scope};
use crate::settings::{Defaults, RoleRef, Settings};
use crate::store::{ServerId, Store, StoreError};
pub use config::{DiscordConfig, Shards};
use flows::{Core, FlowError};
pub(crate) use reply::no_mentions;
use serenity::gateway::{GatewayError, ShardManager};
use serenity::http::HttpBuilder;
use serenity::model::gateway::GatewayIntents;
use serenity::model::id::GuildId;
use std::num::NonZeroU64;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

/// Why the bot could not start or stopped. [`DiscordError::exit_code`] tells the process what to
/// return.
#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error(transparent)]
    Token(#[from] crate::config::TokenError),
    #[error("Discord refused the bot token (401 Unauthorized): check DISCORD_TOKEN or the token file (reset the token in the Developer Portal if it leaked)")]
    TokenRejected,
    #[error("Discord refused the gateway intents: turn on the Message Content intent in the Developer Portal, or set message_content = false in the config's [discord] section")]
    IntentsRefused,
    #[error("invalid setting: {0}")]
    Setting(&'static str),
    #[error("cannot open the database {path}: {cause}")]
    Store {
        path: std::path::PathBuf,
        cause: StoreError,
    },
    #[error(
        "the database's writer has stopped, so nothing more could be stored: the bot stopped \
         (everything acknowledged before is stored; see the error above and start it again)"
    )]
    StoreStopped,
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(reqwest::Error),
    #[error("cannot start on Discord ({base}): {cause}")]
    Startup {
        /// Where the bot tried to reach Discord's REST API.
        base: String,
        cause: RestError,
    },
    #[error("cannot start the Discord client: {0}")]
    Client(serenity::Error),
    #[error("Discord gateway: {0}")]
    Gateway(serenity::Error),
    #[error("cannot serve metrics on {addr}: {cause}")]
    Metrics {
        addr: std::net::SocketAddr,
        cause: std::io::Error,
    },
}

impl DiscordError {
    /// [`exit::NOPERM`] (77) when Discord refused the token, [`exit::CONFIG`] (78) when the
    /// configuration needs fixing (no token, intents not granted, a setting, a database from a
    /// newer roundtable), else [`exit::FAILURE`] (1): worth starting again.
    pub fn exit_code(&self) -> u8 {
        match self {
            DiscordError::TokenRejected => exit::NOPERM,
            DiscordError::Token(_)
            | DiscordError::IntentsRefused
            | DiscordError::Setting(_)
            | DiscordError::Store {
                cause: StoreError::NewerSchema { .. },
                ..
            } => exit::CONFIG,
            _ => exit::FAILURE,
        }
    }

    fn at_startup(base: &str) -> impl Fn(RestError) -> DiscordError + '_ {
        move |e| match e.status() {
            Some(401) => DiscordError::TokenRejected,
            _ => DiscordError::Startup {
                base: base.to_string(),
                cause: e,
            },
        }
    }
}

/// An error inside a command or an event handler; logged, never fatal to the bot.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Rest(#[from] RestError),
    #[error(transparent)]
    Serenity(#[from] serenity::Error),
    #[error(transparent)]
    Flow(FlowError),
}

/// What the adapter saw on the gateway, once serenity parsed it. Tests subscribe to it to prove a
/// payload reached the bot (a payload serenity cannot parse is dropped silently); the discussion
/// issue routes thread replies from here into the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    Ready {
        session_id: String,
        guilds: usize,
    },
    Resumed,
    GuildAvailable {
        guild_id: u64,
        channels: usize,
        roles: usize,
        members: usize,
    },
    /// GUILD_DELETE: `removed` when the server removed the bot, else it is only unavailable.
    GuildGone {
        guild_id: u64,
        removed: bool,
    },
    /// GUILD_ROLE_UPDATE (a role renamed, say): access goes by role id, so nothing changes.
    RoleUpdated {
        guild_id: u64,
        role_id: u64,
        name: String,
    },
    ThreadCreated {
        thread_id: u64,
        parent_id: Option<u64>,
        name: String,
    },
    /// A member's message (bots' messages are left out); `in_thread` when the channel is a thread.
    MessageCreated {
        channel_id: u64,
        message_id: u64,
        author_id: u64,
        content: String,
        in_thread: bool,
    },
    MessageEdited {
        channel_id: u64,
        message_id: u64,
        content: Option<String>,
    },
    MessageDeleted {
        channel_id: u64,
        message_id: u64,
    },
}

/// Shared state of the running bot (poise's user data).
pub struct Data {
    rest: Rest,
    config: DiscordConfig,
    observed: broadcast::Sender<Observed>,
    core: Arc<Core>,
    /// The prompt editor's forms being filled in (and refused edits' texts).
    forms: editor::Forms,
}

impl Data {
    fn observe(&self, what: Observed) {
        // No subscriber is the normal case outside tests.
        let _ = self.observed.send(what);
    }
}

pub(crate) type Context<'a> = poise::Context<'a, Data, CommandError>;

/// Stops a running bot: closes the gateway and makes [`Bot::run`] return.
#[derive(Clone)]
pub struct Stopper(Arc<ShardManager>);

impl Stopper {
    pub async fn stop(&self) {
        self.0.shutdown_all().await;
    }
}

/// A bot that passed start-up (token accepted, commands registered), ready to connect.
pub struct Bot {
    client: serenity::Client,
    observed: broadcast::Sender<Observed>,
    core: Arc<Core>,
    clock: Arc<dyn Clock>,
    /// `/healthz` and `/metrics`, when `[metrics] listen` is set; bound at start-up.
    metrics: Option<tokio::net::TcpListener>,
    /// Gateway shards this process runs (all of them).
    shards: u32,
}

/// Wakes the bot's timekeeper now (tests move an injected clock, then wake it).
#[derive(Clone)]
pub struct Waker(Arc<tokio::sync::Notify>);

impl Waker {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The HTTP client every REST request goes through, with the configured timeouts.
fn http_client(dc: &DiscordConfig) -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(Duration::from_secs(dc.connect_timeout_secs))
        .timeout(Duration::from_secs(dc.request_timeout_secs))
        .build()
}

/// serenity's HTTP for `token` over `client`, towards `api_base` when set.
fn http_builder(dc: &DiscordConfig, token: &str, client: &reqwest::Client) -> HttpBuilder {
    let http = HttpBuilder::new(token)
        .client(client.clone())
        .default_allowed_mentions(no_mentions());
    match &dc.api_base {
        // serenity ignores the proxy while its own rate limiter is on; Rest honours 429s.
        Some(base) => http
            .proxy(base.trim_end_matches('/'))
            .ratelimiter_disabled(true),
        None => http,
    }
}

/// The gateway intents the bot asks for with `config`.
pub(crate) fn intents(config: &DiscordConfig) -> GatewayIntents {
    let mut intents = GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES;
    if config.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

impl Bot {
    /// Checks the token, fetches the gateway URL and registers the commands. The token is used for
    /// requests only, never logged.
    pub async fn connect(config: &Config, token: &str) -> Result<Bot, DiscordError> {
        Self::connect_with_clock(config, token, Arc::new(SystemClock)).await
    }

    /// [`Bot::connect`] with an injected clock: close times and schedules follow it.
    pub async fn connect_with_clock(
        config: &Config,
        token: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Bot, DiscordError> {
        let dc = &config.discord;
        let store =
            Store::open(&config.database, &config.store).map_err(|cause| DiscordError::Store {
                path: config.database.clone(),
                cause,
            })?;
        let settings = Settings::new(store.clone(), defaults(config));
        let engine = Discussions::new(
            store.clone(),
            clock.clone(),
            Rules::from(&config.discussion),
        )
        .with_server_rules(Arc::new(settings.clone()));
        let mut schedules: Vec<Schedule> = Vec::new();
        for s in config
            .schedules
            .iter()
            .filter(|s| s.channel != crate::console::CHANNEL)
        {
            match Schedule::from_config(s, dc.guild_id) {
                Ok(s) => schedules.push(s),
                Err((field, e)) => {
                    tracing::warn!(schedule = %s.name, "schedule left out: {field}: {e}")
                }
            }
        }
        let owner = format!(
            "bot-{}-{}",
            std::process::id(),
            clock.now().as_millisecond()
        );
        let scheduler = Scheduler::new(engine.clone(), Scope::Guilds, schedules, owner)
            .with_review_rules(Arc::new(settings.clone()));
        let unassigned = assign_older_rows(&store, &scheduler, dc.guild_id);
        let guild = match dc.guild_id {
            None => None,
            Some(id) => Some(GuildId::from(
                NonZeroU64::new(id)
                    .ok_or(DiscordError::Setting("discord.guild_id must not be 0"))?,
            )),
        };
        let client = http_client(dc).map_err(DiscordError::HttpClient)?;
        let http_builder = || http_builder(dc, token, &client);
        let http = Arc::new(http_builder().build());
        let rest = Rest::new(http.clone(), client.clone());

        let base = dc.api_base.as_deref().unwrap_or("https://discord.com");
        let startup = DiscordError::at_startup(base);
        let app = rest.application_info().await.map_err(&startup)?;
        http.set_application_id(app.id);
        let (gateway_url, shards) = match dc.shards {
            Shards::Fixed(n) => (rest.gateway_url().await.map_err(&startup)?, n),
            Shards::Auto => {
                let g = rest.bot_gateway().await.map_err(&startup)?;
                (g.url, g.shards.max(1))
            }
        };
        let commands = commands::all();
        let registered = rest
            .set_commands(
                guild,
                &poise::builtins::create_application_commands(&commands),
            )
            .await
            .map_err(&startup)?;
        tracing::debug!(
            "registered {} command(s) {}",
            registered.len(),
            guild.map_or("globally".to_string(), |g| format!("in guild {g}"))
        );

        let catalog = Catalog::load_dir(&config.prompts);
        for p in &catalog.problems {
            tracing::warn!("prompt problem: {p}");
        }
        let (observed, _) = broadcast::channel(1024);
        let core = Arc::new(
            Core::new(
                engine,
                settings,
                catalog,
                config.prompts.clone(),
                dc.clone(),
                rest.clone(),
                scheduler,
            )
            .with_export(config.export.clone())
            .with_draft(config.draft.clone())
            .with_suggest(config.suggest.clone()),
        );
        core.unassigned
            .store(unassigned, std::sync::atomic::Ordering::Relaxed);
        let data = Data {
            rest,
            config: dc.clone(),
            observed: observed.clone(),
            core: core.clone(),
            forms: editor::Forms::default(),
        };
        let options = poise::FrameworkOptions {
            commands,
            event_handler: |framework, event| Box::pin(events::handle(framework, event)),
            on_error: |error| Box::pin(events::on_error(error)),
            allowed_mentions: Some(no_mentions()),
            initialize_owners: false,
            post_command: |_| {
                Box::pin(async { crate::metrics::global().interaction("command", true) })
            },
            ..Default::default()
        };
        let framework = poise::Framework::builder()
            .options(options)
            .setup(move |_ctx, _ready, _framework| Box::pin(async move { Ok(data) }))
            .build();
        let client = serenity::all::ClientBuilder::new_with_http(
            http_builder().application_id(app.id).build(),
            intents(dc),
        )
        .framework(once::OnceEach::new(framework))
        .await
        .map_err(DiscordError::Client)?;
        // serenity asked for the gateway too and, had that failed, would fall back to Discord's
        // public gateway; the URL we fetched ourselves is the one to use.
        *client.ws_url.lock().await = gateway_url;
        let metrics = match config.metrics.listen {
            None => None,
            Some(addr) => Some(
                crate::metrics::server::bind(addr)
                    .await
                    .map_err(|cause| DiscordError::Metrics { addr, cause })?,
            ),
        };
        let _ = core.guilds.set(client.cache.clone());
        tracing::info!("{shards} gateway shard(s)");
        Ok(Bot {
            client,
            observed,
            core,
            clock,
            metrics,
            shards,
        })
    }

    /// Where `/healthz` and `/metrics` are served, if they are.
    pub fn metrics_addr(&self) -> Option<std::net::SocketAddr> {
        self.metrics
            .as_ref()
            .and_then(crate::metrics::server::local_addr)
    }

    /// The bot's store (tools and tests reach the database the bot writes through it).
    pub fn store(&self) -> &Store {
        self.core.engine.store()
    }

    pub fn stopper(&self) -> Stopper {
        Stopper(self.client.shard_manager.clone())
    }

    /// What the bot sees on the gateway from now on.
    pub fn observe(&self) -> broadcast::Receiver<Observed> {
        self.observed.subscribe()
    }

    pub fn waker(&self) -> Waker {
        Waker(self.core.wake.clone())
    }

    /// Connects to the gateway and serves until stopped or until Discord refuses the session.
    /// The live-count refresher and the timekeeper run alongside and stop with it (they belong to
    /// this future: dropping it stops them too); counts not yet shown are flushed on the way out,
    /// and the database file is checkpointed so that it alone holds everything.
    ///
    /// Should the store's writer die, the bot stops with [`DiscordError::StoreStopped`] rather
    /// than go on answering members while nothing can be stored.
    pub async fn run(mut self) -> Result<(), DiscordError> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let mut tasks = tokio::task::JoinSet::new();
        if let Some(listener) = self.metrics.take() {
            if let Some(addr) = crate::metrics::server::local_addr(&listener) {
                tracing::info!("serving http://{addr}/healthz and http://{addr}/metrics");
            }
            let status = Arc::new(Health {
                shards: self.client.shard_manager.clone(),
                engine: self.core.engine.clone(),
            });
            tasks.spawn(crate::metrics::server::serve(listener, status));
        }
        tasks.spawn(live::run(self.core.clone()));
        let time = tasks.spawn(timekeeper::run(
            self.core.clone(),
            self.clock.clone(),
            stopped,
        ));
        let store = self.core.engine.store().clone();
        let shards = self.client.shard_manager.clone();
        let writer_died = store.writer_stopped();
        let result = tokio::select! {
            r = self.client.start_shards(self.shards) => r.map_err(gateway_error),
            () = writer_died => {
                tracing::error!("the store's writer has stopped: stopping the bot, as nothing more can be stored");
                shards.shutdown_all().await;
                Err(DiscordError::StoreStopped)
            }
        };
        // The timekeeper finishes a tick under way (a post, a close), within reason.
        let _ = stop.send(true);
        let finished = async {
            while let Some(done) = tasks.join_next_with_id().await {
                if done.map_or_else(|e| e.id(), |(id, ())| id) == time.id() {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(10), finished).await;
        tasks.shutdown().await;
        if result.is_err() && !store.writer_alive() {
            return result;
        }
        live::flush(&self.core).await;
        match flows::blocking(move || store.checkpoint()).await {
            Ok(Ok(true)) => tracing::info!("database checkpointed"),
            Ok(Ok(false)) => tracing::info!("database checkpoint held back by another reader"),
            Ok(Err(e)) => tracing::warn!("cannot checkpoint the database: {e}"),
            Err(e) => tracing::warn!("cannot checkpoint the database: {e}"),
        }
        result
    }
}

/// How a gateway that ended with an error is reported.
fn gateway_error(e: serenity::Error) -> DiscordError {
    match e {
        serenity::Error::Gateway(GatewayError::InvalidAuthentication) => {
            DiscordError::TokenRejected
        }
        serenity::Error::Gateway(
            GatewayError::DisallowedGatewayIntents | GatewayError::InvalidGatewayIntents,
        ) => DiscordError::IntentsRefused,
        other => DiscordError::Gateway(other),
    }
}

/// The log's line for a session start, and its count in the metrics.
fn connected(ctx: &serenity::client::Context, ready: &serenity::model::gateway::Ready) {
    let total = ready.shard.map_or(1, |s| s.total);
    crate::metrics::gateway_ready(ctx.shard_id.0);
    tracing::info!(
        "connected to Discord as {}: {} server(s), shard {} of {total}",
        ready.user.name,
        ready.guilds.len(),
        ctx.shard_id.0 + 1,
    );
}

/// What `/healthz` and `/metrics` ask of the running bot.
struct Health {
    shards: Arc<ShardManager>,
    engine: Discussions,
}

impl crate::metrics::Status for Health {
    fn health(&self) -> crate::metrics::Probe<'_, Result<(), String>> {
        Box::pin(async move {
            {
                let runners = self.shards.runners.lock().await;
                if runners.is_empty() {
                    return Err("the gateway is not connected".to_string());
                }
                let mut shards: Vec<_> = runners.iter().collect();
                shards.sort_by_key(|(id, _)| id.0);
                if let Some((id, r)) = shards
                    .iter()
                    .find(|(_, r)| r.stage != serenity::gateway::ConnectionStage::Connected)
                {
                    return Err(format!("gateway shard {} is {}", id.0, r.stage));
                }
            }
            self.engine
                .store()
                .probe_write()
                .await
                .map_err(|e| format!("the store takes no writes: {e}"))
        })
    }

    fn open_discussions(&self) -> crate::metrics::Probe<'_, Option<u64>> {
        let (store, now) = (self.engine.store().clone(), self.engine.now());
        Box::pin(async move {
            tokio::task::spawn_blocking(move || store.count_open(now).ok())
                .await
                .ok()
                .flatten()
        })
    }
}

/// The file's values, for servers that set nothing with `/settings`.
fn defaults(config: &Config) -> Defaults {
    let dc = &config.discord;
    Defaults {
        discussion: config.discussion.clone(),
        moderator_roles: dc
            .moderator_role
            .as_deref()
            .and_then(RoleRef::from_file)
            .into_iter()
            .collect(),
        voter_roles: dc
            .voter_roles
            .iter()
            .filter_map(|r| RoleRef::from_file(r))
            .collect(),
        log_channel: dc.log_channel,
        lock_thread_on_close: dc.lock_thread_on_close,
        timezone: "UTC".to_string(),
        review: config.review,
    }
}

/// Rows from before servers: all to `discord.guild_id` when it is set (one server, as before);
/// else those the file's schedules name, and the rest once their channel's guild is known.
/// Returns whether discussions still wait for their server.
fn assign_older_rows(store: &Store, scheduler: &Scheduler, guild: Option<u64>) -> bool {
    let waiting = match store.unassigned() {
        Ok(u) => u,
        Err(e) => {
            tracing::error!("cannot count the rows without a server: {e}");
            return false;
        }
    };
    if waiting.discussions + waiting.slots == 0 {
        return false;
    }
    let result = match guild {
        Some(g) => store
            .assign_unassigned(ServerId::Guild(g))
            .map_err(|e| e.to_string()),
        None => scheduler.assign_ledger().map_err(|e| e.to_string()),
    };
    match result {
        Ok(a) => tracing::info!(
            "store: gave {} discussion(s), {} ledger slot(s) and {} schedule state(s) from before servers to {}",
            a.discussions,
            a.slots,
            a.states,
            guild.map_or("the servers their schedules name".to_string(), |g| format!("guild {g} (discord.guild_id)"))
        ),
        Err(e) => tracing::error!("cannot assign rows from before servers: {e}"),
    }
    guild.is_none() && waiting.discussions > 0
}

/// `roundtable run`: the bot on Discord until SIGTERM or Ctrl-C.
pub async fn run(config: &Config) -> Result<(), DiscordError> {
    let bot = {
        let token = config.token()?;
        Bot::connect(config, &token).await?
    };
    let stopper = bot.stopper();
    let signals = tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping: closing the gateway");
        stopper.stop().await;
    });
    let result = bot.run().await;
    signals.abort();
    result
}

async fn shutdown_signal() {
    async fn ctrl_c() {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = ctrl_c() => {}
                }
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM ({e}); stop with Ctrl-C");
                ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    ctrl_c().await;
}
