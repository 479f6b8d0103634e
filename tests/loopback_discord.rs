#![recursion_limit = "256"]
//! The real bot against the loopback Discord: start-up, command registration, a moderator's
//! command, a member's click and modal, autocomplete, the gateway events the bot observes, and
//! the REST routes the bot's client uses. Every request is validated against Discord's API
//! description (a violation fails the test when its `Discord` is dropped).

mod support;

use roundtable::discord::Observed;
use serde_json::json;
use serenity::builder::{
    CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateInteractionResponseFollowup, CreateMessage, CreateThread, EditInteractionResponse,
    EditMessage,
};
use serenity::model::id::{ChannelId, MessageId};
use std::time::Duration;
use support::{bot, logs, Discord, GwEvent, SentKind, STEP};

const UNKNOWN_DISCUSSION: &str =
    "This discussion is unknown or already closed, so nothing was recorded.";

#[tokio::test]
async fn bot_registers_its_commands_in_the_configured_guild() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let _bot = bot::start(&discord.config(Some(&guild))).await;

    let commands = discord.await_commands(Some(guild.id)).await;
    let ping = commands
        .iter()
        .find(|c| c["name"] == "ping")
        .expect("/ping registered");
    assert_eq!(
        ping["default_member_permissions"],
        json!("8192"),
        "Manage Messages only: {ping}"
    );
    assert_eq!(ping["options"][0]["name"], "check");
    assert_eq!(ping["options"][0]["autocomplete"], json!(true));
    assert!(
        discord
            .requests_to("bulk_set_application_commands")
            .is_empty(),
        "nothing registered globally"
    );
}

#[tokio::test]
async fn bot_registers_globally_without_a_guild() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(None)).await;

    let commands = discord.await_commands(None).await;
    assert!(commands.iter().any(|c| c["name"] == "ping"), "{commands:?}");
    assert!(discord
        .requests_to("bulk_set_guild_application_commands")
        .is_empty());
    bot.ready().await;
    // A global command works in any guild.
    let answer = discord
        .answer(&discord.run_command(guild.moderator(), &guild, guild.general, "ping", json!([])))
        .await;
    assert!(
        answer.content().starts_with("Pong."),
        "{}",
        answer.content()
    );
}

#[tokio::test]
async fn moderator_ping_round_trips() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let ix = discord.run_command(guild.moderator(), &guild, guild.general, "ping", json!([]));
    let answer = discord.answer(&ix).await;

    assert_eq!(answer.callback_type(), Some(4));
    assert!(answer.is_ephemeral());
    assert!(
        answer.content().starts_with("Pong. Gateway: connected"),
        "{}",
        answer.content()
    );
    assert!(
        answer
            .content()
            .contains("Moderator commands: allowed (you have Manage Messages)"),
        "{}",
        answer.content()
    );
    assert!(answer.mentions_nobody(), "{}", answer.body);
    assert_eq!(answer.custom_ids(), vec!["rt:ping".to_string()]);
    bot.stop().await.expect("the bot stops cleanly");
}

#[tokio::test]
async fn moderator_clicks_ping_again_and_the_answer_is_updated_in_place() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;
    let first = discord
        .answer(&discord.run_command(guild.moderator(), &guild, guild.general, "ping", json!([])))
        .await;
    let message = first.message_id.expect("the answer is a message");

    let again = discord
        .answer(&discord.click(guild.moderator(), &guild, message, "rt:ping"))
        .await;

    assert_eq!(
        again.callback_type(),
        Some(7),
        "UPDATE_MESSAGE: {}",
        again.body
    );
    assert!(again.content().starts_with("Pong."), "{}", again.content());
    assert!(again.mentions_nobody());
    let updated = discord.message(message).expect("message kept");
    assert!(updated["edited_timestamp"].is_string());
    assert_eq!(updated["content"], json!(again.content()));
}

