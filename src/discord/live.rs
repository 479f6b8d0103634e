//! Live counts on the posts: a changed discussion is marked, and its post is edited within one
//! interval (`discord.live_refresh_ms`) however many votes arrive. Edits are paced per channel,
//! not per discussion: many discussions may share a channel, and Discord allows about
//! [`limits::CHANNEL_EDITS`] edits per [`limits::CHANNEL_EDIT_WINDOW_MS`] in one channel. A post
//! whose channel is at its limit waits its turn (still marked), and goes out as soon as the window
//! has room; a 429 would only delay it too.

use super::flows::Core;
use crate::limits;
use crate::store::{DiscussionId, ServerId};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// Where a marked post lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Target {
    pub server: ServerId,
    pub channel: u64,
}

/// At most `edits` edits per `window` in each channel (a sliding window).
#[derive(Debug)]
pub(crate) struct Pacer {
    edits: usize,
    window: Duration,
    sent: HashMap<u64, VecDeque<Instant>>,
}

impl Pacer {
    pub(crate) fn new(edits: usize, window: Duration) -> Pacer {
        Pacer {
            edits: edits.max(1),
            window,
            sent: HashMap::new(),
        }
    }

    /// Discord's limit.
    pub(crate) fn discords() -> Pacer {
        Pacer::new(
            limits::CHANNEL_EDITS,
            Duration::from_millis(limits::CHANNEL_EDIT_WINDOW_MS),
        )
    }

    /// Takes an edit in `channel` at `now` if the window has room (`Ok`), else tells when it will
    /// (`Err`).
    pub(crate) fn take(&mut self, channel: u64, now: Instant) -> Result<(), Instant> {
        let window = self.window;
        let sent = self.sent.entry(channel).or_default();
        while sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            sent.pop_front();
        }
        if sent.len() < self.edits {
            sent.push_back(now);
            return Ok(());
        }
        Err(sent.front().map_or(now, |first| *first + window))
    }

    /// The edit taken at `taken` in `channel` went out at `at`: the window counts from then
    /// (Discord counts an edit when it receives it, which is after it was taken).
    pub(crate) fn done(&mut self, channel: u64, taken: Instant, at: Instant) {
        let Some(sent) = self.sent.get_mut(&channel) else {
            return;
        };
        if let Some(i) = sent.iter().position(|t| *t == taken) {
            sent.remove(i);
            let j = sent.iter().position(|t| *t > at).unwrap_or(sent.len());
            sent.insert(j, at.max(taken));
        }
    }

    /// Forgets channels with no edit in the window (memory stays bounded by active channels).
    fn tidy(&mut self, now: Instant) {
        let window = self.window;
        self.sent.retain(|_, sent| {
            sent.back()
                .is_some_and(|t| now.saturating_duration_since(*t) < window)
        });
    }
}

struct State {
    dirty: HashMap<DiscussionId, Target>,
    pacer: Pacer,
}

/// Discussions whose live counts need a refresh, and the task's wake-up.
pub(crate) struct Live {
    state: Mutex<State>,
    notify: Notify,
    every: Duration,
}

