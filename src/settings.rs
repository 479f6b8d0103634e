//! Per-server settings: what each server sets for itself (from Discord, `/settings set`), over the
//! configuration file's values, which are the defaults of servers that set nothing. The settings
//! are the file's own section types: a server's [`DiscussionConfig`] is the file's with the
//! server's values over it, checked by the same bounds (`discussion::config`).
//!
//! A server's settings are one document in the store ([`ServerSettings`], JSON), validated before
//! it is written; every change is logged there with who made it. Reads come from a cache that a
//! change replaces, so a click never waits on the store for them.

use crate::discussion::config::{validate_duration_hours, validate_reply_chars};
use crate::discussion::{DiscussionConfig, ResultsMode, Rules, ServerRules};
use crate::location::FieldError;
use crate::schedule::config::validate_review_hours;
use crate::schedule::{NoReview, ReviewConfig, ReviewRules};
use crate::store::{ServerId, SettingChange, Store, StoreError};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Most roles one setting may name.
pub const MAX_ROLES: usize = 25;

/// A role as a setting names it: by id (what Discord's role picker gives), or by name (only from
/// the configuration file, for configurations written before servers set their own roles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef {
    Id(u64),
    Name(String),
}

impl RoleRef {
    /// A role as the file names it: its id if it is a number, else its name.
    pub fn from_file(s: &str) -> Option<RoleRef> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        Some(match s.parse::<u64>() {
            Ok(id) => RoleRef::Id(id),
            Err(_) => RoleRef::Name(s.to_string()),
        })
    }
}

/// The file's values, for servers that set nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Defaults {
    pub discussion: DiscussionConfig,
    pub moderator_roles: Vec<RoleRef>,
    pub voter_roles: Vec<RoleRef>,
    pub log_channel: Option<u64>,
    pub lock_thread_on_close: bool,
    /// IANA name of the time zone of servers that set none.
    pub timezone: String,
    /// The file's `[review]`.
    pub review: ReviewConfig,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            discussion: DiscussionConfig::default(),
            moderator_roles: Vec::new(),
            voter_roles: Vec::new(),
            log_channel: None,
            lock_thread_on_close: true,
            timezone: "UTC".to_string(),
            review: ReviewConfig::default(),
        }
    }
}

/// What one server set for itself; `None` everywhere it follows the file. Room to grow: a new
/// setting is one more optional field (older documents simply lack it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Roles whose members may use moderator commands (besides Manage Messages), by id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderator_roles: Option<Vec<u64>>,
    /// Roles allowed to vote and reply, by id; empty: everyone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voter_roles: Option<Vec<u64>>,
    /// The moderators' log channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_channel: Option<u64>,
    /// IANA time zone: the default of new schedules, and how times are shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// `discussion.results`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<ResultsMode>,
    /// `discussion.duration_hours`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_hours: Option<u32>,
    /// `discussion.max_reply_chars`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_reply_chars: Option<usize>,
    /// `discord.lock_thread_on_close`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_thread_on_close: Option<bool>,
    /// `discussion.keep_file_order`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_file_order: Option<bool>,
    /// `review.review_hours`: hours before a slot that its review is posted; 0: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_hours: Option<u32>,
    /// `review.on_no_review`: what a slot nobody reviewed does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_no_review: Option<NoReview>,
}

/// `name` must be an IANA time zone.
pub fn validate_timezone(field: &str, name: &str) -> Result<TimeZone, FieldError> {
    TimeZone::get(name.trim()).map_err(|_| {
        FieldError::new(
            field,
            format!("`{name}` is not an IANA time zone like \"America/New_York\""),
        )
    })
}

