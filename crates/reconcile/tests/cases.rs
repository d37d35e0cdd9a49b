//! Hand-written cases: the ten hard cases of `docs/reconciliation.md` and the promises of
//! `docs/reconcile.md`, with German and Dutch remittance texts. Properties of whole generated
//! batches (input order, no over-allocation, the accuracy targets) are tested in the
//! `reconcile-eval` crate, which owns the generator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use reconcile::{
    Config, Decision, HeldBack, Invoice, InvoiceKind, Matcher, NoMatchReason, NumberMatch, Outcome,
    Reason, Transaction, rf,
};
use rust_decimal::Decimal;
use time::macros::date;
use time::{Date, Duration};

// ------------------------------------------------------------------ builders

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const IBAN_MUELLER: &str = "DE89 3704 0044 0532 0130 00";
const IBAN_DEVRIES: &str = "NL91ABNA0417164300";
const IBAN_SCHMIDT: &str = "DE02120300000000202051";
const IBAN_UNKNOWN: &str = "DE44500105175407324931";

fn invoice(id: &str, number: &str, customer: &str, amount: &str, issued: Date) -> Invoice {
    let (name, ibans): (&str, Vec<String>) = match customer {
        "mueller" => ("Müller Haustechnik GmbH", vec![IBAN_MUELLER.into()]),
        "devries" => (
            "Installatiebedrijf De Vries B.V.",
            vec![IBAN_DEVRIES.into()],
        ),
        "schmidt" => ("Bäckerei Schmidt e.K.", vec![IBAN_SCHMIDT.into()]),
        other => (other, vec![]),
    };
    Invoice {
        id: id.into(),
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_id: customer.into(),
        customer_name: name.into(),
        customer_ibans: ibans,
        open_amount: d(amount),
        currency: "EUR".into(),
        issue_date: issued,
        due_date: issued + Duration::days(14),
        creditor_reference: None,
        end_to_end_id: None,
    }
}

fn credit_note(id: &str, number: &str, customer: &str, amount: &str, issued: Date) -> Invoice {
    Invoice {
        kind: InvoiceKind::CreditNote,
        ..invoice(id, number, customer, amount, issued)
    }
}

fn payment(id: &str, amount: &str, on: Date, name: &str, iban: &str, text: &str) -> Transaction {
    Transaction {
        id: id.into(),
        amount: d(amount),
        currency: "EUR".into(),
        booking_date: on,
        value_date: None,
        counterparty_name: Some(name.into()),
        counterparty_iban: Some(iban.into()),
        remittance_unstructured: Some(text.into()),
        remittance_structured: None,
        end_to_end_id: Some("NOTPROVIDED".into()),
    }
}

fn run(txs: &[Transaction], invs: &[Invoice]) -> Vec<Outcome> {
    Matcher::new(Config::default())
        .unwrap()
        .reconcile(txs, invs)
}

/// The automatic allocations as (invoice id, amount), or a panic that shows the decision.
fn auto(o: &Outcome) -> Vec<(String, Decimal)> {
    match &o.decision {
        Decision::Auto { allocations, .. } => allocations
            .iter()
            .map(|a| (a.invoice_id.clone(), a.amount))
            .collect(),
        other => panic!(
            "expected an automatic match for {}, got {other:#?}",
            o.transaction_id
        ),
    }
}

fn alloc(id: &str, amount: &str) -> (String, Decimal) {
    (id.to_string(), d(amount))
}

fn reasons(o: &Outcome) -> Vec<Reason> {
    match &o.decision {
        Decision::Auto { reasons, .. } => reasons.iter().map(|r| r.reason.clone()).collect(),
        Decision::Suggest { candidates, .. } => candidates
            .first()
            .map(|c| c.reasons.iter().map(|r| r.reason.clone()).collect())
            .unwrap_or_default(),
        Decision::NoMatch { .. } => vec![],
    }
}

fn suggested(o: &Outcome) -> Vec<Vec<String>> {
    o.suggestions()
        .iter()
        .map(|c| c.allocations.iter().map(|a| a.invoice_id.clone()).collect())
        .collect()
}

fn held_back(o: &Outcome) -> &HeldBack {
    match &o.decision {
        Decision::Suggest { held_back, .. } => held_back,
        other => panic!(
            "expected suggestions for {}, got {other:#?}",
            o.transaction_id
        ),
    }
}

const ISSUED: Date = date!(2024 - 03 - 01);
const PAID: Date = date!(2024 - 03 - 12);

// ------------------------------------------------------------------ one payment, one invoice

#[test]
fn german_text_with_number_without_prefix_and_customer_number() {
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "1190.00", ISSUED),
        invoice("i2", "RE-2024-0816", "mueller", "1190.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "1190.00",
        PAID,
        "MUELLER HAUSTECHNIK GMBH",
        IBAN_MUELLER,
        "Rechnung Nr. 2024-0815, Kd-Nr 4711",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "1190.00")]);
    assert!(reasons(&out[0]).iter().any(|r| matches!(
        r,
        Reason::InvoiceNumber {
            how: NumberMatch::WithoutPrefix,
            ..
        }
    )));
}

#[test]
fn a_customer_number_is_not_another_customers_invoice_without_its_prefix() {
    // Customer numbers (from 10,000) and web-shop numbers without prefix and zeros
    // (`INV-0013425` written `13425`) share a range: the payer's customer number named another
    // customer's invoice, and the known payer's own payment was held back (issue 16).
    let invs = [
        invoice("i1", "RE-2024-20834", "mueller", "59.00", ISSUED),
        invoice("i2", "INV-0013425", "other", "19.00", ISSUED),
        invoice("i3", "INV-0013426", "other", "19.00", ISSUED),
        invoice("i4", "INV-0013427", "other", "19.00", ISSUED),
    ];
    let txs = [
        payment(
            "t1",
            "59.00",
            PAID,
            "MUELLER HAUSTECHNIK GMBH",
            IBAN_MUELLER,
            "Kd-Nr 13425",
        ),
        payment(
            "t2",
            "19.00",
            PAID,
            "Jan Jansen",
            IBAN_UNKNOWN,
            "klantnummer 13426",
        ),
        payment(
            "t3",
            "19.00",
            PAID,
            "Jan Jansen",
            IBAN_UNKNOWN,
            "Rechnung 13427",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "59.00")]);
    assert!(
        !reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::InvoiceNumber { .. })),
        "Kd-Nr 13425 names no invoice"
    );
    assert!(
        !matches!(out[1].decision, Decision::Auto { .. }),
        "klantnummer 13426 is a customer number, not INV-0013426"
    );
    // Without a label the same digits are the invoice's number without prefix and zeros.
    assert_eq!(auto(&out[2]), vec![alloc("i4", "19.00")]);
}

