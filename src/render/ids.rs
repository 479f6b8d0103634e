//! custom_ids of roundtable's components: `rt:v:<discussion>:<option>` for a stance button,
//! `rt:r:<discussion>` for "Write a reply", `rt:w:<discussion>` to withdraw, `rt:m:<discussion>`
//! for the reply form's submission, `rt:g:<discussion>` to weigh in on members' statements and
//! `rt:a:<discussion>:<statement>:<agree|disagree|pass>` an answer on the weighing card,
//! `rt:x:<discussion>:<statement>` a member withdrawing their own statement. All fit Discord's
//! 100-character limit: ids are numbers and option keys are at most 32 characters.
//! Outside discussions: `rt:p:<member>` confirms `/privacy delete` (see [`privacy_delete_id`]);
//! `rt:sg:d:<suggestion>` drafts a member's suggestion and `rt:sg:x:<suggestion>` dismisses it
//! (see [`suggestion_id`]).

use crate::opinion::Answer;
use crate::store::DiscussionId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Vote {
        discussion: DiscussionId,
        option: String,
    },
    OpenReplyForm {
        discussion: DiscussionId,
    },
    Withdraw {
        discussion: DiscussionId,
    },
    SubmitReply {
        discussion: DiscussionId,
    },
    /// "Weigh in" on the post: the first card.
    WeighIn {
        discussion: DiscussionId,
    },
    /// Agree, Disagree or Pass on a weighing card.
    Answer {
        discussion: DiscussionId,
        statement: i64,
        answer: Answer,
    },
    /// A member withdraws a statement of their own (the button on their reply's receipt).
    WithdrawStatement {
        discussion: DiscussionId,
        statement: i64,
    },
}

impl Action {
    pub fn custom_id(&self) -> String {
        match self {
            Action::Vote { discussion, option } => format!("rt:v:{discussion}:{option}"),
            Action::OpenReplyForm { discussion } => format!("rt:r:{discussion}"),
            Action::Withdraw { discussion } => format!("rt:w:{discussion}"),
            Action::SubmitReply { discussion } => format!("rt:m:{discussion}"),
            Action::WeighIn { discussion } => format!("rt:g:{discussion}"),
            Action::Answer {
                discussion,
                statement,
                answer,
            } => format!("rt:a:{discussion}:{statement}:{}", answer.key()),
            Action::WithdrawStatement {
                discussion,
                statement,
            } => format!("rt:x:{discussion}:{statement}"),
        }
    }

    /// Reads a custom_id back; `None` for anything roundtable did not make.
    pub fn parse(custom_id: &str) -> Option<Action> {
        let mut parts = custom_id.splitn(4, ':');
        if parts.next()? != "rt" {
            return None;
        }
        let kind = parts.next()?;
        let discussion = DiscussionId(parts.next()?.parse().ok()?);
        let option = parts.next();
        match (kind, option) {
            ("v", Some(o)) if !o.is_empty() => Some(Action::Vote {
                discussion,
                option: o.to_string(),
            }),
            ("r", None) => Some(Action::OpenReplyForm { discussion }),
            ("w", None) => Some(Action::Withdraw { discussion }),
            ("m", None) => Some(Action::SubmitReply { discussion }),
            ("g", None) => Some(Action::WeighIn { discussion }),
            ("a", Some(rest)) => {
                let (statement, answer) = rest.split_once(':')?;
                Some(Action::Answer {
                    discussion,
                    statement: statement.parse().ok()?,
                    answer: Answer::parse(answer)?,
                })
            }
            ("x", Some(statement)) => Some(Action::WithdrawStatement {
                discussion,
                statement: statement.parse().ok()?,
            }),
            _ => None,
        }
    }
}

/// The custom_id of `/privacy delete`'s confirmation button for `member` (a user id): only that
/// member's click confirms it.
pub fn privacy_delete_id(member: u64) -> String {
    format!("rt:p:{member}")
}

/// The member a `/privacy delete` confirmation is for; `None` for any other custom_id.
pub fn parse_privacy_delete(custom_id: &str) -> Option<u64> {
    let member = custom_id.strip_prefix("rt:p:")?;
    if member.is_empty() || !member.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    member.parse().ok()
}

