//! Hostile and odd clients against the router's frame over a real socket: what they must not be
//! able to do (grow memory through labels, smuggle credentials in an encoded query key, get a
//! dropped connection from a panic or an absurd page number) and the headers every answer carries.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use psd2_server::app::{Frame, router};
use psd2_server::auth::ApiTokenDigest;
use psd2_server::metrics::Metrics;
use psd2_server::serve::{ConnectionLimits, serve};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "hardening-token-0123456789";

async fn ok() -> &'static str {
    "ok"
}

async fn echo(
    psd2_server::error::ApiJson(v): psd2_server::error::ApiJson<serde_json::Value>,
) -> psd2_server::error::ApiJson<serde_json::Value> {
    psd2_server::error::ApiJson(v)
}

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

async fn start() -> (String, CancellationToken) {
    start_with(ConnectionLimits::default()).await
}

async fn start_with(limits: ConnectionLimits) -> (String, CancellationToken) {
    let frame = Frame {
        api_token: ApiTokenDigest::of(TOKEN),
        throttle: Arc::default(),
        readiness: Vec::new(),
        metrics: Arc::new(Metrics::new()),
        body_limit: 1024,
        request_timeout: Duration::from_secs(5),
        client_id: None,
    };
    let app = router(
        frame,
        Router::new()
            .route("/ok", get(ok))
            .route("/boom", get(boom))
            .route("/echo", axum::routing::post(echo))
            .into(),
        Router::new().route("/banking/x", get(ok)),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stop = CancellationToken::new();
    tokio::spawn(serve(listener, app, stop.clone(), limits));
    (addr, stop)
}

/// One request written by hand (any method, any bytes); the raw answer.
async fn raw(addr: &str, request: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

async fn metrics_text(addr: &str) -> String {
    raw(
        addr,
        "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await
}

/// One request per number in `range`, each with its own 405-byte method (any token is a valid
/// method to HTTP).
async fn send_odd_methods(addr: &str, range: std::ops::Range<usize>) {
    for i in range {
        let method = format!("X{i:04}{}", "M".repeat(400));
        raw(
            addr,
            &format!("{method} /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
        )
        .await;
    }
}

#[tokio::test]
async fn odd_methods_do_not_grow_the_metrics() {
    let (addr, stop) = start().await;
    send_odd_methods(&addr, 0..10).await;
    // Once so that `/metrics` itself has its label set, then the baseline.
    metrics_text(&addr).await;
    let after_ten = metrics_text(&addr).await.len();
    send_odd_methods(&addr, 10..300).await;
    let text = metrics_text(&addr).await;
    assert!(!text.contains("MMMM"), "a raw method reached a label");
    // Counters grow by digits, never by a label per method.
    assert!(
        text.len() <= after_ten + 64,
        "metrics grew from {after_ten} to {} bytes with 290 more odd methods",
        text.len()
    );
    stop.cancel();
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (addr, stop) = start().await;
    for path in ["/healthz", "/banking/x", "/api/ok", "/no-such-page"] {
        let answer = raw(
            &addr,
            &format!("GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"),
        )
        .await
        .to_ascii_lowercase();
        for header in [
            "x-content-type-options: nosniff",
            "x-frame-options: deny",
            "referrer-policy: no-referrer",
            "cache-control: no-store",
            "content-security-policy: default-src 'none'",
            "frame-ancestors 'none'",
        ] {
            assert!(
                answer.contains(header),
                "{path}: no {header:?} in\n{answer}"
            );
        }
    }
    stop.cancel();
}

#[tokio::test]
async fn encoded_credential_keys_are_refused_and_the_scheme_is_case_insensitive() {
    let (addr, stop) = start().await;
    let base = format!("http://{addr}");
    for query in [
        "access%5Ftoken=x",
        "%61ccess_token=x",
        "API%5FTOKEN=x",
        "re%66resh_token=x",
    ] {
        let (code, body) =
            common::call("GET", &format!("{base}/api/ok?{query}"), Some(TOKEN), None).await;
        assert_eq!(code, 400, "{query}: {body}");
    }
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let (code, body) = common::call_with(
            "GET",
            &format!("{base}/api/ok"),
            None,
            None,
            &[&format!("Authorization: {scheme} {TOKEN}")],
        )
        .await;
        assert_eq!((code, body.as_str()), (200, "ok"), "{scheme}");
    }
    stop.cancel();
}

#[tokio::test]
async fn a_panicking_handler_answers_500_and_the_server_keeps_serving() {
    let (addr, stop) = start().await;
    let base = format!("http://{addr}");
    let (code, body) = common::call("GET", &format!("{base}/api/boom"), Some(TOKEN), None).await;
    assert_eq!(code, 500, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "internal");
    assert!(
        !body.contains("a bug in a handler"),
        "the panic's text stays in the log"
    );
    let (code, _) = common::call("GET", &format!("{base}/api/ok"), Some(TOKEN), None).await;
    assert_eq!(code, 200);
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn absurd_offsets_and_page_numbers_get_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = format!("sqlite://{}?mode=rwc", dir.path().join("h.db").display());
    let config = common::local_config(
        dir.path(),
        &database_url,
        TOKEN,
        "http://127.0.0.1:8000/banking/callback",
        &[],
    );
    let started = psd2_server::run::start(config).await.unwrap();
    let base = format!("http://{}", started.addr);
    for offset in ["9223372036854775808", "18446744073709551615"] {
        let (code, body) = common::call(
            "GET",
            &format!("{base}/api/transactions?offset={offset}"),
            Some(TOKEN),
            None,
        )
        .await;
        assert_eq!(code, 400, "offset {offset}: {body}");
    }
    let (code, _) = common::call(
        "GET",
        &format!("{base}/api/transactions?offset=9223372036854775807"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(code, 200, "the largest offset is an empty page");

    let jar = common::sign_in(dir.path(), &base, "Anna", TOKEN).await;
    for page in [
        "18446744073709551615",
        "184467440737095516",
        "9223372036854775807",
    ] {
        let (code, body) = common::browser(
            &jar,
            "GET",
            &format!("{base}/banking/transactions?page={page}"),
            &[],
        )
        .await;
        assert_eq!(code, 200, "page {page}: {body}");
    }
    started.stop().await.unwrap();
}

#[tokio::test]
async fn a_nul_in_any_json_text_is_a_clear_400() {
    let (addr, stop) = start().await;
    let base = format!("http://{addr}");
    for (body, path) in [
        (r#"{"name":"Mey\u0000er"}"#, "name"),
        (
            r#"{"invoices":[{"n":"a"},{"n":"b\u0000"}]}"#,
            "invoices[1].n",
        ),
    ] {
        let (code, answer) =
            common::call("POST", &format!("{base}/api/echo"), Some(TOKEN), Some(body)).await;
        assert_eq!(code, 400, "{body}: {answer}");
        assert!(answer.contains(path) && answer.contains("NUL"), "{answer}");
    }
    let (code, answer) = common::call(
        "POST",
        &format!("{base}/api/echo"),
        Some(TOKEN),
        Some(r#"{"name":"Meyer \\u0000"}"#),
    )
    .await;
    assert_eq!(
        (code, answer.as_str()),
        (200, r#"{"name":"Meyer \\u0000"}"#),
        "an escaped backslash is text"
    );
    stop.cancel();
}

/// Opens a connection and sends the start of a request head that never ends (slowloris), or
/// nothing at all.
async fn half_sent(addr: &str, i: usize) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    if !i.is_multiple_of(4) {
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
    }
    s
}

/// True when the server closed the connection (EOF or reset) within `wait`.
async fn closed_within(mut s: tokio::net::TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 512];
    loop {
        match tokio::time::timeout(wait, s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            // A 408 or 400 answer before the close is fine; keep reading to the close.
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_requests_are_cut_off_while_others_are_served() {
    let (addr, _stop) = start_with(ConnectionLimits {
        header_read_timeout: Duration::from_secs(2),
        max_connections: 1024,
    })
    .await;
    let mut slow = Vec::new();
    for i in 0..300 {
        slow.push(half_sent(&addr, i).await);
    }
    // With 300 slow connections open, a normal request is answered at once.
    let answer = raw(
        &addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Every slow connection is closed by the server: well within 20 s for a 2 s timeout (a
    // server without the timeout keeps them open forever, so this cannot pass by waiting).
    let closes = slow
        .into_iter()
        .map(|s| tokio::spawn(closed_within(s, Duration::from_secs(20))));
    let mut open = 0;
    for c in closes {
        if !c.await.unwrap() {
            open += 1;
        }
    }
    assert_eq!(open, 0, "{open} of 300 half-sent requests were still open");
    let answer = raw(
        &addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_cap_wait_for_a_free_one() {
    let timeout = Duration::from_secs(2);
    let (addr, _stop) = start_with(ConnectionLimits {
        header_read_timeout: timeout,
        max_connections: 4,
    })
    .await;
    let mut slow = Vec::new();
    for i in 1..5 {
        slow.push(half_sent(&addr, i).await);
    }
    // Give the server time to accept the four; the fifth connection then waits for a slot.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let answer = raw(
        &addr,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    let waited = started.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Served only once a slow connection was cut off: not before its timeout ran out (a server
    // without the cap answers at once). A slower machine only makes the wait longer.
    assert!(
        waited >= timeout - Duration::from_millis(500),
        "answered after {waited:?}, before any slot was free"
    );
    for s in slow {
        assert!(closed_within(s, Duration::from_secs(20)).await);
    }
}

#[tokio::test]
async fn an_address_that_keeps_presenting_wrong_tokens_is_slowed_down() {
    let (addr, _stop) = start().await;
    let with = |token: &str| {
        format!(
            "GET /api/ok HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        )
    };
    assert!(raw(&addr, &with(TOKEN)).await.starts_with("HTTP/1.1 200"));
    for i in 0..10 {
        let answer = raw(&addr, &with(&format!("wrong-{i}"))).await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    }
    // Now even the right token waits, so a guesser cannot tell when it found it.
    let answer = raw(&addr, &with(TOKEN)).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after:"),
        "{answer}"
    );
}
