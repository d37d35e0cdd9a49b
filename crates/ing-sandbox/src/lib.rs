//! A local stand-in for ING's PSD2 API: it demands the client certificate, verifies digests and
//! signatures, runs the consent redirect and serves paginated account data — what the tests, the
//! examples and the offline demo run against, since no machine here reaches ING.
//!
//! It shares no code with the client (`ing-psd2`): its own signature verifier and its own response
//! types, so a misunderstanding of ING's protocol cannot hide by being made twice.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ing_sandbox::Error> {
//! use ing_sandbox::{DevCertificates, Sandbox, SandboxConfig};
//! let certs = DevCertificates::generate()?;
//! let sandbox = Sandbox::start(SandboxConfig::new(certs)).await?;
//! println!("ING at {}, consent at {}", sandbox.api_url(), sandbox.consent_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![allow(
    clippy::result_large_err,
    reason = "handlers return the refusal answer itself as the error; it is built once per refused request"
)]

mod account_index;
mod ais;
pub mod certs;
mod clock;
mod consent;
mod control;
pub mod data;
mod error;
mod evolve;
pub mod faults;
mod latency;
mod ledger;
mod oauth;
mod persist;
mod record;
pub mod respond;
mod server;
pub mod signature;
mod signed;
mod state;
mod tokens;
mod verify;

pub use certs::{DevCertificates, SecretPem};
pub use clock::ClockError;
pub use data::{DataConfig, GroundTruth, Status};
pub use error::Error;
pub use faults::{Fault, FaultConfig};
pub use latency::Latency;
pub use ledger::LedgerView;
pub use persist::STATE_FILE;
pub use server::{Sandbox, SandboxHandle};
pub use state::{SCOPE_BALANCES, SCOPE_TRANSACTIONS, SandboxConfig, SeenRequest, Stats};
