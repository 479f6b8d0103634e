//! Weighing in, as members and moderators read it: the private card with one statement at a time,
//! and the result's part on statements (opinion groups, common ground, what divides, who changed
//! their stance). Pure, like the rest of `render/`; every text is cut to Discord's limits here.

use super::cut::cut;
use super::ids::Action;
use super::{Button, ButtonStyle, Embed, Field, Post, COLOR};
use crate::chart::map::{group_name, legend, legend_line, LegendRow};
use crate::discussion::{Card, OpinionResult};
use crate::limits::{self, chars};
use crate::opinion::{Answer, Counts};
use crate::prompt::AnswerOption;
use crate::store::DiscussionId;

/// The longest a statement is quoted in the result (the card shows it whole).
const QUOTED: usize = 180;
/// Statements listed as common ground, and per group as what sets it apart.
const COMMON_SHOWN: usize = 5;
const DIVISIVE_SHOWN: usize = 3;
/// Stance-change rows shown.
const SHIFTS_SHOWN: usize = 8;

/// "Write my own" on a card: the reply form, whose text becomes a statement.
fn write_my_own(discussion: DiscussionId) -> Button {
    Button {
        custom_id: Action::OpenReplyForm { discussion }.custom_id(),
        label: "Write my own".into(),
        style: ButtonStyle::Primary,
        disabled: false,
    }
}

/// The private card: `note` (what became of the last answer) first, then the statement and its
/// Agree, Disagree, Pass and "Write my own" buttons; or, with nothing left, a last word.
pub fn weigh_card(discussion: DiscussionId, card: &Card, note: Option<&str>) -> Post {
    let mut content = note.map(|n| format!("{n}\n\n")).unwrap_or_default();
    match card {
        Card::Statement { id, text, left } => {
            let header = format!(
                "**Weigh in on discussion #{discussion}** · statement {id}, {left} left for you\n"
            );
            let footer = "\nDo you agree? Your answers are private: the result shows counts and groups, never names.";
            let room =
                limits::CONTENT.saturating_sub(chars(&content) + chars(&header) + chars(footer));
            let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect::<String>();
            content.push_str(&header);
            content.push_str(cut(quoted.trim_end(), room).0.as_str());
            content.push_str(footer);
            let answer = |a: Answer, label: &str| Button {
                custom_id: Action::Answer {
                    discussion,
                    statement: *id,
                    answer: a,
                }
                .custom_id(),
                label: label.into(),
                style: ButtonStyle::Secondary,
                disabled: false,
            };
            Post {
                content: cut(&content, limits::CONTENT).0,
                embeds: Vec::new(),
                rows: vec![vec![
                    answer(Answer::Agree, "Agree"),
                    answer(Answer::Disagree, "Disagree"),
                    answer(Answer::Pass, "Pass / unsure"),
                    write_my_own(discussion),
                ]],
            }
        }
        Card::Done => {
            content.push_str(&format!(
                "You have answered every statement of discussion #{discussion} there is for now. \
                 Members' replies become new statements: come back later, or write your own."
            ));
            Post {
                content: cut(&content, limits::CONTENT).0,
                embeds: Vec::new(),
                rows: vec![vec![write_my_own(discussion)]],
            }
        }
    }
}

/// What became of an answer, for the top of the next card.
pub fn answer_note(answer: Answer, previous: Option<Answer>) -> String {
    let word = |a: Answer| match a {
        Answer::Agree => "agree",
        Answer::Disagree => "disagree",
        Answer::Pass => "pass",
    };
    match previous {
        Some(p) if p != answer => format!(
            "Your answer is changed from “{}” to “{}”.",
            word(p),
            word(answer)
        ),
        _ => format!("Your answer “{}” is recorded.", word(answer)),
    }
}

fn quote(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("“{}”", cut(&one_line, QUOTED).0)
}

fn counts_line(c: &Counts) -> String {
    format!(
        "agree {} · disagree {} · pass {}",
        c.agree, c.disagree, c.pass
    )
}

fn count_of(c: &Counts, a: Answer) -> u64 {
    match a {
        Answer::Agree => c.agree,
        Answer::Disagree => c.disagree,
        Answer::Pass => c.pass,
    }
}

