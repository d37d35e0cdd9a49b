//! ISO 20022 camt.053 and camt.052: reading (001.02 to 001.08) and writing (001.02 and 001.08).

pub(crate) mod dom;
pub(crate) mod read;
pub(crate) mod write;