#[test]
fn digits_inside_a_random_end_to_end_id_name_no_invoice() {
    // A payer's bank fills the end-to-end id with a random hex code; its digit runs
    // (`20768` in `4F41A20768B5EE37`) read as an invoice number without prefix named another
    // customer's item and held the payment back (issue 16).
    let invs = [
        invoice("i1", "RE-2024-20834", "mueller", "9489.54", ISSUED),
        invoice("i2", "INV-0020768", "other", "0.57", ISSUED),
        invoice("i3", "INV-0020769", "other", "12.00", ISSUED),
    ];
    let mut t1 = payment(
        "t1",
        "9489.54",
        PAID,
        "MUELLER HAUSTECHNIK GMBH",
        IBAN_MUELLER,
        "Ueberweisung",
    );
    t1.end_to_end_id = Some("4F41A20768B5EE37".into());
    let mut t2 = payment("t2", "12.00", PAID, "Jan Jansen", IBAN_UNKNOWN, "Zahlung");
    t2.end_to_end_id = Some("9C0E4D7F1B2A20769".into());
    let out = run(&[t1, t2], &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "9489.54")]);
    assert!(
        !matches!(out[1].decision, Decision::Auto { .. }),
        "a hex id ending in 20769 is no reference to INV-0020769"
    );
}

#[test]
fn a_payer_known_by_a_shared_name_still_finds_the_item_of_that_amount() {
    // Four customers are called "Schouten Advies"; the three compared first have open items of
    // other amounts. The payment from an unknown IBAN found no candidate at all (issue 16,
    // name_only at 20,000 transactions); the item of that amount must be suggested.
    let mut invs = Vec::new();
    for (k, amount) in ["10.00", "20.00", "30.00", "1698.00"].iter().enumerate() {
        invs.push(Invoice {
            customer_name: "Schouten Advies BV".into(),
            ..invoice(
                &format!("i{k}"),
                &format!("RE-2024-1320{k}"),
                &format!("c{k}"),
                amount,
                ISSUED,
            )
        });
    }
    let txs = [payment(
        "t1",
        "1698.00",
        PAID,
        "Schouten Advies",
        IBAN_UNKNOWN,
        "",
    )];
    let out = run(&txs, &invs);
    assert!(!matches!(out[0].decision, Decision::Auto { .. }));
    let s = suggested(&out[0]);
    assert!(
        s.iter().take(3).any(|c| c == &vec!["i3".to_string()]),
        "{:#?}",
        out[0].decision
    );
}

#[test]
fn one_of_many_customers_of_one_name_is_found_by_the_amount_among_many_equal_items() {
    // Five customers called "Bäckerei Beck GmbH"; the name index ranks three of them first,
    // and none of those has an item of 299.00. Twelve other customers have items of 299.00
    // due nearer the payment. The payer's own item must still be among the first three.
    let mut invs = Vec::new();
    for k in 1..=5 {
        invs.push(Invoice {
            customer_id: format!("beck-{k}"),
            customer_name: "Bäckerei Beck GmbH".into(),
            ..invoice(
                &format!("a{k}"),
                &format!("RE-2024-01{k:02}"),
                "x",
                &format!("{k}10.00"),
                ISSUED,
            )
        });
    }
    invs.push(Invoice {
        customer_id: "beck-5".into(),
        customer_name: "Bäckerei Beck GmbH".into(),
        ..invoice(
            "z-beck",
            "RE-2024-0300",
            "x",
            "299.00",
            date!(2024 - 01 - 10),
        )
    });
    for k in 0..12 {
        invs.push(Invoice {
            customer_id: format!("other-{k}"),
            customer_name: format!("Firma Nummer {k}"),
            ..invoice(
                &format!("o{k:02}"),
                &format!("RE-2024-05{k:02}"),
                "x",
                "299.00",
                ISSUED,
            )
        });
    }
    let txs = [payment(
        "t1",
        "299.00",
        PAID,
        "BAECKEREI BECK GMBH",
        IBAN_UNKNOWN,
        "Zahlung",
    )];
    let out = run(&txs, &invs);
    let first3: Vec<Vec<String>> = suggested(&out[0]).into_iter().take(3).collect();
    assert!(first3.contains(&vec!["z-beck".to_string()]), "{first3:?}");
    assert!(out[0].auto_allocations().is_none());
}

#[test]
fn sepa_tags_spaces_and_a_placeholder_end_to_end_id() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "250.00", ISSUED)];
    let txs = [payment(
        "t1",
        "250.00",
        PAID,
        "Mueller",
        IBAN_UNKNOWN,
        "SVWZ+RE 2024 0815 EREF+NOTPROVIDED",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "250.00")]);
    assert!(
        !reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::EndToEndId { .. })),
        "NOTPROVIDED is no end-to-end id"
    );
}

#[test]
fn dutch_texts_betaling_factuur_and_omschrijving() {
    let invs = [
        invoice("i1", "RE-2024-0815", "devries", "605.00", ISSUED),
        invoice("i2", "RE-2024-0816", "devries", "88.00", ISSUED),
    ];
    let txs = [
        payment(
            "t1",
            "605.00",
            PAID,
            "INSTALLATIEBEDRIJF DE VRIES BV",
            IBAN_DEVRIES,
            "Betaling factuur 20240815",
        ),
        payment(
            "t2",
            "88.00",
            PAID,
            "De Vries",
            IBAN_UNKNOWN,
            "Omschrijving: factuur re-2024/0816 bedankt",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "605.00")]);
    assert_eq!(auto(&out[1]), vec![alloc("i2", "88.00")]);
}

