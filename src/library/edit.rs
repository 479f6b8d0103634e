//! One change to a prompt, as a moderator makes it in a form, checked by the same rules as a prompt
//! file ([`prompt::validate`]): the change is refused if the fields it touches break a rule, with
//! every reason; rules other fields do not meet yet (a placeholder still to write) do not block it.
//! Quotes stay verbatim: an edited quote must appear, word for word, in the article.

use crate::limits::ours;
use crate::prompt::{self, AnswerOption, Prompt};

/// A change, by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Title(String),
    Question(String),
    Summary(String),
    Source {
        outlet: String,
        author: Option<String>,
        date: Option<String>,
        link: Option<String>,
    },
    /// The actor at `index`: name, role, digest and quotes (one a line).
    Actor {
        index: usize,
        name: String,
        role: String,
        digest: String,
        quotes: Vec<String>,
    },
    AddOption {
        key: String,
        label: String,
    },
    EditOption {
        index: usize,
        key: String,
        label: String,
    },
    RemoveOption(usize),
    /// Moves the option at `from` to position `to`.
    MoveOption {
        from: usize,
        to: usize,
    },
}

/// Why a change was refused: one line per reason, each naming its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("; "))]
pub struct Refused(pub Vec<(String, String)>);

fn refuse(field: &str, message: impl Into<String>) -> Refused {
    Refused(vec![(field.to_string(), message.into())])
}

