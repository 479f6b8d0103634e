//! Slash commands, one file per command group, as poise's own examples lay them out: one function
//! per command, the doc comment is the command's description. This file only assembles the list.

mod discussion;
mod ping;
mod privacy;
mod prompts;
mod schedule;
mod settings;
mod statements;
mod suggest;

pub(crate) use ping::{ping_buttons, ping_text};
pub(crate) use privacy::on_component as on_privacy_component;
pub(crate) use prompts::{paste_submitted, review_text};
pub(crate) use suggest::on_component as on_suggestion_component;

use super::flows::FlowError;
use super::{CommandError, Data};

pub(crate) fn all() -> Vec<poise::Command<Data, CommandError>> {
    vec![
        ping::ping(),
        discussion::discussion(),
        prompts::prompts(),
        schedule::schedule(),
        settings::settings(),
        privacy::privacy(),
        suggest::suggest(),
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

/// A moderator's command on one discussion: the caller's standing is checked server-side, then
/// the discussion is looked up in this server (by number, or the one open in this channel).
/// `None` when the caller was refused or there is no such discussion here; they were told why.
pub(crate) async fn moderated_discussion(
    ctx: &crate::discord::Context<'_>,
    discussion: Option<i64>,
) -> Result<
    Option<(
        String,
        crate::store::ServerId,
        std::sync::Arc<crate::discussion::Discussion>,
    )>,
    crate::discord::CommandError,
> {
    let Some((by, server)) = crate::discord::access::moderator(ctx).await? else {
        return Ok(None);
    };
    let Some((ix, core)) = crate::discord::reply::parts(ctx) else {
        return Ok(None);
    };
    match core.resolve(server, discussion, ix.channel_id.get()).await {
        Ok(d) => Ok(Some((by, server, d))),
        Err(e) => {
            crate::discord::reply::say(ctx, e.to_string()).await?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names, descriptions and choice names and values, as Discord counts a command's size.
    fn chars(v: &serde_json::Value) -> usize {
        match v {
            serde_json::Value::Object(o) => o
                .iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("name" | "description" | "value", serde_json::Value::String(s)) => {
                        s.chars().count()
                    }
                    ("value", other) => other.to_string().len(),
                    _ => chars(v),
                })
                .sum(),
            serde_json::Value::Array(a) => a.iter().map(chars).sum(),
            _ => 0,
        }
    }

    #[test]
    fn every_command_fits_discords_size_limit() {
        let commands = poise::builtins::create_application_commands(&all());
        for c in &commands {
            let json = serde_json::to_value(c).unwrap();
            let n = chars(&json);
            assert!(
                n <= crate::limits::COMMAND_CHARS,
                "/{}: {n} characters",
                json["name"]
            );
        }
        let settings = commands
            .iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .find(|c| c["name"] == "settings")
            .unwrap();
        assert!(chars(&settings) > 1000, "the count sees nested options");
    }
}
