//! Payments whose amount is not the open amount: a fee deducted, the cash discount taken (in
//! time or late), an instalment, too much, or another currency.

use rand::RngExt;
use rust_decimal::Decimal;
use time::Duration;

use reconcile::{Config, InvoiceKind};

use crate::generator::batch_builder::{BatchBuilder, money};
use crate::generator::customer::Lang;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// A reference; a fee deducted.
    pub(super) fn fee(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let shown = if self.chance(0.5) {
            n
        } else {
            self.fmt_mangled(&n)
        };
        let fee = if self.chance(0.7) {
            money(self.rng.random_range(10i64..250))
        } else {
            money(self.rng.random_range(250i64..1500))
        };
        let open = self.invoices[i].open_amount;
        let paid = (open - fee).max(money(1));
        let known = self.chance(0.8);
        self.pay_with_ref(i, shown, known, paid, s);
    }

    /// The cash discount deducted.
    pub(super) fn cash_discount(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let i = self.invoice(c);
        let open = self.invoices[i].open_amount;
        let paid = discounted(open, &self.cfg);
        let issue = self.invoices[i].issue_date;
        let late = self.chance(0.2);
        let date = if late {
            issue + Duration::days(self.rng.random_range(15..26))
        } else {
            issue + Duration::days(self.rng.random_range(1..14))
        }
        .min(self.today);
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let stated = self.chance(0.7);
        let (text, e2e) = if stated {
            let n = self.invoices[i].number.clone();
            let (t, e) = self.ref_text(c, &[n], i);
            (format!("{t} abzgl. 2% Skonto"), e)
        } else {
            (self.plain_text(c), None)
        };
        let t = self.push(paid, date, Some(name), iban, text, None, e2e, vec![i], s);
        if !stated {
            self.unstated.insert(t);
        }
    }

    /// An instalment (sometimes with the rest in the same batch).
    pub(super) fn partial(&mut self, s: Scenario) {
        let c = self.customer();
        let amount = money(self.rng.random_range(200i64..5000) * 100);
        let issue = self.issue_date();
        let i = self.new_item(c, InvoiceKind::Invoice, amount, issue);
        let pct = self.rng.random_range(20i64..71);
        let first = (amount * Decimal::new(pct, 2)).round_dp(0);
        let n = self.invoices[i].number.clone();
        let announce = self.chance(0.7);
        let lang = self.customers[c].lang;
        let word = match (lang, self.rng.random_range(0..3)) {
            (Lang::De, 0) => "Teilzahlung",
            (Lang::De, 1) => "1. Rate",
            (Lang::De, _) => "Anzahlung",
            (Lang::Nl, 0) => "deelbetaling",
            (Lang::Nl, 1) => "termijn 1",
            (Lang::Nl, _) => "Aanbetaling",
        };
        let (t, e2e) = self.ref_text(c, std::slice::from_ref(&n), i);
        let text = if announce { format!("{word} {t}") } else { t };
        let name = self.payer_name(c);
        let known = self.chance(0.8);
        let iban = self.payer_iban(c, known);
        let date = self.pay_date(i);
        self.push(
            first,
            date,
            Some(name.clone()),
            iban.clone(),
            text,
            None,
            e2e,
            vec![i],
            s,
        );
        if self.chance(0.4) {
            let rest = amount - first;
            let word = match lang {
                Lang::De => "Restzahlung",
                Lang::Nl => "restant",
            };
            let later = (date + Duration::days(self.rng.random_range(3..20))).min(self.today);
            self.push(
                rest,
                later,
                Some(name),
                iban,
                format!("{word} {n}"),
                None,
                None,
                vec![i],
                s,
            );
        }
    }

    /// More than open.
    pub(super) fn overpayment(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let paid = self.invoices[i].open_amount + money(self.rng.random_range(1000i64..10000));
        self.pay_with_ref(i, n, true, paid, s);
    }

    /// Paid in another currency.
    pub(super) fn foreign_currency(&mut self, s: Scenario) {
        let c = self.customer();
        let i = self.invoice(c);
        let n = self.invoices[i].number.clone();
        let open = self.invoices[i].open_amount;
        self.pay_with_ref(i, n, true, (open * Decimal::new(108, 2)).round_dp(2), s);
        if let Some(tx) = self.txs.last_mut() {
            tx.currency = "USD".to_string();
        }
    }
}

/// What a payer who takes the cash discount transfers: the open amount less the configured
/// percentage, rounded to the cent, as the invoice states it (the matcher recognises exactly
/// this amount as a discount).
fn discounted(open: Decimal, cfg: &Config) -> Decimal {
    (open * (Decimal::ONE_HUNDRED - cfg.cash_discount_percent) / Decimal::ONE_HUNDRED).round_dp(2)
}
