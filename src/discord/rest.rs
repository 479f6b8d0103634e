//! Every REST call the bot makes goes through [`Rest`].
//!
//! With `api_base` set (a REST proxy, or the loopback Discord of the tests) serenity's own rate
//! limiter must be off, and serenity then hands a 429 back as a plain error with the wait time
//! thrown away. [`Rest`] keeps the response instead: it honours `retry_after` (body), `Retry-After`
//! or `X-RateLimit-Reset-After` (headers) and sends the request again, a bounded number of times.
//! Without `api_base`, requests go through serenity's rate limiter, which does the same itself.
//!
//! Server errors (5xx) and transport failures are retried only where a second attempt cannot
//! duplicate anything: reads, PUT/PATCH/DELETE, and interaction callbacks (Discord refuses a
//! second initial answer to one interaction). Anything else is reported with the route's name.
//!
//! A message with a file ([`Upload`]) goes as `multipart/form-data`: the JSON body in
//! `payload_json`, with `attachments: [{id: "0", filename, description}]` added, and the file's
//! bytes in the `files[0]` part (docs/message.md, Uploading Files). The form is rebuilt from the
//! request for every attempt, so rate limits and retries work as for JSON bodies.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serenity::builder::{
    CreateAttachment, CreateCommand, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateMessage, CreateThread, EditInteractionResponse, EditMessage, EditThread,
};
use serenity::http::{Http, LightMethod, Multipart, MultipartUpload, Request, Route};
use serenity::model::application::Command;
use serenity::model::application::CurrentApplicationInfo;
use serenity::model::channel::{GuildChannel, Message};
use serenity::model::id::{ApplicationId, ChannelId, GuildId, InteractionId, MessageId};
use serenity::model::user::CurrentUser;
use std::sync::Arc;
use std::time::Duration;

/// Attempts per request, the first included.
const MAX_ATTEMPTS: u32 = 4;
/// A rate limit asking for a longer wait than this is reported instead of waited out.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// Discord's JSON error code for a second answer to one interaction.
const ALREADY_ACKNOWLEDGED: i64 = 40060;
/// First pause before retrying a server error; doubled on each further attempt.
const SERVER_ERROR_BACKOFF: Duration = Duration::from_millis(100);

/// Why a REST call failed. `what` names the call ("create interaction response", ...); tokens are
/// never part of a message.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// No answer, or half of one: refused, timed out, cut. The URL is left out (interaction
    /// tokens travel in it); the causes are spelled out.
    #[error("{what}: {}", causes(cause))]
    Transport {
        what: &'static str,
        /// Spelled out in the message with its causes, so not exposed again as `source()`.
        cause: reqwest::Error,
    },
    #[error("{what}: Discord answered {status}: {message}")]
    Status {
        what: &'static str,
        status: u16,
        /// Discord's JSON error code, when the body had one.
        code: Option<i64>,
        message: String,
        /// This answer came to the last of this many attempts.
        attempts: u32,
    },
    #[error("{what}: still rate limited after {attempts} attempts (Discord asked to wait {retry_after:.3} s)")]
    RateLimited {
        what: &'static str,
        attempts: u32,
        retry_after: f64,
    },
    #[error("{what}: the application id is not known yet")]
    NoApplication { what: &'static str },
    #[error("{what}: cannot build the request: {cause}")]
    Build {
        what: &'static str,
        cause: Box<serenity::Error>,
    },
    #[error("{what}: cannot encode the request body: {cause}")]
    Encode {
        what: &'static str,
        cause: serde_json::Error,
    },
    #[error("{what}: unexpected answer from Discord: {cause}")]
    Decode {
        what: &'static str,
        cause: serde_json::Error,
    },
}

impl RestError {
    /// The HTTP status Discord answered, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            RestError::Status { status, .. } => Some(*status),
            RestError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }
}

/// Discord's JSON error body (`{"message": ..., "code": ...}`), and the rate-limit body.
#[derive(Debug, Default, Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    retry_after: Option<f64>,
    #[serde(default)]
    global: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct GatewayInfo {
    url: String,
}

/// `GET /gateway/bot`: the WebSocket URL and the number of shards Discord recommends.
#[derive(Debug, Clone, Deserialize)]
pub struct BotGateway {
    pub url: String,
    pub shards: u32,
}

/// A file to attach to a message: its name, its description (alt text, at most 1024
/// characters) and its bytes. One file per message: serenity's public multipart form numbers
/// every file `files[0]`, and roundtable attaches one at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub filename: String,
    pub description: Option<String>,
    pub data: Vec<u8>,
}

