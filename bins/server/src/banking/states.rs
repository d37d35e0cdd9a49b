//! The stored states and the bank's balance types in the page's words: every state the page
//! shows (connections, sync runs, reconciliation, bookings, invoices) and ING's `balanceType`
//! names, never the raw word the database or the bank uses (`closingBooked`, `succeeded`,
//! `consent_expired`). Each match is exhaustive, so a new state does not compile until it has
//! its text.

use ais_model::BalanceType;
use storage::{BookingStatus, ConnectionStatus, InvoiceStatus, ReconciliationState, SyncOutcome};

use super::i18n::{Key, Lang};

/// A connection's state.
pub fn connection(lang: Lang, status: ConnectionStatus) -> &'static str {
    lang.t(match status {
        ConnectionStatus::Active => Key::Active,
        ConnectionStatus::Expiring => Key::Expiring,
        ConnectionStatus::Expired => Key::Expired,
        ConnectionStatus::Revoked => Key::Revoked,
        ConnectionStatus::Replaced => Key::Replaced,
        ConnectionStatus::Error => Key::ErrorStatus,
    })
}

/// How a sync run ended.
pub fn run(lang: Lang, outcome: SyncOutcome) -> &'static str {
    lang.t(match outcome {
        SyncOutcome::Running => Key::RunRunning,
        SyncOutcome::Succeeded => Key::RunSucceeded,
        SyncOutcome::Failed => Key::RunFailed,
        SyncOutcome::RateLimited => Key::RunRateLimited,
        SyncOutcome::ConsentExpired => Key::RunConsentExpired,
        SyncOutcome::Aborted => Key::RunAborted,
    })
}

/// Where a transaction's matching stands.
pub fn reconciliation(lang: Lang, s: ReconciliationState) -> &'static str {
    lang.t(match s {
        ReconciliationState::Matched => Key::Matched,
        ReconciliationState::Suggested => Key::Suggested,
        ReconciliationState::Unmatched => Key::Unmatched,
    })
}

/// A booking's state, our own bookkeeping words included.
pub fn booking(lang: Lang, s: BookingStatus) -> &'static str {
    lang.t(match s {
        BookingStatus::Booked => Key::Booked,
        BookingStatus::Pending => Key::Pending,
        BookingStatus::Superseded => Key::BookSuperseded,
        BookingStatus::Expired => Key::BookExpired,
    })
}

/// How much of an invoice is open.
pub fn invoice(lang: Lang, s: InvoiceStatus) -> &'static str {
    lang.t(match s {
        InvoiceStatus::Open => Key::Unmatched,
        InvoiceStatus::PartiallyPaid => Key::InvPartiallyPaid,
        InvoiceStatus::Paid => Key::InvPaid,
        InvoiceStatus::Cancelled => Key::InvCancelled,
    })
}

/// ING's balance type (`closingBooked`, `expected`, …) in words; an unknown type names itself.
pub fn balance(lang: Lang, wire: &str) -> String {
    let known = serde_json::from_value::<BalanceType>(serde_json::Value::String(wire.to_owned()))
        .unwrap_or(BalanceType::Other(wire.to_owned()));
    let key = match known {
        BalanceType::ClosingAvailable => Key::BalClosingAvailable,
        BalanceType::ClosingBooked => Key::BalClosingBooked,
        BalanceType::Expected => Key::BalExpected,
        BalanceType::Information => Key::BalInformation,
        BalanceType::InterimAvailable => Key::BalInterimAvailable,
        BalanceType::InterimBooked => Key::BalInterimBooked,
        BalanceType::PreviouslyClosedBooked => Key::BalPreviouslyClosedBooked,
        BalanceType::OpeningBooked => Key::BalOpeningBooked,
        BalanceType::ForwardAvailable => Key::BalForwardAvailable,
        BalanceType::NonInvoiced => Key::BalNonInvoiced,
        BalanceType::Other(t) => return lang.t(Key::BalOther).replace("{type}", &t),
    };
    lang.t(key).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text a state shows differs from the stored word in German, and German from English
    /// (so a missing translation, or the raw word, fails here).
    fn translated(what: &str, stored: &str, de: &str, en: &str) {
        assert_ne!(de, stored, "{what} {stored:?} shows the raw word in German");
        assert_ne!(
            de, en,
            "{what} {stored:?} reads the same in German and English"
        );
        assert!(!de.is_empty() && !en.is_empty());
    }

    #[test]
    fn every_state_has_a_text_in_every_language() {
        use sea_orm::Iterable as _;
        for s in ConnectionStatus::iter() {
            translated(
                "connection",
                s.as_str(),
                connection(Lang::De, s),
                connection(Lang::En, s),
            );
        }
        for s in SyncOutcome::iter() {
            translated("run", s.as_str(), run(Lang::De, s), run(Lang::En, s));
        }
        for s in ReconciliationState::iter() {
            translated(
                "reconciliation",
                s.as_str(),
                reconciliation(Lang::De, s),
                reconciliation(Lang::En, s),
            );
        }
        for s in BookingStatus::iter() {
            translated(
                "booking",
                s.as_str(),
                booking(Lang::De, s),
                booking(Lang::En, s),
            );
        }
        for s in InvoiceStatus::iter() {
            translated(
                "invoice",
                s.as_str(),
                invoice(Lang::De, s),
                invoice(Lang::En, s),
            );
        }
    }

    #[test]
    fn every_balance_type_ing_sends_has_a_text_in_every_language() {
        for wire in [
            "closingAvailable",
            "closingBooked",
            "expected",
            "information",
            "interimAvailable",
            "interimBooked",
            "previouslyClosedBooked",
            "openingBooked",
            "forwardAvailable",
            "nonInvoiced",
        ] {
            let de = balance(Lang::De, wire);
            translated("balance", wire, &de, &balance(Lang::En, wire));
            assert!(!de.contains(wire), "{de}");
            assert!(!de.starts_with("anderer"), "{wire} is not known: {de}");
        }
        assert_eq!(
            balance(Lang::En, "somethingNew"),
            "other balance (somethingNew)"
        );
    }
}
