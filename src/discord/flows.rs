//! The bot's side of a discussion on Discord: posting it (message, thread, continuation posts),
//! refreshing its live counts, and closing it (final tally with its chart in the channel and the
//! thread, buttons disabled, thread locked). Everything here reads and writes through the core
//! engine; blocking store calls and chart drawing run on tokio's blocking pool.

use super::live::{Live, Target};
use super::rest::{Rest, RestError, Upload};
use super::view;
use crate::chart::{self, ChartOptions};
use crate::discord::DiscordConfig;
use crate::discussion::ResultsMode;
use crate::discussion::{Discussion, DiscussionError, Discussions, Tally};
use crate::export::ExportConfig;
use crate::prompt::Catalog;
use crate::render::ids::Action;
use crate::render::{self, cut::cut, DiscussionView, Results};
use crate::schedule::Scheduler;
use crate::settings::{ServerConfig, Settings, SettingsError};
use crate::store::{DiscussionId, ServerId};
use serenity::builder::{CreateMessage, CreateThread, EditThread};
use serenity::cache::Cache;
use serenity::model::application::{ActionRowComponent, Button, ButtonKind};
use serenity::model::channel::{ChannelType, Message, MessageType};
use serenity::model::id::{ChannelId, GuildId, MessageId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::Duration;
use tokio::sync::Notify;

/// Discord's limit on a thread's name.
const THREAD_NAME: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Discussion(#[from] DiscussionError),
    #[error(transparent)]
    Rest(#[from] RestError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("the chart could not be drawn: {0}")]
    Chart(crate::chart::ChartError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    Invalid(String),
    #[error("a background task failed: {0}")]
    Join(tokio::task::JoinError),
}

impl From<crate::chart::ChartError> for FlowError {
    fn from(e: crate::chart::ChartError) -> Self {
        FlowError::Chart(e)
    }
}

impl From<tokio::task::JoinError> for FlowError {
    fn from(e: tokio::task::JoinError) -> Self {
        FlowError::Join(e)
    }
}

/// Runs a blocking store call off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, FlowError> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

fn id_of(s: &Option<String>) -> Option<u64> {
    s.as_deref().and_then(|v| v.parse().ok())
}

pub(crate) struct Core {
    pub engine: Discussions,
    /// Every server's settings (its own over the file's).
    pub settings: Settings,
    pub catalog: RwLock<Arc<Catalog>>,
    pub prompts_dir: PathBuf,
    /// The file's `[discord]` section.
    pub discord: DiscordConfig,
    /// How `/discussion export` shows member ids.
    pub export: ExportConfig,
    /// `/prompts draft`: the drafter's settings and the link fetcher's guard.
    pub draft: crate::draft::DraftConfig,
    /// `/suggest`: the members' daily limit.
    pub suggest: crate::suggest::SuggestConfig,
    pub rest: Rest,
    pub live: Live,
    pub scheduler: Arc<Scheduler>,
    /// Wakes the timekeeper (a new close time, a schedule change, a test moving the clock).
    pub wake: Arc<Notify>,
    /// Open discussions by id, so a click does not read the prompt snapshot again.
    cache: Mutex<HashMap<DiscussionId, Arc<Discussion>>>,
    /// serenity's cache (guilds, channels, roles), once the client exists.
    pub guilds: OnceLock<Arc<Cache>>,
    /// Discussions from before servers still wait for theirs (see `servers.rs`).
    pub unassigned: AtomicBool,
    /// Told each time a post's message id is recorded (a click may come before).
    posted: Notify,
}

impl Core {
    pub(crate) fn new(
        engine: Discussions,
        settings: Settings,
        catalog: Catalog,
        prompts_dir: PathBuf,
        discord: DiscordConfig,
        rest: Rest,
        scheduler: Scheduler,
    ) -> Core {
        let every = Duration::from_millis(discord.live_refresh_ms.max(1));
        Core {
            engine,
            settings,
            catalog: RwLock::new(Arc::new(catalog)),
            prompts_dir,
            discord,
            export: ExportConfig::default(),
            draft: crate::draft::DraftConfig::default(),
            suggest: crate::suggest::SuggestConfig::default(),
            rest,
            live: Live::new(every),
            scheduler: Arc::new(scheduler),
            wake: Arc::new(Notify::new()),
            cache: Mutex::new(HashMap::new()),
            guilds: OnceLock::new(),
            unassigned: AtomicBool::new(false),
            posted: Notify::new(),
        }
    }

    /// How exports show member ids (by default they need a key, which is then missing).
    pub(crate) fn with_export(mut self, export: ExportConfig) -> Core {
        self.export = export;
        self
    }

    pub(crate) fn with_draft(mut self, draft: crate::draft::DraftConfig) -> Core {
        self.draft = draft;
        self
    }

    pub(crate) fn with_suggest(mut self, suggest: crate::suggest::SuggestConfig) -> Core {
        self.suggest = suggest;
        self
    }

    pub(crate) fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A server's catalog: the prompt files and the prompts it approved in the store (see
    /// `library`). Reads the store: call it off the async threads. If the store cannot be read,
    /// the files alone (and the error in the log).
    pub(crate) fn catalog_in(&self, server: ServerId) -> Arc<Catalog> {
        let files = self.catalog();
        match crate::library::catalog_for(&files, self.engine.store(), server) {
            Ok(c) => Arc::new(c),
            Err(e) => {
                tracing::error!("prompts of server {server} unreadable: {e}");
                files
            }
        }
    }

    /// The settings `server` runs by: from the cache, read from the store the first time.
    pub(crate) async fn settings(&self, server: ServerId) -> Result<Arc<ServerConfig>, FlowError> {
        if let Some(c) = self.settings.cached(server) {
            return Ok(c);
        }
        let settings = self.settings.clone();
        Ok(blocking(move || settings.get(server)).await??)
    }

    /// Discussion `id` of `server`: from the cache while open, else from the store. A discussion
    /// of another server is not found.
    pub(crate) async fn discussion(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Arc<Discussion>, FlowError> {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned();
        if let Some(d) = cached {
            if d.record.server != server {
                return Err(DiscussionError::NotFound(id).into());
            }
            return Ok(d);
        }
        let engine = self.engine.clone();
        let d = Arc::new(blocking(move || engine.get(server, id)).await??);
        // Cached once its post is known: buttons are checked against the post's id.
        if d.is_open(self.engine.now()) && d.record.message_id.is_some() {
            self.cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id, d.clone());
        }
        Ok(d)
    }

    /// The guild a channel belongs to, if serenity's cache knows it.
    pub(crate) fn guild_of_channel(&self, channel: ChannelId) -> Option<u64> {
        let cache = self.guilds.get()?;
        cache.guilds().into_iter().find_map(|g| {
            cache
                .guild(g)
                .filter(|guild| {
                    guild.channels.contains_key(&channel)
                        || guild.threads.iter().any(|t| t.id == channel)
                })
                .map(|_| g.get())
        })
    }

    /// Drops what is cached of `server`'s discussions (its data was deleted).
    pub(crate) fn forget_server(&self, server: ServerId) {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, d| d.record.server != server);
    }

    fn forget(&self, id: DiscussionId) {
        self.cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    /// Discussion `id` of `server` with its post's message id: a member may click a button of a
    /// post that Discord shows already while the bot has not recorded its id yet (it does as soon
    /// as Discord answers); then this waits for it, within a second.
    pub(crate) async fn posted_discussion(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<Arc<Discussion>, FlowError> {
        let d = self.discussion(server, id).await?;
        if d.record.message_id.is_some() {
            return Ok(d);
        }
        let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
        loop {
            let recorded = self.posted.notified();
            tokio::pin!(recorded);
            recorded.as_mut().enable();
            let d = self.discussion(server, id).await?;
            if d.record.message_id.is_some() {
                return Ok(d);
            }
            if tokio::time::timeout_at(deadline, recorded).await.is_err() {
                return Ok(d);
            }
        }
    }

    /// Told each time a message id is recorded (a post's, a review's): a click may come before.
    pub(crate) fn recorded(&self) -> &Notify {
        &self.posted
    }

    /// The discussion of `server` whose thread is `channel`, if any.
    pub(crate) async fn by_thread(
        &self,
        server: ServerId,
        channel: u64,
    ) -> Result<Option<Arc<Discussion>>, FlowError> {
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .find(|d| d.record.server == server && id_of(&d.record.thread_id) == Some(channel))
            .cloned();
        if cached.is_some() {
            return Ok(cached);
        }
        let engine = self.engine.clone();
        let found = blocking(move || {
            engine
                .store()
                .discussion_by_thread(server, &channel.to_string())
        })
        .await??;
        match found {
            Some(id) => Ok(Some(self.discussion(server, id).await?)),
            None => Ok(None),
        }
    }

    /// Marks the discussion's post for a refresh of its live counts.
    pub(crate) fn mark(&self, d: &Discussion) {
        if let Some(channel) = id_of(&Some(d.record.channel.clone())) {
            self.live.mark(
                d.id(),
                Target {
                    server: d.record.server,
                    channel,
                },
            );
        }
    }

    /// The discussion a command in `server` means: the given number, else the open one posted in
    /// (or whose thread is) `channel`, else the only open one of the server.
    pub(crate) async fn resolve(
        &self,
        server: ServerId,
        given: Option<i64>,
        channel: u64,
    ) -> Result<Arc<Discussion>, FlowError> {
        if let Some(n) = given {
            return self.discussion(server, DiscussionId(n)).await;
        }
        let engine = self.engine.clone();
        let open = blocking(move || engine.list(server, true, 100)).await??;
        let here = open.iter().find(|d| {
            d.record.channel == channel.to_string() || id_of(&d.record.thread_id) == Some(channel)
        });
        match (here, open.as_slice()) {
            (Some(d), _) | (None, [d]) => self.discussion(server, d.id()).await,
            (None, []) => Err(FlowError::Invalid("No discussion is open here.".into())),
            (None, _) => Err(FlowError::Invalid(format!(
                "Several discussions are open ({}); name one with the `discussion` option.",
                open.iter()
                    .map(|d| format!("#{}", d.id()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The discussion's post as it should look now, with its server's results setting.
    async fn render(&self, d: &Discussion, tally: &Tally) -> render::Rendered {
        let mode = match self.settings(d.record.server).await {
            Ok(c) => c.discussion.results,
            Err(e) => {
                tracing::error!(discussion = %d.id(), "the server's settings: {e}");
                ResultsMode::Hidden
            }
        };
        let closed = !d.is_open(self.engine.now());
        let options = d.options();
        let results = match mode {
            ResultsMode::Live => Results::Live(tally),
            ResultsMode::Hidden => Results::Hidden(tally),
        };
        render::discussion_post(&DiscussionView {
            id: d.id(),
            prompt: d.prompt(),
            options: &options,
            closes_at: d.record.closes_at,
            closed,
            results,
        })
    }

    async fn tally(&self, d: &Discussion) -> Result<Tally, FlowError> {
        let (engine, d) = (self.engine.clone(), d.clone());
        Ok(blocking(move || engine.tally_of(&d)).await??)
    }

    /// Posts an opened discussion in `channel`: the post, its thread, and what continues there.
    /// The message and thread ids are stored as soon as they exist.
    pub(crate) async fn post(
        &self,
        d: &Discussion,
        channel: ChannelId,
    ) -> Result<MessageId, FlowError> {
        if let Some(other) = self.guild_of_channel(channel) {
            if Some(other) != d.record.server.guild() {
                return Err(FlowError::Invalid(format!(
                    "channel {channel} belongs to another server"
                )));
            }
        }
        self.post_or_finish(d, channel, false).await
    }

    /// [`Core::post`], or with `recovering` the end of a post another run of the bot began and
    /// did not finish (it died, or Discord's answer never came back). Nothing is posted twice:
    /// - no message id stored: the post may exist all the same, so the channel's recent messages
    ///   are searched for the bot's message carrying this discussion's buttons, and that one is
    ///   adopted; only when there is none does a new post go out. A post whose answer is lost on
    ///   the way back is looked for the same way before it counts as failed;
    /// - no thread stored: the thread is started; should Discord say the post has one already
    ///   (made before the crash), that thread is adopted, and only the continuation posts it lacks
    ///   are sent.
    pub(crate) async fn post_or_finish(
        &self,
        d: &Discussion,
        channel: ChannelId,
        recovering: bool,
    ) -> Result<MessageId, FlowError> {
        let id = d.id();
        let tally = self.tally(d).await?;
        let rendered = self.render(d, &tally).await;
        let message = match id_of(&d.record.message_id) {
            Some(m) => MessageId::new(m),
            None => {
                let found = if recovering {
                    self.find_post(channel, id).await?
                } else {
                    None
                };
                let message = match found {
                    Some(m) => {
                        tracing::warn!(discussion = %id, message = %m, "adopting the discussion's post, made before the bot stopped");
                        m
                    }
                    None => match self
                        .rest
                        .create_message(channel, &view::create_message(&rendered.post))
                        .await
                    {
                        Ok(m) => m.id,
                        Err(e) if e.status().is_none() => match self.find_post(channel, id).await {
                            Ok(Some(m)) => {
                                tracing::warn!(discussion = %id, message = %m, "the post's answer was lost ({e}); adopting the post");
                                m
                            }
                            _ => return Err(e.into()),
                        },
                        Err(e) => return Err(e.into()),
                    },
                };
                let (engine, m) = (self.engine.clone(), message.get().to_string());
                blocking(move || engine.set_post(id, Some(&m), None)).await??;
                self.posted.notify_waiters();
                message
            }
        };
        if d.record.thread_id.is_none() {
            self.finish_thread(d, channel, message, &rendered.continued)
                .await?;
        }
        self.forget(id);
        self.wake.notify_one();
        tracing::info!(discussion = %id, %channel, prompt = %d.prompt().id, "discussion posted");
        Ok(message)
    }

    /// Starts the discussion's thread on `message` (or adopts the one it has) and sends the
    /// continuation posts it does not have yet.
    async fn finish_thread(
        &self,
        d: &Discussion,
        channel: ChannelId,
        message: MessageId,
        continued: &[render::Post],
    ) -> Result<(), FlowError> {
        let id = d.id();
        let name = cut(&d.prompt().title, THREAD_NAME).0;
        let open_for = d
            .record
            .closes_at
            .map(|at| at.duration_since(self.engine.now()).as_secs() / 60)
            .unwrap_or(i64::MAX);
        let archive = crate::limits::thread_auto_archive(open_for);
        let request = CreateThread::new(name)
            .kind(ChannelType::PublicThread)
            .auto_archive_duration(serenity::model::channel::AutoArchiveDuration::from(archive));
        let (thread, new) = match self
            .rest
            .create_thread_from_message(channel, message, &request)
            .await
        {
            Ok(thread) => (thread.id, true),
            Err(e) => match self.rest.get_message(channel, message).await {
                // Made already (before a crash, or its answer was lost): Discord allows one.
                Ok(m) if m.thread.is_some() => match m.thread {
                    Some(t) => (t.id, false),
                    None => return Ok(()),
                },
                _ => {
                    // The post stands without a thread; the modal still takes replies.
                    tracing::warn!(discussion = %id, "cannot open the discussion's thread: {e}");
                    return Ok(());
                }
            },
        };
        let (engine, t) = (self.engine.clone(), thread.get().to_string());
        blocking(move || engine.set_post(id, None, Some(&t))).await??;
        let sent = if new {
            0
        } else {
            tracing::warn!(discussion = %id, thread = %thread, "adopting the discussion's thread, made before the bot stopped");
            let me = self.rest.current_user().await?.id;
            self.rest
                .recent_messages(thread, 100)
                .await?
                .iter()
                .filter(|m| m.author.id == me && m.kind == MessageType::Regular)
                .count()
        };
        for post in continued.iter().skip(sent) {
            self.rest
                .create_message(thread, &view::create_message(post))
                .await?;
        }
        Ok(())
    }

    /// The bot's own post of discussion `id` among the channel's latest messages: the one whose
    /// buttons name the discussion.
    async fn find_post(
        &self,
        channel: ChannelId,
        id: DiscussionId,
    ) -> Result<Option<MessageId>, FlowError> {
        let me = self.rest.current_user().await?.id;
        let recent = self.rest.recent_messages(channel, 100).await?;
        Ok(recent
            .iter()
            .filter(|m| m.author.id == me)
            .find(|m| carries(m, id))
            .map(|m| m.id))
    }

    /// Edits the discussion's post to show its state now (live counts, or closed).
    pub(crate) async fn refresh(
        &self,
        server: ServerId,
        id: DiscussionId,
    ) -> Result<(), FlowError> {
        let engine = self.engine.clone();
        let d = blocking(move || engine.get(server, id)).await??;
        let (Some(channel), Some(message)) = (
            id_of(&Some(d.record.channel.clone())),
            id_of(&d.record.message_id),
        ) else {
            return Ok(()); // not posted on Discord
        };
        let tally = self.tally(&d).await?;
        let rendered = self.render(&d, &tally).await;
        self.rest
            .edit_message(
                ChannelId::new(channel),
                MessageId::new(message),
                &view::edit_message(&rendered.post),
            )
            .await?;
        Ok(())
    }

    /// Closes on behalf of `by` and shows the result.
    pub(crate) async fn close(
        &self,
        server: ServerId,
        id: DiscussionId,
        by: String,
    ) -> Result<(Discussion, Tally), FlowError> {
        let engine = self.engine.clone();
        let (d, tally) = blocking(move || engine.close(server, id, &by)).await??;
        self.finalize(&d, &tally).await?;
        Ok((d, tally))
    }

    /// A closed discussion's ending: buttons disabled and final counts on the post, the final
    /// tally with its chart in the channel and the thread, the thread locked if configured.
    pub(crate) async fn finalize(&self, d: &Discussion, tally: &Tally) -> Result<(), FlowError> {
        self.forget(d.id());
        let by = d.record.closed_by.as_deref().unwrap_or("its close time");
        tracing::info!(discussion = %d.id(), by, members = tally.participants, replies = tally.replies, "discussion closed");
        let Some(channel) = id_of(&Some(d.record.channel.clone())).map(ChannelId::new) else {
            return Ok(());
        };
        let result = render::tally_post(d.id(), &d.prompt().question, &d.options(), tally);
        if let Some(message) = id_of(&d.record.message_id) {
            let rendered = self.render(d, tally).await;
            self.rest
                .edit_message(
                    channel,
                    MessageId::new(message),
                    &view::edit_message(&rendered.post),
                )
                .await?;
        }
        let chart = match chart_upload(&self.engine, d, tally).await {
            Ok(chart) => Some(chart),
            Err(e) => {
                tracing::warn!(discussion = %d.id(), "the final result goes out without its chart: {e}");
                None
            }
        };
        let result = view::create_message(&result);
        let opinion = match opinion_part(&self.engine, d).await {
            Ok(part) => part.map(|(post, map)| (view::create_message(&post), map)),
            Err(e) => {
                tracing::warn!(discussion = %d.id(), "the final result goes out without what members think: {e}");
                None
            }
        };
        self.post_result(d, channel, &result, chart.as_ref())
            .await?;
        if let Some((post, map)) = &opinion {
            self.post_result(d, channel, post, map.as_ref()).await?;
        }
        if let Some(thread) = id_of(&d.record.thread_id).map(ChannelId::new) {
            self.post_result(d, thread, &result, chart.as_ref()).await?;
            if let Some((post, map)) = &opinion {
                self.post_result(d, thread, post, map.as_ref()).await?;
            }
            let lock = match self.settings(d.record.server).await {
                Ok(c) => c.lock_thread_on_close,
                Err(_) => self.discord.lock_thread_on_close,
            };
            if lock {
                self.rest
                    .edit_thread(thread, &EditThread::new().locked(true))
                    .await?;
            }
        }
        Ok(())
    }

    /// Posts the final result in `channel` with its chart. Should Discord refuse the file (no
    /// Attach Files permission, too large), the result goes out without it and the moderators
    /// are told; a request that may have got through is not sent twice.
    async fn post_result(
        &self,
        d: &Discussion,
        channel: ChannelId,
        result: &CreateMessage,
        chart: Option<&Upload>,
    ) -> Result<(), FlowError> {
        let Some(chart) = chart else {
            self.rest.create_message(channel, result).await?;
            return Ok(());
        };
        match self
            .rest
            .create_message_with_file(channel, result, chart)
            .await
        {
            Ok(_) => Ok(()),
            // Refused for the file: a bad form (400), no Attach Files (403), too large (413).
            Err(
                e @ RestError::Status {
                    status: 400 | 403 | 413,
                    ..
                },
            ) => {
                self.tell_moderators(
                    Some(d.record.server),
                    &format!(
                        "The chart of discussion #{} could not be attached in <#{channel}>; the result is posted without it: {e}",
                        d.id()
                    ),
                )
                .await;
                self.rest.create_message(channel, result).await?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The log channel of `server`'s moderators: the one it set, else the file's if that channel
    /// is in this server (a channel of one server never hears of another's). `None`: the
    /// file's, for what concerns no one server.
    pub(crate) async fn log_channel(&self, server: Option<ServerId>) -> Option<u64> {
        let Some(server) = server else {
            return self.discord.log_channel;
        };
        let config = self.settings(server).await.ok()?;
        let channel = config.log_channel?;
        if !config.log_channel_is_default() {
            return Some(channel);
        }
        // The file's channel: only where it belongs.
        let in_server = match (server.guild(), self.guilds.get()) {
            (Some(g), Some(cache)) => cache
                .guild(GuildId::new(g))
                .is_some_and(|guild| guild.channels.contains_key(&ChannelId::new(channel))),
            _ => false,
        };
        let only_server =
            self.discord.guild_id.is_some() && server.guild() == self.discord.guild_id;
        (in_server || only_server).then_some(channel)
    }

    /// A line for the moderators' log channel of `server` (and the log).
    pub(crate) async fn tell_moderators(&self, server: Option<ServerId>, text: &str) {
        match server {
            Some(s) => tracing::warn!(server = %s, "{text}"),
            None => tracing::warn!("{text}"),
        }
        self.note_for_moderators(server, text).await;
    }

    /// A line for the moderators' log channel of `server` only (what the bot's log has already,
    /// e.g. a settings change, logged where it was made).
    pub(crate) async fn note_for_moderators(&self, server: Option<ServerId>, text: &str) {
        if let Some(channel) = self.log_channel(server).await.filter(|c| *c != 0) {
            let m = CreateMessage::new()
                .content(cut(text, crate::limits::CONTENT).0)
                .allowed_mentions(super::no_mentions());
            if let Err(e) = self.rest.create_message(ChannelId::new(channel), &m).await {
                tracing::error!("cannot write to the moderators' log channel {channel}: {e}");
            }
        }
    }
}

/// Whether `message` has a button of discussion `id` (a stance, or "Write a reply").
fn carries(message: &Message, id: DiscussionId) -> bool {
    message
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .any(|c| match c {
            ActionRowComponent::Button(Button {
                data: ButtonKind::NonLink { custom_id, .. },
                ..
            }) => matches!(
                Action::parse(custom_id),
                Some(
                    Action::Vote { discussion, .. }
                        | Action::OpenReplyForm { discussion }
                        | Action::WeighIn { discussion }
                )
                    if discussion == id
            ),
            _ => false,
        })
}

/// The result's part on members' statements and stance changes, as a post of its own, with the
/// opinion map attached when members form groups. `None` when nobody answered a statement or
/// changed a stance. Computed and drawn on the blocking pool.
pub(crate) async fn opinion_part(
    engine: &Discussions,
    d: &Discussion,
) -> Result<Option<(render::Post, Option<Upload>)>, FlowError> {
    let (engine, server, id) = (engine.clone(), d.record.server, d.id());
    let (options, question) = (d.options(), d.prompt().question.clone());
    blocking(move || {
        let r = engine.opinion_result(server, id)?;
        let Some(embed) = render::weigh::opinion_embed(&r, &options) else {
            return Ok(None);
        };
        let post = render::Post {
            content: format!("**What members think, discussion #{id}**"),
            embeds: vec![embed],
            rows: Vec::new(),
        };
        if r.analysis.groups.is_empty() {
            return Ok(Some((post, None)));
        }
        let legend = render::weigh::legend_rows(&r, &options);
        let map = chart::map::draw_map(&question, &r.analysis, &legend, &ChartOptions::default())
            .and_then(|m| m.encode_png());
        let map = match map {
            Ok(png) => Some(
                Upload::new(chart::map::map_file_name(id), png).description(
                    cut(
                        &chart::map::map_alt_text(&r.analysis, &legend),
                        crate::limits::ATTACHMENT_DESCRIPTION,
                    )
                    .0,
                ),
            ),
            Err(e) => {
                tracing::warn!(discussion = %id, "the opinion map could not be drawn: {e}");
                None
            }
        };
        Ok(Some((post, map)))
    })
    .await?
}

/// The chart of `tally` as a PNG attachment with its alt text, drawn on the blocking pool, with
/// who changed their stance under the bars (read from the stance history).
pub(crate) async fn chart_upload(
    engine: &Discussions,
    d: &Discussion,
    tally: &Tally,
) -> Result<Upload, FlowError> {
    let (question, tally, id) = (d.prompt().question.clone(), tally.clone(), d.id());
    let (engine, server) = (engine.clone(), d.record.server);
    blocking(move || {
        let changes = engine.stance_changes(server, id)?;
        let png =
            chart::tally_chart_with_changes(&question, &tally, &changes, &ChartOptions::default())?;
        Ok(Upload::new(chart::file_name(id), png)
            .description(chart::alt_text_with_changes(&question, &tally, &changes)))
    })
    .await?
}
