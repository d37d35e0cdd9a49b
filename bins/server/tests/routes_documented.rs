//! Every route the server serves is in `/api/openapi.json` with exactly its methods, and every
//! documented route is served: the router and the document are built from the same
//! declarations (`utoipa-axum`), and this test keeps it so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::Value;

const TOKEN: &str = "routes-documented-token-0123456789";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
/// Methods probed on every documented path (HEAD follows GET by HTTP's rules, so is not asked).
const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// `path` with every `{param}` replaced by `1`.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => in_param = true,
            '}' => {
                in_param = false;
                out.push('1');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// `curl -i` with the token: status, body and the `Allow` header (empty when absent).
async fn call(method: &str, url: &str, body: Option<&str>) -> (u16, String, String) {
    let auth = format!("Authorization: Bearer {TOKEN}");
    let mut args = vec!["-s", "-i", "-X", method, "-H", auth.as_str()];
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
    let allow = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("allow"))
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    (status, body.to_owned(), allow)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_served_is_documented_with_its_methods() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let (code, text) = common::call(
        "GET",
        &format!("{base}/api/openapi.json"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(code, 200, "{text}");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    // The operational routes and the document itself are served, so they are documented too.
    for served in ["/healthz", "/readyz", "/metrics", "/api/openapi.json"] {
        assert!(
            paths.contains_key(served),
            "{served} is served but not documented"
        );
    }
    let mut probed = 0;
    for (path, item) in paths {
        let documented: Vec<String> = item
            .as_object()
            .unwrap()
            .keys()
            .map(|m| m.to_ascii_uppercase())
            .filter(|m| METHODS.contains(&m.as_str()))
            .collect();
        assert!(!documented.is_empty(), "{path} documents no method");
        let mut documented_sorted: Vec<&str> = documented.iter().map(String::as_str).collect();
        documented_sorted.sort_unstable();
        let url = format!("{base}{}", concrete(path));
        for method in METHODS {
            let body = matches!(method, "POST" | "PUT" | "PATCH").then_some("{}");
            let (code, answer, allow) = call(method, &url, body).await;
            if documented.iter().any(|m| m == method) {
                assert_ne!(
                    code, 405,
                    "{method} {path} is documented but not served: {answer}"
                );
                let no_route = answer.trim().is_empty() || answer.contains("no such endpoint");
                assert!(
                    !(code == 404 && no_route),
                    "{method} {path} is documented but not served: {answer}"
                );
            } else {
                assert_eq!(
                    code, 405,
                    "{method} {path} is served but not documented: {answer}"
                );
                let v: Value = serde_json::from_str(&answer).unwrap();
                assert_eq!(v["error"]["code"], "method_not_allowed", "{answer}");
                let mut allow: Vec<&str> = allow.split(',').collect();
                allow.retain(|m| *m != "HEAD");
                assert_eq!(allow, documented_sorted, "{method} {path}: Allow");
            }
            probed += 1;
        }
    }
    assert!(
        probed >= 6 * 20,
        "only {probed} probes: the document lost its paths"
    );
    started.stop().await.unwrap();
}

/// The declarations themselves: a plain `.route(…)` in the API's or the frame's router would be
/// served without being documented (the probes above cannot find a path they are not told of).
#[test]
fn routes_are_declared_only_through_their_annotations() {
    for (file, source) in [
        ("src/routes/mod.rs", include_str!("../src/routes/mod.rs")),
        ("src/app.rs", include_str!("../src/app.rs")),
    ] {
        for (n, line) in source.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            assert!(
                !code.contains(".route(")
                    && !code.contains(".route_service(")
                    && !code.contains(".nest_service("),
                "{file}:{}: declare routes with `.routes(routes!(handler))`: {line}",
                n + 1
            );
        }
    }
}