impl Live {
    pub(crate) fn new(every: Duration) -> Self {
        Live {
            state: Mutex::new(State {
                dirty: HashMap::new(),
                pacer: Pacer::discords(),
            }),
            notify: Notify::new(),
            every,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Something changed in discussion `id`, posted in `channel`: its post is refreshed soon.
    pub(crate) fn mark(&self, id: DiscussionId, target: Target) {
        self.lock().dirty.insert(id, target);
        self.notify.notify_one();
    }

    /// An edit taken at `taken` is done (see [`Pacer::done`]).
    fn done(&self, channel: u64, taken: Instant) {
        self.lock().pacer.done(channel, taken, Instant::now());
    }

    /// The marked posts whose channel has room now (their edits are counted from `now`), and when
    /// the next of the others will have room.
    fn take_ready(&self, now: Instant) -> (Vec<(DiscussionId, Target)>, Option<Instant>) {
        let mut state = self.lock();
        let State { dirty, pacer } = &mut *state;
        let mut ready = Vec::new();
        let mut next: Option<Instant> = None;
        // Oldest discussions first, so one busy discussion cannot starve the others for long.
        let mut ids: Vec<DiscussionId> = dirty.keys().copied().collect();
        ids.sort();
        for id in ids {
            let Some(target) = dirty.get(&id).copied() else {
                continue;
            };
            match pacer.take(target.channel, now) {
                Ok(()) => {
                    dirty.remove(&id);
                    ready.push((id, target));
                }
                Err(at) => next = Some(next.map_or(at, |n| n.min(at))),
            }
        }
        pacer.tidy(now);
        (ready, next)
    }
}

/// Refreshes marked posts: at most once per interval each, and within each channel's limit.
pub(crate) async fn run(core: std::sync::Arc<Core>) {
    loop {
        core.live.notify.notified().await;
        tokio::time::sleep(core.live.every).await;
        flush(&core).await;
    }
}

/// Refreshes every marked post, waiting for room in channels at their limit (also on shutdown,
/// where the caller bounds the wait).
pub(crate) async fn flush(core: &Core) {
    loop {
        let taken = Instant::now();
        let (ready, next) = core.live.take_ready(taken);
        for (id, target) in ready {
            if let Err(e) = core.refresh(target.server, id).await {
                tracing::warn!(discussion = %id, "cannot refresh the post's counts: {e}");
            }
            core.live.done(target.channel, taken);
        }
        match next {
            Some(at) => tokio::time::sleep_until(tokio::time::Instant::from_std(at)).await,
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_channel_gets_at_most_five_edits_in_any_five_seconds() {
        let mut p = Pacer::discords();
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        for i in 0..5 {
            assert_eq!(p.take(1, ms(i * 10)), Ok(()));
        }
        // The sixth waits until the first leaves the window.
        assert_eq!(p.take(1, ms(100)), Err(ms(5000)));
        // Another channel has its own window.
        assert_eq!(p.take(2, ms(100)), Ok(()));
        assert_eq!(p.take(1, ms(5000)), Ok(()));
        assert_eq!(p.take(1, ms(5001)), Err(ms(5010)));
    }

    #[test]
    fn the_window_counts_from_when_an_edit_went_out() {
        let mut p = Pacer::discords();
        let t0 = Instant::now();
        let ms = |n: u64| t0 + Duration::from_millis(n);
        for _ in 0..5 {
            p.take(1, t0).unwrap();
        }
        // They went out one after the other, the last 300 ms later: the sixth waits 5 s from
        // the first going out, the tenth 5 s from the last.
        for i in 1..=5 {
            p.done(1, t0, ms(i * 60));
        }
        assert_eq!(p.take(1, ms(5000)), Err(ms(5060)));
        assert_eq!(p.take(1, ms(5060)), Ok(()));
        for _ in 0..4 {
            p.take(1, ms(5300)).unwrap();
        }
        assert_eq!(p.take(1, ms(5300)), Err(ms(10_060)));
    }

    #[test]
    fn many_discussions_in_one_channel_share_its_edits() {
        let live = Live::new(Duration::from_millis(10));
        let t0 = Instant::now();
        let target = |channel| Target {
            server: ServerId::Guild(1),
            channel,
        };
        for id in 1..=12 {
            live.mark(DiscussionId(id), target(7));
        }
        live.mark(DiscussionId(100), target(8));
        let (ready, next) = live.take_ready(t0);
        let in_7: Vec<i64> = ready
            .iter()
            .filter(|(_, t)| t.channel == 7)
            .map(|(id, _)| id.0)
            .collect();
        assert_eq!(in_7, [1, 2, 3, 4, 5], "five, oldest first");
        assert!(ready.iter().any(|(id, _)| id.0 == 100));
        assert_eq!(next, Some(t0 + Duration::from_millis(5000)));
        let (ready, _) = live.take_ready(t0 + Duration::from_millis(4999));
        assert!(ready.is_empty());
        let (ready, next) = live.take_ready(t0 + Duration::from_millis(5000));
        assert_eq!(ready.len(), 5);
        let (ready, next2) = live.take_ready(next.unwrap().max(t0 + Duration::from_millis(10_000)));
        assert_eq!(ready.len(), 2);
        assert_eq!(next2, None);
    }
}
