//! `/prompts`: drafting a prompt from an article (an attached file or a link), reviewing it
//! privately as members will see it, approving it into the server's prompts; listing, showing and
//! deleting them; `reload` re-reads the prompt files. Moderators only, every subcommand.

use crate::discord::access::moderator;
use crate::discord::editor;
use crate::discord::flows::{blocking, Core};
use crate::discord::reply::{defer, no_mentions, parts, say};
use crate::discord::view;
use crate::discord::{CommandError, Context};
use crate::draft::fetch::{self, FetchLimits};
use crate::library;
use crate::limits;
use crate::prompt::Catalog;
use crate::render;
use crate::render::cut::cut;
use crate::store::ServerId;
use serenity::builder::{
    AutocompleteChoice, CreateActionRow, CreateAutocompleteResponse, CreateInputText,
    CreateInteractionResponse, CreateInteractionResponseFollowup, CreateInteractionResponseMessage,
    CreateModal, EditInteractionResponse,
};
use serenity::model::application::InputTextStyle;
use std::sync::Arc;

pub(super) async fn autocomplete_prompt(
    ctx: Context<'_>,
    partial: &str,
) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let core = ctx.data().core.clone();
    let catalog = match ctx.guild_id() {
        Some(g) => match blocking(move || core.catalog_in(ServerId::Guild(g.get()))).await {
            Ok(c) => c,
            Err(_) => ctx.data().core.catalog(),
        },
        None => core.catalog(),
    };
    let choices = catalog
        .prompts
        .values()
        .filter(|p| p.id.contains(&partial) || p.title.to_lowercase().contains(&partial))
        .take(25)
        .map(|p| {
            AutocompleteChoice::new(cut(&format!("{} · {}", p.id, p.title), 100).0, p.id.clone())
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Draft, review and approve discussion prompts.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("draft", "list", "show", "approve", "delete", "reload"),
    subcommand_required
)]
pub(crate) async fn prompts(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Reload the prompt files; if any is bad, the old set stays and the problems are listed.
#[poise::command(slash_command, guild_only)]
async fn reload(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some(_by) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let dir = core.prompts_dir.clone();
    let catalog = blocking(move || Catalog::load_dir(&dir)).await?;
    if !catalog.is_clean() {
        let problems: Vec<String> = catalog.problems.iter().map(|p| format!("• {p}")).collect();
        let kept = core.catalog().prompts.len();
        return say(
            &ctx,
            format!(
                "Nothing changed: {kept} prompt(s) stay loaded. Problems:\n{}",
                problems.join("\n")
            ),
        )
        .await;
    }
    let n = catalog.prompts.len();
    *core.catalog.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(catalog);
    core.wake.notify_one();
    say(&ctx, format!("Reloaded {n} prompt(s).")).await
}

/// The stored and file prompts of this server, for autocomplete: drafts too.
async fn autocomplete_any(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let partial = partial.trim().to_lowercase();
    let Some(g) = ctx.guild_id() else {
        return CreateAutocompleteResponse::new();
    };
    let core = ctx.data().core.clone();
    let entries = blocking(move || {
        library::entries(
            &core.catalog(),
            core.engine.store(),
            ServerId::Guild(g.get()),
        )
    })
    .await
    .ok()
    .and_then(Result::ok)
    .unwrap_or_default();
    let choices = entries
        .iter()
        .filter(|e| e.id().contains(&partial))
        .take(25)
        .map(|e| {
            let title = e.prompt().map(|p| p.title.as_str()).unwrap_or_default();
            AutocompleteChoice::new(
                cut(&format!("{} · {} · {}", e.id(), e.state(), title), 100).0,
                e.id().to_string(),
            )
        })
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Draft a prompt from an article: an attached file (.txt, .md, .html), a link, or pasted text.
#[poise::command(slash_command, guild_only)]
async fn draft(
    ctx: Context<'_>,
    #[description = "The article as a file: .txt, .md or .html (a saved web page)"] article: Option<
        serenity::model::channel::Attachment,
    >,
    #[description = "A link to the article (http or https)"] link: Option<String>,
    #[description = "The prompt's id (default: from the file name or the link)"] id: Option<String>,
) -> Result<(), CommandError> {
    let Some((by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let source = match (&article, link.as_deref().map(str::trim)) {
        (None, None) | (None, Some("")) => {
            return Ok(core
                .rest
                .answer(ix.id, &ix.token, &paste_form(id.as_deref()))
                .await?)
        }
        (Some(a), _) => ArticleSource::Attachment {
            url: a.url.clone(),
            filename: a.filename.clone(),
            size: a.size as usize,
        },
        (None, Some(l)) => ArticleSource::Link(l.to_string()),
    };
    let name = match check_source(&source, &FetchLimits::from_config(&core.draft)) {
        Ok(name) => name,
        Err(why) => return say(&ctx, why).await,
    };
    defer(&ctx).await?;
    draft_into_preview(core, &ix.token, server, &by, source, name, id).await?;
    Ok(())
}

/// Where an article comes from: a file attached to a command (Discord's CDN) or a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ArticleSource {
    Attachment {
        url: String,
        filename: String,
        size: usize,
    },
    Link(String),
}

/// The name an id is made from, or why the article is refused before anything is fetched.
pub(crate) fn check_source(source: &ArticleSource, limits: &FetchLimits) -> Result<String, String> {
    match source {
        ArticleSource::Attachment { filename, size, .. } => {
            let ext = std::path::Path::new(filename)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            if !matches!(ext.as_deref(), Some("txt" | "md" | "html" | "htm")) {
                return Err(format!(
                    "`{}` is not an article file: attach a .txt, .md or .html file.",
                    limits::shown(filename, 60)
                ));
            }
            if *size > limits.max_bytes {
                return Err(format!(
                    "`{}` is {size} bytes; an article may be at most {} bytes.",
                    limits::shown(filename, 60),
                    limits.max_bytes
                ));
            }
            Ok(filename.clone())
        }
        ArticleSource::Link(l) => match fetch::parse_link(l) {
            Ok(url) => Ok(url
                .path_segments()
                .and_then(|mut s| s.rfind(|p| !p.is_empty()).map(str::to_string))
                .unwrap_or_else(|| url.host_str().unwrap_or("article").to_string())),
            Err(e) => Err(format!("Nothing was fetched: {e}.")),
        },
    }
}

/// After the answer was deferred: fetches the article, drafts and stores it, shows the preview
/// (or says why nothing was drafted) in the deferred answer of `token`. Returns the id of the
/// stored draft; `None`: nothing was drafted (the answer says why).
pub(crate) async fn draft_into_preview(
    core: &Arc<Core>,
    token: &str,
    server: ServerId,
    by: &str,
    source: ArticleSource,
    name: String,
    id: Option<String>,
) -> Result<Option<String>, CommandError> {
    let limits = FetchLimits::from_config(&core.draft);
    let fetched = match source {
        ArticleSource::Attachment { url, .. } => read_attachment(&limits, &url).await,
        ArticleSource::Link(l) => fetch::fetch(&l, &limits).await,
    };
    let page = match fetched {
        Ok(f) => f,
        Err(e) => {
            finish_token(core, token, format!("Nothing was drafted: {e}.")).await?;
            return Ok(None);
        }
    };
    let html = page.is_html();
    draft_text_into_preview(core, token, server, by, name, page.body, html, id).await
}

/// Reads a file attached to a command from Discord's CDN, within the draft's size and time
/// limits. The address comes from Discord, not from a member, so the private-host guard is off.
pub(crate) async fn read_attachment(
    limits: &FetchLimits,
    url: &str,
) -> Result<fetch::Fetched, fetch::FetchError> {
    let trusted = FetchLimits {
        allow_private_hosts: true,
        ..*limits
    };
    fetch::fetch(url, &trusted).await
}

/// Drafts `body` (HTML if `html` or if it looks like it), stores the draft with its article, and
/// shows the preview in the deferred answer of `token`; the draft's id, if one was stored.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn draft_text_into_preview(
    core: &Arc<Core>,
    token: &str,
    server: ServerId,
    by: &str,
    name: String,
    body: String,
    html: bool,
    id: Option<String>,
) -> Result<Option<String>, CommandError> {
    let id = id
        .map(|i| i.trim().to_string())
        .filter(|i| !i.is_empty())
        .unwrap_or_else(|| crate::draft::id_from(std::path::Path::new(&name)));
    if !library::valid_id(&id) {
        finish_token(
            core,
            token,
            format!(
                "`{}` is not a prompt id: give `id` (lowercase letters, digits, `-` and `_`).",
                limits::shown(&id, 60)
            ),
        )
        .await?;
        return Ok(None);
    }
    let options = crate::draft::DraftOptions::new(id.clone(), &core.draft);
    let c = core.clone();
    let who = by.to_string();
    let saved = blocking(move || -> Result<_, String> {
        let path = std::path::Path::new(&name);
        let html = html || crate::draft::is_html(path, &body);
        let d = if html {
            crate::draft::draft_html(path, &body, &options)
        } else {
            crate::draft::draft_text(path, &body, &options)
        }
        .map_err(|e| e.to_string())?;
        let now = c.engine.now();
        if let Ok(Some(library::Entry::Stored(_))) =
            library::find(&c.catalog(), c.engine.store(), server, &d.prompt.id)
        {
            return Err(format!(
                "a prompt `{}` exists already on this server; give another `id`",
                d.prompt.id
            ));
        }
        let review = library::save_draft(c.engine.store(), server, &d.prompt, &who, now)
            .map_err(|e| e.to_string())?;
        c.engine
            .store()
            .save_prompt_article(server, &d.prompt.id, &d.analysis.body)
            .map_err(|e| e.to_string())?;
        Ok((d.prompt, review))
    })
    .await?;
    let (prompt, review) = match saved {
        Ok(x) => x,
        Err(e) => {
            finish_token(core, token, format!("Nothing was drafted: {e}.")).await?;
            return Ok(None);
        }
    };
    preview(
        core,
        token,
        &prompt,
        &review,
        &format!("Draft `{}` saved by {by}", prompt.id),
    )
    .await?;
    Ok(Some(prompt.id))
}

/// Inputs of the pasted article's form: the id, then the article over several inputs.
const PASTE_PARTS: usize = limits::MODAL_INPUTS - 1;

/// The form `/prompts draft` opens when given neither a file nor a link.
fn paste_form(id: Option<&str>) -> CreateInteractionResponse {
    let mut rows = vec![{
        let mut i = CreateInputText::new(InputTextStyle::Short, "Prompt id", "id")
            .placeholder("lowercase letters, digits, - and _")
            .max_length(limits::ours::PROMPT_ID as u16)
            .required(true);
        if let Some(id) = id.map(str::trim).filter(|i| !i.is_empty()) {
            i = i.value(id);
        }
        CreateActionRow::InputText(i)
    }];
    for k in 0..PASTE_PARTS {
        let label = if k == 0 {
            format!("Article (4,000 characters a box, {PASTE_PARTS} boxes)")
        } else {
            format!("Article, continued (box {} of {PASTE_PARTS})", k + 1)
        };
        rows.push(CreateActionRow::InputText(
            CreateInputText::new(
                InputTextStyle::Paragraph,
                cut(&label, limits::TEXT_INPUT_LABEL).0,
                format!("article{k}"),
            )
            .max_length(limits::TEXT_INPUT as u16)
            .required(k == 0)
            .placeholder(if k == 0 {
                "Paste the article's text; if it is longer, go on in the next box."
            } else {
                "The article's text, continued (leave empty if it ended)."
            }),
        ));
    }
    CreateInteractionResponse::Modal(
        CreateModal::new("rt:e:paste", "Paste the article to draft from").components(rows),
    )
}

/// The pasted article's form, submitted by a moderator: drafted like a file.
pub(crate) async fn paste_submitted(
    data: &crate::discord::Data,
    ix: &serenity::model::application::ModalInteraction,
    server: ServerId,
    by: String,
    typed: std::collections::HashMap<String, String>,
) -> Result<(), CommandError> {
    let core = &data.core;
    let defer =
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true));
    core.rest.answer(ix.id, &ix.token, &defer).await?;
    let body = (0..PASTE_PARTS)
        .filter_map(|k| typed.get(&format!("article{k}")))
        .filter(|t| !t.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    if body.trim().is_empty() {
        return finish_token(
            core,
            &ix.token,
            "Nothing was drafted: the article was empty.",
        )
        .await;
    }
    let id = typed.get("id").cloned();
    let name = id.clone().unwrap_or_else(|| "pasted".into());
    draft_text_into_preview(core, &ix.token, server, &by, name, body, false, id).await?;
    Ok(())
}

pub(crate) async fn finish_token(
    core: &Arc<Core>,
    token: &str,
    text: impl Into<String>,
) -> Result<(), CommandError> {
    let edit = EditInteractionResponse::new()
        .content(cut(&text.into(), limits::CONTENT).0)
        .allowed_mentions(no_mentions());
    core.rest.edit_answer(token, &edit).await?;
    Ok(())
}

/// The post as members will see it (its buttons disabled), then what is left to do, with the
/// editor's buttons.
async fn preview(
    core: &Arc<Core>,
    token: &str,
    prompt: &crate::prompt::Prompt,
    review: &library::Review,
    head: &str,
) -> Result<(), CommandError> {
    let v = render::DiscussionView {
        id: crate::store::DiscussionId::PREVIEW,
        prompt,
        options: &prompt.options,
        closes_at: None,
        closed: false,
        results: render::Results::None,
    };
    let mut rendered = render::discussion_post(&v);
    for post in std::iter::once(&mut rendered.post).chain(rendered.continued.iter_mut()) {
        for b in post.rows.iter_mut().flatten() {
            b.disabled = true;
        }
    }
    let edit = EditInteractionResponse::new()
        .content(cut(&rendered.post.content, limits::CONTENT).0)
        .embeds(view::embeds(&rendered.post))
        .components(view::components(&rendered.post))
        .allowed_mentions(no_mentions());
    core.rest.edit_answer(token, &edit).await?;
    for post in &rendered.continued {
        let f = CreateInteractionResponseFollowup::new()
            .ephemeral(true)
            .content(cut(&post.content, limits::CONTENT).0)
            .embeds(view::embeds(post))
            .allowed_mentions(no_mentions());
        core.rest.follow_up(token, &f).await?;
    }
    let f = CreateInteractionResponseFollowup::new()
        .ephemeral(true)
        .content(cut(&review_text(head, prompt, review), limits::CONTENT).0)
        .components(editor::controls(prompt))
        .allowed_mentions(no_mentions());
    core.rest.follow_up(token, &f).await?;
    Ok(())
}

/// What a moderator reads after a change: the rules not met yet, the neutrality findings.
pub(crate) fn review_text(
    head: &str,
    prompt: &crate::prompt::Prompt,
    review: &library::Review,
) -> String {
    let mut t = format!("{head}. This preview is only for you.\n");
    if review.problems.is_empty() {
        t.push_str(&format!(
            "Ready to approve: `/prompts approve prompt:{}`.\n",
            prompt.id
        ));
    } else {
        t.push_str("Still to write before it can be approved:\n");
        for (field, message) in &review.problems {
            t.push_str(&format!("• {field}: {message}\n"));
        }
    }
    if review.findings.is_empty() {
        t.push_str("Neutrality: no finding.");
    } else {
        t.push_str("Neutrality findings:\n");
        for f in &review.findings {
            t.push_str(&format!("• {f}\n"));
        }
    }
    t
}

/// This server's prompts: drafts, approved (with their version) and files, with who changed them.
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let c = core.clone();
    let listed = blocking(move || -> Result<_, crate::store::StoreError> {
        let entries = library::entries(&c.catalog(), c.engine.store(), server)?;
        let uses = c.engine.store().prompt_uses(server)?;
        Ok((entries, uses))
    })
    .await?
    .map_err(|e| CommandError::Flow(e.into()))?;
    let (entries, uses) = listed;
    if entries.is_empty() {
        return say(&ctx, "No prompts yet: draft one with `/prompts draft`.").await;
    }
    let mut t = String::from("Prompts of this server:\n");
    for e in &entries {
        let title = e.prompt().map(|p| p.title.as_str()).unwrap_or_default();
        let used = uses.get(e.id()).copied().unwrap_or(0);
        let who = match e {
            library::Entry::File(_) => String::new(),
            library::Entry::Stored(s) => format!(" · changed by {}", s.changed_by),
        };
        t.push_str(&format!(
            "• `{}` · {} · used {used}×{who} · {}\n",
            e.id(),
            e.state(),
            limits::shown(title, 80)
        ));
    }
    say(&ctx, t).await
}

