//! One payment for several items: the items the texts name together, and combinations of one
//! customer's open items whose sum is the amount (hard case 1 of docs/reconciliation.md).
//!
//! A combination found by its sum alone is a coincidence unless the payer is known or every
//! member is named; credit notes are netted against invoices and consumed whole.

use rust_decimal::Decimal;

use crate::amount::{Fit, cents, fit};
use crate::model::InvoiceKind;
use crate::subset::find_subsets;

use super::points;
use super::settlement::{Gate, Settlement};
use super::signal::Signal;
use super::transaction_scoring::TransactionScoring;

/// Named combinations larger than this are not believed: a text listing more numbers is a
/// statement, not a payment.
const MAX_NAMED_ITEMS: usize = 12;

impl TransactionScoring<'_, '_> {
    /// How many other open items the texts name strongly that a candidate leaves out: the
    /// payer listed them, so a candidate without them explains less of the payment.
    pub(super) fn named_left_out(&self, items: &[u32]) -> u16 {
        let mut others: Vec<u32> = self
            .references
            .iter()
            .filter(|r| r.kind.strong() && !items.contains(&r.inv))
            .map(|r| r.inv)
            .filter(|&i| self.is_open(i) && self.multi_ok(i))
            .collect();
        others.sort_unstable();
        others.dedup();
        others.len().min(u16::MAX as usize) as u16
    }

    /// All items named by strong references, paid together (several numbers listed).
    pub(super) fn named_combination(&mut self) -> Option<Settlement> {
        let index = self.scorer.index;
        let mut named: Vec<u32> = self
            .references
            .iter()
            .filter(|r| r.kind.strong() && self.is_open(r.inv) && self.multi_ok(r.inv))
            .map(|r| r.inv)
            .collect();
        named.sort_unstable();
        named.dedup();
        named.sort_by_key(|&i| index.items[i as usize].rank);
        if named.len() < 2 || named.len() > MAX_NAMED_ITEMS {
            return None;
        }
        if !named.iter().any(|&i| self.single_ok(i)) {
            return None;
        }
        let c = index.items[named[0] as usize].customer;
        let mut o = Settlement::new(c);
        o.named_strongly = true;
        // The references count once, with the weakest one's points.
        let mut min_ref = i32::MAX;
        let mut refs = Vec::new();
        for &i in &named {
            if let Some((k, pts, _)) = self.best_reference(i) {
                min_ref = min_ref.min(pts);
                refs.push(k);
            }
        }
        for (n, k) in refs.into_iter().enumerate() {
            o.add(Signal::Reference(k), if n == 0 { min_ref } else { 0 });
        }
        self.combination_body(&mut o, &named);
        // Added after the body, which decides whether the sum fits to the cent.
        let pts = if o.exact_fit {
            points::ALL_NAMED_EXACT
        } else {
            points::ALL_NAMED
        };
        o.add(Signal::AllNamed(named.len() as u16), pts);
        Some(o)
    }

    /// Amount, allocation, party and date of a combination; sets `o.items`.
    fn combination_body(&mut self, o: &mut Settlement, items: &[u32]) {
        let index = self.scorer.index;
        let total: Decimal = items.iter().map(|&i| self.signed(i)).sum();
        let all_invoices = items
            .iter()
            .all(|&i| index.items[i as usize].kind == InvoiceKind::Invoice);
        let earliest = items.iter().map(|&i| index.items[i as usize].issue).min();
        let f = if total > Decimal::ZERO {
            fit(
                self.paid,
                total,
                if all_invoices { earliest } else { None },
                self.date,
                self.scorer.cfg,
            )
        } else {
            Fit::Over { excess: self.paid }
        };
        o.add(
            Signal::Combined {
                count: items.len() as u16,
                total,
            },
            0,
        );
        let pts = match f {
            Fit::Exact => points::AMOUNT_EXACT,
            Fit::CashDiscount { late: false, .. } => points::CASH_DISCOUNT,
            Fit::CashDiscount { late: true, .. } => points::CASH_DISCOUNT_LATE,
            Fit::Tolerance { .. } => points::TOLERANCE,
            Fit::Partial { .. } | Fit::Over { .. } => points::NAMED_BUT_AMOUNT_DIFFERS,
        };
        o.add(
            Signal::Fit {
                fit: f,
                paid: self.paid,
            },
            pts,
        );
        o.exact_fit = matches!(f, Fit::Exact);
        // Allocation: credit notes are consumed whole; the money (plus what they free) goes to
        // the invoices by due date, oldest first.
        let mut order: Vec<u32> = items.to_vec();
        order.sort_by_key(|&i| {
            let d = &index.items[i as usize];
            (d.due, d.rank)
        });
        let mut money = self.paid;
        for &i in &order {
            if self.incoming && index.items[i as usize].kind == InvoiceKind::CreditNote {
                money += self.open(i);
            }
        }
        let mut alloc: Vec<(u32, Decimal)> = Vec::with_capacity(order.len());
        for &i in &order {
            let open = self.open(i);
            let a = if self.incoming && index.items[i as usize].kind == InvoiceKind::CreditNote {
                open
            } else {
                let a = open.min(money.max(Decimal::ZERO));
                money -= a;
                a
            };
            alloc.push((i, a));
        }
        alloc.retain(|(_, a)| *a > Decimal::ZERO);
        alloc.sort_by_key(|a| index.items[a.0 as usize].rank);
        o.items = alloc.iter().map(|(i, _)| *i).collect();
        o.allocations = alloc.iter().map(|(_, a)| *a).collect();
        o.unallocated = money.max(Decimal::ZERO);
        // Party: the best of the customers involved (a parent may pay its subsidiaries').
        let mut customers: Vec<u32> = items
            .iter()
            .map(|&i| index.items[i as usize].customer)
            .collect();
        customers.sort_unstable();
        customers.dedup();
        customers.sort_by_key(|&c| self.customer_key(c));
        let mut best: Option<Settlement> = None;
        for c in customers {
            let mut p = Settlement::new(c);
            self.party(&mut p, c);
            if best.as_ref().is_none_or(|b| p.score > b.score) {
                best = Some(p);
            }
        }
        if let Some(p) = best {
            for (s, pts) in p.signals {
                o.add(s, pts);
            }
            o.iban_unique = p.iban_unique;
            o.iban_any = p.iban_any;
            o.name_similarity = p.name_similarity;
            o.name_unique = p.name_unique;
            o.customer = p.customer;
        }
        // The date signal of the member that scores worst (ties: the smallest id).
        let worst = items
            .iter()
            .map(|&i| (self.date_signal(i), index.items[i as usize].rank))
            .min_by(|a, b| (a.0.1, a.1).cmp(&(b.0.1, b.1)))
            .map(|(d, _)| d);
        if let Some((d, pts)) = worst {
            o.add(Signal::Date(d), pts);
        }
        self.apply_gates(o, f.settles());
    }

