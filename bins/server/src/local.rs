//! `local` mode: the bundled ING sandbox started in this process, with development
//! certificates created on first start, so the server runs with nothing configured.

use std::net::{IpAddr, Ipv4Addr};

use bank_sync::settings::Settings;
use ing_sandbox::{DataConfig, DevCertificates, Sandbox, SandboxConfig, SandboxHandle};

/// The folder inside the data directory where the bundled sandbox keeps its state.
pub const SANDBOX_STATE_DIR: &str = "sandbox";

/// The sandbox this build can start in-process.
pub type LocalSandbox = SandboxHandle;

/// Starts the sandbox on the configured port, creating certificates in `cert_path` if none
/// exist there (never overwriting real ones).
pub async fn start_sandbox(settings: &Settings) -> anyhow::Result<SandboxHandle> {
    let dir = &settings.cert_path;
    let certs = if DevCertificates::exist_in(dir) {
        DevCertificates::load_from(dir)?
    } else {
        if dir.join("example_client_tls.cer").exists() {
            anyhow::bail!(
                "{} holds client certificates but not the local sandbox's CA and server \
                 certificate; point PSD2_CERT_PATH at another folder for local mode",
                dir.display()
            );
        }
        let certs = DevCertificates::generate()?;
        certs.write_to(dir)?;
        tracing::info!(dir = %dir.display(), "created development certificates for the local sandbox");
        certs
    };
    let mut config = SandboxConfig::new(certs);
    config.bind = IpAddr::V4(Ipv4Addr::LOCALHOST);
    config.api_port = settings.sandbox_port;
    config.consent_port = if settings.sandbox_port == 0 {
        0
    } else {
        settings.sandbox_port.saturating_add(1)
    };
    config.data = DataConfig::default();
    // Tokens the server stored must still be known after a restart (`docs/sandbox.md`).
    config.state_dir = Some(settings.data_dir.join(SANDBOX_STATE_DIR));
    Ok(Sandbox::start(config).await?)
}

/// Gives an empty database the sandbox's open invoices, so that a first local run shows
/// auto-reconciliation at work. A database that already holds invoices is left alone.
pub async fn seed_demo_invoices(
    sync: &bank_sync::BankSync,
    sandbox: &LocalSandbox,
) -> anyhow::Result<()> {
    let db = sync.db();
    if !db.invoices(None).await?.is_empty() {
        return Ok(());
    }
    let invoices: Vec<storage::NewInvoice> = sandbox
        .ground_truth()
        .invoices
        .iter()
        .map(|i| storage::NewInvoice {
            number: i.number.clone(),
            kind: storage::InvoiceKind::Invoice,
            customer_name: i.customer_name.clone(),
            customer_number: None,
            customer_ibans: vec![i.customer_iban.clone()],
            total: i.amount,
            currency: i.currency.clone(),
            issue_date: i.issue_date,
            due_date: Some(i.due_date),
            creditor_reference: Some(i.rf_reference.clone()),
        })
        .collect();
    let counts = sync.upsert_invoices(&invoices).await?;
    tracing::info!(
        created = counts.created,
        "local mode: loaded the sandbox's open invoices as demo data"
    );
    Ok(())
}