/// Show a prompt privately as members will see it, with what is left to do.
#[poise::command(slash_command, guild_only)]
async fn show(
    ctx: Context<'_>,
    #[description = "The prompt"]
    #[autocomplete = "autocomplete_any"]
    prompt: String,
) -> Result<(), CommandError> {
    let Some((_by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let c = core.clone();
    let id = prompt.trim().to_string();
    let found = blocking(move || library::find(&c.catalog(), c.engine.store(), server, &id))
        .await?
        .map_err(|e| CommandError::Flow(e.into()))?;
    let Some(entry) = found else {
        return say(
            &ctx,
            format!("There is no prompt `{}` here.", limits::shown(&prompt, 60)),
        )
        .await;
    };
    let Some(p) = entry.prompt().cloned() else {
        return say(&ctx, "That prompt has no text.").await;
    };
    defer(&ctx).await?;
    let review = library::Review::of(&p);
    let Some((ix, _)) = parts(&ctx) else {
        return Ok(());
    };
    preview(
        core,
        &ix.token,
        &p,
        &review,
        &format!("`{}` ({})", p.id, entry.state()),
    )
    .await
}

/// Approve a prompt into this server's queue; records who and when.
#[poise::command(slash_command, guild_only)]
async fn approve(
    ctx: Context<'_>,
    #[description = "The prompt"]
    #[autocomplete = "autocomplete_any"]
    prompt: String,
) -> Result<(), CommandError> {
    let Some((by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let c = core.clone();
    let (id, who) = (prompt.trim().to_string(), by.clone());
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
                limits::shown(prompt.trim(), 60)
            )
        }
        Err(e) => format!("Not approved: {e}"),
    };
    say(&ctx, text).await
}

/// Delete a drafted or approved prompt (not one in use, not a file).
#[poise::command(slash_command, guild_only)]
async fn delete(
    ctx: Context<'_>,
    #[description = "The prompt"]
    #[autocomplete = "autocomplete_any"]
    prompt: String,
) -> Result<(), CommandError> {
    let Some((by, server)) = moderator(&ctx).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let c = core.clone();
    let id = prompt.trim().to_string();
    let deleted = blocking(move || {
        let named_by: Vec<String> = c
            .scheduler
            .schedules_of(server)
            .unwrap_or_default()
            .into_iter()
            .filter(|s| s.prompts.iter().any(|p| p == &id))
            .map(|s| s.name)
            .collect();
        library::delete(&c.catalog(), c.engine.store(), server, &id, &named_by)
    })
    .await?;
    let text = match deleted {
        Ok(()) => format!("`{}` deleted by {by}.", limits::shown(prompt.trim(), 60)),
        Err(e) => format!("Not deleted: {e}"),
    };
    say(&ctx, text).await
}