impl Upload {
    pub fn new(filename: impl Into<String>, data: Vec<u8>) -> Upload {
        Upload {
            filename: filename.into(),
            description: None,
            data,
        }
    }

    pub fn description(mut self, description: impl Into<String>) -> Upload {
        self.description = Some(description.into());
        self
    }

    /// The attachment's metadata for `payload_json`: `id` matches the `files[0]` part.
    fn metadata(&self) -> serde_json::Value {
        let mut m = serde_json::json!({"id": "0", "filename": self.filename});
        if let Some(d) = &self.description {
            m["description"] = serde_json::Value::String(d.clone());
        }
        m
    }
}

/// Where a body's message lies: the body itself (messages, webhook edits) or its `data` (an
/// interaction callback).
#[derive(Debug, Clone, Copy)]
enum MessageAt {
    Body,
    Data,
}

/// The bot's REST client: serenity's [`Http`] (token, base URL, optional rate limiter) plus the
/// retry rules above.
#[derive(Clone)]
pub struct Rest {
    http: Arc<Http>,
    client: reqwest::Client,
}

impl Rest {
    /// `client` must be the reqwest client that `http` was built with.
    pub fn new(http: Arc<Http>, client: reqwest::Client) -> Self {
        Rest { http, client }
    }

    pub fn http(&self) -> &Arc<Http> {
        &self.http
    }

    fn application_id(&self, what: &'static str) -> Result<ApplicationId, RestError> {
        self.http
            .application_id()
            .ok_or(RestError::NoApplication { what })
    }

