//! The state of one generation run, and what every case does with it: draw, record a
//! transaction with its label, pay an invoice the usual way, add a decoy.

use std::collections::HashSet;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reconcile::{Config, Invoice, InvoiceKind, Transaction};
use rust_decimal::Decimal;
use time::{Date, Month};

use super::customer::Customer;
use super::label::Label;
use super::scenario::Scenario;

/// The batch being generated: the random source, the customers, open items, transactions and
/// labels so far, and the state of the three numbering schemes.
pub(super) struct BatchBuilder {
    pub(super) rng: ChaCha8Rng,
    pub(super) today: Date,
    pub(super) cfg: Config,
    pub(super) customers: Vec<Customer>,
    pub(super) invoices: Vec<Invoice>,
    /// Customer of each invoice (index into `customers`).
    pub(super) customer_of_item: Vec<usize>,
    pub(super) txs: Vec<Transaction>,
    pub(super) labels: Vec<Label>,
    /// Year and last number of the `RE-yyyy-nnnn` invoices.
    pub(super) re: (i32, u32),
    /// Year and last number of the `GS-yyyy-nnnn` credit notes.
    pub(super) gs: (i32, u32),
    /// Last number of the `INV-nnnnnnn` web-shop invoices.
    pub(super) inv_seq: u32,
    /// Every open amount issued, for decoys of equal amount.
    pub(super) used_amounts: Vec<Decimal>,
    /// The transactions (by index) whose texts state no purpose: no reference of any kind.
    /// Which of several equal items they settle is the law's (`settle_unstated_by_law`).
    pub(super) unstated: HashSet<usize>,
}

impl std::fmt::Debug for BatchBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchBuilder")
            .field("txs", &self.txs.len())
            .finish()
    }
}

/// One element of `s`, uniformly.
pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, s: &'a [T]) -> &'a T {
    &s[rng.random_range(0..s.len())]
}

/// An amount given in cents.
pub(super) fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

impl BatchBuilder {
    pub(super) fn new(seed: u64) -> Self {
        BatchBuilder {
            rng: ChaCha8Rng::seed_from_u64(seed),
            today: Date::from_calendar_date(2024, Month::June, 28).unwrap_or(Date::MIN),
            cfg: Config::default(),
            customers: Vec::new(),
            invoices: Vec::new(),
            customer_of_item: Vec::new(),
            txs: Vec::new(),
            labels: Vec::new(),
            re: (2024, 0),
            gs: (2024, 0),
            inv_seq: 12_000,
            used_amounts: Vec::new(),
            unstated: HashSet::new(),
        }
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        amount: Decimal,
        date: Date,
        name: Option<String>,
        iban: Option<String>,
        text: String,
        structured: Option<String>,
        e2e: Option<String>,
        expected: Vec<usize>,
        scenario: Scenario,
    ) -> usize {
        let id = format!("T{:07}", self.txs.len() + 1);
        let value_date = if self.chance(0.5) { Some(date) } else { None };
        self.txs.push(Transaction {
            id: id.clone(),
            amount,
            currency: "EUR".to_string(),
            booking_date: date,
            value_date,
            counterparty_name: name,
            counterparty_iban: iban,
            remittance_unstructured: (!text.is_empty()).then_some(text),
            remittance_structured: structured,
            end_to_end_id: e2e,
        });
        let mut expected: Vec<String> = expected
            .into_iter()
            .map(|i| self.invoices[i].id.clone())
            .collect();
        expected.sort();
        self.labels.push(Label {
            transaction_id: id,
            expected,
            scenario,
        });
        self.txs.len() - 1
    }

    /// A standard incoming payment of invoice `i` with the given reference text style.
    pub(super) fn pay_with_ref(
        &mut self,
        i: usize,
        shown: String,
        known_iban: bool,
        paid: Decimal,
        s: Scenario,
    ) {
        let c = self.customer_of(i);
        let (text, e2e) = self.ref_text(c, &[shown], i);
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, known_iban);
        let date = self.pay_date(i);
        self.push(paid, date, Some(name), iban, text, None, e2e, vec![i], s);
    }

    pub(super) fn customer_of(&self, i: usize) -> usize {
        self.customer_of_item[i]
    }

    /// One more open item that no transaction of the batch pays: another item of an existing
    /// customer, or an item whose amount equals one already used (the decoy that an
    /// amount-only matcher falls for).
    pub(super) fn decoy(&mut self) {
        let roll = self.rng.random_range(0..10);
        let c = if roll < 5 && !self.customers.is_empty() {
            self.rng.random_range(0..self.customers.len())
        } else {
            self.new_customer()
        };
        let amount = if roll >= 7 && !self.used_amounts.is_empty() {
            let k = self.rng.random_range(0..self.used_amounts.len());
            self.used_amounts[k]
        } else {
            self.amount()
        };
        let issue = self.issue_date();
        let kind = if self.chance(0.05) {
            InvoiceKind::CreditNote
        } else {
            InvoiceKind::Invoice
        };
        self.new_item(c, kind, amount, issue);
    }
}