#[tokio::test]
async fn member_is_refused_moderator_command() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let answer = discord
        .answer(&discord.run_command(guild.member(0), &guild, guild.general, "ping", json!([])))
        .await;

    assert_eq!(answer.callback_type(), Some(4));
    assert!(answer.is_ephemeral(), "refusals are private");
    assert!(
        answer.content().starts_with("Only moderators can use this"),
        "{}",
        answer.content()
    );
    assert!(answer.custom_ids().is_empty());
    assert!(answer.mentions_nobody());
}

#[tokio::test]
async fn configured_moderator_role_allows_the_command_by_name() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let mut guild = discord.create_guild("Newsroom", 2);
    let stewards = discord.add_role(&guild, "Stewards", 0);
    discord.give_role(&mut guild, 1, stewards);
    let mut config = discord.config(Some(&guild));
    config.discord.moderator_role = Some("stewards".into());
    let mut bot = bot::start(&config).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let steward = discord
        .answer(&discord.run_command(guild.member(1), &guild, guild.general, "ping", json!([])))
        .await;
    let plain = discord
        .answer(&discord.run_command(guild.member(0), &guild, guild.general, "ping", json!([])))
        .await;

    assert!(
        steward
            .content()
            .contains("you have the moderator role Stewards"),
        "{}",
        steward.content()
    );
    assert!(
        plain.content().starts_with("Only moderators"),
        "{}",
        plain.content()
    );
}

#[tokio::test]
async fn ping_with_an_option_reports_only_that_check() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let options = json!([{"name": "check", "type": 3, "value": "permissions"}]);
    let answer = discord
        .answer(&discord.run_command(guild.moderator(), &guild, guild.general, "ping", options))
        .await;

    assert_eq!(
        answer.content(),
        "Pong. Moderator commands: allowed (you have Manage Messages)."
    );
}

#[tokio::test]
async fn autocomplete_offers_the_matching_checks() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let answer = discord
        .answer(&discord.autocomplete(
            guild.moderator(),
            &guild,
            guild.general,
            "ping",
            "check",
            "ga",
        ))
        .await;

    assert_eq!(answer.callback_type(), Some(8), "{}", answer.body);
    assert_eq!(
        answer.body["data"]["choices"],
        json!([{"name": "gateway", "value": "gateway"}])
    );
}

#[tokio::test]
async fn member_button_click_round_trips() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 3);
    // A discussion post from an earlier run that this bot's store does not know.
    let buttons = json!([{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "Agree", "custom_id": "rt:v:7:agree"},
        {"type": 2, "style": 1, "label": "Disagree", "custom_id": "rt:v:7:disagree"},
    ]}]);
    let post = discord.earlier_bot_post(
        guild.discussions,
        "Should the city ban cars downtown?",
        buttons,
    );
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let answer = discord
        .answer(&discord.click(guild.member(2), &guild, post, "rt:v:7:agree"))
        .await;

    assert_eq!(answer.callback_type(), Some(4));
    assert!(answer.is_ephemeral());
    assert_eq!(answer.content(), UNKNOWN_DISCUSSION);
    assert!(answer.mentions_nobody());
    assert!(
        discord.message(post).expect("post kept")["edited_timestamp"].is_null(),
        "the post is untouched"
    );
}

#[tokio::test]
async fn stale_button_gets_a_polite_answer() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let buttons = json!([{"type": 1, "components": [{"type": 2, "style": 2, "label": "Old", "custom_id": "poll-v0:42"}]}]);
    let post = discord.earlier_bot_post(guild.general, "An old post", buttons);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let answer = discord
        .answer(&discord.click(guild.member(0), &guild, post, "poll-v0:42"))
        .await;

    assert!(answer.is_ephemeral());
    assert!(
        answer.content().starts_with("This button is out of date"),
        "{}",
        answer.content()
    );
}

