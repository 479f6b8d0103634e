//! Posts as plain text for a terminal: what the console and `preview` print.

use super::{Post, Tally};
use std::fmt::Write;

/// Strips the little Markdown roundtable uses (`**bold**`, `` `code` ``) for a terminal, and
/// writes Discord timestamps as UTC text.
fn plain(s: &str) -> String {
    plain_times(&s.replace("**", "").replace('`', ""))
}

/// Discord timestamps (`<t:UNIX:F>`, optionally followed by ` (<t:UNIX:R>)`, or any one style
/// alone) as UTC text, for a terminal where Discord does not render them.
pub fn plain_times(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("<t:") {
        out.push_str(&rest[..at]);
        match timestamp(&rest[at..]) {
            Some((t, len)) => {
                let mut after = &rest[at + len..];
                // The relative form right after the full one says the same again: drop it.
                if let Some(paren) = after.strip_prefix(" (") {
                    if let Some((same, l)) = timestamp(paren) {
                        if same == t && paren[l..].starts_with(')') {
                            after = &paren[l + 1..];
                        }
                    }
                }
                out.push_str(&super::utc_time(t));
                rest = after;
            }
            None => {
                out.push_str("<t:");
                rest = &rest[at + 3..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A Discord timestamp at the start of `s`: its time and its length.
fn timestamp(s: &str) -> Option<(jiff::Timestamp, usize)> {
    let body = s.strip_prefix("<t:")?;
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let secs: i64 = body.get(..digits)?.parse().ok()?;
    let tail = body.get(digits..)?;
    let len = if tail.starts_with('>') {
        1
    } else if tail.len() >= 3 && tail.as_bytes()[0] == b':' && tail.as_bytes()[2] == b'>' {
        3
    } else {
        return None;
    };
    let t = jiff::Timestamp::from_second(secs).ok()?;
    Some((t, 3 + digits + len))
}

/// A prompt's post, and what continues in its thread, as members would see it before anyone
/// answered (`roundtable preview`): each post's text followed by a newline.
pub fn preview(prompt: &crate::prompt::Prompt) -> String {
    let view = super::DiscussionView {
        id: crate::store::DiscussionId::PREVIEW,
        prompt,
        options: &prompt.options,
        closes_at: None,
        closed: false,
        results: super::Results::None,
    };
    super::discussion_post(&view)
        .all()
        .map(|post| format!("{}\n", post_to_text(post)))
        .collect()
}

pub fn post_to_text(post: &Post) -> String {
    let mut out = String::new();
    if !post.content.is_empty() {
        let _ = writeln!(out, "{}", plain(&post.content));
    }
    for e in &post.embeds {
        out.push('\n');
        if let Some(t) = &e.title {
            let _ = writeln!(out, "{t}\n{}", "─".repeat(t.chars().count().min(72)));
        }
        if let Some(u) = &e.url {
            let _ = writeln!(out, "{u}");
        }
        if let Some(d) = &e.description {
            let _ = writeln!(out, "{}", plain(d));
        }
        for f in &e.fields {
            let _ = writeln!(out, "{}: {}", plain(&f.name), plain(&f.value));
        }
        if let Some(f) = &e.footer {
            let _ = writeln!(out, "— {f}");
        }
    }
    if !post.rows.is_empty() {
        out.push('\n');
        for row in &post.rows {
            let line: Vec<String> = row
                .iter()
                .map(|b| {
                    if b.disabled {
                        format!("[{} (closed)]", b.label)
                    } else {
                        format!("[{}]", b.label)
                    }
                })
                .collect();
            let _ = writeln!(out, "{}", line.join(" "));
        }
    }
    out
}

/// A tally as terminal lines: per option its label, bar, share and votes, then participation.
pub fn tally_to_text(tally: &Tally) -> String {
    let mut out = String::new();
    let width = tally
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    for (i, r) in tally.rows.iter().enumerate() {
        let pad = width - r.label.chars().count();
        let _ = writeln!(
            out,
            "{:>2}. {}{}  {} {:>3}%  {} vote{}",
            i + 1,
            r.label,
            " ".repeat(pad),
            super::bar(r.share),
            r.share,
            r.votes,
            if r.votes == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out, "{}", super::participation(tally));
    let _ = writeln!(out, "{}", super::leading(tally));
    out
}
