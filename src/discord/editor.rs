//! The prompt editor: the buttons under a draft's private preview open forms for the title and
//! question, the summary, the source, each actor and the options; a submitted form is one
//! [`library::edit::Edit`], checked by the prompt-file rules (quotes against the stored article).
//!
//! Discord's forms hold at most [`limits::MODAL_INPUTS`] inputs of [`limits::TEXT_INPUT`]
//! characters: a long field is split over several inputs ("part 2 of 3"), and a form with more
//! inputs than fit is split over several forms, each submission kept until the last one is in.
//! What the moderator typed is kept server-side under a short key ([`Forms`]); a refused edit
//! says why and offers a button that reopens the form with that text in it.
//!
//! custom_ids: `rt:e:o:<field>:<prompt>` open a form, `rt:e:sa:<prompt>` / `rt:e:so:<prompt>` the
//! actor and option menus, `rt:e:ap:<prompt>` approve, `rt:e:f:<key>:<page>` a form's submission,
//! `rt:e:c:<key>:<page>` open (again) page `page` of a kept form, `rt:e:paste` the pasted
//! article's form.

use super::access::{moderator_standing, REFUSED};
use super::flows::{blocking, Core};
use super::reply::{ephemeral, no_mentions};
use super::view;
use super::{CommandError, Data};
use crate::library::{self, edit::Edit};
use crate::limits;
use crate::prompt::Prompt;
use crate::render::{self, cut::cut};
use crate::store::ServerId;
use serenity::builder::{
    CreateActionRow, CreateButton, CreateInputText, CreateInteractionResponse,
    CreateInteractionResponseMessage, CreateModal, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption,
};
use serenity::client::Context;
use serenity::model::application::{
    ActionRowComponent, ButtonStyle, ComponentInteraction, ComponentInteractionDataKind,
    InputTextStyle, ModalInteraction,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub(super) const PREFIX: &str = "rt:e:";

/// Which part of a prompt a form edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    TitleQuestion,
    Summary,
    Source,
    Actor(usize),
    NewOption,
    Option(usize),
}

impl Field {
    fn code(self) -> String {
        match self {
            Field::TitleQuestion => "t".into(),
            Field::Summary => "m".into(),
            Field::Source => "s".into(),
            Field::Actor(i) => format!("a{i}"),
            Field::NewOption => "n".into(),
            Field::Option(i) => format!("p{i}"),
        }
    }

    fn parse(code: &str) -> Option<Field> {
        let index = |s: &str| s.parse::<usize>().ok();
        match code {
            "t" => Some(Field::TitleQuestion),
            "m" => Some(Field::Summary),
            "s" => Some(Field::Source),
            "n" => Some(Field::NewOption),
            _ => match code.split_at_checked(1)? {
                ("a", i) => index(i).map(Field::Actor),
                ("p", i) => index(i).map(Field::Option),
                _ => None,
            },
        }
    }

    fn title(self) -> String {
        match self {
            Field::TitleQuestion => "Title and question".into(),
            Field::Summary => "Summary".into(),
            Field::Source => "Source".into(),
            Field::Actor(i) => format!("Actor {}", i + 1),
            Field::NewOption => "New option".into(),
            Field::Option(i) => format!("Option {}", i + 1),
        }
    }
}

/// One field of a form: its label, its text, whether it takes paragraphs, the most it may hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    pub label: &'static str,
    pub value: String,
    pub paragraph: bool,
    pub required: bool,
    /// How many inputs it spans (a long text is split over several).
    pub inputs: usize,
    /// The most one of its inputs takes.
    pub max: usize,
    pub placeholder: &'static str,
}

fn part(label: &'static str, value: &str, paragraph: bool, required: bool, max: usize) -> Part {
    let max_input = max.min(limits::TEXT_INPUT);
    let n = value.chars().count();
    // Room to write more: a long text gets a spare part once it nears the end of its last one.
    let inputs = if max <= limits::TEXT_INPUT {
        1
    } else {
        (n / max_input + 1).min(max.div_ceil(max_input))
    };
    Part {
        label,
        value: value.to_string(),
        paragraph,
        required,
        inputs,
        max: max_input,
        placeholder: "",
    }
}

