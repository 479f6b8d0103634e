//! The loopback Discord: REST under `/api/v10` and a gateway over plain `ws://`, both on
//! 127.0.0.1, sharing one world (guilds, messages, commands, interactions). Every REST request is
//! matched against Discord's API description and its body validated; a violation or an unknown
//! route fails the test that caused it (when the [`Discord`] is dropped, or at
//! [`Discord::assert_conformant`]).

use super::openapi::{self, Matched};
use super::payloads::{self as p, intents, permissions};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// The bot token the loopback Discord accepts.
pub const TOKEN: &str = "MTAwMDAwMDAwMDAwMDAwMDAw.loopback.bot-token-for-tests";
/// How long a test waits for one step before it fails with a transcript.
pub const STEP: Duration = Duration::from_secs(10);
/// Bytes a bot may upload per request unless a test says otherwise (10 MiB).
pub const DEFAULT_ATTACHMENT_SIZE_LIMIT: u64 = 10 * 1024 * 1024;

/// A member of a guild, as a test names them.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: u64,
    pub name: String,
    pub roles: Vec<u64>,
    /// Resolved guild permissions (@everyone and the member's roles).
    pub permissions: u64,
}

/// A guild made by [`Discord::create_guild`]: its owner (Manage Server, not a moderator), one
/// moderator (role with Manage Messages) and plain members, a #general and a #discussions channel.
#[derive(Debug, Clone)]
pub struct Guild {
    pub id: u64,
    pub name: String,
    pub moderator_role: u64,
    pub bot_role: u64,
    pub general: u64,
    pub discussions: u64,
    /// Has Manage Server (changes the bot's settings), not Manage Messages.
    pub owner: Member,
    pub moderators: Vec<Member>,
    pub members: Vec<Member>,
}

impl Guild {
    pub fn moderator(&self) -> &Member {
        &self.moderators[0]
    }
    pub fn member(&self, i: usize) -> &Member {
        &self.members[i]
    }
    pub fn owner(&self) -> &Member {
        &self.owner
    }
    /// The shard this guild's events go to when the bot runs `num_shards`.
    pub fn shard(&self, num_shards: u64) -> u64 {
        p::shard_of(self.id, num_shards)
    }
}

/// An interaction a test caused; answers are matched by its id.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub id: u64,
    pub token: String,
    pub kind: u8,
    pub dispatched_at: Instant,
}

/// A fault a REST operation shows on demand.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with Discord's body and headers.
    RateLimited { retry_after: f64, global: bool },
    /// A 5xx with Discord's error body.
    ServerError(u16),
    /// Answers normally, after this long.
    Slow(Duration),
    /// Answers 200 and announces the whole body, then drops the connection halfway through it.
    DropMidBody,
    /// Does what was asked, then never answers (the answer is lost on the way back).
    LostAnswer,
}

/// One REST request as the loopback Discord saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub n: usize,
    pub at: Instant,
    pub method: String,
    pub path: String,
    pub op: Option<String>,
    pub body: Option<Value>,
    pub status: u16,
}

/// What the bot sent: messages, embeds, components and interaction callbacks, in order.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at: Instant,
    pub kind: SentKind,
    pub interaction_id: Option<u64>,
    pub channel_id: Option<u64>,
    pub message_id: Option<u64>,
    /// The request body as the bot sent it (a multipart body's `payload_json`).
    pub body: Value,
    /// The files of a multipart body, in the order of their parts.
    pub files: Vec<SentFile>,
}

/// A file the bot uploaded (a `files[n]` part of a multipart body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFile {
    /// The form field, `files[n]`.
    pub field: String,
    pub filename: String,
    /// The part's media type, as the bot labelled it.
    pub content_type: Option<String>,
    /// The description (alt text) its `attachments` entry gave.
    pub description: Option<String>,
    pub data: Vec<u8>,
}

