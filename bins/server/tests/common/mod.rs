//! Helpers shared by the server's integration tests.
#![allow(dead_code, clippy::unwrap_used)]

/// One HTTP call through `curl` (a real client outside our code): status and body.
pub async fn call(
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    call_with(method, url, auth, body, &[]).await
}

/// [`call`] with extra request headers (`"Name: value"`).
pub async fn call_with(
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: Option<&str>,
    headers: &[&str],
) -> (u16, String) {
    let mut args = vec!["-s", "-o", "-", "-w", "\n%{http_code}", "-X", method];
    for h in headers {
        args.extend(["-H", h]);
    }
    let header;
    if let Some(token) = auth {
        header = format!("Authorization: Bearer {token}");
        args.extend(["-H", &header]);
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
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap(), body.to_owned())
}
