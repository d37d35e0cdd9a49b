//! How a paid amount relates to what is open: exact, short by a fee, short by a cash discount,
//! a part, or too much.
//!
//! The relation is named, never just "close", so the explanation can say which rule applied
//! (hard case 5 of docs/reconciliation.md), and so the decision rules can treat a fee (settle,
//! remainder stays open for a person to write off) differently from a partial payment (leave
//! open).

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use time::{Date, Duration};

use crate::config::Config;

/// Days after the cash-discount deadline in which a discount taken is still recognised as one
/// (flagged as late): payers often take Skonto a few days too late.
pub(crate) const LATE_DISCOUNT_GRACE_DAYS: i64 = 14;

/// Amounts beyond a trillion are refused as input errors: they would bring decimal arithmetic
/// (which panics on overflow) within reach of its limits when summed and multiplied.
pub(crate) fn in_range(d: Decimal) -> bool {
    d.abs() <= Decimal::new(1_000_000_000_000, 0)
}

/// An amount in cents, for hash keys and subset sums. `None` beyond ±92 quadrillion.
pub(crate) fn cents(d: Decimal) -> Option<i64> {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    i64::try_from(r.mantissa()).ok()
}

/// The relation of a paid amount to an open amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fit {
    /// To the cent.
    Exact,
    /// The open amount less the configured cash-discount percentage.
    CashDiscount {
        /// The discount taken (open − paid).
        discount: Decimal,
        /// Paid after the discount deadline (within a grace period).
        late: bool,
    },
    /// Off by no more than the tolerance (a fee, an unannounced cash discount, a small under- or
    /// overpayment).
    Tolerance {
        /// paid − open (negative when short).
        difference: Decimal,
    },
    /// Less than open, beyond tolerance.
    Partial {
        /// What stays open after this payment.
        remaining: Decimal,
    },
    /// More than open, beyond tolerance.
    Over {
        /// What cannot be allocated.
        excess: Decimal,
    },
}

impl Fit {
    /// Whether the payment settles the item (exact, discount, or within tolerance).
    pub(crate) fn settles(self) -> bool {
        matches!(
            self,
            Fit::Exact | Fit::CashDiscount { .. } | Fit::Tolerance { .. }
        )
    }
}

/// The tolerance for an open amount: the larger of the absolute and the percentage tolerance,
/// so small invoices keep room for a fixed fee and large ones for a percentage.
pub(crate) fn tolerance(open: Decimal, cfg: &Config) -> Decimal {
    let pct = (open * cfg.amount_tolerance_percent / Decimal::ONE_HUNDRED).round_dp(2);
    cfg.amount_tolerance.max(pct)
}

/// The amount due after the cash discount.
pub(crate) fn discounted(open: Decimal, cfg: &Config) -> Decimal {
    (open * (Decimal::ONE_HUNDRED - cfg.cash_discount_percent) / Decimal::ONE_HUNDRED).round_dp(2)
}

/// A cheap test that rules out most items a payment cannot settle, before anything about the
/// item but its original open amount is read. Necessary, not sufficient: whatever passes is
/// still checked with [`fit_with`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct SettleBounds {
    /// The absolute tolerance in cents.
    abs: f64,
    /// The percentage tolerance as a fraction.
    pct: f64,
    /// What is left after the cash discount, as a fraction.
    keep: f64,
    /// False when the configuration cannot be turned into floating point.
    usable: bool,
}

impl SettleBounds {
    pub(crate) fn new(cfg: &Config) -> Self {
        let f = |d: Decimal| d.to_f64();
        match (
            f(cfg.amount_tolerance),
            f(cfg.amount_tolerance_percent),
            f(cfg.cash_discount_percent),
        ) {
            (Some(abs), Some(pct), Some(disc)) => SettleBounds {
                abs: abs * 100.0,
                pct: pct / 100.0,
                keep: (100.0 - disc) / 100.0,
                usable: true,
            },
            _ => SettleBounds {
                abs: 0.0,
                pct: 0.0,
                keep: 0.0,
                usable: false,
            },
        }
    }

