//! Fetching an article from a link for `/prompts draft link:` and `/suggest link:`. Not a stage of
//! the pipeline (the only I/O in `draft/`): it hands the page to [`super::draft_html`] or
//! [`super::draft_text`].
//!
//! A link comes from a member or a moderator, so fetching it is a server-side request forgery
//! surface. The guard: http and https only; every hop's host resolved by us and every address
//! checked (no loopback, private, link-local, unique-local, multicast, unspecified or shared
//! addresses unless `draft.allow_private_hosts = true`); the client's own resolver checks the
//! addresses again at connect time (a name that resolves differently the second time is still
//! refused); redirects followed by hand, at most [`MAX_REDIRECTS`], each hop checked the same way;
//! no proxy from the environment; connect and total timeouts; a size limit read as the body
//! streams; a text or HTML content type. Each refusal says why.

use super::DraftConfig;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// At most this many redirects are followed.
pub const MAX_REDIRECTS: usize = 5;

/// The content types an article may come as (the parameters after `;` aside).
const TEXT_TYPES: &[&str] = &[
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "text/markdown",
    "text/x-markdown",
];

/// Why a link was not fetched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("`{0}` is not a link (give an http or https address)")]
    NotAUrl(String),
    #[error("only http and https links are fetched, not `{0}:`")]
    Scheme(String),
    #[error("the link has no host name")]
    NoHost,
    #[error(
        "{host} resolves to {addr}, a {kind} address; the bot does not fetch from private networks"
    )]
    Private {
        host: String,
        addr: IpAddr,
        kind: &'static str,
    },
    #[error("cannot resolve {host}: {reason}")]
    Resolve { host: String, reason: String },
    #[error("more than {MAX_REDIRECTS} redirects (last: {0})")]
    TooManyRedirects(String),
    #[error("a redirect from {from} has no usable Location")]
    BadRedirect { from: String },
    #[error("{url} answered {status}")]
    Status { url: String, status: u16 },
    #[error("{url} did not answer within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("{url} sends `{content_type}`, not a text or HTML page")]
    ContentType { url: String, content_type: String },
    #[error("{url} is larger than {max} bytes (the limit for one article)")]
    TooLarge { url: String, max: usize },
    #[error("{url} is not UTF-8 text")]
    NotUtf8 { url: String },
}

/// A fetched page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// Where the page was found, after redirects.
    pub url: Url,
    /// Its content type, without parameters, lowercase.
    pub content_type: String,
    pub body: String,
}

impl Fetched {
    pub fn is_html(&self) -> bool {
        self.content_type == "text/html" || self.content_type == "application/xhtml+xml"
    }
}

/// The fetcher's settings, from `[draft]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    pub allow_private_hosts: bool,
    pub connect_timeout: Duration,
    pub total_timeout: Duration,
    pub max_bytes: usize,
}

impl FetchLimits {
    pub fn from_config(c: &DraftConfig) -> Self {
        Self {
            allow_private_hosts: c.allow_private_hosts,
            connect_timeout: Duration::from_secs(c.fetch_connect_secs),
            total_timeout: Duration::from_secs(c.fetch_timeout_secs),
            max_bytes: c.fetch_max_bytes.min(super::MAX_INPUT),
        }
    }
}

/// Why an address is not fetched from, or `None` if it is public.
pub fn private_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_kind(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return v4_kind(v4);
            }
            let s = v6.segments();
            if v6.is_loopback() {
                Some("loopback")
            } else if v6.is_unspecified() {
                Some("unspecified")
            } else if v6.is_multicast() {
                Some("multicast")
            } else if s[0] & 0xffc0 == 0xfe80 {
                Some("link-local")
            } else if s[0] & 0xfe00 == 0xfc00 {
                Some("unique-local (private)")
            } else if s[0] & 0xffc0 == 0xfec0 {
                Some("site-local (private)")
            } else if s[0] == 0x64 && s[1] == 0xff9b {
                // NAT64: the embedded IPv4 address decides.
                let v4 =
                    Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
                v4_kind(v4)
            } else if s[0] == 0x2001 && s[1] == 0xdb8 {
                Some("documentation")
            } else {
                None
            }
        }
    }
}

fn v4_kind(v4: Ipv4Addr) -> Option<&'static str> {
    let o = v4.octets();
    if v4.is_loopback() {
        Some("loopback")
    } else if v4.is_private() {
        Some("private")
    } else if v4.is_link_local() {
        Some("link-local")
    } else if v4.is_unspecified() || o[0] == 0 {
        Some("unspecified")
    } else if v4.is_broadcast() {
        Some("broadcast")
    } else if v4.is_multicast() || o[0] >= 240 {
        Some("multicast or reserved")
    } else if o[0] == 100 && (64..128).contains(&o[1]) {
        Some("shared (carrier NAT)")
    } else if o[0] == 192 && o[1] == 0 && o[2] == 0 {
        Some("protocol assignment")
    } else if v4.is_documentation() || (o[0] == 198 && (o[1] == 18 || o[1] == 19)) {
        Some("documentation or benchmarking")
    } else {
        None
    }
}

