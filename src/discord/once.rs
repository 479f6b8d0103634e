//! Each interaction is handled once. Discord may deliver an INTERACTION_CREATE again (a gateway
//! replay after a RESUME); handling it again would run a command twice (two posts of one
//! discussion), put back a vote the member has changed since, or answer an interaction Discord
//! already counts as answered. poise's framework sits behind this filter, which lets the first
//! delivery of an interaction id through and ignores the others.
//!
//! Across a restart there is no replay (a new session starts empty), and what is stored is keyed
//! anyway: a thread message by its message id, a form's reply by its interaction id, and a vote
//! is one row per member.

use super::{CommandError, Data};
use serenity::client::Context;
use serenity::client::FullEvent;
use serenity::model::id::InteractionId;
use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// How many interaction ids are remembered (a replay comes within seconds of the original).
const REMEMBERED: usize = 10_000;

/// The most recent interaction ids, oldest first.
#[derive(Default)]
struct Recent {
    order: VecDeque<InteractionId>,
    ids: HashSet<InteractionId>,
}

impl Recent {
    /// Whether `id` is seen for the first time (it is remembered from now on).
    fn first(&mut self, id: InteractionId) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        true
    }
}

/// poise's framework, fed each interaction once.
pub(super) struct OnceEach {
    inner: poise::Framework<Data, CommandError>,
    seen: Mutex<Recent>,
}

impl OnceEach {
    pub(super) fn new(inner: poise::Framework<Data, CommandError>) -> Self {
        OnceEach {
            inner,
            seen: Mutex::new(Recent::default()),
        }
    }
}

#[serenity::async_trait]
impl serenity::framework::Framework for OnceEach {
    async fn init(&mut self, client: &serenity::Client) {
        self.inner.init(client).await;
    }

    async fn dispatch(&self, ctx: Context, event: FullEvent) {
        if let FullEvent::InteractionCreate { interaction } = &event {
            let id = interaction.id();
            let first = self
                .seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .first(id);
            if !first {
                tracing::info!(interaction = %id, "interaction delivered again: ignored");
                return;
            }
        }
        self.inner.dispatch(ctx, event).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interaction_id_passes_once_and_old_ones_are_forgotten() {
        let mut r = Recent::default();
        assert!(r.first(InteractionId::new(1)));
        assert!(!r.first(InteractionId::new(1)));
        for i in 2..(REMEMBERED as u64 + 2) {
            assert!(r.first(InteractionId::new(i)));
        }
        assert_eq!(r.order.len(), REMEMBERED);
        assert!(
            r.first(InteractionId::new(1)),
            "forgotten after {REMEMBERED} others"
        );
    }
}