impl ServerSettings {
    /// Every value within the same bounds as the file's.
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(h) = self.duration_hours {
            validate_duration_hours("duration_hours", h)?;
        }
        if let Some(n) = self.max_reply_chars {
            validate_reply_chars("max_reply_chars", n)?;
        }
        if let Some(tz) = &self.timezone {
            validate_timezone("timezone", tz)?;
        }
        if let Some(h) = self.review_hours {
            validate_review_hours("review_hours", h)?;
        }
        for (field, roles) in [
            ("moderator_roles", &self.moderator_roles),
            ("voter_roles", &self.voter_roles),
        ] {
            let Some(roles) = roles else { continue };
            if roles.len() > MAX_ROLES {
                return Err(FieldError::new(field, format!("at most {MAX_ROLES} roles")));
            }
            if roles.contains(&0) {
                return Err(FieldError::new(field, "0 is not a role id"));
            }
        }
        if self.log_channel == Some(0) {
            return Err(FieldError::new("log_channel", "0 is not a channel id"));
        }
        Ok(())
    }
}

/// One setting, as `/settings` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    ModeratorRoles,
    VoterRoles,
    LogChannel,
    TimeZone,
    Results,
    Duration,
    ReplyLength,
    ThreadLocking,
    OptionOrder,
    ReviewHours,
    OnNoReview,
}

impl Setting {
    pub const ALL: [Setting; 11] = [
        Setting::ModeratorRoles,
        Setting::VoterRoles,
        Setting::LogChannel,
        Setting::TimeZone,
        Setting::Results,
        Setting::Duration,
        Setting::ReplyLength,
        Setting::ThreadLocking,
        Setting::OptionOrder,
        Setting::ReviewHours,
        Setting::OnNoReview,
    ];

    /// Its name in the settings document (and the change log).
    pub fn key(self) -> &'static str {
        match self {
            Setting::ModeratorRoles => "moderator_roles",
            Setting::VoterRoles => "voter_roles",
            Setting::LogChannel => "log_channel",
            Setting::TimeZone => "timezone",
            Setting::Results => "results",
            Setting::Duration => "duration_hours",
            Setting::ReplyLength => "max_reply_chars",
            Setting::ThreadLocking => "lock_thread_on_close",
            Setting::OptionOrder => "keep_file_order",
            Setting::ReviewHours => "review_hours",
            Setting::OnNoReview => "on_no_review",
        }
    }

    /// Its name for people.
    pub fn label(self) -> &'static str {
        match self {
            Setting::ModeratorRoles => "Moderator roles",
            Setting::VoterRoles => "Voter roles",
            Setting::LogChannel => "Moderators' log channel",
            Setting::TimeZone => "Time zone",
            Setting::Results => "Results",
            Setting::Duration => "Default duration",
            Setting::ReplyLength => "Reply length",
            Setting::ThreadLocking => "Thread locking",
            Setting::OptionOrder => "Option order",
            Setting::ReviewHours => "Review before a scheduled post",
            Setting::OnNoReview => "When nobody reviews",
        }
    }

    fn is_set(self, s: &ServerSettings) -> bool {
        match self {
            Setting::ModeratorRoles => s.moderator_roles.is_some(),
            Setting::VoterRoles => s.voter_roles.is_some(),
            Setting::LogChannel => s.log_channel.is_some(),
            Setting::TimeZone => s.timezone.is_some(),
            Setting::Results => s.results.is_some(),
            Setting::Duration => s.duration_hours.is_some(),
            Setting::ReplyLength => s.max_reply_chars.is_some(),
            Setting::ThreadLocking => s.lock_thread_on_close.is_some(),
            Setting::OptionOrder => s.keep_file_order.is_some(),
            Setting::ReviewHours => s.review_hours.is_some(),
            Setting::OnNoReview => s.on_no_review.is_some(),
        }
    }

    fn clear(self, s: &mut ServerSettings) {
        match self {
            Setting::ModeratorRoles => s.moderator_roles = None,
            Setting::VoterRoles => s.voter_roles = None,
            Setting::LogChannel => s.log_channel = None,
            Setting::TimeZone => s.timezone = None,
            Setting::Results => s.results = None,
            Setting::Duration => s.duration_hours = None,
            Setting::ReplyLength => s.max_reply_chars = None,
            Setting::ThreadLocking => s.lock_thread_on_close = None,
            Setting::OptionOrder => s.keep_file_order = None,
            Setting::ReviewHours => s.review_hours = None,
            Setting::OnNoReview => s.on_no_review = None,
        }
    }
}

