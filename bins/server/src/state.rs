//! What every domain handler shares.

use std::sync::Arc;

use bank_sync::BankSync;

use crate::metrics::Metrics;

/// Handler state: the use cases and the metrics.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Consent, sync, reconciliation.
    pub sync: BankSync,
    /// Counters.
    pub metrics: Arc<Metrics>,
}