    /// One attempt: the status, headers and whole body. A body cut short is a transport error,
    /// like a refused connection.
    async fn execute(
        &self,
        what: &'static str,
        req: &Request<'_>,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), RestError> {
        let response = match &self.http.ratelimiter {
            Some(ratelimiter) => ratelimiter
                .perform(req.clone())
                .await
                .map_err(|e| match e {
                    serenity::Error::Http(serenity::http::HttpError::Request(source)) => {
                        RestError::Transport {
                            what,
                            cause: source.without_url(),
                        }
                    }
                    other => RestError::Build {
                        what,
                        cause: Box::new(other),
                    },
                })?,
            None => {
                let built = req
                    .clone()
                    .build(&self.client, self.http.token(), self.http.proxy.as_deref())
                    .map_err(|source| RestError::Build {
                        what,
                        cause: Box::new(source),
                    })?
                    .build()
                    .map_err(|source| RestError::Transport {
                        what,
                        cause: source.without_url(),
                    })?;
                self.client
                    .execute(built)
                    .await
                    .map_err(|source| RestError::Transport {
                        what,
                        cause: source.without_url(),
                    })?
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|source| RestError::Transport {
                what,
                cause: source.without_url(),
            })?;
        Ok((status, headers, body.to_vec()))
    }

    /// Sends `req`, honouring rate limits and retrying what is safe to retry.
    pub async fn send(&self, what: &'static str, req: Request<'_>) -> Result<Vec<u8>, RestError> {
        let retry_safe = !matches!(req.method_ref(), LightMethod::Post)
            || matches!(req.route_ref(), Route::InteractionResponse { .. });
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self.execute(what, &req).await;
            crate::metrics::discord_response(what, answer.as_ref().ok().map(|r| r.0.as_u16()));
            let (status, headers, bytes) = match answer {
                Ok(r) => r,
                Err(RestError::Transport { cause: source, .. })
                    if retry_safe && attempt < MAX_ATTEMPTS =>
                {
                    tracing::warn!(
                        "{what}: {}; trying again (attempt {attempt} of {MAX_ATTEMPTS})",
                        causes(&source)
                    );
                    tokio::time::sleep(backoff(attempt)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if status.is_success() {
                return Ok(bytes);
            }
            let body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or_default();
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_after(&headers, &body);
                if attempt >= MAX_ATTEMPTS || wait > MAX_RATE_LIMIT_WAIT {
                    return Err(RestError::RateLimited {
                        what,
                        attempts: attempt,
                        retry_after: wait.as_secs_f64(),
                    });
                }
                let scope = header_str(&headers, "x-ratelimit-scope")
                    .or(if body.global == Some(true) {
                        Some("global")
                    } else {
                        None
                    })
                    .unwrap_or("route");
                tracing::warn!(
                    "{what}: rate limited ({scope}); retrying after {:.3} s (attempt {attempt} of {MAX_ATTEMPTS})",
                    wait.as_secs_f64()
                );
                tokio::time::sleep(wait).await;
                continue;
            }
            let message = body
                .message
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_string());
            if status.is_server_error() && retry_safe && attempt < MAX_ATTEMPTS {
                tracing::warn!(
                    "{what}: Discord answered {}: {message}; trying again (attempt {attempt} of {MAX_ATTEMPTS})",
                    status.as_u16()
                );
                tokio::time::sleep(backoff(attempt)).await;
                continue;
            }
            return Err(RestError::Status {
                what,
                status: status.as_u16(),
                code: body.code,
                message,
                attempts: attempt,
            });
        }
    }

    async fn send_json<B: serde::Serialize + ?Sized>(
        &self,
        what: &'static str,
        route: Route<'_>,
        method: LightMethod,
        body: &B,
    ) -> Result<Vec<u8>, RestError> {
        let bytes = serde_json::to_vec(body).map_err(|source| RestError::Encode {
            what,
            cause: source,
        })?;
        self.send(what, Request::new(route, method).body(Some(bytes)))
            .await
    }

    /// Sends `body` with `file` attached: `payload_json` (the body, with the attachment's
    /// metadata) and `files[0]`.
    async fn send_with_file<B: serde::Serialize + ?Sized>(
        &self,
        what: &'static str,
        route: Route<'_>,
        method: LightMethod,
        body: &B,
        at: MessageAt,
        file: &Upload,
    ) -> Result<Vec<u8>, RestError> {
        let encode = |source| RestError::Encode {
            what,
            cause: source,
        };
        let mut payload = serde_json::to_value(body).map_err(encode)?;
        let message = match at {
            MessageAt::Body => Some(&mut payload),
            MessageAt::Data => payload.get_mut("data"),
        };
        let Some(message) = message.and_then(serde_json::Value::as_object_mut) else {
            return Err(encode(<serde_json::Error as serde::ser::Error>::custom(
                "a file can only go with a message body",
            )));
        };
        message.insert(
            "attachments".to_string(),
            serde_json::Value::Array(vec![file.metadata()]),
        );
        let mut attachment = CreateAttachment::bytes(file.data.clone(), file.filename.clone());
        if let Some(d) = &file.description {
            attachment = attachment.description(d.clone());
        }
        let multipart = Multipart {
            upload: MultipartUpload::Attachments(vec![attachment]),
            fields: Vec::new(),
            payload_json: Some(serde_json::to_string(&payload).map_err(encode)?),
        };
        self.send(what, Request::new(route, method).multipart(Some(multipart)))
            .await
    }

    fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, RestError> {
        serde_json::from_slice(bytes).map_err(|source| RestError::Decode {
            what,
            cause: source,
        })
    }

    /// `GET /oauth2/applications/@me`: who the token belongs to.
    pub async fn application_info(&self) -> Result<CurrentApplicationInfo, RestError> {
        const WHAT: &str = "get application info";
        let r = self
            .send(
                WHAT,
                Request::new(Route::Oauth2ApplicationCurrent, LightMethod::Get),
            )
            .await?;
        Self::decode(WHAT, &r)
    }

    /// `GET /users/@me`.
    pub async fn current_user(&self) -> Result<CurrentUser, RestError> {
        const WHAT: &str = "get current user";
        let r = self
            .send(WHAT, Request::new(Route::UserMe, LightMethod::Get))
            .await?;
        Self::decode(WHAT, &r)
    }

    /// `GET /gateway`: the WebSocket URL to connect to.
    pub async fn gateway_url(&self) -> Result<String, RestError> {
        const WHAT: &str = "get gateway";
        let r = self
            .send(WHAT, Request::new(Route::Gateway, LightMethod::Get))
            .await?;
        Ok(Self::decode::<GatewayInfo>(WHAT, &r)?.url)
    }

    /// `GET /gateway/bot`: the WebSocket URL and Discord's recommended shard count.
    pub async fn bot_gateway(&self) -> Result<BotGateway, RestError> {
        const WHAT: &str = "get bot gateway";
        let r = self
            .send(WHAT, Request::new(Route::GatewayBot, LightMethod::Get))
            .await?;
        Self::decode(WHAT, &r)
    }

    /// Replaces the commands registered in `guild`, or the global ones when `guild` is `None`.
    pub async fn set_commands(
        &self,
        guild: Option<GuildId>,
        commands: &[CreateCommand],
    ) -> Result<Vec<Command>, RestError> {
        let (what, route) = match guild {
            Some(guild_id) => {
                let what = "register guild commands";
                (
                    what,
                    Route::GuildCommands {
                        application_id: self.application_id(what)?,
                        guild_id,
                    },
                )
            }
            None => {
                let what = "register global commands";
                (
                    what,
                    Route::Commands {
                        application_id: self.application_id(what)?,
                    },
                )
            }
        };
        let r = self
            .send_json(what, route, LightMethod::Put, commands)
            .await?;
        Self::decode(what, &r)
    }

    /// The first answer to an interaction.
    pub async fn answer(
        &self,
        interaction_id: InteractionId,
        token: &str,
        response: &CreateInteractionResponse,
    ) -> Result<(), RestError> {
        const WHAT: &str = "create interaction response";
        let route = Route::InteractionResponse {
            interaction_id,
            token,
        };
        Self::answered(
            WHAT,
            self.send_json(WHAT, route, LightMethod::Post, response)
                .await,
        )
    }

    /// The first answer to an interaction, with `file` attached (`response` must be a message).
    pub async fn answer_with_file(
        &self,
        interaction_id: InteractionId,
        token: &str,
        response: &CreateInteractionResponse,
        file: &Upload,
    ) -> Result<(), RestError> {
        const WHAT: &str = "create interaction response";
        let route = Route::InteractionResponse {
            interaction_id,
            token,
        };
        Self::answered(
            WHAT,
            self.send_with_file(
                WHAT,
                route,
                LightMethod::Post,
                response,
                MessageAt::Data,
                file,
            )
            .await,
        )
    }

    fn answered(what: &'static str, sent: Result<Vec<u8>, RestError>) -> Result<(), RestError> {
        match sent {
            Ok(_) => Ok(()),
            // An earlier attempt got through but its answer was lost on the way back.
            Err(RestError::Status {
                code: Some(ALREADY_ACKNOWLEDGED),
                attempts,
                ..
            }) if attempts > 1 => {
                tracing::info!("{what}: an earlier attempt got through (already acknowledged)");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Edits the first answer to an interaction.
    pub async fn edit_answer(
        &self,
        token: &str,
        edit: &EditInteractionResponse,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "edit original interaction response";
        let route = Route::WebhookOriginalInteractionResponse {
            application_id: self.application_id(WHAT)?,
            token,
        };
        let r = self
            .send_json(WHAT, route, LightMethod::Patch, edit)
            .await?;
        Self::decode(WHAT, &r)
    }

    /// Edits the first answer to an interaction and attaches `file` to it (a deferred answer has
    /// no attachments to keep).
    pub async fn edit_answer_with_file(
        &self,
        token: &str,
        edit: &EditInteractionResponse,
        file: &Upload,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "edit original interaction response";
        let route = Route::WebhookOriginalInteractionResponse {
            application_id: self.application_id(WHAT)?,
            token,
        };
        let r = self
            .send_with_file(WHAT, route, LightMethod::Patch, edit, MessageAt::Body, file)
            .await?;
        Self::decode(WHAT, &r)
    }

    /// A further message after the first answer.
    pub async fn follow_up(
        &self,
        token: &str,
        followup: &CreateInteractionResponseFollowup,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "create follow-up message";
        let route = Route::WebhookFollowupMessages {
            application_id: self.application_id(WHAT)?,
            token,
        };
        let r = self
            .send_json(WHAT, route, LightMethod::Post, followup)
            .await?;
        Self::decode(WHAT, &r)
    }

    /// A further message after the first answer, with `file` attached.
    pub async fn follow_up_with_file(
        &self,
        token: &str,
        followup: &CreateInteractionResponseFollowup,
        file: &Upload,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "create follow-up message";
        let route = Route::WebhookFollowupMessages {
            application_id: self.application_id(WHAT)?,
            token,
        };
        let r = self
            .send_with_file(
                WHAT,
                route,
                LightMethod::Post,
                followup,
                MessageAt::Body,
                file,
            )
            .await?;
        Self::decode(WHAT, &r)
    }

    pub async fn create_message(
        &self,
        channel_id: ChannelId,
        message: &CreateMessage,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "create message";
        let r = self
            .send_json(
                WHAT,
                Route::ChannelMessages { channel_id },
                LightMethod::Post,
                message,
            )
            .await?;
        Self::decode(WHAT, &r)
    }

    /// A message in `channel_id` with `file` attached.
    pub async fn create_message_with_file(
        &self,
        channel_id: ChannelId,
        message: &CreateMessage,
        file: &Upload,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "create message";
        let r = self
            .send_with_file(
                WHAT,
                Route::ChannelMessages { channel_id },
                LightMethod::Post,
                message,
                MessageAt::Body,
                file,
            )
            .await?;
        Self::decode(WHAT, &r)
    }

    pub async fn edit_message(
        &self,
        channel_id: ChannelId,
        message_id: MessageId,
        edit: &EditMessage,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "edit message";
        let route = Route::ChannelMessage {
            channel_id,
            message_id,
        };
        let r = self
            .send_json(WHAT, route, LightMethod::Patch, edit)
            .await?;
        Self::decode(WHAT, &r)
    }

    pub async fn get_message(
        &self,
        channel_id: ChannelId,
        message_id: MessageId,
    ) -> Result<Message, RestError> {
        const WHAT: &str = "get message";
        let route = Route::ChannelMessage {
            channel_id,
            message_id,
        };
        let r = self
            .send(WHAT, Request::new(route, LightMethod::Get))
            .await?;
        Self::decode(WHAT, &r)
    }

    /// `GET /channels/{id}/messages`: the channel's latest `limit` messages (at most 100),
    /// newest first. Needs the Read Message History permission.
    pub async fn recent_messages(
        &self,
        channel_id: ChannelId,
        limit: u8,
    ) -> Result<Vec<Message>, RestError> {
        const WHAT: &str = "list messages";
        let req = Request::new(Route::ChannelMessages { channel_id }, LightMethod::Get)
            .params(Some(vec![("limit", limit.clamp(1, 100).to_string())]));
        let r = self.send(WHAT, req).await?;
        Self::decode(WHAT, &r)
    }

    /// Changes a thread (locks it when its discussion closes).
    pub async fn edit_thread(
        &self,
        channel_id: ChannelId,
        edit: &EditThread<'_>,
    ) -> Result<GuildChannel, RestError> {
        const WHAT: &str = "edit thread";
        let r = self
            .send_json(
                WHAT,
                Route::Channel { channel_id },
                LightMethod::Patch,
                edit,
            )
            .await?;
        Self::decode(WHAT, &r)
    }

    /// Starts a thread on a message (the discussion's thread).
    pub async fn create_thread_from_message(
        &self,
        channel_id: ChannelId,
        message_id: MessageId,
        thread: &CreateThread<'_>,
    ) -> Result<GuildChannel, RestError> {
        const WHAT: &str = "create thread from message";
        let route = Route::ChannelMessageThreads {
            channel_id,
            message_id,
        };
        let r = self
            .send_json(WHAT, route, LightMethod::Post, thread)
            .await?;
        Self::decode(WHAT, &r)
    }
}

/// An error and its causes, `: `-separated ("error sending request: client error (Connect):
/// tcp connect error: Connection refused (os error 111)").
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let next = s.to_string();
        if !text.ends_with(&next) {
            text = format!("{text}: {next}");
        }
        source = s.source();
    }
    text
}

fn backoff(attempt: u32) -> Duration {
    SERVER_ERROR_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1))
}

fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// How long Discord asks to wait: the body's `retry_after` (seconds, with decimals), else the
/// `Retry-After` header, else `X-RateLimit-Reset-After`, else one second.
fn retry_after(headers: &HeaderMap, body: &ErrorBody) -> Duration {
    let seconds = body
        .retry_after
        .or_else(|| header_str(headers, "retry-after").and_then(|v| v.trim().parse().ok()))
        .or_else(|| {
            header_str(headers, "x-ratelimit-reset-after").and_then(|v| v.trim().parse().ok())
        })
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)
        .unwrap_or(1.0);
    Duration::from_secs_f64(seconds.min(MAX_RATE_LIMIT_WAIT.as_secs_f64() * 2.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_prefers_the_body_then_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("2"));
        headers.insert("x-ratelimit-reset-after", HeaderValue::from_static("3.5"));
        let body = ErrorBody {
            retry_after: Some(0.25),
            ..ErrorBody::default()
        };
        assert_eq!(retry_after(&headers, &body), Duration::from_millis(250));
        assert_eq!(
            retry_after(&headers, &ErrorBody::default()),
            Duration::from_secs(2)
        );
        headers.remove("retry-after");
        assert_eq!(
            retry_after(&headers, &ErrorBody::default()),
            Duration::from_millis(3500)
        );
        assert_eq!(
            retry_after(&HeaderMap::new(), &ErrorBody::default()),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn server_error_backoff_doubles() {
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(3), Duration::from_millis(400));
    }
}