/// A change a server makes to its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    ModeratorRoles(Vec<u64>),
    /// Empty: everyone may take part.
    VoterRoles(Vec<u64>),
    LogChannel(u64),
    TimeZone(String),
    Results(ResultsMode),
    DurationHours(u32),
    ReplyLength(usize),
    ThreadLocking(bool),
    KeepFileOrder(bool),
    /// Hours before a slot that its review is posted; 0: off.
    ReviewHours(u32),
    OnNoReview(NoReview),
    /// Back to the file's value.
    Reset(Setting),
}

impl Change {
    pub fn setting(&self) -> Setting {
        match self {
            Change::ModeratorRoles(_) => Setting::ModeratorRoles,
            Change::VoterRoles(_) => Setting::VoterRoles,
            Change::LogChannel(_) => Setting::LogChannel,
            Change::TimeZone(_) => Setting::TimeZone,
            Change::Results(_) => Setting::Results,
            Change::DurationHours(_) => Setting::Duration,
            Change::ReplyLength(_) => Setting::ReplyLength,
            Change::ThreadLocking(_) => Setting::ThreadLocking,
            Change::KeepFileOrder(_) => Setting::OptionOrder,
            Change::ReviewHours(_) => Setting::ReviewHours,
            Change::OnNoReview(_) => Setting::OnNoReview,
            Change::Reset(s) => *s,
        }
    }

    /// The same change with each role named once.
    fn normalized(self) -> Change {
        match self {
            Change::ModeratorRoles(mut r) => {
                dedup(&mut r);
                Change::ModeratorRoles(r)
            }
            Change::VoterRoles(mut r) => {
                dedup(&mut r);
                Change::VoterRoles(r)
            }
            other => other,
        }
    }

    fn apply(&self, s: &mut ServerSettings) {
        match self.clone() {
            Change::ModeratorRoles(r) => s.moderator_roles = Some(r),
            Change::VoterRoles(r) => s.voter_roles = Some(r),
            Change::LogChannel(c) => s.log_channel = Some(c),
            Change::TimeZone(tz) => s.timezone = Some(tz.trim().to_string()),
            Change::Results(r) => s.results = Some(r),
            Change::DurationHours(h) => s.duration_hours = Some(h),
            Change::ReplyLength(n) => s.max_reply_chars = Some(n),
            Change::ThreadLocking(b) => s.lock_thread_on_close = Some(b),
            Change::KeepFileOrder(b) => s.keep_file_order = Some(b),
            Change::ReviewHours(h) => s.review_hours = Some(h),
            Change::OnNoReview(n) => s.on_no_review = Some(n),
            Change::Reset(setting) => setting.clear(s),
        }
    }

    /// The new value for the change log.
    fn value(&self) -> String {
        let ids = |r: &[u64]| r.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
        match self {
            Change::ModeratorRoles(r) | Change::VoterRoles(r) => ids(r),
            Change::LogChannel(c) => c.to_string(),
            Change::TimeZone(tz) => tz.trim().to_string(),
            Change::Results(r) => results_name(*r).to_string(),
            Change::DurationHours(h) => h.to_string(),
            Change::ReplyLength(n) => n.to_string(),
            Change::ThreadLocking(b) | Change::KeepFileOrder(b) => b.to_string(),
            Change::ReviewHours(h) => h.to_string(),
            Change::OnNoReview(n) => n.name().to_string(),
            Change::Reset(_) => "default".to_string(),
        }
    }
}

fn dedup(r: &mut Vec<u64>) {
    let mut seen = std::collections::HashSet::new();
    r.retain(|id| seen.insert(*id));
}

pub fn results_name(r: ResultsMode) -> &'static str {
    match r {
        ResultsMode::Live => "live",
        ResultsMode::Hidden => "hidden",
    }
}

