//! The matcher's reasons in the page's language, from the typed signal stored beside each
//! English sentence (`reconcile::Reason`), and why a suggestion was held back. One scale on the
//! page: confidence as a percentage; the matcher's internal points are not shown, only whether a
//! reason spoke for (+) or against (−) the invoice.
//!
//! Every `reconcile::Reason` variant has its German and English sentence here (the match is
//! exhaustive, so a new variant does not compile until it is said in both); a line without a
//! typed signal (an older row, a decision by hand) is translated when it is one of the fixed
//! sentences the project writes, and shown as stored otherwise.

use rust_decimal::Decimal;
use storage::{Money, ReasonLine};

use reconcile::{NumberMatch, Reason, TextField};

use super::i18n::{Key, Lang};
use super::layout::money;

/// What a reason's sentence needs beyond the reason: the payment's amount and currency.
#[derive(Debug, Clone, Copy)]
pub struct Payment<'a> {
    /// The paid amount, positive; `None` when the payment is not at hand.
    pub paid: Option<Decimal>,
    /// Its currency.
    pub currency: &'a str,
}

/// A short difference at or below this is taken for a bank fee: the matcher's absolute
/// tolerance (`reconcile::Config::default().amount_tolerance`, 5.00), what intermediary banks
/// deduct from a foreign transfer.
const FEE_LIMIT: Decimal = Decimal::from_parts(500, 0, 0, false, 2);

/// What a difference within the tolerance is, as the page names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Difference {
    /// A few euros short: a fee deducted on the way.
    Fee,
    /// Short by a whole or half percentage between 1 % and 3 %: a cash discount (Skonto) taken.
    Skonto,
    /// Short by anything else.
    Underpayment,
    /// Paid more than open.
    Overpayment,
}

/// Names a difference `paid − open` (negative when short), given the open amount when known.
pub fn classify(difference: Decimal, open: Option<Decimal>) -> Difference {
    if difference > Decimal::ZERO {
        return Difference::Overpayment;
    }
    let short = difference.abs();
    if short <= FEE_LIMIT {
        return Difference::Fee;
    }
    match open.and_then(|o| percent_of(short, o)) {
        Some(p) => {
            let doubled = p * Decimal::TWO;
            let near_step = (doubled - doubled.round()).abs() <= Decimal::new(2, 2);
            if near_step && (Decimal::ONE..=Decimal::new(3, 0)).contains(&p) {
                Difference::Skonto
            } else {
                Difference::Underpayment
            }
        }
        None => Difference::Underpayment,
    }
}

fn percent_of(part: Decimal, whole: Decimal) -> Option<Decimal> {
    (whole > Decimal::ZERO).then(|| part * Decimal::ONE_HUNDRED / whole)
}

/// A percentage as people write it: `3 %` / `2,5 %` (de), `3%` / `2.5%` (en).
pub fn percent(lang: Lang, p: Decimal) -> String {
    let text = p.round_dp(1).normalize().to_string();
    match lang {
        Lang::De => format!("{} %", text.replace('.', ",")),
        Lang::En => format!("{text}%"),
    }
}

/// A stored confidence (0..1) as the page's one scale, a percentage.
pub fn confidence(lang: Lang, c: Decimal) -> String {
    percent(lang, (c * Decimal::ONE_HUNDRED).round())
}

fn pick(lang: Lang, en: String, de: String) -> String {
    match lang {
        Lang::En => en,
        Lang::De => de,
    }
}

fn field(lang: Lang, f: TextField) -> &'static str {
    match (f, lang) {
        (TextField::Unstructured, Lang::En) => "in the remittance text",
        (TextField::Unstructured, Lang::De) => "im Verwendungszweck",
        (TextField::Structured, Lang::En) => "in the structured remittance",
        (TextField::Structured, Lang::De) => "im strukturierten Verwendungszweck",
        (TextField::EndToEndId, Lang::En) => "in the end-to-end id",
        (TextField::EndToEndId, Lang::De) => "in der End-to-End-ID",
    }
}