#[test]
fn valid_rf_reference_in_the_structured_field() {
    let mut i1 = invoice("i1", "RE-2024-0815", "x-gmbh", "77.00", ISSUED);
    let reference = rf::make_rf("RE20240815").unwrap();
    i1.creditor_reference = Some(reference.clone());
    let mut t = payment("t1", "77.00", PAID, "Someone", IBAN_UNKNOWN, "");
    t.remittance_unstructured = None;
    t.remittance_structured = Some(reference.replace(' ', ""));
    let out = run(&[t.clone()], &[i1.clone()]);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "77.00")]);
    assert!(
        reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::CreditorReference { .. }))
    );

    // One wrong digit: the check fails and the reference counts for nothing.
    let mut bad = reference.replace(' ', "");
    let last = bad.pop().unwrap();
    bad.push(if last == '5' { '6' } else { '5' });
    assert!(!rf::is_valid_rf(&bad));
    t.remittance_structured = Some(bad);
    let out = run(&[t], &[i1]);
    assert!(out[0].auto_allocations().is_none());
}

#[test]
fn end_to_end_id_we_sent_identifies_the_item() {
    let mut i1 = invoice("i1", "RE-2024-0815", "x-gmbh", "45.00", ISSUED);
    i1.end_to_end_id = Some("DD-2024-77".into());
    let mut t = payment("t1", "45.00", PAID, "X", IBAN_UNKNOWN, "Lastschrift");
    t.end_to_end_id = Some("DD-2024-77".into());
    let out = run(&[t], &[i1]);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "45.00")]);
    assert!(
        reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::EndToEndId { .. }))
    );
}

// ------------------------------------------------------------------ hard case 1: several invoices

#[test]
fn one_payment_for_several_listed_invoices() {
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "100.00", ISSUED),
        invoice("i2", "RE-2024-0816", "mueller", "250.50", ISSUED),
        invoice("i3", "RE-2024-0817", "mueller", "999.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "350.50",
        PAID,
        "Müller Haustechnik",
        IBAN_MUELLER,
        "Rechnungen RE-2024-0815 und RE-2024-0816",
    )];
    let out = run(&txs, &invs);
    assert_eq!(
        auto(&out[0]),
        vec![alloc("i1", "100.00"), alloc("i2", "250.50")]
    );
}

#[test]
fn one_payment_for_a_non_prefix_subset_found_by_amount() {
    // 300.00 = 100.00 + 200.00; a greedy walk by due date would take 150.00 first.
    let invs = [
        invoice(
            "i1",
            "RE-2024-0001",
            "mueller",
            "150.00",
            date!(2024 - 02 - 01),
        ),
        invoice(
            "i2",
            "RE-2024-0002",
            "mueller",
            "100.00",
            date!(2024 - 02 - 10),
        ),
        invoice(
            "i3",
            "RE-2024-0003",
            "mueller",
            "120.00",
            date!(2024 - 02 - 20),
        ),
        invoice(
            "i4",
            "RE-2024-0004",
            "mueller",
            "200.00",
            date!(2024 - 02 - 25),
        ),
    ];
    let txs = [payment(
        "t1",
        "300.00",
        PAID,
        "MUELLER HAUSTECHNIK GMBH",
        IBAN_MUELLER,
        "Zahlung offene Posten",
    )];
    let out = run(&txs, &invs);
    assert_eq!(
        auto(&out[0]),
        vec![alloc("i2", "100.00"), alloc("i4", "200.00")]
    );
    assert!(
        reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::OnlyFittingCombination))
    );
}

#[test]
fn two_combinations_with_the_same_sum_are_only_suggested() {
    let invs = [
        invoice("i1", "RE-2024-0001", "mueller", "100.00", ISSUED),
        invoice("i2", "RE-2024-0002", "mueller", "200.00", ISSUED),
        invoice("i3", "RE-2024-0003", "mueller", "120.00", ISSUED),
        invoice("i4", "RE-2024-0004", "mueller", "180.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "300.00",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "Zahlung",
    )];
    let out = run(&txs, &invs);
    assert!(out[0].auto_allocations().is_none());
    let s = suggested(&out[0]);
    assert!(s.contains(&vec!["i1".to_string(), "i2".to_string()]));
    assert!(s.contains(&vec!["i3".to_string(), "i4".to_string()]));
}

// ------------------------------------------------------------------ hard case 2: equal amounts

#[test]
fn a_payment_without_purpose_settles_the_item_due_first_then_the_oldest() {
    // Rent for January and February: same customer, same amount, no reference. Without a
    // stated purpose the payment settles the debt due first (§ 366 Abs. 2 BGB): January's,
    // whatever order the items come in.
    let jan = invoice(
        "jan",
        "RE-2024-0101",
        "schmidt",
        "850.00",
        date!(2024 - 01 - 01),
    );
    let feb = invoice(
        "zfeb",
        "RE-2024-0201",
        "schmidt",
        "850.00",
        date!(2024 - 02 - 01),
    );
    let pay = |on: Date| {
        payment(
            "t1",
            "850.00",
            on,
            "BAECKEREI SCHMIDT",
            IBAN_SCHMIDT,
            "Miete",
        )
    };
    for invs in [[jan.clone(), feb.clone()], [feb.clone(), jan.clone()]] {
        let out = run(&[pay(date!(2024 - 02 - 05))], &invs);
        assert_eq!(auto(&out[0]), vec![alloc("jan", "850.00")]);
        assert!(
            reasons(&out[0]).contains(&Reason::OldestOfEqualItems { count: 2 }),
            "{:#?}",
            out[0]
        );
    }
    // The later one is older but not due yet, the earlier one issued later is due already:
    // the due one is settled first (a 14-day term beside a 60-day one).
    let long_term = Invoice {
        due_date: date!(2024 - 03 - 01),
        ..invoice(
            "a-long",
            "RE-2024-0102",
            "schmidt",
            "850.00",
            date!(2024 - 01 - 01),
        )
    };
    let short_term = invoice(
        "b-short",
        "RE-2024-0103",
        "schmidt",
        "850.00",
        date!(2024 - 01 - 10),
    );
    let out = run(&[pay(date!(2024 - 02 - 05))], &[long_term, short_term]);
    assert_eq!(auto(&out[0]), vec![alloc("b-short", "850.00")]);
}

