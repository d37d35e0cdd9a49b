//! The router's frame over a real socket: authentication on every `/api` route, error shapes,
//! health, metrics and the OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::call;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use psd2_server::app::{Frame, router};
use psd2_server::auth::ApiTokenDigest;
use psd2_server::error::{ApiError, ApiJson};
use psd2_server::health::ReadinessCheck;
use psd2_server::metrics::Metrics;
use psd2_server::serve::serve;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "test-token-0123456789";

#[derive(serde::Deserialize)]
struct Echo {
    n: u32,
}

async fn echo(ApiJson(e): ApiJson<Echo>) -> Result<ApiJson<serde_json::Value>, ApiError> {
    Ok(ApiJson(serde_json::json!({ "n": e.n })))
}

struct Running {
    base: String,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(ready: bool) -> Running {
    let frame = Frame {
        api_token: ApiTokenDigest::of(TOKEN),
        throttle: Arc::default(),
        readiness: vec![ReadinessCheck::new("database", move || {
            Box::pin(async move {
                if ready {
                    Ok(())
                } else {
                    Err("database unreachable".into())
                }
            })
        })],
        metrics: Arc::new(Metrics::new()),
        body_limit: 1024,
        request_timeout: Duration::from_secs(5),
        client_id: None,
    };
    let app = router(
        frame,
        Router::new().route("/echo", post(echo)).into(),
        Router::new(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let stop = CancellationToken::new();
    let task = tokio::spawn(serve(listener, app, stop.clone(), Default::default()));
    Running { base, stop, task }
}

#[tokio::test]
async fn api_routes_demand_the_token() {
    let s = start(true).await;
    let url = format!("{}/api/echo", s.base);
    let (code, body) = call("POST", &url, None, Some(r#"{"n":1}"#)).await;
    assert_eq!(code, 401);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "unauthorized");
    let (code, _) = call(
        "POST",
        &url,
        Some("wrong-token-0123456789"),
        Some(r#"{"n":1}"#),
    )
    .await;
    assert_eq!(code, 401);
    let (code, body) = call("POST", &url, Some(TOKEN), Some(r#"{"n":7}"#)).await;
    assert_eq!((code, body.as_str()), (200, r#"{"n":7}"#));
    // The OpenAPI document sits under /api too.
    let (code, _) = call("GET", &format!("{}/api/openapi.json", s.base), None, None).await;
    assert_eq!(code, 401);
    s.stop.cancel();
    s.task.await.unwrap().unwrap();
}

#[tokio::test]
async fn tokens_in_query_strings_are_refused() {
    let s = start(true).await;
    let url = format!("{}/api/echo?access_token={TOKEN}", s.base);
    let (code, body) = call("POST", &url, Some(TOKEN), Some(r#"{"n":1}"#)).await;
    assert_eq!(code, 400, "{body}");
    assert!(body.contains("query string"), "{body}");
}

#[tokio::test]
async fn malformed_json_and_wrong_types_are_400_with_a_reason() {
    let s = start(true).await;
    let url = format!("{}/api/echo", s.base);
    let (code, body) = call("POST", &url, Some(TOKEN), Some(r#"{"n":"#)).await;
    assert_eq!(code, 400, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    let (code, body) = call("POST", &url, Some(TOKEN), Some(r#"{"n":"seven"}"#)).await;
    assert_eq!(code, 400);
    assert!(body.contains("invalid type"), "{body}");
    let big = format!(r#"{{"n":1,"pad":"{}"}}"#, "x".repeat(4096));
    let (code, _) = call("POST", &url, Some(TOKEN), Some(&big)).await;
    assert!(
        code == 400 || code == 413,
        "body over the limit answered {code}"
    );
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi() {
    let s = start(false).await;
    let (code, body) = call("GET", &format!("{}/healthz", s.base), None, None).await;
    assert_eq!((code, body.as_str()), (200, r#"{"status":"ok"}"#));
    let (code, body) = call("GET", &format!("{}/readyz", s.base), None, None).await;
    assert_eq!(code, 503);
    assert!(body.contains("database unreachable"));
    let (code, body) = call("GET", &format!("{}/metrics", s.base), None, None).await;
    assert_eq!(code, 200);
    assert!(body.contains(r#"route="/readyz",status="503""#), "{body}");
    let (code, body) = call(
        "GET",
        &format!("{}/api/openapi.json", s.base),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(code, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/readyz"].is_object());
}

/// `curl -i`: status, the headers (lower-case names) and the body.
async fn call_with_headers(
    method: &str,
    url: &str,
    body: Option<&str>,
    extra: &[&str],
) -> (u16, Vec<(String, String)>, String) {
    let mut args = vec![
        "-s",
        "-i",
        "-X",
        method,
        "-H",
        "Authorization: Bearer test-token-0123456789",
    ];
    for h in extra {
        args.extend(["-H", h]);
    }
    if let Some(b) = body {
        args.extend(["-H", "Content-Type: application/json", "--data-binary", b]);
    }
    args.push(url);
    let out = tokio::process::Command::new("curl")
        .args(&args)
        .output()
        .await
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (status, headers, body.to_owned())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn error_of(status: u16, headers: &[(String, String)], body: &str) -> serde_json::Value {
    assert_eq!(
        header(headers, "content-type"),
        Some("application/json"),
        "{status}: {body}"
    );
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert!(v["error"]["message"].is_string(), "{status}: {body}");
    v
}

#[tokio::test]
async fn unknown_paths_wrong_methods_and_big_bodies_answer_in_the_error_shape() {
    let s = start(true).await;
    let (code, headers, body) =
        call_with_headers("GET", &format!("{}/api/no-such-thing", s.base), None, &[]).await;
    assert_eq!(code, 404);
    let v = error_of(code, &headers, &body);
    assert_eq!(v["error"]["code"], "not_found");
    assert!(body.contains("/api/openapi.json"), "{body}");

    let (code, headers, body) =
        call_with_headers("DELETE", &format!("{}/api/echo", s.base), None, &[]).await;
    assert_eq!(code, 405);
    let v = error_of(code, &headers, &body);
    assert_eq!(v["error"]["code"], "method_not_allowed");
    // (`Allow` is checked on the documented routes: tests/routes_documented.rs.)

    // Over the limit (1024 bytes here), announced by Content-Length and streamed without it.
    let big = format!(r#"{{"n":1,"pad":"{}"}}"#, "x".repeat(4096));
    for extra in [&[][..], &["Transfer-Encoding: chunked"][..]] {
        let (code, headers, body) =
            call_with_headers("POST", &format!("{}/api/echo", s.base), Some(&big), extra).await;
        assert_eq!(code, 413, "{extra:?}: {body}");
        let v = error_of(code, &headers, &body);
        assert_eq!(v["error"]["code"], "payload_too_large");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains("1024 bytes"), "{message}");
        assert!(message.contains("PSD2_BODY_LIMIT"), "{message}");
    }

    // The root leads to the banking page.
    let (code, headers, _) = call_with_headers("GET", &format!("{}/", s.base), None, &[]).await;
    assert_eq!(code, 303);
    assert_eq!(header(&headers, "location"), Some("/banking"));
    s.stop.cancel();
    s.task.await.unwrap().unwrap();
}
