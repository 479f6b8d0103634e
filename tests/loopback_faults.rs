#![recursion_limit = "256"]
//! Faults on demand, and how the bot recovers or reports: rate limits, server errors, slow and
//! hung routes, an unreachable Discord, a rejected token, and gateway closes (resumable and not),
//! invalid sessions, reconnect requests and a connection cut mid-frame.

mod support;

use roundtable::discord::{Bot, DiscordError, Observed};
use serde_json::json;
use std::time::Duration;
use support::{bot, logs, Discord, Fault, Guild, GwEvent, Interaction, STEP};

/// serenity waits 5 s between two IDENTIFYs of a shard (Discord's identify rate limit).
const REIDENTIFY: Duration = Duration::from_secs(15);

fn ping(discord: &Discord, guild: &Guild) -> Interaction {
    discord.run_command(guild.moderator(), guild, guild.general, "ping", json!([]))
}

async fn started(discord: &Discord, guild: &Guild) -> bot::RunningBot {
    let mut bot = bot::start(&discord.config(Some(guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;
    bot
}

// ----- REST ---------------------------------------------------------------------------------

#[tokio::test]
async fn rate_limited_answer_is_retried_after_reset() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let _bot = started(&discord, &guild).await;
    discord.fail(
        "create_interaction_response",
        Fault::RateLimited {
            retry_after: 0.25,
            global: false,
        },
        1,
    );

    let answer = discord.answer(&ping(&discord, &guild)).await;

    assert!(
        answer.content().starts_with("Pong."),
        "{}",
        answer.content()
    );
    let attempts = discord.requests_to("create_interaction_response");
    assert_eq!(
        attempts.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![429, 204]
    );
    let waited = attempts[1].at - attempts[0].at;
    assert!(
        waited >= Duration::from_millis(250),
        "retried after {waited:?}, before the reset"
    );
    assert!(
        waited < Duration::from_millis(1250),
        "waited {waited:?}: the body's retry_after (0.25 s) beats Retry-After (1 s)"
    );
    assert!(
        logs.text()
            .contains("create interaction response: rate limited (user); retrying after 0.250 s"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn globally_rate_limited_registration_is_retried_at_start() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    discord.fail(
        "bulk_set_guild_application_commands",
        Fault::RateLimited {
            retry_after: 0.1,
            global: true,
        },
        2,
    );

    let _bot = started(&discord, &guild).await;

    let statuses: Vec<u16> = discord
        .requests_to("bulk_set_guild_application_commands")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![429, 429, 200]);
    assert!(
        logs.text()
            .contains("register guild commands: rate limited (global)"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn rate_limit_that_outlasts_the_retries_is_reported_and_the_bot_keeps_serving() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let _bot = started(&discord, &guild).await;
    discord.fail(
        "create_interaction_response",
        Fault::RateLimited {
            retry_after: 0.01,
            global: false,
        },
        4,
    );

    let first = ping(&discord, &guild);
    let attempts = discord
        .await_requests("create_interaction_response", 4, STEP)
        .await;
    assert!(attempts.iter().all(|r| r.status == 429));
    // Once the limit lifts, the member hears that something went wrong rather than nothing.
    let apology = discord.answer(&first).await;
    let second = discord.answer(&ping(&discord, &guild)).await;

    assert!(
        apology.is_ephemeral() && apology.content().starts_with("Something went wrong"),
        "{}",
        apology.content()
    );
    assert!(second.content().starts_with("Pong."));
    assert!(
        logs.text()
            .contains("/ping: create interaction response: still rate limited after 4 attempts"),
        "{}",
        logs.text()
    );
}

#[tokio::test]
async fn server_error_on_an_answer_is_retried() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let _bot = started(&discord, &guild).await;
    discord.fail("create_interaction_response", Fault::ServerError(500), 1);

    let answer = discord.answer(&ping(&discord, &guild)).await;

    assert!(answer.content().starts_with("Pong."));
    let statuses: Vec<u16> = discord
        .requests_to("create_interaction_response")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, vec![500, 204]);
}

#[tokio::test]
async fn persistent_server_error_is_reported_clearly_and_the_bot_keeps_serving() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let _bot = started(&discord, &guild).await;
    discord.fail("create_interaction_response", Fault::ServerError(502), 4);

    ping(&discord, &guild);
    discord
        .await_requests("create_interaction_response", 4, STEP)
        .await;
    let next = discord.answer(&ping(&discord, &guild)).await;

    assert!(next.content().starts_with("Pong."));
    logs.wait_for(
        "ERROR roundtable::discord::events: /ping: create interaction response: Discord answered 502",
        STEP,
    )
    .await;
}

#[tokio::test]
async fn registration_cut_mid_answer_is_read_again() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    discord.fail("bulk_set_guild_application_commands", Fault::DropMidBody, 1);

    let _bot = started(&discord, &guild).await;

    assert_eq!(
        discord
            .requests_to("bulk_set_guild_application_commands")
            .len(),
        2
    );
    logs.wait_for(
        "register guild commands: error decoding response body",
        STEP,
    )
    .await;
    assert!(logs.text().contains("trying again (attempt 1 of 4)"));
}

#[tokio::test]
async fn post_cut_mid_answer_is_reported_and_not_sent_twice() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let rest = support::rest_client(&discord);
    discord.fail("create_message", Fault::DropMidBody, 1);

    let post = serenity::builder::CreateMessage::new()
        .content("This week: trams.")
        .allowed_mentions(serenity::builder::CreateAllowedMentions::new());
    let error = rest
        .create_message(serenity::model::id::ChannelId::new(guild.general), &post)
        .await
        .expect_err("the answer was cut");

    assert!(
        error.to_string().starts_with("create message: error"),
        "{error}"
    );
    assert_eq!(
        discord.requests_to("create_message").len(),
        1,
        "a post is never sent twice"
    );
}

