//! What an operator watches: counters and histograms in Prometheus' text format (version 0.0.4)
//! at `/metrics`, and `/healthz` for a service manager or a load balancer ([`server`]).
//!
//! The numbers live in one process-wide [`Metrics`], the way `tracing` has one dispatcher: the
//! store's writer, the REST client, the discussion engine and the interaction handlers record
//! into it with one-line hooks ([`interaction`], [`vote_committed`], [`commit`], …) whether or not
//! anything serves them. A hook is an atomic addition or two; nothing here blocks or fails.
//!
//! Built on `prometheus-client`, the Prometheus project's own Rust client: typed metric
//! families with label sets checked at compile time, its own Prometheus text encoder, and four
//! small dependencies (no HTTP stack of its own, no global recorder to install).
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `roundtable_interactions_total` | counter | `kind` (command, component, modal, autocomplete), `outcome` (ok, error) |
//! | `roundtable_votes_committed_total` | counter | `change` (new, changed, withdrawn) |
//! | `roundtable_replies_committed_total` | counter | `source` (thread, form) |
//! | `roundtable_store_commit_batch_size` | histogram | writes per group commit |
//! | `roundtable_store_commit_seconds` | histogram | from BEGIN to COMMIT |
//! | `roundtable_store_commit_failures_total` | counter | |
//! | `roundtable_discord_requests_total` | counter | `route` (what the bot asked, e.g. "create message"), `status` (HTTP status, 429 for rate limits, `none` without an answer) |
//! | `roundtable_gateway_reconnects_total` | counter | sessions resumed or started again after the first |
//! | `roundtable_open_discussions` | gauge | read from the store at each scrape |

pub mod config;
pub mod server;

pub use config::MetricsConfig;
pub use server::{Probe, Status};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// The `Content-Type` of `/metrics`.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct InteractionLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VoteLabels {
    change: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReplyLabels {
    source: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: &'static str,
    status: String,
}