fn how(lang: Lang, h: NumberMatch) -> &'static str {
    match (h, lang) {
        (NumberMatch::Exact, _) => "",
        (NumberMatch::Normalized, Lang::En) => " (after dropping leading zeros / reading O as 0)",
        (NumberMatch::Normalized, Lang::De) => " (führende Nullen entfernt / O als 0 gelesen)",
        (NumberMatch::WithoutPrefix, Lang::En) => " (digits without the prefix)",
        (NumberMatch::WithoutPrefix, Lang::De) => " (Ziffern ohne Präfix)",
        (NumberMatch::Typo, Lang::En) => " (with one typo)",
        (NumberMatch::Typo, Lang::De) => " (mit einem Tippfehler)",
    }
}

/// A difference within the tolerance in words: what it is and how much.
fn tolerance(lang: Lang, difference: Decimal, pay: Payment<'_>) -> String {
    let open = pay.paid.map(|p| p - difference);
    let amount = money(lang, Money::from(difference.abs()), pay.currency);
    let share = open
        .and_then(|o| percent_of(difference.abs(), o))
        .map(|p| format!(" ({})", percent(lang, p)))
        .unwrap_or_default();
    match classify(difference, open) {
        Difference::Fee => pick(
            lang,
            format!("{amount} less than open: most likely a bank fee deducted on the way"),
            format!("{amount} weniger als offen: vermutlich eine unterwegs abgezogene Bankgebühr"),
        ),
        Difference::Skonto => pick(
            lang,
            format!(
                "{amount}{share} less than open: looks like a cash discount (Skonto) the payer deducted; check that your terms allow it"
            ),
            format!(
                "{amount}{share} weniger als offen: sieht nach abgezogenem Skonto aus; prüfen, ob Ihre Zahlungsbedingungen es erlauben"
            ),
        ),
        Difference::Underpayment => pick(
            lang,
            format!("{amount}{share} less than open: an underpayment"),
            format!("{amount}{share} weniger als offen: eine Unterzahlung"),
        ),
        Difference::Overpayment => pick(
            lang,
            format!("{amount}{share} more than open: an overpayment"),
            format!("{amount}{share} mehr als offen: eine Überzahlung"),
        ),
    }
}