/// The settings a server runs by: its own over the file's.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub server: ServerId,
    /// What the server set itself.
    pub own: ServerSettings,
    /// The file's `[discussion]` with the server's values over it.
    pub discussion: DiscussionConfig,
    pub moderator_roles: Vec<RoleRef>,
    pub voter_roles: Vec<RoleRef>,
    pub log_channel: Option<u64>,
    pub lock_thread_on_close: bool,
    pub timezone: TimeZone,
    pub timezone_name: String,
    /// Reviews before scheduled posts.
    pub review: ReviewConfig,
    /// The last change: when and by whom.
    pub changed: Option<(Timestamp, String)>,
}

impl ServerConfig {
    fn resolve(server: ServerId, own: ServerSettings, defaults: &Defaults) -> ServerConfig {
        let mut discussion = defaults.discussion.clone();
        if let Some(h) = own.duration_hours {
            discussion.duration_hours = h;
        }
        if let Some(n) = own.max_reply_chars {
            discussion.max_reply_chars = n;
        }
        if let Some(b) = own.keep_file_order {
            discussion.keep_file_order = b;
        }
        if let Some(r) = own.results {
            discussion.results = r;
        }
        let ids = |r: &Option<Vec<u64>>, file: &[RoleRef]| match r {
            Some(ids) => ids.iter().map(|id| RoleRef::Id(*id)).collect(),
            None => file.to_vec(),
        };
        let timezone_name = own
            .timezone
            .clone()
            .unwrap_or_else(|| defaults.timezone.clone());
        let timezone = TimeZone::get(&timezone_name).unwrap_or(TimeZone::UTC);
        ServerConfig {
            server,
            discussion,
            moderator_roles: ids(&own.moderator_roles, &defaults.moderator_roles),
            voter_roles: ids(&own.voter_roles, &defaults.voter_roles),
            log_channel: own.log_channel.or(defaults.log_channel),
            lock_thread_on_close: own
                .lock_thread_on_close
                .unwrap_or(defaults.lock_thread_on_close),
            timezone,
            timezone_name,
            review: ReviewConfig {
                review_hours: own.review_hours.unwrap_or(defaults.review.review_hours),
                on_no_review: own.on_no_review.unwrap_or(defaults.review.on_no_review),
            },
            changed: None,
            own,
        }
    }

    /// Whether `setting` follows the file (the server did not set it).
    pub fn is_default(&self, setting: Setting) -> bool {
        !setting.is_set(&self.own)
    }

    /// Whether the log channel is the file's (which belongs to one server only).
    pub fn log_channel_is_default(&self) -> bool {
        self.own.log_channel.is_none()
    }

