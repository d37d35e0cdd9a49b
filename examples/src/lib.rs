//! Helpers shared by the runnable examples: start the local ING sandbox with fresh development
//! certificates, build a client that trusts it, and click "Allow" on its consent page.
//!
//! Against ING itself, replace [`local`] by `Config::from_env()` with real certificates.
#![deny(missing_docs)]

use anyhow::Context as _;
use ing_psd2::{
    AuthorizationCode, AuthorizationRequest, Client, Config, CustomerTokens, Environment,
    SCOPE_BALANCES, SCOPE_TRANSACTIONS,
};
use ing_sandbox::{DataConfig, DevCertificates, Sandbox, SandboxConfig, SandboxHandle};

/// A running local ING and a client for it.
#[derive(Debug)]
pub struct Local {
    /// The sandbox.
    pub sandbox: SandboxHandle,
    /// The client.
    pub client: Client,
    /// Holds the certificate files while the example runs.
    pub certificates: tempfile::TempDir,
}

/// Starts the local ING with `data` and a client that trusts it.
pub async fn local(data: DataConfig) -> anyhow::Result<Local> {
    let certs = DevCertificates::generate()?;
    let dir = tempfile::tempdir()?;
    certs.write_to(dir.path())?;
    let mut config = SandboxConfig::new(certs);
    config.data = data;
    let sandbox = Sandbox::start(config).await?;
    let client = Client::new(
        Config::builder()
            .environment(Environment::Custom(sandbox.api_url().parse()?))
            .certificate_dir(dir.path())
            .extra_root_pem(sandbox.ca_cert_pem())
            .build()?,
    )?;
    Ok(Local {
        sandbox,
        client,
        certificates: dir,
    })
}

/// The redirect URI the examples use.
pub const REDIRECT_URI: &str = "http://127.0.0.1:8000/banking/callback";

/// The consent flow: authorization URL, the person's "Allow" (done here by the sandbox's consent
/// page over HTTP), the redirect's `state` checked, the code exchanged.
pub async fn consent(local: &Local, profile: &str) -> anyhow::Result<CustomerTokens> {
    let state = format!("example-{}", std::process::id());
    let url = local
        .client
        .authorization_url(&AuthorizationRequest {
            scopes: vec![SCOPE_BALANCES.into(), SCOPE_TRANSACTIONS.into()],
            redirect_uri: REDIRECT_URI.into(),
            state: state.clone(),
            country_code: "NL".into(),
        })
        .await?;
    let redirect = url::Url::parse(&local.sandbox.grant_consent(url.as_str(), profile).await?)?;
    let param = |k: &str| {
        redirect
            .query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
    };
    anyhow::ensure!(
        param("state").as_deref() == Some(state.as_str()),
        "state changed on the way: refuse the callback"
    );
    let code = AuthorizationCode::new(param("code").context("no code in the redirect")?);
    Ok(local
        .client
        .exchange_code(&code, Some(REDIRECT_URI))
        .await?)
}