/// Applies `edit` to `p`; `article` (the text it was drafted from, if known) checks quotes.
pub fn apply(p: &Prompt, edit: &Edit, article: Option<&str>) -> Result<Prompt, Refused> {
    let mut q = p.clone();
    let trim = |s: &str| s.trim().to_string();
    let touched: Vec<String> = match edit {
        Edit::Title(t) => {
            q.title = trim(t);
            vec!["title".into()]
        }
        Edit::Question(t) => {
            q.question = trim(t);
            vec!["question".into()]
        }
        Edit::Summary(t) => {
            q.summary = trim(t);
            vec!["summary".into()]
        }
        Edit::Source {
            outlet,
            author,
            date,
            link,
        } => {
            let opt = |s: &Option<String>| {
                s.as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            q.source.outlet = trim(outlet);
            q.source.author = opt(author);
            q.source.date = opt(date);
            q.source.link = opt(link);
            vec!["source".into()]
        }
        Edit::Actor {
            index,
            name,
            role,
            digest,
            quotes,
        } => {
            let Some(a) = q.actors.get_mut(*index) else {
                return Err(refuse("actors", format!("there is no actor {}", index + 1)));
            };
            let quotes: Vec<String> = quotes
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            if let Some(article) = article {
                let flat = collapse(article);
                for (j, quote) in quotes.iter().enumerate() {
                    if !flat.contains(&collapse(quote)) {
                        return Err(refuse(
                            &format!("actors[{index}].quotes[{j}]"),
                            "a quote must stay verbatim from the article, and these words are not in it",
                        ));
                    }
                }
            }
            a.name = trim(name);
            a.role = trim(role);
            a.digest = trim(digest);
            a.quotes = quotes;
            vec![format!("actors[{index}]")]
        }
        Edit::AddOption { key, label } => {
            if q.options.len() >= ours::MAX_OPTIONS {
                return Err(refuse(
                    "options",
                    format!("a discussion offers at most {} stances", ours::MAX_OPTIONS),
                ));
            }
            q.options.push(AnswerOption {
                key: trim(key),
                label: trim(label),
            });
            vec![format!("options[{}]", q.options.len() - 1)]
        }
        Edit::EditOption { index, key, label } => {
            let Some(o) = q.options.get_mut(*index) else {
                return Err(refuse(
                    "options",
                    format!("there is no option {}", index + 1),
                ));
            };
            o.key = trim(key);
            o.label = trim(label);
            vec![format!("options[{index}]")]
        }
        Edit::RemoveOption(index) => {
            if *index >= q.options.len() {
                return Err(refuse(
                    "options",
                    format!("there is no option {}", index + 1),
                ));
            }
            if q.options.len() <= ours::MIN_OPTIONS {
                return Err(refuse(
                    "options",
                    format!(
                        "a discussion offers at least {} stances: add one before removing this",
                        ours::MIN_OPTIONS
                    ),
                ));
            }
            q.options.remove(*index);
            Vec::new()
        }
        Edit::MoveOption { from, to } => {
            if *from >= q.options.len() || *to >= q.options.len() {
                return Err(refuse("options", "no option at that position"));
            }
            let o = q.options.remove(*from);
            q.options.insert(*to, o);
            Vec::new()
        }
    };
    let problems: Vec<(String, String)> = prompt::validate(&q)
        .into_iter()
        .filter(|(field, _)| {
            touched.iter().any(|t| {
                field == t
                    || field.starts_with(&format!("{t}."))
                    || field.starts_with(&format!("{t}["))
            })
        })
        .collect();
    if !problems.is_empty() {
        return Err(Refused(problems));
    }
    Ok(q)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn seed() -> Prompt {
        Prompt::from_str_at(
            Path::new("prompts/syria-strike-2017.toml"),
            include_str!("../../prompts/syria-strike-2017.toml"),
        )
        .unwrap()
    }

    #[test]
    fn a_summary_edit_is_kept_and_an_empty_one_refused_naming_the_field() {
        let p = seed();
        let q = apply(&p, &Edit::Summary("  A fair summary.  ".into()), None).unwrap();
        assert_eq!(q.summary, "A fair summary.");
        let err = apply(&p, &Edit::Summary(" ".into()), None).unwrap_err();
        assert!(err.0.iter().all(|(f, _)| f == "summary"), "{err}");
    }

    #[test]
    fn options_are_added_edited_moved_and_removed_within_three_to_eight() {
        let mut p = seed();
        let n = p.options.len();
        p = apply(
            &p,
            &Edit::AddOption {
                key: "wait".into(),
                label: "Wait and see".into(),
            },
            None,
        )
        .unwrap();
        assert_eq!(p.options.len(), n + 1);
        assert_eq!(p.options[n].key, "wait");
        p = apply(&p, &Edit::MoveOption { from: n, to: 0 }, None).unwrap();
        assert_eq!(p.options[0].key, "wait");
        p = apply(&p, &Edit::RemoveOption(0), None).unwrap();
        assert_eq!(p.options.len(), n);
        while p.options.len() < ours::MAX_OPTIONS {
            let k = format!("k{}", p.options.len());
            p = apply(
                &p,
                &Edit::AddOption {
                    key: k,
                    label: "Another".into(),
                },
                None,
            )
            .unwrap();
        }
        let err = apply(
            &p,
            &Edit::AddOption {
                key: "x".into(),
                label: "X".into(),
            },
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("at most 8"), "{err}");
        let mut three = seed();
        three.options.truncate(3);
        let err = apply(&three, &Edit::RemoveOption(0), None).unwrap_err();
        assert!(err.to_string().contains("at least 3"), "{err}");
    }

    #[test]
    fn an_option_label_beyond_the_button_limit_or_a_duplicate_key_is_refused() {
        let p = seed();
        let long = "x".repeat(crate::limits::BUTTON_LABEL + 1);
        let err = apply(
            &p,
            &Edit::AddOption {
                key: "new".into(),
                label: long,
            },
            None,
        )
        .unwrap_err();
        assert!(
            err.0.iter().any(|(f, _)| f.starts_with("options[")),
            "{err}"
        );
        let dup = p.options[0].key.clone();
        let err = apply(
            &p,
            &Edit::AddOption {
                key: dup,
                label: "Same".into(),
            },
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("duplicate"), "{err}");
    }

    #[test]
    fn a_quote_must_stay_verbatim_from_the_article() {
        let p = seed();
        let article = "He said: \"We will   not back down,\" and left.";
        let a = &p.actors[0];
        let edit = |quote: &str| Edit::Actor {
            index: 0,
            name: a.name.clone(),
            role: a.role.clone(),
            digest: a.digest.clone(),
            quotes: vec![quote.into()],
        };
        let q = apply(&p, &edit("We will not back down"), Some(article)).unwrap();
        assert_eq!(
            q.actors[0].quotes,
            vec!["We will not back down".to_string()]
        );
        let err = apply(&p, &edit("We will never back down"), Some(article)).unwrap_err();
        assert!(err.to_string().contains("verbatim"), "{err}");
    }

    #[test]
    fn an_edit_is_not_blocked_by_placeholders_in_other_fields() {
        let mut p = seed();
        p.options[0].label = format!("{} stance 1", prompt::PLACEHOLDER);
        assert!(apply(&p, &Edit::Title("A new title".into()), None).is_ok());
    }
}
