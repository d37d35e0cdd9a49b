//! Payments without any reference: only the payer's IBAN or name and the amount tell which
//! item they settle, and a second open item of the same amount makes them ambiguous.

use reconcile::InvoiceKind;

use crate::generator::batch_builder::BatchBuilder;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// No reference; known IBAN; exact amount. As `NoReferenceTwin`, the customer has a second
    /// open item of the same amount.
    pub(super) fn no_reference(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let i = self.invoice(c);
        if s == Scenario::NoReferenceTwin {
            let amount = self.invoices[i].open_amount;
            let issue = self.issue_date();
            self.new_item(c, InvoiceKind::Invoice, amount, issue);
        }
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let date = self.pay_date(i);
        let text = self.plain_text(c);
        let paid = self.invoices[i].open_amount;
        let e2e = self.e2e();
        self.push(paid, date, Some(name), iban, text, None, e2e, vec![i], s);
    }

    /// No reference; unknown IBAN; similar name; exact amount.
    pub(super) fn name_only(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, false);
        let date = self.pay_date(i);
        let text = self.plain_text(c);
        let paid = self.invoices[i].open_amount;
        self.push(paid, date, Some(name), iban, text, None, None, vec![i], s);
    }
}
