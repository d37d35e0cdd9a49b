//! The Berlin Group NextGenPSD2 Account Information data model, in the shapes ING serves it.
//!
//! Money is [`rust_decimal::Decimal`], read from strings or numbers and never held as a float.
//! Decoding tolerates what real ING traffic does (unknown fields, `{}` placeholders, amounts as
//! numbers or signed strings, missing optional fields) and names the field when something is
//! truly malformed:
//!
//! ```
//! let err = ais_model::decode::<ais_model::TransactionReport>(
//!     "transactions",
//!     br#"{"transactions":{"booked":[{"transactionAmount":{"currency":"EUR","amount":"1,5"}}]}}"#,
//! ).unwrap_err();
//! assert!(err.to_string().contains("transactions.booked[0].transactionAmount.amount"));
//! ```
#![deny(missing_docs)]

mod account;
mod amount;
mod balance;
pub mod date;
mod error;
mod links;
mod transaction;

pub use account::{Account, AccountList, AccountReference};
pub use amount::{
    Amount, PartialAmount, decimal_from_any, decimal_to_string, parse_decimal, string_from_any,
};
pub use balance::{Balance, BalanceReport, BalanceType};
pub use error::{ModelError, TppMessage, TppMessages, decode};
pub use links::{Href, Links};
pub use transaction::{
    Counterparty, StructuredRemittance, Transaction, TransactionLists, TransactionReport,
};

pub use iban;
pub use rust_decimal::Decimal;
