//! `local` mode in a build without the bundled sandbox (`--no-default-features`, the production
//! build): there is no in-process ING, so `local` mode needs `PSD2_API_BASE_URL` pointing at a
//! sandbox started on its own (`ing-sandbox serve`). The production binary then links none of
//! the sandbox's RSA, certificate generation or TLS server.

use bank_sync::settings::Settings;

/// No sandbox can exist in this build: the type has no values, so code holding an
/// `Option<LocalSandbox>` always holds `None`.
#[derive(Debug)]
pub enum LocalSandbox {}

impl LocalSandbox {
    /// Never called: there is no value to call it on.
    pub fn api_url(&self) -> String {
        match *self {}
    }

    /// Never called: there is no value to call it on.
    pub fn consent_url(&self) -> String {
        match *self {}
    }

    /// Never called: there is no value to call it on.
    pub async fn shutdown(self) {
        match self {}
    }
}

/// Refuses: this build has no bundled sandbox.
pub async fn start_sandbox(_settings: &Settings) -> anyhow::Result<LocalSandbox> {
    anyhow::bail!(
        "this psd2-server was built without the bundled sandbox (feature `local-sandbox`): \
         set PSD2_API_BASE_URL to a running `ing-sandbox serve`, or choose PSD2_ENVIRONMENT \
         sandbox or production"
    )
}

/// Never called: there is no sandbox to take invoices from.
pub async fn seed_demo_invoices(
    _sync: &bank_sync::BankSync,
    sandbox: &LocalSandbox,
) -> anyhow::Result<()> {
    match *sandbox {}
}
