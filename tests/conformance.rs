#![recursion_limit = "256"]
//! The conformance validator itself: it finds the operation for a route, rejects bodies that break
//! Discord's stated limits and names the offending field, and the loopback Discord turns an
//! unknown route into a 404 with Discord's error body and a failed test.

mod support;

use serde_json::{json, Value};
use support::openapi::{self, Violation};
use support::{logs, Discord, TOKEN};

fn violations(op: &str, method: &str, path: &str, body: &Value) -> Vec<Violation> {
    let spec = openapi::spec();
    let matched = spec
        .find(method, path)
        .unwrap_or_else(|| panic!("{method} {path} is in the API"));
    assert_eq!(matched.op.id, op);
    spec.validate_request(&matched, None, Some(body))
}

fn message_with(embeds: Value, components: Value) -> Value {
    json!({"content": "This week", "embeds": embeds, "components": components, "allowed_mentions": {"parse": []}})
}

fn button(custom_id: &str) -> Value {
    json!({"type": 2, "style": 1, "label": "Agree", "custom_id": custom_id})
}

#[test]
fn validator_accepts_a_message_within_the_limits() {
    let body = message_with(
        json!([{"title": "t".repeat(256), "description": "Three views."}]),
        json!([{"type": 1, "components": (0..5).map(|i| button(&format!("rt:vote:1:o{i}"))).collect::<Vec<_>>()}]),
    );
    assert_eq!(
        violations("create_message", "POST", "/channels/1/messages", &body),
        vec![]
    );
}

#[test]
fn validator_rejects_embed_title_of_257_chars() {
    let body = message_with(json!([{"title": "t".repeat(257)}]), json!([]));
    let v = violations("create_message", "POST", "/channels/1/messages", &body);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].pointer, "/embeds/0/title");
    assert!(
        v[0].message.contains("longer than 256 characters"),
        "{}",
        v[0]
    );

    // The same embed in an interaction answer is named inside the callback's data.
    let callback = json!({"type": 4, "data": body});
    let v = violations(
        "create_interaction_response",
        "POST",
        "/interactions/1/tok/callback",
        &callback,
    );
    assert_eq!(
        v.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(),
        vec!["/data/embeds/0/title"],
        "{v:?}"
    );
}

#[test]
fn validator_rejects_six_buttons_in_a_row() {
    let row = json!([{"type": 1, "components": (0..6).map(|i| button(&format!("rt:vote:1:o{i}"))).collect::<Vec<_>>()}]);
    let v = violations(
        "create_message",
        "POST",
        "/channels/1/messages",
        &message_with(json!([]), row),
    );
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].pointer, "/components/0/components");
    assert!(v[0].message.contains("more than 5 items"), "{}", v[0]);
}

#[test]
fn validator_rejects_custom_id_of_101_chars() {
    let row = json!([{"type": 1, "components": [button(&"x".repeat(101))]}]);
    let callback = json!({"type": 4, "data": message_with(json!([]), row)});
    let v = violations(
        "create_interaction_response",
        "POST",
        "/interactions/1/tok/callback",
        &callback,
    );
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].pointer, "/data/components/0/components/0/custom_id");
    assert!(
        v[0].message.contains("longer than 100 characters"),
        "{}",
        v[0]
    );
}

#[test]
fn validator_rejects_content_over_2000_chars_and_unknown_query_parameters() {
    let spec = openapi::spec();
    let matched = spec.find("POST", "/channels/1/messages").expect("route");
    let v = spec.validate_request(
        &matched,
        Some("wait=true"),
        Some(&json!({"content": "x".repeat(2001)})),
    );
    let pointers: Vec<&str> = v.iter().map(|v| v.pointer.as_str()).collect();
    assert_eq!(pointers, vec!["?wait", "/content"], "{v:?}");
}

#[test]
fn validator_rejects_a_modal_title_over_45_chars() {
    let modal = json!({"type": 9, "data": {"custom_id": "rt:reply:1", "title": "t".repeat(46), "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "reply", "style": 2, "label": "Your reply"}]}
    ]}});
    let v = violations(
        "create_interaction_response",
        "POST",
        "/interactions/1/tok/callback",
        &modal,
    );
    assert!(v.iter().any(|v| v.pointer == "/data/title"), "{v:?}");
}

#[test]
fn routes_prefer_literal_segments_over_parameters() {
    let spec = openapi::spec();
    let op = |m: &str, p: &str| spec.find(m, p).map(|m| m.op.id);
    assert_eq!(
        op("PATCH", "/webhooks/1/tok/messages/@original").as_deref(),
        Some("update_original_webhook_message")
    );
    assert_eq!(
        op("PATCH", "/webhooks/1/tok/messages/2").as_deref(),
        Some("update_webhook_message")
    );
    assert_eq!(
        op("GET", "/applications/@me").as_deref(),
        Some("get_my_application")
    );
    assert_eq!(
        op("PUT", "/applications/1/guilds/2/commands").as_deref(),
        Some("bulk_set_guild_application_commands")
    );
    assert_eq!(op("GET", "/channels/1/nonsense"), None);
    assert!(
        spec.path_exists("/gateway") && spec.find("DELETE", "/gateway").is_none(),
        "a wrong method is not a route"
    );
}

