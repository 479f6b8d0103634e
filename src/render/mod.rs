//! Rendering: prompts and tallies become transport-neutral posts that keep every Discord limit
//! (`crate::limits`). Where text must be cut, it is cut at a word with an ellipsis and the rest goes
//! to continuation posts (the discussion's thread on Discord): nothing is silently lost. Pure: no I/O.

pub mod cut;
pub mod history;
pub mod ids;
mod model;
pub mod opinion_text;
pub mod privacy;
pub mod text;
pub mod weigh;

pub use model::{Button, ButtonStyle, Embed, Field, Post};

use crate::discussion::{Tally, VoteOutcome, WithdrawOutcome};
use crate::limits::{self, chars};
use crate::prompt::{AnswerOption, Prompt};
use crate::store::DiscussionId;
use cut::cut;
use ids::Action;
use jiff::Timestamp;

/// Embed colour: a neutral slate, the same for every discussion and stance.
const COLOR: u32 = 0x4F5D75;
/// Width of a tally bar, in blocks.
pub const BAR_WIDTH: usize = 16;
/// Smallest room worth cutting an actor's text into; below this the actor moves to the thread whole.
const MIN_PARTIAL: usize = 400;

/// What the discussion post shows of the results.
#[derive(Debug, Clone, Copy)]
pub enum Results<'a> {
    /// Nothing yet (a preview).
    None,
    /// Counts and bars as votes arrive.
    Live(&'a Tally),
    /// Participation only, until the discussion closes.
    Hidden(&'a Tally),
}

/// Everything the discussion post depends on.
#[derive(Debug, Clone, Copy)]
pub struct DiscussionView<'a> {
    pub id: DiscussionId,
    pub prompt: &'a Prompt,
    /// Options in the discussion's order.
    pub options: &'a [AnswerOption],
    pub closes_at: Option<Timestamp>,
    pub closed: bool,
    pub results: Results<'a>,
}

/// A post and the continuation posts that carry what did not fit in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub post: Post,
    /// Posts for the discussion's thread, in order.
    pub continued: Vec<Post>,
}

impl Rendered {
    pub fn all(&self) -> impl Iterator<Item = &Post> {
        std::iter::once(&self.post).chain(self.continued.iter())
    }
}

/// A time as members read it on Discord: a timestamp Discord shows in each reader's own time zone,
/// in full and relative (`<t:1796580000:F> (<t:1796580000:R>)`). Where Discord does not render
/// them (the console, `preview`), [`text::plain_times`] turns them back into [`utc_time`].
pub fn fmt_time(t: Timestamp) -> String {
    let s = t.as_second();
    format!("<t:{s}:F> (<t:{s}:R>)")
}

/// A person as recorded ("name (123456789012345678)") as Discord shows them: a mention, which
/// Discord renders as their current name (allowed mentions stay empty, so nobody is pinged). A
/// record without a Discord id (the console's names) is shown as it is.
pub fn person(recorded: &str) -> String {
    let id = recorded
        .trim_end()
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('('))
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()));
    match id {
        Some(id) => format!("<@{id}>"),
        None => recorded.to_string(),
    }
}

/// A time as plain text: `2026-12-06 18:00 UTC`.
pub fn utc_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

fn source_line(p: &Prompt) -> String {
    let mut parts = vec![p.source.outlet.clone()];
    parts.extend(p.source.author.iter().map(|a| format!("by {a}")));
    parts.extend(p.source.date.iter().cloned());
    format!("Source: {}", parts.join(" · "))
}

fn actor_heading(name: &str, role: &str) -> String {
    format!("{name} — {role}")
}

fn actor_body(digest: &str, quotes: &[String]) -> String {
    if quotes.is_empty() {
        return digest.to_string();
    }
    format!("{digest}\n\nIn their words:\n{}", quotes_text(quotes))
}

/// A tally bar: `share` percent of [`BAR_WIDTH`] blocks.
pub fn bar(share: u32) -> String {
    let filled = ((share as usize * BAR_WIDTH) + 50) / 100;
    let filled = filled.min(BAR_WIDTH);
    format!("{}{}", "█".repeat(filled), "░".repeat(BAR_WIDTH - filled))
}

