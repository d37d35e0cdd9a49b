//! Matching bank transactions to open invoices: pure, deterministic, and every decision explained.
#![deny(missing_docs)]