/// A moderator's decision on a member's suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionButton {
    Draft,
    Dismiss,
}

/// The prefix of the suggestion buttons' custom_ids.
pub const SUGGESTION_PREFIX: &str = "rt:sg:";

/// The custom_id of a suggestion's Draft or Dismiss button.
pub fn suggestion_id(button: SuggestionButton, suggestion: i64) -> String {
    let kind = match button {
        SuggestionButton::Draft => "d",
        SuggestionButton::Dismiss => "x",
    };
    format!("{SUGGESTION_PREFIX}{kind}:{suggestion}")
}

/// The button and suggestion of a custom_id; `None` for any other.
pub fn parse_suggestion(custom_id: &str) -> Option<(SuggestionButton, i64)> {
    let rest = custom_id.strip_prefix(SUGGESTION_PREFIX)?;
    let (kind, id) = rest.split_once(':')?;
    let button = match kind {
        "d" => SuggestionButton::Draft,
        "x" => SuggestionButton::Dismiss,
        _ => return None,
    };
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((button, id.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_buttons_round_trip_and_are_no_discussions_action() {
        for b in [SuggestionButton::Draft, SuggestionButton::Dismiss] {
            let id = suggestion_id(b, i64::MAX);
            assert!(id.chars().count() <= crate::limits::CUSTOM_ID, "{id}");
            assert_eq!(parse_suggestion(&id), Some((b, i64::MAX)));
            assert_eq!(Action::parse(&id), None);
            assert_eq!(parse_privacy_delete(&id), None);
        }
        for other in [
            "rt:sg:",
            "rt:sg:d",
            "rt:sg:d:",
            "rt:sg:q:1",
            "rt:sg:d:x",
            "rt:sg:d:1:2",
            "rt:sg:d:-1",
            "rt:p:1",
        ] {
            assert_eq!(parse_suggestion(other), None, "{other}");
        }
    }

    #[test]
    fn privacy_confirmations_round_trip_and_are_no_discussions_action() {
        let id = privacy_delete_id(u64::MAX);
        assert!(id.chars().count() <= crate::limits::CUSTOM_ID, "{id}");
        assert_eq!(parse_privacy_delete(&id), Some(u64::MAX));
        assert_eq!(Action::parse(&id), None);
        for other in [
            "rt:p:", "rt:p:x", "rt:p:1:2", "rt:p:+1", "rt:v:1:p", "rt:g:1",
        ] {
            assert_eq!(parse_privacy_delete(other), None, "{other}");
        }
    }

    #[test]
    fn custom_ids_round_trip_and_fit() {
        let long_key = "k".repeat(crate::limits::ours::OPTION_KEY);
        for a in [
            Action::Vote {
                discussion: DiscussionId(i64::MAX),
                option: long_key,
            },
            Action::OpenReplyForm {
                discussion: DiscussionId(7),
            },
            Action::Withdraw {
                discussion: DiscussionId(7),
            },
            Action::SubmitReply {
                discussion: DiscussionId(7),
            },
            Action::WeighIn {
                discussion: DiscussionId(7),
            },
            Action::Answer {
                discussion: DiscussionId(i64::MAX),
                statement: i64::MAX,
                answer: Answer::Disagree,
            },
            Action::WithdrawStatement {
                discussion: DiscussionId(i64::MAX),
                statement: i64::MAX,
            },
        ] {
            let id = a.custom_id();
            assert!(id.chars().count() <= crate::limits::CUSTOM_ID, "{id}");
            assert_eq!(Action::parse(&id), Some(a));
        }
    }

    #[test]
    fn foreign_or_stale_ids_are_not_ours() {
        for id in [
            "",
            "rt",
            "rt:v:1",
            "rt:v:x:k",
            "other:v:1:k",
            "rt:z:1",
            "rt:r:1:extra",
            "rt:g:1:extra",
            "rt:a:1:2",
            "rt:a:1:x:agree",
            "rt:a:1:2:maybe",
            "rt:a:1:2:agree:3",
            "rt:x:1",
            "rt:x:1:y",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
    }
}