#[test]
fn equal_items_of_equal_age_or_a_stated_purpose_are_only_suggested() {
    // Issued the same day: of equal age, the law splits the payment; no automatic booking.
    let invs = [
        invoice("m1", "RE-2024-0101", "schmidt", "850.00", ISSUED),
        invoice("m2", "RE-2024-0102", "schmidt", "850.00", ISSUED),
    ];
    let tx = payment("t1", "850.00", PAID, "Schmidt", IBAN_SCHMIDT, "Miete");
    let out = run(std::slice::from_ref(&tx), &invs);
    assert!(matches!(
        held_back(&out[0]),
        HeldBack::Ambiguous { .. } | HeldBack::BelowThreshold { .. }
    ));
    let s = suggested(&out[0]);
    assert!(s.contains(&vec!["m1".to_string()]) && s.contains(&vec!["m2".to_string()]));
    // Different ages, but the text names a number that is no open item: the payer stated a
    // purpose (a paid invoice paid again), so the rule does not apply.
    let invs = [
        invoice(
            "jan",
            "RE-2024-0101",
            "schmidt",
            "850.00",
            date!(2024 - 01 - 01),
        ),
        invoice(
            "feb",
            "RE-2024-0201",
            "schmidt",
            "850.00",
            date!(2024 - 02 - 01),
        ),
    ];
    let tx = Transaction {
        remittance_unstructured: Some("Miete RE-2023-1201".into()),
        booking_date: date!(2024 - 02 - 05),
        ..tx
    };
    let out = run(&[tx], &invs);
    assert!(out[0].auto_allocations().is_none(), "{:#?}", out[0]);
}

#[test]
fn a_reference_decides_between_equal_amounts_and_the_batch_settles_the_other() {
    let invs = [
        invoice(
            "jan",
            "RE-2024-0101",
            "schmidt",
            "850.00",
            date!(2024 - 01 - 01),
        ),
        invoice(
            "feb",
            "RE-2024-0201",
            "schmidt",
            "850.00",
            date!(2024 - 02 - 01),
        ),
    ];
    let txs = [
        payment(
            "t-jan",
            "850.00",
            date!(2024 - 02 - 05),
            "Schmidt",
            IBAN_SCHMIDT,
            "Miete Januar RE-2024-0101",
        ),
        payment(
            "t-feb",
            "850.00",
            date!(2024 - 02 - 06),
            "Schmidt",
            IBAN_SCHMIDT,
            "Miete",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("jan", "850.00")]);
    // January is taken by the named payment, so the unnamed one can only be February's.
    assert_eq!(auto(&out[1]), vec![alloc("feb", "850.00")]);
}

// ------------------------------------------------------------------ hard case 3: mangled references

#[test]
fn mangled_references_are_repaired() {
    let invs = [
        invoice("i1", "RE-2024-0815", "a", "10.00", ISSUED),
        invoice("i2", "INV-0012345", "b", "20.00", ISSUED),
        invoice("i3", "RE-2024-0042", "c", "30.00", ISSUED),
        invoice("i4", "RE-2024-0777", "d", "40.00", ISSUED),
    ];
    let txs = [
        // O for 0, lower case.
        payment("t1", "10.00", PAID, "A", IBAN_UNKNOWN, "re-2O24-O815"),
        // Leading zeros dropped.
        payment("t2", "20.00", PAID, "B", IBAN_UNKNOWN, "Invoice INV 12345"),
        // Missing zeros and a slash.
        payment("t3", "30.00", PAID, "C", IBAN_UNKNOWN, "RE 2024/42"),
        // Split across SVWZ lines.
        payment(
            "t4",
            "40.00",
            PAID,
            "D",
            IBAN_UNKNOWN,
            "SVWZ+RE 2024 07 77 EREF+X1",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "10.00")]);
    assert_eq!(auto(&out[1]), vec![alloc("i2", "20.00")]);
    assert_eq!(auto(&out[2]), vec![alloc("i3", "30.00")]);
    assert_eq!(auto(&out[3]), vec![alloc("i4", "40.00")]);
    assert!(reasons(&out[0]).iter().any(|r| matches!(
        r,
        Reason::InvoiceNumber {
            how: NumberMatch::Normalized,
            ..
        }
    )));
}

#[test]
fn a_typo_counts_with_the_amount_and_a_known_payer() {
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "321.00", ISSUED),
        invoice("i2", "RE-2024-3815", "other", "999.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "321.00",
        PAID,
        "Müller Haustechnik",
        IBAN_MUELLER,
        "Rechnung RE-2024-0851",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "321.00")]);
    assert!(reasons(&out[0]).iter().any(|r| matches!(
        r,
        Reason::InvoiceNumber {
            how: NumberMatch::Typo,
            ..
        }
    )));
}

// ------------------------------------------------------------------ hard case 4: coincidences

#[test]
fn whole_tokens_only_14_never_matches_inside_1814() {
    let invs = [
        invoice("short", "14", "a", "18.14", ISSUED),
        invoice("inv1", "INV-1", "b", "12.00", ISSUED),
        invoice("inv12", "INV-12", "c", "12.00", ISSUED),
    ];
    let txs = [
        payment("t1", "18.14", PAID, "Z", IBAN_UNKNOWN, "Bestellung 1814"),
        payment("t2", "12.00", PAID, "Y", IBAN_UNKNOWN, "Rechnung INV-12"),
    ];
    let out = run(&txs, &invs);
    assert!(
        !reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::InvoiceNumber { .. })),
        "{:#?}",
        out[0]
    );
    assert!(out[0].auto_allocations().is_none());
    assert_eq!(auto(&out[1]), vec![alloc("inv12", "12.00")]);
}

#[test]
fn a_year_or_postcode_equal_to_a_number_needs_the_amount_to_agree() {
    let invs = [invoice("i1", "INV-0080331", "a", "500.00", ISSUED)];
    let txs = [payment(
        "t1",
        "123.45",
        PAID,
        "Z",
        IBAN_UNKNOWN,
        "Lieferung nach 80331 München 2024",
    )];
    let out = run(&txs, &invs);
    assert!(out[0].auto_allocations().is_none());
}

// ------------------------------------------------------------------ hard case 5: amounts differ

#[test]
fn a_fee_within_tolerance_settles_and_the_rest_stays_open() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "400.00", ISSUED)];
    let txs = [payment(
        "t1",
        "396.50",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "396.50")]);
    assert!(reasons(&out[0]).iter().any(|r| matches!(
        r,
        Reason::AmountWithinTolerance { difference } if *difference == d("-3.50")
    )));
}