#[test]
fn path_parameters_must_be_snowflakes() {
    let spec = openapi::spec();
    let matched = spec
        .find("GET", "/channels/general/messages/1")
        .expect("route");
    let v = spec.validate_request(&matched, None, None);
    assert_eq!(
        v.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(),
        vec!["{channel_id}"],
        "{v:?}"
    );
}

#[test]
fn documented_string_permissions_are_accepted_and_nothing_else_is_loosened() {
    let command = |perms: Value| json!([{"name": "ping", "description": "Check", "type": 1, "default_member_permissions": perms}]);
    let path = "/applications/1/guilds/2/commands";
    assert_eq!(
        violations(
            "bulk_set_guild_application_commands",
            "PUT",
            path,
            &command(json!("8192"))
        ),
        vec![]
    );
    assert_eq!(
        violations(
            "bulk_set_guild_application_commands",
            "PUT",
            path,
            &command(json!(8192))
        ),
        vec![]
    );
    let v = violations(
        "bulk_set_guild_application_commands",
        "PUT",
        path,
        &command(json!("manage messages")),
    );
    assert_eq!(
        v.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(),
        vec!["/0/default_member_permissions"]
    );
    let long = json!([{"name": "p".repeat(33), "description": "Check", "type": 1}]);
    let v = violations("bulk_set_guild_application_commands", "PUT", path, &long);
    assert_eq!(
        v.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(),
        vec!["/0/name"],
        "{v:?}"
    );
}

#[test]
fn multipart_payload_json_is_what_gets_validated() {
    let boundary = "XyZ";
    let payload = json!({"content": "x".repeat(2001)}).to_string();
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\nContent-Type: application/json\r\n\r\n{payload}\r\n--{boundary}--\r\n"
    );
    let parsed = openapi::multipart_payload_json(
        &format!("multipart/form-data; boundary={boundary}"),
        body.as_bytes(),
    )
    .expect("well-formed")
    .expect("has payload_json");
    let v = violations("create_message", "POST", "/channels/1/messages", &parsed);
    assert_eq!(
        v.iter().map(|v| v.pointer.as_str()).collect::<Vec<_>>(),
        vec!["/content"]
    );
}

#[tokio::test]
async fn unknown_route_answers_404_with_discords_error_body_and_fails_the_test() {
    let _logs = logs::capture();
    let discord = Discord::start().await;
    let client = reqwest::Client::new();
    let auth = format!("Bot {TOKEN}");

    let response = client
        .get(format!(
            "{}/api/v10/channels/1/nonsense",
            discord.api_base()
        ))
        .header("authorization", &auth)
        .send()
        .await
        .expect("loopback answers");
    assert_eq!(response.status().as_u16(), 404);
    let body: Value =
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON error body");
    assert_eq!(body, json!({"message": "404: Not Found", "code": 0}));

    let response = client
        .post(format!(
            "{}/api/v10/channels/1/messages",
            discord.api_base()
        ))
        .header("authorization", &auth)
        .header("content-type", "application/json")
        .body(json!({"content": "x".repeat(2001)}).to_string())
        .send()
        .await
        .expect("loopback answers");
    assert_eq!(response.status().as_u16(), 404, "unknown channel");

    let violations = discord.take_violations();
    assert_eq!(violations.len(), 2, "{violations:?}");
    assert!(
        violations[0].contains("no such route in Discord's API: GET /channels/1/nonsense"),
        "{}",
        violations[0]
    );
    assert!(
        violations[1]
            .starts_with("create_message (POST /channels/{channel_id}/messages): /content:"),
        "{}",
        violations[1]
    );
}

#[tokio::test]
#[should_panic(expected = "the bot broke Discord's API description")]
async fn a_violation_left_unclaimed_fails_the_test() {
    let discord = Discord::start().await;
    let _ = reqwest::Client::new()
        .get(format!("{}/api/v10/nowhere", discord.api_base()))
        .header("authorization", format!("Bot {TOKEN}"))
        .send()
        .await;
    drop(discord);
}

#[tokio::test]
async fn wrong_token_is_answered_401() {
    let discord = Discord::start().await;
    let response = reqwest::Client::new()
        .get(format!(
            "{}/api/v10/oauth2/applications/@me",
            discord.api_base()
        ))
        .header("authorization", "Bot not-the-token")
        .send()
        .await
        .expect("loopback answers");
    assert_eq!(response.status().as_u16(), 401);
    let body: Value =
        serde_json::from_slice(&response.bytes().await.expect("body")).expect("JSON error body");
    assert_eq!(body, json!({"message": "401: Unauthorized", "code": 0}));
}
