//! Payments that must settle nothing: an invoice paid a second time, the same payment booked
//! twice, and money in or out that has nothing to do with any invoice.

use rand::RngExt;
use time::Duration;

use reconcile::InvoiceKind;

use crate::generator::batch_builder::{BatchBuilder, money, pick};
use crate::generator::customer::Lang;
use crate::generator::scenario::Scenario;
use crate::generator::vocabulary::PRICE_LIST;

impl BatchBuilder {
    /// An already paid invoice paid again; its amount equals another open item's.
    pub(super) fn paid_again(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let amount = money(*pick(&mut self.rng, PRICE_LIST));
        // The paid invoice is not open: create it and take it out again.
        let issue = self.issue_date();
        let paid_inv = self.new_item(c, InvoiceKind::Invoice, amount, issue);
        let old = self.invoices.remove(paid_inv);
        self.customer_of_item.pop();
        self.used_amounts.pop();
        // The open one was issued a month or so later: other invoices came between. The numbers
        // run on (no cap at 9999: that reset the counter and issued `RE-2024-10000…` again and
        // again, twelve open invoices under one number at 10,000 transactions).
        let gap = self.rng.random_range(20..300);
        self.re.1 += gap;
        self.inv_seq += gap;
        let issue2 = self.issue_date();
        self.new_item(c, InvoiceKind::Invoice, amount, issue2);
        let (text, e2e) = self.ref_text(
            c,
            std::slice::from_ref(&old.number),
            self.invoices.len() - 1,
        );
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let date = (old.issue_date + Duration::days(20)).min(self.today);
        self.push(amount, date, Some(name), iban, text, None, e2e, vec![], s);
    }

    /// The same payment booked twice (second one settles nothing).
    pub(super) fn duplicate(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let (text, e2e) = self.ref_text(c, &[n], i);
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let date = self.pay_date(i);
        let paid = self.invoices[i].open_amount;
        self.push(
            paid,
            date,
            Some(name.clone()),
            iban.clone(),
            text.clone(),
            None,
            e2e.clone(),
            vec![i],
            s,
        );
        self.push(paid, date, Some(name), iban, text, None, e2e, vec![], s);
    }

    /// Incoming money unrelated to any invoice.
    pub(super) fn unrelated_incoming(&mut self, s: Scenario) {
        let texts = [
            "Erstattung Krankenkasse",
            "Zinsen 2. Quartal",
            "Rückerstattung Versicherung",
            "Einzahlung Kasse",
            "Teruggave belasting",
            "Refund order 88412",
        ];
        let text = pick(&mut self.rng, &texts).to_string();
        let payer = self.new_customer();
        let name = self.customers[payer].name.clone();
        let iban = self.customers[payer].ibans.first().cloned();
        self.customers.pop();
        let amount = self.amount() + money(self.rng.random_range(1i64..99));
        let date = self.today - Duration::days(self.rng.random_range(0..30));
        self.push(amount, date, Some(name), iban, text, None, None, vec![], s);
    }

    /// Outgoing money unrelated to any invoice.
    pub(super) fn unrelated_outgoing(&mut self, s: Scenario) {
        let supplier_no = self.rng.random_range(1000..9999);
        let texts = [
            "Miete Juli Büro".to_string(),
            "Lohn Juni".to_string(),
            format!("Lieferant Rechnung 2024-{supplier_no}"),
            "Versicherung Beitrag 3/2024".to_string(),
            "Telekom Rechnung 123456789".to_string(),
            "Finanzamt USt 05/2024".to_string(),
            format!("Huur kantoor juni factuur {supplier_no}"),
        ];
        let text = pick(&mut self.rng, &texts).clone();
        let amount = self.amount();
        let date = self.today - Duration::days(self.rng.random_range(0..30));
        let lang = if self.chance(0.5) { Lang::De } else { Lang::Nl };
        let iban = self.iban(lang);
        self.push(
            -amount,
            date,
            Some("Lieferant GmbH".into()),
            Some(iban),
            text,
            None,
            None,
            vec![],
            s,
        );
    }
}
