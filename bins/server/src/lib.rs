//! The PSD2 back office's HTTP server, as a library so that tests start it on an ephemeral port
//! exactly as the binary does. The logic it serves lives in `bank-sync`; this crate only wires
//! configuration, HTTP and shutdown.
#![deny(missing_docs)]

pub mod app;
pub mod auth;
pub mod banking;
pub mod banner;
pub mod config;
pub mod error;
pub mod error_shape;
pub mod health;
#[cfg(feature = "local-sandbox")]
pub mod local;
#[cfg(not(feature = "local-sandbox"))]
#[path = "local_absent.rs"]
pub mod local;
pub mod local_token;
pub mod metrics;
pub mod openapi;
pub mod root;
pub mod routes;
pub mod run;
pub mod serve;
pub mod state;
pub mod throttle;
