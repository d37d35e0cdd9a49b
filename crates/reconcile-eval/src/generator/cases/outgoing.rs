//! Money going out that names an item: a refund settles a credit note; a payment naming a
//! sales invoice must never settle it.

use rand::RngExt;
use time::Duration;

use reconcile::InvoiceKind;

use crate::generator::batch_builder::BatchBuilder;
use crate::generator::customer::Lang;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// An outgoing refund of a credit note.
    pub(super) fn refund(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let amount = self.amount();
        let issue = self.issue_date();
        let i = self.new_item(c, InvoiceKind::CreditNote, amount, issue);
        let n = self.invoices[i].number.clone();
        let lang = self.customers[c].lang;
        let text = if self.chance(0.6) {
            match lang {
                Lang::De => format!("Erstattung Gutschrift {n}"),
                Lang::Nl => format!("Terugbetaling creditnota {n}"),
            }
        } else {
            match lang {
                Lang::De => "Erstattung".to_string(),
                Lang::Nl => "Terugbetaling".to_string(),
            }
        };
        let name = self.customers[c].name.clone();
        let iban = self.payer_iban(c, true);
        let date = (issue + Duration::days(self.rng.random_range(1..10))).min(self.today);
        self.push(
            -amount,
            date,
            Some(name),
            iban,
            text,
            None,
            None,
            vec![i],
            s,
        );
    }

    /// An outgoing payment that names a sales invoice (must never settle it).
    pub(super) fn wrong_direction(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let name = self.customers[c].name.clone();
        let iban = self.payer_iban(c, true);
        let date = self.pay_date(i);
        let open = self.invoices[i].open_amount;
        let text = format!("Rückzahlung Überzahlung {n}");
        self.push(-open, date, Some(name), iban, text, None, None, vec![], s);
    }
}
