//! The entry point: a configured matcher that reconciles one batch at a time.

use rust_decimal::Decimal;

use crate::amount::{SettleBounds, in_range};
use crate::assign::assign;
use crate::config::{Config, ConfigError};
use crate::explain::{Batch, outcome};
use crate::index::Index;
use crate::model::{Invoice, Transaction};
use crate::outcome::Outcome;
use crate::pattern::InvoicePattern;
use crate::score::Scorer;

/// A validated configuration, ready to reconcile batches. Cheap to keep and share: it holds no
/// data between calls, so two calls with the same input always give the same output.
#[derive(Debug, Clone)]
pub struct Matcher {
    cfg: Config,
    patterns: Vec<InvoicePattern>,
}

impl Matcher {
    /// Validates `config` and compiles its invoice-number patterns, so that a bad setting is
    /// reported at start-up and never in the middle of a sync.
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        config.validate()?;
        let patterns = config
            .invoice_patterns
            .iter()
            .map(|p| InvoicePattern::parse(p))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            cfg: config,
            patterns,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Decides, for every transaction, which open items it settles: one [`Outcome`] per
    /// transaction, in the order given. Across the batch no item is allocated more than its
    /// open amount, and permuting either input permutes nothing but the output's order.
    ///
    /// Transaction ids and invoice ids should be unique: they are the tie-breakers that make
    /// the result independent of the input order.
    pub fn reconcile(&self, transactions: &[Transaction], invoices: &[Invoice]) -> Vec<Outcome> {
        let threads = match self.cfg.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let index = Index::build(invoices, &self.cfg, threads);
        let scorer = Scorer {
            index: &index,
            cfg: &self.cfg,
            patterns: &self.patterns,
            amounts: &index.amounts,
            untouched: true,
            bounds: SettleBounds::new(&self.cfg),
        };
        let open: Vec<Decimal> = invoices
            .iter()
            .map(|i| {
                if in_range(i.open_amount) {
                    i.open_amount.max(Decimal::ZERO)
                } else {
                    Decimal::ZERO
                }
            })
            .collect();
        let threads = match self.cfg.threads {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let a = assign(&scorer, transactions, open, threads);
        let all: Vec<usize> = (0..transactions.len()).collect();
        crate::par::map(&all, threads, |&t| {
            outcome(
                &index,
                &self.cfg,
                transactions,
                t,
                &a.evals[t],
                Batch {
                    auto: a.auto[t],
                    lost: a.lost[t],
                },
            )
        })
    }
}
