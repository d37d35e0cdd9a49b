//! One payment for several open items: all numbers listed, none listed (only the sum fits),
//! or an invoice less a credit note.

use rand::RngExt;
use reconcile::InvoiceKind;
use rust_decimal::Decimal;
use time::{Date, Duration};

use crate::generator::batch_builder::{BatchBuilder, money};
use crate::generator::customer::Lang;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// Several invoices, all numbers listed.
    pub(super) fn multi_named(&mut self, s: Scenario) {
        let c = self.customer();
        let k = self.rng.random_range(2..5);
        let items: Vec<usize> = (0..k).map(|_| self.invoice(c)).collect();
        let mut shown = Vec::new();
        for &i in &items {
            let n = self.invoices[i].number.clone();
            let v = if self.chance(0.7) {
                n
            } else {
                self.fmt_mangled(&n)
            };
            shown.push(v);
        }
        let sum: Decimal = items.iter().map(|&i| self.invoices[i].open_amount).sum();
        let paid = if self.chance(0.1) {
            sum - money(self.rng.random_range(10i64..300))
        } else {
            sum
        };
        let (text, e2e) = self.ref_text(c, &shown, items[0]);
        let name = self.payer_name(c);
        let known = self.chance(0.7);
        let iban = self.payer_iban(c, known);
        let date = self.paid_after_all(&items);
        self.push(paid, date, Some(name), iban, text, None, e2e, items, s);
    }

    /// Several invoices, no numbers, the sum fits.
    pub(super) fn multi_unnamed(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let k = self.rng.random_range(2..4);
        let items: Vec<usize> = (0..k).map(|_| self.invoice(c)).collect();
        for _ in 0..self.rng.random_range(1..3) {
            self.invoice(c);
        }
        let sum: Decimal = items.iter().map(|&i| self.invoices[i].open_amount).sum();
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let date = self.paid_after_all(&items);
        let text = self.plain_text(c);
        self.push(sum, date, Some(name), iban, text, None, None, items, s);
    }

    /// An invoice less a credit note in one payment.
    pub(super) fn netting(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let i = self.invoice(c);
        let open = self.invoices[i].open_amount;
        let cn_amount = (open * Decimal::new(self.rng.random_range(5i64..40), 2)).round_dp(2);
        let issue = self.issue_date();
        let cn = self.new_item(c, InvoiceKind::CreditNote, cn_amount, issue);
        let paid = open - cn_amount;
        let (ni, nc) = (
            self.invoices[i].number.clone(),
            self.invoices[cn].number.clone(),
        );
        let text = if self.chance(0.6) {
            match self.customers[c].lang {
                Lang::De => format!("Rechnung {ni} abzgl. Gutschrift {nc}"),
                Lang::Nl => format!("Factuur {ni} minus creditnota {nc}"),
            }
        } else {
            self.plain_text(c)
        };
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let date = self.pay_date(i);
        self.push(
            paid,
            date,
            Some(name),
            iban,
            text,
            None,
            None,
            vec![i, cn],
            s,
        );
    }

    /// A payment date for several items: one to nineteen days after the last of them was
    /// issued, and not after today.
    fn paid_after_all(&mut self, items: &[usize]) -> Date {
        let date = items
            .iter()
            .map(|&i| self.invoices[i].issue_date)
            .max()
            .unwrap_or(self.today)
            + Duration::days(self.rng.random_range(1..20));
        date.min(self.today)
    }
}
