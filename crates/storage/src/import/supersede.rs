//! Which pending entry a booking replaces: one pure rule for both engines (see the `import`
//! module doc).

use rust_decimal::Decimal;
use time::Date;

use super::page::{NewTransaction, usable_id};
use crate::entity::transaction;

/// A stored pending entry, as the supersede step compares it.
#[derive(Debug, Clone)]
pub(crate) struct PendingRow {
    pub(crate) id: i64,
    pub(crate) amount: Decimal,
    pub(crate) currency: String,
    pub(crate) counterparty_iban: Option<String>,
    pub(crate) counterparty_name: Option<String>,
    pub(crate) date: Option<Date>,
    pub(crate) entry_reference: Option<String>,
    pub(crate) end_to_end_id: Option<String>,
}

impl From<&transaction::Model> for PendingRow {
    fn from(p: &transaction::Model) -> Self {
        Self {
            id: p.id,
            amount: p.amount.decimal(),
            currency: p.currency.clone(),
            counterparty_iban: p.counterparty_iban.clone(),
            counterparty_name: p.counterparty_name.clone(),
            date: p.value_date.or(p.booking_date),
            entry_reference: p.entry_reference.clone(),
            end_to_end_id: p.end_to_end_id.clone(),
        }
    }
}

/// How far a booking's date may lie from its pending entry's: the day before (a value date
/// backdated to the purchase) to a week after (a card hold settled late).
const BOOKED_DAYS_BEFORE: i64 = 1;
const BOOKED_DAYS_AFTER: i64 = 7;

/// The largest change between a pending amount and its booking: 20% of the pending amount, at
/// least 1.00 (fuel, hotels and restaurants hold one amount and book another).
fn tolerance(pending: Decimal) -> Decimal {
    (pending.abs() * Decimal::new(2, 1)).max(Decimal::ONE)
}

/// Which pending rows the newly booked ones (with their new ids) replace — the rule in the
/// module doc, for both engines. Returns `(pending id, booked id)`; each pending row is used once.
pub(crate) fn pick_superseded(
    booked: &[(&NewTransaction, i64)],
    pending: &[PendingRow],
) -> Vec<(i64, i64)> {
    let mut used = std::collections::HashSet::new();
    let mut paired = vec![false; booked.len()];
    let mut pairs = Vec::new();
    // The bank's own linking data first, whatever the amounts: it is the bank saying so.
    for (i, (t, booked_id)) in booked.iter().enumerate() {
        let linked = pending
            .iter()
            .filter(|p| !used.contains(&p.id) && linked(p, t))
            .min_by_key(|p| p.id);
        if let Some(p) = linked {
            used.insert(p.id);
            paired[i] = true;
            pairs.push((p.id, *booked_id));
        }
    }
    for (i, (t, booked_id)) in booked.iter().enumerate() {
        if paired[i] {
            continue;
        }
        let best = pending
            .iter()
            .filter(|p| !used.contains(&p.id))
            .filter_map(|p| likeness(p, t).map(|rank| (rank, p.id)))
            .min();
        if let Some((_, id)) = best {
            used.insert(id);
            pairs.push((id, *booked_id));
        }
    }
    pairs
}