/// One reason of the matcher in `lang`.
pub fn reason(lang: Lang, r: &Reason, pay: Payment<'_>) -> String {
    let m = |d: Decimal| money(lang, Money::from(d), pay.currency);
    match r {
        Reason::InvoiceNumber {
            number,
            found,
            how: h,
            field: f,
        } => pick(
            lang,
            format!(
                "invoice number {number} found {} as {found}{}",
                field(lang, *f),
                how(lang, *h)
            ),
            format!(
                "Rechnungsnummer {number} {} gefunden als {found}{}",
                field(lang, *f),
                how(lang, *h)
            ),
        ),
        Reason::CreditorReference {
            number,
            reference,
            field: f,
        } => pick(
            lang,
            format!(
                "valid creditor reference {reference} of invoice {number} {}",
                field(lang, *f)
            ),
            format!(
                "gültige Gläubigerreferenz {reference} der Rechnung {number} {}",
                field(lang, *f)
            ),
        ),
        Reason::EndToEndId { number, id } => pick(
            lang,
            format!("end-to-end id {id} is the one sent for {number}"),
            format!("End-to-End-ID {id} ist die für {number} gesendete"),
        ),
        Reason::AllNamed { count } => pick(
            lang,
            format!("all {count} items are named in the text"),
            format!("alle {count} Posten stehen im Verwendungszweck"),
        ),
        Reason::NamedItemsLeftOut { count } => pick(
            lang,
            format!("the text also names {count} other open item(s) this candidate leaves out"),
            format!("der Text nennt noch {count} weitere offene Posten, die hier fehlen"),
        ),
        Reason::AmountExact { amount } => pick(
            lang,
            format!("amount {} matches exactly", m(*amount)),
            format!("Betrag {} stimmt genau", m(*amount)),
        ),
        Reason::AmountAfterCashDiscount { discount, late } => match late {
            false => pick(
                lang,
                format!(
                    "amount is the open amount less a cash discount (Skonto) of {}",
                    m(*discount)
                ),
                format!(
                    "Betrag ist der offene Betrag abzüglich Skonto von {}",
                    m(*discount)
                ),
            ),
            true => pick(
                lang,
                format!(
                    "amount is the open amount less a cash discount (Skonto) of {}, taken after the discount period",
                    m(*discount)
                ),
                format!(
                    "Betrag ist der offene Betrag abzüglich Skonto von {}, nach Ablauf der Skontofrist gezogen",
                    m(*discount)
                ),
            ),
        },
        Reason::AmountWithinTolerance { difference } => tolerance(lang, *difference, pay),
        Reason::PartialPayment { remaining } => pick(
            lang,
            format!("partial payment: {} stays open", m(*remaining)),
            format!("Teilzahlung: {} bleiben offen", m(*remaining)),
        ),
        Reason::PartialPaymentAnnounced => pick(
            lang,
            "the text announces a partial payment".into(),
            "der Text kündigt eine Teilzahlung an".into(),
        ),
        Reason::Overpayment { excess } => pick(
            lang,
            format!(
                "overpayment: {} more than open stays unallocated",
                m(*excess)
            ),
            format!(
                "Überzahlung: {} mehr als offen bleiben unzugeordnet",
                m(*excess)
            ),
        ),
        Reason::CombinedAmount { count, total } => pick(
            lang,
            format!("amount equals the sum {} of {count} open items", m(*total)),
            format!(
                "Betrag ist die Summe {} von {count} offenen Posten",
                m(*total)
            ),
        ),
        Reason::OnlyFittingItem => pick(
            lang,
            "the only open item of this customer that the amount fits".into(),
            "der einzige offene Posten dieses Kunden, zu dem der Betrag passt".into(),
        ),
        Reason::OnlyFittingCombination => pick(
            lang,
            "the only combination of this customer's open items that sums to the amount".into(),
            "die einzige Kombination offener Posten dieses Kunden, deren Summe der Betrag ist"
                .into(),
        ),
        Reason::OnlyFittingAmongNamesakes { customers } => pick(
            lang,
            format!(
                "the only open item that the amount fits among the {customers} customers bearing the payer's name"
            ),
            format!(
                "der einzige offene Posten, zu dem der Betrag passt, unter den {customers} Kunden mit dem Namen des Zahlers"
            ),
        ),
        Reason::OldestOfEqualItems { count } => pick(
            lang,
            format!(
                "the oldest of {count} open items of this customer with this amount: without a stated purpose a payment settles the item due first, then the oldest (§ 366 (2) BGB)"
            ),
            format!(
                "der älteste von {count} offenen Posten dieses Kunden mit diesem Betrag: ohne Tilgungsbestimmung tilgt eine Zahlung zuerst den fälligen, dann den ältesten Posten (§ 366 Abs. 2 BGB)"
            ),
        ),
        Reason::PayerIbanKnown { iban } => {
            let iban = bank_sync::mask_iban(iban);
            pick(
                lang,
                format!("payer IBAN {iban} is known for this customer"),
                format!("Zahler-IBAN {iban} ist für diesen Kunden bekannt"),
            )
        }
        Reason::PayerIbanShared { customers } => {
            let others = customers.saturating_sub(1);
            pick(
                lang,
                format!(
                    "payer IBAN is known for this customer and {others} others, so it identifies nobody"
                ),
                format!(
                    "Zahler-IBAN ist für diesen und {others} weitere Kunden bekannt, identifiziert also niemanden"
                ),
            )
        }
        Reason::PayerIbanOtherCustomer => pick(
            lang,
            "payer IBAN belongs to another customer".into(),
            "Zahler-IBAN gehört zu einem anderen Kunden".into(),
        ),
        Reason::PayerNameSimilar {
            payer,
            customer,
            percent: p,
        } => pick(
            lang,
            format!("payer name “{payer}” is {p}% similar to customer “{customer}”"),
            format!("Zahlername „{payer}“ ähnelt dem Kunden „{customer}“ zu {p} %"),
        ),
        Reason::PayerNameUnique { payer, customer } => pick(
            lang,
            format!("payer name “{payer}” matches customer “{customer}” and no other customer"),
            format!("Zahlername „{payer}“ passt zum Kunden „{customer}“ und zu keinem anderen"),
        ),
        Reason::PaidInTerm { days_after_issue } => pick(
            lang,
            format!("paid {days_after_issue} days after the issue date"),
            format!("{days_after_issue} Tage nach dem Rechnungsdatum bezahlt"),
        ),
        Reason::PaidLongAfterDue { days_after_due } => pick(
            lang,
            format!("paid {days_after_due} days after the due date"),
            format!("{days_after_due} Tage nach Fälligkeit bezahlt"),
        ),
        Reason::PaidBeforeIssue { days_before_issue } => pick(
            lang,
            format!("paid {days_before_issue} days before the invoice was issued"),
            format!("{days_before_issue} Tage vor dem Rechnungsdatum bezahlt"),
        ),
        Reason::CurrencyDiffers { payment, invoice } => pick(
            lang,
            format!("payment in {payment}, invoice in {invoice}"),
            format!("Zahlung in {payment}, Rechnung in {invoice}"),
        ),
        Reason::UnknownReference { reference } => pick(
            lang,
            format!("the text names {reference}, which is not an open item"),
            format!("der Text nennt {reference}, das kein offener Posten ist"),
        ),
    }
}