fn check_addr(host: &str, addr: IpAddr, limits: &FetchLimits) -> Result<(), FetchError> {
    if limits.allow_private_hosts {
        return Ok(());
    }
    match private_kind(addr) {
        Some(kind) => Err(FetchError::Private {
            host: host.to_string(),
            addr,
            kind,
        }),
        None => Ok(()),
    }
}

/// Resolves a URL's host and checks every address it resolves to.
async fn check_host(url: &Url, limits: &FetchLimits) -> Result<(), FetchError> {
    let host = url.host_str().ok_or(FetchError::NoHost)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return check_addr(host, ip, limits);
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs = resolve(host, port, limits.connect_timeout).await?;
    for a in addrs {
        check_addr(host, a.ip(), limits)?;
    }
    Ok(())
}

async fn resolve(host: &str, port: u16, within: Duration) -> Result<Vec<SocketAddr>, FetchError> {
    let lookup = tokio::net::lookup_host((host.to_string(), port));
    let found = tokio::time::timeout(within, lookup)
        .await
        .map_err(|_| FetchError::Resolve {
            host: host.to_string(),
            reason: "no answer in time".into(),
        })?
        .map_err(|e| FetchError::Resolve {
            host: host.to_string(),
            reason: e.to_string(),
        })?;
    let addrs: Vec<SocketAddr> = found.collect();
    if addrs.is_empty() {
        return Err(FetchError::Resolve {
            host: host.to_string(),
            reason: "no address".into(),
        });
    }
    Ok(addrs)
}

/// The client's resolver: the same check again at connect time.
struct Guarded {
    limits: FetchLimits,
}

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let limits = self.limits;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs = resolve(&host, 0, limits.connect_timeout).await?;
            for a in &addrs {
                check_addr(&host, a.ip(), &limits)?;
            }
            let it: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

/// Parses and checks a link as a moderator or member gave it.
pub fn parse_link(link: &str) -> Result<Url, FetchError> {
    let url = Url::parse(link.trim()).map_err(|_| FetchError::NotAUrl(link.trim().to_string()))?;
    check_scheme(&url)?;
    Ok(url)
}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(FetchError::Scheme(other.to_string())),
    }
}

/// Fetches an article page: see the module's documentation for the guard.
pub async fn fetch(link: &str, limits: &FetchLimits) -> Result<Fetched, FetchError> {
    let url = parse_link(link)?;
    let total = limits.total_timeout;
    match tokio::time::timeout(total, fetch_inner(url.clone(), limits)).await {
        Ok(r) => r,
        Err(_) => Err(FetchError::Timeout {
            url: url.to_string(),
            secs: total.as_secs(),
        }),
    }
}

async fn fetch_inner(mut url: Url, limits: &FetchLimits) -> Result<Fetched, FetchError> {
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(limits.connect_timeout)
        .timeout(limits.total_timeout)
        .dns_resolver(Arc::new(Guarded { limits: *limits }))
        .user_agent(concat!("roundtable/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| FetchError::Connect {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
    let mut hops = 0;
    loop {
        check_scheme(&url)?;
        check_host(&url, limits).await?;
        let response = client
            .get(url.clone())
            .header("accept", "text/html, text/plain;q=0.9, */*;q=0.1")
            .send()
            .await
            .map_err(|e| request_error(&url, e, limits))?;
        let status = response.status();
        if status.is_redirection() {
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(FetchError::TooManyRedirects(url.to_string()));
            }
            let next = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .ok_or_else(|| FetchError::BadRedirect {
                    from: url.to_string(),
                })?;
            url = next;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        if !TEXT_TYPES.contains(&content_type.as_str()) {
            return Err(FetchError::ContentType {
                url: url.to_string(),
                content_type: if content_type.is_empty() {
                    "no content type".into()
                } else {
                    content_type
                },
            });
        }
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            max: limits.max_bytes,
        };
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limits.max_bytes as u64) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| request_error(&url, e, limits))?
        {
            if body.len() + chunk.len() > limits.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        let body = String::from_utf8(body).map_err(|_| FetchError::NotUtf8 {
            url: url.to_string(),
        })?;
        return Ok(Fetched {
            url,
            content_type,
            body,
        });
    }
}

/// A transport error, with the guard's own refusal found in its causes if that was the reason.
fn request_error(url: &Url, e: reqwest::Error, limits: &FetchLimits) -> FetchError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    while let Some(c) = cause {
        if let Some(f) = c.downcast_ref::<FetchError>() {
            return f.clone();
        }
        cause = c.source();
    }
    if e.is_timeout() {
        return FetchError::Timeout {
            url: url.to_string(),
            secs: limits.total_timeout.as_secs(),
        };
    }
    let mut reason = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        reason = format!("{reason}: {c}");
        cause = c.source();
    }
    FetchError::Connect {
        url: url.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests;