    pub fn rules(&self) -> Rules {
        Rules::from(&self.discussion)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value out of bounds: the setting and why.
    #[error("{}: {}", .0.field, .0.message)]
    Invalid(FieldError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the settings could not be written: {0}")]
    Encode(#[from] serde_json::Error),
}

/// Every server's settings. Cheap to clone.
#[derive(Clone)]
pub struct Settings {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    defaults: Defaults,
    cache: Mutex<HashMap<ServerId, Arc<ServerConfig>>>,
}

impl Settings {
    pub fn new(store: Store, defaults: Defaults) -> Settings {
        Settings {
            inner: Arc::new(Inner {
                store,
                defaults,
                cache: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn defaults(&self) -> &Defaults {
        &self.inner.defaults
    }

    /// The settings of `server` if they were read already (no store access).
    pub fn cached(&self, server: ServerId) -> Option<Arc<ServerConfig>> {
        self.lock().get(&server).cloned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ServerId, Arc<ServerConfig>>> {
        self.inner.cache.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings `server` runs by. Blocking on the first read of a server. A stored document
    /// that no longer reads (written by a newer build, damaged) is reported, and the file's
    /// values are used meanwhile: a server is never locked out by its settings.
    pub fn get(&self, server: ServerId) -> Result<Arc<ServerConfig>, SettingsError> {
        if let Some(c) = self.cached(server) {
            return Ok(c);
        }
        let stored = self.inner.store.settings_document(server)?;
        let (own, changed) = match stored {
            None => (ServerSettings::default(), None),
            Some(s) => {
                let own = serde_json::from_str::<ServerSettings>(&s.document)
                    .map_err(|e| e.to_string())
                    .and_then(|own| own.validate().map(|_| own).map_err(|e| e.to_string()));
                match own {
                    Ok(own) => (own, Some((s.changed_at, s.changed_by))),
                    Err(e) => {
                        tracing::error!(%server, "the server's stored settings do not read ({e}); the file's values apply");
                        (ServerSettings::default(), None)
                    }
                }
            }
        };
        let mut config = ServerConfig::resolve(server, own, &self.inner.defaults);
        config.changed = changed;
        let config = Arc::new(config);
        self.lock().insert(server, config.clone());
        Ok(config)
    }

    /// Changes a setting of `server` on behalf of `by`: validated by the file's bounds, written
    /// with its log entry, then in effect at once.
    pub fn set(
        &self,
        server: ServerId,
        change: Change,
        by: &str,
        now: Timestamp,
    ) -> Result<Arc<ServerConfig>, SettingsError> {
        let change = change.normalized();
        let current = self.get(server)?;
        let mut own = current.own.clone();
        change.apply(&mut own);
        own.validate().map_err(SettingsError::Invalid)?;
        let document = serde_json::to_string(&own)?;
        let setting = change.setting();
        self.inner.store.put_settings(
            server,
            &document,
            SettingChange {
                at: now,
                by: by.to_string(),
                setting: setting.key().to_string(),
                value: change.value(),
            },
        )?;
        tracing::info!(%server, %by, setting = setting.key(), value = %change.value(), "setting changed");
        let mut config = ServerConfig::resolve(server, own, &self.inner.defaults);
        config.changed = Some((now, by.to_string()));
        let config = Arc::new(config);
        self.lock().insert(server, config.clone());
        Ok(config)
    }

    /// Drops what is cached of `server` (its data was deleted).
    pub fn forget(&self, server: ServerId) {
        self.lock().remove(&server);
    }
}

impl ServerRules for Settings {
    fn rules_for(&self, server: ServerId) -> Option<Rules> {
        match self.get(server) {
            Ok(c) => Some(c.rules()),
            Err(e) => {
                tracing::error!(%server, "cannot read the server's settings ({e}); the file's rules apply");
                None
            }
        }
    }
}

impl ReviewRules for Settings {
    fn review_for(&self, server: ServerId) -> ReviewConfig {
        match self.get(server) {
            Ok(c) => c.review,
            Err(e) => {
                tracing::error!(%server, "cannot read the server's settings ({e}); the file's review settings apply");
                self.inner.defaults.review
            }
        }
    }
}

/// IANA time zone names containing `partial` (any case), for autocompletion; at most `n`.
pub fn time_zones_like(partial: &str, n: usize) -> Vec<String> {
    let partial = partial.trim().to_lowercase().replace(' ', "_");
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|name| name.as_str().to_string())
        .filter(|name| name.to_lowercase().contains(&partial))
        .collect();
    // Names that start with what was typed first, then the rest, each alphabetically.
    names.sort_by_key(|name| (!name.to_lowercase().starts_with(&partial), name.clone()));
    names.truncate(n);
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreConfig;

    fn settings(dir: &std::path::Path) -> Settings {
        let store = Store::open(&dir.join("s.db"), &StoreConfig::default()).unwrap();
        let defaults = Defaults {
            moderator_roles: vec![RoleRef::Name("Moderators".into())],
            ..Defaults::default()
        };
        Settings::new(store, defaults)
    }

    fn now() -> Timestamp {
        "2026-11-30T18:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_server_that_set_nothing_runs_by_the_files_values() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let c = s.get(ServerId::Guild(1)).unwrap();
        assert_eq!(c.discussion, DiscussionConfig::default());
        assert_eq!(c.moderator_roles, vec![RoleRef::Name("Moderators".into())]);
        assert!(Setting::ALL.iter().all(|x| c.is_default(*x)));
        assert_eq!(c.timezone_name, "UTC");
    }

    #[test]
    fn a_change_takes_effect_in_its_server_only_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let (a, b) = (ServerId::Guild(1), ServerId::Guild(2));
        s.set(a, Change::ModeratorRoles(vec![7, 7, 8]), "ada (1)", now())
            .unwrap();
        s.set(a, Change::DurationHours(48), "ada (1)", now())
            .unwrap();
        s.set(a, Change::TimeZone("Europe/Paris".into()), "ada (1)", now())
            .unwrap();
        let c = s.get(a).unwrap();
        assert_eq!(c.moderator_roles, vec![RoleRef::Id(7), RoleRef::Id(8)]);
        assert_eq!(c.discussion.duration_hours, 48);
        assert!(!c.is_default(Setting::Duration));
        assert!(c.is_default(Setting::Results));
        assert_eq!(c.timezone_name, "Europe/Paris");
        assert!(s.get(b).unwrap().is_default(Setting::ModeratorRoles));

        let again = settings(dir.path());
        let c = again.get(a).unwrap();
        assert_eq!(c.discussion.duration_hours, 48);
        assert_eq!(c.changed.as_ref().unwrap().1, "ada (1)");
        let log = again.inner.store.setting_changes(a, 10).unwrap();
        assert_eq!(log.len(), 3);
        assert_eq!(
            (
                log[2].setting.as_str(),
                log[2].value.as_str(),
                log[2].by.as_str()
            ),
            ("moderator_roles", "7,8", "ada (1)")
        );
        again
            .set(a, Change::Reset(Setting::Duration), "ada (1)", now())
            .unwrap();
        assert_eq!(again.get(a).unwrap().discussion.duration_hours, 144);
    }

    #[test]
    fn values_out_of_the_files_bounds_are_refused_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let a = ServerId::Guild(1);
        for (change, field) in [
            (Change::DurationHours(0), "duration_hours"),
            (Change::DurationHours(100_000), "duration_hours"),
            (Change::ReplyLength(0), "max_reply_chars"),
            (Change::ReplyLength(4001), "max_reply_chars"),
            (Change::TimeZone("Mars/Olympus".into()), "timezone"),
            (Change::ReviewHours(169), "review_hours"),
            (
                Change::ModeratorRoles((1..=26).collect()),
                "moderator_roles",
            ),
        ] {
            match s.set(a, change.clone(), "ada", now()) {
                Err(SettingsError::Invalid(e)) => assert_eq!(e.field, field, "{change:?}"),
                other => panic!("{change:?}: {other:?}"),
            }
        }
        assert!(s.inner.store.settings_document(a).unwrap().is_none());
        assert!(Setting::ALL
            .iter()
            .all(|x| s.get(a).unwrap().is_default(*x)));
    }

    #[test]
    fn review_settings_default_to_the_files_and_a_server_may_turn_them_off_or_hold() {
        let dir = tempfile::tempdir().unwrap();
        let s = settings(dir.path());
        let a = ServerId::Guild(1);
        assert_eq!(s.review_for(a), ReviewConfig::default());
        assert_eq!(s.review_for(a).review_hours, 24);
        s.set(a, Change::ReviewHours(0), "ada", now()).unwrap();
        s.set(a, Change::OnNoReview(NoReview::Hold), "ada", now())
            .unwrap();
        let c = settings(dir.path()).review_for(a);
        assert_eq!((c.review_hours, c.on_no_review), (0, NoReview::Hold));
        assert_eq!(s.review_for(ServerId::Guild(2)).review_hours, 24);
    }

    #[test]
    fn time_zones_complete_from_what_was_typed() {
        let found = time_zones_like("new_y", 25);
        assert_eq!(found.first().map(String::as_str), Some("America/New_York"));
        assert!(time_zones_like("paris", 25).contains(&"Europe/Paris".to_string()));
        assert_eq!(time_zones_like("", 25).len(), 25);
    }
}
