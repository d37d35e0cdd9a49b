//! `local` mode survives a restart: the bundled sandbox still knows the tokens it issued, the
//! API token of the first start keeps working (and is not printed again), a browser whose
//! session the restart ended is told why, and "Reconnect" renews the connection it is on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use clap::Parser as _;
use psd2_server::config::Config;
use psd2_server::local_token::LocalApiToken;
use psd2_server::run::Started;
use storage::ConnectionStatus;

const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

/// `local` mode as a person runs it: no API token and no data key configured, everything kept
/// in `dir` (the database, the certificates, the data directory).
fn config(dir: &Path) -> Config {
    let db = format!("sqlite://{}?mode=rwc", dir.join("psd2.sqlite").display());
    Config::try_parse_from([
        "psd2-server",
        "--environment",
        "local",
        "--listen",
        "127.0.0.1:0",
        "--sandbox-port",
        "0",
        "--database-url",
        &db,
        "--cert-path",
        dir.join("certs").to_str().unwrap(),
        "--data-dir",
        dir.join("data").to_str().unwrap(),
        "--redirect-uris",
        REDIRECT,
        "--user-sync-min-seconds",
        "0",
    ])
    .unwrap()
}

async fn start(dir: &Path) -> (Started, String) {
    let started = psd2_server::run::start(config(dir)).await.unwrap();
    let base = format!("http://{}", started.addr);
    (started, base)
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

/// Posts the connect form (`connection` set: the "Reconnect" of that connection) in the browser
/// of `jar`, lets the sandbox's consent page allow it, and follows the bank's redirect back.
async fn consent(started: &Started, jar: &Path, base: &str, connection: Option<&str>) -> String {
    let (_, page) = common::browser(jar, "GET", &format!("{base}/banking"), &[]).await;
    let mut args = vec![format!("csrf={}", csrf_of(&page))];
    if let Some(c) = connection {
        args.push(format!("connection={c}"));
    }
    let jar_s = jar.display().to_string();
    let mut cmd = tokio::process::Command::new("curl");
    cmd.args([
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{redirect_url}",
        "-b",
        &jar_s,
        "-c",
        &jar_s,
        "-X",
        "POST",
    ]);
    for a in &args {
        cmd.args(["--data-urlencode", a]);
    }
    let out = cmd
        .arg(format!("{base}/banking/connect"))
        .output()
        .await
        .unwrap();
    let authorization = String::from_utf8(out.stdout).unwrap();
    let sandbox = started.sandbox.as_ref().unwrap();
    let profile = sandbox.ground_truth().profiles[0].id.clone();
    let back = sandbox
        .grant_consent(&authorization, &profile)
        .await
        .unwrap()
        .replace("http://127.0.0.1:8000", base);
    let (code, page) = common::browser(jar, "GET", &back, &[]).await;
    assert_eq!(code, 200, "{page}");
    page
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_connection_the_api_token_and_the_data_are_still_there() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = start(dir.path()).await;
    let Some(LocalApiToken::New { token, .. }) = &started.local_api_token else {
        panic!("the first start makes the API token");
    };
    let token = token.clone();
    let banner = psd2_server::banner::local_banner(&started).await;
    assert!(banner.contains(&token), "the first start shows it once");
    let jar = common::sign_in(dir.path(), &base, "anna", &token).await;
    consent(&started, &jar, &base, None).await;
    let connections = started.sync.db().connections().await.unwrap();
    assert_eq!(connections.len(), 1);
    let connection = connections[0].clone();
    let accounts = started.sync.db().accounts_of(&connection.id).await.unwrap();
    assert!(!accounts.is_empty());
    let stored_before = started
        .sync
        .db()
        .transactions(accounts[0].id)
        .await
        .unwrap()
        .len();
    assert!(stored_before > 0, "the history was fetched");
    started.stop().await.unwrap();

    let (started, base) = start(dir.path()).await;
    // The token noted from the first start still opens the API and the banking page; no new
    // one is made or printed, and the banner says how to get one.
    assert!(matches!(
        started.local_api_token,
        Some(LocalApiToken::Stored { .. })
    ));
    let banner = psd2_server::banner::local_banner(&started).await;
    assert!(!banner.contains(&token), "{banner}");
    assert!(banner.contains("--rotate-api-token"), "{banner}");
    let (code, body) = common::call(
        "GET",
        &format!("{base}/api/connections"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(code, 200, "{body}");

    // The old session cookie: the sign-in page says the restart signed everyone out.
    let out = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{redirect_url}", "-b"])
        .arg(&jar)
        .arg(format!("{base}/banking"))
        .output()
        .await
        .unwrap();
    let location = String::from_utf8(out.stdout).unwrap();
    assert!(
        location.ends_with("/banking/login?why=restarted"),
        "{location}"
    );
    let (code, page) = common::browser(&jar, "GET", &location, &[]).await;
    assert_eq!(code, 200);
    assert!(page.contains("The server was restarted"), "{page}");

    // The connection is still active at the (restarted) sandbox: its refresh token is known,
    // and a sync from the banking page works.
    let access = started.sync.access_token(&connection.id).await.unwrap();
    started
        .sync
        .refresh_tokens(&connection.id, Some(&access))
        .await
        .expect("the sandbox still knows the refresh token");
    let jar = common::sign_in(dir.path(), &base, "anna", &token).await;
    let (_, page) = common::browser(&jar, "GET", &format!("{base}/banking"), &[]).await;
    let (code, _) = common::browser(
        &jar,
        "POST",
        &format!("{base}/banking/accounts/{}/sync", accounts[0].id),
        &[("csrf", &csrf_of(&page))],
    )
    .await;
    assert_eq!(code, 303);
    let (_, page) = common::browser(&jar, "GET", &format!("{base}/banking"), &[]).await;
    assert!(page.contains("Imported "), "{page}");
    assert!(!page.contains("invalid_grant"), "{page}");
    let after = started.sync.db().connections().await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].status, ConnectionStatus::Active, "{:?}", after[0]);
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnect_renews_the_same_connection_and_says_why_it_was_needed() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = start(dir.path()).await;
    let Some(LocalApiToken::New { token, .. }) = &started.local_api_token else {
        panic!("the first start makes the API token");
    };
    let jar = common::sign_in(dir.path(), &base, "anna", token).await;
    consent(&started, &jar, &base, None).await;
    let connection = started.sync.db().connections().await.unwrap()[0].clone();
    let ids = |a: Vec<storage::entity::account::Model>| a.iter().map(|a| a.id).collect::<Vec<_>>();
    let accounts = ids(started.sync.db().accounts_of(&connection.id).await.unwrap());

    // The bank stops accepting the consent (withdrawn there): the next refresh is refused.
    started.sandbox.as_ref().unwrap().revoke_all_consents();
    let refused = started.sync.sync_accounts(&connection, false, None).await;
    assert!(refused.is_err());
    let (_, page) = common::browser(&jar, "GET", &format!("{base}/banking"), &[]).await;
    assert!(
        page.contains("The bank no longer accepts this connection"),
        "{page}"
    );
    assert!(
        !page.contains("days left"),
        "no days left beside an expired consent: {page}"
    );
    assert!(!page.contains("invalid_grant"), "{page}");
    assert!(
        page.contains(&format!("id=\"reconnect-{}\"", connection.id)),
        "{page}"
    );

    let done = consent(&started, &jar, &base, Some(&connection.id)).await;
    assert!(done.contains("Reconnected"), "{done}");
    let after = started.sync.db().connections().await.unwrap();
    assert_eq!(after.len(), 1, "no second connection: {after:?}");
    assert_eq!(after[0].id, connection.id);
    assert_eq!(after[0].status, ConnectionStatus::Active);
    assert_eq!(
        ids(started.sync.db().accounts_of(&connection.id).await.unwrap()),
        accounts,
        "the accounts stay with it"
    );
    let access = started.sync.access_token(&connection.id).await.unwrap();
    started
        .sync
        .refresh_tokens(&connection.id, Some(&access))
        .await
        .expect("the new consent's refresh token works");
    // The replaced refresh token was revoked at the bank.
    let revokes = started
        .sandbox
        .as_ref()
        .unwrap()
        .requests_seen()
        .iter()
        .filter(|r| r.target == "/oauth2/token/revoke")
        .count();
    assert_eq!(revokes, 1);
    started.stop().await.unwrap();
}
