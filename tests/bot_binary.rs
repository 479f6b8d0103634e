#![recursion_limit = "256"]
//! `roundtable run` as a person runs it: the real binary, its exit codes and one-line errors,
//! the token from the environment or a token file, and SIGTERM.

mod support;

use serde_json::json;
use std::time::Duration;
use support::{bot, logs, Discord, TOKEN};

async fn output_within(child: tokio::process::Child, timeout: Duration) -> std::process::Output {
    tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("roundtable did not exit within {timeout:?}"))
        .expect("wait for roundtable")
}

#[tokio::test]
async fn missing_token_exits_2_with_one_line_saying_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let config = bot::write_config(dir.path(), &discord.config(None));

    let child = bot::binary(&config, None, "warn")
        .spawn()
        .expect("start roundtable");
    let out = output_within(child, Duration::from_secs(10)).await;

    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("roundtable: no Discord token: set DISCORD_TOKEN"),
        "{stderr}"
    );
    assert!(
        discord.requests().is_empty(),
        "nothing was sent without a token"
    );
}

#[tokio::test]
async fn rejected_token_exits_2_with_one_line_saying_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let config = bot::write_config(dir.path(), &discord.config(None));

    let child = bot::binary(&config, Some("revoked-token"), "warn")
        .spawn()
        .expect("start roundtable");
    let out = output_within(child, Duration::from_secs(10)).await;

    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(
            "roundtable: Discord refused the bot token (401 Unauthorized): check DISCORD_TOKEN"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("revoked-token"));
}

#[tokio::test]
async fn binary_reads_the_token_file_answers_a_moderator_and_stops_on_sigterm() {
    let _logs = logs::capture();
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).expect("write token file");
    let mut config = discord.config(Some(&guild));
    config.discord.token_file = Some(token_file);
    let config = bot::write_config(dir.path(), &config);

    // Everything at DEBUG, to prove the token stays out of the log.
    let child = bot::binary(&config, None, "debug")
        .spawn()
        .expect("start roundtable");
    let pid = child.id().expect("pid");
    discord.await_commands(Some(guild.id)).await;
    discord.await_identifies(1, support::STEP).await;
    // GUILD_CREATE may still be in flight in the bot: the answer comes once it is processed.
    let answer = discord
        .answer(&discord.run_command(guild.moderator(), &guild, guild.general, "ping", json!([])))
        .await;
    assert!(
        answer.content().starts_with("Pong."),
        "{}",
        answer.content()
    );
    let refused = discord
        .answer(&discord.run_command(guild.member(0), &guild, guild.general, "ping", json!([])))
        .await;
    assert!(
        refused.content().starts_with("Only moderators"),
        "{}",
        refused.content()
    );

    bot::sigterm(pid);
    let out = output_within(child, Duration::from_secs(10)).await;

    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("stopping: closing the gateway"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token appeared in the log");
    assert!(
        discord.gateway_log().iter().any(|e| matches!(
            e,
            support::GwEvent::Disconnected {
                code: Some(1000),
                ..
            }
        )),
        "the bot closed the gateway cleanly: {:?}",
        discord.gateway_log()
    );
}