#[tokio::test]
async fn member_modal_submit_round_trips() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;

    let ix = discord.submit_modal(
        guild.member(0),
        &guild,
        guild.discussions,
        "rt:m:7",
        &[("reply", "Trams first.")],
    );
    let answer = discord.answer(&ix).await;

    assert_eq!(answer.callback_type(), Some(4));
    assert!(answer.is_ephemeral());
    assert_eq!(answer.content(), UNKNOWN_DISCUSSION);
}

#[tokio::test]
async fn guild_create_reaches_the_cache_with_channels_roles_and_members() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 4);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;

    let seen = bot.ready().await;

    // Two channels; @everyone, Moderators and the bot's role; without the (privileged) presence
    // intent Discord lists only the bot among the members.
    assert_eq!(
        seen,
        Observed::GuildAvailable {
            guild_id: guild.id,
            channels: 2,
            roles: 3,
            members: 1
        }
    );
}

#[tokio::test]
async fn thread_and_message_events_reach_the_bot() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 2);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    bot.ready().await;

    let starter = discord.post(
        guild.member(0),
        &guild,
        guild.discussions,
        "Who pays for the trams?",
    );
    let seen = bot
        .seen("the starter message", |o| {
            matches!(o, Observed::MessageCreated { .. })
        })
        .await;
    assert_eq!(
        seen,
        Observed::MessageCreated {
            channel_id: guild.discussions,
            message_id: starter,
            author_id: guild.member(0).id,
            content: String::new(), // no Message Content intent: Discord sends empty content
            in_thread: false,
        }
    );

    let thread = discord.start_thread(guild.member(0), &guild, starter, "Trams");
    let seen = bot
        .seen("THREAD_CREATE", |o| {
            matches!(o, Observed::ThreadCreated { .. })
        })
        .await;
    assert_eq!(
        seen,
        Observed::ThreadCreated {
            thread_id: thread,
            parent_id: Some(guild.discussions),
            name: "Trams".into()
        }
    );

    let reply = discord.post(guild.member(1), &guild, thread, "The region, mostly.");
    let seen = bot
        .seen("a message in the thread", |o| {
            matches!(o, Observed::MessageCreated { .. })
        })
        .await;
    assert!(
        matches!(seen, Observed::MessageCreated { channel_id, message_id, in_thread: true, .. } if channel_id == thread && message_id == reply),
        "{seen:?}"
    );

    discord.edit(reply, "The region, mostly, and the city.");
    let seen = bot
        .seen("MESSAGE_UPDATE", |o| {
            matches!(o, Observed::MessageEdited { .. })
        })
        .await;
    assert!(
        matches!(seen, Observed::MessageEdited { channel_id, message_id, .. } if channel_id == thread && message_id == reply),
        "{seen:?}"
    );

    discord.delete(reply);
    let seen = bot
        .seen("MESSAGE_DELETE", |o| {
            matches!(o, Observed::MessageDeleted { .. })
        })
        .await;
    assert_eq!(
        seen,
        Observed::MessageDeleted {
            channel_id: thread,
            message_id: reply
        }
    );

    // Sequence numbers grew by one per dispatch on the one session.
    let seqs: Vec<u64> = discord
        .gateway_log()
        .iter()
        .filter_map(|e| match e {
            GwEvent::Dispatch { s, .. } => Some(*s),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}

#[tokio::test]
async fn message_content_arrives_only_with_the_intent() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut config = discord.config(Some(&guild));
    config.discord.message_content = true;
    let mut bot = bot::start(&config).await;
    bot.ready().await;

    discord.post(guild.member(0), &guild, guild.general, "Hello, table.");
    let seen = bot
        .seen("a member's message", |o| {
            matches!(o, Observed::MessageCreated { .. })
        })
        .await;

    assert!(
        matches!(seen, Observed::MessageCreated { ref content, .. } if content == "Hello, table."),
        "{seen:?}"
    );
    let identify = discord
        .gateway_log()
        .into_iter()
        .find(|e| matches!(e, GwEvent::Identify { .. }));
    assert!(
        matches!(identify, Some(GwEvent::Identify { intents, .. }) if intents & support::payloads::intents::MESSAGE_CONTENT != 0),
        "{identify:?}"
    );
}