/// The fields of the form for `field` of `p`, with their current text.
pub(crate) fn parts_of(p: &Prompt, field: Field) -> Option<Vec<Part>> {
    let long = 20_000;
    Some(match field {
        Field::TitleQuestion => vec![
            part("Title", &p.title, false, true, limits::EMBED_TITLE),
            part(
                "Closing question",
                &p.question,
                true,
                true,
                limits::EMBED_TITLE,
            ),
        ],
        Field::Summary => vec![part("Summary", &p.summary, true, true, long)],
        Field::Source => vec![
            part("Outlet", &p.source.outlet, false, true, 200),
            part(
                "Author",
                p.source.author.as_deref().unwrap_or(""),
                false,
                false,
                200,
            ),
            Part {
                placeholder: "YYYY-MM-DD",
                ..part(
                    "Date",
                    p.source.date.as_deref().unwrap_or(""),
                    false,
                    false,
                    40,
                )
            },
            part(
                "Link",
                p.source.link.as_deref().unwrap_or(""),
                false,
                false,
                500,
            ),
        ],
        Field::Actor(i) => {
            let a = p.actors.get(i)?;
            vec![
                part("Name", &a.name, false, true, 200),
                part("Role", &a.role, false, false, 200),
                part("Digest (neutral)", &a.digest, true, true, long),
                Part {
                    placeholder: "Verbatim from the article",
                    ..part(
                        "Quotes, one a line",
                        &a.quotes.join("\n"),
                        true,
                        false,
                        long,
                    )
                },
            ]
        }
        Field::NewOption => vec![
            Part {
                placeholder: "a short id: lowercase, digits, -",
                ..part("Key", "", false, true, limits::ours::OPTION_KEY)
            },
            part("Button label", "", false, true, limits::BUTTON_LABEL),
        ],
        Field::Option(i) => {
            let o = p.options.get(i)?;
            vec![
                Part {
                    placeholder: "Empty key and label: remove this option",
                    ..part("Key", &o.key, false, false, limits::ours::OPTION_KEY)
                },
                part("Button label", &o.label, false, false, limits::BUTTON_LABEL),
                Part {
                    placeholder: "1 is the first button",
                    ..part("Position", &(i + 1).to_string(), false, false, 2)
                },
            ]
        }
    })
}

/// `text` in pieces of at most `max` characters, `n` of them (the last ones may be empty).
fn split(text: &str, max: usize, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = chars
        .chunks(max.max(1))
        .map(|c| c.iter().collect())
        .collect();
    if out.len() > n && n > 0 {
        // More text than inputs (cannot happen for text within the field's own limit): the rest
        // goes into the last input, which Discord then refuses to shorten silently.
        let rest: String = out.split_off(n - 1).concat();
        out.push(rest);
    }
    out.resize(n.max(out.len()), String::new());
    out
}

/// One input of a form, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    pub custom_id: String,
    pub label: String,
    pub value: String,
    pub paragraph: bool,
    pub required: bool,
    pub max: usize,
    pub placeholder: &'static str,
}

/// Every input of a form, in order: a part spanning several inputs is labelled "part k of n".
pub(crate) fn inputs(parts: &[Part]) -> Vec<Input> {
    let mut out = Vec::new();
    for (f, p) in parts.iter().enumerate() {
        let pieces = split(&p.value, p.max, p.inputs);
        let n = pieces.len();
        for (k, value) in pieces.into_iter().enumerate() {
            let label = if n > 1 {
                format!("{} (part {} of {n})", p.label, k + 1)
            } else {
                p.label.to_string()
            };
            out.push(Input {
                custom_id: format!("i{f}_{k}"),
                label: cut(&label, limits::TEXT_INPUT_LABEL).0,
                value,
                paragraph: p.paragraph || n > 1,
                required: p.required && k == 0,
                max: p.max,
                placeholder: if k == 0 { p.placeholder } else { "" },
            });
        }
    }
    out
}

/// How many forms `parts` take.
pub(crate) fn pages(parts: &[Part]) -> usize {
    inputs(parts).len().div_ceil(limits::MODAL_INPUTS).max(1)
}

