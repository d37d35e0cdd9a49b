//! The database behind sync and reconciliation: sea-orm entities, migrations and repositories,
//! on SQLite (embedded default) and PostgreSQL (production).
//!
//! Callers use [`Database`]'s methods, never raw SQL: [`Database::connect`] (migrates),
//! connections and their lifecycle, OAuth states (single-use), accounts, balances,
//! [`Database::import_page`] (one page in one database transaction, idempotent), invoices,
//! matches (applied without over-allocation, suggested, confirmed, rejected, undone), sync runs
//! with the watermark, worker leases and the daily call budget, and secrets sealed with
//! AES-256-GCM (see [`Keyring`]); users, API tokens and sessions (digests only), and the
//! append-only audit log ([`Database::append_audit`]; no update or delete exists).
//!
//! States and kinds are enums over the text columns they always were (see [`MatchStatus`] and its
//! siblings). Money is stored as exact decimal text, never as a float (sea-orm would map
//! `Decimal` to `REAL` on SQLite and round large amounts); [`Money`] reads and writes it, and a
//! stored amount that is not a decimal is [`Error::Corrupt`]. Bearer values (connection tokens,
//! OAuth states) are stored only as SHA-256 hashes.
#![deny(missing_docs)]

mod accounts;
mod api_tokens;
mod audit_log;
mod balances;
mod chunks;
mod connect;
mod connections;
mod crypto;
mod customers;
mod db;
mod digest;
pub mod entity;
mod error;
mod file_accounts;
mod iban;
mod import;
mod invoices;
mod matched_payments;
mod matches;
mod migration;
mod money;
mod oauth_states;
mod reasons;
mod reconciliation_pass;
mod secrets;
mod sessions;
mod state;
mod sync;
mod transactions;
mod users;
mod write_transaction;

pub use accounts::{AccountLink, NewAccount};
pub use api_tokens::NewApiToken;
pub use audit_log::{MAX_AUDIT_PAGE, NewAuditEntry};
pub use balances::NewBalance;
pub use connect::DbOptions;
pub use connections::NewConnection;
pub use crypto::{DataKey, Keyring};
pub use customers::{CustomerDetail, CustomerSummary, MAX_CUSTOMER_PAGE};
pub use db::Database;
pub use digest::token_digest;
pub use error::Error;
pub use file_accounts::FileAccountLink;
pub use iban::mask_iban;
pub use import::{ImportCounts, NewTransaction, dedupe_keys};
pub use invoices::{InvoiceCounts, MAX_INVOICE_PAGE, NewInvoice};
pub use matched_payments::MatchedPayment;
pub use matches::{MAX_SUGGESTION_PAGE, MatchDecision, NewAllocation, NewSuggestion};
pub use migration::{AccountMerge, Migrator};
pub use money::{Confidence, Money};
pub use oauth_states::{ConsumedState, StateRejection};
pub use reasons::{LearnedFrom, MatchReasons, ReasonLine};
pub use reconciliation_pass::{PassCommit, PassDecision};
pub use state::{
    AuditAction, BookingStatus, ConnectionStatus, InvoiceKind, InvoiceStatus, MatchMethod,
    MatchStatus, PayerOrigin, ReconciliationState, Role, SyncOutcome, SyncTrigger,
};
pub use sync::SyncFinish;
pub use transactions::TransactionFilter;
pub use users::NewUser;
