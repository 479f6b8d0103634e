//! Past discussions and their rows: what the history and the exports read through the engine.

use super::{Discussion, DiscussionError, Discussions, Tally};
use crate::store::{DiscussionId, ReplyRow, ServerId, StoreError, VoteRecord};
use jiff::Timestamp;

/// A discussion that no longer takes answers, with its final tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastDiscussion {
    pub discussion: Discussion,
    pub tally: Tally,
    /// When it stopped taking answers.
    pub closed_at: Timestamp,
}

impl Discussions {
    /// Discussions that have closed (or whose time is up), newest first, with their final tallies;
    /// at most `limit`. Open discussions are left out: their counts may still be hidden.
    pub fn history(
        &self,
        server: ServerId,
        limit: usize,
    ) -> Result<Vec<PastDiscussion>, DiscussionError> {
        let now = self.clock.now();
        self.store
            .closed_discussions(server, now, limit)?
            .into_iter()
            .filter_map(|record| {
                let closed_at = record.closed_as_of(now)?;
                Some((Discussion { record }, closed_at))
            })
            .map(|(discussion, closed_at)| {
                let tally = self.tally_of(&discussion)?;
                Ok(PastDiscussion {
                    discussion,
                    tally,
                    closed_at,
                })
            })
            .collect()
    }

    /// Every vote, then every reply of a discussion, in one consistent read, one row at a time
    /// (nothing is collected). Stops at the first error a callback returns.
    pub fn for_each_row<E: From<StoreError>>(
        &self,
        id: DiscussionId,
        on_vote: impl FnMut(VoteRecord) -> Result<(), E>,
        on_reply: impl FnMut(ReplyRow) -> Result<(), E>,
    ) -> Result<(u64, u64), E> {
        self.store.for_each_row(id, on_vote, on_reply)
    }

    /// Every vote, reply, statement and answer of a discussion, in one consistent read, one row
    /// at a time (see [`Store::for_each_export_row`]).
    pub fn for_each_export_row<E, V, R, S, A>(
        &self,
        id: DiscussionId,
        rows: crate::store::ExportRows<V, R, S, A>,
    ) -> Result<crate::store::RowCounts, E>
    where
        E: From<StoreError>,
        V: FnMut(VoteRecord) -> Result<(), E>,
        R: FnMut(ReplyRow) -> Result<(), E>,
        S: FnMut(crate::store::StatementRecord) -> Result<(), E>,
        A: FnMut(crate::store::AnswerRecord) -> Result<(), E>,
    {
        self.store.for_each_export_row(id, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::discussion::Rules;
    use crate::prompt::Prompt;
    use crate::store::Store;
    use crate::store::StoreConfig;
    use jiff::SignedDuration;
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn history_lists_closed_discussions_newest_first_and_leaves_open_ones_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("h.db"), &StoreConfig::default()).unwrap();
        let clock = Arc::new(ManualClock::new("2026-11-30T18:00:00Z".parse().unwrap()));
        let rules = Rules {
            duration: SignedDuration::from_hours(144),
            max_reply_chars: 1500,
            keep_file_order: true,
        };
        let engine = Discussions::new(store, clock.clone(), rules);
        let seed = Prompt::from_str_at(
            Path::new("prompts/syria-strike-2017.toml"),
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap();
        let first = engine
            .open(crate::store::ServerId::Console, &seed, "1", None)
            .unwrap();
        engine
            .vote(
                crate::store::ServerId::Console,
                first.id(),
                "ana",
                "stay-out",
            )
            .unwrap();
        engine
            .vote(
                crate::store::ServerId::Console,
                first.id(),
                "ben",
                "stay-out",
            )
            .unwrap();
        engine
            .vote(crate::store::ServerId::Console, first.id(), "cy", "other")
            .unwrap();
        engine
            .close(crate::store::ServerId::Console, first.id(), "mod")
            .unwrap();
        let second = engine
            .open(crate::store::ServerId::Console, &seed, "1", None)
            .unwrap();
        engine
            .vote(crate::store::ServerId::Console, second.id(), "ana", "other")
            .unwrap();
        let third = engine
            .open(crate::store::ServerId::Console, &seed, "1", None)
            .unwrap();
        engine
            .vote(crate::store::ServerId::Console, third.id(), "ana", "other")
            .unwrap();
        engine
            .close(crate::store::ServerId::Console, third.id(), "mod")
            .unwrap();

        let past = engine.history(crate::store::ServerId::Console, 10).unwrap();
        let ids: Vec<_> = past.iter().map(|p| p.discussion.id()).collect();
        assert_eq!(ids, vec![third.id(), first.id()]);
        assert!(past.iter().all(|p| p.tally.closed));
        assert_eq!(past[1].tally.participants, 3);
        assert_eq!(past[1].tally.leaders()[0].key, "stay-out");

        // Once its time is up, the second is history too, closed at its close time.
        clock.advance(SignedDuration::from_hours(200));
        let past = engine.history(crate::store::ServerId::Console, 10).unwrap();
        assert_eq!(past.len(), 3);
        assert_eq!(past[1].discussion.id(), second.id());
        assert_eq!(Some(past[1].closed_at), second.record.closes_at);
        assert_eq!(
            engine
                .history(crate::store::ServerId::Console, 1)
                .unwrap()
                .len(),
            1
        );
    }
}
