//! The timekeeper: one task that closes discussions at their close time and posts scheduled
//! discussions at their slots, in every server, across restarts (everything it needs is in the
//! store), and deletes the data of servers that removed the bot once their retention is over. It
//! sleeps until the next thing to do by the injected clock, and wakes early when told. It works
//! through REST only, so it is the same however many gateway shards the bot runs.

use super::flows::{blocking, Core};
use super::servers;
use crate::clock::Clock;
use crate::schedule::Event;
use serenity::model::id::ChannelId;
use std::sync::Arc;
use std::time::Duration;

/// Longest sleep between two looks, so a clock change or a missed wake-up costs at most this.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// Runs until `stop` turns true; a tick under way is finished first (shutdown never cuts a post
/// or a close in half).
pub(crate) async fn run(
    core: Arc<Core>,
    clock: Arc<dyn Clock>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        // Armed before the tick, so a wake-up that arrives during the tick is not lost.
        let woken = core.wake.notified();
        tokio::pin!(woken);
        woken.as_mut().enable();
        tick(&core).await;
        let scheduler = core.scheduler.clone();
        let next = blocking(move || scheduler.next_wake()).await;
        let purge = servers::next_purge(&core).await;
        let next = next.map(|r| r.map(|at| at.into_iter().chain(purge).min()));
        let wait = match next {
            Ok(Ok(Some(at))) => {
                let ms = at.duration_since(clock.now()).as_millis().max(0) as u64;
                Duration::from_millis(ms).min(MAX_SLEEP)
            }
            Ok(Ok(None)) => MAX_SLEEP,
            Ok(Err(e)) => {
                tracing::error!("timekeeper: {e}");
                MAX_SLEEP
            }
            Err(e) => {
                tracing::error!("timekeeper: {e}");
                MAX_SLEEP
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = &mut woken => {}
            _ = stop.changed() => return,
        }
    }
}

/// One look: servers whose retention is over, discussions due to close, and schedule slots
/// due to post.
pub(crate) async fn tick(core: &Arc<Core>) {
    servers::purge(core).await;
    let (scheduler, catalog) = (core.scheduler.clone(), core.catalog());
    let events = match blocking(move || scheduler.tick(&catalog)).await {
        Ok(Ok(events)) => events,
        Ok(Err(e)) => {
            core.tell_moderators(None, &format!("roundtable's schedule could not run: {e}"))
                .await;
            return;
        }
        Err(e) => {
            tracing::error!("timekeeper: {e}");
            return;
        }
    };
    for event in events {
        handle(core, event).await;
    }
}

async fn handle(core: &Arc<Core>, event: Event) {
    match event {
        Event::Closed { discussion, tally } => {
            tracing::debug!(discussion = %discussion.id(), "closed: its time was up");
            if let Err(e) = core.finalize(&discussion, &tally).await {
                core.tell_moderators(
                    Some(discussion.record.server),
                    &format!(
                        "Discussion #{} closed at its close time, but its result could not be posted: {e}",
                        discussion.id()
                    ),
                )
                .await;
            }
        }
        Event::Post {
            server,
            schedule,
            slot,
            discussion,
            recovered,
        } => {
            let key = slot.key();
            let channel = discussion
                .record
                .channel
                .parse::<u64>()
                .ok()
                .filter(|c| *c != 0);
            let result = match channel {
                // A recovered slot was claimed by a run that stopped: its post, or its thread,
                // may exist already; they are found and adopted rather than made twice.
                Some(c) => core
                    .post_or_finish(&discussion, ChannelId::new(c), recovered)
                    .await
                    .map_err(|e| e.to_string()),
                None => Err(format!(
                    "`{}` is not a Discord channel id",
                    discussion.record.channel
                )),
            };
            let s = core.scheduler.clone();
            match result {
                Ok(_) => {
                    tracing::debug!(%server, %schedule, slot = %key, discussion = %discussion.id(), "scheduled discussion posted");
                    if let Ok(Err(e)) = blocking(move || s.posted(server, &schedule, &key)).await {
                        tracing::error!("cannot record the scheduled post: {e}");
                    }
                }
                Err(reason) => {
                    // Recorded first, then reported: the ledger never lags behind what moderators read.
                    let text = format!(
                        "Scheduled discussion of `{schedule}` for {key} was not posted in channel {}: {reason}",
                        discussion.record.channel
                    );
                    let id = discussion.id();
                    if let Ok(Err(e)) =
                        blocking(move || s.post_failed(server, &schedule, &key, id, &reason)).await
                    {
                        tracing::error!("cannot record the failed scheduled post: {e}");
                    }
                    core.tell_moderators(Some(server), &text).await;
                }
            }
        }
        Event::Skipped {
            server,
            schedule,
            slot,
            reason,
        } => {
            core.tell_moderators(
                Some(server),
                &format!(
                    "Schedule `{schedule}`: the slot of {} was skipped: {reason}",
                    slot.key()
                ),
            )
            .await;
        }
        Event::Review(notice) => super::review::post(core, *notice).await,
        Event::Problem {
            server,
            schedule,
            message,
        } => {
            core.tell_moderators(Some(server), &format!("Schedule `{schedule}`: {message}"))
                .await;
        }
    }
}
