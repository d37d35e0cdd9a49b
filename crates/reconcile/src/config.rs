//! What a business tunes: its invoice-number patterns, how much difference it accepts, its cash
//! discount, and where automatic matching stops.
//!
//! Thresholds follow GnuCash's importer (and SAP Cash Application): at or above `auto_threshold`
//! a unique best match is booked automatically; from `suggest_threshold` up candidates are shown
//! for a person to confirm; below that they are hidden.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Configuration of a [`crate::Matcher`]. `Config::default()` is the setting the evaluation
/// harness measures, and needs nothing business-specific: the shapes of invoice numbers are
/// learned from the open items of each batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// Further shapes of the business's invoice and credit-note numbers in the syntax of
    /// [`crate::InvoicePattern`] (`#` digit, `@` letter, separators optional), honoured beside
    /// the shapes learned from the open items (optional: for numbers that are rarely open,
    /// such as an old series customers still quote). Used to notice a reference to an
    /// invoice that is not open, and to decide which tokens get a typo lookup.
    pub invoice_patterns: Vec<String>,
    /// Absolute tolerance for fees and rounding, in the invoice currency.
    pub amount_tolerance: Decimal,
    /// Percentage tolerance of the open amount; the larger of the two applies.
    pub amount_tolerance_percent: Decimal,
    /// Cash discount (Skonto) percentage a customer may deduct; 0 disables it.
    pub cash_discount_percent: Decimal,
    /// Days after the issue date within which the cash discount may be taken.
    pub cash_discount_days: i64,
    /// Days after the due date after which a payment no longer counts as "near" the invoice.
    pub date_window_days: i64,
    /// Score at or above which a unique best candidate is matched automatically.
    pub auto_threshold: i32,
    /// How far the best candidate must lead the next different one to be automatic: two equally
    /// good candidates are always suggestions.
    pub auto_margin: i32,
    /// Score at or above which a candidate is shown as a suggestion; below it is hidden.
    pub suggest_threshold: i32,
    /// How many suggestions to return at most.
    pub max_suggestions: usize,
    /// How many of one customer's open items the subset search (one payment for several
    /// invoices) considers; bounds its cost.
    pub subset_max_items: usize,
    /// The most invoices one payment is assumed to settle in a subset search.
    pub subset_max_size: usize,
    /// Worker threads for scoring; 0 uses what the machine offers. The result never depends on
    /// it.
    pub threads: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            invoice_patterns: Vec::new(),
            amount_tolerance: Decimal::new(500, 2),
            amount_tolerance_percent: Decimal::new(3, 0),
            cash_discount_percent: Decimal::new(2, 0),
            cash_discount_days: 14,
            date_window_days: 90,
            auto_threshold: 80,
            auto_margin: 15,
            suggest_threshold: 30,
            max_suggestions: 5,
            subset_max_items: 16,
            subset_max_size: 4,
            threads: 0,
        }
    }
}

/// Why a configuration was refused; each names the field to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A pattern with no letters or digits at all.
    #[error("invoice pattern {0:?} is empty: use # for a digit, @ for a letter")]
    EmptyPattern(String),
    /// A pattern of letters only would call every word an invoice number.
    #[error("invoice pattern {0:?} has no digit position (#)")]
    PatternWithoutDigit(String),
    /// `suggest_threshold` above `auto_threshold` would hide what is matched automatically.
    #[error("suggest_threshold ({suggest}) must not exceed auto_threshold ({auto})")]
    ThresholdOrder {
        /// The configured auto threshold.
        auto: i32,
        /// The configured suggest threshold.
        suggest: i32,
    },
    /// A negative tolerance, margin, percentage or day count.
    #[error("{field} must not be negative")]
    Negative {
        /// The offending field.
        field: &'static str,
    },
    /// A percentage of 100 or more.
    #[error("{field} must be below 100")]
    PercentTooLarge {
        /// The offending field.
        field: &'static str,
    },
    /// Subset-search bounds that would make one payment cost seconds.
    #[error(
        "subset search limited to 24 items and 6 invoices per payment (got {items} and {size})"
    )]
    SubsetTooLarge {
        /// `subset_max_items` as configured.
        items: usize,
        /// `subset_max_size` as configured.
        size: usize,
    },
}

impl Config {
    /// Checks the numbers; patterns are checked when compiled by [`crate::Matcher::new`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.suggest_threshold > self.auto_threshold {
            return Err(ConfigError::ThresholdOrder {
                auto: self.auto_threshold,
                suggest: self.suggest_threshold,
            });
        }
        let negatives: [(&'static str, bool); 6] = [
            ("amount_tolerance", self.amount_tolerance < Decimal::ZERO),
            (
                "amount_tolerance_percent",
                self.amount_tolerance_percent < Decimal::ZERO,
            ),
            (
                "cash_discount_percent",
                self.cash_discount_percent < Decimal::ZERO,
            ),
            ("cash_discount_days", self.cash_discount_days < 0),
            ("date_window_days", self.date_window_days < 0),
            ("auto_margin", self.auto_margin < 0),
        ];
        if let Some((field, _)) = negatives.iter().find(|(_, bad)| *bad) {
            return Err(ConfigError::Negative { field });
        }
        for (field, value) in [
            ("amount_tolerance_percent", self.amount_tolerance_percent),
            ("cash_discount_percent", self.cash_discount_percent),
        ] {
            if value >= Decimal::ONE_HUNDRED {
                return Err(ConfigError::PercentTooLarge { field });
            }
        }
        if self.subset_max_items > 24 || self.subset_max_size > 6 {
            return Err(ConfigError::SubsetTooLarge {
                items: self.subset_max_items,
                size: self.subset_max_size,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert_eq!(Config::default().validate(), Ok(()));
    }

    #[test]
    fn bad_numbers_name_their_field() {
        let mut c = Config {
            suggest_threshold: 90,
            ..Config::default()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::ThresholdOrder { .. })
        ));
        c = Config {
            amount_tolerance: Decimal::new(-1, 0),
            ..Config::default()
        };
        assert_eq!(
            c.validate(),
            Err(ConfigError::Negative {
                field: "amount_tolerance"
            })
        );
        c = Config {
            cash_discount_percent: Decimal::ONE_HUNDRED,
            ..Config::default()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::PercentTooLarge { .. })
        ));
        c = Config {
            subset_max_items: 40,
            ..Config::default()
        };
        assert!(matches!(
            c.validate(),
            Err(ConfigError::SubsetTooLarge { .. })
        ));
    }
}