    /// Combinations of customer `c`'s open items whose sum is the amount.
    pub(super) fn combinations(
        &mut self,
        c: u32,
        singles: &[Settlement],
        name_customers: &[u32],
    ) -> Vec<Settlement> {
        let index = self.scorer.index;
        let cfg = self.scorer.cfg;
        let Some(paid_cents) = cents(self.paid) else {
            return Vec::new();
        };
        let mut items: Vec<(u32, i64)> = Vec::new();
        for &i in index.customer_items(c) {
            if !self.is_open(i)
                || !self.multi_ok(i)
                || index.items[i as usize].currency != self.currency
            {
                continue;
            }
            let Some(v) = cents(self.signed(i)) else {
                continue;
            };
            items.push((i, v));
        }
        // An item larger than the payment can only take part if credit notes offset it.
        let credit: i64 = items.iter().map(|(_, v)| (*v).min(0)).sum();
        items.retain(|(_, v)| *v <= paid_cents - credit);
        if items.len() < 2 {
            return Vec::new();
        }
        items.truncate(cfg.subset_max_items);
        let values: Vec<i64> = items.iter().map(|(_, v)| *v).collect();
        let found = find_subsets(&values, paid_cents, 2, cfg.subset_max_size, 4);
        if found.is_empty() {
            return Vec::new();
        }
        let single_fits = singles.iter().any(|o| o.customer == c && o.exact_fit);
        let unique = found.len() == 1 && !single_fits;
        let by_iban = (self.iban_customers.len() == 1 && self.iban_customers[0] == c)
            || self.unique_name_customer == Some(c);
        let mut out = Vec::with_capacity(found.len());
        for set in found {
            let members: Vec<u32> = set
                .iter()
                .filter_map(|&k| items.get(k).map(|x| x.0))
                .collect();
            if !members.iter().any(|&i| self.single_ok(i)) {
                continue;
            }
            let mut o = Settlement::new(c);
            // References to members count once, with the strongest one's points. Only when
            // every member is named does the reference alone identify the combination: a
            // named invoice plus unnamed ones that happen to add up is a coincidence unless the
            // payer is known too.
            let mut best: Option<(u16, i32)> = None;
            let mut named = 0;
            for &i in &members {
                if let Some((k, pts, strong)) = self.best_reference(i)
                    && strong
                {
                    named += 1;
                    if best.is_none_or(|(_, bp)| pts > bp) {
                        best = Some((k, pts));
                    }
                }
            }
            o.named_strongly = named == members.len();
            o.partly_named = named > 0;
            if let Some((k, pts)) = best {
                o.add(Signal::Reference(k), pts);
            }
            let left_out = self.named_left_out(&members);
            if left_out > 0 {
                o.add(Signal::NamedLeftOut(left_out), points::NAMED_LEFT_OUT);
            }
            self.combination_body(&mut o, &members);
            // A sum of several items that nothing in the texts points at is a coincidence of
            // amounts unless the money comes from the customer's own known IBAN: a name alone
            // (even one that identifies the customer) must not book several invoices.
            let referenced = members.iter().any(|&i| self.best_reference(i).is_some());
            if !referenced && !o.iban_unique {
                o.close(Gate::NoIdentifier);
            }
            if unique {
                let pts = if by_iban {
                    points::ONLY_FITTING
                } else if name_customers.contains(&c) {
                    points::ONLY_FITTING_BY_NAME
                } else {
                    0
                };
                if pts > 0 {
                    o.add(Signal::OnlyFittingCombination, pts);
                }
            }
            out.push(o);
        }
        out
    }
}
