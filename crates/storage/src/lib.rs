//! The database behind sync and reconciliation: sea-orm entities, migrations and repositories,
//! on SQLite (embedded default) and PostgreSQL (production).
//!
//! Callers use [`Database`]'s methods, never raw SQL: [`Database::connect`] (migrates),
//! connections and their lifecycle, OAuth states (single-use), accounts, balances,
//! [`Database::import_page`] (one page in one database transaction, idempotent), invoices,
//! matches (applied without over-allocation, suggested, confirmed, rejected, undone), sync runs
//! with the watermark, worker leases and the daily call budget, and secrets sealed with
//! AES-256-GCM (see [`Keyring`]).
//!
//! Money is stored as exact decimal text, never as a float (sea-orm would map `Decimal` to
//! `REAL` on SQLite and round large amounts). Bearer values (connection tokens, OAuth states)
//! are stored only as SHA-256 hashes.
#![deny(missing_docs)]

mod accounts;
mod balances;
mod connections;
mod crypto;
mod db;
mod digest;
pub mod entity;
mod error;
mod import_pg;
mod invoices;
mod matches;
mod migration;
mod oauth_states;
mod reasons;
mod reconciliation_pass;
mod secrets;
mod sync;
mod transactions;

pub use accounts::{AccountLink, AccountMerge, NewAccount, mask_iban};
pub use balances::NewBalance;
pub use connections::{ConnectionStatus, NewConnection};
pub use crypto::{DataKey, Keyring};
pub use db::{Database, DbOptions};
pub use digest::token_digest;
pub use error::Error;
pub use invoices::{InvoiceCounts, InvoiceKind, NewInvoice};
pub use matches::{MatchDecision, MatchMethod, NewAllocation, NewSuggestion};
pub use migration::Migrator;
pub use oauth_states::{ConsumedState, StateRejection};
pub use reasons::{MatchReasons, ReasonLine};
pub use reconciliation_pass::{PassCommit, PassDecision};
pub use sync::{RUNNING, SyncFinish, SyncOutcome, SyncTrigger};
pub use transactions::{
    BookingStatus, ImportCounts, NewTransaction, TransactionFilter, dedupe_keys, parse_amount,
};
