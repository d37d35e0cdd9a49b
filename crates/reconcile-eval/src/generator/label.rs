//! The truth about one generated transaction.

use serde::Serialize;

use super::scenario::Scenario;

/// The truth about one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The transaction.
    pub transaction_id: String,
    /// Ids of the items it settles (empty: none).
    pub expected: Vec<String>,
    /// What it exercises.
    pub scenario: Scenario,
}
