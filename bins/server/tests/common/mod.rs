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
    curl(&args).await
}

/// Runs `curl` with `args` (which print the body, a newline and the status): status and body.
async fn curl(args: &[&str]) -> (u16, String) {
    let out = tokio::process::Command::new("curl")
        .args(args)
        .output()
        .await
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (code.parse().unwrap(), body.to_owned())
}

/// The server's configuration in `local` mode on ephemeral ports (its bundled sandbox too),
/// certificates and the data directory under `dir`, a fresh data key, the API token `token`, one redirect URI, and
/// `extra` flags.
pub fn local_config(
    dir: &std::path::Path,
    database_url: &str,
    token: &str,
    redirect: &str,
    extra: &[&str],
) -> psd2_server::config::Config {
    use clap::Parser as _;
    let certs = dir.join("certs");
    let data = dir.join("data");
    let key = storage::DataKey::generate_base64().unwrap();
    let mut args = vec![
        "psd2-server",
        "--data-dir",
        data.to_str().unwrap(),
        "--environment",
        "local",
        "--listen",
        "127.0.0.1:0",
        "--sandbox-port",
        "0",
        "--database-url",
        database_url,
        "--cert-path",
        certs.to_str().unwrap(),
        "--api-token",
        token,
        "--data-key",
        &key,
        "--redirect-uris",
        redirect,
    ];
    args.extend_from_slice(extra);
    psd2_server::config::Config::try_parse_from(args).unwrap()
}

/// The server in `local` mode (see [`local_config`]) on a SQLite file in `dir`: it and the
/// address to call (`http://…`).
pub async fn start_local(
    dir: &std::path::Path,
    token: &str,
    redirect: &str,
    extra: &[&str],
) -> (psd2_server::run::Started, String) {
    let url = format!("sqlite://{}?mode=rwc", dir.join("psd2.sqlite").display());
    let started = psd2_server::run::start(local_config(dir, &url, token, redirect, extra))
        .await
        .unwrap();
    let base = format!("http://{}", started.addr);
    (started, base)
}

/// `curl` with a cookie jar, as a browser keeps the banking page's session: status and body.
/// `form` pairs are sent url-encoded.
pub async fn browser(
    jar: &std::path::Path,
    method: &str,
    url: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    browser_in(jar, "en", method, url, form).await
}

/// [`browser`] with the browser's language (`Accept-Language`), e.g. `de-DE,de;q=0.9`.
pub async fn browser_in(
    jar: &std::path::Path,
    language: &str,
    method: &str,
    url: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let jar = jar.display().to_string();
    let accept = format!("Accept-Language: {language}");
    let mut args = vec![
        "-s",
        "-o",
        "-",
        "-w",
        "\n%{http_code}",
        "-X",
        method,
        "-b",
        &jar,
        "-c",
        &jar,
        "-H",
        &accept,
    ];
    let pairs: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for p in &pairs {
        args.extend(["--data-urlencode", p]);
    }
    args.push(url);
    curl(&args).await
}

/// Signs `user` in on the banking page with the API token; returns the cookie jar (in `dir`)
/// that holds the session.
pub async fn sign_in(
    dir: &std::path::Path,
    base: &str,
    user: &str,
    token: &str,
) -> std::path::PathBuf {
    let jar = dir.join("cookies");
    let (code, _) = browser(
        &jar,
        "POST",
        &format!("{base}/banking/login"),
        &[("user", user), ("token", token)],
    )
    .await;
    assert!(code == 303 || code == 302, "sign-in: {code}");
    jar
}
