#![recursion_limit = "256"]
//! Gateway shards on the loopback Discord: one process runs every shard Discord recommends; each
//! shard hears of its own guilds (`(guild_id >> 22) % num_shards`), and the timekeeper posts the
//! schedules of the guilds on every shard.

mod support;

use jiff::SignedDuration;
use roundtable::clock::ManualClock;
use roundtable::discord::Observed;
use roundtable::schedule::{QueuePolicy, ScheduleConfig};
use std::sync::Arc;
use support::{bot, Discord, Guild, GwEvent, SentKind};

fn weekly(guild: &Guild) -> ScheduleConfig {
    ScheduleConfig {
        name: "weekly".into(),
        guild: Some(guild.id),
        channel: guild.discussions.to_string(),
        at: Some("Mon 18:00".into()),
        cron: None,
        timezone: "UTC".into(),
        duration_hours: Some(144),
        queue: QueuePolicy::Sequential,
        prompts: vec![],
        repeat: true,
        grace_hours: 6,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_with_a_server_on_each_both_post_on_schedule() {
    let discord = Discord::start().await;
    discord.set_recommended_shards(2);
    let a = discord.create_guild_on_shard("On shard 0", 1, 0, 2);
    let b = discord.create_guild_on_shard("On shard 1", 1, 1, 2);
    assert_eq!((a.shard(2), b.shard(2)), (0, 1));
    let mut config = discord.config(None);
    assert_eq!(config.discord.shards, roundtable::discord::Shards::Auto);
    // The same schedule name in two servers: two schedules.
    config.schedules = vec![weekly(&a), weekly(&b)];
    let clock = Arc::new(ManualClock::new("2026-11-30T17:59:00Z".parse().unwrap()));
    let mut running = bot::start_with_clock(&config, clock.clone()).await;
    // Each shard's READY lists its own guild, then its GUILD_CREATE comes.
    let (mut readies, mut guilds) = (Vec::new(), Vec::new());
    while readies.len() < 2 || guilds.len() < 2 {
        match running
            .seen("both shards' READY and GUILD_CREATE", |o| {
                matches!(o, Observed::Ready { .. } | Observed::GuildAvailable { .. })
            })
            .await
        {
            Observed::Ready { guilds: n, .. } => readies.push(n),
            Observed::GuildAvailable { guild_id, .. } => guilds.push(guild_id),
            _ => {}
        }
    }
    assert_eq!(readies, [1, 1], "one guild per shard");
    guilds.sort();
    assert_eq!(guilds, [a.id, b.id]);
    let mut shards: Vec<[u64; 2]> = discord
        .gateway_log()
        .iter()
        .filter_map(|e| match e {
            GwEvent::Identify { shard, .. } => Some(*shard),
            _ => None,
        })
        .collect();
    shards.sort();
    assert_eq!(shards, [[0, 2], [1, 2]]);
    assert_eq!(discord.requests_to("get_bot_gateway").len(), 1);

    clock.advance(SignedDuration::from_mins(1));
    running.wake();
    for g in [&a, &b] {
        let post = discord
            .await_sent("the scheduled post", 0, |s| {
                s.kind == SentKind::Message
                    && s.channel_id == Some(g.discussions)
                    && s.content().starts_with("**Discussion #")
            })
            .await;
        // A member on that guild's shard votes.
        let stance = post.custom_ids()[0].clone();
        let answer = discord
            .answer(&discord.click(g.member(0), g, post.message_id.unwrap(), &stance))
            .await;
        assert!(
            answer.content().starts_with("Your stance is recorded"),
            "{}",
            answer.content()
        );
    }
    let posts = discord
        .sent()
        .iter()
        .filter(|s| s.kind == SentKind::Message && s.content().starts_with("**Discussion #"))
        .count();
    assert_eq!(posts, 2, "one post per server");
    running.stop().await.unwrap();
    discord.assert_conformant();
}
