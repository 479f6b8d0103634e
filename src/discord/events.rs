//! Gateway events beyond slash commands (which poise dispatches itself): components, modals, and
//! what the adapter observes (guilds, threads, members' messages). Every event is handled in the
//! server it came from: a thread message, an edit or a deletion only ever reaches a discussion of
//! that server. Servers joining and leaving are handled in `servers.rs`.

use super::access::may_take_part;
use super::components::{on_component, on_modal};
use super::flows::blocking;
use super::reply::ephemeral;
use super::servers;
use super::{CommandError, Data, Observed};
use crate::store::{ReplySource, ServerId};
use serenity::client::{Context, FullEvent};
use serenity::model::application::Interaction;
use serenity::model::channel::ChannelType;

pub(super) async fn handle(
    framework: poise::FrameworkContext<'_, Data, CommandError>,
    event: &FullEvent,
) -> Result<(), CommandError> {
    let ctx: &Context = framework.serenity_context;
    let data = framework.user_data;
    match event {
        FullEvent::Ready { data_about_bot } => {
            super::connected(ctx, data_about_bot);
            servers::ready(data, data_about_bot).await;
            data.observe(Observed::Ready {
                session_id: data_about_bot.session_id.clone(),
                guilds: data_about_bot.guilds.len(),
            })
        }
        FullEvent::Resume { .. } => {
            crate::metrics::gateway_resumed();
            data.observe(Observed::Resumed)
        }
        FullEvent::GuildCreate { guild, .. } => {
            servers::available(data, guild).await;
            data.observe(Observed::GuildAvailable {
                guild_id: guild.id.get(),
                channels: guild.channels.len(),
                roles: guild.roles.len(),
                members: guild.members.len(),
            })
        }
        FullEvent::GuildDelete { incomplete, .. } => {
            servers::gone(data, incomplete).await;
            data.observe(Observed::GuildGone {
                guild_id: incomplete.id.get(),
                removed: !incomplete.unavailable,
            })
        }
        FullEvent::GuildRoleUpdate { new, .. } => data.observe(Observed::RoleUpdated {
            guild_id: new.guild_id.get(),
            role_id: new.id.get(),
            name: new.name.clone(),
        }),
        FullEvent::ThreadCreate { thread } => data.observe(Observed::ThreadCreated {
            thread_id: thread.id.get(),
            parent_id: thread.parent_id.map(|p| p.get()),
            name: thread.name.clone(),
        }),
        FullEvent::ThreadUpdate { new, .. } => {
            let archived = new.thread_metadata.is_some_and(|m| m.archived);
            if let (true, Some(guild)) = (archived, Some(new.guild_id)) {
                keep_thread_open(data, ServerId::Guild(guild.get()), new.id).await;
            }
        }
        FullEvent::Message { new_message } if !new_message.author.bot => {
            let in_thread = new_message.guild_id.is_some_and(|g| {
                ctx.cache.guild(g).is_some_and(|guild| {
                    guild.threads.iter().any(|t| {
                        t.id == new_message.channel_id
                            && matches!(
                                t.kind,
                                ChannelType::PublicThread | ChannelType::PrivateThread
                            )
                    })
                })
            });
            thread_reply(ctx, data, new_message).await;
            data.observe(Observed::MessageCreated {
                channel_id: new_message.channel_id.get(),
                message_id: new_message.id.get(),
                author_id: new_message.author.id.get(),
                content: new_message.content.clone(),
                in_thread,
            });
        }
        FullEvent::MessageUpdate { event, .. } => {
            let server = event.guild_id.map(|g| ServerId::Guild(g.get()));
            if let (true, Some(content), Some(server)) =
                (data.config.message_content, &event.content, server)
            {
                let (engine, id, text) = (
                    data.core.engine.clone(),
                    event.id.get().to_string(),
                    content.clone(),
                );
                if let Ok(Err(e)) = blocking(move || {
                    engine
                        .store()
                        .edit_reply_by_message(server, &id, Some(&text))
                })
                .await
                {
                    tracing::error!("cannot update an edited thread reply: {e}");
                }
            }
            data.observe(Observed::MessageEdited {
                channel_id: event.channel_id.get(),
                message_id: event.id.get(),
                content: event.content.clone(),
            })
        }
        FullEvent::MessageDelete {
            channel_id,
            deleted_message_id,
            guild_id,
        } => {
            if let Some(server) = guild_id.map(|g| ServerId::Guild(g.get())) {
                let (engine, id) = (
                    data.core.engine.clone(),
                    deleted_message_id.get().to_string(),
                );
                match blocking(move || engine.store().delete_reply_by_message(server, &id)).await {
                    Ok(Ok(Some(d))) => {
                        if let Ok(d) = data.core.discussion(server, d).await {
                            data.core.mark(&d);
                        }
                    }
                    Ok(Ok(None)) => {}
                    Ok(Err(e)) => tracing::error!("cannot remove a deleted thread reply: {e}"),
                    Err(e) => tracing::error!("cannot remove a deleted thread reply: {e}"),
                }
            }
            data.observe(Observed::MessageDeleted {
                channel_id: channel_id.get(),
                message_id: deleted_message_id.get(),
            })
        }
        FullEvent::InteractionCreate { interaction } => match interaction {
            Interaction::Component(c) => crate::metrics::interaction(
                "component",
                on_component(ctx, framework.shard_manager, data, c).await,
            )?,
            Interaction::Modal(m) => {
                crate::metrics::interaction("modal", on_modal(ctx, data, m).await)?
            }
            _ => {}
        },
        _ => {}
    }
    Ok(())
}