/// The texts typed, by part: each part's inputs joined in order.
fn join(parts: &[Part], typed: &HashMap<String, String>) -> Vec<String> {
    parts
        .iter()
        .enumerate()
        .map(|(f, p)| {
            (0..p.inputs)
                .map(|k| typed.get(&format!("i{f}_{k}")).cloned().unwrap_or_default())
                .collect::<String>()
        })
        .collect()
}

/// The change the typed texts ask for (an option's form may ask for two: edit, then move).
pub(crate) fn edits(p: &Prompt, field: Field, texts: &[String]) -> Result<Vec<Edit>, String> {
    let t = |i: usize| texts.get(i).cloned().unwrap_or_default();
    let opt = |i: usize| Some(t(i)).filter(|s| !s.trim().is_empty());
    Ok(match field {
        Field::TitleQuestion => vec![Edit::Title(t(0)), Edit::Question(t(1))],
        Field::Summary => vec![Edit::Summary(t(0))],
        Field::Source => vec![Edit::Source {
            outlet: t(0),
            author: opt(1),
            date: opt(2),
            link: opt(3),
        }],
        Field::Actor(index) => vec![Edit::Actor {
            index,
            name: t(0),
            role: t(1),
            digest: t(2),
            quotes: t(3).lines().map(str::to_string).collect(),
        }],
        Field::NewOption => vec![Edit::AddOption {
            key: t(0),
            label: t(1),
        }],
        Field::Option(index) => {
            if t(0).trim().is_empty() && t(1).trim().is_empty() {
                return Ok(vec![Edit::RemoveOption(index)]);
            }
            let n = p.options.len();
            let to = match t(2).trim() {
                "" => index + 1,
                s => s
                    .parse::<usize>()
                    .ok()
                    .filter(|v| (1..=n).contains(v))
                    .ok_or_else(|| format!("position: give a number from 1 to {n}"))?,
            } - 1;
            let mut out = vec![Edit::EditOption {
                index,
                key: t(0),
                label: t(1),
            }];
            if to != index {
                out.push(Edit::MoveOption { from: index, to });
            }
            out
        }
    })
}

/// A form being filled in: which prompt and field, whose, and what was typed so far.
#[derive(Debug, Clone)]
struct Session {
    server: ServerId,
    user: u64,
    prompt: String,
    field: Field,
    parts: Vec<Part>,
    typed: HashMap<String, String>,
}

/// The forms being filled in (and refused edits' texts), by a short key, in memory: a key is
/// good while the bot runs; the oldest go first beyond [`Forms::KEEP`].
pub(crate) struct Forms {
    salt: u64,
    next: AtomicU64,
    open: Mutex<Vec<(String, Session)>>,
}

impl Default for Forms {
    fn default() -> Self {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() & 0xffff)
            .unwrap_or(0);
        Forms {
            salt,
            next: AtomicU64::new(1),
            open: Mutex::new(Vec::new()),
        }
    }
}

impl Forms {
    const KEEP: usize = 500;

    fn keep(&self, s: Session) -> String {
        let key = format!(
            "{:x}{:x}",
            self.salt,
            self.next.fetch_add(1, Ordering::Relaxed)
        );
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= Self::KEEP {
            open.remove(0);
        }
        open.push((key.clone(), s));
        key
    }

    fn get(&self, key: &str) -> Option<Session> {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.iter().find(|(k, _)| k == key).map(|(_, s)| s.clone())
    }

    fn put(&self, key: &str, s: Session) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = open.iter_mut().find(|(k, _)| k == key) {
            slot.1 = s;
        }
    }

    fn drop_key(&self, key: &str) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.retain(|(k, _)| k != key);
    }
}