impl SentFile {
    pub fn size(&self) -> usize {
        self.data.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SentKind {
    /// An interaction callback of this type (4 message, 5 deferred, 6 deferred update, 7 update,
    /// 8 autocomplete, 9 modal).
    Callback(u64),
    FollowUp,
    EditOriginal,
    Message,
    EditMessage,
    Thread,
    Commands {
        guild_id: Option<u64>,
    },
}

impl Sent {
    /// The message part: `data` of a callback, else the body itself.
    pub fn message(&self) -> &Value {
        match self.kind {
            SentKind::Callback(_) => &self.body["data"],
            _ => &self.body,
        }
    }
    pub fn content(&self) -> &str {
        self.message()["content"].as_str().unwrap_or("")
    }
    pub fn is_ephemeral(&self) -> bool {
        self.message()["flags"].as_u64().unwrap_or(0) & 64 != 0
    }
    pub fn embeds(&self) -> Vec<Value> {
        self.message()["embeds"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
    pub fn custom_ids(&self) -> Vec<String> {
        p::custom_ids(self.message())
    }
    /// The stance buttons' custom_ids (`rt:v:…`), in the order shown.
    pub fn stance_ids(&self) -> Vec<String> {
        self.custom_ids()
            .into_iter()
            .filter(|c| c.starts_with("rt:v:"))
            .collect()
    }
    /// The custom_id of the post's button `prefix` (`rt:r:` "Write a reply", `rt:g:` "Weigh in").
    pub fn button_id(&self, prefix: &str) -> String {
        self.custom_ids()
            .into_iter()
            .find(|c| c.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} button: {:?}", self.custom_ids()))
    }
    pub fn callback_type(&self) -> Option<u64> {
        match self.kind {
            SentKind::Callback(t) => Some(t),
            _ => None,
        }
    }
    /// The files attached to this message.
    pub fn files(&self) -> &[SentFile] {
        &self.files
    }
    /// Whether `allowed_mentions` is present and allows nobody.
    pub fn mentions_nobody(&self) -> bool {
        let am = &self.message()["allowed_mentions"];
        am.is_object()
            && am["parse"].as_array().is_some_and(Vec::is_empty)
            && am["users"].as_array().is_none_or(Vec::is_empty)
            && am["roles"].as_array().is_none_or(Vec::is_empty)
    }
}

/// What happened on the gateway, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum GwEvent {
    Connected {
        conn: u64,
    },
    Identify {
        conn: u64,
        intents: u64,
        token_ok: bool,
        /// `[shard_id, num_shards]` as IDENTIFY gave it (`[0, 1]` without).
        shard: [u64; 2],
    },
    Resume {
        conn: u64,
        session_id: String,
        seq: u64,
        accepted: bool,
    },
    Heartbeat {
        conn: u64,
        seq: Option<u64>,
    },
    HeartbeatAck {
        conn: u64,
    },
    Presence {
        conn: u64,
        d: Value,
    },
    Dispatch {
        session: String,
        t: String,
        s: u64,
    },
    ClosedByServer {
        conn: u64,
        code: u16,
    },
    DroppedMidFrame {
        conn: u64,
    },
    Disconnected {
        conn: u64,
        code: Option<u16>,
    },
}

enum GwCmd {
    Frame(String),
    Close(u16, String),
    DropMidFrame,
}

struct Session {
    seq: u64,
    frames: Vec<(u64, String)>,
    intents: u64,
    valid: bool,
    /// `[shard_id, num_shards]`.
    shard: [u64; 2],
}

struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<GwCmd>,
    session: Option<String>,
}

struct StoredInteraction {
    id: u64,
    token: String,
    kind: u8,
    user: Value,
    guild_id: Option<u64>,
    channel_id: u64,
    source_message: Option<u64>,
    acknowledged: bool,
    original: Option<u64>,
    /// The INTERACTION_CREATE payload as dispatched (to deliver it again).
    payload: Value,
}

struct GuildState {
    guild: Guild,
    json_roles: Vec<Value>,
    channels: Vec<Value>,
    threads: Vec<Value>,
    joined_at: String,
}

struct Armed {
    op: String,
    fault: Fault,
    remaining: usize,
}

impl World {
    /// What the bot sent so far, in order (for waits that look at many answers at once).
    pub fn sent_so_far(&self) -> &[Sent] {
        &self.sent
    }
}

/// Everything the loopback Discord knows. Reached through [`Discord`]'s methods.
pub struct World {
    app_id: u64,
    bot_id: u64,
    bot_name: String,
    gateway_url: String,
    next_id: u64,
    guilds: Vec<GuildState>,
    messages: Vec<Value>,
    /// Where each message sits in `messages`, by id: a click or an edit finds its message without
    /// a scan (a load run holds thousands of private cards).
    message_at: HashMap<u64, usize>,
    global_commands: Option<Vec<Value>>,
    guild_commands: BTreeMap<u64, Vec<Value>>,
    interactions: Vec<StoredInteraction>,
    /// Where each interaction sits in `interactions`, by id (a callback finds its interaction
    /// without a scan, however far behind the bot's answers are).
    interaction_at: HashMap<u64, usize>,
    requests: Vec<Recorded>,
    sent: Vec<Sent>,
    violations: Vec<String>,
    faults: Vec<Armed>,
    /// The files of the request being handled.
    incoming: Vec<SentFile>,
    /// The query string of the request being handled.
    query: Option<String>,
    /// `attachment_size_limit` of interactions from now on, and the most a request may upload.
    attachment_size_limit: u64,
    heartbeat_interval_ms: u64,
    withhold_acks: bool,
    sessions: HashMap<String, Session>,
    /// The live session of each shard (by shard id).
    current: BTreeMap<u64, String>,
    /// Guilds that removed the bot (kept to be added back).
    departed: Vec<GuildState>,
    /// `shards` in `GET /gateway/bot`.
    recommended_shards: u64,
    /// The message whose button opened a modal, by (user, modal custom_id): the submission
    /// carries it, as Discord's does.
    modal_sources: HashMap<(u64, String), u64>,
    /// What the CDN (`/attachments/...`) and the page server (`/pages/...`) serve: path →
    /// (content type, body).
    files: HashMap<String, (String, Vec<u8>)>,
    /// Uploaded attachments by id, as `resolved.attachments` carries them.
    attachments: HashMap<u64, Value>,
    /// The guild each channel and thread was made in (a hint: [`World::channel_in`] checks it).
    channel_guilds: HashMap<u64, u64>,
    conns: Vec<Conn>,
    next_conn: u64,
    gateway: Vec<GwEvent>,
}

struct Shared {
    world: Mutex<World>,
    version: watch::Sender<u64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }
}

fn discord_error(status: StatusCode, code: u64, message: &str) -> Response {
    (
        status,
        [("content-type", "application/json")],
        json!({"message": message, "code": code}).to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn id_str(v: &Value) -> u64 {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .or(v.as_u64())
        .unwrap_or(0)
}

impl World {
    fn snowflake(&mut self) -> u64 {
        let ts = p::now_ms().saturating_sub(p::DISCORD_EPOCH_MS);
        let id = (ts << 22).max(self.next_id + 1);
        self.next_id = id;
        id
    }

    fn bot_user(&self) -> Value {
        p::user(self.bot_id, &self.bot_name, true)
    }

    fn application(&self) -> Value {
        json!({
            "id": self.app_id.to_string(),
            "name": self.bot_name,
            "icon": null,
            "description": "Weekly discussions on news (loopback)",
            "type": null,
            "bot_public": false,
            "bot_require_code_grant": false,
            "verify_key": "1e0a356058d627ca38a5c8c9648818061d49e49bd9da9e3ab17d98ad4d6bg2u8",
            "flags": 0,
            "team": null,
            "owner": p::user(self.app_id + 1, "owner", false),
            "summary": "",
            "bot": self.bot_user(),
            "redirect_uris": [],
            "interactions_endpoint_url": null,
            "integration_types_config": {"0": {}},
        })
    }

    fn guild_state(&self, guild_id: u64) -> Option<&GuildState> {
        self.guilds.iter().find(|g| g.guild.id == guild_id)
    }

    fn channel_guild(&self, channel_id: u64) -> Option<u64> {
        self.channel_in(channel_id).map(|(g, _)| g.guild.id)
    }

    fn channel_json(&self, channel_id: u64) -> Option<Value> {
        self.channel_in(channel_id).map(|(_, c)| c.clone())
    }

    /// The guild a channel (or thread) is in, and the channel: through the index of where
    /// channels were made (a thousand guilds are not scanned per click), checked against the guild.
    fn channel_in(&self, channel_id: u64) -> Option<(&GuildState, &Value)> {
        fn in_guild(g: &GuildState, channel_id: u64) -> Option<&Value> {
            g.channels
                .iter()
                .chain(&g.threads)
                .find(|c| id_str(&c["id"]) == channel_id)
        }
        if let Some(g) = self
            .channel_guilds
            .get(&channel_id)
            .and_then(|g| self.guild_state(*g))
        {
            if let Some(c) = in_guild(g, channel_id) {
                return Some((g, c));
            }
        }
        self.guilds
            .iter()
            .find_map(|g| in_guild(g, channel_id).map(|c| (g, c)))
    }

    fn member_of(&self, guild_id: u64, user_id: u64) -> Option<&Member> {
        let g = &self.guild_state(guild_id)?.guild;
        std::iter::once(&g.owner)
            .chain(&g.moderators)
            .chain(&g.members)
            .find(|m| m.id == user_id)
    }

    fn member_json(&self, guild_id: u64, m: &Member, with_permissions: bool) -> Value {
        let joined = self
            .guild_state(guild_id)
            .map(|g| g.joined_at.clone())
            .unwrap_or_default();
        p::member(
            p::user(m.id, &m.name, false),
            &m.roles,
            &joined,
            with_permissions.then_some(m.permissions),
        )
    }

    fn bot_permissions(&self) -> u64 {
        permissions::EVERYONE | permissions::MODERATOR
    }

    /// GUILD_CREATE. Without the GUILD_PRESENCES intent Discord lists only the bot (and members
    /// in voice) in `members` (docs/gateway-events.md, Guild Create); `member_count` counts all.
    fn guild_create(&self, g: &GuildState, intents: u64) -> Value {
        let guild = &g.guild;
        let everyone = std::iter::once(&guild.owner)
            .chain(&guild.moderators)
            .chain(&guild.members);
        let member_count = everyone.clone().count() + 1;
        let mut members: Vec<Value> = if intents & intents::GUILD_PRESENCES != 0 {
            everyone
                .map(|m| self.member_json(guild.id, m, false))
                .collect()
        } else {
            Vec::new()
        };
        members.push(p::member(
            self.bot_user(),
            &[guild.bot_role],
            &g.joined_at,
            None,
        ));
        json!({
            "id": guild.id.to_string(),
            "name": guild.name,
            "icon": null,
            "splash": null,
            "discovery_splash": null,
            "owner_id": guild.owner.id.to_string(),
            "afk_channel_id": null,
            "afk_timeout": 300,
            "widget_enabled": false,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": g.json_roles,
            "emojis": [],
            "features": [],
            "mfa_level": 0,
            "application_id": null,
            "system_channel_id": guild.general.to_string(),
            "system_channel_flags": 0,
            "rules_channel_id": null,
            "max_members": 500000,
            "vanity_url_code": null,
            "description": null,
            "banner": null,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": null,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "stickers": [],
            "premium_progress_bar_enabled": false,
            "safety_alerts_channel_id": null,
            "incidents_data": null,
            "joined_at": g.joined_at,
            "large": false,
            "unavailable": false,
            "member_count": member_count,
            "voice_states": [],
            "members": members,
            "channels": g.channels,
            "threads": g.threads,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        })
    }

    // ----- gateway -------------------------------------------------------------------------

    fn frame(session: &mut Session, t: &str, d: Value) -> (u64, String) {
        session.seq += 1;
        let text = json!({"op": 0, "t": t, "s": session.seq, "d": d}).to_string();
        session.frames.push((session.seq, text.clone()));
        (session.seq, text)
    }

    /// The live session of the shard that carries `guild`'s events (shard 0 for events without a
    /// guild), as Discord routes them (docs/gateway.md, Sharding).
    fn session_for(&self, guild: Option<u64>) -> Option<String> {
        self.current.iter().find_map(|(shard, sid)| {
            let session = self.sessions.get(sid).filter(|s| s.valid)?;
            let route = guild.map_or(0, |g| p::shard_of(g, session.shard[1]));
            (route == *shard).then(|| sid.clone())
        })
    }

    /// Sends a dispatch on the session of the guild's shard; kept for replay when the bot is not
    /// connected.
    fn dispatch(&mut self, t: &str, d: Value) -> bool {
        let guild = match t {
            "GUILD_CREATE" | "GUILD_DELETE" | "GUILD_UPDATE" => Some(id_str(&d["id"])),
            _ => d.get("guild_id").map(id_str).filter(|g| *g != 0),
        };
        let Some(sid) = self.session_for(guild) else {
            return false;
        };
        let Some(session) = self.sessions.get_mut(&sid).filter(|s| s.valid) else {
            return false;
        };
        let needed = match t {
            "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" => intents::GUILD_MESSAGES,
            "THREAD_CREATE" | "GUILD_CREATE" | "GUILD_DELETE" | "GUILD_ROLE_UPDATE" => {
                intents::GUILDS
            }
            _ => 0,
        };
        if session.intents & needed != needed {
            return false;
        }
        let mut d = d;
        if t.starts_with("MESSAGE_")
            && session.intents & intents::MESSAGE_CONTENT == 0
            && d.get("content").is_some()
        {
            // Without the Message Content intent Discord sends empty content.
            d["content"] = json!("");
        }
        let (s, text) = Self::frame(session, t, d);
        self.gateway.push(GwEvent::Dispatch {
            session: sid.clone(),
            t: t.to_string(),
            s,
        });
        for c in self
            .conns
            .iter()
            .filter(|c| c.session.as_deref() == Some(sid.as_str()))
        {
            let _ = c.tx.send(GwCmd::Frame(text.clone()));
        }
        true
    }

    fn on_gateway_frame(&mut self, conn: u64, text: &str) -> Vec<GwCmd> {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            return vec![GwCmd::Close(4002, "Error while decoding payload.".into())];
        };
        let d = &frame["d"];
        match frame["op"].as_u64() {
            Some(1) => {
                self.gateway.push(GwEvent::Heartbeat {
                    conn,
                    seq: d.as_u64(),
                });
                if self.withhold_acks {
                    return vec![];
                }
                self.gateway.push(GwEvent::HeartbeatAck { conn });
                vec![GwCmd::Frame(json!({"op": 11}).to_string())]
            }
            Some(2) => {
                let token = d["token"].as_str().unwrap_or("");
                let token_ok = token.strip_prefix("Bot ").unwrap_or(token) == TOKEN;
                let intents = d["intents"].as_u64().unwrap_or(0);
                let shard = [
                    d["shard"][0].as_u64().unwrap_or(0),
                    d["shard"][1].as_u64().unwrap_or(1).max(1),
                ];
                self.gateway.push(GwEvent::Identify {
                    conn,
                    intents,
                    token_ok,
                    shard,
                });
                if !token_ok {
                    return vec![GwCmd::Close(4004, "Authentication failed.".into())];
                }
                if self
                    .conns
                    .iter()
                    .any(|c| c.id == conn && c.session.is_some())
                {
                    return vec![GwCmd::Close(4005, "Already authenticated.".into())];
                }
                let sid = format!("{:032x}", self.snowflake());
                let mut session = Session {
                    seq: 0,
                    frames: Vec::new(),
                    intents,
                    valid: true,
                    shard,
                };
                // A shard hears of its own guilds only.
                let on_shard = |g: &GuildState| p::shard_of(g.guild.id, shard[1]) == shard[0];
                let ready = json!({
                    "v": 10,
                    "user": self.bot_user(),
                    "guilds": self.guilds.iter().filter(|g| on_shard(g)).map(|g| json!({"id": g.guild.id.to_string(), "unavailable": true})).collect::<Vec<_>>(),
                    "session_id": sid,
                    "resume_gateway_url": self.gateway_url,
                    "shard": d.get("shard").cloned().unwrap_or(json!([0, 1])),
                    "application": {"id": self.app_id.to_string(), "flags": 0},
                    "private_channels": [],
                    "presences": [],
                    "relationships": [],
                    "user_settings": {},
                    "session_type": "normal",
                    "geo_ordered_rtc_regions": ["loopback"],
                    "guild_join_requests": [],
                });
                let mut out = Vec::new();
                let (s, text) = Self::frame(&mut session, "READY", ready);
                self.gateway.push(GwEvent::Dispatch {
                    session: sid.clone(),
                    t: "READY".into(),
                    s,
                });
                out.push(GwCmd::Frame(text));
                if intents & intents::GUILDS != 0 {
                    let creates: Vec<Value> = self
                        .guilds
                        .iter()
                        .filter(|g| on_shard(g))
                        .map(|g| self.guild_create(g, intents))
                        .collect();
                    for gc in creates {
                        let (s, text) = Self::frame(&mut session, "GUILD_CREATE", gc);
                        self.gateway.push(GwEvent::Dispatch {
                            session: sid.clone(),
                            t: "GUILD_CREATE".into(),
                            s,
                        });
                        out.push(GwCmd::Frame(text));
                    }
                }
                self.sessions.insert(sid.clone(), session);
                self.current.insert(shard[0], sid.clone());
                if let Some(c) = self.conns.iter_mut().find(|c| c.id == conn) {
                    c.session = Some(sid);
                }
                out
            }
            Some(6) => {
                let sid = d["session_id"].as_str().unwrap_or("").to_string();
                let seq = d["seq"].as_u64().unwrap_or(0);
                let token = d["token"].as_str().unwrap_or("");
                let token_ok = token.strip_prefix("Bot ").unwrap_or(token) == TOKEN;
                let accepted = token_ok
                    && self
                        .sessions
                        .get(&sid)
                        .is_some_and(|s| s.valid && seq <= s.seq);
                self.gateway.push(GwEvent::Resume {
                    conn,
                    session_id: sid.clone(),
                    seq,
                    accepted,
                });
                if !token_ok {
                    return vec![GwCmd::Close(4004, "Authentication failed.".into())];
                }
                if !accepted {
                    return vec![GwCmd::Frame(json!({"op": 9, "d": false}).to_string())];
                }
                let mut out = Vec::new();
                if let Some(session) = self.sessions.get_mut(&sid) {
                    for (s, text) in session.frames.iter().filter(|(s, _)| *s > seq) {
                        let _ = s;
                        out.push(GwCmd::Frame(text.clone()));
                    }
                    let (s, text) = Self::frame(session, "RESUMED", json!({}));
                    self.gateway.push(GwEvent::Dispatch {
                        session: sid.clone(),
                        t: "RESUMED".into(),
                        s,
                    });
                    out.push(GwCmd::Frame(text));
                }
                if let Some(shard) = self.sessions.get(&sid).map(|s| s.shard[0]) {
                    self.current.insert(shard, sid.clone());
                }
                if let Some(c) = self.conns.iter_mut().find(|c| c.id == conn) {
                    c.session = Some(sid);
                }
                out
            }
            Some(3) => {
                self.gateway.push(GwEvent::Presence { conn, d: d.clone() });
                vec![]
            }
            Some(8) => vec![],
            _ => vec![GwCmd::Close(4001, "Unknown opcode.".into())],
        }
    }

    // ----- REST ----------------------------------------------------------------------------

    fn record_sent(
        &mut self,
        kind: SentKind,
        interaction_id: Option<u64>,
        channel_id: Option<u64>,
        message_id: Option<u64>,
        body: &Value,
    ) {
        self.sent.push(Sent {
            at: Instant::now(),
            kind,
            interaction_id,
            channel_id,
            message_id,
            body: body.clone(),
            files: self.incoming.clone(),
        });
    }

    fn new_message(&mut self, channel_id: u64, author: Value, body: &Value, kind: u64) -> Value {
        let id = self.snowflake();
        let guild_id = self.channel_guild(channel_id);
        let mut m = p::message(
            id,
            channel_id,
            guild_id,
            author,
            body["content"].as_str().unwrap_or(""),
            &p::timestamp(),
        );
        m["embeds"] = p::embeds_out(&body["embeds"]);
        m["components"] = p::components_out(&body["components"]);
        m["attachments"] = json!(self.attachments_out(channel_id));
        m["tts"] = json!(body["tts"].as_bool().unwrap_or(false));
        m["flags"] = json!(body["flags"].as_u64().unwrap_or(0));
        m["type"] = json!(kind);
        if body["poll"].is_object() {
            m["poll"] = body["poll"].clone();
        }
        m
    }

    /// The request's files as a message's attachment objects (docs/message.md, Attachment
    /// Object), PNG images with their dimensions.
    fn attachments_out(&mut self, channel_id: u64) -> Vec<Value> {
        let files = self.incoming.clone();
        files
            .iter()
            .map(|f| {
                let id = self.snowflake();
                let mut a = json!({
                    "id": id.to_string(),
                    "filename": f.filename,
                    "size": f.data.len(),
                    "url": format!("https://cdn.discordapp.com/attachments/{channel_id}/{id}/{}", f.filename),
                    "proxy_url": format!("https://media.discordapp.net/attachments/{channel_id}/{id}/{}", f.filename),
                });
                if let Some(ct) = &f.content_type {
                    a["content_type"] = json!(ct);
                }
                if let Some(d) = &f.description {
                    a["description"] = json!(d);
                }
                if f.data.len() >= 24 && f.data.starts_with(b"\x89PNG\r\n\x1a\n") {
                    let be = |i: usize| u32::from_be_bytes([f.data[i], f.data[i + 1], f.data[i + 2], f.data[i + 3]]);
                    a["width"] = json!(be(16));
                    a["height"] = json!(be(20));
                }
                a
            })
            .collect()
    }

    fn store_and_announce(&mut self, m: Value) {
        let ephemeral = m["flags"].as_u64().unwrap_or(0) & 64 != 0;
        let guild = m["guild_id"].as_str().is_some();
        self.push_message(m.clone());
        if !ephemeral && guild {
            self.dispatch("MESSAGE_CREATE", m);
        }
    }

    fn message_index(&self, message_id: u64) -> Option<usize> {
        self.message_at.get(&message_id).copied()
    }

    fn push_message(&mut self, m: Value) {
        self.message_at
            .insert(id_str(&m["id"]), self.messages.len());
        self.messages.push(m);
    }

    fn remove_message(&mut self, idx: usize) -> Value {
        let m = self.messages.remove(idx);
        self.message_at.remove(&id_str(&m["id"]));
        for (i, later) in self.messages.iter().enumerate().skip(idx) {
            self.message_at.insert(id_str(&later["id"]), i);
        }
        m
    }

    fn apply_edit(&mut self, idx: usize, body: &Value) -> Value {
        let m = &mut self.messages[idx];
        if let Some(c) = body.get("content").filter(|c| !c.is_null()) {
            m["content"] = c.clone();
        }
        if body.get("embeds").is_some_and(|e| !e.is_null()) {
            m["embeds"] = p::embeds_out(&body["embeds"]);
        }
        if body.get("components").is_some_and(|c| !c.is_null()) {
            m["components"] = p::components_out(&body["components"]);
        }
        if let Some(f) = body.get("flags").and_then(Value::as_u64) {
            m["flags"] = json!(f);
        }
        if let Some(wanted) = body.get("attachments").and_then(Value::as_array) {
            // Attachments listed by id are kept; the request's files are added.
            let keep: Vec<u64> = wanted.iter().map(|a| id_str(&a["id"])).collect();
            let mut list: Vec<Value> = m["attachments"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|a| keep.contains(&id_str(&a["id"])))
                .cloned()
                .collect();
            let channel = id_str(&m["channel_id"]);
            list.extend(self.attachments_out(channel));
            self.messages[idx]["attachments"] = json!(list);
        }
        let m = &mut self.messages[idx];
        m["edited_timestamp"] = json!(p::timestamp());
        let m = m.clone();
        let ephemeral = m["flags"].as_u64().unwrap_or(0) & 64 != 0;
        if !ephemeral && m["guild_id"].is_string() {
            self.dispatch("MESSAGE_UPDATE", m.clone());
        }
        m
    }

    fn register_commands(&mut self, guild_id: Option<u64>, body: &Value) -> Value {
        let mut out = Vec::new();
        for c in body.as_array().into_iter().flatten() {
            let mut c = c.clone();
            if let Some(o) = c.as_object_mut() {
                o.retain(|_, v| !v.is_null());
            }
            let name = c["name"].as_str().unwrap_or("").to_string();
            let existing = match guild_id {
                Some(g) => self.guild_commands.get(&g),
                None => self.global_commands.as_ref(),
            }
            .and_then(|list| list.iter().find(|x| x["name"] == name.as_str()))
            .map(|x| id_str(&x["id"]));
            let id = match existing {
                Some(id) => id,
                None => self.snowflake(),
            };
            c["id"] = json!(id.to_string());
            c["application_id"] = json!(self.app_id.to_string());
            c["version"] = json!(self.snowflake().to_string());
            c["type"] = json!(c["type"].as_u64().unwrap_or(1));
            c.as_object_mut()
                .map(|o| o.entry("description").or_insert(json!("")));
            c.as_object_mut()
                .map(|o| o.entry("default_member_permissions").or_insert(Value::Null));
            c.as_object_mut()
                .map(|o| o.entry("nsfw").or_insert(json!(false)));
            if let Some(g) = guild_id {
                c["guild_id"] = json!(g.to_string());
            }
            out.push(c);
        }
        match guild_id {
            Some(g) => {
                self.guild_commands.insert(g, out.clone());
            }
            None => self.global_commands = Some(out.clone()),
        }
        self.record_sent(SentKind::Commands { guild_id }, None, None, None, body);
        Value::Array(out)
    }

    fn interaction_by_token(&self, token: &str) -> Option<usize> {
        self.interactions.iter().position(|i| i.token == token)
    }

    fn callback(&mut self, m: &Matched, body: &Value) -> Response {
        let id = m.id_param("interaction_id");
        let token = m.param("interaction_token");
        let Some(idx) = self
            .interaction_at
            .get(&id)
            .copied()
            .filter(|i| self.interactions[*i].token == token)
        else {
            return discord_error(StatusCode::NOT_FOUND, 10062, "Unknown interaction");
        };
        if self.interactions[idx].acknowledged {
            return discord_error(
                StatusCode::BAD_REQUEST,
                40060,
                "Interaction has already been acknowledged.",
            );
        }
        let kind = body["type"].as_u64().unwrap_or(0);
        let ix = &self.interactions[idx];
        let (channel_id, ix_kind, source) = (ix.channel_id, ix.kind, ix.source_message);
        let allowed = match kind {
            4 | 5 => ix_kind != 4,
            6 | 7 => ix_kind == 3 || (ix_kind == 5 && source.is_some()),
            8 => ix_kind == 4,
            9 => ix_kind == 2 || ix_kind == 3,
            _ => false,
        };
        if !allowed {
            self.violations.push(format!(
                "create_interaction_response: callback type {kind} is not allowed for an interaction of type {ix_kind}"
            ));
            return discord_error(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body");
        }
        self.interactions[idx].acknowledged = true;
        if let (9, 3, Some(source)) = (kind, ix_kind, source) {
            let user = id_str(&self.interactions[idx].user["id"]);
            let modal = body["data"]["custom_id"].as_str().unwrap_or("").to_string();
            self.modal_sources.insert((user, modal), source);
        }
        self.record_sent(
            SentKind::Callback(kind),
            Some(id),
            Some(channel_id),
            None,
            body,
        );
        match kind {
            4 | 5 => {
                let mut data = body["data"].clone();
                if kind == 5 {
                    let flags = data["flags"].as_u64().unwrap_or(0) | 128;
                    data = json!({"content": "", "flags": flags});
                }
                let ix = &self.interactions[idx];
                let (user, ix_id, ix_kind) = (ix.user.clone(), ix.id, ix.kind);
                let author = self.bot_user();
                let mut msg = self.new_message(
                    channel_id,
                    author,
                    &data,
                    if ix_kind == 2 { 20 } else { 19 },
                );
                msg["webhook_id"] = json!(self.app_id.to_string());
                msg["application_id"] = json!(self.app_id.to_string());
                msg["interaction_metadata"] = json!({
                    "id": ix_id.to_string(),
                    "type": ix_kind,
                    "user": user,
                    "authorizing_integration_owners": {},
                });
                if let (3, Some(source)) = (ix_kind, source) {
                    // Message Component Interaction Metadata (docs/message.md).
                    msg["interaction_metadata"]["interacted_message_id"] =
                        json!(source.to_string());
                }
                if ix_kind == 5 {
                    // Modal Submit Interaction Metadata: the interaction that opened the form
                    // (a command's or a component's), as `triggering_interaction_metadata`.
                    let mut trigger = json!({
                        "id": ix_id.to_string(),
                        "type": if source.is_some() { 3 } else { 2 },
                        "user": user.clone(),
                        "authorizing_integration_owners": {},
                    });
                    if let Some(source) = source {
                        trigger["interacted_message_id"] = json!(source.to_string());
                    }
                    msg["interaction_metadata"]["triggering_interaction_metadata"] = trigger;
                }
                self.interactions[idx].original = Some(id_str(&msg["id"]));
                if let Some(last) = self.sent.last_mut() {
                    last.message_id = Some(id_str(&msg["id"]));
                }
                self.store_and_announce(msg);
            }
            7 => {
                if let Some(i) = source.and_then(|s| self.message_index(s)) {
                    self.apply_edit(i, &body["data"]);
                }
            }
            _ => {}
        }
        StatusCode::NO_CONTENT.into_response()
    }

    fn handle_rest(&mut self, m: &Matched, body: Option<&Value>) -> Response {
        let empty = json!({});
        let body = body.unwrap_or(&empty);
        match m.op.id.as_str() {
            "get_gateway" => json_response(StatusCode::OK, &json!({"url": self.gateway_url})),
            "get_bot_gateway" => json_response(
                StatusCode::OK,
                &json!({"url": self.gateway_url, "shards": self.recommended_shards, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}}),
            ),
            "get_my_oauth2_application" | "get_my_application" => {
                json_response(StatusCode::OK, &self.application())
            }
            "get_my_user" => json_response(StatusCode::OK, &self.bot_user()),
            "bulk_set_application_commands" => {
                let out = self.register_commands(None, body);
                json_response(StatusCode::OK, &out)
            }
            "bulk_set_guild_application_commands" => {
                let g = m.id_param("guild_id");
                if self.guild_state(g).is_none() {
                    return discord_error(StatusCode::NOT_FOUND, 10004, "Unknown Guild");
                }
                let out = self.register_commands(Some(g), body);
                json_response(StatusCode::OK, &out)
            }
            "list_application_commands" => json_response(
                StatusCode::OK,
                &json!(self.global_commands.clone().unwrap_or_default()),
            ),
            "list_guild_application_commands" => json_response(
                StatusCode::OK,
                &json!(self
                    .guild_commands
                    .get(&m.id_param("guild_id"))
                    .cloned()
                    .unwrap_or_default()),
            ),
            "create_interaction_response" => self.callback(m, body),
            "get_original_webhook_message" | "update_original_webhook_message" => {
                let Some(i) = self.interaction_by_token(m.param("webhook_token")) else {
                    return discord_error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
                };
                let Some(idx) = self.interactions[i]
                    .original
                    .and_then(|o| self.message_index(o))
                else {
                    return discord_error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
                };
                if m.op.id.starts_with("get") {
                    return json_response(StatusCode::OK, &self.messages[idx].clone());
                }
                let (ix_id, channel) = (self.interactions[i].id, self.interactions[i].channel_id);
                let mut edit = body.clone();
                // Editing a deferred answer clears its "thinking" state.
                let flags = self.messages[idx]["flags"].as_u64().unwrap_or(0) & !128;
                self.messages[idx]["flags"] = json!(flags);
                edit.as_object_mut().map(|o| o.remove("flags"));
                let msg = self.apply_edit(idx, &edit);
                self.record_sent(
                    SentKind::EditOriginal,
                    Some(ix_id),
                    Some(channel),
                    Some(id_str(&msg["id"])),
                    body,
                );
                json_response(StatusCode::OK, &msg)
            }
            "execute_webhook" => {
                let Some(i) = self.interaction_by_token(m.param("webhook_token")) else {
                    return discord_error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
                };
                if !self.interactions[i].acknowledged {
                    return discord_error(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
                }
                let (ix_id, channel) = (self.interactions[i].id, self.interactions[i].channel_id);
                let author = self.bot_user();
                let mut msg = self.new_message(channel, author, body, 0);
                msg["webhook_id"] = json!(self.app_id.to_string());
                msg["application_id"] = json!(self.app_id.to_string());
                self.record_sent(
                    SentKind::FollowUp,
                    Some(ix_id),
                    Some(channel),
                    Some(id_str(&msg["id"])),
                    body,
                );
                self.store_and_announce(msg.clone());
                json_response(StatusCode::OK, &msg)
            }
            "create_message" => {
                let channel = m.id_param("channel_id");
                if self.channel_json(channel).is_none() {
                    return discord_error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
                }
                let author = self.bot_user();
                let msg = self.new_message(
                    channel,
                    author,
                    body,
                    if body["message_reference"].is_object() {
                        19
                    } else {
                        0
                    },
                );
                self.record_sent(
                    SentKind::Message,
                    None,
                    Some(channel),
                    Some(id_str(&msg["id"])),
                    body,
                );
                self.store_and_announce(msg.clone());
                json_response(StatusCode::OK, &msg)
            }
            "get_message" | "update_message" | "delete_message" => {
                let (channel, id) = (m.id_param("channel_id"), m.id_param("message_id"));
                let Some(idx) = self
                    .message_index(id)
                    .filter(|i| id_str(&self.messages[*i]["channel_id"]) == channel)
                else {
                    return discord_error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
                };
                match m.op.id.as_str() {
                    "get_message" => json_response(StatusCode::OK, &self.messages[idx].clone()),
                    "update_message" => {
                        if id_str(&self.messages[idx]["author"]["id"]) != self.bot_id {
                            return discord_error(
                                StatusCode::FORBIDDEN,
                                50005,
                                "Cannot edit a message authored by another user",
                            );
                        }
                        let msg = self.apply_edit(idx, body);
                        self.record_sent(
                            SentKind::EditMessage,
                            None,
                            Some(channel),
                            Some(id),
                            body,
                        );
                        json_response(StatusCode::OK, &msg)
                    }
                    _ => {
                        let msg = self.remove_message(idx);
                        let guild = msg["guild_id"].clone();
                        self.dispatch("MESSAGE_DELETE", json!({"id": id.to_string(), "channel_id": channel.to_string(), "guild_id": guild}));
                        StatusCode::NO_CONTENT.into_response()
                    }
                }
            }
            "create_thread_from_message" => {
                let (channel, id) = (m.id_param("channel_id"), m.id_param("message_id"));
                let Some(guild) = self.channel_guild(channel) else {
                    return discord_error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
                };
                let Some(idx) = self.message_index(id) else {
                    return discord_error(StatusCode::NOT_FOUND, 10008, "Unknown Message");
                };
                if self.messages[idx]["thread"].is_object() {
                    return discord_error(
                        StatusCode::BAD_REQUEST,
                        160004,
                        "A thread has already been created for this message",
                    );
                }
                // A thread started from a message takes the message's id.
                let name = body["name"].as_str().unwrap_or("thread");
                let thread =
                    p::thread_channel(id, guild, channel, self.bot_id, name, &p::timestamp());
                self.messages[idx]["thread"] = thread.clone();
                if let Some(g) = self.guilds.iter_mut().find(|g| g.guild.id == guild) {
                    g.threads.push(thread.clone());
                }
                self.channel_guilds.insert(id, guild);
                self.record_sent(SentKind::Thread, None, Some(channel), Some(id), body);
                let mut event = thread.clone();
                event["newly_created"] = json!(true);
                self.dispatch("THREAD_CREATE", event);
                json_response(StatusCode::CREATED, &thread)
            }
            "update_channel" => {
                let channel = m.id_param("channel_id");
                let Some(thread) = self
                    .guilds
                    .iter_mut()
                    .flat_map(|g| g.threads.iter_mut())
                    .find(|t| id_str(&t["id"]) == channel)
                else {
                    return discord_error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
                };
                for key in ["locked", "archived"] {
                    if let Some(v) = body[key].as_bool() {
                        thread["thread_metadata"][key] = json!(v);
                    }
                }
                let thread = thread.clone();
                self.dispatch("THREAD_UPDATE", thread.clone());
                json_response(StatusCode::OK, &thread)
            }
            "list_messages" => {
                // docs/message.md, Get Channel Messages: newest first, `limit` 1-100 (default
                // 50), and at most one of `around`, `before`, `after`.
                let channel = m.id_param("channel_id");
                if self.channel_json(channel).is_none() {
                    return discord_error(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
                }
                let params: HashMap<String, String> = self
                    .query
                    .as_deref()
                    .unwrap_or("")
                    .split('&')
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                let limit = params
                    .get("limit")
                    .and_then(|l| l.parse::<usize>().ok())
                    .unwrap_or(50)
                    .clamp(1, 100);
                let before = params.get("before").and_then(|b| b.parse::<u64>().ok());
                let after = params.get("after").and_then(|a| a.parse::<u64>().ok());
                let mut list: Vec<Value> = self
                    .messages
                    .iter()
                    .filter(|msg| id_str(&msg["channel_id"]) == channel)
                    .filter(|msg| msg["flags"].as_u64().unwrap_or(0) & 64 == 0)
                    .filter(|msg| before.is_none_or(|b| id_str(&msg["id"]) < b))
                    .filter(|msg| after.is_none_or(|a| id_str(&msg["id"]) > a))
                    .cloned()
                    .collect();
                list.sort_by_key(|msg| std::cmp::Reverse(id_str(&msg["id"])));
                list.truncate(limit);
                json_response(StatusCode::OK, &json!(list))
            }
            "get_channel" => match self.channel_json(m.id_param("channel_id")) {
                Some(c) => json_response(StatusCode::OK, &c),
                None => discord_error(StatusCode::NOT_FOUND, 10003, "Unknown Channel"),
            },
            other => {
                self.violations.push(format!(
                    "{} {}: the loopback Discord does not serve {other} yet (add it to tests/support/fake.rs)",
                    m.op.method, m.op.template
                ));
                discord_error(StatusCode::NOT_FOUND, 0, "404: Not Found")
            }
        }
    }
}

/// The loopback Discord of one test.
pub struct Discord {
    shared: Arc<Shared>,
    rest_addr: std::net::SocketAddr,
    tasks: Vec<JoinHandle<()>>,
    /// Databases made for this test's bots by [`Discord::config`]; removed when the test ends.
    databases: Mutex<Vec<std::path::PathBuf>>,
}

impl Drop for Discord {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        for db in self
            .databases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain(..)
        {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            // The pseudonym key a first export made beside it.
            let _ = std::fs::remove_file(roundtable::export::pseudonym::default_key_file(&db));
        }
        if !std::thread::panicking() {
            let v = self.take_violations();
            assert!(
                v.is_empty(),
                "the bot broke Discord's API description:\n  {}",
                v.join("\n  ")
            );
        }
    }
}

async fn rest_handler(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: axum::http::Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let full_path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    // The CDN and the page server: plain GETs, not API requests.
    if method == Method::GET
        && (full_path.starts_with("/attachments/") || full_path.starts_with("/pages/"))
    {
        let w = shared.lock();
        return match w.files.get(&full_path) {
            Some((content_type, body)) => (
                StatusCode::OK,
                [(axum::http::header::CONTENT_TYPE, content_type.clone())],
                body.clone(),
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let Some(path) = full_path.strip_prefix("/api/v10") else {
        let mut w = shared.lock();
        w.violations
            .push(format!("{method} {full_path}: not under /api/v10"));
        drop(w);
        shared.bump();
        return discord_error(StatusCode::NOT_FOUND, 0, "404: Not Found");
    };
    let spec = openapi::spec();
    let matched = spec.find(method.as_str(), path);
    // Parse and validate the body (JSON, or multipart's payload_json).
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let body: Option<Value> = if bytes.is_empty() {
        None
    } else if content_type.starts_with("multipart/form-data") {
        match openapi::multipart_parts(&content_type, &bytes) {
            Ok(parts) => {
                let payload = match parts.iter().find(|p| p.name == "payload_json") {
                    None => None,
                    Some(p) => match serde_json::from_slice(&p.data) {
                        Ok(v) => Some(v),
                        Err(e) => {
                            problems.push(format!("payload_json is not JSON: {e}"));
                            None
                        }
                    },
                };
                files = parts
                    .into_iter()
                    .filter(|p| p.name != "payload_json")
                    .map(|p| SentFile {
                        field: p.name,
                        filename: p.filename.unwrap_or_default(),
                        content_type: p.content_type,
                        description: None,
                        data: p.data,
                    })
                    .collect();
                payload
            }
            Err(e) => {
                problems.push(e);
                None
            }
        }
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(format!("body is not JSON: {e}"));
                None
            }
        }
    };
    let auth_ok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bot {TOKEN}"));
    let token_route = path.starts_with("/interactions/") || path.starts_with("/webhooks/");

    let n;
    let fault = {
        let mut w = shared.lock();
        n = w.requests.len() + 1;
        let op = matched.as_ref().map(|m| m.op.id.clone());
        let mut record = Recorded {
            n,
            at: Instant::now(),
            method: method.to_string(),
            path: path.to_string(),
            op: op.clone(),
            body: body.clone(),
            status: 0,
        };
        let Some(m) = matched.as_ref() else {
            let why = if spec.path_exists(path) {
                "method not allowed on"
            } else {
                "no such route in Discord's API:"
            };
            w.violations.push(format!("{why} {method} {path}"));
            record.status = 404;
            w.requests.push(record);
            drop(w);
            shared.bump();
            return discord_error(StatusCode::NOT_FOUND, 0, "404: Not Found");
        };
        if content_type.starts_with("multipart/form-data")
            && !spec.accepts(&m.op, "multipart/form-data")
        {
            problems.push("takes no multipart/form-data body".to_string());
        }
        problems.extend(match_files(&m.op.id, body.as_ref(), &mut files));
        for p in problems {
            w.violations.push(format!("{}: {p}", m.op.id));
        }
        for v in spec.validate_request(m, query.as_deref(), body.as_ref()) {
            w.violations.push(format!(
                "{} ({} {}): {v}",
                m.op.id, m.op.method, m.op.template
            ));
        }
        if !auth_ok && !token_route {
            record.status = 401;
            w.requests.push(record);
            drop(w);
            shared.bump();
            return discord_error(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized");
        }
        let uploaded: u64 = files.iter().map(|f| f.data.len() as u64).sum();
        if uploaded > w.attachment_size_limit {
            // Discord refuses the whole request (docs/opcodes-and-status-codes.md, 40005).
            record.status = 413;
            w.requests.push(record);
            drop(w);
            shared.bump();
            return discord_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                40005,
                "Request entity too large",
            );
        }
        let fault = w
            .faults
            .iter_mut()
            .find(|f| f.op == m.op.id && f.remaining > 0)
            .map(|f| {
                f.remaining -= 1;
                f.fault.clone()
            });
        if let Some(f @ (Fault::RateLimited { .. } | Fault::ServerError(_))) = &fault {
            let response = match f {
                Fault::RateLimited {
                    retry_after,
                    global,
                } => {
                    record.status = 429;
                    let mut r = json_response(
                        StatusCode::TOO_MANY_REQUESTS,
                        &json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": global}),
                    );
                    let h = r.headers_mut();
                    let secs = format!("{retry_after:.3}");
                    h.insert(
                        "retry-after",
                        HeaderValue::from_str(&format!("{}", retry_after.ceil() as u64))
                            .unwrap_or(HeaderValue::from_static("1")),
                    );
                    h.insert("x-ratelimit-limit", HeaderValue::from_static("5"));
                    h.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
                    h.insert(
                        "x-ratelimit-reset-after",
                        HeaderValue::from_str(&secs).unwrap_or(HeaderValue::from_static("1")),
                    );
                    h.insert(
                        "x-ratelimit-bucket",
                        HeaderValue::from_static("loopback-bucket"),
                    );
                    h.insert(
                        "x-ratelimit-scope",
                        HeaderValue::from_static(if *global { "global" } else { "user" }),
                    );
                    if *global {
                        h.insert("x-ratelimit-global", HeaderValue::from_static("true"));
                    }
                    r
                }
                Fault::ServerError(code) => {
                    record.status = *code;
                    discord_error(
                        StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                        0,
                        "500: Internal Server Error",
                    )
                }
                Fault::Slow(_) | Fault::DropMidBody | Fault::LostAnswer => {
                    unreachable!("answered below")
                }
            };
            w.requests.push(record);
            drop(w);
            shared.bump();
            return response;
        }
        w.requests.push(record);
        drop(w);
        shared.bump();
        fault
    };
    if let Some(Fault::Slow(d)) = fault {
        tokio::time::sleep(d).await;
    }
    let Some(m) = matched else {
        return discord_error(StatusCode::NOT_FOUND, 0, "404: Not Found");
    };
    let response = {
        let mut w = shared.lock();
        w.incoming = files;
        w.query = query;
        let r = w.handle_rest(&m, body.as_ref());
        w.incoming.clear();
        w.query = None;
        let status = r.status().as_u16();
        if let Some(rec) = w.requests.iter_mut().find(|r| r.n == n) {
            rec.status = status;
        }
        r
    };
    shared.bump();
    match fault {
        Some(Fault::DropMidBody) => return cut_mid_body(response).await,
        Some(Fault::LostAnswer) => std::future::pending::<()>().await,
        _ => {}
    }
    response
}

/// Pairs a multipart body's `files[n]` parts with their `attachments` entries (`id` = `n`),
/// giving each file its description; what does not pair up is a violation.
fn match_files(op: &str, body: Option<&Value>, files: &mut [SentFile]) -> Vec<String> {
    let mut problems = Vec::new();
    let message = body.map(|b| {
        if op == "create_interaction_response" {
            &b["data"]
        } else {
            b
        }
    });
    let entries: Vec<&Value> = message
        .and_then(|m| m["attachments"].as_array())
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let mut paired = Vec::new();
    for f in files.iter_mut() {
        let n = f
            .field
            .strip_prefix("files[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|n| n.parse::<u64>().ok());
        let Some(n) = n else {
            problems.push(format!(
                "multipart part {:?} is neither payload_json nor files[n]",
                f.field
            ));
            continue;
        };
        if f.filename.is_empty() {
            problems.push(format!("{} has no filename", f.field));
        }
        match entries.iter().find(|a| id_str(&a["id"]) == n) {
            Some(a) => {
                f.description = a["description"].as_str().map(str::to_string);
                if a["filename"].as_str().is_some_and(|name| name != f.filename) {
                    problems.push(format!(
                        "{}: the attachments entry names {} but the part is {}",
                        f.field, a["filename"], f.filename
                    ));
                }
                paired.push(n);
            }
            None => problems.push(format!(
                "{} has no attachments entry with id {n} (docs/message.md: for new attachments the id must match the n in files[n])",
                f.field
            )),
        }
    }
    // An id below any snowflake names a new file, which must come as files[id].
    for a in entries {
        let id = id_str(&a["id"]);
        if id < (1 << 22) && !paired.contains(&id) {
            problems.push(format!("attachments entry {id} has no files[{id}] part"));
        }
    }
    problems
}

/// The same answer, its body cut off halfway with the connection.
async fn cut_mid_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert("content-length", HeaderValue::from(bytes.len().max(1)));
    // The first half goes out (headers and all) before the connection breaks.
    let first = futures_util::stream::iter([Ok::<Bytes, std::io::Error>(half)]);
    let cut = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "dropped mid-body",
        ))
    });
    Response::from_parts(parts, axum::body::Body::from_stream(first.chain(cut)))
}

