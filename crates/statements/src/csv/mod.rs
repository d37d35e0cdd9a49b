//! Bank CSV files: the banks' layouts and a generic column mapping.

pub(crate) mod amount;
pub(crate) mod layouts;
pub(crate) mod mapping;
pub(crate) mod read;
