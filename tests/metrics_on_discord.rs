#![recursion_limit = "256"]
//! Health and metrics of the real bot on the loopback Discord: `/healthz` answers 200 while the
//! gateway is connected and 503 once it is gone; `/metrics` counts every committed vote exactly
//! once. The counters are the process's own, so this file holds one test.

mod support;

use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use support::{bot, Discord, SentKind, STEP};

const SEED: &str = "syria-strike-2017";

fn sub(name: &str, options: Value) -> Value {
    json!([{"name": name, "type": 1, "options": options}])
}

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(format!("http://{addr}{path}"))
        .timeout(STEP)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    (status, response.text().await.expect("the body"))
}

/// Polls `path` until it answers `status`, within [`STEP`].
async fn until_status(addr: SocketAddr, path: &str, status: u16) -> String {
    let deadline = tokio::time::Instant::now() + STEP;
    loop {
        let (got, body) = get(addr, path).await;
        if got == status {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{path} still answers {got} ({body:?}), not {status}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The sum of a metric's samples whose line starts with `series` (a name, optionally with the
/// start of its labels).
fn sum(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .filter(|l| !l.starts_with('#') && l.starts_with(series))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_follows_the_gateway_and_metrics_count_every_committed_click() {
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 6);
    let mut config = discord.config(Some(&guild));
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    let mut running = bot::start(&config).await;
    let addr = running
        .metrics
        .expect("the bot serves /healthz and /metrics");
    discord.await_commands(Some(guild.id)).await;
    running.ready().await;
    assert_eq!(until_status(addr, "/healthz", 200).await, "ok\n");

    let before = discord.sent().len();
    let ix = discord.run_command(
        guild.moderator(),
        &guild,
        guild.discussions,
        "discussion",
        sub(
            "post",
            json!([{"name": "prompt", "type": 3, "value": SEED}]),
        ),
    );
    assert_eq!(discord.answer(&ix).await.callback_type(), Some(5));
    let post = discord
        .await_sent("the discussion post", before, |s| {
            s.kind == SentKind::Message && s.channel_id == Some(guild.discussions)
        })
        .await;
    let stances = &post.stance_ids()[..];
    let message = post.message_id.expect("the post's id");

    let (_, start) = get(addr, "/metrics").await;
    let votes_before = sum(&start, "roundtable_votes_committed_total");
    let clicks_before = sum(
        &start,
        "roundtable_interactions_total{kind=\"component\",outcome=\"ok\"}",
    );
    // Five members take a stance, and one of them changes it: six clicks, six votes committed.
    let mut clicks = 0;
    for (i, stance) in [0, 1, 1, 2, 0, 2].iter().enumerate() {
        let member = guild.member(i.min(4));
        let answer = discord
            .answer(&discord.click(member, &guild, message, &stances[*stance]))
            .await;
        assert!(
            answer.content().starts_with("Your stance is recorded")
                || answer.content().starts_with("Your stance is changed"),
            "{}",
            answer.content()
        );
        clicks += 1;
    }
    let (status, metrics) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    assert_eq!(
        sum(&metrics, "roundtable_votes_committed_total") - votes_before,
        f64::from(clicks),
        "{metrics}"
    );
    assert_eq!(
        sum(
            &metrics,
            "roundtable_votes_committed_total{change=\"changed\"}"
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        sum(
            &metrics,
            "roundtable_interactions_total{kind=\"component\",outcome=\"ok\"}"
        ) - clicks_before,
        f64::from(clicks),
        "{metrics}"
    );
    assert!(
        metrics.contains("\nroundtable_open_discussions 1\n"),
        "{metrics}"
    );
    assert!(
        sum(&metrics, "roundtable_store_commit_batch_size_count") >= f64::from(clicks),
        "{metrics}"
    );
    assert!(
        sum(
            &metrics,
            "roundtable_discord_requests_total{route=\"create interaction response\""
        ) >= f64::from(clicks),
        "{metrics}"
    );
    assert!(
        metrics.contains("# TYPE roundtable_store_commit_seconds histogram"),
        "{metrics}"
    );

    discord.shut_gateway();
    let why = until_status(addr, "/healthz", 503).await;
    assert!(why.starts_with("unavailable: "), "{why}");
    assert!(why.contains("gateway"), "{why}");
    // Still serving metrics while the bot tries to reconnect.
    assert_eq!(get(addr, "/metrics").await.0, 200);
    drop(running);
}