#[test]
fn cash_discount_in_time_and_late() {
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "1000.00", ISSUED),
        invoice("i2", "RE-2024-0816", "schmidt", "500.00", ISSUED),
    ];
    let txs = [
        payment(
            "t1",
            "980.00",
            date!(2024 - 03 - 10),
            "Mueller",
            IBAN_MUELLER,
            "RE-2024-0815 abzgl. 2% Skonto",
        ),
        payment(
            "t2",
            "490.00",
            date!(2024 - 03 - 20),
            "Schmidt",
            IBAN_SCHMIDT,
            "RE-2024-0816 Skonto",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "980.00")]);
    assert!(
        reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::AmountAfterCashDiscount { late: false, .. }))
    );
    // Taken six days after the 14-day period: still recognised, and said so.
    assert_eq!(auto(&out[1]), vec![alloc("i2", "490.00")]);
    assert!(
        reasons(&out[1])
            .iter()
            .any(|r| matches!(r, Reason::AmountAfterCashDiscount { late: true, .. }))
    );
}

// ------------------------------------------------------------------ hard case 6: payer ≠ customer

#[test]
fn a_payment_service_pays_with_the_reference() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "59.90", ISSUED)];
    let txs = [payment(
        "t1",
        "59.90",
        PAID,
        "PAYPAL EUROPE S.A.R.L. ET CIE S.C.A",
        "LU89751000135104200E",
        "1038475629 RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "59.90")]);
}

#[test]
fn a_known_iban_never_outweighs_a_reference_to_another_customer() {
    // The parent (Müller) pays its subsidiary's invoice and names it.
    let invs = [
        invoice("own", "RE-2024-0001", "mueller", "300.00", ISSUED),
        invoice("sub", "RE-2024-0815", "schmidt", "300.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "300.00",
        PAID,
        "Müller Haustechnik",
        IBAN_MUELLER,
        "RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    let first = match &out[0].decision {
        Decision::Auto { allocations, .. } => allocations[0].invoice_id.clone(),
        Decision::Suggest { candidates, .. } => candidates[0].allocations[0].invoice_id.clone(),
        Decision::NoMatch { .. } => panic!("{:#?}", out[0]),
    };
    assert_eq!(first, "sub");
}

#[test]
fn payer_name_with_another_legal_form_identifies_a_unique_customer() {
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "777.00", ISSUED),
        invoice("i2", "RE-2024-0816", "schmidt", "777.00", ISSUED),
    ];
    // New account, no reference: the name decides, legal form ignored.
    let txs = [payment(
        "t1",
        "777.00",
        PAID,
        "MUELLER HAUSTECHNIK AG",
        IBAN_UNKNOWN,
        "Danke",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "777.00")]);
    assert!(
        reasons(&out[0])
            .iter()
            .any(|r| matches!(r, Reason::PayerNameUnique { .. }))
    );
}

#[test]
fn a_shared_iban_identifies_nobody() {
    let psp = "NL02ABNA0123456789";
    let mut a = invoice("i1", "RE-2024-0815", "mueller", "80.00", ISSUED);
    a.customer_ibans.push(psp.into());
    let mut b = invoice("i2", "RE-2024-0816", "schmidt", "95.00", ISSUED);
    b.customer_ibans.push(psp.into());
    let txs = [payment(
        "t1",
        "80.00",
        PAID,
        "Mollie B.V.",
        psp,
        "Uitbetaling",
    )];
    let out = run(&txs, &[a, b]);
    assert!(out[0].auto_allocations().is_none());
}

// ------------------------------------------------------------------ hard case 7: partial, over

#[test]
fn several_partial_payments_for_one_invoice_in_one_batch() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "1000.00", ISSUED)];
    let txs = [
        payment(
            "t1",
            "400.00",
            PAID,
            "Mueller",
            IBAN_MUELLER,
            "1. Rate RE-2024-0815",
        ),
        payment(
            "t2",
            "600.00",
            date!(2024 - 03 - 20),
            "Mueller",
            IBAN_MUELLER,
            "2. Rate RE-2024-0815",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "400.00")]);
    assert_eq!(auto(&out[1]), vec![alloc("i1", "600.00")]);
    assert!(reasons(&out[0]).iter().any(|r| matches!(
        r,
        Reason::PartialPayment { remaining } if *remaining == d("600.00")
    )));
}

#[test]
fn partial_payments_never_over_allocate_the_invoice() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "1000.00", ISSUED)];
    let txs = [
        payment(
            "t1",
            "400.00",
            date!(2024 - 03 - 10),
            "Mueller",
            IBAN_MUELLER,
            "Teilzahlung RE-2024-0815",
        ),
        payment(
            "t2",
            "400.00",
            date!(2024 - 03 - 11),
            "Mueller",
            IBAN_MUELLER,
            "Teilzahlung RE-2024-0815",
        ),
        payment(
            "t3",
            "400.00",
            date!(2024 - 03 - 12),
            "Mueller",
            IBAN_MUELLER,
            "Teilzahlung RE-2024-0815",
        ),
    ];
    let out = run(&txs, &invs);
    let total: Decimal = out
        .iter()
        .filter_map(|o| o.auto_allocations())
        .flatten()
        .map(|a| a.amount)
        .sum();
    assert!(total <= d("1000.00"), "allocated {total}");
    assert_eq!(auto(&out[0]), vec![alloc("i1", "400.00")]);
    assert_eq!(auto(&out[1]), vec![alloc("i1", "400.00")]);
    // The third pays the last 200.00 and 200.00 too much: the known payer named the invoice,
    // so it settles the rest and the excess stays unallocated for a person.
    assert_eq!(auto(&out[2]), vec![alloc("i1", "200.00")]);
    match &out[2].decision {
        Decision::Auto { unallocated, .. } => assert_eq!(*unallocated, d("200.00")),
        other => panic!("{other:#?}"),
    }
}

