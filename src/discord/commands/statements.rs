//! `/discussion statement add|hide|list`: moderators' hand on the statements members weigh in on.
//! A statement a moderator adds is shown like a member's, without a name (for example one per
//! actor's position); a hidden statement leaves the cards and the result. Each works in the
//! server it was run in, on a discussion of that server only.

use super::moderated_discussion;
use crate::discord::flows::blocking;
use crate::discord::reply::{parts, say};
use crate::discord::{view, CommandError, Context};
use crate::discussion::StatementOutcome;
use crate::render;
use crate::store::StatementOrigin;
use serenity::builder::CreateInteractionResponse;

/// Statements members weigh in on: add one, hide one, list them.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("add", "hide", "list"),
    subcommand_required
)]
pub(crate) async fn statement(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Add a statement for members to weigh in on (shown without your name).
#[poise::command(slash_command, guild_only)]
async fn add(
    ctx: Context<'_>,
    #[description = "The statement, e.g. one actor's position in a sentence"]
    #[max_length = 500]
    text: String,
    #[description = "Discussion number (default: the one open here)"] discussion: Option<i64>,
) -> Result<(), CommandError> {
    let Some((by, server, d)) = moderated_discussion(&ctx, discussion).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (engine, id) = (core.engine.clone(), d.id());
    let by2 = by.clone();
    let outcome =
        blocking(move || engine.add_statement(server, id, &by2, StatementOrigin::Moderator, &text))
            .await?;
    let answer = match outcome {
        Ok(StatementOutcome::Added { id: s }) => {
            tracing::info!(discussion = %id, statement = s, %by, "a moderator added a statement");
            format!("Statement {s} is added to discussion #{id}: members see it on their cards from now on.")
        }
        Ok(StatementOutcome::Merged { id: s }) => format!(
            "Discussion #{id} has this statement already (statement {s}, the same words): nothing was added."
        ),
        Err(e) => format!("{e}. Nothing was added."),
    };
    say(&ctx, answer).await
}

/// Hide a statement: members no longer see it, and its answers leave the result.
#[poise::command(slash_command, guild_only)]
async fn hide(
    ctx: Context<'_>,
    #[description = "The statement's number (see /discussion statement list)"]
    #[min = 1]
    number: i64,
    #[description = "Discussion number (default: the one open here)"] discussion: Option<i64>,
) -> Result<(), CommandError> {
    let Some((by, server, d)) = moderated_discussion(&ctx, discussion).await? else {
        return Ok(());
    };
    let Some((_, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (engine, id) = (core.engine.clone(), d.id());
    let answer = match blocking(move || engine.hide_statement(server, id, number)).await? {
        Ok(()) => {
            tracing::info!(discussion = %id, statement = number, %by, "a moderator hid a statement");
            format!("Statement {number} of discussion #{id} is hidden: members no longer see it and its answers leave the result.")
        }
        Err(crate::discussion::DiscussionError::NoStatement(_)) => {
            format!("Discussion #{id} has no statement {number}: nothing changed.")
        }
        Err(e) => format!("{e}. Nothing changed."),
    };
    say(&ctx, answer).await
}

/// List a discussion's statements, with their answers so far.
#[poise::command(slash_command, guild_only)]
async fn list(
    ctx: Context<'_>,
    #[description = "Discussion number (default: the one open here)"] discussion: Option<i64>,
    #[description = "Which page of the list (20 statements a page; default 1)"]
    #[min = 1]
    page: Option<i64>,
) -> Result<(), CommandError> {
    let Some((_by, server, d)) = moderated_discussion(&ctx, discussion).await? else {
        return Ok(());
    };
    let Some((ix, core)) = parts(&ctx) else {
        return Ok(());
    };
    let (engine, id) = (core.engine.clone(), d.id());
    let listed = blocking(move || {
        let statements = engine.statements(server, id)?;
        let analysis = engine.groups(server, id)?;
        Ok::<_, crate::discussion::DiscussionError>((statements, analysis))
    })
    .await?;
    let (statements, analysis) = match listed {
        Ok(x) => x,
        Err(e) => return say(&ctx, e.to_string()).await,
    };
    let post = render::weigh::statement_list(
        id,
        &statements,
        &analysis,
        page.unwrap_or(1).max(1) as usize,
    );
    let answer = CreateInteractionResponse::Message(view::answer(&post, true));
    core.rest.answer(ix.id, &ix.token, &answer).await?;
    Ok(())
}