/// Every number roundtable keeps about itself.
pub struct Metrics {
    registry: Registry,
    interactions: Family<InteractionLabels, Counter>,
    votes: Family<VoteLabels, Counter>,
    replies: Family<ReplyLabels, Counter>,
    commit_batch: Histogram,
    commit_seconds: Histogram,
    commit_failures: Counter,
    requests: Family<RequestLabels, Counter>,
    reconnects: Counter,
    open_discussions: Gauge,
    /// Shards that have had a session: their next READY is a reconnect.
    ready_shards: Mutex<HashSet<u32>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh set, all at zero (the process uses [`global`]; tests make their own).
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("roundtable");
        let interactions = Family::<InteractionLabels, Counter>::default();
        let votes = Family::<VoteLabels, Counter>::default();
        let replies = Family::<ReplyLabels, Counter>::default();
        // 1, 2, 4 … 1024 writes: the default max_batch is 512.
        let commit_batch = Histogram::new(exponential_buckets(1.0, 2.0, 11));
        // 0.25 ms … about 4 s.
        let commit_seconds = Histogram::new(exponential_buckets(0.000_25, 2.0, 15));
        let commit_failures = Counter::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let reconnects = Counter::default();
        let open_discussions = Gauge::default();
        registry.register(
            "interactions",
            "Interactions handled, by kind and outcome",
            interactions.clone(),
        );
        registry.register(
            "votes_committed",
            "Stances recorded, changed or withdrawn, counted once committed",
            votes.clone(),
        );
        registry.register(
            "replies_committed",
            "Written replies committed, by where they came from",
            replies.clone(),
        );
        registry.register(
            "store_commit_batch_size",
            "Writes committed together in one transaction (group commit)",
            commit_batch.clone(),
        );
        registry.register_with_unit(
            "store_commit",
            "Time from BEGIN to COMMIT of one group commit",
            Unit::Seconds,
            commit_seconds.clone(),
        );
        registry.register(
            "store_commit_failures",
            "Group commits that failed and were rolled back",
            commit_failures.clone(),
        );
        registry.register(
            "discord_requests",
            "REST requests to Discord, by route and the status Discord answered (none: no answer)",
            requests.clone(),
        );
        registry.register(
            "gateway_reconnects",
            "Gateway sessions resumed or identified again after the first",
            reconnects.clone(),
        );
        registry.register(
            "open_discussions",
            "Discussions taking votes and replies now",
            open_discussions.clone(),
        );
        Metrics {
            registry,
            interactions,
            votes,
            replies,
            commit_batch,
            commit_seconds,
            commit_failures,
            requests,
            reconnects,
            open_discussions,
            ready_shards: Mutex::new(HashSet::new()),
        }
    }

    pub fn interaction(&self, kind: &'static str, ok: bool) {
        let outcome = if ok { "ok" } else { "error" };
        self.interactions
            .get_or_create(&InteractionLabels { kind, outcome })
            .inc();
    }

    pub fn vote_committed(&self, change: &'static str) {
        self.votes.get_or_create(&VoteLabels { change }).inc();
    }

    pub fn reply_committed(&self, source: &'static str) {
        self.replies.get_or_create(&ReplyLabels { source }).inc();
    }

    pub fn commit(&self, writes: usize, took: Duration, committed: bool) {
        self.commit_batch.observe(writes as f64);
        self.commit_seconds.observe(took.as_secs_f64());
        if !committed {
            self.commit_failures.inc();
        }
    }

    pub fn discord_response(&self, route: &'static str, status: Option<u16>) {
        let status = status.map_or_else(|| "none".to_string(), |s| s.to_string());
        self.requests
            .get_or_create(&RequestLabels { route, status })
            .inc();
    }

    pub fn gateway_ready(&self, shard: u32) {
        let again = !self
            .ready_shards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(shard);
        if again {
            self.reconnects.inc();
        }
    }

    pub fn gateway_resumed(&self) {
        self.reconnects.inc();
    }

    /// Everything, in Prometheus' text format; `open_discussions` is the store's count now.
    pub fn render(&self, open_discussions: Option<u64>) -> String {
        if let Some(n) = open_discussions {
            self.open_discussions
                .set(i64::try_from(n).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

static GLOBAL: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn global() -> &'static Metrics {
    &GLOBAL
}

// ---- the hooks: one line at each place that counts ----

/// Counts an interaction handler's outcome and hands its result on unchanged.
pub fn interaction<T, E>(kind: &'static str, result: Result<T, E>) -> Result<T, E> {
    global().interaction(kind, result.is_ok());
    result
}

/// A vote write committed: `Some("new" | "changed" | "withdrawn")`; `None` (nothing changed)
/// is not counted.
pub fn vote_committed(change: Option<&'static str>) {
    if let Some(change) = change {
        global().vote_committed(change);
    }
}

/// A reply committed (`thread` or `form`); hands its id on.
pub fn reply_committed<T>(source: &'static str, id: T) -> T {
    global().reply_committed(source);
    id
}

/// One group commit of `writes` writes took `took`; `committed` is false when it was rolled back.
pub fn commit(writes: usize, took: Duration, committed: bool) {
    global().commit(writes, took, committed);
}

/// Discord answered `route` with `status` (`None`: no answer at all).
pub fn discord_response(route: &'static str, status: Option<u16>) {
    global().discord_response(route, status);
}

/// A shard's session started (READY).
pub fn gateway_ready(shard: u32) {
    global().gateway_ready(shard);
}

/// A shard's session resumed (RESUMED).
pub fn gateway_resumed() {
    global().gateway_resumed();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(text: &'a str, start: &str) -> Option<&'a str> {
        text.lines().find(|l| l.starts_with(start))
    }

    #[test]
    fn counters_render_in_prometheus_text_format_with_their_labels() {
        let m = Metrics::new();
        m.interaction("component", true);
        m.interaction("component", true);
        m.interaction("command", false);
        m.vote_committed("new");
        m.reply_committed("form");
        m.discord_response("create message", Some(429));
        m.discord_response("create message", None);
        let text = m.render(Some(3));
        assert!(
            text.contains("# TYPE roundtable_interactions_total counter"),
            "{text}"
        );
        assert_eq!(
            line(&text, "roundtable_interactions_total{kind=\"component\""),
            Some("roundtable_interactions_total{kind=\"component\",outcome=\"ok\"} 2")
        );
        assert!(
            text.contains("roundtable_interactions_total{kind=\"command\",outcome=\"error\"} 1")
        );
        assert!(text.contains("roundtable_votes_committed_total{change=\"new\"} 1"));
        assert!(text.contains("roundtable_replies_committed_total{source=\"form\"} 1"));
        assert!(text.contains(
            "roundtable_discord_requests_total{route=\"create message\",status=\"429\"} 1"
        ));
        assert!(text.contains(
            "roundtable_discord_requests_total{route=\"create message\",status=\"none\"} 1"
        ));
        assert!(text.contains("roundtable_open_discussions 3"), "{text}");
        assert!(!text.contains("# EOF"), "not OpenMetrics: {text}");
    }

    #[test]
    fn commits_fill_the_batch_and_latency_histograms() {
        let m = Metrics::new();
        m.commit(3, Duration::from_millis(2), true);
        m.commit(512, Duration::from_millis(40), false);
        let text = m.render(None);
        assert!(
            text.contains("roundtable_store_commit_batch_size_count 2"),
            "{text}"
        );
        assert!(
            text.contains("roundtable_store_commit_batch_size_sum 515"),
            "{text}"
        );
        assert!(
            text.contains("roundtable_store_commit_batch_size_bucket{le=\"4\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("roundtable_store_commit_seconds_count 2"),
            "{text}"
        );
        assert!(
            text.contains("roundtable_store_commit_failures_total 1"),
            "{text}"
        );
    }

    #[test]
    fn a_second_ready_of_a_shard_or_a_resume_is_a_reconnect() {
        let m = Metrics::new();
        m.gateway_ready(0);
        m.gateway_ready(1);
        assert!(m
            .render(None)
            .contains("roundtable_gateway_reconnects_total 0"));
        m.gateway_ready(0);
        m.gateway_resumed();
        assert!(m
            .render(None)
            .contains("roundtable_gateway_reconnects_total 2"));
    }
}
