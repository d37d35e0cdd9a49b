//! `cargo bench -p ing-psd2 --bench client`: the cost of signing one request (beside
//! `openssl speed rsa2048` on the same machine) and the time to sync 100,000 transactions from
//! the local sandbox with the number of TLS handshakes it took.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a benchmark program"
)]

use std::time::{Duration, Instant};

use ing_psd2::{
    AuthorizationCode, AuthorizationRequest, CertificatePaths, Client, Config, Credentials,
    Environment, RequestOptions, TransactionQuery,
};
use ing_sandbox::{DataConfig, DevCertificates, Sandbox, SandboxConfig};

fn main() {
    // `cargo bench` passes `--bench`; a filter word selects one part.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let run = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    if run("sign") {
        sign();
    }
    if run("sync") {
        let n: usize = std::env::var("SYNC_TRANSACTIONS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(100_000);
        runtime.block_on(sync(n));
    }
}

fn sign() {
    let certs = DevCertificates::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    certs.write_to(dir.path()).unwrap();
    let creds = Credentials::load(&CertificatePaths::in_dir(dir.path())).unwrap();
    let s = ing_psd2::signing::signing_string(
        "GET",
        "/v3/accounts/a217d676-7559-4f2a-83dc-5da0c2279223/transactions?dateFrom=2025-01-01&dateTo=2026-01-01&limit=500",
        "Tue, 31 Mar 2020 08:37:27 GMT",
        "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    );
    for _ in 0..50 {
        creds.signing().sign(s.as_bytes()).unwrap();
    }
    let n = 2_000;
    let started = Instant::now();
    for _ in 0..n {
        std::hint::black_box(
            creds
                .signing()
                .sign(std::hint::black_box(s.as_bytes()))
                .unwrap(),
        );
    }
    let per = started.elapsed() / n;
    println!(
        "sign: RSA-2048 PKCS#1 v1.5 SHA-256 signature of one signing string: {:.1} µs ({:.0} signs/s, ring, one core)",
        per.as_secs_f64() * 1e6,
        1.0 / per.as_secs_f64()
    );
    match std::process::Command::new("openssl")
        .args(["speed", "-seconds", "2", "rsa2048"])
        .output()
    {
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout);
            for line in text
                .lines()
                .filter(|l| l.contains("rsa") && l.contains("bits"))
            {
                println!(
                    "sign: openssl speed rsa2048: {}",
                    line.split_whitespace().collect::<Vec<_>>().join(" ")
                );
            }
        }
        Err(e) => println!("sign: openssl not available: {e}"),
    }
}

async fn sync(n: usize) {
    let certs = DevCertificates::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    certs.write_to(dir.path()).unwrap();
    let mut config = SandboxConfig::new(certs);
    config.data = DataConfig {
        profiles: 1,
        accounts_per_profile: 1,
        transactions_per_account: n,
        years: 3,
        ..DataConfig::default()
    };
    let generated = Instant::now();
    let sandbox = Sandbox::start(config).await.unwrap();
    println!(
        "sync: sandbox generated {n} transactions in {:?}",
        generated.elapsed()
    );
    let client = Client::new(
        Config::builder()
            .environment(Environment::Custom(sandbox.api_url().parse().unwrap()))
            .certificate_dir(dir.path())
            .extra_root_pem(sandbox.ca_cert_pem())
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap(),
    )
    .unwrap();
    let url = client
        .authorization_url(&AuthorizationRequest {
            scopes: vec![ing_psd2::SCOPE_TRANSACTIONS.into()],
            redirect_uri: "https://x.example/cb".into(),
            state: "s".into(),
            country_code: "NL".into(),
        })
        .await
        .unwrap();
    let redirect = url::Url::parse(
        &sandbox
            .grant_consent(url.as_str(), "profile-1")
            .await
            .unwrap(),
    )
    .unwrap();
    let code = AuthorizationCode::new(
        redirect
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned(),
    );
    let tokens = client.exchange_code(&code, None).await.unwrap();
    let account = sandbox.ground_truth().profiles[0].accounts[0]
        .resource_id
        .clone();
    let today = time::OffsetDateTime::now_utc().date();
    for limit in [100u32, 500] {
        let handshakes = sandbox.stats().tls_handshakes;
        let query = TransactionQuery {
            date_from: today - time::Duration::days(4 * 365),
            date_to: today,
            limit,
        };
        let started = Instant::now();
        let set = client
            .all_transactions(
                &tokens.access_token,
                &account,
                &query,
                RequestOptions::default(),
            )
            .await
            .unwrap();
        let took = started.elapsed();
        assert_eq!(set.booked.len() + set.pending.len(), n);
        println!(
            "sync: {n} transactions in {} pages of {limit}: {:.2} s ({:.0} transactions/s), {} new TLS handshakes",
            set.pages,
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64(),
            sandbox.stats().tls_handshakes - handshakes
        );
    }
    sandbox.shutdown().await;
}
