//! Payments that carry a reference: the invoice number as printed, mangled or with a typo,
//! the RF creditor reference, or the number only in the end-to-end id.

use reconcile::rf::make_rf;

use crate::generator::batch_builder::BatchBuilder;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// The number as printed, exact amount.
    pub(super) fn clean(&mut self, s: Scenario) {
        self.pay_new_invoice_by_number(s, |_, number| number.to_string(), 0.85);
    }

    /// The number with spaces, slashes, lower case, missing prefix or zeros, O for 0.
    pub(super) fn mangled(&mut self, s: Scenario) {
        self.pay_new_invoice_by_number(s, Self::fmt_mangled, 0.7);
    }

    /// The number with one typo.
    pub(super) fn typo(&mut self, s: Scenario) {
        self.pay_new_invoice_by_number(s, Self::fmt_typo, 0.7);
    }

    /// A new invoice of some customer, paid in full with its number written by `show`, from
    /// the customer's known IBAN with probability `known_iban`. The draws come in this order:
    /// customer, invoice, the writing, the IBAN's chance, then the payment.
    fn pay_new_invoice_by_number(
        &mut self,
        s: Scenario,
        show: fn(&mut Self, &str) -> String,
        known_iban: f64,
    ) {
        let c = self.customer();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let shown = show(self, &n);
        let known = self.chance(known_iban);
        let paid = self.invoices[i].open_amount;
        self.pay_with_ref(i, shown, known, paid, s);
    }

    /// Only the RF creditor reference, in the structured field.
    pub(super) fn rf(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let body: String = self.invoices[i]
            .number
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let rf = make_rf(&body);
        self.invoices[i].creditor_reference = rf.clone();
        let name = self.payer_name(c);
        let known = self.chance(0.6);
        let iban = self.payer_iban(c, known);
        let date = self.pay_date(i);
        let text = if self.chance(0.5) {
            String::new()
        } else {
            self.plain_text(c)
        };
        let paid = self.invoices[i].open_amount;
        let structured = if self.chance(0.8) {
            rf
        } else {
            rf.map(|r| r.replace(' ', ""))
        };
        self.push(
            paid,
            date,
            Some(name),
            iban,
            text,
            structured,
            None,
            vec![i],
            s,
        );
    }

    /// The number only in the end-to-end id.
    pub(super) fn end_to_end(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let name = self.payer_name(c);
        let known = self.chance(0.5);
        let iban = self.payer_iban(c, known);
        let date = self.pay_date(i);
        let text = self.plain_text(c);
        let paid = self.invoices[i].open_amount;
        self.push(
            paid,
            date,
            Some(name),
            iban,
            text,
            None,
            Some(n),
            vec![i],
            s,
        );
    }
}
