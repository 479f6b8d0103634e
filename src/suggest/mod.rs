//! Members suggest articles for next week's discussion: a link (http or https) or an article
//! file (.txt, .md, .html), with an optional note. A member may make `per_member_per_day`
//! suggestions in any 24 hours (`[suggest]`; 0 turns suggestions off). The moderators decide:
//! Draft (the article becomes a draft prompt) or Dismiss, recorded with who. Knows nothing of
//! Discord: the adapter shows the suggestion in the moderators' log channel.

use crate::draft::fetch;
use crate::limits;
use crate::location::FieldError;
use crate::store::{
    Added, Decided, NewSuggestion, ServerId, Store, StoreError, SuggestionRecord, SuggestionState,
};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

/// The longest note with a suggestion, in characters.
pub const MAX_NOTE: usize = 500;
/// The longest link, in characters (it is shown in the log channel's message).
pub const MAX_LINK: usize = 1000;
/// Most suggestions a day the configuration may allow.
pub const MAX_PER_DAY: u32 = 100;
/// The window the limit counts in.
pub const WINDOW: SignedDuration = SignedDuration::from_hours(24);

/// The `[suggest]` section.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SuggestConfig {
    /// Suggestions one member may make in 24 hours; 0: `/suggest` is off.
    pub per_member_per_day: u32,
}

impl Default for SuggestConfig {
    fn default() -> Self {
        SuggestConfig {
            per_member_per_day: 3,
        }
    }
}

impl SuggestConfig {
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.per_member_per_day > MAX_PER_DAY {
            return Err(FieldError::new(
                "per_member_per_day",
                format!("must be between 0 (suggestions off) and {MAX_PER_DAY}"),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("suggestions are turned off on this server")]
    Off,
    #[error(
        "give the article: a `link` (http or https) or an `article` file (.txt, .md or .html)"
    )]
    NoArticle,
    #[error("give a `link` or an `article` file, not both")]
    Both,
    #[error("{0}")]
    BadLink(String),
    #[error("a link may be at most {MAX_LINK} characters")]
    LinkTooLong,
    #[error("`{0}` is not an article file: attach a .txt, .md or .html file")]
    NotAnArticleFile(String),
    #[error("`{filename}` is {size} bytes; an article may be at most {max} bytes")]
    TooLarge {
        filename: String,
        size: usize,
        max: usize,
    },
    #[error("the note may be at most {MAX_NOTE} characters (it has {0})")]
    NoteTooLong(usize),
    #[error("you have made {per_day} suggestion(s) in the last 24 hours, the most allowed here; you can suggest again from {again}")]
    Limit { per_day: u32, again: Timestamp },
    #[error("this suggestion is unknown here")]
    Unknown,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where a suggested article is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Article {
    Link(String),
    /// A file attached to the command: its address (Discord's CDN), name and size.
    Attachment {
        url: String,
        filename: String,
        size: usize,
    },
}

/// A checked suggestion, not stored yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub article: Article,
    pub note: Option<String>,
    /// An attached file's text, once the adapter has read it: stored with the suggestion, so a
    /// moderator can draft from it after Discord's address for the file has expired.
    pub body: Option<String>,
}

