//! Payments by someone other than the customer: a payment service paying out for a shop
//! (sometimes with its fee deducted), a parent company or a relative.

use rand::RngExt;
use rust_decimal::Decimal;

use reconcile::rf::make_iban;

use crate::generator::batch_builder::{BatchBuilder, money, pick};
use crate::generator::parties::strip_form;
use crate::generator::scenario::Scenario;
use crate::generator::vocabulary::PSPS;

impl BatchBuilder {
    /// A payment service pays on behalf of the customer.
    pub(super) fn payment_service(&mut self, s: Scenario) {
        let c = self.customer();
        let (psp, country, bban) = *pick(&mut self.rng, PSPS);
        let psp_iban = make_iban(country, bban).unwrap_or_default();
        if self.chance(0.3) && !self.customers[c].ibans.contains(&psp_iban) {
            // Master data polluted by an earlier PSP payment booked to this customer.
            self.customers[c].ibans.push(psp_iban.clone());
        }
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let order = self.rng.random_range(10_000_000u64..99_999_999);
        let text = match self.rng.random_range(0..3) {
            0 => format!("{order} {n}"),
            1 => format!("Bestellung {n} {}", strip_form(&self.customers[c].name)),
            _ => format!("PP.{order}.PP {n}"),
        };
        let open = self.invoices[i].open_amount;
        let paid = if self.chance(0.3) {
            open - (open * Decimal::new(19, 3)).round_dp(2) - money(35)
        } else {
            open
        };
        let date = self.pay_date(i);
        self.push(
            paid,
            date,
            Some(psp.to_string()),
            Some(psp_iban),
            text,
            None,
            None,
            vec![i],
            s,
        );
    }

    /// A parent company or a relative pays, from an unknown IBAN.
    pub(super) fn other_payer(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let other = self.new_customer();
        let payer = if self.chance(0.5) {
            format!("{} Holding GmbH", self.customers[other].surname)
        } else {
            self.customers[other].name.clone()
        };
        // The helper customer exists only to make a name; forget it.
        self.customers.pop();
        let lang = self.customers[c].lang;
        let iban = self.iban(lang);
        let (text, e2e) = self.ref_text(c, &[n], i);
        let date = self.pay_date(i);
        let paid = self.invoices[i].open_amount;
        self.push(
            paid,
            date,
            Some(payer),
            Some(iban),
            text,
            None,
            e2e,
            vec![i],
            s,
        );
    }
}
