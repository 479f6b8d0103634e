//! A loopback Discord for the end-to-end tests, benchmarks and load runs: REST and gateway on
//! 127.0.0.1 that the real serenity client connects to, driven the way Discord's users would
//! drive it, and checked against Discord's own API description on every request.
#![allow(dead_code)]

pub mod bot;
pub mod fake;
pub mod load;
pub mod logs;
pub mod openapi;
pub mod payloads;

#[allow(unused_imports)]
pub use fake::{
    Discord, Fault, Guild, GwEvent, Interaction, Member, Sent, SentFile, SentKind, STEP, TOKEN,
};

/// From `Bot::connect` to the first answered interaction: start-up REST calls, gateway handshake,
/// GUILD_CREATE in the cache, a moderator's `/ping` and its callback.
pub async fn time_to_first_answer(discord: &Discord, guild: &Guild) -> std::time::Duration {
    let start = std::time::Instant::now();
    let mut bot = bot::start(&discord.config(Some(guild))).await;
    bot.ready().await;
    let ix = discord.run_command(
        guild.moderator(),
        guild,
        guild.general,
        "ping",
        serde_json::json!([]),
    );
    discord.answer(&ix).await;
    let elapsed = start.elapsed();
    let _ = bot.stop().await;
    elapsed
}

/// The bot's REST client alone, pointed at `discord` (serenity's rate limiter off, as with any
/// `api_base`).
pub fn rest_client(discord: &Discord) -> roundtable::discord::Rest {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .expect("HTTP client");
    let http = serenity::http::HttpBuilder::new(TOKEN)
        .client(client.clone())
        .proxy(discord.api_base())
        .ratelimiter_disabled(true)
        .application_id(discord.app_id().into())
        .build();
    roundtable::discord::Rest::new(std::sync::Arc::new(http), client)
}
