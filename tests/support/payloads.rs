//! Discord objects as the loopback Discord sends them, shaped after the pages under
//! Discord's developer documentation (not only the minimum serenity accepts; see OFFLINE-NOTES.md).

use serde_json::{json, Value};

/// Discord's epoch (2015-01-01), for snowflakes.
pub const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

pub mod permissions {
    pub const ADMINISTRATOR: u64 = 1 << 3;
    pub const MANAGE_GUILD: u64 = 1 << 5;
    pub const ADD_REACTIONS: u64 = 1 << 6;
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const MANAGE_MESSAGES: u64 = 1 << 13;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
    pub const USE_APPLICATION_COMMANDS: u64 = 1 << 31;
    pub const MANAGE_THREADS: u64 = 1 << 34;
    pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;

    /// What @everyone may do in a freshly made guild.
    pub const EVERYONE: u64 = VIEW_CHANNEL
        | SEND_MESSAGES
        | READ_MESSAGE_HISTORY
        | ADD_REACTIONS
        | EMBED_LINKS
        | ATTACH_FILES
        | USE_APPLICATION_COMMANDS
        | CREATE_PUBLIC_THREADS
        | SEND_MESSAGES_IN_THREADS;
    pub const MODERATOR: u64 = MANAGE_MESSAGES | MANAGE_THREADS;
}

pub mod intents {
    pub const GUILDS: u64 = 1 << 0;
    pub const GUILD_PRESENCES: u64 = 1 << 8;
    pub const GUILD_MESSAGES: u64 = 1 << 9;
    pub const MESSAGE_CONTENT: u64 = 1 << 15;
}

/// Now, as Discord writes timestamps (`2025-01-01T12:00:00.000000+00:00`).
pub fn timestamp() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

pub fn now_ms() -> u64 {
    u64::try_from(jiff::Timestamp::now().as_millisecond()).unwrap_or(DISCORD_EPOCH_MS)
}

pub fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": if bot { Value::Null } else { json!(name) },
        "avatar": null,
        "bot": bot,
        "system": false,
        "banner": null,
        "accent_color": null,
        "public_flags": 0,
        "avatar_decoration_data": null,
    })
}

pub fn role(id: u64, name: &str, permissions: u64, position: u64, bot_id: Option<u64>) -> Value {
    let mut r = json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": permissions.to_string(),
        "managed": bot_id.is_some(),
        "mentionable": false,
        "flags": 0,
    });
    if let Some(bot) = bot_id {
        r["tags"] = json!({"bot_id": bot.to_string()});
    }
    r
}

/// A guild member; `permissions` is added in interactions (resolved permissions in the channel).
pub fn member(user: Value, roles: &[u64], joined_at: &str, permissions: Option<u64>) -> Value {
    let mut m = json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "banner": null,
        "roles": roles.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
        "joined_at": joined_at,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "communication_disabled_until": null,
    });
    if let Some(p) = permissions {
        m["permissions"] = json!(p.to_string());
    }
    m
}

pub fn text_channel(id: u64, guild_id: u64, name: &str, position: u64) -> Value {
    json!({
        "id": id.to_string(),
        "type": 0,
        "guild_id": guild_id.to_string(),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "last_pin_timestamp": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

pub fn thread_channel(
    id: u64,
    guild_id: u64,
    parent_id: u64,
    owner_id: u64,
    name: &str,
    created: &str,
) -> Value {
    json!({
        "id": id.to_string(),
        "type": 11,
        "guild_id": guild_id.to_string(),
        "parent_id": parent_id.to_string(),
        "owner_id": owner_id.to_string(),
        "name": name,
        "last_message_id": null,
        "last_pin_timestamp": null,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "applied_tags": [],
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": 1440,
            "archive_timestamp": created,
            "locked": false,
            "create_timestamp": created,
        },
    })
}

/// A message as Discord returns it from REST and sends it in MESSAGE_CREATE.
pub fn message(
    id: u64,
    channel_id: u64,
    guild_id: Option<u64>,
    author: Value,
    content: &str,
    timestamp: &str,
) -> Value {
    let mut m = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": author,
        "content": content,
        "timestamp": timestamp,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    if let Some(g) = guild_id {
        m["guild_id"] = json!(g.to_string());
    }
    m
}

/// A channel as `resolved.channels` carries it: a partial channel (docs/receiving-and-responding.md,
/// Resolved Data Structure), with the invoking member's permissions in it.
pub fn partial_channel(channel: &Value, permissions: u64) -> Value {
    let mut out = serde_json::Map::new();
    for key in [
        "id",
        "name",
        "type",
        "last_message_id",
        "last_pin_timestamp",
        "nsfw",
        "parent_id",
        "guild_id",
        "flags",
        "rate_limit_per_user",
        "topic",
        "position",
        "thread_metadata",
    ] {
        if let Some(v) = channel.get(key) {
            out.insert(key.to_string(), v.clone());
        }
    }
    out.insert("permissions".into(), json!(permissions.to_string()));
    Value::Object(out)
}

/// The shard a guild's events go to: `(guild_id >> 22) % num_shards` (docs/gateway.md, Sharding).
pub fn shard_of(guild_id: u64, num_shards: u64) -> u64 {
    (guild_id >> 22) % num_shards.max(1)
}

/// Request-side embeds become message embeds (`type: rich`).
pub fn embeds_out(embeds: &Value) -> Value {
    match embeds.as_array() {
        None => json!([]),
        Some(list) => Value::Array(
            list.iter()
                .map(|e| {
                    let mut e = e.clone();
                    if let Some(o) = e.as_object_mut() {
                        o.retain(|_, v| !v.is_null());
                        o.entry("type").or_insert(json!("rich"));
                    }
                    e
                })
                .collect(),
        ),
    }
}

/// Request-side components become message components, numbered like Discord numbers them.
pub fn components_out(components: &Value) -> Value {
    fn number(c: &mut Value, next: &mut u64) {
        if let Some(o) = c.as_object_mut() {
            o.retain(|_, v| !v.is_null());
            if !o.contains_key("id") {
                o.insert("id".into(), json!(*next));
            }
            *next += 1;
            if let Some(children) = o.get_mut("components").and_then(Value::as_array_mut) {
                for child in children {
                    number(child, next);
                }
            }
        }
    }
    let mut out = match components.as_array() {
        None => return json!([]),
        Some(list) => list.clone(),
    };
    let mut next = 1;
    for c in &mut out {
        number(c, &mut next);
    }
    Value::Array(out)
}

/// Every button's custom_id in a message's components.
pub fn custom_ids(message: &Value) -> Vec<String> {
    fn walk(c: &Value, out: &mut Vec<String>) {
        if let Some(id) = c["custom_id"].as_str() {
            out.push(id.to_string());
        }
        for child in c["components"].as_array().into_iter().flatten() {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    for c in message["components"].as_array().into_iter().flatten() {
        walk(c, &mut out);
    }
    out
}