/// One line per option: number, label, and with counts a bar, share and votes.
pub fn option_lines(options: &[AnswerOption], tally: Option<&Tally>) -> String {
    let mut lines = Vec::new();
    for (i, o) in options.iter().enumerate() {
        let row = tally.and_then(|t| t.rows.iter().find(|r| r.key == o.key));
        match row {
            Some(r) => lines.push(format!(
                "**{}.** {}\n`{}` {}% · {} vote{}",
                i + 1,
                o.label,
                bar(r.share),
                r.share,
                r.votes,
                if r.votes == 1 { "" } else { "s" }
            )),
            None => lines.push(format!("**{}.** {}", i + 1, o.label)),
        }
    }
    lines.join("\n")
}

/// "12 members answered · 5 replies from 3 members", with a note when texts were not collected.
pub fn participation(t: &Tally) -> String {
    let mut s = format!(
        "{} member{} answered · {} repl{} from {} member{}",
        t.participants,
        if t.participants == 1 { "" } else { "s" },
        t.replies,
        if t.replies == 1 { "y" } else { "ies" },
        t.repliers,
        if t.repliers == 1 { "" } else { "s" },
    );
    if t.replies_without_text > 0 {
        s.push_str(&format!(
            " ({} thread repl{} counted; texts not collected)",
            t.replies_without_text,
            if t.replies_without_text == 1 {
                "y"
            } else {
                "ies"
            }
        ));
    }
    s
}

/// The leading stance, or the tie, in words.
pub fn leading(t: &Tally) -> String {
    let leaders = t.leaders();
    let label = |r: &crate::discussion::TallyRow| format!("“{}”", r.label);
    match leaders.as_slice() {
        [] => "No votes yet.".to_string(),
        [one] => format!(
            "{} {}: {} ({}%).",
            if t.closed { "Most chosen" } else { "Leading" },
            if t.closed { "stance" } else { "so far" },
            label(one),
            one.share
        ),
        many => format!(
            "{}.",
            tie_sentence(
                many[0].votes,
                &many.iter().map(|r| label(r)).collect::<Vec<_>>(),
                true
            )
        ),
    }
}

/// "A tie at 1 vote each between “A”, “B” and “C”" (`capital`) or "a tie at …".
pub fn tie_sentence(votes: u64, labels: &[String], capital: bool) -> String {
    format!(
        "{} tie at {} vote{} each between {}",
        if capital { "A" } else { "a" },
        votes,
        if votes == 1 { "" } else { "s" },
        and_list(labels)
    )
}

/// "A", "A and B", "A, B and C".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn question_embed(v: &DiscussionView<'_>) -> Embed {
    let tally = match v.results {
        Results::Live(t) => Some(t),
        Results::Hidden(t) if v.closed => Some(t),
        _ => None,
    };
    let mut description = option_lines(v.options, tally);
    let status = match (v.closed, v.closes_at) {
        (true, _) => "This discussion is closed.".to_string(),
        (false, Some(at)) => format!(
            "Choose a stance with the buttons below; you can change it until {}. Reply in the thread, or privately with “Write a reply”; “Weigh in” shows members' statements one at a time.",
            fmt_time(at)
        ),
        (false, None) => "Choose a stance with the buttons below. Reply in the thread, or privately with “Write a reply”; “Weigh in” shows members' statements one at a time.".to_string(),
    };
    description.push_str("\n\n");
    description.push_str(&status);
    let footer = match v.results {
        Results::None => None,
        Results::Live(t) | Results::Hidden(t) => Some(participation(t)),
    };
    Embed {
        title: Some(v.prompt.question.clone()),
        description: Some(cut(&description, limits::EMBED_DESCRIPTION).0),
        footer,
        color: Some(COLOR),
        ..Embed::default()
    }
}

fn buttons(v: &DiscussionView<'_>) -> Vec<Vec<Button>> {
    let stance: Vec<Button> = v
        .options
        .iter()
        .map(|o| Button {
            custom_id: Action::Vote {
                discussion: v.id,
                option: o.key.clone(),
            }
            .custom_id(),
            label: o.label.clone(),
            style: ButtonStyle::Secondary,
            disabled: v.closed,
        })
        .collect();
    let mut rows: Vec<Vec<Button>> = stance
        .chunks(limits::BUTTONS_PER_ROW)
        .map(<[Button]>::to_vec)
        .collect();
    rows.push(vec![
        Button {
            custom_id: Action::OpenReplyForm { discussion: v.id }.custom_id(),
            label: "Write a reply".into(),
            style: ButtonStyle::Primary,
            disabled: v.closed,
        },
        Button {
            custom_id: Action::WeighIn { discussion: v.id }.custom_id(),
            label: "Weigh in".into(),
            style: ButtonStyle::Secondary,
            disabled: v.closed,
        },
    ]);
    rows
}

