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

/// A call whose body is the bytes of `file` (`--data-binary @file`, as a script uploads a
/// statement file): status and body.
pub async fn call_file(
    method: &str,
    url: &str,
    auth: Option<&str>,
    file: &std::path::Path,
) -> (u16, String) {
    let data = format!("@{}", file.display());
    let header = auth.map(|t| format!("Authorization: Bearer {t}"));
    let mut args = vec![
        "-s",
        "-o",
        "-",
        "-w",
        "\n%{http_code}",
        "-X",
        method,
        "-H",
        "Content-Type: application/octet-stream",
        "--data-binary",
        &data,
    ];
    if let Some(h) = &header {
        args.extend(["-H", h]);
    }
    args.push(url);
    curl(&args).await
}

/// A download: status, the answer's headers (names lower case) and the body's bytes. `jar`
/// sends a banking session's cookies; `auth` the API token.
pub async fn download(
    url: &str,
    auth: Option<&str>,
    jar: Option<&std::path::Path>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let head = dir.path().join("head");
    let body = dir.path().join("body");
    let (head_s, body_s) = (head.display().to_string(), body.display().to_string());
    let header = auth.map(|t| format!("Authorization: Bearer {t}"));
    let jar = jar.map(|j| j.display().to_string());
    let mut args = vec!["-s", "-D", &head_s, "-o", &body_s, "-w", "%{http_code}"];
    if let Some(h) = &header {
        args.extend(["-H", h]);
    }
    if let Some(j) = &jar {
        args.extend(["-b", j]);
    }
    args.push(url);
    let out = tokio::process::Command::new("curl")
        .args(&args)
        .output()
        .await
        .unwrap();
    let code = String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let headers = std::fs::read_to_string(&head)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    (code, headers, std::fs::read(&body).unwrap_or_default())
}

/// The value of header `name` (lower case) in [`download`]'s headers.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A camt.053.001.02 statement of `iban` for November 2026 with opening and closing balances
/// and one booked entry per `(bank reference, signed amount, payer, remittance text)`; an amount
/// that is not a number makes a broken file.
pub fn camt053(iban: &str, entries: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-30T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-11-30T06:00:00</CreDtTm>"#,
    );
    x.push_str(&format!(
        "<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
    ));
    let mut closing = rust_decimal::Decimal::new(100_000, 2);
    for (_, amount, _, _) in entries {
        if let Ok(a) = amount.parse::<rust_decimal::Decimal>() {
            closing += a;
        }
    }
    x.push_str(&format!(
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">1000.00</Amt>\
         <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-10-31</Dt></Dt></Bal>\
         <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{closing}</Amt>\
         <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>"
    ));
    for (reference, amount, payer, text) in entries {
        let (amt, ind, party) = match amount.strip_prefix('-') {
            Some(a) => (a, "DBIT", "Cdtr"),
            None => (*amount, "CRDT", "Dbtr"),
        };
        x.push_str(&format!(
            "<Ntry><Amt Ccy=\"EUR\">{amt}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>2026-11-10</Dt></BookgDt><ValDt><Dt>2026-11-10</Dt></ValDt>\
             <AcctSvcrRef>{reference}</AcctSvcrRef><BkTxCd/>\
             <NtryDtls><TxDtls><RltdPties><{party}><Nm>{payer}</Nm></{party}>\
             <{party}Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></{party}Acct></RltdPties>\
             <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        ));
    }
    x.push_str("</Stmt></BkToCstmrStmt></Document>");
    x.into_bytes()
}
