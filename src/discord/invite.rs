//! `roundtable invite`: the link that adds the bot to a server with exactly the permissions it
//! uses (never Administrator), and the gateway intents to switch on for the configuration.
//!
//! The permissions are the bot's own needs in the channels it posts in, one per kind of request
//! it sends ([`NEEDED`]). Interaction answers (command replies, receipts, exports) are webhooks
//! of the interaction and need none; editing its own messages needs none either. Read Message
//! History is asked for because, after a crash, the bot reads the channel's and the thread's
//! latest messages to find a post it made already instead of posting it twice.

use super::{intents, rest::Rest, DiscordError};
use crate::config::Config;
use serenity::model::gateway::GatewayIntents;
use serenity::model::permissions::Permissions;
use std::fmt::Write;

/// The OAuth2 scopes of the invitation.
pub const SCOPES: &str = "bot applications.commands";

/// Each permission the bot uses, and the request that needs it.
pub const NEEDED: &[(Permissions, &str)] = &[
    (
        Permissions::VIEW_CHANNEL,
        "see the channels it posts in and their threads",
    ),
    (
        Permissions::SEND_MESSAGES,
        "post a discussion, its final result and notes to the log channel (create message)",
    ),
    (
        Permissions::EMBED_LINKS,
        "the post's summary, actors and tally are embeds",
    ),
    (
        Permissions::ATTACH_FILES,
        "the final result's chart, a PNG attached to the message",
    ),
    (
        Permissions::READ_MESSAGE_HISTORY,
        "find a post or thread message it made before a crash, not post it twice (list messages)",
    ),
    (
        Permissions::CREATE_PUBLIC_THREADS,
        "open the discussion's thread on its post (start thread from message)",
    ),
    (
        Permissions::SEND_MESSAGES_IN_THREADS,
        "continue quotes and post the final result in the thread",
    ),
    (
        Permissions::MANAGE_THREADS,
        "lock the thread when the discussion closes (modify channel: locked)",
    ),
];

/// The permission integer of the invitation: [`NEEDED`] and nothing more.
pub fn permissions() -> Permissions {
    NEEDED
        .iter()
        .fold(Permissions::empty(), |all, (p, _)| all | *p)
}

/// The invitation link for the application `client_id`.
pub fn url(client_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={client_id}&scope={}&permissions={}",
        SCOPES.replace(' ', "+"),
        permissions().bits()
    )
}

/// Why `roundtable invite` could not say which application to invite.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error(
        "which application? Pass --client-id ID (the Application ID on the Developer Portal's \
         General Information page), or set DISCORD_TOKEN (or discord.token_file) to ask Discord"
    )]
    NoApplication,
    #[error(transparent)]
    Discord(#[from] DiscordError),
}

/// The application the configured token belongs to (`GET /oauth2/applications/@me`, through
/// `discord.api_base` when set).
pub async fn application_id(config: &Config, token: &str) -> Result<u64, DiscordError> {
    let dc = &config.discord;
    let client = super::http_client(dc).map_err(DiscordError::HttpClient)?;
    let rest = Rest::new(
        std::sync::Arc::new(super::http_builder(dc, token, &client).build()),
        client,
    );
    let base = dc.api_base.as_deref().unwrap_or("https://discord.com");
    let app = rest
        .application_info()
        .await
        .map_err(DiscordError::at_startup(base))?;
    Ok(app.id.get())
}

/// The client id to invite: `given`, else the token's application.
pub async fn resolve_client_id(config: &Config, given: Option<u64>) -> Result<u64, InviteError> {
    match (given, config.token()) {
        (Some(id), _) => Ok(id),
        (None, Ok(token)) => Ok(application_id(config, &token).await?),
        (None, Err(crate::config::TokenError::Missing)) => Err(InviteError::NoApplication),
        (None, Err(e)) => Err(DiscordError::Token(e).into()),
    }
}

fn intent_name(i: GatewayIntents) -> &'static str {
    if i == GatewayIntents::GUILDS {
        "Guilds"
    } else if i == GatewayIntents::GUILD_MESSAGES {
        "Guild Messages"
    } else if i == GatewayIntents::MESSAGE_CONTENT {
        "Message Content"
    } else {
        "another intent"
    }
}

/// What `roundtable invite` prints for `client_id` with `config`.
pub fn text(client_id: u64, config: &Config) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Add roundtable to a server: open this link as someone with Manage Server there.\n\n{}\n",
        url(client_id)
    );
    let names = NEEDED
        .iter()
        .flat_map(|(p, _)| p.get_permission_names())
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "Scopes: {SCOPES}. Permissions ({}): {names}; nothing else, never Administrator.",
        permissions().bits()
    );
    let used = intents(&config.discord);
    let all: Vec<&str> = used.iter().map(intent_name).collect();
    let privileged: Vec<&str> = used
        .iter()
        .filter(|i| i.is_privileged())
        .map(intent_name)
        .collect();
    let _ = writeln!(
        out,
        "Gateway intents with this configuration: {}.",
        all.join(", ")
    );
    if privileged.is_empty() {
        let _ = writeln!(
            out,
            "Nothing to switch on in the Developer Portal: none of them is privileged."
        );
    } else {
        let _ = writeln!(
            out,
            "Switch on in the Developer Portal (Bot → Privileged Gateway Intents): {} Intent{}.",
            privileged.join(" Intent, "),
            if config.discord.message_content {
                " (discord.message_content = true keeps the text of thread replies)"
            } else {
                ""
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_integer_is_exactly_the_bits_the_bot_uses() {
        let bits: Vec<(u64, &str)> = NEEDED.iter().map(|(p, why)| (p.bits(), *why)).collect();
        let expected: &[(u64, &str)] = &[
            (1 << 10, "view channel"),
            (1 << 11, "send messages"),
            (1 << 14, "embed links"),
            (1 << 15, "attach files"),
            (1 << 16, "read message history (recovery after a crash)"),
            (1 << 35, "create public threads"),
            (1 << 38, "send messages in threads"),
            (1 << 34, "manage threads (locking)"),
        ];
        assert_eq!(
            bits.iter().map(|b| b.0).collect::<Vec<_>>(),
            expected.iter().map(|e| e.0).collect::<Vec<_>>(),
            "{bits:?}"
        );
        assert_eq!(permissions().bits(), sum_of(expected));
        assert_eq!(permissions().bits(), 326_417_632_256);
        assert!(!permissions().contains(Permissions::ADMINISTRATOR));
        assert!(!permissions().contains(Permissions::MANAGE_MESSAGES));
    }

    fn sum_of(e: &[(u64, &str)]) -> u64 {
        e.iter().map(|(b, _)| b).sum()
    }

    #[test]
    fn the_link_carries_the_client_id_both_scopes_and_the_integer() {
        assert_eq!(
            url(123456789012345678),
            "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions=326417632256"
        );
    }

    #[test]
    fn message_content_is_the_only_intent_to_switch_on_and_only_when_configured() {
        let mut config = Config::default();
        let plain = text(1, &config);
        assert!(
            plain.contains("Gateway intents with this configuration: Guilds, Guild Messages."),
            "{plain}"
        );
        assert!(plain.contains("Nothing to switch on"), "{plain}");
        config.discord.message_content = true;
        let content = text(1, &config);
        assert!(
            content.contains("Switch on in the Developer Portal (Bot → Privileged Gateway Intents): Message Content Intent"),
            "{content}"
        );
    }
}