/// Text that continues in the thread: a heading and the rest, in posts of at most 2,000 characters.
fn continuation_posts(heading: &str, rest: &str) -> Vec<Post> {
    let header = format!("**{heading}** (continued)\n");
    cut::chunks(rest, limits::CONTENT - chars(&header))
        .into_iter()
        .map(|c| Post::text(format!("{header}{c}")))
        .collect()
}

/// Packs embeds into as few posts as the limits allow, in order.
fn pack_embeds(embeds: Vec<Embed>) -> Vec<Post> {
    let mut posts: Vec<Post> = Vec::new();
    for e in embeds {
        let fits = posts.last().is_some_and(|p| {
            p.embeds.len() < limits::EMBEDS_PER_MESSAGE
                && p.embeds_size() + e.size() <= limits::EMBEDS_TOTAL
        });
        if !fits {
            posts.push(Post::default());
        }
        if let Some(p) = posts.last_mut() {
            p.embeds.push(e);
        }
    }
    posts
}

/// The discussion's post: summary and source, each actor's digest with quotes, the closing question
/// with numbered options (and the tally when live), stance buttons and "Write a reply".
///
/// When everything does not fit one message, every actor is treated alike: all quotes move to the
/// thread (verbatim, one embed per actor) and every digest stays in the post. Only a prompt whose
/// digests alone overflow the message has later actors continue in the thread.
pub fn discussion_post(v: &DiscussionView<'_>) -> Rendered {
    let whole = layout(v, true);
    if !whole.1 || v.prompt.actors.iter().all(|a| a.quotes.is_empty()) {
        return whole.0;
    }
    let mut r = layout(v, false).0;
    let mut quote_texts = Vec::new();
    let quote_embeds: Vec<Embed> = v
        .prompt
        .actors
        .iter()
        .filter(|a| !a.quotes.is_empty())
        .map(|a| {
            let heading = cut(&format!("{} — in their words", a.name), limits::EMBED_TITLE).0;
            let (description, rest) = cut(&quotes_text(&a.quotes), limits::EMBED_DESCRIPTION);
            if let Some(rest) = rest {
                quote_texts.extend(continuation_posts(
                    &format!("{} — in their words", a.name),
                    &rest,
                ));
            }
            Embed {
                title: Some(heading),
                description: Some(description),
                color: Some(COLOR),
                ..Embed::default()
            }
        })
        .collect();
    // The rest of cut texts first, so each reads on where the post stopped; then the quotes.
    r.continued.extend(pack_embeds(quote_embeds));
    r.continued.extend(quote_texts);
    r
}

