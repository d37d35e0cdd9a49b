//! sea-orm entities, one per table.

pub mod account;
pub mod account_sync;
pub mod allocation;
pub mod api_token;
pub mod audit_entry;
pub mod balance;
pub mod connection;
pub mod customer;
pub mod customer_payer;
pub mod ing_call;
pub mod invoice;
pub mod oauth_state;
pub mod secret;
pub mod session;
pub mod sync_run;
pub mod transaction;
pub mod user;
