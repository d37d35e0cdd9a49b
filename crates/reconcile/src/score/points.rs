//! The weights. Chosen so that: a reference plus an exact amount is automatic on its own
//! (50 + 30 + 5 for the date); an IBAN known for exactly this customer plus an exact amount is
//! automatic only when no other open item of that customer fits (25 + 30 + 20 + 5); a name
//! alone never is; a typo'd reference needs the IBAN as well. `docs/reconcile.md` gives the
//! whole table and where each weight comes from.

/// A valid RF reference printed on the invoice.
pub(crate) const RF: i32 = 60;
/// The end-to-end id we sent for this item.
pub(crate) const E2E: i32 = 60;
/// Invoice number, same letters and digits.
pub(crate) const NUMBER_EXACT: i32 = 50;
/// Invoice number after dropping leading zeros / OCR repair.
pub(crate) const NUMBER_NORMALIZED: i32 = 45;
/// Invoice number digits without the prefix.
pub(crate) const NUMBER_WITHOUT_PREFIX: i32 = 45;
/// Invoice number with one typo.
pub(crate) const NUMBER_TYPO: i32 = 25;
/// Every item of a combination named in the text.
pub(crate) const ALL_NAMED: i32 = 5;
/// Every item of a combination named in the text, and their sum is the amount to the cent.
/// The payer listed exactly these and paid exactly them, which must clearly beat "the largest
/// of them, overpaid within tolerance" (reference 50 + tolerance 25 − 10 for leaving the
/// others out). With [`ALL_NAMED`] the pair led by 10 once an old member cost it the date
/// points, under the auto margin of 15, and was held back as ambiguous; 15 more make it 25.
pub(crate) const ALL_NAMED_EXACT: i32 = 20;
/// The text names other open items that this candidate leaves out.
pub(crate) const NAMED_LEFT_OUT: i32 = -10;
/// The text names another open item and not this one at all.
pub(crate) const OTHER_ITEM_NAMED: i32 = -40;
/// Amount to the cent.
pub(crate) const AMOUNT_EXACT: i32 = 30;
/// Amount less the cash discount, in time.
pub(crate) const CASH_DISCOUNT: i32 = 30;
/// Amount less the cash discount, taken late.
pub(crate) const CASH_DISCOUNT_LATE: i32 = 15;
/// Amount within tolerance.
pub(crate) const TOLERANCE: i32 = 25;
/// A named item paid partly or overpaid.
pub(crate) const NAMED_BUT_AMOUNT_DIFFERS: i32 = -5;
/// A named item paid partly or overpaid by the payer whose IBAN (or unique name) is this
/// customer's: the difference is intended. With the reference, the IBAN and the date this is
/// the auto threshold (50 + 0 + 25 + 5 = 80).
pub(crate) const NAMED_BY_KNOWN_PAYER_AMOUNT_DIFFERS: i32 = 0;
/// An unnamed item the amount does not fit: most of a customer's other open items.
pub(crate) const AMOUNT_UNRELATED: i32 = -20;
/// The text announces a partial payment.
pub(crate) const PARTIAL_ANNOUNCED: i32 = 15;
/// The only fitting item of a customer identified by IBAN (or reference).
pub(crate) const ONLY_FITTING: i32 = 20;
/// The only fitting item of a customer identified by name only.
pub(crate) const ONLY_FITTING_BY_NAME: i32 = 10;
/// The only item the amount fits among all customers bearing the payer's name: with the same
/// name (15) it weighs what a unique name (25) and the only fitting item (20) weigh.
pub(crate) const ONLY_FITTING_AMONG_NAMESAKES: i32 = 30;
/// IBAN known for this customer only.
pub(crate) const IBAN_KNOWN: i32 = 25;
/// IBAN known for this and other customers.
pub(crate) const IBAN_SHARED: i32 = 5;
/// IBAN known for other customers only.
pub(crate) const IBAN_OTHER: i32 = -15;
/// The payer's name matches this customer's (≥ 0.95) and no other's (≥ 0.85).
pub(crate) const NAME_UNIQUE: i32 = 25;
/// Name similarity ≥ 0.95.
pub(crate) const NAME_SAME: i32 = 15;
/// Name similarity ≥ 0.85.
pub(crate) const NAME_SIMILAR: i32 = 10;
/// Name similarity ≥ 0.75.
pub(crate) const NAME_WEAK: i32 = 4;
/// Paid between issue and due date + window.
pub(crate) const IN_TERM: i32 = 5;
/// Paid after the window.
pub(crate) const LONG_AFTER_DUE: i32 = -5;
/// Paid before the issue date.
pub(crate) const BEFORE_ISSUE: i32 = -10;
/// Currencies differ.
pub(crate) const CURRENCY_DIFFERS: i32 = -30;
/// The text names a number that is not an open item.
pub(crate) const UNKNOWN_REFERENCE: i32 = -20;

