//! `/prompts reload`: the prompt files, re-read while the bot runs.

use crate::discord::access::moderator;
use crate::discord::flows::blocking;
use crate::discord::reply::{parts, say};
use crate::discord::{CommandError, Context};
use crate::prompt::Catalog;
use crate::render::cut::cut;
use crate::store::ServerId;
use serenity::builder::{AutocompleteChoice, CreateAutocompleteResponse};
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

/// Manage prompt files.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_MESSAGES",
    subcommands("reload"),
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
