//! Writing statements: camt.053 (in `camt::write`), MT940 (in `mt940::write`), DATEV and a
//! plain CSV.

pub(crate) mod datev;
pub(crate) mod plain_csv;
pub(crate) mod xml;