#[tokio::test]
async fn slow_route_still_answers() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let _bot = started(&discord, &guild).await;
    discord.fail(
        "create_interaction_response",
        Fault::Slow(Duration::from_millis(300)),
        1,
    );

    let ix = ping(&discord, &guild);
    let answer = discord.answer(&ix).await;

    assert!(answer.content().starts_with("Pong."));
    assert!(answer.at - ix.dispatched_at >= Duration::from_millis(300));
    assert_eq!(
        discord.requests_to("create_interaction_response").len(),
        1,
        "one slow request, no retry"
    );
}

#[tokio::test]
async fn hung_answer_times_out_and_is_sent_again() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.discord.request_timeout_secs = 1;
    let mut bot = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;
    discord.fail(
        "create_interaction_response",
        Fault::Slow(Duration::from_secs(30)),
        1,
    );

    let answer = discord.answer(&ping(&discord, &guild)).await;

    assert!(answer.content().starts_with("Pong."));
    logs.wait_for(
        "create interaction response: error sending request: operation timed out; trying again",
        STEP,
    )
    .await;
    assert!(
        !logs.text().contains("/callback"),
        "interaction tokens stay out of the log"
    );
}

#[tokio::test]
async fn answer_that_got_through_but_was_lost_is_not_reported_as_a_failure() {
    let logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.discord.request_timeout_secs = 1;
    let mut bot = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;
    discord.fail("create_interaction_response", Fault::LostAnswer, 1);

    let answer = discord.answer(&ping(&discord, &guild)).await;
    let attempts = discord
        .await_requests("create_interaction_response", 2, STEP)
        .await;

    assert!(answer.content().starts_with("Pong."));
    assert_eq!(attempts[1].status, 400, "Discord refuses the second answer");
    logs.wait_for(
        "create interaction response: an earlier attempt got through",
        STEP,
    )
    .await;
    assert!(!logs.text().contains("ERROR"), "{}", logs.text());
}

#[tokio::test]
async fn unreachable_discord_is_a_clear_start_up_error() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let mut config = discord.config(None);
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    config.discord.api_base = Some(format!("http://{}", closed.local_addr().expect("address")));
    drop(closed);

    let error = Bot::connect(&config, support::TOKEN)
        .await
        .err()
        .expect("start-up fails");

    assert!(matches!(error, DiscordError::Startup { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 1);
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "cannot start on Discord ({}): get application info: error sending request",
            config.discord.api_base.as_deref().unwrap_or("")
        )) && text.contains("Connection refused"),
        "{text}"
    );
}

#[tokio::test]
async fn discord_that_never_answers_is_a_clear_start_up_error() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    discord.fail(
        "get_my_oauth2_application",
        Fault::Slow(Duration::from_secs(30)),
        10,
    );
    let mut config = discord.config(None);
    config.discord.request_timeout_secs = 1;

    let started = std::time::Instant::now();
    let error = Bot::connect(&config, support::TOKEN)
        .await
        .err()
        .expect("start-up fails");

    assert!(
        started.elapsed() < Duration::from_secs(8),
        "gave up after {:?}",
        started.elapsed()
    );
    assert!(
        error
            .to_string()
            .contains("get application info: error sending request: operation timed out"),
        "{error}"
    );
}

#[tokio::test]
async fn rejected_token_is_a_clear_error_with_exit_code_77() {
    let _logs = logs::capture();
    let discord = Discord::start().await;

    let error = Bot::connect(&discord.config(None), "not-the-token")
        .await
        .err()
        .expect("start-up fails");

    assert!(matches!(error, DiscordError::TokenRejected), "{error:?}");
    assert_eq!(error.exit_code(), 77);
    assert_eq!(discord.requests().len(), 1, "nothing after the 401");
}