/// A member's message in a discussion's thread is a reply: with its text when the Message Content
/// intent is on, else counted without it. Like the buttons and the form, it counts only from a
/// member who may take part (the server's voter roles); anyone else's stays in the thread,
/// unrecorded.
async fn thread_reply(ctx: &Context, data: &Data, message: &serenity::model::channel::Message) {
    let Some(server) = message.guild_id.map(|g| ServerId::Guild(g.get())) else {
        return;
    };
    let d = match data.core.by_thread(server, message.channel_id.get()).await {
        Ok(Some(d)) => d,
        Ok(None) => return,
        Err(e) => {
            tracing::error!("cannot look up the thread's discussion: {e}");
            return;
        }
    };
    let config = match data.core.settings(server).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!("thread message not recorded: the server's settings: {e}");
            return;
        }
    };
    let roles = message.member.as_ref().map(|m| m.roles.as_slice());
    if !may_take_part(&ctx.cache, message.guild_id, roles, &config) {
        tracing::info!(discussion = %d.id(), "thread message not recorded: its author has no voter role");
        return;
    }
    let discussion = d.id();
    let text = (data.config.message_content && !message.content.trim().is_empty())
        .then(|| message.content.clone());
    let (engine, member, mid) = (
        data.core.engine.clone(),
        message.author.id.get().to_string(),
        message.id.get().to_string(),
    );
    let result = blocking(move || {
        engine.reply(
            server,
            discussion,
            &member,
            ReplySource::Thread,
            text.as_deref(),
            Some(&mid),
        )
    })
    .await;
    match result {
        Ok(Ok(_)) => data.core.mark(&d),
        // A closed discussion takes no replies; a too-long message stays in the thread, uncounted.
        Ok(Err(e)) => tracing::info!(discussion = %discussion, "thread message not recorded: {e}"),
        Err(e) => tracing::error!("thread message not recorded: {e}"),
    }
}

pub(super) async fn on_error(error: poise::FrameworkError<'_, Data, CommandError>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            crate::metrics::global().interaction("command", false);
            tracing::error!("/{}: {error}", ctx.command().qualified_name);
            if let poise::Context::Application(actx) = ctx {
                let sorry = ephemeral("Something went wrong; the error is in the bot's log.");
                // Fails harmlessly when the interaction was answered already.
                let _ = ctx
                    .data()
                    .rest
                    .answer(actx.interaction.id, &actx.interaction.token, &sorry)
                    .await;
            }
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!("{}: {error}", event.snake_case_name());
        }
        // A command this bot does not have (an older version's, still in Discord's list for a
        // while): say so rather than leave Discord's "did not respond".
        poise::FrameworkError::UnknownInteraction {
            framework,
            interaction,
            ..
        } => {
            tracing::info!("unknown command /{}", interaction.data.name);
            // An autocomplete of an unknown command has nobody waiting for words: it is left.
            if interaction.data.autocomplete().is_none() {
                let answer = ephemeral(format!(
                    "roundtable has no command /{} (any more): Discord may still list an older version's commands for a while. Type / to see the current ones.",
                    crate::limits::shown(&interaction.data.name, 32)
                ));
                if let Err(e) = framework
                    .user_data
                    .rest
                    .answer(interaction.id, &interaction.token, &answer)
                    .await
                {
                    tracing::warn!("cannot answer an unknown command: {e}");
                }
            }
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!("while reporting an error: {e}");
            }
        }
    }
}

/// Discord archived a discussion's thread (its auto-archive passed with no message): while the
/// discussion is open the thread is unarchived, so members can keep replying there until close.
async fn keep_thread_open(data: &Data, server: ServerId, thread: serenity::model::id::ChannelId) {
    let d = match data.core.by_thread(server, thread.get()).await {
        Ok(Some(d)) => d,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(%thread, "cannot tell whether an archived thread is a discussion's: {e}");
            return;
        }
    };
    if !d.is_open(data.core.engine.now()) {
        return;
    }
    let edit = serenity::builder::EditThread::new().archived(false);
    match data.core.rest.edit_thread(thread, &edit).await {
        Ok(_) => {
            tracing::info!(discussion = %d.id(), %thread, "unarchived the open discussion's thread")
        }
        Err(e) => {
            tracing::warn!(discussion = %d.id(), %thread, "cannot unarchive the discussion's thread: {e}")
        }
    }
}
