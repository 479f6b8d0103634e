//! Slash commands, one file per command group, as poise's own examples lay them out: one function
//! per command, the doc comment is the command's description. This file only assembles the list.

mod discussion;
mod ping;
mod prompts;
mod schedule;
mod settings;

pub(crate) use ping::{ping_buttons, ping_text};

use super::flows::FlowError;
use super::{CommandError, Data};

pub(crate) fn all() -> Vec<poise::Command<Data, CommandError>> {
    vec![
        ping::ping(),
        discussion::discussion(),
        prompts::prompts(),
        schedule::schedule(),
        settings::settings(),
    ]
}

impl From<FlowError> for CommandError {
    fn from(e: FlowError) -> Self {
        CommandError::Flow(e)
    }
}

impl From<tokio::task::JoinError> for CommandError {
    fn from(e: tokio::task::JoinError) -> Self {
        CommandError::Flow(FlowError::Join(e))
    }
}