#[test]
fn an_overpayment_of_the_named_invoice_by_its_known_payer_settles_it_and_leaves_the_excess() {
    // The known payer names the invoice and pays 50.00 too much: the invoice is paid, the
    // excess stays unallocated for a person (refund or credit), as an accountant books it.
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "100.00", ISSUED)];
    let tx = payment(
        "t1",
        "150.00",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "RE-2024-0815",
    );
    let out = run(std::slice::from_ref(&tx), &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "100.00")]);
    match &out[0].decision {
        Decision::Auto { unallocated, .. } => assert_eq!(*unallocated, d("50.00")),
        other => panic!("{other:#?}"),
    }
    // From an unknown IBAN the same payment is a suggestion with the excess unallocated.
    let tx = Transaction {
        counterparty_iban: Some(IBAN_UNKNOWN.into()),
        ..tx
    };
    let out = run(&[tx], &invs);
    assert_eq!(held_back(&out[0]), &HeldBack::AmountDoesNotSettle);
    let c = &out[0].suggestions()[0];
    assert_eq!(c.allocations[0].amount, d("100.00"));
    assert_eq!(c.unallocated, d("50.00"));
}

#[test]
fn an_unannounced_part_of_the_named_invoice_by_its_known_payer_is_booked() {
    // 400.00 of 1,000.00, the number written, from the customer's IBAN: the part is booked
    // and 600.00 stay open (before, it scored 75 and waited for a person).
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "1000.00", ISSUED)];
    let txs = [payment(
        "t1",
        "400.00",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "400.00")]);
}

#[test]
fn an_unannounced_underpayment_from_an_unknown_payer_is_suggested() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "1000.00", ISSUED)];
    let txs = [payment(
        "t1",
        "300.00",
        PAID,
        "Jemand",
        IBAN_UNKNOWN,
        "RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    assert_eq!(held_back(&out[0]), &HeldBack::AmountDoesNotSettle);
    assert_eq!(out[0].suggestions()[0].allocations[0].amount, d("300.00"));
}

// ------------------------------------------------------------------ hard case 8: credit notes

#[test]
fn an_outgoing_refund_settles_a_credit_note() {
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "120.00", ISSUED),
        credit_note("c1", "GS-2024-0012", "mueller", "120.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "-120.00",
        PAID,
        "Müller Haustechnik GmbH",
        IBAN_MUELLER,
        "Erstattung Gutschrift GS-2024-0012",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("c1", "120.00")]);
}

#[test]
fn an_outgoing_payment_never_settles_a_sales_invoice() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "120.00", ISSUED)];
    let txs = [payment(
        "t1",
        "-120.00",
        PAID,
        "Müller Haustechnik GmbH",
        IBAN_MUELLER,
        "Rückzahlung RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    assert!(out[0].auto_allocations().is_none());
    assert!(out[0].suggestions().is_empty());
    assert!(matches!(
        &out[0].decision,
        Decision::NoMatch {
            reason: NoMatchReason::WrongDirection { .. }
        }
    ));
}

#[test]
fn netting_an_invoice_against_a_credit_note() {
    let invs = [
        invoice("i1", "RE-2024-0815", "devries", "500.00", ISSUED),
        credit_note("c1", "GS-2024-0012", "devries", "80.00", ISSUED),
    ];
    let txs = [payment(
        "t1",
        "420.00",
        PAID,
        "De Vries",
        IBAN_DEVRIES,
        "Factuur RE-2024-0815 minus creditnota GS-2024-0012",
    )];
    let out = run(&txs, &invs);
    assert_eq!(
        auto(&out[0]),
        vec![alloc("c1", "80.00"), alloc("i1", "500.00")]
    );
    // Without any reference the sum alone finds the same pair.
    let txs = [payment(
        "t2",
        "420.00",
        PAID,
        "De Vries",
        IBAN_DEVRIES,
        "Betaling",
    )];
    let out = run(&txs, &invs);
    assert_eq!(
        auto(&out[0]),
        vec![alloc("c1", "80.00"), alloc("i1", "500.00")]
    );
}

// ------------------------------------------------------------------ hard cases 9 and 10

#[test]
fn the_same_payment_under_two_ids_settles_once() {
    // Pending row and booked row with churned ids and a shifted date.
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "220.00", ISSUED)];
    let txs = [
        payment(
            "pending-9f3",
            "220.00",
            date!(2024 - 03 - 11),
            "Mueller",
            IBAN_MUELLER,
            "RE-2024-0815",
        ),
        payment(
            "booked-17a",
            "220.00",
            date!(2024 - 03 - 12),
            "Mueller",
            IBAN_MUELLER,
            "RE-2024-0815",
        ),
    ];
    let out = run(&txs, &invs);
    let autos: Vec<_> = out
        .iter()
        .filter(|o| o.auto_allocations().is_some())
        .collect();
    assert_eq!(autos.len(), 1);
    let other = out.iter().find(|o| o.auto_allocations().is_none()).unwrap();
    assert!(matches!(
        &other.decision,
        Decision::NoMatch {
            reason: NoMatchReason::SettledInBatch { .. }
        } | Decision::Suggest {
            held_back: HeldBack::SettledInBatch { .. },
            ..
        }
    ));
}

#[test]
fn a_payment_booked_twice_does_not_settle_another_item_of_that_amount() {
    // The same transfer twice (the bank repeated it); the customer has a second open item of
    // the same amount. The copy names an invoice the first one settled: it must not be booked
    // to the other item by IBAN and amount.
    let invs = [
        invoice("i1", "RE-2024-5199", "mueller", "299.00", ISSUED),
        invoice(
            "i2",
            "RE-2024-5321",
            "mueller",
            "299.00",
            date!(2024 - 03 - 05),
        ),
    ];
    let tx = |id: &str| {
        payment(
            id,
            "299.00",
            PAID,
            "KAISER OPTIK",
            IBAN_MUELLER,
            "Re.-Nr. RE-2024-5199 vom 01.03.2024",
        )
    };
    let out = run(&[tx("t1"), tx("t2")], &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "299.00")]);
    assert!(out[1].auto_allocations().is_none(), "{:#?}", out[1]);
}

#[test]
fn identical_legitimate_payments_for_two_identical_invoices_each_settle_one() {
    // Two club memberships, paid the same day with the same text, each naming its invoice.
    let invs = [
        invoice("m1", "RE-2024-0101", "schmidt", "60.00", ISSUED),
        invoice("m2", "RE-2024-0102", "schmidt", "60.00", ISSUED),
    ];
    let txs = [
        payment(
            "t1",
            "60.00",
            PAID,
            "Schmidt",
            IBAN_SCHMIDT,
            "Beitrag RE-2024-0101",
        ),
        payment(
            "t2",
            "60.00",
            PAID,
            "Schmidt",
            IBAN_SCHMIDT,
            "Beitrag RE-2024-0102",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("m1", "60.00")]);
    assert_eq!(auto(&out[1]), vec![alloc("m2", "60.00")]);

    // Without references they cannot be told apart: suggestions, nothing over-allocated.
    let txs = [
        payment("t1", "60.00", PAID, "Schmidt", IBAN_SCHMIDT, "Beitrag"),
        payment("t2", "60.00", PAID, "Schmidt", IBAN_SCHMIDT, "Beitrag"),
    ];
    let out = run(&txs, &invs);
    assert!(out.iter().all(|o| o.auto_allocations().is_none()));
    assert!(out.iter().all(|o| o.suggestions().len() >= 2));
}

