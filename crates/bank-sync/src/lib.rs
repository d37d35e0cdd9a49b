//! The use cases the server and the worker share: consent, account sync, transaction sync with
//! reconciliation, and token refresh. One place, so the two binaries cannot drift apart.
#![deny(missing_docs)]

mod accounts;
mod api_tokens;
mod audit;
pub mod clock;
mod consent;
mod datev;
mod datev_settings;
mod decisions;
mod error;
mod ing_tokens;
mod passwords;
mod payers;
mod principal;
mod reconciliation;
mod revoke;
mod service;
mod session_timeouts;
mod sessions;
pub mod settings;
mod setup;
pub mod shutdown;
mod statement_files;
mod token;
mod transactions;
mod users;
mod worker;

pub use accounts::{AccountSelector, SyncedAccount};
pub use api_tokens::{API_TOKEN_PREFIX, CreatedToken};
pub use consent::{ConsentGrant, ConsentStart};
pub use datev_settings::{DatevChart, DatevConfig};
pub use decisions::HandAllocation;
pub use error::SyncError;
pub use ing_psd2::mask::mask_iban;
pub use passwords::MIN_PASSWORD_CHARS;
pub use principal::Principal;
pub use reconciliation::{ReconcileSummary, ReconcileTimings};
pub use revoke::RevokedAtBank;
pub use service::{BankSync, Policy};
pub use session_timeouts::SessionTimeouts;
pub use sessions::{LiveSession, NewSession};
pub use setup::{LOCAL_DATA_KEY_FILE, SetupError, create_private_dir, write_private};
pub use statement_files::{ExportFormat, StatementImport};
pub use statements::{Error as StatementError, Format as StatementFormat};
pub use token::random_token;
pub use transactions::{SyncReport, TransactionSync, to_new_transaction};
pub use users::{UserRequest, create_user_in};
pub use worker::{AccountReport, AccountResult, PassOptions, PassReconciliation, PassReport};
