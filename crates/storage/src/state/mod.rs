//! The closed sets of states and kinds the tables store, one enum per concept.
//!
//! Each is a sea-orm active enum over the text column it lives in: the database holds exactly the
//! words it held before they were typed (`suggested`, `credit_note`, `partially_paid`, …), so raw
//! SQL, reports and older rows read the same, and no data migration was needed. In Rust they are
//! compared as values, never as strings; [`as_str`](MatchStatus::as_str), `Display`, `FromStr`
//! and serde all use the stored word.

mod audit_action;
mod booking_status;
mod connection_status;
mod invoice_kind;
mod invoice_status;
mod match_method;
mod match_status;
mod payer_origin;
mod reconciliation_state;
mod role;
mod stored_enum;
mod sync_outcome;
mod sync_trigger;

pub use audit_action::AuditAction;
pub use booking_status::BookingStatus;
pub use connection_status::ConnectionStatus;
pub use invoice_kind::InvoiceKind;
pub use invoice_status::InvoiceStatus;
pub use match_method::MatchMethod;
pub use match_status::MatchStatus;
pub use payer_origin::PayerOrigin;
pub use reconciliation_state::ReconciliationState;
pub use role::Role;
pub use sync_outcome::SyncOutcome;
pub use sync_trigger::SyncTrigger;
