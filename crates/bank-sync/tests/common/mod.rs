//! What the integration tests of `bank-sync` share: a world with the bundled ING sandbox
//! ([`sandboxed`]) and one without a bank ([`offline`]), each on a real SQLite file and, when
//! `DATABASE_URL` names a PostgreSQL server, on a fresh database there too.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod offline;
pub mod sandboxed;
