//! Core posts ([`crate::render::Post`]) as serenity builders. Every builder carries empty allowed
//! mentions, so nothing the bot posts pings anyone.

use super::no_mentions;
use crate::render::{ButtonStyle as Style, Post};
use serenity::builder::{
    CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponseMessage, CreateMessage, EditMessage,
};
use serenity::model::application::ButtonStyle;

pub(crate) fn embeds(post: &Post) -> Vec<CreateEmbed> {
    post.embeds
        .iter()
        .map(|e| {
            let mut b = CreateEmbed::new();
            if let Some(t) = &e.title {
                b = b.title(t);
            }
            if let Some(u) = &e.url {
                b = b.url(u);
            }
            if let Some(d) = &e.description {
                b = b.description(d);
            }
            for f in &e.fields {
                b = b.field(&f.name, &f.value, f.inline);
            }
            if let Some(f) = &e.footer {
                b = b.footer(CreateEmbedFooter::new(f));
            }
            if let Some(c) = e.color {
                b = b.colour(c);
            }
            b
        })
        .collect()
}

pub(crate) fn components(post: &Post) -> Vec<CreateActionRow> {
    post.rows
        .iter()
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|b| {
                        CreateButton::new(&b.custom_id)
                            .label(&b.label)
                            .style(match b.style {
                                Style::Primary => ButtonStyle::Primary,
                                Style::Secondary => ButtonStyle::Secondary,
                            })
                            .disabled(b.disabled)
                    })
                    .collect(),
            )
        })
        .collect()
}

pub(super) fn create_message(post: &Post) -> CreateMessage {
    CreateMessage::new()
        .content(&post.content)
        .embeds(embeds(post))
        .components(components(post))
        .allowed_mentions(no_mentions())
}

pub(super) fn edit_message(post: &Post) -> EditMessage {
    EditMessage::new()
        .content(&post.content)
        .embeds(embeds(post))
        .components(components(post))
        .allowed_mentions(no_mentions())
}

/// An interaction answer showing `post`; `ephemeral` for the member alone.
pub(super) fn answer(post: &Post, ephemeral: bool) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content(&post.content)
        .embeds(embeds(post))
        .components(components(post))
        .ephemeral(ephemeral)
        .allowed_mentions(no_mentions())
}

/// `post` in place of the message the clicked component sits on (an interaction's update).
pub(super) fn update(post: &Post) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new()
        .content(&post.content)
        .embeds(embeds(post))
        .components(components(post))
        .allowed_mentions(no_mentions())
}
