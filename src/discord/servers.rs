//! Servers joining and leaving. A server that removes the bot (GUILD_DELETE without
//! `unavailable`) keeps its data for `discord.retention_days`: its schedules stop and its
//! discussions wait; should it add the bot again within that time, everything is as it was. Once
//! the time is up, the timekeeper deletes all of it ([`purge`]). A server that is only unavailable
//! (an outage) keeps everything as it is.
//!
//! Rows from before servers existed get theirs here too: at start from `discord.guild_id`, else
//! from the guild whose channel they live in, when that guild becomes available.

use super::flows::{blocking, Core};
use super::Data;
use crate::store::ServerId;
use jiff::{SignedDuration, Timestamp};
use serenity::model::gateway::Ready;
use serenity::model::guild::{Guild, UnavailableGuild};
use std::collections::HashSet;
use std::sync::atomic::Ordering;

/// A guild is available (at start, after an outage, or the bot was added again).
pub(super) async fn available(data: &Data, guild: &Guild) {
    let core = &data.core;
    let server = ServerId::Guild(guild.id.get());
    let store = core.engine.store().clone();
    match blocking(move || store.mark_present(server)).await {
        Ok(Ok(true)) => {
            tracing::info!(%server, "the server added roundtable again: its discussions, schedules and settings are as they were");
            core.note_for_moderators(
                Some(server),
                "roundtable is back in this server: its discussions, schedules and settings are as they were.",
            )
            .await;
            core.wake.notify_one();
        }
        Ok(Ok(false)) => {}
        Ok(Err(e)) => tracing::error!(%server, "cannot record the server as present: {e}"),
        Err(e) => tracing::error!(%server, "cannot record the server as present: {e}"),
    }
    if core.unassigned.load(Ordering::Relaxed) {
        let channels: Vec<String> = guild
            .channels
            .keys()
            .map(|c| c.get().to_string())
            .chain(guild.threads.iter().map(|t| t.id.get().to_string()))
            .collect();
        let store = core.engine.store().clone();
        match blocking(move || store.assign_by_channel(server, channels)).await {
            Ok(Ok(a)) if !a.is_empty() => tracing::info!(
                %server,
                "store: {} discussion(s) and {} ledger slot(s) from before servers were in this guild's channels; they belong to it now",
                a.discussions, a.slots
            ),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(%server, "cannot assign older discussions: {e}"),
            Err(e) => tracing::error!(%server, "cannot assign older discussions: {e}"),
        }
    }
}

/// A shard is ready: its READY lists every guild of the shard. A server the store knows on this
/// shard that is not listed removed the bot while it was offline (Discord sends no GUILD_DELETE
/// then): it is marked as gone, for the retention.
pub(super) async fn ready(data: &Data, ready: &Ready) {
    let core = &data.core;
    let (shard, total) = ready
        .shard
        .map_or((0, 1), |s| (u64::from(s.id.0), u64::from(s.total.max(1))));
    let listed: HashSet<u64> = ready.guilds.iter().map(|g| g.id.get()).collect();
    let (store, now) = (core.engine.store().clone(), core.engine.now());
    let marked = blocking(move || -> Result<Vec<ServerId>, crate::store::StoreError> {
        let left = store.servers_left()?;
        let mut marked = Vec::new();
        for server in store.servers()? {
            let Some(g) = server.guild() else { continue };
            if (g >> 22) % total == shard && !listed.contains(&g) && !left.contains(&server) {
                store.mark_left(server, now)?;
                marked.push(server);
            }
        }
        Ok(marked)
    })
    .await;
    match marked {
        Ok(Ok(marked)) => {
            for server in marked {
                tracing::info!(
                    %server,
                    "the server removed roundtable while it was offline: its data is kept for {} day(s), then deleted",
                    core.discord.retention_days
                );
            }
        }
        Ok(Err(e)) => tracing::error!("cannot check which servers removed the bot: {e}"),
        Err(e) => tracing::error!("cannot check which servers removed the bot: {e}"),
    }
}

/// A guild is gone: removed the bot (kept for the retention), or unavailable (nothing changes).
pub(super) async fn gone(data: &Data, guild: &UnavailableGuild) {
    let core = &data.core;
    let server = ServerId::Guild(guild.id.get());
    if guild.unavailable {
        tracing::info!(%server, "the server is unavailable (an outage on Discord's side); its data stays as it is");
        return;
    }
    let (store, now) = (core.engine.store().clone(), core.engine.now());
    match blocking(move || store.mark_left(server, now)).await {
        Ok(Ok(())) => tracing::info!(
            %server,
            "the server removed roundtable: its data is kept for {} day(s), then deleted",
            core.discord.retention_days
        ),
        Ok(Err(e)) => {
            tracing::error!(%server, "cannot record that the server removed the bot: {e}")
        }
        Err(e) => tracing::error!(%server, "cannot record that the server removed the bot: {e}"),
    }
    core.wake.notify_one();
}

fn retention(core: &Core) -> SignedDuration {
    SignedDuration::from_hours(i64::from(core.discord.retention_days) * 24)
}

/// Deletes the data of servers that removed the bot more than `retention_days` ago.
pub(super) async fn purge(core: &Core) {
    let Ok(cutoff) = core.engine.now().checked_sub(retention(core)) else {
        return;
    };
    let store = core.engine.store().clone();
    match blocking(move || store.purge_left(cutoff)).await {
        Ok(Ok(purged)) => {
            for p in purged {
                core.settings.forget(p.server);
                core.forget_server(p.server);
                tracing::info!(
                    server = %p.server,
                    "the server removed roundtable more than {} day(s) ago: its data is deleted ({} discussion(s))",
                    core.discord.retention_days, p.discussions
                );
            }
        }
        Ok(Err(e)) => tracing::error!("cannot delete the data of servers that left: {e}"),
        Err(e) => tracing::error!("cannot delete the data of servers that left: {e}"),
    }
}

/// When the next server's retention ends, for the timekeeper's sleep.
pub(super) async fn next_purge(core: &Core) -> Option<Timestamp> {
    let store = core.engine.store().clone();
    let earliest = blocking(move || store.earliest_left()).await.ok()?.ok()??;
    earliest.checked_add(retention(core)).ok()
}
