//! Matching bank transactions to open invoices: pure, deterministic, and every decision explained.
//!
//! The service hands a batch of [`Transaction`]s and the open [`Invoice`]s (sales invoices and
//! credit notes) to [`Matcher::reconcile`] and gets one [`Outcome`] per transaction:
//! [`Decision::Auto`] (book these allocations), [`Decision::Suggest`] (show these candidates
//! to a person, best first) or [`Decision::NoMatch`]. Every candidate carries its
//! [`ScoredReason`]s.
//!
//! How it decides, in one paragraph: the open items are indexed by normalised invoice number,
//! RF reference, end-to-end id, customer IBAN, customer-name words and amount; each transaction
//! looks its remittance tokens, IBAN, name and amount up and scores only what it finds
//! (`score`); a batch-wide pass (`assign`) commits automatic matches in an order fixed by
//! stable keys, so that no item is over-allocated and the input order does not matter. The hard
//! cases it is built for, and their public sources, are in `docs/reconciliation.md`; how it
//! scores and why, in `docs/reconcile.md`.
//!
//! The crate holds the matcher alone. Its test bench (labelled synthetic batches, the original
//! system's rules beside it, precision, recall and top-3 accuracy, the benchmark) is the
//! workspace crate `reconcile-eval`, so that none of it is compiled into the service.
#![deny(missing_docs)]

mod amount;
mod assign;
mod config;
mod explain;
mod fasthash;
mod index;
mod matcher;
mod model;
mod name;
mod normalize;
mod outcome;
mod par;
mod pattern;
mod reason;
pub mod rf;
mod score;
mod shapes;
mod subset;

pub use config::{Config, ConfigError};
pub use matcher::Matcher;
pub use model::{Invoice, InvoiceKind, Transaction};
pub use outcome::{Allocation, Candidate, Decision, HeldBack, NoMatchReason, Outcome};
pub use pattern::InvoicePattern;
pub use reason::{NumberMatch, Reason, ScoredReason, TextField};
