//! The use cases the server and the worker share: consent, account sync, transaction sync with
//! reconciliation, and token refresh. One place, so the two binaries cannot drift apart.
#![deny(missing_docs)]

pub mod settings;
