//! Payments without any reference: only the payer's IBAN or name and the amount tell which
//! item they settle, and a second open item of the same amount makes them ambiguous.

use std::collections::{HashMap, HashSet};

use reconcile::InvoiceKind;
use rust_decimal::Decimal;
use time::{Date, Duration};

use crate::generator::batch_builder::BatchBuilder;
use crate::generator::scenario::Scenario;

impl BatchBuilder {
    /// No reference; known IBAN; exact amount. As `NoReferenceTwin`, the customer has a second
    /// open item of the same amount, issued on another day, and the label is the item the law
    /// settles first (`settled_first`).
    pub(super) fn no_reference(&mut self, s: Scenario) {
        let c = self.customer_with_iban();
        let i = self.invoice(c);
        let mut twin = None;
        if s == Scenario::NoReferenceTwin {
            let amount = self.invoices[i].open_amount;
            let mut issue = self.issue_date();
            if issue == self.invoices[i].issue_date {
                // Issued the same day the two are of equal age, and the law would split the
                // payment between them: a case with no single right answer.
                issue -= Duration::days(1);
            }
            twin = Some(self.new_item(c, InvoiceKind::Invoice, amount, issue));
        }
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, true);
        let date = self.pay_date(i);
        let text = self.plain_text(c);
        let paid = self.invoices[i].open_amount;
        let e2e = self.e2e();
        let label = match twin {
            Some(t) => self.settled_first(i, t, date),
            None => i,
        };
        // The end-to-end id is absent, `NOTPROVIDED` or a random code: nothing stated.
        let t = self.push(
            paid,
            date,
            Some(name),
            iban,
            text,
            None,
            e2e,
            vec![label],
            s,
        );
        self.unstated.insert(t);
    }

    /// Where item `i` stands in the order in which a payment on `date` that states no purpose
    /// settles a customer's items (§ 366 Abs. 2 BGB): items issued by then before items issued
    /// later, then items due by then before items not yet due, then the older. Written here
    /// independently of the matcher, as the truth it is measured against.
    fn legal_rank(&self, i: usize, date: Date) -> (bool, bool, Date) {
        let inv = &self.invoices[i];
        (inv.issue_date > date, inv.due_date > date, inv.issue_date)
    }

    /// Of two open items of equal amount, the one a payment on `date` that states no purpose
    /// settles; `a` when the law ranks them equal.
    fn settled_first(&self, a: usize, b: usize, date: Date) -> usize {
        if self.legal_rank(b, date) < self.legal_rank(a, date) {
            b
        } else {
            a
        }
    }

    /// Relabels the payments that state no purpose (see `unstated`) once
    /// every open item exists, decoys included: such a payment settles, of the customer's open
    /// items of its amount that no other payment of the batch settles, the one § 366 Abs. 2 BGB
    /// puts first; payments of one customer take their items in the order they were paid.
    /// When the law ranks the labelled item equal with the first, the label stays.
    pub(in crate::generator) fn settle_unstated_by_law(&mut self) {
        let unstated = |t: usize| {
            self.unstated.contains(&t) && self.labels.get(t).is_some_and(|l| l.expected.len() == 1)
        };
        let index_of: HashMap<String, usize> = self
            .invoices
            .iter()
            .enumerate()
            .map(|(k, inv)| (inv.id.clone(), k))
            .collect();
        let mut claimed: HashSet<usize> = self
            .labels
            .iter()
            .enumerate()
            .filter(|(t, _)| !unstated(*t))
            .map(|(_, l)| l)
            .flat_map(|l| l.expected.iter().filter_map(|e| index_of.get(e).copied()))
            .collect();
        let mut order: Vec<(Date, usize)> = self
            .labels
            .iter()
            .enumerate()
            .filter(|(t, _)| unstated(*t))
            .map(|(t, _)| (self.txs[t].booking_date, t))
            .collect();
        order.sort_unstable();
        let mut by_customer_amount: HashMap<(usize, Decimal), Vec<usize>> = HashMap::new();
        for (k, inv) in self.invoices.iter().enumerate() {
            if inv.kind == InvoiceKind::Invoice {
                by_customer_amount
                    .entry((self.customer_of_item[k], inv.open_amount))
                    .or_default()
                    .push(k);
            }
        }
        for (date, t) in order {
            let Some(&i) = self.labels[t]
                .expected
                .first()
                .and_then(|e| index_of.get(e))
            else {
                continue;
            };
            let key = (self.customer_of_item[i], self.invoices[i].open_amount);
            let first = by_customer_amount
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(|j| *j == i || !claimed.contains(j))
                .min_by_key(|&j| (self.legal_rank(j, date), j != i, j))
                .unwrap_or(i);
            claimed.insert(first);
            self.labels[t].expected = vec![self.invoices[first].id.clone()];
        }
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
