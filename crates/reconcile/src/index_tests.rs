//! Tests of the per-batch index (kept apart: `index.rs` is near the file-size limit).

use super::*;

#[test]
fn live_amount_lists_keep_the_open_items_in_order() {
    let day = Date::MIN;
    let item = |inv| AmountItem {
        inv,
        due: day,
        kind: InvoiceKind::Invoice,
    };
    let lists = AmountLists {
        cents: vec![4900, 4900, 4900, 4900, 9900],
        items: [3, 0, 2, 1, 4].map(item).to_vec(),
    };
    let mut remaining = vec![Decimal::ONE; 5];
    remaining[0] = Decimal::ZERO;
    remaining[4] = Decimal::ZERO;
    let live = lists.live(&remaining);
    assert_eq!(live.hits(4900), [3, 2, 1].map(item));
    assert!(live.hits(9900).is_empty());
    assert_eq!(lists.hits(4900), [3, 0, 2, 1].map(item));
    assert!(lists.hits(100).is_empty());
}

/// Every key of every number in a dense book (`RE-2026-0001` to `RE-2026-99999`, four
/// digits padded, five beyond) finds its own invoice and no other: with the key checked
/// by a second seed of the same hash, 84 pairs below 10,000 collided in both.
#[test]
fn number_keys_of_a_dense_book_find_only_their_own_invoice() {
    let invoices: Vec<Invoice> = (1..=99_999u32)
        .map(|k| Invoice {
            id: format!("i{k}"),
            number: format!("RE-2026-{k:04}"),
            kind: InvoiceKind::Invoice,
            customer_id: format!("c{}", k % 500),
            customer_name: String::new(),
            customer_ibans: Vec::new(),
            open_amount: Decimal::ONE_HUNDRED,
            currency: "EUR".into(),
            issue_date: Date::MIN,
            due_date: Date::MIN,
            creditor_reference: None,
            end_to_end_id: None,
        })
        .collect();
    let index = Index::build(&invoices, &Config::default(), 2);
    let mut keys = KeyScratch::default();
    let mut false_hits = Vec::new();
    for (i, invoice) in invoices.iter().enumerate() {
        assert!(keys.compute(&invoice.number));
        let mut lookups = vec![(false, keys.exact.clone()), (true, keys.repaired.clone())];
        if let Some((dg, dr)) = keys.digits() {
            lookups.push((false, dg.to_string()));
            lookups.push((true, dr.to_string()));
        }
        for (repaired, key) in lookups {
            let hits: Vec<u32> = index.number_hits(repaired, &key).map(|h| h.0).collect();
            assert!(
                hits.contains(&(i as u32)),
                "{key} misses {}",
                invoice.number
            );
            false_hits.extend(
                hits.iter()
                    .filter(|&&h| h != i as u32)
                    .map(|&h| (key.clone(), invoices[h as usize].number.clone())),
            );
        }
    }
    assert!(
        false_hits.is_empty(),
        "{} false hits, e.g. {:?}",
        false_hits.len(),
        &false_hits[..false_hits.len().min(5)]
    );
}

#[test]
fn ranks_follow_the_order_of_the_strings() {
    let ids = [
        "b",
        "a",
        "INV-0000000000000002",
        "INV-0000000000000001",
        "a",
        "",
    ];
    let prefix: Vec<u128> = ids.iter().map(|s| id_prefix(s)).collect();
    let r = ranks(&prefix, |i| ids[i as usize]);
    assert_eq!(r, vec![4, 3, 2, 1, 3, 0]);
}
