//! Open items: amounts, numbers in the three schemes, issue and due dates, and when a payment
//! of an item comes.

use rand::RngExt;
use reconcile::rf::make_rf;
use reconcile::{Invoice, InvoiceKind};
use rust_decimal::Decimal;
use time::{Date, Duration};

use super::batch_builder::{BatchBuilder, money, pick};
use super::vocabulary::PRICE_LIST;

impl BatchBuilder {
    pub(super) fn amount(&mut self) -> Decimal {
        if self.chance(0.3) {
            money(*pick(&mut self.rng, PRICE_LIST))
        } else if self.chance(0.3) {
            money(self.rng.random_range(30i64..3000) * 100)
        } else {
            // log-uniform 20 .. 20,000
            let x: f64 = self.rng.random_range(0.0..3.0);
            let v = 20.0 * 10f64.powf(x);
            money((v * 100.0).round() as i64)
        }
    }

    pub(super) fn number(&mut self, kind: InvoiceKind) -> String {
        match kind {
            InvoiceKind::CreditNote => {
                // Numbers run on past 9999 within the year (`GS-2024-10000`), as a growing
                // business's do: four and five digits side by side, dense.
                self.gs.1 += 1;
                format!("GS-{}-{:04}", self.gs.0, self.gs.1)
            }
            InvoiceKind::Invoice => {
                if self.chance(0.8) {
                    self.re.1 += 1;
                    format!("RE-{}-{:04}", self.re.0, self.re.1)
                } else {
                    self.inv_seq += 1;
                    format!("INV-{:07}", self.inv_seq)
                }
            }
        }
    }

    pub(super) fn new_item(
        &mut self,
        c: usize,
        kind: InvoiceKind,
        amount: Decimal,
        issue: Date,
    ) -> usize {
        let number = self.number(kind);
        let rf = if kind == InvoiceKind::Invoice && self.chance(0.25) {
            let body: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
            make_rf(&body)
        } else {
            None
        };
        let term = if self.chance(0.5) { 14 } else { 30 };
        let cu = &self.customers[c];
        let inv = Invoice {
            id: format!("I{:07}", self.invoices.len() + 1),
            number,
            kind,
            customer_id: cu.id.clone(),
            customer_name: cu.name.clone(),
            customer_ibans: cu.ibans.clone(),
            open_amount: amount,
            currency: "EUR".to_string(),
            issue_date: issue,
            due_date: issue + Duration::days(term),
            creditor_reference: rf,
            end_to_end_id: None,
        };
        self.invoices.push(inv);
        self.customer_of_item.push(c);
        self.used_amounts.push(amount);
        self.invoices.len() - 1
    }

    pub(super) fn issue_date(&mut self) -> Date {
        self.today - Duration::days(self.rng.random_range(3..75))
    }

    pub(super) fn invoice(&mut self, c: usize) -> usize {
        let amount = self.amount();
        let issue = self.issue_date();
        self.new_item(c, InvoiceKind::Invoice, amount, issue)
    }

    pub(super) fn pay_date(&mut self, i: usize) -> Date {
        let issue = self.invoices[i].issue_date;
        let d = if self.chance(0.05) {
            issue - Duration::days(self.rng.random_range(0..3))
        } else {
            issue + Duration::days(self.rng.random_range(1..45))
        };
        d.min(self.today)
    }
}