fn quotes_text(quotes: &[String]) -> String {
    quotes
        .iter()
        .map(|q| {
            format!("“{q}”")
                .lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Lays the post out with or without the quotes inline; the flag says whether anything had to
/// continue in the thread.
fn layout(v: &DiscussionView<'_>, with_quotes: bool) -> (Rendered, bool) {
    let p = v.prompt;
    let mut texts_continued: Vec<Post> = Vec::new();
    let question = question_embed(v);

    // Summary: within its own limit and leaving room for the question.
    let title = cut(&p.title, limits::EMBED_TITLE).0;
    let footer = cut(&source_line(p), limits::FOOTER).0;
    let room = limits::EMBEDS_TOTAL
        .saturating_sub(question.size() + chars(&title) + chars(&footer))
        .max(1);
    let (summary, rest) = cut(&p.summary, room.min(limits::EMBED_DESCRIPTION));
    if let Some(rest) = rest {
        texts_continued.extend(continuation_posts("Summary", &rest));
    }
    let summary = Embed {
        title: Some(title),
        url: p.source.link.clone(),
        description: Some(summary),
        footer: Some(footer),
        color: Some(COLOR),
        ..Embed::default()
    };

    let mut budget = limits::EMBEDS_TOTAL.saturating_sub(summary.size() + question.size());
    let mut slots = limits::EMBEDS_PER_MESSAGE - 2;
    let mut in_post: Vec<Embed> = Vec::new();
    let mut to_thread: Vec<Embed> = Vec::new();
    let mut moved: Vec<String> = Vec::new();
    for a in &p.actors {
        let heading = cut(&actor_heading(&a.name, &a.role), limits::EMBED_TITLE).0;
        let body = if with_quotes || a.quotes.is_empty() {
            actor_body(&a.digest, &a.quotes)
        } else {
            format!(
                "{}\n\nTheir own words are quoted in full in the thread.",
                a.digest
            )
        };
        let make = |max: usize, texts: &mut Vec<Post>| {
            let (description, rest) = cut(&body, max);
            if let Some(rest) = rest {
                texts.extend(continuation_posts(&a.name, &rest));
            }
            Embed {
                title: Some(heading.clone()),
                description: Some(description),
                color: Some(COLOR),
                ..Embed::default()
            }
        };
        let whole = chars(&heading) + chars(&body).min(limits::EMBED_DESCRIPTION);
        let still_in_post = to_thread.is_empty() && slots > 0;
        if still_in_post && whole <= budget {
            in_post.push(make(limits::EMBED_DESCRIPTION, &mut texts_continued));
            budget -= whole;
            slots -= 1;
        } else if still_in_post && budget >= MIN_PARTIAL + chars(&heading) {
            let e = make(budget - chars(&heading), &mut texts_continued);
            budget -= e.size();
            slots -= 1;
            in_post.push(e);
            moved.push(format!("the rest of {}'s position", a.name));
        } else {
            let mut thread_texts = Vec::new();
            to_thread.push(make(limits::EMBED_DESCRIPTION, &mut thread_texts));
            texts_continued.extend(thread_texts);
            moved.push(format!("{}'s position", a.name));
        }
    }

    let overflowed = !moved.is_empty() || !texts_continued.is_empty();
    let heading = match v.id {
        DiscussionId::PREVIEW => "The next discussion".to_string(),
        id => format!("Discussion #{id}"),
    };
    let mut content =
        format!("**{heading}** · read the summary and each position, then choose your stance.");
    if overflowed || !with_quotes {
        let mut what = moved;
        if !with_quotes {
            what.insert(0, "each actor's own words".to_string());
        }
        if what.is_empty() {
            what.push("the rest of the text".to_string());
        }
        let note = format!("\nContinued in the thread: {}.", what.join(", "));
        content.push_str(&cut(&note, limits::CONTENT - chars(&content)).0);
    }
    let mut embeds = vec![summary];
    embeds.extend(in_post);
    embeds.push(question);
    let post = Post {
        content,
        embeds,
        rows: buttons(v),
    };
    let mut continued = pack_embeds(to_thread);
    continued.extend(texts_continued);
    (Rendered { post, continued }, overflowed)
}

/// A tally on its own: the current count for a moderator, or the final result at close.
pub fn tally_post(
    id: DiscussionId,
    question: &str,
    options: &[AnswerOption],
    tally: &Tally,
) -> Post {
    let heading = if tally.closed {
        "Final result"
    } else {
        "Current tally"
    };
    let mut description = option_lines(options, Some(tally));
    description.push_str("\n\n");
    description.push_str(&leading(tally));
    Post {
        content: format!("**{heading} of discussion #{id}**"),
        embeds: vec![Embed {
            title: Some(cut(question, limits::EMBED_TITLE).0),
            description: Some(cut(&description, limits::EMBED_DESCRIPTION).0),
            footer: Some(participation(tally)),
            color: Some(COLOR),
            ..Embed::default()
        }],
        rows: Vec::new(),
    }
}

/// The answer to a member's vote.
pub fn vote_receipt(outcome: &VoteOutcome) -> String {
    let until = |t: &Option<Timestamp>| match t {
        Some(t) => format!(" You can change it until {}.", fmt_time(*t)),
        None => String::new(),
    };
    match outcome {
        VoteOutcome::Recorded {
            option,
            previous: None,
            changeable_until,
        } => {
            format!(
                "Your stance is recorded: “{}”.{}",
                option.label,
                until(changeable_until)
            )
        }
        VoteOutcome::Recorded {
            option,
            previous: Some(p),
            changeable_until,
        } => format!(
            "Your stance is changed from “{}” to “{}”.{}",
            p.label,
            option.label,
            until(changeable_until)
        ),
        VoteOutcome::Unchanged {
            option,
            changeable_until,
        } => {
            format!(
                "Your stance is already “{}”.{}",
                option.label,
                until(changeable_until)
            )
        }
    }
}

pub fn withdraw_receipt(outcome: &WithdrawOutcome) -> String {
    match outcome {
        WithdrawOutcome::Withdrawn { previous } => {
            format!("Your stance “{}” is withdrawn.", previous.label)
        }
        WithdrawOutcome::NoVote => "You have no stance to withdraw.".to_string(),
    }
}

pub fn reply_receipt(chars_written: usize) -> String {
    format!("Your reply is recorded ({chars_written} characters). Thank you.")
}

#[cfg(test)]
mod tests;