/// The editor's buttons and menus under a prompt's preview.
pub(crate) fn controls(p: &Prompt) -> Vec<CreateActionRow> {
    let id = &p.id;
    let open = |f: Field, label: &str| {
        CreateButton::new(format!("{PREFIX}o:{}:{id}", f.code()))
            .label(label)
            .style(ButtonStyle::Secondary)
    };
    let mut rows = vec![CreateActionRow::Buttons(vec![
        open(Field::TitleQuestion, "Title & question"),
        open(Field::Summary, "Summary"),
        open(Field::Source, "Source"),
        open(Field::NewOption, "Add option"),
        CreateButton::new(format!("{PREFIX}ap:{id}"))
            .label("Approve")
            .style(ButtonStyle::Success),
    ])];
    let menu = |code: &str, placeholder: &str, items: Vec<(String, usize)>| {
        let options = items
            .into_iter()
            .take(limits::SELECT_OPTIONS)
            .map(|(label, i)| {
                CreateSelectMenuOption::new(
                    cut(&label, limits::SELECT_OPTION_LABEL).0,
                    i.to_string(),
                )
            })
            .collect();
        CreateActionRow::SelectMenu(
            CreateSelectMenu::new(
                format!("{PREFIX}{code}:{id}"),
                CreateSelectMenuKind::String { options },
            )
            .placeholder(placeholder),
        )
    };
    if !p.actors.is_empty() {
        rows.push(menu(
            "sa",
            "Edit an actor: name, role, digest, quotes",
            p.actors
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("{} · {}", i + 1, a.name), i))
                .collect(),
        ));
    }
    if !p.options.is_empty() {
        rows.push(menu(
            "so",
            "Edit, move or remove an option",
            p.options
                .iter()
                .enumerate()
                .map(|(i, o)| (format!("{} · {}", i + 1, o.label), i))
                .collect(),
        ));
    }
    rows
}

/// The modal for page `page` of a kept form.
fn modal(key: &str, s: &Session, page: usize) -> CreateInteractionResponse {
    let all = inputs(&s.parts);
    let n = pages(&s.parts);
    let title = if n > 1 {
        format!("{} — form {} of {n}", s.field.title(), page + 1)
    } else {
        s.field.title()
    };
    let rows = all
        .iter()
        .skip(page * limits::MODAL_INPUTS)
        .take(limits::MODAL_INPUTS)
        .map(|i| {
            let style = if i.paragraph {
                InputTextStyle::Paragraph
            } else {
                InputTextStyle::Short
            };
            let value = s.typed.get(&i.custom_id).unwrap_or(&i.value);
            let mut input = CreateInputText::new(style, i.label.clone(), i.custom_id.clone())
                .required(i.required)
                .max_length(i.max as u16);
            if !value.is_empty() {
                input = input.value(value.clone());
            }
            if !i.placeholder.is_empty() {
                input = input.placeholder(i.placeholder);
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    CreateInteractionResponse::Modal(
        CreateModal::new(
            format!("{PREFIX}f:{key}:{page}"),
            cut(&title, limits::MODAL_TITLE).0,
        )
        .components(rows),
    )
}

fn button_row(custom_id: String, label: &str) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![CreateButton::new(custom_id)
        .label(label)
        .style(ButtonStyle::Primary)])]
}

fn ephemeral_with(text: String, rows: Vec<CreateActionRow>) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(cut(&text, limits::CONTENT).0)
            .ephemeral(true)
            .components(rows)
            .allowed_mentions(no_mentions()),
    )
}

/// The answer after a change: the post as members will see it, what is left, the controls.
pub(crate) fn preview_answer(p: &Prompt, head: &str) -> CreateInteractionResponse {
    let review = library::Review::of(p);
    let v = render::DiscussionView {
        id: crate::store::DiscussionId::PREVIEW,
        prompt: p,
        options: &p.options,
        closes_at: None,
        closed: false,
        results: render::Results::None,
    };
    let rendered = render::discussion_post(&v);
    CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content(
                cut(
                    &super::commands::review_text(head, p, &review),
                    limits::CONTENT,
                )
                .0,
            )
            .embeds(view::embeds(&rendered.post))
            .components(controls(p))
            .ephemeral(true)
            .allowed_mentions(no_mentions()),
    )
}

/// The caller's name for the record, if they may moderate `server`.
async fn moderator_of(
    ctx: &Context,
    core: &Core,
    server: ServerId,
    member: Option<&serenity::model::guild::Member>,
    guild: Option<serenity::model::id::GuildId>,
    user: &serenity::model::user::User,
) -> Result<Option<String>, CommandError> {
    let config = core.settings(server).await.map_err(CommandError::Flow)?;
    Ok(moderator_standing(&ctx.cache, member, guild, &config)
        .map(|_| format!("{} ({})", user.name, user.id)))
}

