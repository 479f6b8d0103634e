//! What members think, from their answers to statements, as plain text for a terminal (the
//! console): opinion groups, common ground, what sets each group apart, and stance changes. Pure.

use crate::discussion::OpinionResult;
use crate::opinion::{Answer, Counts};
use crate::prompt::AnswerOption;

/// "Group A", "Group B", …
pub fn group_name(i: usize) -> String {
    let letter = (b'A' + (i % 26) as u8) as char;
    format!("Group {letter}")
}

fn counts(c: &Counts) -> String {
    format!(
        "agree {} · disagree {} · pass {}",
        c.agree, c.disagree, c.pass
    )
}

fn percent(part: u64, whole: u64) -> u64 {
    (part * 100 + whole / 2).checked_div(whole).unwrap_or(0)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The result's part on statements; `None` when no one answered a statement and no one changed
/// their stance.
pub fn opinion_text(r: &OpinionResult, options: &[AnswerOption]) -> Option<String> {
    let a = &r.analysis;
    if a.participants == 0 && r.changes.changed == 0 {
        return None;
    }
    let quote = |id: i64| {
        r.texts.get(&id).map_or_else(
            || format!("statement {id}"),
            |t| format!("“{}”", t.split_whitespace().collect::<Vec<_>>().join(" ")),
        )
    };
    let label = |key: &str| {
        options.iter().position(|o| o.key == key).map_or_else(
            || key.to_string(),
            |i| format!("{}. {}", i + 1, options[i].label),
        )
    };
    let answers: u64 = a.statements.iter().map(|s| s.total.seen()).sum();
    let mut out = vec![format!(
        "What members think: {} answered {} ({}).",
        plural(a.participants, "member", "members"),
        plural(a.statements.len(), "statement", "statements"),
        plural(answers as usize, "answer", "answers"),
    )];
    if a.groups.is_empty() {
        if a.participants > 0 {
            out.push("Too few answers to form opinion groups yet.".into());
        }
    } else {
        out.push(format!(
            "By how they answered, {} fall into {} opinion groups:",
            plural(a.members.len(), "member", "members"),
            a.groups.len()
        ));
        for (g, group) in a.groups.iter().enumerate() {
            out.push(format!(
                "  {}: {}",
                group_name(g),
                plural(group.size, "member", "members")
            ));
        }
        out.push("Common ground (a majority of every group agrees):".into());
        let common: Vec<String> = a
            .common_ground
            .iter()
            .filter_map(|&id| {
                Some(format!(
                    "  {} ({})",
                    quote(id),
                    counts(&a.counts(id)?.total)
                ))
            })
            .collect();
        if common.is_empty() {
            out.push("  none: no statement has a majority's agreement in every group".into());
        }
        out.extend(common);
        for (g, divides) in a.divides.iter().enumerate() {
            if divides.is_empty() {
                continue;
            }
            out.push(format!("What sets {} apart:", group_name(g)));
            for d in divides {
                let verb = if d.direction == Answer::Disagree {
                    "disagree"
                } else {
                    "agree"
                };
                let pick = |c: &Counts| {
                    if d.direction == Answer::Disagree {
                        c.disagree
                    } else {
                        c.agree
                    }
                };
                out.push(format!(
                    "  {}: {}% of the group {verb} ({} of {}), {}% of the others ({} of {})",
                    quote(d.statement),
                    percent(pick(&d.group), d.group.seen()),
                    pick(&d.group),
                    d.group.seen(),
                    percent(pick(&d.others), d.others.seen()),
                    pick(&d.others),
                    d.others.seen(),
                ));
            }
        }
    }
    let c = &r.changes;
    if c.members > 0 {
        out.push(format!(
            "Stance changes: {} of {} with a stance changed it{}",
            c.changed,
            plural(c.members as usize, "member", "members"),
            if c.changed == 0 {
                "."
            } else {
                " (first stance → last):"
            }
        ));
        for s in &c.shifts {
            out.push(format!(
                "  {} → {}: {}",
                label(&s.from),
                label(&s.to),
                s.members
            ));
        }
    }
    Some(out.join("\n"))
}