// ------------------------------------------------------------------ other rules

#[test]
fn a_payment_in_another_currency_is_never_automatic() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "100.00", ISSUED)];
    let mut t = payment(
        "t1",
        "108.00",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "RE-2024-0815",
    );
    t.currency = "USD".into();
    let out = run(&[t], &invs);
    assert_eq!(held_back(&out[0]), &HeldBack::CurrencyDiffers);
}

#[test]
fn a_paid_invoice_named_again_blocks_an_amount_only_match() {
    // RE-2024-0100 was paid last month and is not open; RE-2024-0457 has the same amount.
    let invs = [invoice("i4", "RE-2024-0457", "mueller", "49.00", ISSUED)];
    let txs = [payment(
        "t1",
        "49.00",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "RE-2024-0100",
    )];
    let out = run(&txs, &invs);
    assert!(matches!(
        held_back(&out[0]),
        HeldBack::UnknownReference { .. }
    ));
}

#[test]
fn zero_amount_and_nothing_to_match() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "100.00", ISSUED)];
    let txs = [
        payment("t0", "0.00", PAID, "X", IBAN_UNKNOWN, "RE-2024-0815"),
        payment("t1", "12.34", PAID, "Y", IBAN_UNKNOWN, "Zinsen"),
    ];
    let out = run(&txs, &invs);
    assert!(matches!(
        &out[0].decision,
        Decision::NoMatch {
            reason: NoMatchReason::ZeroAmount
        }
    ));
    assert!(matches!(
        &out[1].decision,
        Decision::NoMatch {
            reason: NoMatchReason::NoCandidates
        }
    ));
}

#[test]
fn absurd_amounts_are_refused_not_panicked_on() {
    let mut huge = invoice("i1", "RE-2024-0815", "mueller", "1.00", ISSUED);
    huge.open_amount = Decimal::MAX;
    let txs = [
        payment("t1", "1.00", PAID, "Mueller", IBAN_MUELLER, "RE-2024-0815"),
        Transaction {
            amount: Decimal::MIN,
            ..payment("t2", "1.00", PAID, "Mueller", IBAN_MUELLER, "RE-2024-0815")
        },
    ];
    let out = run(&txs, std::slice::from_ref(&huge));
    assert!(out[0].auto_allocations().is_none());
    assert!(matches!(
        &out[1].decision,
        Decision::NoMatch {
            reason: NoMatchReason::AmountOutOfRange
        }
    ));
}

#[test]
fn outcomes_serialize_for_the_server() {
    let invs = [invoice("i1", "RE-2024-0815", "mueller", "100.00", ISSUED)];
    let txs = [payment(
        "t1",
        "100.00",
        PAID,
        "Mueller",
        IBAN_MUELLER,
        "RE-2024-0815",
    )];
    let out = run(&txs, &invs);
    let v = serde_json::to_value(&out[0]).unwrap();
    assert_eq!(v["transaction_id"], "t1");
    assert_eq!(v["decision"], "auto");
    assert_eq!(v["allocations"][0]["invoice_id"], "i1");
    assert_eq!(v["allocations"][0]["amount"], "100.00");
    assert_eq!(v["reasons"][0]["reason"]["kind"], "invoice_number");
    // Every reason reads as English.
    for r in reasons(&out[0]) {
        assert!(!r.to_string().is_empty());
    }
}

#[test]
fn bad_configuration_is_refused_at_start() {
    let bad = Config {
        invoice_patterns: vec!["RE-@@@".into()],
        ..Config::default()
    };
    assert!(Matcher::new(bad).is_err());
}

// ------------------------------------------------------------------ sums without a reference

#[test]
fn a_sum_of_several_items_without_reference_or_known_iban_is_only_suggested() {
    // 600.00 is the sum of three of the customer's open items, and the payer's name identifies
    // the customer, but nothing says which items: a coincidence of sums must not book three
    // invoices. From the customer's known IBAN the same payment may be automatic.
    let invs = [
        invoice("i1", "RE-2024-0001", "mueller", "100.00", ISSUED),
        invoice("i2", "RE-2024-0002", "mueller", "200.00", ISSUED),
        invoice("i3", "RE-2024-0003", "mueller", "300.00", ISSUED),
        invoice("i4", "RE-2024-0004", "mueller", "450.00", ISSUED),
    ];
    let from = |id: &str, iban: &str| {
        payment(
            id,
            "600.00",
            PAID,
            "MUELLER HAUSTECHNIK GMBH",
            iban,
            "Danke",
        )
    };
    let out = run(&[from("t1", IBAN_UNKNOWN)], &invs);
    assert!(
        out[0].auto_allocations().is_none(),
        "booked by its sum alone: {:#?}",
        out[0].decision
    );
    let three = vec!["i1".to_string(), "i2".to_string(), "i3".to_string()];
    assert!(suggested(&out[0]).contains(&three));
    let known = run(&[from("t2", IBAN_MUELLER)], &invs);
    assert_eq!(
        auto(&known[0]),
        vec![
            alloc("i1", "100.00"),
            alloc("i2", "200.00"),
            alloc("i3", "300.00")
        ]
    );
}

#[test]
fn an_exact_sum_of_the_listed_invoices_beats_the_larger_one_overpaid() {
    // 1025.00 pays both listed invoices to the cent; it is also RE-2024-0815 overpaid by 2.4 %,
    // within the tolerance. The small one is long overdue, which costs the pair the date
    // points. The payer listed both: the exact sum must still win by the margin.
    let invs = [
        invoice("i1", "RE-2024-0815", "mueller", "1000.00", ISSUED),
        invoice(
            "i2",
            "RE-2023-0816",
            "mueller",
            "25.00",
            date!(2023 - 09 - 01),
        ),
    ];
    let txs = [payment(
        "t1",
        "1025.00",
        PAID,
        "Müller Haustechnik",
        IBAN_MUELLER,
        "RE-2024-0815 RE-2023-0816",
    )];
    let out = run(&txs, &invs);
    assert_eq!(
        auto(&out[0]),
        vec![alloc("i1", "1000.00"), alloc("i2", "25.00")]
    );
}

