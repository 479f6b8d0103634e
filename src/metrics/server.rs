//! The listener behind `[metrics] listen`: plain HTTP/1.1 with two routes.
//!
//! - `GET /healthz`: `200 ok` while the bot can serve (every gateway shard connected, the store
//!   taking writes), else `503` with the reason on one line. A probe that takes longer than
//!   [`PROBE_TIMEOUT`] counts as a failure, so a hung disk is reported rather than waited on.
//! - `GET /metrics`: everything in [`super::Metrics`], in Prometheus' text format.
//!
//! hyper (already in the binary for reqwest's client) does the HTTP; a connection that sends no
//! complete request head within [`HEADER_TIMEOUT`], or stays longer than [`CONNECTION_LIMIT`],
//! is closed. Connections are owned by the serving task and end with it.

use super::{global, CONTENT_TYPE};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE as CONTENT_TYPE_HEADER};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// Longest a health probe (or the open-discussions count) may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for a request's head.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest life of one connection (keep-alive included).
pub const CONNECTION_LIMIT: Duration = Duration::from_secs(120);

/// A boxed future, for [`Status`]'s methods.
pub type Probe<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the running bot tells the listener.
pub trait Status: Send + Sync + 'static {
    /// `Ok` while the bot can serve; otherwise why not, in a few words.
    fn health(&self) -> Probe<'_, Result<(), String>>;
    /// How many discussions are open now, if the store can say.
    fn open_discussions(&self) -> Probe<'_, Option<u64>>;
}

/// Binds the listener (at start-up, so a taken port is a start-up error).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

/// Serves `/healthz` and `/metrics` on `listener` until the returned future is dropped.
pub async fn serve(listener: TcpListener, status: Arc<dyn Status>) {
    let mut connections = JoinSet::new();
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: pause rather than spin.
                tracing::warn!("metrics listener: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let status = status.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |req| respond(req, status.clone()));
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service);
            // A connection past its limit is dropped; errors are the client's.
            if let Ok(Err(e)) = tokio::time::timeout(CONNECTION_LIMIT, connection).await {
                tracing::debug!("metrics listener: {e}");
            }
        });
    }
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE_HEADER, HeaderValue::from_static(content_type));
    response
}

const PLAIN: &str = "text/plain; charset=utf-8";

async fn respond(
    req: Request<Incoming>,
    status: Arc<dyn Status>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let readable = matches!(*req.method(), Method::GET | Method::HEAD);
    Ok(match req.uri().path() {
        "/healthz" | "/metrics" if !readable => {
            let mut r = text(
                StatusCode::METHOD_NOT_ALLOWED,
                PLAIN,
                "use GET\n".to_string(),
            );
            r.headers_mut()
                .insert(ALLOW, HeaderValue::from_static("GET, HEAD"));
            r
        }
        "/healthz" => match tokio::time::timeout(PROBE_TIMEOUT, status.health()).await {
            Ok(Ok(())) => text(StatusCode::OK, PLAIN, "ok\n".to_string()),
            Ok(Err(why)) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                PLAIN,
                format!("unavailable: {why}\n"),
            ),
            Err(_) => text(
                StatusCode::SERVICE_UNAVAILABLE,
                PLAIN,
                format!(
                    "unavailable: the health probe did not finish within {} s\n",
                    PROBE_TIMEOUT.as_secs()
                ),
            ),
        },
        "/metrics" => {
            let open = tokio::time::timeout(PROBE_TIMEOUT, status.open_discussions())
                .await
                .ok()
                .flatten();
            text(StatusCode::OK, CONTENT_TYPE, global().render(open))
        }
        _ => text(
            StatusCode::NOT_FOUND,
            PLAIN,
            "not found: roundtable serves /healthz and /metrics\n".to_string(),
        ),
    })
}

/// Where a listener is bound, for the log and for tests binding port 0.
pub fn local_addr(listener: &TcpListener) -> Option<SocketAddr> {
    listener.local_addr().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    struct Fixed(AtomicBool);

    impl Status for Fixed {
        fn health(&self) -> Probe<'_, Result<(), String>> {
            let up = self.0.load(Ordering::SeqCst);
            Box::pin(async move {
                if up {
                    Ok(())
                } else {
                    Err("the gateway is not connected".into())
                }
            })
        }
        fn open_discussions(&self) -> Probe<'_, Option<u64>> {
            Box::pin(async { Some(2) })
        }
    }

    async fn get(addr: SocketAddr, request: &str) -> String {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(request.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        out
    }

    #[tokio::test]
    async fn healthz_follows_the_status_and_metrics_are_served_as_prometheus_text() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = local_addr(&listener).unwrap();
        let status = Arc::new(Fixed(AtomicBool::new(true)));
        let server = tokio::spawn(serve(listener, status.clone()));
        let close = "Connection: close\r\n\r\n";
        let ok = get(
            addr,
            &format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{close}"),
        )
        .await;
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"), "{ok}");
        assert!(ok.ends_with("\r\n\r\nok\n"), "{ok}");
        status.0.store(false, Ordering::SeqCst);
        let down = get(
            addr,
            &format!("GET /healthz HTTP/1.1\r\nHost: x\r\n{close}"),
        )
        .await;
        assert!(
            down.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{down}"
        );
        assert!(
            down.ends_with("unavailable: the gateway is not connected\n"),
            "{down}"
        );
        let metrics = get(
            addr,
            &format!("GET /metrics HTTP/1.1\r\nHost: x\r\n{close}"),
        )
        .await;
        assert!(metrics.starts_with("HTTP/1.1 200 OK\r\n"), "{metrics}");
        assert!(
            metrics.contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            "{metrics}"
        );
        assert!(
            metrics.contains("\nroundtable_open_discussions 2\n"),
            "{metrics}"
        );
        let other = get(addr, &format!("GET / HTTP/1.1\r\nHost: x\r\n{close}")).await;
        assert!(other.starts_with("HTTP/1.1 404 Not Found\r\n"), "{other}");
        let post = get(
            addr,
            &format!("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n{close}"),
        )
        .await;
        assert!(
            post.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{post}"
        );
        server.abort();
    }
}
