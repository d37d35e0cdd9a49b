//! The seeded generator of labelled batches.
//!
//! It plays a German/Dutch business with three numbering schemes (`RE-2024-0815` invoices,
//! `INV-0012345` web-shop invoices, `GS-2024-0012` credit notes), customers that are companies
//! and people with one or two known IBANs, and a bank that prints their payments with the noise
//! seen in practice (docs/reconciliation.md): mangled and mistyped references, references only in
//! the end-to-end id or as RF, no reference at all, payer names that differ from the customer's,
//! payment services paying on behalf of shops, fees, cash discounts, several invoices in one
//! transfer, instalments, overpayments, refunds of credit notes, netting, duplicates, foreign
//! currency, payments unrelated to any invoice, and decoy open items with equal amounts.
//!
//! The same seed gives the same batch on every machine (ChaCha8).
//!
//! The files: `scenario` and `label` (what a transaction exercises, and the truth about it),
//! `batch_builder` (the state of a run), `customer`, `parties`, `items` and `texts` (the
//! customers, payers, open items and remittance texts), `vocabulary` (the words and amounts drawn
//! from), and `cases` (the transactions of each scenario, by family).

mod batch_builder;
mod cases;
mod customer;
mod items;
mod label;
mod parties;
mod scenario;
mod texts;
mod vocabulary;

use rand::RngExt;
use rand::seq::SliceRandom;
use reconcile::{Invoice, Transaction};

use batch_builder::BatchBuilder;
pub use label::Label;
pub use scenario::Scenario;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenConfig {
    /// Seed of the random generator.
    pub seed: u64,
    /// Number of transactions.
    pub transactions: usize,
    /// Total open items to reach by adding decoys (other open items of the same customers,
    /// equal amounts of other customers). `None`: 1.5 per transaction.
    pub open_invoices: Option<usize>,
}

impl GenConfig {
    /// The standard mix at `transactions` size.
    pub fn standard(seed: u64, transactions: usize) -> Self {
        Self {
            seed,
            transactions,
            open_invoices: None,
        }
    }
}

/// A generated batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Transactions (shuffled).
    pub transactions: Vec<Transaction>,
    /// Open items (shuffled).
    pub invoices: Vec<Invoice>,
    /// One label per transaction.
    pub labels: Vec<Label>,
}

/// Generates a batch.
pub fn generate(cfg: &GenConfig) -> Dataset {
    let mut g = BatchBuilder::new(cfg.seed);
    let total: u32 = Scenario::ALL.iter().map(|s| s.weight()).sum();
    while g.txs.len() < cfg.transactions {
        let mut roll = g.rng.random_range(0..total.max(1));
        let mut pick = Scenario::Clean;
        for s in Scenario::ALL {
            if roll < s.weight() {
                pick = s;
                break;
            }
            roll -= s.weight();
        }
        g.scenario(pick);
    }
    // Scenarios may add two transactions; cut back to the exact count.
    while g.txs.len() > cfg.transactions {
        g.txs.pop();
        g.labels.pop();
    }
    let target = cfg
        .open_invoices
        .unwrap_or(cfg.transactions + cfg.transactions / 2);
    while g.invoices.len() < target {
        g.decoy();
    }
    g.settle_unstated_by_law();
    let mut order: Vec<usize> = (0..g.txs.len()).collect();
    order.shuffle(&mut g.rng);
    let transactions = order.iter().map(|&i| g.txs[i].clone()).collect();
    let labels = order.iter().map(|&i| g.labels[i].clone()).collect();
    let mut invoices = g.invoices;
    invoices.shuffle(&mut g.rng);
    Dataset {
        transactions,
        invoices,
        labels,
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn same_seed_same_batch_other_seed_other_batch() {
        let a = generate(&GenConfig::standard(7, 300));
        let b = generate(&GenConfig::standard(7, 300));
        let c = generate(&GenConfig::standard(8, 300));
        assert_eq!(a, b);
        assert_ne!(a.transactions, c.transactions);
        assert_eq!(a.transactions.len(), 300);
        assert_eq!(a.labels.len(), 300);
        assert!(a.invoices.len() >= 450);
    }

    #[test]
    fn invoice_numbers_are_unique_past_9999() {
        // At 10,000 transactions the `RE` series runs past 9999; a paid invoice paid again
        // once capped the counter at 9999, so `RE-2024-10000…` were issued again and again and
        // one number named a dozen open items of other customers.
        let d = generate(&GenConfig::standard(7, 10_000));
        let mut seen = std::collections::HashSet::new();
        for i in &d.invoices {
            assert!(seen.insert(i.number.as_str()), "{} issued twice", i.number);
        }
        assert!(
            d.invoices
                .iter()
                .any(|i| i.number.starts_with("RE-") && i.number.len() == "RE-2024-10000".len())
        );
    }

    #[test]
    fn labels_name_existing_open_items() {
        let d = generate(&GenConfig::standard(3, 500));
        let ids: std::collections::HashSet<&str> =
            d.invoices.iter().map(|i| i.id.as_str()).collect();
        for l in &d.labels {
            for e in &l.expected {
                assert!(ids.contains(e.as_str()), "{e} of {l:?}");
            }
        }
        assert!(d.invoices.iter().all(|i| i.open_amount > Decimal::ZERO));
    }
}
