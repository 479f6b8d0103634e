//! The history of past discussions: per discussion its question, dates, participation and the
//! stance most chosen (or the tie), with a link to its post when the ids allow one. As a post
//! within Discord's limits, and as plain text for the terminal.

use super::cut::cut;
use super::{participation, Embed, Post, COLOR};
use crate::discussion::{PastDiscussion, Tally, TallyRow};
use crate::limits::{self, chars};
use std::fmt::Write;

/// Longest question shown per discussion in the post; the rest is cut with an ellipsis.
const QUESTION_CHARS: usize = 200;
/// Longest option label shown in the post.
const LABEL_CHARS: usize = 100;

/// `https://discord.com/channels/{guild}/{channel}/{message}` when all three are Discord ids
/// (numbers); `None` otherwise (no guild known, a console discussion, a post not yet sent).
pub fn message_link(guild: Option<u64>, channel: &str, message: Option<&str>) -> Option<String> {
    let is_id = |s: &str| !s.is_empty() && s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit());
    let (guild, message) = (guild?, message?);
    (is_id(channel) && is_id(message))
        .then(|| format!("https://discord.com/channels/{guild}/{channel}/{message}"))
}

/// The outcome in words: "Most chosen: “…” (40%)", "A tie at 2 votes each between “…” and “…”",
/// or "No votes".
pub fn outcome(t: &Tally, max_label: Option<usize>) -> String {
    let label = |r: &TallyRow| {
        let l = match max_label {
            Some(max) => cut(&r.label, max).0,
            None => r.label.clone(),
        };
        format!("“{l}”")
    };
    match t.leaders().as_slice() {
        [] => "No votes".to_string(),
        [one] => format!("Most chosen: {} ({}%)", label(one), one.share),
        many => super::tie_sentence(
            many[0].votes,
            &many.iter().map(|r| label(r)).collect::<Vec<_>>(),
            true,
        ),
    }
}

fn dates(p: &PastDiscussion) -> String {
    let day = |t: jiff::Timestamp| t.strftime("%Y-%m-%d").to_string();
    format!(
        "{} → {}",
        day(p.discussion.record.opened_at),
        day(p.closed_at)
    )
}

/// The link to the post, in the discussion's own server.
fn link(p: &PastDiscussion) -> Option<String> {
    message_link(
        p.discussion.record.server.guild(),
        &p.discussion.record.channel,
        p.discussion.record.message_id.as_deref(),
    )
}

/// One discussion's lines in the post.
fn entry(p: &PastDiscussion) -> String {
    let question = cut(&p.discussion.prompt().question, QUESTION_CHARS).0;
    let mut s = format!(
        "**#{} · {question}**\n{} · {}\n{}",
        p.discussion.id(),
        dates(p),
        participation(&p.tally),
        outcome(&p.tally, Some(LABEL_CHARS))
    );
    if let Some(url) = link(p) {
        let _ = write!(s, " · [post]({url})");
    }
    s
}

/// Past discussions, newest first, as one post. Entries that do not fit the embed are counted in a
/// last line instead of being cut mid-way.
pub fn history_post(past: &[PastDiscussion]) -> Post {
    let description = if past.is_empty() {
        "No discussion has closed yet.".to_string()
    } else {
        let mut d = String::new();
        for (i, p) in past.iter().enumerate() {
            let e = entry(p);
            let left = past.len() - i - 1;
            // Keep room for the note on what did not fit.
            let note_room = if left > 0 { 80 } else { 0 };
            if chars(&d) + 2 + chars(&e) + note_room > limits::EMBED_DESCRIPTION {
                let _ = write!(
                    d,
                    "\n\n…and {} more (`roundtable history` lists them all).",
                    past.len() - i
                );
                break;
            }
            if !d.is_empty() {
                d.push_str("\n\n");
            }
            d.push_str(&e);
        }
        d
    };
    Post {
        content: String::new(),
        embeds: vec![Embed {
            title: Some("Past discussions".to_string()),
            description: Some(description),
            footer: Some("Newest first · counts as of each close".to_string()),
            color: Some(COLOR),
            ..Embed::default()
        }],
        rows: Vec::new(),
    }
}