async fn gateway_connection(shared: Arc<Shared>, stream: TcpStream) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (conn, hello) = {
        let mut w = shared.lock();
        w.next_conn += 1;
        let conn = w.next_conn;
        w.conns.push(Conn {
            id: conn,
            tx,
            session: None,
        });
        w.gateway.push(GwEvent::Connected { conn });
        (
            conn,
            json!({"op": 10, "d": {"heartbeat_interval": w.heartbeat_interval_ms}}).to_string(),
        )
    };
    shared.bump();
    let mut close_code = None;
    if ws.send(WsMessage::Text(hello)).await.is_ok() {
        'conn: loop {
            tokio::select! {
                incoming = ws.next() => match incoming {
                    Some(Ok(WsMessage::Text(text))) => {
                        let replies = shared.lock().on_gateway_frame(conn, &text);
                        shared.bump();
                        for r in replies {
                            match r {
                                GwCmd::Frame(f) => if ws.send(WsMessage::Text(f)).await.is_err() { break 'conn },
                                GwCmd::Close(code, reason) => {
                                    shared.lock().gateway.push(GwEvent::ClosedByServer { conn, code });
                                    let _ = ws.close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.into() })).await;
                                    break 'conn;
                                }
                                GwCmd::DropMidFrame => break 'conn,
                            }
                        }
                    }
                    Some(Ok(WsMessage::Close(frame))) => {
                        close_code = frame.map(|f| u16::from(f.code));
                        break;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(_)) | None => break,
                },
                cmd = rx.recv() => match cmd {
                    Some(GwCmd::Frame(f)) => if ws.send(WsMessage::Text(f)).await.is_err() { break },
                    Some(GwCmd::Close(code, reason)) => {
                        shared.lock().gateway.push(GwEvent::ClosedByServer { conn, code });
                        let _ = ws.close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.into() })).await;
                        break;
                    }
                    Some(GwCmd::DropMidFrame) => {
                        // A text frame announcing 256 bytes, cut after a few: the TCP connection ends mid-frame.
                        let raw = ws.get_mut();
                        let _ = raw.write_all(&[0x81, 0x7e, 0x01, 0x00, b'{', b'"', b'o', b'p', b'"']).await;
                        let _ = raw.flush().await;
                        let _ = raw.shutdown().await;
                        shared.lock().gateway.push(GwEvent::DroppedMidFrame { conn });
                        break;
                    }
                    None => break,
                },
            }
        }
    }
    {
        let mut w = shared.lock();
        w.conns.retain(|c| c.id != conn);
        w.gateway.push(GwEvent::Disconnected {
            conn,
            code: close_code,
        });
    }
    shared.bump();
}