/// The most an item neither named nor fitting the amount can score: IBAN 25 + name 15 +
/// date 5 − 20 for the amount. Below the suggest threshold such items are never shown, so they
/// are not built at all (most of a known customer's open items are such).
pub(crate) const UNRELATED_ITEM_BOUND: i32 = IBAN_KNOWN + NAME_SAME + IN_TERM + AMOUNT_UNRELATED;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_weights_keep_the_promises_of_the_module_doc() {
        let cfg = Config::default();
        // A reference and an exact amount are automatic on their own.
        assert!(NUMBER_EXACT + AMOUNT_EXACT + IN_TERM >= cfg.auto_threshold);
        assert!(NUMBER_EXACT + TOLERANCE + IN_TERM >= cfg.auto_threshold);
        // A known IBAN and an exact amount only when nothing else of the customer fits.
        assert!(IBAN_KNOWN + AMOUNT_EXACT + IN_TERM < cfg.auto_threshold);
        assert!(IBAN_KNOWN + AMOUNT_EXACT + ONLY_FITTING + IN_TERM >= cfg.auto_threshold);
        // A similar name and an exact amount never are.
        assert!(NAME_SAME + AMOUNT_EXACT + ONLY_FITTING_BY_NAME + IN_TERM < cfg.auto_threshold);
        // A typo needs the IBAN as well.
        assert!(NUMBER_TYPO + AMOUNT_EXACT + NAME_SAME + IN_TERM < cfg.auto_threshold);
        assert!(NUMBER_TYPO + AMOUNT_EXACT + IBAN_KNOWN + IN_TERM >= cfg.auto_threshold);
        // Unrelated items are never shown, so they need not be built.
        assert!(UNRELATED_ITEM_BOUND < cfg.suggest_threshold);
        // The listed items paid to the cent lead the largest of them overpaid within tolerance
        // by the margin, even when an old member costs the pair its date points.
        let pair = NUMBER_EXACT + ALL_NAMED_EXACT + AMOUNT_EXACT + LONG_AFTER_DUE;
        let larger_overpaid = NUMBER_EXACT + TOLERANCE + NAMED_LEFT_OUT + IN_TERM;
        assert!(pair - larger_overpaid >= cfg.auto_margin);
        // An unannounced part from an unknown payer is not automatic.
        assert!(NUMBER_EXACT + NAMED_BUT_AMOUNT_DIFFERS + IN_TERM < cfg.auto_threshold);
        // A part or too much on the number the known payer wrote is.
        assert!(
            NUMBER_EXACT + NAMED_BY_KNOWN_PAYER_AMOUNT_DIFFERS + IBAN_KNOWN + IN_TERM
                >= cfg.auto_threshold
        );
        // Two equal items without a stated purpose: the one settled first by law leads the
        // other by the margin, and without the IBAN (a similar name) it is never automatic.
        assert!(ONLY_FITTING >= cfg.auto_margin);
        assert!(NAME_SAME + AMOUNT_EXACT + ONLY_FITTING_BY_NAME + IN_TERM < cfg.auto_threshold);
    }
}