    /// Whether a payment of `paid_cents` may settle an item whose original open amount is
    /// `open_cents` (`u32::MAX`: unknown). With `untouched` the item's open amount is still
    /// the original one and both bounds apply; otherwise something may have been taken from
    /// it, and only the upper bound holds (tolerance and discounted amount grow with the open
    /// amount, so a smaller remainder is settled by no larger payment). The bounds are widened
    /// by a few cents for rounding.
    pub(crate) fn may_settle(
        &self,
        paid_cents: Option<i64>,
        open_cents: u32,
        untouched: bool,
    ) -> bool {
        let Some(paid) = paid_cents else {
            return true;
        };
        if !self.usable || open_cents == u32::MAX {
            return true;
        }
        let (p, o) = (paid as f64, f64::from(open_cents));
        let tol = self.abs.max(o * self.pct) + 1.0;
        let disc = o * self.keep;
        if p > (o + tol).max(disc + 2.0) + 1.0 {
            return false;
        }
        !untouched || p >= (o - tol).min(disc - 2.0) - 1.0
    }
}

/// Relates `paid` (positive) to `open` (positive). `discount_from` is the issue date of a
/// single invoice when a cash discount may apply (`None` for combinations and credit notes);
/// `paid_on` is the payment's effective date.
pub(crate) fn fit(
    paid: Decimal,
    open: Decimal,
    discount_from: Option<Date>,
    paid_on: Date,
    cfg: &Config,
) -> Fit {
    fit_with(paid, open, None, discount_from, paid_on, cfg)
}