/// Whether a line spoke for or against the invoice (the page shows no points).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    /// It raised the confidence.
    For,
    /// It lowered it.
    Against,
    /// A decision or an event, not a signal.
    Neutral,
}

/// One stored line in `lang`, with whether it spoke for or against.
pub fn line(lang: Lang, l: &ReasonLine, pay: Payment<'_>) -> (Weight, String) {
    let weight = match l.points {
        p if p > 0 => Weight::For,
        p if p < 0 => Weight::Against,
        _ => Weight::Neutral,
    };
    if let Some(learned) = &l.learned_from {
        let text = lang
            .t(Key::KnownPayerLearned)
            .replace("{date}", &learned.on);
        return (weight, text);
    }
    if let Some(r) = l
        .signal
        .clone()
        .and_then(|s| serde_json::from_value::<Reason>(s).ok())
    {
        return (weight, reason(lang, &r, pay));
    }
    (weight, fixed_sentence(lang, &l.text, pay))
}

/// The project's own sentences that carry no typed signal: a match by hand, a payment the bank
/// changed after it was matched. Anything else is shown as stored.
fn fixed_sentence(lang: Lang, text: &str, pay: Payment<'_>) -> String {
    if text == "matched by hand" || text == "chosen by a person on the banking page" {
        return lang.t(Key::ByHand).to_owned();
    }
    if let Some(rest) = text.strip_prefix("the bank changed the amount from ")
        && let Some((before, rest)) = rest.split_once(" to ")
        && let Some((after, on)) = rest.split_once(" on ")
    {
        let amount = |a: &str| match a.parse::<Money>() {
            Ok(m) => money(lang, m, pay.currency),
            Err(_) => a.to_owned(),
        };
        return lang
            .t(Key::BankChangedAmount)
            .replace("{before}", &amount(before))
            .replace("{after}", &amount(after))
            .replace("{on}", on);
    }
    text.to_owned()
}

