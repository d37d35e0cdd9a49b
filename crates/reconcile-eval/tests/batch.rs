//! Properties of whole generated batches: the result depends neither on the input order nor on
//! the thread count, no item is over-allocated, and the standard mix meets the accuracy targets
//! and beats the original rules. Also: the original rules refuse absurd amounts as the matcher
//! does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use reconcile::{Config, Invoice, InvoiceKind, Matcher, Outcome, Transaction};
use reconcile_eval::{GenConfig, baseline, generate, measure};
use rust_decimal::Decimal;
use time::macros::date;

fn run(txs: &[Transaction], invs: &[Invoice]) -> Vec<Outcome> {
    Matcher::new(Config::default())
        .unwrap()
        .reconcile(txs, invs)
}

#[test]
fn the_original_rules_refuse_absurd_amounts_too() {
    let huge = Invoice {
        id: "i1".into(),
        number: "RE-2024-0815".into(),
        kind: InvoiceKind::Invoice,
        customer_id: "mueller".into(),
        customer_name: "Müller Haustechnik GmbH".into(),
        customer_ibans: vec!["DE89 3704 0044 0532 0130 00".into()],
        open_amount: Decimal::MAX,
        currency: "EUR".into(),
        issue_date: date!(2024 - 03 - 01),
        due_date: date!(2024 - 03 - 15),
        creditor_reference: None,
        end_to_end_id: None,
    };
    let paid = Transaction {
        id: "t1".into(),
        amount: Decimal::new(100, 2),
        currency: "EUR".into(),
        booking_date: date!(2024 - 03 - 12),
        value_date: None,
        counterparty_name: Some("Mueller".into()),
        counterparty_iban: Some("DE89 3704 0044 0532 0130 00".into()),
        remittance_unstructured: Some("RE-2024-0815".into()),
        remittance_structured: None,
        end_to_end_id: Some("NOTPROVIDED".into()),
    };
    let txs = [
        paid.clone(),
        Transaction {
            id: "t2".into(),
            amount: Decimal::MIN,
            ..paid
        },
    ];
    let base = baseline::reconcile(&txs, &[huge]);
    assert!(base.iter().all(|o| o.auto_allocations().is_none()));
}

fn key(outcomes: &[Outcome]) -> HashMap<String, String> {
    outcomes
        .iter()
        .map(|o| (o.transaction_id.clone(), format!("{:?}", o.decision)))
        .collect()
}

#[test]
fn the_result_does_not_depend_on_input_order() {
    let data = generate(&GenConfig::standard(11, 600));
    let matcher = Matcher::new(Config::default()).unwrap();
    let base = key(&matcher.reconcile(&data.transactions, &data.invoices));
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for _ in 0..3 {
        let mut txs = data.transactions.clone();
        let mut invs = data.invoices.clone();
        txs.shuffle(&mut rng);
        invs.shuffle(&mut rng);
        let shuffled = key(&matcher.reconcile(&txs, &invs));
        let differ: Vec<_> = base
            .iter()
            .filter(|(k, v)| shuffled.get(*k) != Some(*v))
            .map(|(k, v)| format!("{k}:\n  before {v}\n  after  {:?}", shuffled.get(k)))
            .collect();
        assert!(differ.is_empty(), "{}", differ.join("\n"));
    }
    // Nor on the number of threads.
    let single = Matcher::new(Config {
        threads: 1,
        ..Config::default()
    })
    .unwrap();
    assert_eq!(
        base,
        key(&single.reconcile(&data.transactions, &data.invoices))
    );
}

#[test]
fn no_invoice_is_over_allocated_across_the_batch() {
    for seed in [1, 2, 3] {
        let data = generate(&GenConfig::standard(seed, 1500));
        let out = run(&data.transactions, &data.invoices);
        let open: HashMap<&str, Decimal> = data
            .invoices
            .iter()
            .map(|i| (i.id.as_str(), i.open_amount))
            .collect();
        let mut taken: HashMap<&str, Decimal> = HashMap::new();
        for o in &out {
            for a in o.auto_allocations().unwrap_or(&[]) {
                assert!(a.amount > Decimal::ZERO);
                *taken.entry(a.invoice_id.as_str()).or_default() += a.amount;
            }
        }
        for (id, amount) in taken {
            assert!(amount <= open[id], "{id}: {amount} > {}", open[id]);
        }
    }
}

#[test]
fn the_standard_mix_meets_the_targets_and_beats_the_original_rules() {
    let data = generate(&GenConfig::standard(7, 2000));
    let ours = measure(&data.labels, &run(&data.transactions, &data.invoices));
    let base = measure(
        &data.labels,
        &baseline::reconcile(&data.transactions, &data.invoices),
    );
    assert!(ours.all.precision() >= 0.995, "{:?}", ours.all);
    assert!(ours.all.recall() >= 0.90, "{:?}", ours.all);
    assert!(ours.all.top3() >= 0.98, "{:?}", ours.all);
    assert!(ours.all.recall() > base.all.recall() * 2.0);
}
