//! Starting the local ING and a client that trusts it, as every integration test needs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use ing_psd2::{
    AuthorizationCode, AuthorizationRequest, Client, Config, CustomerTokens, Environment,
    RetryPolicy, SCOPE_BALANCES, SCOPE_TRANSACTIONS,
};
use ing_sandbox::{DataConfig, DevCertificates, Sandbox, SandboxConfig, SandboxHandle};

pub struct Env {
    pub sandbox: SandboxHandle,
    pub client: Client,
    pub certs: DevCertificates,
    pub dir: tempfile::TempDir,
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 10,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        max_total_delay: Duration::from_secs(20),
    }
}

pub async fn start(tweak: impl FnOnce(&mut SandboxConfig)) -> Env {
    let certs = DevCertificates::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    certs.write_to(dir.path()).unwrap();
    let mut config = SandboxConfig::new(certs.clone());
    config.data = DataConfig {
        profiles: 2,
        accounts_per_profile: 2,
        transactions_per_account: 120,
        ..DataConfig::default()
    };
    tweak(&mut config);
    let sandbox = Sandbox::start(config).await.unwrap();
    let client = client_for(&sandbox, dir.path());
    Env {
        sandbox,
        client,
        certs,
        dir,
    }
}

pub fn client_for(sandbox: &SandboxHandle, dir: &std::path::Path) -> Client {
    let config = Config::builder()
        .environment(Environment::Custom(sandbox.api_url().parse().unwrap()))
        .certificate_dir(dir)
        .extra_root_pem(sandbox.ca_cert_pem())
        .retry(fast_retries())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

pub const REDIRECT: &str = "https://backoffice.example/banking/callback";

/// Consent through the sandbox's consent page, then the code exchange.
pub async fn consent(env: &Env, profile: &str) -> CustomerTokens {
    let url = env
        .client
        .authorization_url(&AuthorizationRequest {
            scopes: vec![SCOPE_BALANCES.into(), SCOPE_TRANSACTIONS.into()],
            redirect_uri: REDIRECT.into(),
            state: "state-123".into(),
            country_code: "NL".into(),
        })
        .await
        .unwrap();
    let redirect = env
        .sandbox
        .grant_consent(url.as_str(), profile)
        .await
        .unwrap();
    let redirect = url::Url::parse(&redirect).unwrap();
    let param = |k: &str| {
        redirect
            .query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some("state-123"));
    let code = AuthorizationCode::new(param("code").unwrap());
    env.client
        .exchange_code(&code, Some(REDIRECT))
        .await
        .unwrap()
}