// ----- gateway ------------------------------------------------------------------------------

#[tokio::test]
async fn bot_resumes_after_resumable_close() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;
    let session = match discord.gateway_log().iter().find_map(|e| match e {
        GwEvent::Dispatch { session, t, .. } if t == "READY" => Some(session.clone()),
        _ => None,
    }) {
        Some(s) => s,
        None => panic!("no READY"),
    };
    let mark = discord.gateway_log().len();

    discord.close_gateway(4000);
    // A command sent while the bot is away is replayed when it resumes.
    let ix = ping(&discord, &guild);
    let resume = discord
        .await_gateway("RESUME", mark, STEP, |e| {
            matches!(e, GwEvent::Resume { .. })
        })
        .await;
    bot.seen("RESUMED", |o| *o == Observed::Resumed).await;
    let answer = discord.answer(&ix).await;

    assert!(
        matches!(resume, GwEvent::Resume { ref session_id, accepted: true, .. } if *session_id == session),
        "{resume:?}"
    );
    assert!(answer.content().starts_with("Pong."));
    assert_eq!(
        discord
            .gateway_log()
            .iter()
            .filter(|e| matches!(e, GwEvent::Identify { .. }))
            .count(),
        1,
        "no new session"
    );
}

#[tokio::test]
async fn bot_resumes_after_connection_drops_mid_frame() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;
    let mark = discord.gateway_log().len();

    discord.drop_gateway_mid_frame();
    let resume = discord
        .await_gateway("RESUME", mark, STEP, |e| {
            matches!(e, GwEvent::Resume { .. })
        })
        .await;
    bot.seen("RESUMED", |o| *o == Observed::Resumed).await;

    assert!(
        matches!(resume, GwEvent::Resume { accepted: true, .. }),
        "{resume:?}"
    );
    assert!(discord
        .answer(&ping(&discord, &guild))
        .await
        .content()
        .starts_with("Pong."));
}

#[tokio::test]
async fn bot_resumes_when_discord_asks_it_to_reconnect() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;
    let mark = discord.gateway_log().len();

    discord.request_reconnect();
    let resume = discord
        .await_gateway("RESUME", mark, STEP, |e| {
            matches!(e, GwEvent::Resume { .. })
        })
        .await;
    bot.seen("RESUMED", |o| *o == Observed::Resumed).await;

    assert!(
        matches!(resume, GwEvent::Resume { accepted: true, .. }),
        "{resume:?}"
    );
    assert!(discord
        .answer(&ping(&discord, &guild))
        .await
        .content()
        .starts_with("Pong."));
}

#[tokio::test]
async fn bot_reidentifies_after_non_resumable_close() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;

    discord.close_gateway(4009);
    discord.await_identifies(2, REIDENTIFY).await;
    bot.new_session().await;

    let resumes = discord
        .gateway_log()
        .iter()
        .filter(|e| matches!(e, GwEvent::Resume { .. }))
        .count();
    assert_eq!(resumes, 0, "a timed-out session is not resumed");
    assert!(discord
        .answer(&ping(&discord, &guild))
        .await
        .content()
        .starts_with("Pong."));
}

#[tokio::test]
async fn bot_reidentifies_after_invalid_session() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;

    discord.invalidate_session();
    discord.await_identifies(2, REIDENTIFY).await;
    bot.new_session().await;

    assert!(discord
        .answer(&ping(&discord, &guild))
        .await
        .content()
        .starts_with("Pong."));
}

#[tokio::test]
async fn gateway_authentication_failure_stops_the_bot_with_a_clear_error() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;

    discord.close_gateway(4004);
    let outcome = bot.finished(STEP).await;

    let error = outcome.expect_err("the bot stops");
    assert!(matches!(error, DiscordError::TokenRejected), "{error:?}");
    assert_eq!(error.exit_code(), 77);
}

#[tokio::test]
async fn bot_reconnects_when_heartbeats_go_unacknowledged() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    discord.set_heartbeat_interval(100);
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = started(&discord, &guild).await;

    discord.withhold_heartbeat_acks(true);
    // A zombied connection: the bot gives up on it...
    discord
        .await_gateway("the bot dropping the zombie connection", 0, STEP, |e| {
            matches!(e, GwEvent::Disconnected { conn: 1, .. })
        })
        .await;
    discord.withhold_heartbeat_acks(false);
    // ...and connects again.
    discord.await_identifies(2, REIDENTIFY).await;
    bot.ready().await;

    assert!(discord
        .answer(&ping(&discord, &guild))
        .await
        .content()
        .starts_with("Pong."));
}
