#![recursion_limit = "256"]
//! Timings of the real bot against the loopback Discord, in a release build:
//! `cargo bench --bench loopback`.
//!
//! - start to first answer: from `Bot::connect` (token check, gateway URL, command registration)
//!   through the gateway handshake and GUILD_CREATE to the callback of a moderator's `/ping`;
//!   one untimed warm-up run (it loads Discord's API description and compiles the validators),
//!   then fresh loopback Discords and bots.
//! - round trip: one running bot, sequential `/ping`s, from INTERACTION_CREATE sent to callback
//!   received and validated.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::Discord;

const STARTS: usize = 20;
const ROUND_TRIPS: usize = 300;

fn summary(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name}: n={} min={:.2?} median={:.2?} p90={:.2?} p99={:.2?} max={:.2?}",
        samples.len(),
        samples[0],
        pick(0.5),
        pick(0.9),
        pick(0.99),
        samples[samples.len() - 1]
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let mut starts = Vec::new();
        for i in 0..=STARTS {
            let discord = Discord::start().await;
            let guild = discord.create_guild("Newsroom", 10);
            let elapsed = support::time_to_first_answer(&discord, &guild).await;
            if i > 0 {
                starts.push(elapsed);
            }
        }
        summary("start to first answered interaction", starts);

        let discord = Discord::start().await;
        let guild = discord.create_guild("Newsroom", 10);
        let mut bot = support::bot::start(&discord.config(Some(&guild))).await;
        discord.await_commands(Some(guild.id)).await;
        bot.ready().await;
        let mut trips = Vec::new();
        let wall = Instant::now();
        for i in 0..ROUND_TRIPS {
            let who = if i % 2 == 0 { guild.moderator() } else { guild.member(i % 10) };
            let ix = discord.run_command(who, &guild, guild.general, "ping", json!([]));
            let answer = discord.answer(&ix).await;
            trips.push(answer.at - ix.dispatched_at);
        }
        let wall = wall.elapsed();
        summary("interaction round trip", trips);
        println!(
            "{ROUND_TRIPS} sequential interactions in {wall:.2?} ({:.0}/s), every request validated",
            ROUND_TRIPS as f64 / wall.as_secs_f64()
        );
        discord.assert_conformant();
        let _ = bot.stop().await;
    });
}
