//! A client for ING's PSD2 Account Information API.
//!
//! mTLS with the QWAC, request signing with the QSealC (`Digest` + draft-cavage `Signature`),
//! OAuth2 (application token, authorization URL, code exchange, refresh) and the AIS calls with
//! pagination, retries and typed errors.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ing_psd2::Error> {
//! use ing_psd2::{AuthorizationRequest, Client, Config, Environment, SCOPE_BALANCES, SCOPE_TRANSACTIONS};
//! let client = Client::new(Config::builder().environment(Environment::Sandbox).certificate_dir("certificates/psd2").build()?)?;
//! let url = client.authorization_url(&AuthorizationRequest {
//!     scopes: vec![SCOPE_BALANCES.into(), SCOPE_TRANSACTIONS.into()],
//!     redirect_uri: "https://example.com/callback".into(),
//!     state: "random-state".into(),
//!     country_code: "NL".into(),
//! }).await?;
//! println!("send the customer to {url}");
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

mod ais;
mod app_token;
mod client;
mod config;
mod counter;
mod credentials;
mod error;
mod key_id;
pub mod mask;
mod oauth;
mod retry;
mod secret;
pub mod signing;
mod transport;

pub use ais::{RequestOptions, TransactionQuery, TransactionSet};
pub use client::Client;
pub use config::{Config, ConfigBuilder, DEFAULT_USER_AGENT, Environment};
pub use counter::RequestCounter;
pub use credentials::{CertificatePaths, Credentials, SigningIdentity, files};
pub use error::Error;
pub use key_id::KeyIdFormat;
pub use oauth::{AuthorizationRequest, CustomerTokens, SCOPE_BALANCES, SCOPE_TRANSACTIONS};
pub use retry::RetryPolicy;
pub use secret::{AccessToken, AuthorizationCode, RefreshToken};

pub use ais_model;
