//! A member's own data in one server: what roundtable keeps about them, with the discussions'
//! titles and option labels to show it by, and its removal. Both are logged with numbers only,
//! never the content.

use super::{DiscussionError, Discussions};
use crate::store::{DiscussionId, Forgotten, MemberData, ServerId};
use std::collections::BTreeMap;

/// A discussion as a member's data names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscussionName {
    pub title: String,
    /// Option key → label.
    pub labels: BTreeMap<String, String>,
}

impl DiscussionName {
    /// The option's label, or its key when the prompt no longer has it.
    pub fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map_or(key, String::as_str)
    }
}

/// What roundtable keeps about one member in one server, ready to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberReport {
    pub data: MemberData,
    pub discussions: BTreeMap<DiscussionId, DiscussionName>,
    /// The texts of the statements the member answered that are still shown.
    pub answered: BTreeMap<i64, String>,
}

impl Discussions {
    /// What the store keeps about `member` in `server` (`/privacy show`).
    pub fn member_report(
        &self,
        server: ServerId,
        member: &str,
    ) -> Result<MemberReport, DiscussionError> {
        let data = self.store.member_data(server, member)?;
        let mut discussions = BTreeMap::new();
        for id in data.discussions() {
            if let Some(d) = self.store.discussion(server, id)? {
                discussions.insert(
                    id,
                    DiscussionName {
                        title: d.prompt.title.clone(),
                        labels: d
                            .prompt
                            .options
                            .iter()
                            .map(|o| (o.key.clone(), o.label.clone()))
                            .collect(),
                    },
                );
            }
        }
        let mut answered = BTreeMap::new();
        for (d, a) in &data.answers {
            if let Some(text) = self.store.shown_statement_text(server, *d, a.statement)? {
                answered.insert(a.statement, text);
            }
        }
        tracing::info!(
            %server, member,
            stances = data.stances.len(),
            replies = data.replies.len(),
            statements = data.statements.len(),
            answers = data.answers.len(),
            suggestions = data.suggestions.len(),
            "privacy: a member was shown their data"
        );
        Ok(MemberReport {
            data,
            discussions,
            answered,
        })
    }

    /// Removes `member`'s data in `server` (`/privacy delete`): replies, statements (with the
    /// answers to them) and answers go; votes are unlinked (closed tallies keep their counts, open
    /// ones drop the vote). One transaction, committed before this returns.
    pub async fn forget_member_async(
        &self,
        server: ServerId,
        member: &str,
    ) -> Result<Forgotten, DiscussionError> {
        let done = self
            .store
            .forget_member_async(server, member, self.clock.now())
            .await?;
        log_forgotten(server, member, &done);
        Ok(done)
    }

    /// Blocking form of [`Discussions::forget_member_async`] (the console).
    pub fn forget_member(
        &self,
        server: ServerId,
        member: &str,
    ) -> Result<Forgotten, DiscussionError> {
        let done = self.store.forget_member(server, member, self.clock.now())?;
        log_forgotten(server, member, &done);
        Ok(done)
    }
}

fn log_forgotten(server: ServerId, member: &str, f: &Forgotten) {
    tracing::info!(
        %server, member,
        votes_dropped = f.votes_dropped,
        votes_unlinked = f.votes_unlinked,
        replies = f.replies,
        statements = f.statements,
        answers = f.answers,
        answers_to_statements = f.answers_to_statements,
        history = f.history,
        suggestions = f.suggestions,
        "privacy: a member's data was deleted at their request"
    );
}