/// Checks what a member gave: one article (a link or a file of at most `max_bytes`) and a note
/// of at most [`MAX_NOTE`] characters (blank: none).
pub fn proposal(
    link: Option<&str>,
    attachment: Option<Article>,
    note: Option<&str>,
    max_bytes: usize,
) -> Result<Proposal, SuggestError> {
    let link = link.map(str::trim).filter(|l| !l.is_empty());
    let article = match (link, attachment) {
        (Some(_), Some(_)) => return Err(SuggestError::Both),
        (None, None) => return Err(SuggestError::NoArticle),
        (Some(l), None) => {
            if limits::chars(l) > MAX_LINK {
                return Err(SuggestError::LinkTooLong);
            }
            let url = fetch::parse_link(l).map_err(|e| SuggestError::BadLink(e.to_string()))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(SuggestError::BadLink(format!(
                    "`{}` names no host",
                    limits::shown(l, 60)
                )));
            }
            Article::Link(url.to_string())
        }
        (None, Some(Article::Link(l))) => return proposal(Some(&l), None, note, max_bytes),
        (
            None,
            Some(Article::Attachment {
                url,
                filename,
                size,
            }),
        ) => {
            let ext = std::path::Path::new(&filename)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if !matches!(ext.as_deref(), Some("txt" | "md" | "html" | "htm")) {
                return Err(SuggestError::NotAnArticleFile(limits::shown(&filename, 60)));
            }
            if size > max_bytes {
                return Err(SuggestError::TooLarge {
                    filename: limits::shown(&filename, 60),
                    size,
                    max: max_bytes,
                });
            }
            Article::Attachment {
                url,
                filename,
                size,
            }
        }
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(n) = note {
        let chars = limits::chars(n);
        if chars > MAX_NOTE {
            return Err(SuggestError::NoteTooLong(chars));
        }
    }
    Ok(Proposal {
        article,
        note: note.map(str::to_string),
        body: None,
    })
}

/// Stores `member`'s suggestion in `server` at `now`, unless suggestions are off or the member
/// reached the day's limit (counted in the same transaction). Committed when this returns.
pub fn suggest(
    store: &Store,
    config: &SuggestConfig,
    server: ServerId,
    member: &str,
    proposal: Proposal,
    now: Timestamp,
) -> Result<SuggestionRecord, SuggestError> {
    if config.per_member_per_day == 0 {
        return Err(SuggestError::Off);
    }
    let (link, attachment, filename) = match proposal.article {
        Article::Link(l) => (Some(l), None, None),
        Article::Attachment { url, filename, .. } => (None, Some(url), Some(filename)),
    };
    let new = NewSuggestion {
        member: member.to_string(),
        link,
        attachment,
        filename,
        note: proposal.note,
        body: proposal.body,
        at: now,
    };
    let since = now.checked_sub(WINDOW).unwrap_or(Timestamp::MIN);
    match store.add_suggestion(server, new, config.per_member_per_day, since)? {
        Added::Stored(r) => {
            tracing::info!(%server, member, suggestion = r.id, "a member suggested an article");
            Ok(r)
        }
        Added::Limited { oldest } => Err(SuggestError::Limit {
            per_day: config.per_member_per_day,
            again: oldest.checked_add(WINDOW).unwrap_or(Timestamp::MAX),
        }),
    }
}

/// The suggestion `id` of `server`.
pub fn find(store: &Store, server: ServerId, id: i64) -> Result<SuggestionRecord, SuggestError> {
    store.suggestion(server, id)?.ok_or(SuggestError::Unknown)
}

