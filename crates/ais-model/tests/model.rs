//! The model reads every shape real ING traffic takes (fixtures written in those shapes) and
//! writes back what it read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use ais_model::{
    AccountList, BalanceReport, BalanceType, Decimal, TppMessages, TransactionReport, decode,
};
use std::str::FromStr;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn accounts_with_card_accounts_and_unknown_fields() {
    let list: AccountList = decode("accounts", include_bytes!("fixtures/accounts.json")).unwrap();
    assert_eq!(list.accounts.len(), 2);
    let current = &list.accounts[0];
    assert_eq!(
        current.checked_iban().unwrap().unwrap().to_string(),
        "NL69 INGB 0123 4567 89"
    );
    assert!(
        current
            .links
            .transactions
            .as_ref()
            .unwrap()
            .href
            .starts_with("/v2/accounts/")
    );
    let card = &list.accounts[1];
    assert_eq!(card.checked_iban().unwrap(), None);
    assert_eq!(card.masked_pan.as_deref(), Some("543210******1234"));
}

#[test]
fn an_iban_with_a_bad_check_digit_is_refused() {
    let mut list: AccountList =
        decode("accounts", include_bytes!("fixtures/accounts.json")).unwrap();
    list.accounts[0].iban = Some("NL68INGB0123456789".into());
    assert!(
        list.accounts[0]
            .checked_iban()
            .unwrap_err()
            .to_string()
            .contains("NL68INGB0123456789")
    );
}

#[test]
fn balances_keep_unknown_types_and_exact_amounts() {
    let report: BalanceReport =
        decode("balances", include_bytes!("fixtures/balances.json")).unwrap();
    assert_eq!(report.balances[0].balance_type, BalanceType::ClosingBooked);
    assert_eq!(report.balances[0].balance_amount.amount, d("12345.67"));
    assert_eq!(report.balances[1].balance_amount.amount, d("-89.1"));
    assert_eq!(
        report.balances[2].balance_type,
        BalanceType::Other("nonStandardFutureType".into())
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["balances"][2]["balanceType"], "nonStandardFutureType");
    assert_eq!(json["balances"][0]["balanceAmount"]["amount"], "12345.67");
}

#[test]
fn transactions_in_every_real_shape() {
    let report: TransactionReport = decode(
        "transactions",
        include_bytes!("fixtures/transactions_page1.json"),
    )
    .unwrap();
    let booked = &report.transactions.booked;
    assert_eq!(booked.len(), 3);
    // Number amount, incoming: the counterparty is the debtor.
    assert_eq!(booked[0].amount(), Some(d("1250.5")));
    assert_eq!(
        booked[0].counterparty().name,
        Some("Bakker Groenvoorziening")
    );
    assert_eq!(booked[0].end_to_end_id(), None, "NOTPROVIDED is no id");
    assert!(
        booked[0]
            .remittance_text()
            .unwrap()
            .contains("factuur RE-2026-0042\nIBAN")
    );
    let rf = booked[0]
        .remittance_information_structured
        .as_ref()
        .unwrap();
    assert_eq!(
        (rf.reference.as_deref(), rf.reference_type.as_deref()),
        (Some("RF18539007547034"), Some("SCOR"))
    );
    // Signed string amount, outgoing: the counterparty is the creditor, not the account holder.
    assert_eq!(booked[1].amount(), Some(d("-738.94")));
    assert_eq!(
        booked[1].counterparty().name,
        Some("Stadtwerke München GmbH")
    );
    assert_eq!(
        booked[1].counterparty().account.unwrap().iban.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(booked[1].end_to_end_id(), Some("E2E-2026-11-19-0007"));
    assert_eq!(booked[1].value_date.unwrap().to_string(), "2026-11-18");
    // "+250.00" and a numeric bban.
    assert_eq!(booked[2].amount(), Some(d("250.00")));
    assert_eq!(
        booked[2].debtor_account.as_ref().unwrap().bban.as_deref(),
        Some("123456789")
    );
    // Pending: empty objects, a missing amount.
    let pending = &report.transactions.pending;
    assert_eq!(
        pending[0].counterparty().account,
        None,
        "{{}} is no account"
    );
    assert_eq!(pending[0].booking_date, None);
    assert_eq!(pending[1].amount(), None);
    assert_eq!(pending[1].currency(), Some("EUR"));
    assert_eq!(
        report.next_page(),
        Some("/v3/accounts/a217d676-7559-4f2a-83dc-5da0c2279223/transactions?next=CQR23TABC")
    );
}

#[test]
fn last_page_has_no_next_and_an_amount_without_currency() {
    let report: TransactionReport = decode(
        "transactions",
        include_bytes!("fixtures/transactions_last_page.json"),
    )
    .unwrap();
    assert_eq!(report.next_page(), None);
    assert_eq!(report.transactions.booked[0].amount(), Some(d("100.12")));
    assert_eq!(report.transactions.booked[0].currency(), None);
}

#[test]
fn round_trip_keeps_every_value() {
    for bytes in [
        &include_bytes!("fixtures/transactions_page1.json")[..],
        include_bytes!("fixtures/transactions_last_page.json"),
    ] {
        let first: TransactionReport = decode("transactions", bytes).unwrap();
        let again: TransactionReport =
            decode("transactions", &serde_json::to_vec(&first).unwrap()).unwrap();
        assert_eq!(first, again);
    }
}

#[test]
fn malformed_fields_are_named() {
    let err = decode::<TransactionReport>(
        "transactions",
        br#"{"transactions":{"booked":[{"bookingDate":"2026-13-01"}]}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("transactions.booked[0].bookingDate"),
        "{err}"
    );
    let err = decode::<TransactionReport>(
        "transactions",
        br#"{"transactions":{"booked":[{"transactionAmount":{"amount":"abc"}}]}}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("transactionAmount.amount"),
        "{err}"
    );
    let err = decode::<TransactionReport>("transactions", b"{\"transactions\":").unwrap_err();
    assert!(
        err.to_string().starts_with("cannot read transactions"),
        "{err}"
    );
}

#[test]
fn error_bodies() {
    let e: TppMessages = decode("error", include_bytes!("fixtures/error.json")).unwrap();
    assert_eq!(e.tpp_messages[0].code, "PERIOD_INVALID");
}
