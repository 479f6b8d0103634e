#![recursion_limit = "256"]
//! `roundtable run` as a person runs it: the real binary, its exit codes and one-line errors,
//! the token from the environment or a token file, its log on a pipe, `roundtable invite`, and
//! SIGTERM.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::{bot, logs, Discord, TOKEN};

async fn output_within(child: tokio::process::Child, timeout: Duration) -> std::process::Output {
    tokio::time::timeout(timeout, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("roundtable did not exit within {timeout:?}"))
        .expect("wait for roundtable")
}

#[tokio::test]
async fn missing_token_exits_78_with_one_line_saying_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let config = bot::write_config(dir.path(), &discord.config(None));

    let child = bot::binary(&config, None, "warn")
        .spawn()
        .expect("start roundtable");
    let out = output_within(child, Duration::from_secs(10)).await;

    assert_eq!(out.status.code(), Some(78));
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
async fn rejected_token_exits_77_with_one_line_saying_what_to_do() {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let config = bot::write_config(dir.path(), &discord.config(None));

    let child = bot::binary(&config, Some("revoked-token"), "warn")
        .spawn()
        .expect("start roundtable");
    let out = output_within(child, Duration::from_secs(10)).await;

    assert_eq!(out.status.code(), Some(77));
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

#[tokio::test]
async fn a_missing_token_file_exits_78_naming_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let mut config = discord.config(None);
    config.discord.token_file = Some(dir.path().join("token"));
    let config = bot::write_config(dir.path(), &config);

    let child = bot::binary(&config, None, "warn")
        .spawn()
        .expect("start roundtable");
    let out = output_within(child, Duration::from_secs(10)).await;

    assert_eq!(out.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot read the Discord token file {} (discord.token_file): No such file",
            dir.path().join("token").display()
        )),
        "{stderr}"
    );
}

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

/// The binary at the default log level, stderr on a pipe: a moderator posts the seed discussion
/// and closes it, then SIGTERM. Returns stderr.
async fn post_and_close_with_the_log(
    configure: impl FnOnce(&mut tokio::process::Command),
    extra_config: &str,
) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let config = bot::write_config(dir.path(), &discord.config(Some(&guild)));
    let text = std::fs::read_to_string(&config).expect("read config");
    let prompts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts");
    std::fs::write(
        &config,
        format!(
            "prompts = {:?}\n{extra_config}{text}",
            prompts.display().to_string()
        ),
    )
    .expect("write config");

    let mut command = bot::binary(&config, Some(TOKEN), "");
    command
        .env_remove("ROUNDTABLE_LOG")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color");
    configure(&mut command);
    let child = command.spawn().expect("start roundtable");
    let pid = child.id().expect("pid");
    discord.await_commands(Some(guild.id)).await;
    discord.await_identifies(1, support::STEP).await;
    let post = discord.run_command(
        guild.moderator(),
        &guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": "syria-strike-2017"}]),
        ),
    );
    let posting = discord.answer(&post).await;
    assert_eq!(posting.callback_type(), Some(5), "{}", posting.content());
    let before = discord.sent().len();
    discord
        .await_sent("the thread", 0, |s| s.kind == support::SentKind::Thread)
        .await;
    let close = discord.run_command(
        guild.moderator(),
        &guild,
        guild.discussions,
        "discussion",
        sub("close", json!([])),
    );
    let closing = discord.answer(&close).await;
    assert_eq!(closing.callback_type(), Some(5), "{}", closing.content());
    discord
        .await_sent("the final result", before, |s| {
            s.kind == support::SentKind::Message && s.content().contains("Final result")
        })
        .await;
    // The close's log line comes before its posts; the final result is out, so it is written.
    bot::sigterm(pid);
    let out = output_within(child, Duration::from_secs(10)).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_default_level_a_piped_log_has_one_connect_line_one_per_discussion_and_no_colour() {
    let stderr = post_and_close_with_the_log(|_| {}, "").await;
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes in a pipe: {stderr:?}"
    );
    let count = |needle: &str| stderr.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(
        count("connected to Discord as roundtable: 1 server(s), shard 1 of 1"),
        1,
        "{stderr}"
    );
    assert_eq!(count("discussion posted"), 1, "{stderr}");
    assert_eq!(count("discussion closed"), 1, "{stderr}");
    assert!(
        stderr
            .lines()
            .all(|l| !l.contains("DEBUG") && !l.contains("TRACE")),
        "{stderr}"
    );
    assert!(stderr.contains(" INFO "), "{stderr}");
    assert!(!stderr.contains(TOKEN), "the token appeared in the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rust_log_is_honoured_and_log_format_json_writes_one_object_a_line() {
    let stderr = post_and_close_with_the_log(
        |c| {
            c.env("RUST_LOG", "warn,roundtable=debug");
        },
        "log_format = \"json\"\n",
    )
    .await;
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(lines.iter().any(|l| l["level"] == "DEBUG"), "{stderr}");
    let connected: Vec<&Value> = lines
        .iter()
        .filter(|l| {
            l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("connected to Discord as roundtable"))
        })
        .collect();
    assert_eq!(connected.len(), 1, "{stderr}");
    assert_eq!(connected[0]["level"], "INFO");
    let posted = lines
        .iter()
        .find(|l| l["fields"]["message"] == "discussion posted")
        .expect("a posted line");
    assert_eq!(posted["fields"]["discussion"], "1", "{posted}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

#[tokio::test]
async fn invite_without_a_client_id_asks_discord_for_the_tokens_application() {
    let dir = tempfile::tempdir().expect("temp dir");
    let discord = Discord::start().await;
    let config = bot::write_config(dir.path(), &discord.config(None));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_roundtable"))
        .args(["invite", "--config"])
        .arg(&config)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("DISCORD_TOKEN", TOKEN)
        .output()
        .await
        .expect("run roundtable invite");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "https://discord.com/oauth2/authorize?client_id={}&scope=bot+applications.commands&permissions=326417632256",
            discord.app_id()
        )),
        "{stdout}"
    );
    assert_eq!(discord.requests_to("get_my_oauth2_application").len(), 1);
    assert_eq!(discord.requests().len(), 1, "one request, nothing else");
}