/// Records a moderator's decision on the open suggestion `id` of `server`.
pub fn decide(
    store: &Store,
    server: ServerId,
    id: i64,
    state: SuggestionState,
    by: &str,
) -> Result<Decided, SuggestError> {
    let decided = store
        .decide_suggestion(server, id, state, by)?
        .ok_or(SuggestError::Unknown)?;
    if let Decided::Changed(r) = &decided {
        tracing::info!(%server, suggestion = r.id, state = r.state.as_str(), "a suggestion was decided");
    }
    Ok(decided)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: usize) -> Option<Article> {
        Some(Article::Attachment {
            url: "https://cdn.example/a".into(),
            filename: name.into(),
            size,
        })
    }

    #[test]
    fn a_suggestion_takes_one_http_link_or_one_article_file() {
        let p = proposal(Some(" https://example.org/news/1 "), None, None, 100).unwrap();
        assert_eq!(
            p.article,
            Article::Link("https://example.org/news/1".into())
        );
        assert_eq!(p.note, None);
        assert!(matches!(
            proposal(Some("ftp://example.org/a"), None, None, 100),
            Err(SuggestError::BadLink(_))
        ));
        assert!(matches!(
            proposal(Some("not a link"), None, None, 100),
            Err(SuggestError::BadLink(_))
        ));
        assert!(matches!(
            proposal(Some("javascript:alert(1)"), None, None, 100),
            Err(SuggestError::BadLink(_))
        ));
        let long = format!("https://example.org/{}", "a".repeat(MAX_LINK));
        assert!(matches!(
            proposal(Some(&long), None, None, 100),
            Err(SuggestError::LinkTooLong)
        ));
        for ok in ["a.txt", "b.MD", "c.html", "d.htm"] {
            assert!(proposal(None, file(ok, 10), None, 100).is_ok(), "{ok}");
        }
        for bad in ["a.pdf", "b", "c.exe", "d.html.zip"] {
            assert!(
                matches!(
                    proposal(None, file(bad, 10), None, 100),
                    Err(SuggestError::NotAnArticleFile(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            proposal(None, file("a.txt", 101), None, 100),
            Err(SuggestError::TooLarge {
                size: 101,
                max: 100,
                ..
            })
        ));
        assert!(matches!(
            proposal(Some("https://e.org"), file("a.txt", 1), None, 100),
            Err(SuggestError::Both)
        ));
        assert!(matches!(
            proposal(Some("  "), None, None, 100),
            Err(SuggestError::NoArticle)
        ));
    }

    #[test]
    fn a_note_is_optional_trimmed_and_bounded() {
        let p = proposal(Some("https://e.org/a"), None, Some("  good one "), 100).unwrap();
        assert_eq!(p.note.as_deref(), Some("good one"));
        let blank = proposal(Some("https://e.org/a"), None, Some("   "), 100).unwrap();
        assert_eq!(blank.note, None);
        let at_limit = "é".repeat(MAX_NOTE);
        assert!(proposal(Some("https://e.org/a"), None, Some(&at_limit), 100).is_ok());
        let over = "é".repeat(MAX_NOTE + 1);
        assert!(matches!(
            proposal(Some("https://e.org/a"), None, Some(&over), 100),
            Err(SuggestError::NoteTooLong(n)) if n == MAX_NOTE + 1
        ));
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn link() -> Proposal {
        proposal(Some("https://example.org/a"), None, None, 100).unwrap()
    }

    #[test]
    fn the_daily_limit_refuses_the_next_until_24_hours_after_the_oldest_and_zero_is_off() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db"), &Default::default()).unwrap();
        let server = ServerId::Guild(1);
        let three = SuggestConfig::default();
        assert_eq!(three.per_member_per_day, 3);
        for at in [
            "2026-12-01T09:00:00Z",
            "2026-12-01T12:00:00Z",
            "2026-12-01T20:00:00Z",
        ] {
            suggest(&store, &three, server, "m", link(), t(at)).unwrap();
        }
        match suggest(
            &store,
            &three,
            server,
            "m",
            link(),
            t("2026-12-02T08:59:59Z"),
        ) {
            Err(SuggestError::Limit { per_day: 3, again }) => {
                assert_eq!(again, t("2026-12-02T09:00:00Z"))
            }
            other => panic!("{other:?}"),
        }
        // Another member is not held by it; 24 hours after the oldest, the member may again.
        suggest(
            &store,
            &three,
            server,
            "n",
            link(),
            t("2026-12-02T08:00:00Z"),
        )
        .unwrap();
        suggest(
            &store,
            &three,
            server,
            "m",
            link(),
            t("2026-12-02T09:00:01Z"),
        )
        .unwrap();
        assert_eq!(store.member_suggestions(server, "m").unwrap().len(), 4);
        let off = SuggestConfig {
            per_member_per_day: 0,
        };
        assert!(matches!(
            suggest(&store, &off, server, "z", link(), t("2026-12-03T00:00:00Z")),
            Err(SuggestError::Off)
        ));
        assert!(store.member_suggestions(server, "z").unwrap().is_empty());
    }

    #[test]
    fn a_limit_past_its_bound_is_refused_by_the_config() {
        assert!(SuggestConfig {
            per_member_per_day: MAX_PER_DAY + 1
        }
        .validate()
        .is_err());
        assert!(SuggestConfig {
            per_member_per_day: 0
        }
        .validate()
        .is_ok());
    }
}
