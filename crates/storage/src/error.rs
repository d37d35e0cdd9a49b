//! Storage errors.

/// What can go wrong storing or reading.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
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
    /// A value in the database is not what the schema promises.
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
