//! Checks the four certificate files before anything talks to ING: both certificates parse and
//! are in their validity period, each key belongs to its certificate, and prints the `keyId` the
//! token call will use and when the certificates expire (ING rotates its sandbox certificates).
//!
//! ```sh
//! cargo run -p psd2-examples --example check_certificates -- certificates/psd2
//! ```
//!
//! Without an argument it checks `certificates/psd2`, and if that folder holds no certificates
//! it makes a development set in a temporary folder to show what a good check looks like.
#![allow(clippy::print_stdout, reason = "an example reports on the terminal")]

use std::path::PathBuf;

use anyhow::Context as _;
use ing_psd2::{CertificatePaths, Credentials};

fn main() -> anyhow::Result<()> {
    let arg = std::env::args().nth(1).map(PathBuf::from);
    let mut _temp = None;
    let dir = match arg {
        Some(d) => d,
        None if PathBuf::from("certificates/psd2/example_client_signing.cer").exists() => {
            PathBuf::from("certificates/psd2")
        }
        None => {
            let t = tempfile::tempdir()?;
            ing_sandbox::DevCertificates::generate()?.write_to(t.path())?;
            println!(
                "certificates/psd2 holds no certificates; checking a fresh development set in {}",
                t.path().display()
            );
            let d = t.path().to_path_buf();
            _temp = Some(t);
            d
        }
    };
    let paths = CertificatePaths::in_dir(&dir);
    for p in [
        &paths.qwac_cert,
        &paths.qwac_key,
        &paths.qsealc_cert,
        &paths.qsealc_key,
    ] {
        println!("  {}", p.display());
    }
    let creds = Credentials::load(&paths).with_context(|| format!("checking {}", dir.display()))?;
    let signing = creds.signing();
    println!("ok: both certificates are valid and each key belongs to its certificate");
    println!("keyId of the token call: {}", signing.key_id());
    println!("QSealC expires: {}", signing.not_after().date());
    println!(
        "first expiry (QWAC or QSealC): {}",
        creds.expires_at().date()
    );
    let days = (creds.expires_at() - time::OffsetDateTime::now_utc()).whole_days();
    if days < 30 {
        println!("WARNING: a certificate expires in {days} days: renew it");
    }
    Ok(())
}