async fn current(
    core: &Arc<Core>,
    server: ServerId,
    id: &str,
) -> Result<Option<Prompt>, CommandError> {
    let (c, id) = (core.clone(), id.to_string());
    let found = blocking(move || library::find(&c.catalog(), c.engine.store(), server, &id))
        .await?
        .map_err(|e| CommandError::Flow(e.into()))?;
    Ok(found.and_then(|e| e.prompt().cloned()))
}

fn gone(id: &str) -> CreateInteractionResponse {
    ephemeral(format!(
        "There is no prompt `{}` here any more.",
        limits::shown(id, 60)
    ))
}

const OUT_OF_DATE: &str =
    "This form is out of date (the bot restarted since it was opened): open it again from `/prompts show`.";

/// A click on an editor button or menu, answered; `false`: not the editor's.
pub(super) async fn on_component(
    ctx: &Context,
    data: &Data,
    ix: &ComponentInteraction,
) -> Result<bool, CommandError> {
    let Some(response) = component(ctx, data, ix).await? else {
        return Ok(false);
    };
    data.core.rest.answer(ix.id, &ix.token, &response).await?;
    Ok(true)
}

/// A submitted editor form (or pasted article), answered; `false`: not the editor's.
pub(super) async fn on_modal(
    ctx: &Context,
    data: &Data,
    ix: &ModalInteraction,
) -> Result<bool, CommandError> {
    let Some(response) = submitted(ctx, data, ix).await? else {
        return Ok(false);
    };
    if let Some(response) = response {
        data.core.rest.answer(ix.id, &ix.token, &response).await?;
    }
    Ok(true)
}

async fn component(
    ctx: &Context,
    data: &Data,
    ix: &ComponentInteraction,
) -> Result<Option<CreateInteractionResponse>, CommandError> {
    let Some(rest) = ix.data.custom_id.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let core = &data.core;
    let Some(server) = ix.guild_id.map(|g| ServerId::Guild(g.get())) else {
        return Ok(Some(ephemeral(REFUSED)));
    };
    let Some(by) =
        moderator_of(ctx, core, server, ix.member.as_ref(), ix.guild_id, &ix.user).await?
    else {
        return Ok(Some(ephemeral(REFUSED)));
    };
    let (kind, tail) = rest.split_once(':').unwrap_or((rest, ""));
    let chosen = || match &ix.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => {
            values.first().and_then(|v| v.parse::<usize>().ok())
        }
        _ => None,
    };
    let (field, id) = match kind {
        "o" => {
            let Some((code, id)) = tail.split_once(':') else {
                return Ok(Some(ephemeral(super::components::STALE)));
            };
            let Some(f) = Field::parse(code) else {
                return Ok(Some(ephemeral(super::components::STALE)));
            };
            (f, id)
        }
        "sa" | "so" => {
            let Some(i) = chosen() else {
                return Ok(Some(ephemeral(super::components::STALE)));
            };
            let f = if kind == "sa" {
                Field::Actor(i)
            } else {
                Field::Option(i)
            };
            (f, tail)
        }
        "ap" => {
            let (c, id, who) = (core.clone(), tail.to_string(), by.clone());
            let approved = blocking(move || {
                let now = c.engine.now();
                library::approve(&c.catalog(), c.engine.store(), server, &id, &who, now)
            })
            .await?;
            let text = match approved {
                Ok(v) => {
                    core.wake.notify_one();
                    format!(
                        "`{}` approved by {by} (version {v}): schedules and `/discussion post` can post it.",
                        limits::shown(tail, 60)
                    )
                }
                Err(e) => format!("Not approved: {e}"),
            };
            return Ok(Some(ephemeral(cut(&text, limits::CONTENT).0)));
        }
        "c" => {
            let Some((key, page)) = tail.split_once(':') else {
                return Ok(Some(ephemeral(super::components::STALE)));
            };
            let page = page.parse::<usize>().unwrap_or(0);
            return Ok(Some(match data.forms.get(key) {
                Some(s) if s.user == ix.user.id.get() && s.server == server => {
                    modal(key, &s, page.min(pages(&s.parts) - 1))
                }
                _ => ephemeral(OUT_OF_DATE),
            }));
        }
        _ => return Ok(Some(ephemeral(super::components::STALE))),
    };
    let Some(p) = current(core, server, id).await? else {
        return Ok(Some(gone(id)));
    };
    let Some(parts) = parts_of(&p, field) else {
        return Ok(Some(ephemeral(format!(
            "`{}` has no {} any more.",
            limits::shown(id, 60),
            field.title().to_lowercase()
        ))));
    };
    let session = Session {
        server,
        user: ix.user.id.get(),
        prompt: id.to_string(),
        field,
        parts,
        typed: HashMap::new(),
    };
    let key = data.forms.keep(session.clone());
    Ok(Some(modal(&key, &session, 0)))
}