// ------------------------------------------------------------------ number shapes from the book

#[test]
fn typos_are_found_in_numbers_of_four_and_five_digits_without_configuration() {
    // The numbering passed 9999: four and five digits side by side. Each payment mistypes its
    // invoice's number into another real one (dense numbering), which is what a typo lookup
    // is for; the shapes are learned from the invoices, not configured.
    let invs = [
        invoice("i1", "RE-2026-10003", "mueller", "321.00", ISSUED),
        invoice("i2", "RE-2026-10030", "other", "999.00", ISSUED),
        invoice("i3", "RE-2026-9996", "schmidt", "555.00", ISSUED),
        invoice("i4", "RE-2026-9969", "another", "777.00", ISSUED),
    ];
    let txs = [
        payment(
            "t1",
            "321.00",
            PAID,
            "Müller Haustechnik",
            IBAN_MUELLER,
            "Rechnung RE-2026-10030",
        ),
        payment(
            "t2",
            "555.00",
            PAID,
            "Bäckerei Schmidt",
            IBAN_SCHMIDT,
            "Rechnung RE-2026-9969",
        ),
    ];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("i1", "321.00")]);
    assert_eq!(auto(&out[1]), vec![alloc("i3", "555.00")]);
    for o in &out {
        assert!(reasons(o).iter().any(|r| matches!(
            r,
            Reason::InvoiceNumber {
                how: NumberMatch::Typo,
                ..
            }
        )));
    }
}

// ------------------------------------------------------------------ customers sharing a name

/// An open item of customer `customer`, who bears `name` (several customers may).
fn namesake_item(id: &str, customer: &str, name: &str, amount: &str) -> Invoice {
    Invoice {
        customer_id: customer.into(),
        customer_name: name.into(),
        customer_ibans: vec![],
        ..invoice(id, &format!("RE-2024-{id}"), customer, amount, ISSUED)
    }
}

#[test]
fn the_only_fitting_item_among_namesakes_is_booked() {
    // Two customers are "Lotte Jacobs"; of all their open items only one is 81.26.
    let invs = [
        namesake_item("1001", "c1", "Lotte Jacobs", "81.26"),
        namesake_item("1002", "c2", "Lotte Jacobs", "120.00"),
        namesake_item("1003", "c2", "Lotte Jacobs", "45.00"),
    ];
    let txs = [payment(
        "t1",
        "81.26",
        PAID,
        "LOTTE JACOBS",
        IBAN_UNKNOWN,
        "Danke",
    )];
    let out = run(&txs, &invs);
    assert_eq!(auto(&out[0]), vec![alloc("1001", "81.26")]);
    assert!(
        reasons(&out[0]).contains(&Reason::OnlyFittingAmongNamesakes { customers: 2 }),
        "{:#?}",
        reasons(&out[0])
    );
}

#[test]
fn namesakes_with_the_same_amount_open_are_a_question() {
    let invs = [
        namesake_item("1001", "c1", "Lotte Jacobs", "81.26"),
        namesake_item("1002", "c2", "Lotte Jacobs", "81.26"),
    ];
    let txs = [payment(
        "t1",
        "81.26",
        PAID,
        "LOTTE JACOBS",
        IBAN_UNKNOWN,
        "Danke",
    )];
    let out = run(&txs, &invs);
    assert!(out[0].auto_allocations().is_none(), "{:#?}", out[0]);
    assert_eq!(suggested(&out[0]).len(), 2);
}

#[test]
fn a_name_merely_similar_to_namesakes_is_no_identifier() {
    // "L. Jacobs" resembles both customers but is neither's name.
    let invs = [
        namesake_item("1001", "c1", "Lotte Jacobs", "81.26"),
        namesake_item("1002", "c2", "Lotte Jacobs", "120.00"),
    ];
    let txs = [payment(
        "t1",
        "81.26",
        PAID,
        "L. Jacobs",
        IBAN_UNKNOWN,
        "Danke",
    )];
    let out = run(&txs, &invs);
    assert!(out[0].auto_allocations().is_none(), "{:#?}", out[0]);
}

#[test]
fn a_payer_whose_every_word_is_common_is_still_found_by_all_of_them() {
    // Hundreds of "Van der …" customers and dozens of "Schilders …" and "Schilder Van der Wal …": each
    // of the payer's words names too many to take all; the customer that all of them name must
    // not be crowded out of the name search.
    let mut invs = Vec::new();
    let mut id = 2000;
    let mut add = |invs: &mut Vec<Invoice>, name: String, amount: &str| {
        id += 1;
        let customer = format!("c{id}");
        invs.push(namesake_item(&id.to_string(), &customer, &name, amount));
    };
    // Customers are compared in the order of their ids when too many are found: the look-alikes
    // come first, and some have an item of the amount (so no search by amount alone follows).
    for k in 0..80 {
        add(&mut invs, format!("Schilder Van der Wal {k}"), "199.00");
    }
    for k in 0..80 {
        add(&mut invs, format!("Schilders Firma {k}"), "10.00");
    }
    let surnames = [
        "Berg", "Bos", "Veen", "Meer", "Linden", "Heide", "Horst", "Laan",
    ];
    for k in 0..240 {
        let word = surnames[k % surnames.len()];
        add(
            &mut invs,
            format!("Van der {word} Groep {}", k / 8),
            "10.00",
        );
    }
    add(&mut invs, "Schilders Van der Wal BV".into(), "199.00");
    let target = invs.last().unwrap().id.clone();
    let txs = [payment(
        "t1",
        "199.00",
        PAID,
        "Schilders Van der Wal",
        IBAN_UNKNOWN,
        "Betaling",
    )];
    let out = run(&txs, &invs);
    // Its look-alikes have items of that amount too, so a person chooses; the customer every
    // word names must be among the choices.
    assert!(suggested(&out[0]).contains(&vec![target]), "{:#?}", out[0]);
}
