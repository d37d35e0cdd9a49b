//! What a use case can end in, in terms a caller can act on (and an HTTP layer can map to a
//! status once). No variant carries a token, code or key.

use std::time::Duration;

use storage::StateRejection;

/// A use case's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The request is wrong; the message says what to fix.
    #[error("{0}")]
    BadRequest(String),
    /// The consent callback's `state` was refused; no code was exchanged.
    #[error("state refused: {0}")]
    State(#[from] StateRejection),
    /// The connection token is unknown.
    #[error("unknown connection token: start a new consent")]
    UnknownConnection,
    /// ING refused the authorization code (single-use and short-lived): start the consent again.
    #[error("{0}")]
    CodeRefused(String),
    /// The named thing does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The principal's role does not allow this; the message names the role it needs.
    #[error("{0}")]
    Forbidden(String),
    /// The consent behind the connection expired or was revoked: reconnect.
    #[error("{0}")]
    ConsentExpired(String),
    /// ING's limit is reached (429 or "access exceeded"); nothing was lost.
    #[error("ING's request limit is reached ({message}); try again later")]
    RateLimited {
        /// ING's words.
        message: String,
        /// When to try again, when known.
        retry_after: Option<Duration>,
    },
    /// The daily budget of unattended calls for the account is used up.
    #[error("the daily budget of {budget} unattended ING calls for this account is used up")]
    BudgetExhausted {
        /// The budget.
        budget: u32,
    },
    /// ING refused or failed the call.
    #[error("ING: {0}")]
    Bank(String),
    /// The request conflicts with the stored state.
    #[error("{0}")]
    Conflict(String),
    /// A sync of the account is already running (another person, or the worker).
    #[error("{0}")]
    Busy(String),
    /// A person asked for a sync sooner than the per-account minimum interval allows.
    #[error("this account was synced moments ago; try again in {} s", retry_after.as_secs())]
    TooSoon {
        /// When the next sync may run.
        retry_after: Duration,
    },
    /// A fault of this process, not of the request or the bank (a poisoned lock); retrying
    /// later may help, the logs say more.
    #[error("internal error: {0}")]
    Internal(String),
    /// Shutdown was asked for; the page in flight was finished, nothing more fetched.
    #[error("stopped by shutdown before the sync was complete")]
    Stopped,
    /// A statement file that cannot be read: the `statements` crate's error names the line or
    /// element. Nothing of the file was stored.
    #[error("the statement file: {0}")]
    StatementFile(statements::Error),
    /// The database failed.
    #[error("storage: {0}")]
    Storage(storage::Error),
}

impl From<storage::Error> for SyncError {
    fn from(e: storage::Error) -> Self {
        match e {
            storage::Error::NotFound(what) => SyncError::NotFound(what),
            storage::Error::Conflict(what) => SyncError::Conflict(what),
            storage::Error::Invalid(what) => SyncError::BadRequest(what),
            other => SyncError::Storage(other),
        }
    }
}

impl From<ing_psd2::Error> for SyncError {
    fn from(e: ing_psd2::Error) -> Self {
        use ing_psd2::Error as E;
        match e {
            E::RateLimited {
                retry_after,
                message,
            } => SyncError::RateLimited {
                message,
                retry_after,
            },
            E::ConsentExpired(m) => SyncError::ConsentExpired(format!(
                "the consent expired or was revoked ({m}); reconnect the bank"
            )),
            E::InvalidGrant(m) => SyncError::CodeRefused(format!(
                "ING refused the authorization code ({m}): it is single-use and short-lived, \
                 start the consent again"
            )),
            E::NotFound(m) => SyncError::NotFound(format!("ING does not know it: {m}")),
            // ING answered, but against its own protocol: a fault on the bank's side, like a
            // failed call (502 at the API); the message says what ING sent wrong.
            e @ E::Protocol { .. } => SyncError::Bank(e.to_string()),
            other => SyncError::Bank(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_protocol_violation_of_ing_is_a_bank_fault_that_says_what_ing_sent() {
        let err = SyncError::from(ing_psd2::Error::Protocol {
            answer: "transaction page",
            problem: "its `_links.next.href` /v3/x?next=… is not a link".into(),
        });
        assert!(matches!(&err, SyncError::Bank(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.starts_with("ING: "), "{text}");
        assert!(text.contains("transaction page"), "{text}");
        assert!(text.contains("_links.next.href"), "{text}");
    }
}