impl Discord {
    /// Starts REST and gateway on 127.0.0.1, on ports the system picks.
    pub async fn start() -> Discord {
        static NO_PROXY: std::sync::Once = std::sync::Once::new();
        NO_PROXY.call_once(|| std::env::set_var("NO_PROXY", "127.0.0.1,localhost"));
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gw = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let rest_addr = rest.local_addr().expect("REST address");
        let gw_addr = gw.local_addr().expect("gateway address");
        let (version, _) = watch::channel(0);
        let mut world = World {
            app_id: 0,
            bot_id: 0,
            bot_name: "roundtable".into(),
            gateway_url: format!("ws://{gw_addr}"),
            next_id: 0,
            guilds: Vec::new(),
            messages: Vec::new(),
            message_at: HashMap::new(),
            global_commands: None,
            guild_commands: BTreeMap::new(),
            interactions: Vec::new(),
            interaction_at: HashMap::new(),
            requests: Vec::new(),
            sent: Vec::new(),
            violations: Vec::new(),
            faults: Vec::new(),
            incoming: Vec::new(),
            query: None,
            attachment_size_limit: DEFAULT_ATTACHMENT_SIZE_LIMIT,
            heartbeat_interval_ms: 41_250,
            withhold_acks: false,
            sessions: HashMap::new(),
            current: BTreeMap::new(),
            departed: Vec::new(),
            recommended_shards: 1,
            modal_sources: HashMap::new(),
            files: HashMap::new(),
            attachments: HashMap::new(),
            channel_guilds: HashMap::new(),
            conns: Vec::new(),
            next_conn: 0,
            gateway: Vec::new(),
        };
        world.app_id = world.snowflake();
        world.bot_id = world.app_id;
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            version,
        });
        let app = axum::Router::new()
            .fallback(rest_handler)
            .with_state(shared.clone());
        // Like Discord's servers, answer without waiting on Nagle's algorithm.
        let rest = rest.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let rest_task = tokio::spawn(async move {
            let _ = axum::serve(rest, app).await;
        });
        let gw_shared = shared.clone();
        let gw_task = tokio::spawn(async move {
            let mut conns: Vec<JoinHandle<()>> = Vec::new();
            while let Ok((stream, _)) = gw.accept().await {
                let _ = stream.set_nodelay(true);
                conns.retain(|c| !c.is_finished());
                conns.push(tokio::spawn(gateway_connection(gw_shared.clone(), stream)));
            }
        });
        Discord {
            shared,
            rest_addr,
            tasks: vec![rest_task, gw_task],
            databases: Mutex::new(Vec::new()),
        }
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.shared.lock()
    }

    /// A member uploads `filename` with a command: the attachment's id, for an option of type 11.
    /// Its `url` is on this Discord's CDN route (`/attachments/...`), which serves `body`
    /// (docs/resources/message.md, Attachment Object).
    /// Attachment `id`'s address expires, as Discord's signed CDN addresses do: the CDN route
    /// no longer serves it.
    pub fn expire_attachment(&self, id: u64) {
        let mut w = self.world();
        let path = w.attachments.get(&id).and_then(|a| {
            a["url"]
                .as_str()
                .and_then(|u| u.find("/attachments/").map(|i| u[i..].to_string()))
        });
        if let Some(path) = path {
            w.files.remove(&path);
        }
    }

    pub fn upload_attachment(&self, filename: &str, content_type: &str, body: &[u8]) -> u64 {
        let base = self.api_base();
        let mut w = self.world();
        let id = w.snowflake();
        let path = format!("/attachments/{}/{id}/{filename}", w.app_id);
        w.files
            .insert(path.clone(), (content_type.to_string(), body.to_vec()));
        let url = format!("{base}{path}");
        w.attachments.insert(
            id,
            json!({
                "id": id.to_string(),
                "filename": filename,
                "size": body.len(),
                "url": url,
                "proxy_url": url,
                "content_type": content_type,
            }),
        );
        id
    }

    /// The local page server: `body` served at `/pages/{path}` with `content_type`; its URL.
    pub fn host_page(&self, path: &str, content_type: &str, body: &[u8]) -> String {
        let base = self.api_base();
        let full = format!("/pages/{path}");
        self.world()
            .files
            .insert(full.clone(), (content_type.to_string(), body.to_vec()));
        format!("{base}{full}")
    }

    /// What `api_base` must be for the bot to use this Discord.
    pub fn api_base(&self) -> String {
        format!("http://{}", self.rest_addr)
    }

    pub fn app_id(&self) -> u64 {
        self.world().app_id
    }

    pub fn bot_id(&self) -> u64 {
        self.world().bot_id
    }

    /// A guild with a moderator role (Manage Messages), one moderator and `members` plain members.
    pub fn create_guild(&self, name: &str, members: usize) -> Guild {
        self.create_guild_with(name, members, None)
    }

    /// [`Discord::create_guild`] with an id that puts it on shard `shard` of `num_shards`.
    pub fn create_guild_on_shard(
        &self,
        name: &str,
        members: usize,
        shard: u64,
        num_shards: u64,
    ) -> Guild {
        self.create_guild_with(name, members, Some((shard, num_shards)))
    }

    fn create_guild_with(&self, name: &str, members: usize, shard: Option<(u64, u64)>) -> Guild {
        let mut w = self.world();
        let id = match shard {
            None => w.snowflake(),
            Some((shard, n)) => {
                // The next snowflake whose timestamp part routes to the shard.
                let mut t = (w.snowflake() >> 22) + 1;
                while t % n.max(1) != shard {
                    t += 1;
                }
                w.next_id = t << 22;
                w.next_id
            }
        };
        let moderator_role = w.snowflake();
        let bot_role = w.snowflake();
        let general = w.snowflake();
        let discussions = w.snowflake();
        let person = |w: &mut World, name: String, moderator: bool| {
            let id = w.snowflake();
            let mut perms = permissions::EVERYONE;
            let mut roles = Vec::new();
            if moderator {
                perms |= permissions::MODERATOR;
                roles.push(moderator_role);
            }
            Member {
                id,
                name,
                roles,
                permissions: perms,
            }
        };
        let mut owner = person(&mut w, "owner-olu".into(), false);
        owner.permissions |= permissions::MANAGE_GUILD;
        let moderators = vec![person(&mut w, "mod-ada".into(), true)];
        let plain = (1..=members)
            .map(|i| person(&mut w, format!("member-{i}"), false))
            .collect();
        let guild = Guild {
            id,
            name: name.into(),
            moderator_role,
            bot_role,
            general,
            discussions,
            owner,
            moderators,
            members: plain,
        };
        let json_roles = vec![
            p::role(id, "@everyone", permissions::EVERYONE, 0, None),
            p::role(
                moderator_role,
                "Moderators",
                permissions::MODERATOR,
                1,
                None,
            ),
            p::role(
                bot_role,
                &w.bot_name.clone(),
                w.bot_permissions(),
                2,
                Some(w.bot_id),
            ),
        ];
        let channels = vec![
            p::text_channel(general, id, "general", 0),
            p::text_channel(discussions, id, "discussions", 1),
        ];
        w.channel_guilds.insert(general, id);
        w.channel_guilds.insert(discussions, id);
        w.guilds.push(GuildState {
            guild: guild.clone(),
            json_roles,
            channels,
            threads: Vec::new(),
            joined_at: p::timestamp(),
        });
        guild
    }

    /// Adds a role to `guild` (before the bot connects, so GUILD_CREATE carries it).
    pub fn add_role(&self, guild: &Guild, name: &str, permissions: u64) -> u64 {
        let mut w = self.world();
        let id = w.snowflake();
        let g = w
            .guilds
            .iter_mut()
            .find(|g| g.guild.id == guild.id)
            .expect("guild exists");
        let position = g.json_roles.len() as u64;
        g.json_roles
            .push(p::role(id, name, permissions, position, None));
        id
    }

    /// Renames role `role` of `guild`: GUILD_ROLE_UPDATE.
    pub fn rename_role(&self, guild: &Guild, role: u64, name: &str) {
        let mut w = self.world();
        let g = w
            .guilds
            .iter_mut()
            .find(|g| g.guild.id == guild.id)
            .expect("guild exists");
        let r = g
            .json_roles
            .iter_mut()
            .find(|r| id_str(&r["id"]) == role)
            .expect("role exists");
        r["name"] = json!(name);
        let r = r.clone();
        w.dispatch(
            "GUILD_ROLE_UPDATE",
            json!({"guild_id": guild.id.to_string(), "role": r}),
        );
        drop(w);
        self.shared.bump();
    }

    /// `guild` removes the bot: GUILD_DELETE without `unavailable` (docs/gateway-events.md, Guild
    /// Delete). Its channels are out of the bot's reach until [`Discord::add_bot_back`].
    pub fn remove_bot(&self, guild: &Guild) {
        let mut w = self.world();
        let idx = w
            .guilds
            .iter()
            .position(|g| g.guild.id == guild.id)
            .expect("guild exists");
        // Dispatched before the guild goes: its shard still hears of it.
        w.dispatch("GUILD_DELETE", json!({"id": guild.id.to_string()}));
        let g = w.guilds.remove(idx);
        w.departed.push(g);
        drop(w);
        self.shared.bump();
    }

    /// `guild` adds the bot again: GUILD_CREATE.
    pub fn add_bot_back(&self, guild: &Guild) {
        let mut w = self.world();
        let idx = w
            .departed
            .iter()
            .position(|g| g.guild.id == guild.id)
            .expect("the guild removed the bot");
        let g = w.departed.remove(idx);
        w.guilds.push(g);
        let intents = w
            .session_for(Some(guild.id))
            .and_then(|sid| w.sessions.get(&sid))
            .map_or(intents::GUILDS, |s| s.intents);
        let create = w.guild_state(guild.id).map(|g| w.guild_create(g, intents));
        if let Some(create) = create {
            w.dispatch("GUILD_CREATE", create);
        }
        drop(w);
        self.shared.bump();
    }

    /// `guild` is unavailable (an outage): GUILD_DELETE with `unavailable: true`.
    pub fn guild_outage(&self, guild: &Guild) {
        let mut w = self.world();
        w.dispatch(
            "GUILD_DELETE",
            json!({"id": guild.id.to_string(), "unavailable": true}),
        );
        drop(w);
        self.shared.bump();
    }

    /// The number of shards `GET /gateway/bot` recommends.
    pub fn set_recommended_shards(&self, n: u64) {
        self.world().recommended_shards = n.max(1);
    }

    /// Gives plain member `i` of `guild` the role `role` (its permissions add to theirs).
    pub fn give_role(&self, guild: &mut Guild, i: usize, role: u64) {
        let mut w = self.world();
        let g = w
            .guilds
            .iter_mut()
            .find(|g| g.guild.id == guild.id)
            .expect("guild exists");
        let perms = g
            .json_roles
            .iter()
            .find(|r| id_str(&r["id"]) == role)
            .and_then(|r| {
                r["permissions"]
                    .as_str()
                    .and_then(|p| p.parse::<u64>().ok())
            })
            .unwrap_or(0);
        for m in [&mut g.guild.members[i], &mut guild.members[i]] {
            m.roles.push(role);
            m.permissions |= perms;
        }
    }

    /// The bot's configuration for this Discord: `api_base`, the guild to register commands in,
    /// short timeouts.
    pub fn config(&self, guild: Option<&Guild>) -> roundtable::config::Config {
        let mut c = roundtable::config::Config::default();
        // A database of this test's own, and the repository's prompts.
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        c.database = std::env::temp_dir().join(format!(
            "roundtable-test-{}-{n}-{}.db",
            std::process::id(),
            self.app_id()
        ));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", c.database.display()));
        }
        self.databases
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(c.database.clone());
        c.prompts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
        c.discord.api_base = Some(self.api_base());
        c.discord.guild_id = guild.map(|g| g.id);
        c.discord.connect_timeout_secs = 2;
        c.discord.request_timeout_secs = 5;
        c
    }

    /// The `attachment_size_limit` of interactions from now on, and the most one request may
    /// upload (beyond it Discord answers 413).
    pub fn set_attachment_size_limit(&self, bytes: u64) {
        self.world().attachment_size_limit = bytes;
    }

    /// The HELLO heartbeat interval for connections from now on.
    pub fn set_heartbeat_interval(&self, ms: u64) {
        self.world().heartbeat_interval_ms = ms;
    }

    /// Stop (or resume) acknowledging heartbeats.
    pub fn withhold_heartbeat_acks(&self, yes: bool) {
        self.world().withhold_acks = yes;
    }

    /// The next `times` requests to operation `op` (an operationId) show `fault`.
    pub fn fail(&self, op: &str, fault: Fault, times: usize) {
        assert!(
            openapi::spec().operations_named(op),
            "{op} is not an operationId of Discord's API description"
        );
        self.world().faults.push(Armed {
            op: op.into(),
            fault,
            remaining: times,
        });
    }

    // ----- waiting ------------------------------------------------------------------------

    /// Waits until `f` finds what it looks for in the world, or fails the test after `timeout`
    /// with a transcript of what happened.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        mut f: impl FnMut(&World) -> Option<T>,
    ) -> T {
        let mut rx = self.shared.version.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            rx.borrow_and_update();
            if let Some(t) = f(&self.world()) {
                return t;
            }
            if tokio::time::timeout_at(deadline, rx.changed())
                .await
                .is_err()
            {
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n{}",
                    self.transcript()
                );
            }
        }
    }

    /// Everything that happened, for failure messages.
    pub fn transcript(&self) -> String {
        let w = self.world();
        let mut out = String::from("--- REST requests ---\n");
        for r in &w.requests {
            out += &format!(
                "{:>3} {} {} -> {} ({})\n",
                r.n,
                r.method,
                r.path,
                r.status,
                r.op.as_deref().unwrap_or("?")
            );
        }
        out += "--- gateway ---\n";
        for e in &w.gateway {
            out += &format!("{e:?}\n");
        }
        if !w.violations.is_empty() {
            out += "--- violations ---\n";
            for v in &w.violations {
                out += &format!("{v}\n");
            }
        }
        out
    }

    /// The commands registered in `guild` (or globally), once the bot registered them.
    pub async fn await_commands(&self, guild: Option<u64>) -> Vec<Value> {
        self.wait_for("command registration", STEP, |w| match guild {
            Some(g) => w.guild_commands.get(&g).cloned(),
            None => w.global_commands.clone(),
        })
        .await
    }

    /// The number of IDENTIFYs so far, once it reaches `n`.
    pub async fn await_identifies(&self, n: usize, timeout: Duration) -> usize {
        self.wait_for(&format!("IDENTIFY number {n}"), timeout, |w| {
            let count = w
                .gateway
                .iter()
                .filter(|e| matches!(e, GwEvent::Identify { .. }))
                .count();
            (count >= n).then_some(count)
        })
        .await
    }

    /// The next gateway event matching `f` after the first `after` events.
    pub async fn await_gateway(
        &self,
        what: &str,
        after: usize,
        timeout: Duration,
        f: impl Fn(&GwEvent) -> bool,
    ) -> GwEvent {
        self.wait_for(what, timeout, |w| {
            w.gateway.iter().skip(after).find(|e| f(e)).cloned()
        })
        .await
    }

    pub fn gateway_log(&self) -> Vec<GwEvent> {
        self.world().gateway.clone()
    }

    /// The first answer (callback) to `ix`.
    pub async fn answer(&self, ix: &Interaction) -> Sent {
        self.wait_for(&format!("an answer to interaction {}", ix.id), STEP, |w| {
            w.sent
                .iter()
                .find(|s| s.interaction_id == Some(ix.id) && s.callback_type().is_some())
                .cloned()
        })
        .await
    }

    /// The first thing the bot sent (after the first `after`) that matches `f`.
    pub async fn await_sent(&self, what: &str, after: usize, f: impl Fn(&Sent) -> bool) -> Sent {
        self.wait_for(what, STEP, |w| {
            w.sent.iter().skip(after).find(|s| f(s)).cloned()
        })
        .await
    }

    /// The first `n` requests to operation `op`, once there are that many.
    pub async fn await_requests(&self, op: &str, n: usize, timeout: Duration) -> Vec<Recorded> {
        self.wait_for(&format!("{n} request(s) to {op}"), timeout, |w| {
            let list: Vec<Recorded> = w
                .requests
                .iter()
                .filter(|r| r.op.as_deref() == Some(op) && r.status != 0)
                .cloned()
                .collect();
            (list.len() >= n).then_some(list)
        })
        .await
    }

    /// Every REST request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.world().requests.clone()
    }

    /// Requests to operation `op`, in order.
    pub fn requests_to(&self, op: &str) -> Vec<Recorded> {
        self.world()
            .requests
            .iter()
            .filter(|r| r.op.as_deref() == Some(op))
            .cloned()
            .collect()
    }

    /// Everything the bot sent, in order.
    pub fn sent(&self) -> Vec<Sent> {
        self.world().sent.clone()
    }

    /// How many things the bot sent so far (without copying them: a load run's cursor).
    pub fn sent_len(&self) -> usize {
        self.world().sent.len()
    }

    pub fn message(&self, id: u64) -> Option<Value> {
        let w = self.world();
        w.message_index(id).map(|i| w.messages[i].clone())
    }

    /// Takes the conformance violations seen so far (the test then owns them).
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut self.world().violations)
    }

    /// Fails the test if the bot broke Discord's API description.
    pub fn assert_conformant(&self) {
        let v = self.world().violations.clone();
        assert!(
            v.is_empty(),
            "the bot broke Discord's API description:\n  {}",
            v.join("\n  ")
        );
    }

    // ----- acting as Discord's users ----------------------------------------------------------

    fn new_interaction(
        &self,
        kind: u8,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        data: Value,
        message: Option<Value>,
    ) -> Interaction {
        let mut w = self.world();
        let id = w.snowflake();
        let token = format!("aW50ZXJhY3Rpb24.{id:x}.loopback-interaction-token");
        let member = w.member_json(guild.id, who, true);
        let user = member["user"].clone();
        let channel = w
            .channel_json(channel_id)
            .unwrap_or_else(|| panic!("no channel {channel_id} in the loopback Discord"));
        let mut payload = json!({
            "id": id.to_string(),
            "application_id": w.app_id.to_string(),
            "type": kind,
            "data": data,
            "guild": {"id": guild.id.to_string(), "locale": "en-US", "features": []},
            "guild_id": guild.id.to_string(),
            "guild_locale": "en-US",
            "channel": channel,
            "channel_id": channel_id.to_string(),
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": w.bot_permissions().to_string(),
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild.id.to_string()},
            "context": 0,
            "attachment_size_limit": w.attachment_size_limit,
        });
        let source_message = message.as_ref().map(|m| id_str(&m["id"]));
        if let Some(m) = message {
            payload["message"] = m;
        }
        let at = w.interactions.len();
        w.interaction_at.insert(id, at);
        w.interactions.push(StoredInteraction {
            id,
            token: token.clone(),
            kind,
            user,
            guild_id: Some(guild.id),
            channel_id,
            source_message,
            acknowledged: false,
            original: None,
            payload: payload.clone(),
        });
        let dispatched_at = Instant::now();
        w.dispatch("INTERACTION_CREATE", payload);
        drop(w);
        self.shared.bump();
        Interaction {
            id,
            token,
            kind,
            dispatched_at,
        }
    }

    fn command_data(&self, guild: &Guild, name: &str, options: Value) -> Value {
        let w = self.world();
        let command = w
            .guild_commands
            .get(&guild.id)
            .into_iter()
            .flatten()
            .chain(w.global_commands.iter().flatten())
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("the bot did not register /{name}"));
        let mut data = json!({"id": command["id"], "name": name, "type": 1});
        if command["guild_id"].is_string() {
            data["guild_id"] = command["guild_id"].clone();
        }
        // Role (8) and channel (7) options come with their objects in `resolved`, as Discord
        // sends them (docs/receiving-and-responding.md, Resolved Data Structure).
        let mut roles = serde_json::Map::new();
        let mut channels = serde_json::Map::new();
        fn walk(
            w: &World,
            guild: &Guild,
            options: &Value,
            roles: &mut serde_json::Map<String, Value>,
            channels: &mut serde_json::Map<String, Value>,
            attachments: &mut serde_json::Map<String, Value>,
        ) {
            for o in options.as_array().into_iter().flatten() {
                let id = id_str(&o["value"]);
                match o["type"].as_u64() {
                    Some(8) => {
                        let role = w
                            .guild_state(guild.id)
                            .and_then(|g| g.json_roles.iter().find(|r| id_str(&r["id"]) == id))
                            .cloned()
                            .unwrap_or_else(|| panic!("no role {id} in guild {}", guild.id));
                        roles.insert(id.to_string(), role);
                    }
                    Some(11) => {
                        let a = w
                            .attachments
                            .get(&id)
                            .cloned()
                            .unwrap_or_else(|| panic!("no attachment {id}: upload it first"));
                        attachments.insert(id.to_string(), a);
                    }
                    Some(7) => {
                        let channel = w
                            .channel_json(id)
                            .unwrap_or_else(|| panic!("no channel {id}"));
                        channels.insert(
                            id.to_string(),
                            p::partial_channel(&channel, permissions::EVERYONE),
                        );
                    }
                    _ => {}
                }
                walk(w, guild, &o["options"], roles, channels, attachments);
            }
        }
        let mut attachments = serde_json::Map::new();
        walk(
            &w,
            guild,
            &options,
            &mut roles,
            &mut channels,
            &mut attachments,
        );
        if !roles.is_empty() || !channels.is_empty() || !attachments.is_empty() {
            let mut resolved = serde_json::Map::new();
            if !attachments.is_empty() {
                resolved.insert("attachments".into(), Value::Object(attachments));
            }
            if !roles.is_empty() {
                resolved.insert("roles".into(), Value::Object(roles));
            }
            if !channels.is_empty() {
                resolved.insert("channels".into(), Value::Object(channels));
            }
            data["resolved"] = Value::Object(resolved);
        }
        if options.as_array().is_some_and(|o| !o.is_empty()) {
            data["options"] = options;
        }
        data
    }

    /// `who` types into an option of `/name`; `options` is the whole tree, the option typed in
    /// marked `"focused": true` (a subcommand's option sits under its subcommand).
    pub fn autocomplete_options(
        &self,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        name: &str,
        options: Value,
    ) -> Interaction {
        let data = self.command_data(guild, name, options);
        self.new_interaction(4, who, guild, channel_id, data, None)
    }

    /// `who` runs `/name` with `options` (`[{"name", "type", "value"}]`) in `channel_id`.
    pub fn run_command(
        &self,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        name: &str,
        options: Value,
    ) -> Interaction {
        let data = self.command_data(guild, name, options);
        self.new_interaction(2, who, guild, channel_id, data, None)
    }

    /// `who` types into option `option` of `/name`: an autocomplete interaction.
    pub fn autocomplete(
        &self,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        name: &str,
        option: &str,
        typed: &str,
    ) -> Interaction {
        let options = json!([{"name": option, "type": 3, "value": typed, "focused": true}]);
        let data = self.command_data(guild, name, options);
        self.new_interaction(4, who, guild, channel_id, data, None)
    }

    /// `who` clicks the button `custom_id` of message `message_id`.
    pub fn click(
        &self,
        who: &Member,
        guild: &Guild,
        message_id: u64,
        custom_id: &str,
    ) -> Interaction {
        let message = self
            .message(message_id)
            .unwrap_or_else(|| panic!("no message {message_id}"));
        self.click_message(who, guild, message, custom_id)
    }

    /// [`Discord::click`] on `message` as the caller fetched it with [`Discord::message`] (a load
    /// run clicking many times does not look the message up among all messages each time).
    pub fn click_message(
        &self,
        who: &Member,
        guild: &Guild,
        message: Value,
        custom_id: &str,
    ) -> Interaction {
        assert!(
            p::custom_ids(&message).iter().any(|c| c == custom_id),
            "message {} has no component {custom_id:?}: {}",
            message["id"],
            message["components"]
        );
        let channel = id_str(&message["channel_id"]);
        let data = json!({"custom_id": custom_id, "component_type": 2});
        self.new_interaction(3, who, guild, channel, data, Some(message))
    }

    /// `who` picks `values` in the string select menu `custom_id` of message `message_id`; each
    /// value must be one of the menu's options.
    pub fn choose(
        &self,
        who: &Member,
        guild: &Guild,
        message_id: u64,
        custom_id: &str,
        values: &[&str],
    ) -> Interaction {
        let message = self
            .message(message_id)
            .unwrap_or_else(|| panic!("no message {message_id}"));
        let menu = message["components"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
            .find(|c| c["type"] == 3 && c["custom_id"] == custom_id)
            .unwrap_or_else(|| {
                panic!(
                    "message {message_id} has no string select {custom_id:?}: {}",
                    message["components"]
                )
            });
        let offered: Vec<&str> = menu["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["value"].as_str())
            .collect();
        for v in values {
            assert!(
                offered.contains(v),
                "{v:?} is not an option of {custom_id:?}: {offered:?}"
            );
        }
        let channel = id_str(&message["channel_id"]);
        let data = json!({"custom_id": custom_id, "component_type": 3, "values": values});
        self.new_interaction(3, who, guild, channel, data, Some(message))
    }

    /// `who` clicks the button `custom_id` on the bot's ephemeral answer `answer` (seen only by
    /// them, so it is not a stored message): the interaction carries the answer as its message.
    pub fn click_on_answer(
        &self,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        answer: &Sent,
        custom_id: &str,
    ) -> Interaction {
        assert!(
            answer.custom_ids().iter().any(|c| c == custom_id),
            "the answer has no component {custom_id:?}: {}",
            answer.message()["components"]
        );
        // The answer as Discord keeps it: ephemeral, with the interaction it answered (and the
        // message clicked then) in `interaction_metadata`.
        let message = answer
            .message_id
            .and_then(|id| self.message(id))
            .unwrap_or_else(|| {
                let mut w = self.world();
                let author = w.bot_user();
                let mut m = w.new_message(channel_id, author, answer.message(), 0);
                m["flags"] = json!(64);
                m
            });
        let data = json!({"custom_id": custom_id, "component_type": 2});
        self.new_interaction(3, who, guild, channel_id, data, Some(message))
    }

    /// `who` submits the modal `custom_id` with text inputs `fields` (custom_id, value).
    pub fn submit_modal(
        &self,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        custom_id: &str,
        fields: &[(&str, &str)],
    ) -> Interaction {
        let rows: Vec<Value> = fields
            .iter()
            .enumerate()
            .map(|(i, (id, value))| json!({"type": 1, "id": 2 * i + 1, "components": [{"type": 4, "id": 2 * i + 2, "custom_id": id, "value": value}]}))
            .collect();
        let data = json!({"custom_id": custom_id, "components": rows});
        // Opened from a button: the submission carries that button's message.
        let source = {
            let w = self.world();
            w.modal_sources
                .get(&(who.id, custom_id.to_string()))
                .and_then(|m| w.message_index(*m).map(|i| w.messages[i].clone()))
        };
        self.new_interaction(5, who, guild, channel_id, data, source)
    }

    /// Discord delivers interaction `ix` again, the same INTERACTION_CREATE payload (as a replay
    /// after a RESUME would).
    pub fn redeliver(&self, ix: &Interaction) {
        let mut w = self.world();
        let payload = w
            .interactions
            .iter()
            .find(|i| i.id == ix.id)
            .map(|i| i.payload.clone())
            .unwrap_or_else(|| panic!("no interaction {}", ix.id));
        w.dispatch("INTERACTION_CREATE", payload);
        drop(w);
        self.shared.bump();
    }

    /// Discord delivers MESSAGE_CREATE of message `id` again.
    pub fn redeliver_message(&self, message_id: u64) {
        let mut w = self.world();
        let m = w
            .message_index(message_id)
            .map(|i| w.messages[i].clone())
            .unwrap_or_else(|| panic!("no message {message_id}"));
        w.dispatch("MESSAGE_CREATE", m);
        drop(w);
        self.shared.bump();
    }

    /// `who` runs a command named `name` that the bot never registered (an older version's,
    /// still listed by Discord): APPLICATION_COMMAND with that name and an id of its own.
    pub fn run_unregistered_command(
        &self,
        who: &Member,
        guild: &Guild,
        channel_id: u64,
        name: &str,
    ) -> Interaction {
        let command_id = self.world().snowflake();
        let data = json!({"id": command_id.to_string(), "name": name, "type": 1, "guild_id": guild.id.to_string()});
        self.new_interaction(2, who, guild, channel_id, data, None)
    }

    /// `who` clicks button `custom_id` of a copy of message `message_id` in their DM with the
    /// bot: an interaction with `user` and no `guild_id` or `member` (docs/receiving-and-
    /// responding.md, Interaction Structure: `member` in a guild, `user` in a DM), `context` 1
    /// (BOT_DM) and the DM channel as a partial channel.
    pub fn click_in_dm(&self, who: &Member, message_id: u64, custom_id: &str) -> Interaction {
        let mut w = self.world();
        let id = w.snowflake();
        let dm = w.snowflake();
        let token = format!("aW50ZXJhY3Rpb24.{id:x}.loopback-interaction-token");
        let user = p::user(who.id, &who.name, false);
        let mut message = w
            .message_index(message_id)
            .map(|i| w.messages[i].clone())
            .unwrap_or_else(|| panic!("no message {message_id}"));
        assert!(
            p::custom_ids(&message).iter().any(|c| c == custom_id),
            "message {message_id} has no component {custom_id:?}"
        );
        let copy = w.snowflake();
        message["id"] = json!(copy.to_string());
        message["channel_id"] = json!(dm.to_string());
        message.as_object_mut().map(|o| o.remove("guild_id"));
        let payload = json!({
            "id": id.to_string(),
            "application_id": w.app_id.to_string(),
            "type": 3,
            "data": {"custom_id": custom_id, "component_type": 2},
            "channel": {"id": dm.to_string(), "type": 1, "last_message_id": copy.to_string(), "flags": 0, "recipients": [user.clone()]},
            "channel_id": dm.to_string(),
            "user": user,
            "message": message,
            "token": token,
            "version": 1,
            "app_permissions": (permissions::EVERYONE).to_string(),
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": w.attachment_size_limit,
        });
        let at = w.interactions.len();
        w.interaction_at.insert(id, at);
        w.interactions.push(StoredInteraction {
            id,
            token: token.clone(),
            kind: 3,
            user: p::user(who.id, &who.name, false),
            guild_id: None,
            channel_id: dm,
            source_message: None,
            acknowledged: false,
            original: None,
            payload: payload.clone(),
        });
        let dispatched_at = Instant::now();
        w.dispatch("INTERACTION_CREATE", payload);
        drop(w);
        self.shared.bump();
        Interaction {
            id,
            token,
            kind: 3,
            dispatched_at,
        }
    }

    /// A message the bot posted earlier (before this test's run), with `components`.
    pub fn earlier_bot_post(&self, channel_id: u64, content: &str, components: Value) -> u64 {
        let mut w = self.world();
        let author = w.bot_user();
        let m = w.new_message(
            channel_id,
            author,
            &json!({"content": content, "components": components}),
            0,
        );
        let id = id_str(&m["id"]);
        w.push_message(m);
        id
    }

    /// `who` posts `content` in `channel_id` (a channel or thread): MESSAGE_CREATE.
    pub fn post(&self, who: &Member, guild: &Guild, channel_id: u64, content: &str) -> u64 {
        let mut w = self.world();
        let member = w.member_json(guild.id, who, false);
        let mut m = w.new_message(
            channel_id,
            member["user"].clone(),
            &json!({"content": content}),
            0,
        );
        let mut partial = member.clone();
        partial.as_object_mut().map(|o| o.remove("user"));
        m["member"] = partial;
        let id = id_str(&m["id"]);
        w.push_message(m.clone());
        w.dispatch("MESSAGE_CREATE", m);
        drop(w);
        self.shared.bump();
        id
    }

    /// The author edits message `id`: MESSAGE_UPDATE.
    pub fn edit(&self, message_id: u64, content: &str) {
        let mut w = self.world();
        let idx = w
            .message_index(message_id)
            .unwrap_or_else(|| panic!("no message {message_id}"));
        w.apply_edit(idx, &json!({"content": content}));
        drop(w);
        self.shared.bump();
    }

    /// Message `id` is deleted: MESSAGE_DELETE.
    pub fn delete(&self, message_id: u64) {
        let mut w = self.world();
        let idx = w
            .message_index(message_id)
            .unwrap_or_else(|| panic!("no message {message_id}"));
        let m = w.remove_message(idx);
        w.dispatch(
            "MESSAGE_DELETE",
            json!({"id": m["id"], "channel_id": m["channel_id"], "guild_id": m["guild_id"]}),
        );
        drop(w);
        self.shared.bump();
    }

    /// `who` starts a thread named `name` on message `message_id`: THREAD_CREATE.
    pub fn start_thread(&self, who: &Member, guild: &Guild, message_id: u64, name: &str) -> u64 {
        let mut w = self.world();
        let idx = w
            .message_index(message_id)
            .unwrap_or_else(|| panic!("no message {message_id}"));
        let parent = id_str(&w.messages[idx]["channel_id"]);
        let thread = p::thread_channel(message_id, guild.id, parent, who.id, name, &p::timestamp());
        w.messages[idx]["thread"] = thread.clone();
        if let Some(g) = w.guilds.iter_mut().find(|g| g.guild.id == guild.id) {
            g.threads.push(thread.clone());
        }
        let mut event = thread;
        event["newly_created"] = json!(true);
        w.dispatch("THREAD_CREATE", event);
        drop(w);
        self.shared.bump();
        message_id
    }

    /// Discord archives thread `thread_id` (its auto-archive duration passed): THREAD_UPDATE
    /// with `thread_metadata.archived` true.
    pub fn archive_thread(&self, thread_id: u64) {
        let mut w = self.world();
        let Some(thread) = w
            .guilds
            .iter_mut()
            .flat_map(|g| g.threads.iter_mut())
            .find(|t| id_str(&t["id"]) == thread_id)
        else {
            panic!("no thread {thread_id}");
        };
        thread["thread_metadata"]["archived"] = json!(true);
        thread["thread_metadata"]["archive_timestamp"] = json!(p::timestamp());
        let thread = thread.clone();
        w.dispatch("THREAD_UPDATE", thread);
        drop(w);
        self.shared.bump();
    }

    /// Whether thread `thread_id` is archived now.
    pub fn thread_archived(&self, thread_id: u64) -> bool {
        let w = self.world();
        w.guilds
            .iter()
            .flat_map(|g| g.threads.iter())
            .find(|t| id_str(&t["id"]) == thread_id)
            .is_some_and(|t| t["thread_metadata"]["archived"].as_bool() == Some(true))
    }

    // ----- gateway faults ----------------------------------------------------------------

    fn to_connections(&self, cmd: impl Fn() -> GwCmd) {
        let w = self.world();
        if w.conns.is_empty() {
            drop(w);
            panic!("no gateway connection\n{}", self.transcript());
        }
        for c in &w.conns {
            let _ = c.tx.send(cmd());
        }
    }

    /// Closes the gateway connection with `code`. Non-resumable codes (4004, 4007, 4009-4014)
    /// also end the session on Discord's side.
    pub fn close_gateway(&self, code: u16) {
        if matches!(code, 4004 | 4007 | 4009..=4014) {
            let mut w = self.world();
            for s in w.sessions.values_mut() {
                s.valid = false;
            }
        }
        self.to_connections(|| GwCmd::Close(code, "closed by the loopback Discord".into()));
    }

    /// Takes the gateway away: closes every connection (4000, resumable) and refuses new ones,
    /// as when Discord's gateway is unreachable. REST stays up.
    pub fn shut_gateway(&self) {
        if let Some(listener) = self.tasks.get(1) {
            listener.abort();
        }
        self.to_connections(|| GwCmd::Close(4000, "the loopback gateway is shutting".into()));
    }

    /// Cuts the TCP connection in the middle of a frame.
    pub fn drop_gateway_mid_frame(&self) {
        self.to_connections(|| GwCmd::DropMidFrame);
    }

    /// Invalid Session (op 9, `d: false`): the session ends and the bot must identify anew.
    pub fn invalidate_session(&self) {
        {
            let mut w = self.world();
            for s in w.sessions.values_mut() {
                s.valid = false;
            }
        }
        self.to_connections(|| GwCmd::Frame(json!({"op": 9, "d": false}).to_string()));
    }

    /// Reconnect (op 7).
    pub fn request_reconnect(&self) {
        self.to_connections(|| GwCmd::Frame(json!({"op": 7, "d": null}).to_string()));
    }

    /// Heartbeat request (op 1 from Discord).
    pub fn request_heartbeat(&self) {
        let seq = {
            let w = self.world();
            w.current
                .values()
                .next()
                .and_then(|s| w.sessions.get(s))
                .map(|s| s.seq)
        };
        self.to_connections(|| GwCmd::Frame(json!({"op": 1, "d": seq}).to_string()));
    }
}
