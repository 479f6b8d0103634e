use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A page server on 127.0.0.1 answering each path with a canned response.
async fn serve(routes: Vec<(&'static str, String)>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let routes = routes.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf);
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let answer = routes
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, a)| a.clone())
                    .unwrap_or_else(|| {
                        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_string()
                    });
                if answer == "HANG" {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    return;
                }
                let _ = sock.write_all(answer.as_bytes()).await;
            });
        }
    });
    addr
}

fn ok(content_type: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn redirect(to: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
}

fn open_limits() -> FetchLimits {
    FetchLimits {
        allow_private_hosts: true,
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(2),
        max_bytes: 4096,
    }
}

#[test]
fn private_loopback_and_link_local_addresses_are_named() {
    for (ip, kind) in [
        ("127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "shared (carrier NAT)"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fd00::1", "unique-local (private)"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a00:1", "private"),
    ] {
        assert_eq!(private_kind(ip.parse().unwrap()), Some(kind), "{ip}");
    }
    for ip in ["93.184.216.34", "2606:4700::1111", "8.8.8.8"] {
        assert_eq!(private_kind(ip.parse().unwrap()), None, "{ip}");
    }
}

#[tokio::test]
async fn link_to_a_loopback_address_is_refused_by_default_and_says_why() {
    let addr = serve(vec![("/a", ok("text/html", "<p>hi</p>"))]).await;
    let limits = FetchLimits {
        allow_private_hosts: false,
        ..open_limits()
    };
    let err = fetch(&format!("http://{addr}/a"), &limits)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Private {
                kind: "loopback",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("private networks"), "{err}");
    // A name that resolves to loopback is refused the same way.
    let err = fetch(&format!("http://localhost:{}/a", addr.port()), &limits)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Private { .. }), "{err:?}");
}

#[tokio::test]
async fn metadata_address_is_refused_and_the_client_resolver_checks_again() {
    let limits = FetchLimits {
        allow_private_hosts: false,
        ..open_limits()
    };
    let url = Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
    let err = check_host(&url, &limits).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::Private {
                kind: "link-local",
                ..
            }
        ),
        "{err:?}"
    );
    // And the client's own resolver refuses a private answer at connect time too.
    let resolver = Guarded { limits };
    let name: reqwest::dns::Name = "localhost".parse().unwrap();
    let err = reqwest::dns::Resolve::resolve(&resolver, name)
        .await
        .err()
        .unwrap();
    assert!(err.downcast_ref::<FetchError>().is_some(), "{err}");
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    for link in ["file:///etc/passwd", "ftp://example.com/a", "gopher://x/"] {
        let err = fetch(link, &open_limits()).await.unwrap_err();
        assert!(matches!(err, FetchError::Scheme(_)), "{link}: {err:?}");
    }
    let err = fetch("not a link", &open_limits()).await.unwrap_err();
    assert!(matches!(err, FetchError::NotAUrl(_)), "{err:?}");
}

#[tokio::test]
async fn html_page_is_fetched_through_redirects() {
    let addr = serve(vec![
        ("/start", redirect("/middle")),
        ("/middle", redirect("/page")),
        (
            "/page",
            ok("text/html; charset=utf-8", "<html><p>Article</p></html>"),
        ),
    ])
    .await;
    let f = fetch(&format!("http://{addr}/start"), &open_limits())
        .await
        .unwrap();
    assert!(f.is_html());
    assert_eq!(f.url.path(), "/page");
    assert!(f.body.contains("Article"));
}

#[tokio::test]
async fn more_than_five_redirects_are_refused() {
    let addr = serve(vec![
        ("/1", redirect("/2")),
        ("/2", redirect("/3")),
        ("/3", redirect("/4")),
        ("/4", redirect("/5")),
        ("/5", redirect("/6")),
        ("/6", redirect("/7")),
        ("/7", ok("text/html", "<p>x</p>")),
    ])
    .await;
    let err = fetch(&format!("http://{addr}/1"), &open_limits())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects(_)), "{err:?}");
    // Five are followed.
    let f = fetch(&format!("http://{addr}/2"), &open_limits())
        .await
        .unwrap();
    assert_eq!(f.url.path(), "/7");
}

#[tokio::test]
async fn a_redirect_to_another_scheme_is_refused() {
    let addr = serve(vec![("/r", redirect("file:///etc/passwd"))]).await;
    let err = fetch(&format!("http://{addr}/r"), &open_limits())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Scheme(_)), "{err:?}");
}

#[tokio::test]
async fn non_text_content_is_refused_naming_its_type() {
    let addr = serve(vec![
        ("/img", ok("image/png", "PNG")),
        (
            "/none",
            "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi".to_string(),
        ),
    ])
    .await;
    let err = fetch(&format!("http://{addr}/img"), &open_limits())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("image/png"), "{err}");
    let err = fetch(&format!("http://{addr}/none"), &open_limits())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no content type"), "{err}");
}

#[tokio::test]
async fn page_above_the_size_limit_is_refused_declared_or_streamed() {
    let big = "x".repeat(5000);
    let streamed =
        format!("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n{big}");
    let addr = serve(vec![
        ("/big", ok("text/plain", &big)),
        ("/stream", streamed),
    ])
    .await;
    for path in ["/big", "/stream"] {
        let err = fetch(&format!("http://{addr}{path}"), &open_limits())
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::TooLarge { max: 4096, .. }),
            "{path}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_page_that_never_answers_times_out() {
    let addr = serve(vec![("/hang", "HANG".to_string())]).await;
    let limits = FetchLimits {
        total_timeout: Duration::from_millis(300),
        ..open_limits()
    };
    let err = fetch(&format!("http://{addr}/hang"), &limits)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn error_status_is_reported() {
    let addr = serve(vec![]).await;
    let err = fetch(&format!("http://{addr}/missing"), &open_limits())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("http://{addr}/missing answered 404")
    );
}
