//! A member's own data as they read it (`/privacy show`) and the answers of `/privacy delete`.
//! Pure. Times are Discord timestamps; [`super::text::plain_times`] makes them UTC text for a
//! file or a terminal.

use crate::discussion::MemberReport;
use crate::store::{DiscussionId, Forgotten, ReplySource, StatementOrigin, StatementState};
use jiff::Timestamp;

/// A short Discord timestamp (date and time in the reader's zone).
fn at(t: Timestamp) -> String {
    format!("<t:{}:f>", t.as_second())
}

fn quoted(text: &str) -> String {
    // One line each: a reply's line breaks would break the list.
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("“{one_line}”")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What roundtable keeps about the member in this server: one section per kind, each line dated.
/// An empty report says so in one sentence.
pub fn member_report_text(r: &MemberReport) -> String {
    let d = &r.data;
    if d.is_empty() {
        return "roundtable keeps nothing about you in this server: no stances, replies, statements, answers or suggestions.".into();
    }
    let name = |id: DiscussionId| match r.discussions.get(&id) {
        Some(n) => format!("discussion #{id} ({})", n.title),
        None => format!("discussion #{id}"),
    };
    let label = |id: DiscussionId, key: &str| match r.discussions.get(&id) {
        Some(n) => n.label(key).to_string(),
        None => key.to_string(),
    };
    let mut out = vec![format!(
        "**What roundtable keeps about you in this server**: {}, {}, {}, {}, {}.",
        plural(d.stances.len(), "stance", "stances"),
        plural(d.replies.len(), "reply", "replies"),
        plural(d.statements.len(), "statement", "statements"),
        plural(d.answers.len(), "answer", "answers"),
        plural(d.suggestions.len(), "suggestion", "suggestions"),
    )];
    if !d.stances.is_empty() {
        out.push(String::new());
        out.push("**Your stances**".into());
        for s in &d.stances {
            out.push(format!(
                "• {}: “{}”, since {}",
                name(s.discussion),
                label(s.discussion, &s.option),
                at(s.at)
            ));
        }
    }
    if !d.history.is_empty() {
        out.push(String::new());
        out.push("**Your stance history**".into());
        for (id, h) in &d.history {
            let what = match &h.option {
                Some(o) => format!("chose “{}”", label(*id, o)),
                None => "withdrew your stance".into(),
            };
            out.push(format!("• {}: {what}, {}", name(*id), at(h.at)));
        }
    }
    if !d.replies.is_empty() {
        out.push(String::new());
        out.push("**Your replies**".into());
        for (id, reply) in &d.replies {
            let how = match reply.source {
                ReplySource::Form => "by the reply form",
                ReplySource::Thread => "in the thread",
            };
            let text = match &reply.text {
                Some(t) => quoted(t),
                None => "(text not kept)".into(),
            };
            out.push(format!("• {}, {how}, {}: {text}", name(*id), at(reply.at)));
        }
    }
    if !d.statements.is_empty() {
        out.push(String::new());
        out.push("**Your statements**".into());
        for s in &d.statements {
            let mut notes = Vec::new();
            if s.origin == StatementOrigin::Moderator {
                notes.push("added as a moderator");
            }
            match s.state {
                StatementState::Shown => {}
                StatementState::Hidden => notes.push("hidden by a moderator"),
                StatementState::Withdrawn => notes.push("withdrawn"),
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            out.push(format!(
                "• {}, statement {}, {}{notes}: {}",
                name(s.discussion),
                s.id,
                at(s.at),
                quoted(&s.text)
            ));
        }
    }
    if !d.answers.is_empty() {
        out.push(String::new());
        out.push("**Your answers to statements**".into());
        for (id, a) in &d.answers {
            let on = match r.answered.get(&a.statement) {
                Some(t) => format!("statement {} {}", a.statement, quoted(t)),
                None => format!("statement {} (no longer shown)", a.statement),
            };
            out.push(format!(
                "• {}, {on}: {}, {}",
                name(*id),
                a.answer.key(),
                at(a.at)
            ));
        }
    }
    if !d.suggestions.is_empty() {
        out.push(String::new());
        out.push("**Your suggestions of articles**".into());
        for s in &d.suggestions {
            let what = match (&s.link, &s.filename) {
                (Some(l), _) => format!("<{}>", crate::limits::shown(l, 200)),
                (None, Some(f)) => format!("the file `{}`", crate::limits::shown(f, 60)),
                (None, None) => "an article".into(),
            };
            let note = match &s.note {
                Some(n) => format!(", note {}", quoted(n)),
                None => String::new(),
            };
            out.push(format!(
                "• suggestion {}, {}: {what}{note} ({})",
                s.id,
                at(s.at),
                s.state.as_str()
            ));
        }
    }
    out.push(String::new());
    out.push(
        "To delete it, use /privacy delete: your replies, statements, answers and suggestions go, and your votes are no longer linked to you."
            .into(),
    );
    out.join("\n")
}

/// The question before a deletion, above the confirmation button.
pub const DELETE_QUESTION: &str = "Delete what roundtable keeps about you in this server? Your replies, statements (and the answers others gave to them), your answers and your suggestions of articles are removed. Your votes are no longer linked to you: discussions that are closed keep counting them anonymously, open ones drop them. This cannot be undone. To keep your data, dismiss this message.";

/// The label of the confirmation button.
pub const DELETE_BUTTON: &str = "Delete my data";

/// What a deletion did, as the member reads it.
pub fn forgotten_text(f: &Forgotten) -> String {
    if f.is_empty() {
        return "There was nothing of yours to delete in this server.".into();
    }
    let votes = f.votes_dropped + f.votes_unlinked;
    let suggestions = if f.suggestions > 0 {
        format!(
            " Your {} of articles {} deleted too.",
            plural(f.suggestions as usize, "suggestion", "suggestions"),
            if f.suggestions == 1 { "was" } else { "were" }
        )
    } else {
        String::new()
    };
    let text = format!(
        "Done: roundtable deleted {}, {} and {} of yours in this server; {} no longer linked to you ({} kept anonymously in closed tallies, {} dropped from open discussions).",
        plural(f.replies as usize, "reply", "replies"),
        plural(f.statements as usize, "statement", "statements"),
        plural(f.answers as usize, "answer", "answers"),
        plural(votes as usize, "vote is", "votes are"),
        f.votes_unlinked,
        f.votes_dropped,
    );
    format!("{text}{suggestions}")
}

/// What a moderators' log message of a deleted suggestion says instead of the member, the
/// article and the note.
pub const SUGGESTION_REMOVED: &str =
    "A member's suggestion was here; it was removed at their request (`/privacy delete`).";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discussion::DiscussionName;
    use crate::opinion::Answer;
    use crate::store::{AnswerRecord, HeldStance, MemberData, ReplyRecord, StatementRecord};

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn report() -> MemberReport {
        let d = DiscussionId(3);
        let mut r = MemberReport {
            data: MemberData {
                stances: vec![HeldStance {
                    discussion: d,
                    option: "stay-out".into(),
                    at: t("2026-12-01T10:00:00Z"),
                }],
                replies: vec![(
                    d,
                    ReplyRecord {
                        id: 1,
                        member: "1".into(),
                        source: ReplySource::Form,
                        text: Some("two\nlines".into()),
                        message_id: None,
                        at: t("2026-12-01T10:05:00Z"),
                    },
                )],
                statements: vec![StatementRecord {
                    id: 9,
                    discussion: d,
                    author: "1".into(),
                    origin: StatementOrigin::Reply,
                    text: "mine".into(),
                    state: StatementState::Withdrawn,
                    at: t("2026-12-01T10:06:00Z"),
                }],
                answers: vec![(
                    d,
                    AnswerRecord {
                        statement: 4,
                        member: "1".into(),
                        answer: Answer::Agree,
                        at: t("2026-12-01T10:07:00Z"),
                    },
                )],
                suggestions: vec![crate::store::SuggestionRecord {
                    id: 5,
                    server: crate::store::ServerId::Guild(1),
                    member: "1".into(),
                    link: Some("https://example.org/a".into()),
                    attachment: None,
                    filename: None,
                    note: Some("read\nthis".into()),
                    body: None,
                    at: t("2026-12-01T10:08:00Z"),
                    state: crate::store::SuggestionState::Drafted,
                    decided_by: Some("rosa (2)".into()),
                }],
                ..MemberData::default()
            },
            ..MemberReport::default()
        };
        r.discussions.insert(
            d,
            DiscussionName {
                title: "Syria".into(),
                labels: [("stay-out".to_string(), "Stay out".to_string())].into(),
            },
        );
        r.answered.insert(4, "theirs".into());
        r
    }

    #[test]
    fn a_members_report_names_each_item_with_its_discussion_and_date() {
        let text = member_report_text(&report());
        assert!(
            text.contains("1 stance, 1 reply, 1 statement, 1 answer, 1 suggestion."),
            "{text}"
        );
        assert!(
            text.contains("discussion #3 (Syria): “Stay out”, since <t:1796119200:f>"),
            "{text}"
        );
        assert!(
            text.contains("by the reply form, <t:1796119500:f>: “two lines”"),
            "{text}"
        );
        assert!(
            text.contains("statement 9, <t:1796119560:f> (withdrawn): “mine”"),
            "{text}"
        );
        assert!(
            text.contains("statement 4 “theirs”: agree, <t:1796119620:f>"),
            "{text}"
        );
        assert!(
            text.contains("suggestion 5, <t:1796119680:f>: <https://example.org/a>, note “read this” (drafted)"),
            "{text}"
        );
        let plain = crate::render::text::plain_times(&text);
        assert!(plain.contains("since 2026-12-01 10:00 UTC"), "{plain}");
    }

    #[test]
    fn an_empty_report_says_nothing_is_kept() {
        assert!(member_report_text(&MemberReport::default()).contains("keeps nothing about you"));
    }

    #[test]
    fn a_deletion_reports_its_numbers() {
        let text = forgotten_text(&Forgotten {
            votes_dropped: 1,
            votes_unlinked: 2,
            replies: 1,
            statements: 0,
            answers: 3,
            answers_to_statements: 0,
            history: 4,
            suggestions: 2,
        });
        assert!(
            text.contains("1 reply, 0 statements and 3 answers"),
            "{text}"
        );
        assert!(text.contains("3 votes are no longer linked to you (2 kept anonymously in closed tallies, 1 dropped"), "{text}");
        assert!(
            text.ends_with("Your 2 suggestions of articles were deleted too."),
            "{text}"
        );
        assert!(forgotten_text(&Forgotten::default()).contains("nothing of yours"));
    }
}