/// [`fit`] with the open amount's tolerance and discounted amount already computed (the index
/// keeps them per invoice: decimal multiplication and division dominate scoring otherwise).
pub(crate) fn fit_with(
    paid: Decimal,
    open: Decimal,
    cached: Option<(Decimal, Decimal)>,
    discount_from: Option<Date>,
    paid_on: Date,
    cfg: &Config,
) -> Fit {
    if paid == open {
        return Fit::Exact;
    }
    if paid < open
        && cfg.cash_discount_percent > Decimal::ZERO
        && let Some(issued) = discount_from
    {
        let expected = cached.map_or_else(|| discounted(open, cfg), |c| c.1);
        if (paid - expected).abs() <= Decimal::new(1, 2) {
            let deadline = issued + Duration::days(cfg.cash_discount_days);
            let grace = deadline + Duration::days(LATE_DISCOUNT_GRACE_DAYS);
            if paid_on <= grace {
                return Fit::CashDiscount {
                    discount: open - paid,
                    late: paid_on > deadline,
                };
            }
        }
    }
    let difference = paid - open;
    let tol = cached.map_or_else(|| tolerance(open, cfg), |c| c.0);
    if difference.abs() <= tol {
        return Fit::Tolerance { difference };
    }
    if paid < open {
        Fit::Partial {
            remaining: open - paid,
        }
    } else {
        Fit::Over { excess: difference }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use time::macros::date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn settle_bounds_never_rule_out_a_settling_payment() {
        let day = date!(2024 - 03 - 10);
        let issued = Some(date!(2024 - 03 - 01));
        let configs = [
            Config::default(),
            Config {
                amount_tolerance: Decimal::ZERO,
                amount_tolerance_percent: Decimal::ZERO,
                ..Config::default()
            },
            Config {
                cash_discount_percent: d("3.5"),
                amount_tolerance_percent: d("10"),
                ..Config::default()
            },
        ];
        for cfg in &configs {
            let b = SettleBounds::new(cfg);
            let mut ruled_out = 0;
            for open_c in (1..400_000i64).step_by(997) {
                let open = Decimal::new(open_c, 2);
                for remainder in [open, open / Decimal::TWO, Decimal::new(1, 2)] {
                    for paid_c in (open_c * 9 / 10 - 700..open_c * 11 / 10 + 700).step_by(37) {
                        let paid = Decimal::new(paid_c.max(1), 2);
                        let settles = fit(paid, remainder, issued, day, cfg).settles();
                        let may = b.may_settle(
                            cents(paid),
                            u32::try_from(open_c).unwrap(),
                            remainder == open,
                        );
                        assert!(!settles || may, "{paid} {remainder} of {open}");
                        ruled_out += usize::from(!may);
                    }
                }
            }
            // And it does rule things out.
            assert!(ruled_out > 1000);
        }
    }

    #[test]
    fn cents_round_half_away() {
        assert_eq!(cents(d("12.345")), Some(1235));
        assert_eq!(cents(d("-0.5")), Some(-50));
        assert_eq!(cents(d("7")), Some(700));
    }

    #[test]
    fn exact_tolerance_partial_over() {
        let cfg = Config::default();
        let day = date!(2024 - 03 - 10);
        assert_eq!(fit(d("100.00"), d("100"), None, day, &cfg), Fit::Exact);
        assert_eq!(
            fit(d("95.00"), d("100.00"), None, day, &cfg),
            Fit::Tolerance {
                difference: d("-5.00")
            }
        );
        assert_eq!(
            fit(d("40.00"), d("100.00"), None, day, &cfg),
            Fit::Partial {
                remaining: d("60.00")
            }
        );
        assert_eq!(
            fit(d("150.00"), d("100.00"), None, day, &cfg),
            Fit::Over { excess: d("50.00") }
        );
    }

    #[test]
    fn percentage_tolerance_grows_with_the_invoice() {
        let cfg = Config::default();
        let day = date!(2024 - 03 - 10);
        // 3 % of 10,000 = 300 > the absolute 10.00.
        assert!(matches!(
            fit(d("9750.00"), d("10000.00"), None, day, &cfg),
            Fit::Tolerance { .. }
        ));
        assert!(matches!(
            fit(d("9600.00"), d("10000.00"), None, day, &cfg),
            Fit::Partial { .. }
        ));
    }

    #[test]
    fn cash_discount_only_within_its_period() {
        let cfg = Config::default(); // 2 % within 14 days
        let issued = date!(2024 - 03 - 01);
        let on_time = fit(
            d("980.00"),
            d("1000.00"),
            Some(issued),
            date!(2024 - 03 - 10),
            &cfg,
        );
        assert_eq!(
            on_time,
            Fit::CashDiscount {
                discount: d("20.00"),
                late: false
            }
        );
        let late = fit(
            d("980.00"),
            d("1000.00"),
            Some(issued),
            date!(2024 - 03 - 20),
            &cfg,
        );
        assert!(matches!(late, Fit::CashDiscount { late: true, .. }));
        let too_late = fit(
            d("980.00"),
            d("1000.00"),
            Some(issued),
            date!(2024 - 05 - 20),
            &cfg,
        );
        // Beyond the grace days it is no discount (here it still lies within the 3 %
        // tolerance, and is reported as such).
        assert!(matches!(too_late, Fit::Tolerance { .. }));
        // No discount for combinations or credit notes (a 2 % difference on 100.00 is then
        // within the 5.00 tolerance; on 10,000.00 with 5 % off it is a partial payment).
        let none = fit(d("98.00"), d("100.00"), None, date!(2024 - 03 - 10), &cfg);
        assert!(matches!(none, Fit::Tolerance { .. }));
        let cfg5 = Config {
            cash_discount_percent: Decimal::new(5, 0),
            ..Config::default()
        };
        let big = fit(
            d("9500.00"),
            d("10000.00"),
            None,
            date!(2024 - 03 - 10),
            &cfg5,
        );
        assert!(matches!(big, Fit::Partial { .. }));
    }
}