/// `Some(None)`: answered already (the pasted article's deferred draft).
async fn submitted(
    ctx: &Context,
    data: &Data,
    ix: &ModalInteraction,
) -> Result<Option<Option<CreateInteractionResponse>>, CommandError> {
    let Some(rest) = ix.data.custom_id.strip_prefix(PREFIX) else {
        return Ok(None);
    };
    let core = &data.core;
    let Some(server) = ix.guild_id.map(|g| ServerId::Guild(g.get())) else {
        return Ok(Some(Some(ephemeral(REFUSED))));
    };
    let Some(by) =
        moderator_of(ctx, core, server, ix.member.as_ref(), ix.guild_id, &ix.user).await?
    else {
        return Ok(Some(Some(ephemeral(REFUSED))));
    };
    submitted_by(data, ix, server, by, rest).await.map(Some)
}

async fn submitted_by(
    data: &Data,
    ix: &ModalInteraction,
    server: ServerId,
    by: String,
    rest: &str,
) -> Result<Option<CreateInteractionResponse>, CommandError> {
    let core = &data.core;
    let typed: HashMap<String, String> = ix
        .data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|c| match c {
            ActionRowComponent::InputText(t) => {
                Some((t.custom_id.clone(), t.value.clone().unwrap_or_default()))
            }
            _ => None,
        })
        .collect();
    if rest == "paste" {
        super::commands::paste_submitted(data, ix, server, by, typed).await?;
        return Ok(None);
    }
    let Some(("f", tail)) = rest.split_once(':') else {
        return Ok(Some(ephemeral(super::components::STALE)));
    };
    let Some((key, page)) = tail.split_once(':') else {
        return Ok(Some(ephemeral(super::components::STALE)));
    };
    let page = page.parse::<usize>().unwrap_or(0);
    let Some(mut s) = data
        .forms
        .get(key)
        .filter(|s| s.user == ix.user.id.get() && s.server == server)
    else {
        return Ok(Some(ephemeral(OUT_OF_DATE)));
    };
    s.typed.extend(typed);
    data.forms.put(key, s.clone());
    let n = pages(&s.parts);
    if page + 1 < n {
        return Ok(Some(ephemeral_with(
            format!(
                "Form {} of {n} kept; the rest of {} is in the next form.",
                page + 1,
                s.field.title().to_lowercase()
            ),
            button_row(
                format!("{PREFIX}c:{key}:{}", page + 1),
                &format!("Continue: form {} of {n}", page + 2),
            ),
        )));
    }
    let texts = join(&s.parts, &s.typed);
    let (c, id, field, who) = (core.clone(), s.prompt.clone(), s.field, by.clone());
    let outcome = blocking(
        move || -> Result<Result<Prompt, String>, library::LibraryError> {
            let store = c.engine.store();
            let Some(p) =
                library::find(&c.catalog(), store, server, &id)?.and_then(|e| e.prompt().cloned())
            else {
                return Ok(Err(format!("there is no prompt `{id}` here any more")));
            };
            let article = store.prompt_article(server, &id)?;
            let edits = match edits(&p, field, &texts) {
                Ok(e) => e,
                Err(why) => return Ok(Err(why)),
            };
            let mut q = p;
            for e in &edits {
                q = match library::edit::apply(&q, e, article.as_deref()) {
                    Ok(q) => q,
                    Err(refused) => {
                        return Ok(Err(refused
                            .0
                            .iter()
                            .map(|(f, m)| format!("• {f}: {m}"))
                            .collect::<Vec<_>>()
                            .join("\n")))
                    }
                };
            }
            library::save_draft(store, server, &q, &who, c.engine.now())?;
            Ok(Ok(q))
        },
    )
    .await?;
    Ok(Some(match outcome {
        Ok(Ok(p)) => {
            data.forms.drop_key(key);
            preview_answer(
                &p,
                &format!("{} of `{}` saved by {by}", s.field.title(), p.id),
            )
        }
        Ok(Err(why)) => ephemeral_with(
            format!("Not saved: {why}\nWhat you typed is kept: reopen the form to correct it."),
            button_row(format!("{PREFIX}c:{key}:0"), "Reopen the form with my text"),
        ),
        Err(e) => {
            tracing::error!("prompt edit not saved: {e}");
            ephemeral_with(
                "Something went wrong and nothing was saved; what you typed is kept.".into(),
                button_row(format!("{PREFIX}c:{key}:0"), "Reopen the form with my text"),
            )
        }
    }))
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
    fn field_codes_round_trip_and_custom_ids_fit() {
        for f in [
            Field::TitleQuestion,
            Field::Summary,
            Field::Source,
            Field::Actor(19),
            Field::NewOption,
            Field::Option(7),
        ] {
            assert_eq!(Field::parse(&f.code()), Some(f));
            let id = format!(
                "{PREFIX}o:{}:{}",
                f.code(),
                "x".repeat(limits::ours::PROMPT_ID)
            );
            assert!(id.len() <= limits::CUSTOM_ID, "{id}");
        }
        assert_eq!(Field::parse("a"), None);
        assert_eq!(Field::parse("zz"), None);
    }

    #[test]
    fn a_long_summary_is_split_across_inputs_and_forms_without_losing_text() {
        let mut p = seed();
        p.summary = "word ".repeat(3_500); // 17,500 characters
        let parts = parts_of(&p, Field::Summary).unwrap();
        let all = inputs(&parts);
        assert!(all.len() >= 5, "{}", all.len());
        assert!(all
            .iter()
            .all(|i| i.value.chars().count() <= limits::TEXT_INPUT));
        assert!(all[1].label.contains("part 2 of"), "{}", all[1].label);
        // An actor with a long digest: more inputs than one form holds.
        p.actors[0].digest = "d".repeat(9_000);
        p.actors[0].quotes = vec!["q".repeat(3_000), "r".repeat(3_000)];
        let parts = parts_of(&p, Field::Actor(0)).unwrap();
        assert!(inputs(&parts).len() > limits::MODAL_INPUTS);
        assert_eq!(pages(&parts), 2);
        // What comes back, joined, is what was shown.
        let typed: HashMap<String, String> = inputs(&parts)
            .into_iter()
            .map(|i| (i.custom_id, i.value))
            .collect();
        let texts = join(&parts, &typed);
        assert_eq!(texts[2], p.actors[0].digest);
        assert_eq!(texts[3], p.actors[0].quotes.join("\n"));
    }

    #[test]
    fn an_options_form_edits_moves_or_removes() {
        let p = seed();
        let t = |k: &str, l: &str, pos: &str| vec![k.to_string(), l.to_string(), pos.to_string()];
        assert_eq!(
            edits(&p, Field::Option(1), &t("", " ", "")).unwrap(),
            vec![Edit::RemoveOption(1)]
        );
        let e = edits(&p, Field::Option(1), &t("k", "L", "1")).unwrap();
        assert_eq!(e[1], Edit::MoveOption { from: 1, to: 0 });
        assert!(edits(&p, Field::Option(1), &t("k", "L", "99"))
            .unwrap_err()
            .contains("position"));
    }

    #[test]
    fn a_kept_form_is_found_by_its_key_and_the_oldest_go_first() {
        let forms = Forms::default();
        let s = Session {
            server: ServerId::Guild(1),
            user: 7,
            prompt: "p".into(),
            field: Field::Summary,
            parts: Vec::new(),
            typed: HashMap::new(),
        };
        let first = forms.keep(s.clone());
        for _ in 0..Forms::KEEP {
            forms.keep(s.clone());
        }
        assert!(forms.get(&first).is_none());
        let k = forms.keep(s);
        assert!(k.len() <= 12, "{k}");
        assert_eq!(forms.get(&k).unwrap().user, 7);
    }
}
