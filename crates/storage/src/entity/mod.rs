//! sea-orm entities, one per table.

pub mod account;
pub mod account_sync;
pub mod allocation;
pub mod balance;
pub mod connection;
pub mod customer;
pub mod customer_payer;
pub mod ing_call;
pub mod invoice;
pub mod oauth_state;
pub mod secret;
pub mod sync_run;
pub mod transaction;