#[tokio::test]
async fn heartbeats_are_acknowledged_and_requested_heartbeats_answered() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    discord.set_heartbeat_interval(100);
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    bot.ready().await;

    discord
        .await_gateway("a heartbeat", 0, STEP, |e| {
            matches!(e, GwEvent::Heartbeat { .. })
        })
        .await;
    discord
        .await_gateway("its ACK", 0, STEP, |e| {
            matches!(e, GwEvent::HeartbeatAck { .. })
        })
        .await;
    let before = discord.gateway_log().len();
    discord.request_heartbeat();
    let beat = discord
        .await_gateway("an answer to op 1", before, STEP, |e| {
            matches!(e, GwEvent::Heartbeat { .. })
        })
        .await;

    // The heartbeat carries the last sequence number the bot received.
    let last_seq = discord
        .gateway_log()
        .iter()
        .filter_map(|e| match e {
            GwEvent::Dispatch { s, .. } => Some(*s),
            _ => None,
        })
        .max();
    assert!(
        matches!(beat, GwEvent::Heartbeat { seq, .. } if seq == last_seq),
        "{beat:?} vs {last_seq:?}"
    );
    // ...and the latency the bot measured shows in /ping.
    let answer = discord
        .answer(&discord.run_command(
            guild.moderator(),
            &guild,
            guild.general,
            "ping",
            json!([{"name": "check", "type": 3, "value": "gateway"}]),
        ))
        .await;
    assert!(
        answer
            .content()
            .starts_with("Pong. Gateway: connected, heartbeat latency"),
        "{}",
        answer.content()
    );
}

/// The REST routes the bot's client uses, end to end: every answer parses in serenity, every
/// request conforms.
#[tokio::test]
async fn rest_client_posts_edits_reads_threads_and_follows_up() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 1);
    let mut bot = bot::start(&discord.config(Some(&guild))).await;
    discord.await_commands(Some(guild.id)).await;
    bot.ready().await;
    let rest = support::rest_client(&discord);
    let channel = ChannelId::new(guild.discussions);
    let nobody = CreateAllowedMentions::new();

    let post = CreateMessage::new()
        .content("This week: trams.")
        .embed(
            CreateEmbed::new()
                .title("Should the city build trams?")
                .description("Three views."),
        )
        .components(vec![CreateActionRow::Buttons(vec![
            CreateButton::new("rt:v:1:yes").label("Yes"),
            CreateButton::new("rt:v:1:no").label("No"),
        ])])
        .allowed_mentions(nobody.clone());
    let posted = rest
        .create_message(channel, &post)
        .await
        .expect("create message");
    assert_eq!(posted.content, "This week: trams.");
    assert_eq!(
        posted.embeds[0].title.as_deref(),
        Some("Should the city build trams?")
    );
    assert_eq!(posted.components[0].components.len(), 2);
    // The bot sees its own post on the gateway, and leaves it out of members' messages.
    let edited = rest
        .edit_message(
            channel,
            posted.id,
            &EditMessage::new()
                .content("This week: trams (2 votes).")
                .allowed_mentions(nobody.clone()),
        )
        .await
        .expect("edit message");
    assert_eq!(edited.content, "This week: trams (2 votes).");
    let read = rest
        .get_message(channel, posted.id)
        .await
        .expect("get message");
    assert_eq!(read.content, edited.content);
    let thread = rest
        .create_thread_from_message(channel, posted.id, &CreateThread::new("Trams: replies"))
        .await
        .expect("create thread");
    assert_eq!(thread.id.get(), posted.id.get());
    assert_eq!(thread.parent_id, Some(channel));
    let seen = bot
        .seen("THREAD_CREATE", |o| {
            matches!(o, Observed::ThreadCreated { .. })
        })
        .await;
    assert_eq!(
        seen,
        Observed::ThreadCreated {
            thread_id: posted.id.get(),
            parent_id: Some(guild.discussions),
            name: "Trams: replies".into()
        }
    );

    // Follow-ups and edits of the original answer go to the interaction's webhook.
    let ix = discord.run_command(guild.moderator(), &guild, guild.general, "ping", json!([]));
    discord.answer(&ix).await;
    let original = rest
        .edit_answer(
            &ix.token,
            &EditInteractionResponse::new()
                .content("Pong, edited.")
                .allowed_mentions(nobody.clone()),
        )
        .await
        .expect("edit original");
    assert_eq!(original.content, "Pong, edited.");
    let followup = rest
        .follow_up(
            &ix.token,
            &CreateInteractionResponseFollowup::new()
                .content("And one more thing.")
                .ephemeral(true)
                .allowed_mentions(nobody),
        )
        .await
        .expect("follow-up");
    assert_eq!(followup.content, "And one more thing.");
    assert!(rest
        .get_message(channel, MessageId::new(1))
        .await
        .is_err_and(|e| e.status() == Some(404)));

    // Read back in order: the callback, the post, its edit, the thread, the edit of the
    // original answer, the follow-up.
    let kinds: Vec<SentKind> = discord
        .sent()
        .into_iter()
        .map(|s| s.kind)
        .filter(|k| !matches!(k, SentKind::Commands { .. }))
        .collect();
    assert_eq!(
        kinds,
        vec![
            SentKind::Message,
            SentKind::EditMessage,
            SentKind::Thread,
            SentKind::Callback(4),
            SentKind::EditOriginal,
            SentKind::FollowUp
        ]
    );
    assert!(discord
        .sent()
        .iter()
        .filter(|s| !matches!(s.kind, SentKind::Commands { .. } | SentKind::Thread))
        .all(|s| s.mentions_nobody()));
}

