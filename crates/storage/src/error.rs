//! Storage errors.

/// What can go wrong storing or reading.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(sea_orm::DbErr),
    /// The data key is malformed.
    #[error("data key: {0}")]
    DataKey(String),
    /// A secret could not be decrypted: it was sealed with another key, or altered.
    #[error("cannot decrypt the stored {kind} of {owner}: {reason}")]
    Decrypt {
        /// Whose.
        owner: String,
        /// Which.
        kind: String,
        /// Why (never the value).
        reason: String,
    },
    /// A value in the database is not what the schema promises (an amount that is not an exact
    /// decimal names its column and row).
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The row asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// The change conflicts with the stored state (over-allocation, already matched, …).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The caller asked for something that cannot be.
    #[error("{0}")]
    Invalid(String),
}

/// A database error, except that a stored decimal that could not be read (see `money.rs`) is
/// [`Error::Corrupt`].
impl From<sea_orm::DbErr> for Error {
    fn from(e: sea_orm::DbErr) -> Self {
        if let sea_orm::DbErr::TryIntoErr { source, .. } = &e
            && let Some(corrupt) = source.downcast_ref::<CorruptDecimal>()
        {
            return Self::Corrupt(corrupt.to_string());
        }
        Self::Database(e)
    }
}

/// A stored text that is not the exact text of a decimal (see `money.rs`). It travels inside
/// sea-orm's error, which is all a value type can return, and becomes [`Error::Corrupt`] where
/// this crate hands the error out.
#[derive(Debug, thiserror::Error)]
#[error("column {column} of {row}: stored {text:?} is not an exact decimal")]
pub(crate) struct CorruptDecimal {
    /// The column (as the query named it).
    pub(crate) column: String,
    /// `row <id>`, or that the query read no id.
    pub(crate) row: String,
    /// What is stored.
    pub(crate) text: String,
}