fn percent(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

/// Each group's size and stance shares, with options in the discussion's order.
pub fn legend_rows(r: &OpinionResult, options: &[AnswerOption]) -> Vec<LegendRow> {
    legend(&r.analysis, options.len(), |member| {
        let key = r.stances.get(member)?;
        options.iter().position(|o| &o.key == key)
    })
}

/// The result's part on statements and stance changes; `None` when members neither answered a
/// statement nor changed a stance (the result then shows the tally alone, as before).
pub fn opinion_embed(r: &OpinionResult, options: &[AnswerOption]) -> Option<Embed> {
    let a = &r.analysis;
    if a.participants == 0 && r.changes.changed == 0 {
        return None;
    }
    let label = |key: &str| {
        options
            .iter()
            .position(|o| o.key == key)
            .map(|i| format!("{}. {}", i + 1, options[i].label))
            .unwrap_or_else(|| key.to_string())
    };
    let answers: u64 = a.statements.iter().map(|s| s.total.seen()).sum();
    let mut description = format!(
        "{} member{} answered {} statement{} ({answers} answer{}).",
        a.participants,
        if a.participants == 1 { "" } else { "s" },
        a.statements.len(),
        if a.statements.len() == 1 { "" } else { "s" },
        if answers == 1 { "" } else { "s" },
    );
    if a.groups.is_empty() {
        if a.participants > 0 {
            description
                .push_str(" Too few members answered alike or apart to form opinion groups.");
        }
    } else {
        description.push_str(&format!(
            " By how they answered, {} of them fall into {} opinion groups:\n",
            a.members.len(),
            a.groups.len()
        ));
        for row in legend_rows(r, options) {
            description.push_str(&format!("• {}\n", legend_line(&row)));
        }
    }
    let mut fields = Vec::new();
    let text_of = |id: i64| r.texts.get(&id).map(|t| quote(t));
    if !a.groups.is_empty() {
        let lines: Vec<String> = a
            .common_ground
            .iter()
            .filter_map(|&id| {
                let text = text_of(id)?;
                let c = a.counts(id)?;
                Some(format!("{text}\n{}", counts_line(&c.total)))
            })
            .take(COMMON_SHOWN)
            .collect();
        fields.push(Field {
            name: "Common ground: a majority of every group agrees".into(),
            value: if lines.is_empty() {
                "No statement has a majority's agreement in every group.".into()
            } else {
                lines.join("\n")
            },
            inline: false,
        });
        for (g, divides) in a.divides.iter().enumerate() {
            let lines: Vec<String> = divides
                .iter()
                .filter_map(|d| {
                    let text = text_of(d.statement)?;
                    let verb = match d.direction {
                        Answer::Disagree => "disagree",
                        _ => "agree",
                    };
                    let (mine, theirs) = (count_of(&d.group, d.direction), count_of(&d.others, d.direction));
                    Some(format!(
                        "{text}\n{}% of {} {verb} ({mine} of {}); {}% of the others ({theirs} of {})",
                        percent(mine, d.group.seen()),
                        group_name(g),
                        d.group.seen(),
                        percent(theirs, d.others.seen()),
                        d.others.seen(),
                    ))
                })
                .take(DIVISIVE_SHOWN)
                .collect();
            if lines.is_empty() {
                continue;
            }
            fields.push(Field {
                name: format!("What sets {} apart", group_name(g)),
                value: lines.join("\n"),
                inline: false,
            });
        }
    }
    let c = &r.changes;
    if c.members > 0 {
        let mut value = format!(
            "{} of {} member{} with a stance changed it{}",
            c.changed,
            c.members,
            if c.members == 1 { "" } else { "s" },
            if c.changed == 0 {
                "."
            } else {
                ", first stance to last:"
            }
        );
        for s in c.shifts.iter().take(SHIFTS_SHOWN) {
            value.push_str(&format!(
                "\n{} → {}: {}",
                label(&s.from),
                label(&s.to),
                s.members
            ));
        }
        if c.shifts.len() > SHIFTS_SHOWN {
            value.push_str(&format!(
                "\n…and {} more changes",
                c.shifts.len() - SHIFTS_SHOWN
            ));
        }
        fields.push(Field {
            name: "Who changed their stance".into(),
            value,
            inline: false,
        });
    }
    let mut fields: Vec<Field> = fields
        .into_iter()
        .take(limits::EMBED_FIELDS)
        .map(|f| Field {
            name: cut(&f.name, limits::FIELD_NAME).0,
            value: cut(&f.value, limits::FIELD_VALUE).0,
            inline: f.inline,
        })
        .collect();
    let mut embed = Embed {
        title: Some("What members think".into()),
        description: Some(cut(description.trim_end(), limits::EMBED_DESCRIPTION).0),
        fields: Vec::new(),
        color: Some(COLOR),
        ..Embed::default()
    };
    // The embed must leave room beside the tally's in one message.
    let budget = limits::EMBEDS_TOTAL / 2;
    for f in fields.drain(..) {
        if embed.size() + chars(&f.name) + chars(&f.value) > budget {
            break;
        }
        embed.fields.push(f);
    }
    Some(embed)
}