#[tokio::test]
async fn first_interaction_is_answered_soon_after_start() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 3);
    let elapsed = support::time_to_first_answer(&discord, &guild).await;
    eprintln!("bot start to first answered interaction: {elapsed:?} (debug build, logs captured)");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

/// The loopback Discord finds a callback's interaction by id (not by scanning back through every
/// interaction, which a load run's thousands made slow): another interaction's token is refused
/// as an unknown interaction (10062), and an interaction takes one answer (40060 after it).
#[tokio::test]
async fn a_callback_is_matched_by_its_interaction_and_token_and_answers_once() {
    use roundtable::discord::RestError;
    use serenity::builder::{CreateInteractionResponse, CreateInteractionResponseMessage};
    use serenity::model::id::InteractionId;
    let discord = Discord::start().await;
    let guild = discord.create_guild("Newsroom", 3);
    let rest = support::rest_client(&discord);
    let post = discord.earlier_bot_post(
        guild.general,
        "Buttons",
        json!([{"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "x:go"}]}]),
    );
    let message = discord.message(post).expect("the post");
    let clicks: Vec<_> = (0..3)
        .map(|i| discord.click_message(guild.member(i), &guild, message.clone(), "x:go"))
        .collect();
    let answer = CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .content("Noted.")
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new()),
    );
    let id = |i: usize| InteractionId::new(clicks[i].id);

    let wrong = rest
        .answer(id(0), &clicks[1].token, &answer)
        .await
        .expect_err("another interaction's token");
    assert!(
        matches!(
            wrong,
            RestError::Status {
                code: Some(10062),
                ..
            }
        ),
        "{wrong}"
    );
    rest.answer(id(1), &clicks[1].token, &answer)
        .await
        .expect("the first answer");
    let again = rest
        .answer(id(1), &clicks[1].token, &answer)
        .await
        .expect_err("a second answer");
    assert!(
        matches!(
            again,
            RestError::Status {
                code: Some(40060),
                ..
            }
        ),
        "{again}"
    );
    rest.answer(id(0), &clicks[0].token, &answer)
        .await
        .expect("the refused token left the first interaction unanswered");
    assert_eq!(discord.sent_len(), 2, "two answers were taken");
}