/// Same usable `entryReference` or same usable `endToEndId` on both sides.
fn linked(p: &PendingRow, t: &NewTransaction) -> bool {
    let same = |a: Option<&String>, b: Option<&String>| match (
        usable_id(a.map(String::as_str)),
        usable_id(b.map(String::as_str)),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    same(p.entry_reference.as_ref(), t.entry_reference.as_ref())
        || same(p.end_to_end_id.as_ref(), t.end_to_end_id.as_ref())
}

/// How well a booking fits a pending row without linking data, as a sort key (smaller is
/// better: exact amount, then smallest difference, then nearest date, then lowest id), or
/// `None` when it does not fit at all.
fn likeness(p: &PendingRow, t: &NewTransaction) -> Option<(bool, Decimal, i64)> {
    let amount = p.amount;
    let days = (t.booking_date.or(t.value_date)? - p.date?).whole_days();
    let difference = (t.amount - amount).abs();
    let fits = p.currency == t.currency
        && amount.cmp(&Decimal::ZERO) == t.amount.cmp(&Decimal::ZERO)
        && (-BOOKED_DAYS_BEFORE..=BOOKED_DAYS_AFTER).contains(&days)
        && difference <= tolerance(amount)
        && same_counterparty(p, t)
        // Nothing says who was paid on either side: only the exact amount ties them.
        && (difference.is_zero() || has_counterparty(p, t));
    fits.then_some((!difference.is_zero(), difference, days.abs()))
}

fn given(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Whether either side names or identifies its counterparty.
fn has_counterparty(p: &PendingRow, t: &NewTransaction) -> bool {
    [
        &p.counterparty_iban,
        &p.counterparty_name,
        &t.counterparty_iban,
        &t.counterparty_name,
    ]
    .iter()
    .any(|s| given(s.as_ref()).is_some())
}

/// Same IBAN, or same name (case and surrounding spaces aside), or no counterparty on either
/// side. Two absent IBANs say nothing: card payments carry none, and a pending -4.50 at one shop
/// must not be retired by the booking of -4.50 at another.
fn same_counterparty(p: &PendingRow, t: &NewTransaction) -> bool {
    let (pi, ti) = (
        given(p.counterparty_iban.as_ref()),
        given(t.counterparty_iban.as_ref()),
    );
    let (pn, tn) = (
        given(p.counterparty_name.as_ref()),
        given(t.counterparty_name.as_ref()),
    );
    match ((pi, ti), (pn, tn)) {
        ((Some(a), Some(b)), _) if a.eq_ignore_ascii_case(b) => true,
        (_, (Some(a), Some(b))) => a.to_lowercase() == b.to_lowercase(),
        ((None, None), (None, None)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::state::BookingStatus;
    use time::macros::date;

    fn booked(amount: &str, day: Date, name: &str) -> NewTransaction {
        NewTransaction {
            bank_transaction_id: None,
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(day),
            value_date: Some(day),
            amount: amount.parse().unwrap(),
            currency: "EUR".into(),
            counterparty_name: Some(name.into()),
            counterparty_iban: None,
            remittance_unstructured: None,
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::Value::Null,
        }
    }

    fn pending(id: i64, amount: &str, day: Date, name: &str) -> PendingRow {
        PendingRow {
            id,
            amount: amount.parse().unwrap(),
            currency: "EUR".into(),
            counterparty_iban: None,
            counterparty_name: Some(name.into()),
            date: Some(day),
            entry_reference: None,
            end_to_end_id: None,
        }
    }

    #[test]
    fn two_identical_card_payments_each_retire_their_own_pending_entry() {
        let b = booked("-4.50", date!(2026 - 11 - 21), "Bakkerij");
        let pend = [
            pending(1, "-4.5", date!(2026 - 11 - 20), "Bakkerij"),
            pending(2, "-4.50", date!(2026 - 11 - 20), "Bakkerij"),
        ];
        assert_eq!(
            pick_superseded(&[(&b, 10), (&b, 11)], &pend),
            vec![(1, 10), (2, 11)]
        );
        // A third booking finds no pending entry left.
        assert_eq!(
            pick_superseded(&[(&b, 10), (&b, 11), (&b, 12)], &pend).len(),
            2
        );
    }

    /// The ids `pick_superseded` pairs with one booking of `b`.
    fn picked(b: &NewTransaction, pend: &[PendingRow]) -> Vec<i64> {
        pick_superseded(&[(b, 10)], pend)
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    }

    #[test]
    fn other_currency_sign_counterparty_or_date_is_left_alone() {
        let b = booked("-4.50", date!(2026 - 11 - 21), "Bakkerij");
        let mut other_currency = pending(3, "-4.50", date!(2026 - 11 - 20), "Bakkerij");
        other_currency.currency = "USD".into();
        let pend = [
            pending(1, "4.50", date!(2026 - 11 - 20), "Bakkerij"),
            pending(2, "-4.50", date!(2026 - 11 - 20), "Slagerij"),
            other_currency,
            // Booked eight days after, or two days before, the pending entry.
            pending(4, "-4.50", date!(2026 - 11 - 13), "Bakkerij"),
            pending(5, "-4.50", date!(2026 - 11 - 23), "Bakkerij"),
        ];
        assert!(picked(&b, &pend).is_empty());
        // Seven days after and the day before still count.
        let week = [pending(7, "-4.50", date!(2026 - 11 - 14), "Bakkerij")];
        assert_eq!(picked(&b, &week), [7]);
        let before = [pending(8, "-4.50", date!(2026 - 11 - 22), "Bakkerij")];
        assert_eq!(picked(&b, &before), [8]);
    }

    #[test]
    fn a_changed_amount_pairs_within_20_percent_or_1_00() {
        let day = date!(2026 - 11 - 20);
        // 1.00 is the floor for small amounts: -4.50 books as -5.50, not -5.51.
        assert_eq!(
            picked(
                &booked("-5.50", day, "Bakkerij"),
                &[pending(1, "-4.50", day, "Bakkerij")]
            ),
            [1]
        );
        assert!(
            picked(
                &booked("-5.51", day, "Bakkerij"),
                &[pending(1, "-4.50", day, "Bakkerij")]
            )
            .is_empty()
        );
        // 20% above it: a -41.00 hold books as -45.10, or up to -49.20, not -49.21.
        assert_eq!(
            picked(
                &booked("-45.10", day, "Shell"),
                &[pending(2, "-41.00", day, "Shell")]
            ),
            [2]
        );
        assert_eq!(
            picked(
                &booked("-49.20", day, "Shell"),
                &[pending(2, "-41.00", day, "Shell")]
            ),
            [2]
        );
        assert!(
            picked(
                &booked("-49.21", day, "Shell"),
                &[pending(2, "-41.00", day, "Shell")]
            )
            .is_empty()
        );
        assert_eq!(
            picked(
                &booked("-32.80", day, "Shell"),
                &[pending(2, "-41.00", day, "Shell")]
            ),
            [2]
        );
        assert!(
            picked(
                &booked("-32.79", day, "Shell"),
                &[pending(2, "-41.00", day, "Shell")]
            )
            .is_empty()
        );
    }

    #[test]
    fn entries_without_any_counterparty_pair_only_at_the_exact_amount() {
        let day = date!(2026 - 11 - 20);
        let mut b = booked("-45.10", day, "");
        b.counterparty_name = None;
        let mut p = pending(1, "-41.00", day, "");
        p.counterparty_name = None;
        assert!(picked(&b, std::slice::from_ref(&p)).is_empty());
        p.amount = "-45.1".parse().unwrap();
        assert_eq!(picked(&b, &[p]), [1]);
    }

    #[test]
    fn the_exact_amount_then_the_smallest_difference_then_the_nearest_date_then_the_lowest_id_wins()
    {
        let b = booked("-45.10", date!(2026 - 11 - 22), "Shell");
        let at = |id, amount, day| pending(id, amount, day, "Shell");
        let exact_but_far = at(1, "-45.10", date!(2026 - 11 - 16));
        let close = at(2, "-45.00", date!(2026 - 11 - 22));
        let closer_amount = at(3, "-45.05", date!(2026 - 11 - 17));
        assert_eq!(picked(&b, &[close.clone(), exact_but_far]), [1]);
        assert_eq!(picked(&b, &[close.clone(), closer_amount.clone()]), [3]);
        let same_amount_nearer = at(4, "-45.05", date!(2026 - 11 - 21));
        assert_eq!(
            picked(&b, &[closer_amount.clone(), same_amount_nearer]),
            [4]
        );
        let twin = at(5, "-45.05", date!(2026 - 11 - 17));
        assert_eq!(picked(&b, &[twin, closer_amount]), [3]);
    }

    #[test]
    fn the_banks_references_link_whatever_the_amount_but_notprovided_links_nothing() {
        let day = date!(2026 - 11 - 20);
        let mut b = booked("-130.00", date!(2026 - 12 - 20), "Krasnapolsky");
        b.entry_reference = Some("ER-7".into());
        let mut p = pending(1, "-100.00", day, "Hotel");
        p.entry_reference = Some(" ER-7 ".into());
        // Linked beats a candidate that merely fits.
        let fits = pending(2, "-130.00", date!(2026 - 12 - 19), "Krasnapolsky");
        assert_eq!(picked(&b, &[fits.clone(), p.clone()]), [1]);
        p.entry_reference = None;
        p.end_to_end_id = Some("E2E-1".into());
        b.end_to_end_id = Some("E2E-1".into());
        assert_eq!(picked(&b, std::slice::from_ref(&p)), [1]);
        p.end_to_end_id = Some("NOTPROVIDED".into());
        b.end_to_end_id = Some("notprovided".into());
        assert!(picked(&b, std::slice::from_ref(&p)).is_empty());
        // A linked pending entry is not handed to a second booking.
        p.entry_reference = Some("ER-7".into());
        assert_eq!(
            pick_superseded(&[(&b, 10), (&b, 11)], &[p, fits]),
            [(1, 10), (2, 11)]
        );
    }
}