/// Past discussions for the terminal: full questions and labels, links on their own line.
pub fn history_text(past: &[PastDiscussion]) -> String {
    if past.is_empty() {
        return "No discussion has closed yet.\n".to_string();
    }
    let mut out = String::new();
    for p in past {
        let _ = writeln!(
            out,
            "#{}  {}\n    {} · {}\n    {}",
            p.discussion.id(),
            p.discussion.prompt().question,
            dates(p),
            participation(&p.tally),
            outcome(&p.tally, None)
        );
        if let Some(url) = link(p) {
            let _ = writeln!(out, "    {url}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discussion::Discussion;
    use crate::prompt::Prompt;
    use crate::store::{DiscussionId, DiscussionRecord};
    use std::path::Path;

    fn past(id: i64, votes: &[u64], channel: &str, message: Option<&str>) -> PastDiscussion {
        let prompt = Prompt::from_str_at(
            Path::new("prompts/syria-strike-2017.toml"),
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap();
        let counts = crate::store::Counts {
            votes: prompt
                .options
                .iter()
                .zip(votes)
                .map(|(o, &n)| (o.key.clone(), n))
                .collect(),
            replies: 3,
            repliers: 2,
            ..Default::default()
        };
        let tally = Tally::from_counts(&prompt.options, &counts, true);
        let server = if channel == "console" {
            crate::store::ServerId::Console
        } else {
            crate::store::ServerId::Guild(9)
        };
        let record = DiscussionRecord {
            id: DiscussionId(id),
            server,
            option_order: prompt.options.iter().map(|o| o.key.clone()).collect(),
            prompt,
            channel: channel.to_string(),
            message_id: message.map(str::to_string),
            thread_id: None,
            opened_at: "2026-11-30T18:00:00Z".parse().unwrap(),
            closes_at: Some("2026-12-06T18:00:00Z".parse().unwrap()),
            closed_at: Some("2026-12-05T09:00:00Z".parse().unwrap()),
            closed_by: Some("mod".into()),
        };
        PastDiscussion {
            closed_at: record.closed_at.unwrap(),
            discussion: Discussion { record },
            tally,
        }
    }

    #[test]
    fn links_are_built_only_from_discord_ids() {
        assert_eq!(
            message_link(Some(1), "22", Some("333")).as_deref(),
            Some("https://discord.com/channels/1/22/333")
        );
        assert_eq!(message_link(None, "22", Some("333")), None);
        assert_eq!(message_link(Some(1), "console", Some("333")), None);
        assert_eq!(message_link(Some(1), "22", None), None);
        assert_eq!(message_link(Some(1), "22", Some("3/../x")), None);
    }

    #[test]
    fn each_entry_has_question_dates_participation_outcome_and_link() {
        let list = [
            past(2, &[0, 0, 0, 0, 0, 0], "console", None),
            past(1, &[3, 1, 0, 0, 3, 0], "123", Some("456")),
        ];
        let post = history_post(&list);
        assert!(post.limit_violations().is_empty());
        let d = post.embeds[0].description.clone().unwrap();
        assert!(d.starts_with(
            "**#2 · How do you think the United States should move forward?**\n2026-11-30 → 2026-12-05 · 0 members answered · 3 replies from 2 members\nNo votes"
        ), "{d}");
        assert!(d.contains("A tie at 3 votes each between “Keep up military pressure on the Syrian government, including further strikes” and “Stay out: no further U.S. involvement in Syria's war” · [post](https://discord.com/channels/9/123/456)"), "{d}");
        let text = history_text(&list);
        assert!(text.contains("#1  How do you think"), "{text}");
        assert!(
            text.contains("\n    https://discord.com/channels/9/123/456\n"),
            "{text}"
        );
        let one = [past(3, &[0, 0, 0, 0, 2, 0], "123", Some("456"))];
        assert!(history_text(&one).contains(
            "Most chosen: “Stay out: no further U.S. involvement in Syria's war” (100%)"
        ));
    }

    #[test]
    fn a_long_history_fits_one_post_and_says_how_many_are_left_out() {
        let list: Vec<PastDiscussion> = (1..=100)
            .rev()
            .map(|i| {
                let mut p = past(
                    i,
                    &[1, 2, 3, 4, 5, 6],
                    "123456789012345678",
                    Some("123456789012345678"),
                );
                p.discussion.record.server = crate::store::ServerId::Guild(123_456_789_012_345_678);
                p
            })
            .collect();
        let post = history_post(&list);
        assert!(
            post.limit_violations().is_empty(),
            "{:?}",
            post.limit_violations()
        );
        let d = post.embeds[0].description.clone().unwrap();
        assert!(d.starts_with("**#100 "));
        assert!(
            d.contains("more (`roundtable history` lists them all)."),
            "{d}"
        );
        assert_eq!(
            history_post(&[]).embeds[0].description.as_deref(),
            Some("No discussion has closed yet.")
        );
    }
}
