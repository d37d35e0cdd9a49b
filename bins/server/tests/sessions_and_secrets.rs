//! The whole server in `local` mode (bundled sandbox, SQLite file) where trust is decided: a
//! consent completes only in the browser that started it, cookies are `Secure` over HTTPS,
//! readiness notices a data key that cannot open the stored tokens, and a failure of ours shows
//! a reference on the page instead of the database's words.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use psd2_server::run::Started;

const TOKEN: &str = "sessions-secrets-token-0123456789";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

async fn server(dir: &Path, extra: &[&str]) -> (Started, String) {
    common::start_local(dir, TOKEN, REDIRECT, extra).await
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

/// `POST /banking/connect` in the browser whose cookies are in `jar`: where it sends the browser.
async fn start_consent(jar: &Path, base: &str) -> String {
    let (_, page) = common::browser(jar, "GET", &format!("{base}/banking"), &[]).await;
    let csrf = format!("csrf={}", csrf_of(&page));
    let jar = jar.display().to_string();
    let out = tokio::process::Command::new("curl")
        .args([
            "-s",
            "-o",
            "/dev/null",
            "-w",
            "%{redirect_url}",
            "-b",
            &jar,
            "-c",
            &jar,
        ])
        .args(["-X", "POST", "--data-urlencode", &csrf])
        .arg(format!("{base}/banking/connect"))
        .output()
        .await
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consent_completes_only_in_the_browser_that_started_it() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = server(dir.path(), &[]).await;
    let sandbox = started.sandbox.as_ref().unwrap();
    let profile = sandbox.ground_truth().profiles[0].id.clone();
    let owner = common::sign_in(dir.path(), &base, "anna", TOKEN).await;

    let authorization = start_consent(&owner, &base).await;
    assert!(authorization.contains("state="), "{authorization}");
    let back = sandbox
        .grant_consent(&authorization, &profile)
        .await
        .unwrap()
        .replace("http://127.0.0.1:8000", &base);

    // Another browser with the bank's redirect (a link sent to someone, or no cookies at all):
    // refused, and the consent is not used up.
    let stranger = dir.path().join("stranger-cookies");
    let (code, page) = common::browser(&stranger, "GET", &back, &[]).await;
    assert_eq!(code, 400, "{page}");
    assert!(page.contains("another browser"), "{page}");
    assert!(started.sync.db().connections().await.unwrap().is_empty());

    // The browser that started it completes it, once.
    let (code, page) = common::browser(&owner, "GET", &back, &[]).await;
    assert_eq!(code, 200, "{page}");
    assert_eq!(started.sync.db().connections().await.unwrap().len(), 1);
    let (code, _) = common::browser(&owner, "GET", &back, &[]).await;
    assert_eq!(code, 400, "a used state does not complete twice");
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_https_the_session_cookie_is_secure_and_host_prefixed() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = server(dir.path(), &["--public-url", "https://bank.example.com"]).await;
    let out = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-D", "-", "-X", "POST"])
        .args(["--data-urlencode", "user=anna", "--data-urlencode"])
        .arg(format!("token={TOKEN}"))
        .arg(format!("{base}/banking/login"))
        .output()
        .await
        .unwrap();
    let headers = String::from_utf8(out.stdout).unwrap();
    let cookie = headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie: {headers}"));
    assert!(cookie.contains("__Host-psd2_session="), "{cookie}");
    assert!(
        cookie.contains("; Secure") && cookie.contains("Path=/;"),
        "{cookie}"
    );
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_when_the_data_key_cannot_open_stored_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = server(dir.path(), &[]).await;
    let (code, body) = common::call("GET", &format!("{base}/readyz"), None, None).await;
    assert_eq!(code, 200, "{body}");

    // A token sealed with another key, as after a restart with the wrong PSD2_DATA_KEY.
    let other = storage::Keyring::new(
        storage::DataKey::from_base64(&storage::DataKey::generate_base64().unwrap()).unwrap(),
    );
    started
        .sync
        .db()
        .put_secret(&other, "conn-1", "refresh_token", "rt-value", None)
        .await
        .unwrap();
    let (code, body) = common::call("GET", &format!("{base}/readyz"), None, None).await;
    assert_eq!(code, 503, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "data key")
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(check["ok"], false);
    assert!(check["error"].as_str().unwrap().contains("PSD2_DATA_KEY"));
    assert!(
        !body.contains("rt-value") && !body.contains("conn-1"),
        "{body}"
    );
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_failure_on_a_page_shows_a_reference_not_the_database_words() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = server(dir.path(), &[]).await;
    let jar = common::sign_in(dir.path(), &base, "anna", TOKEN).await;
    let (code, _) = common::browser(&jar, "GET", &format!("{base}/banking/review"), &[]).await;
    assert_eq!(code, 200);

    use sea_orm::ConnectionTrait as _;
    started
        .sync
        .db()
        .connection()
        .execute_unprepared(
            "ALTER TABLE matches RENAME TO matches_gone; \
             ALTER TABLE transactions RENAME TO transactions_gone",
        )
        .await
        .unwrap();
    for page in ["/banking/review", "/banking/transactions"] {
        let (code, body) = common::browser(&jar, "GET", &format!("{base}{page}"), &[]).await;
        assert_eq!(code, 500, "{page}: {body}");
        assert!(body.contains("reference"), "{page}: {body}");
        for word in ["matches", "transactions_gone", "Query", "SQL", "database"] {
            assert!(!body.contains(word), "{page} shows {word:?}: {body}");
        }
    }
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_sign_ins_are_throttled_per_address() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = server(dir.path(), &[]).await;
    let jar = dir.path().join("cookies");
    let login = format!("{base}/banking/login");
    for i in 0..10 {
        let wrong = format!("wrong-token-{i}");
        let (code, _) =
            common::browser(&jar, "POST", &login, &[("user", "x"), ("token", &wrong)]).await;
        assert_eq!(code, 401);
    }
    let (code, page) =
        common::browser(&jar, "POST", &login, &[("user", "anna"), ("token", TOKEN)]).await;
    assert_eq!(code, 429, "{page}");
    assert!(page.contains("Too many failed sign-ins"), "{page}");
    started.stop().await.unwrap();
}