/// Why the matcher held a suggestion back, in `lang` and on the page's one scale. The reason is
/// stored as the matcher's English sentence (`reconcile::HeldBack`'s `Display`); each known
/// shape is read back, anything else is shown as stored.
pub fn held_back(lang: Lang, text: &str) -> String {
    let number = |s: &str| s.trim().parse::<i64>().ok();
    if let Some(rest) = text.strip_prefix("best score ")
        && let Some((score, threshold)) = rest.split_once(" is below the auto threshold ")
        && let (Some(score), Some(threshold)) = (number(score), number(threshold))
        && threshold > 0
    {
        // The same conversion as the matcher's confidence: the threshold reads 90 %.
        let c = (Decimal::new(90, 0) * Decimal::from(score) / Decimal::from(threshold))
            .round()
            .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
        return lang
            .t(Key::HeldBelowThreshold)
            .replace("{c}", &percent(lang, c))
            .replace("{auto}", &percent(lang, Decimal::new(90, 0)));
    }
    if text.starts_with("best score ") && text.contains(" leads the runner-up ") {
        return lang.t(Key::HeldAmbiguous).to_owned();
    }
    if let Some(rest) = text.strip_prefix("the text names ")
        && let Some(reference) = rest.strip_suffix(", which is not an open item")
    {
        return lang
            .t(Key::HeldUnknownReference)
            .replace("{ref}", reference);
    }
    if text.starts_with("item ") && text.ends_with(" in this batch") {
        return lang.t(Key::HeldSettledInBatch).to_owned();
    }
    let key = match text {
        "no reference and no IBAN unique to the customer identifies the item" => {
            Key::HeldNoIdentifier
        }
        "the amount does not settle the item; a person decides on the difference" => {
            Key::HeldAmountDoesNotSettle
        }
        "payment and invoice currencies differ" => Key::HeldCurrencyDiffers,
        _ => return text.to_owned(),
    };
    lang.t(key).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reconcile::HeldBack;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const EUR: Payment<'static> = Payment {
        paid: None,
        currency: "EUR",
    };

    /// Every reason the matcher gives: the match makes a new variant fail to compile here
    /// until it is added (and so said in both languages).
    fn every_reason() -> Vec<Reason> {
        let all = vec![
            Reason::InvoiceNumber {
                number: "RE-1".into(),
                found: "RE1".into(),
                how: NumberMatch::Typo,
                field: TextField::Unstructured,
            },
            Reason::CreditorReference {
                number: "RE-1".into(),
                reference: "RF18".into(),
                field: TextField::Structured,
            },
            Reason::EndToEndId {
                number: "RE-1".into(),
                id: "E2E".into(),
            },
            Reason::AllNamed { count: 2 },
            Reason::NamedItemsLeftOut { count: 1 },
            Reason::AmountExact { amount: d("10.00") },
            Reason::AmountAfterCashDiscount {
                discount: d("2.00"),
                late: true,
            },
            Reason::AmountWithinTolerance {
                difference: d("-240.00"),
            },
            Reason::PartialPayment {
                remaining: d("5.00"),
            },
            Reason::PartialPaymentAnnounced,
            Reason::Overpayment { excess: d("7.00") },
            Reason::CombinedAmount {
                count: 2,
                total: d("20.00"),
            },
            Reason::OnlyFittingItem,
            Reason::OnlyFittingCombination,
            Reason::OldestOfEqualItems { count: 2 },
            Reason::OnlyFittingAmongNamesakes { customers: 2 },
            Reason::PayerIbanKnown {
                iban: "DE89370400440532013000".into(),
            },
            Reason::PayerIbanShared { customers: 3 },
            Reason::PayerIbanOtherCustomer,
            Reason::PayerNameSimilar {
                payer: "Meyer".into(),
                customer: "Meyer GmbH".into(),
                percent: 90,
            },
            Reason::PayerNameUnique {
                payer: "Meyer".into(),
                customer: "Meyer GmbH".into(),
            },
            Reason::PaidInTerm {
                days_after_issue: 10,
            },
            Reason::PaidLongAfterDue {
                days_after_due: 100,
            },
            Reason::PaidBeforeIssue {
                days_before_issue: 3,
            },
            Reason::CurrencyDiffers {
                payment: "USD".into(),
                invoice: "EUR".into(),
            },
            Reason::UnknownReference {
                reference: "RE-9".into(),
            },
        ];
        for r in &all {
            match r {
                Reason::InvoiceNumber { .. }
                | Reason::CreditorReference { .. }
                | Reason::EndToEndId { .. }
                | Reason::AllNamed { .. }
                | Reason::NamedItemsLeftOut { .. }
                | Reason::AmountExact { .. }
                | Reason::AmountAfterCashDiscount { .. }
                | Reason::AmountWithinTolerance { .. }
                | Reason::PartialPayment { .. }
                | Reason::PartialPaymentAnnounced
                | Reason::Overpayment { .. }
                | Reason::CombinedAmount { .. }
                | Reason::OnlyFittingItem
                | Reason::OnlyFittingCombination
                | Reason::OldestOfEqualItems { .. }
                | Reason::OnlyFittingAmongNamesakes { .. }
                | Reason::PayerIbanKnown { .. }
                | Reason::PayerIbanShared { .. }
                | Reason::PayerIbanOtherCustomer
                | Reason::PayerNameSimilar { .. }
                | Reason::PayerNameUnique { .. }
                | Reason::PaidInTerm { .. }
                | Reason::PaidLongAfterDue { .. }
                | Reason::PaidBeforeIssue { .. }
                | Reason::CurrencyDiffers { .. }
                | Reason::UnknownReference { .. } => {}
            }
        }
        all
    }

    fn every_held_back() -> Vec<HeldBack> {
        let all = vec![
            HeldBack::BelowThreshold {
                score: 45,
                threshold: 80,
            },
            HeldBack::Ambiguous {
                best: 90,
                runner_up: 85,
                margin: 15,
            },
            HeldBack::NoIdentifier,
            HeldBack::AmountDoesNotSettle,
            HeldBack::CurrencyDiffers,
            HeldBack::UnknownReference {
                reference: "RE-9".into(),
            },
            HeldBack::SettledInBatch {
                invoice_id: "1".into(),
                transaction_id: "2".into(),
            },
        ];
        for h in &all {
            match h {
                HeldBack::BelowThreshold { .. }
                | HeldBack::Ambiguous { .. }
                | HeldBack::NoIdentifier
                | HeldBack::AmountDoesNotSettle
                | HeldBack::CurrencyDiffers
                | HeldBack::UnknownReference { .. }
                | HeldBack::SettledInBatch { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_reason_is_said_in_german_not_in_the_matchers_english() {
        for r in every_reason() {
            let stored = ReasonLine {
                points: 10,
                text: r.to_string(),
                signal: serde_json::to_value(&r).ok(),
                ..ReasonLine::default()
            };
            let (_, de) = line(Lang::De, &stored, EUR);
            let (_, en) = line(Lang::En, &stored, EUR);
            assert_ne!(de, r.to_string(), "{r:?} is not translated");
            assert_ne!(de, en, "{r:?} reads the same in German and English");
            for english in [" the ", " amount ", " payer ", " paid ", " invoice "] {
                assert!(!de.contains(english), "{r:?}: {de}");
            }
        }
    }

    #[test]
    fn every_held_back_reason_is_read_back_in_both_languages_on_one_scale() {
        for h in every_held_back() {
            let stored = h.to_string();
            let de = held_back(Lang::De, &stored);
            let en = held_back(Lang::En, &stored);
            assert_ne!(de, stored, "{h:?} is not translated");
            assert_ne!(en, stored, "{h:?} is shown as the matcher's sentence");
            assert!(!de.contains("score") && !en.contains("score"), "{en}");
        }
        let below = held_back(
            Lang::En,
            &HeldBack::BelowThreshold {
                score: 45,
                threshold: 80,
            }
            .to_string(),
        );
        assert!(below.contains("51%") && below.contains("90%"), "{below}");
        assert_eq!(held_back(Lang::De, "something new"), "something new");
    }

    #[test]
    fn a_difference_within_the_tolerance_is_named_with_its_amount() {
        let pay = |paid: &str| Payment {
            paid: Some(d(paid)),
            currency: "EUR",
        };
        let r = |diff: &str| Reason::AmountWithinTolerance {
            difference: d(diff),
        };
        // 8,000.00 open, 7,760.00 paid: 3 % short, a Skonto, never "rounding".
        let skonto = reason(Lang::En, &r("-240.00"), pay("7760.00"));
        assert_eq!(
            skonto,
            "€240.00 (3%) less than open: looks like a cash discount (Skonto) the payer deducted; check that your terms allow it"
        );
        let de = reason(Lang::De, &r("-240.00"), pay("7760.00"));
        assert!(de.starts_with("240,00 € (3 %) weniger als offen"), "{de}");
        assert!(
            reason(Lang::En, &r("-2.50"), pay("97.50"))
                .contains("€2.50 less than open: most likely a bank fee")
        );
        assert!(
            reason(Lang::En, &r("-170.00"), pay("7830.00"))
                .contains("less than open: an underpayment")
        );
        assert!(
            reason(Lang::En, &r("12.00"), pay("1012.00"))
                .contains("€12.00 (1.2%) more than open: an overpayment")
        );
        assert_eq!(classify(d("-240.00"), None), Difference::Underpayment);
    }

    #[test]
    fn sentences_without_a_signal() {
        let by_hand = ReasonLine::text("matched by hand");
        assert_eq!(line(Lang::De, &by_hand, EUR).1, "von Hand zugeordnet");
        let changed =
            ReasonLine::text("the bank changed the amount from 100.00 to 90.00 on 2026-12-01");
        assert_eq!(
            line(Lang::De, &changed, EUR).1,
            "die Bank hat den Betrag am 2026-12-01 von 100,00 € auf 90,00 € geändert"
        );
        assert_eq!(line(Lang::De, &ReasonLine::text("odd"), EUR).1, "odd");
        assert_eq!(confidence(Lang::De, d("0.51")), "51 %");
        assert_eq!(confidence(Lang::En, d("0.5")), "50%");
    }
}
