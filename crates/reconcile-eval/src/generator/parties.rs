//! Customers and payers: new customers with their IBANs, and the payer's name and IBAN as the
//! bank prints them.

use rand::RngExt;
use reconcile::rf::make_iban;

use super::batch_builder::{BatchBuilder, pick};
use super::customer::{Customer, Lang};
use super::vocabulary::{
    DE_FIRST, DE_FORMS, DE_SURNAMES, DE_TRADES, NL_FIRST, NL_FORMS, NL_SURNAMES, NL_TRADES,
};

impl BatchBuilder {
    pub(super) fn iban(&mut self, lang: Lang) -> String {
        let iban = match lang {
            Lang::De => {
                let blz = self.rng.random_range(10_000_000u64..89_999_999);
                let acct = self.rng.random_range(1_000_000u64..9_999_999_999);
                make_iban("DE", &format!("{blz:08}{acct:010}"))
            }
            Lang::Nl => {
                let bank = *pick(
                    &mut self.rng,
                    &["INGB", "ABNA", "RABO", "TRIO", "KNAB", "SNSB"],
                );
                let acct = self.rng.random_range(100_000_000u64..9_999_999_999);
                make_iban("NL", &format!("{bank}{acct:010}"))
            }
        };
        iban.unwrap_or_default()
    }

    pub(super) fn new_customer(&mut self) -> usize {
        let lang = if self.chance(0.7) { Lang::De } else { Lang::Nl };
        let person = self.chance(0.35);
        let surname = match lang {
            Lang::De => pick(&mut self.rng, DE_SURNAMES).to_string(),
            Lang::Nl => pick(&mut self.rng, NL_SURNAMES).to_string(),
        };
        let (name, first) = if person {
            let first = match lang {
                Lang::De => pick(&mut self.rng, DE_FIRST).to_string(),
                Lang::Nl => pick(&mut self.rng, NL_FIRST).to_string(),
            };
            (format!("{first} {surname}"), Some(first))
        } else {
            let (trade, form) = match lang {
                Lang::De => (
                    pick(&mut self.rng, DE_TRADES).to_string(),
                    pick(&mut self.rng, DE_FORMS).to_string(),
                ),
                Lang::Nl => (
                    pick(&mut self.rng, NL_TRADES).to_string(),
                    pick(&mut self.rng, NL_FORMS).to_string(),
                ),
            };
            let cap = |s: &str| {
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            };
            let name = if self.chance(0.5) {
                format!("{} {trade} {form}", cap(&surname))
            } else {
                format!("{trade} {} {form}", cap(&surname))
            };
            (name, None)
        };
        let n_ibans = if self.chance(0.1) {
            2
        } else if self.chance(0.05) {
            0
        } else {
            1
        };
        let ibans = (0..n_ibans).map(|_| self.iban(lang)).collect();
        let id = format!("C{:06}", self.customers.len() + 1);
        // The back office numbers its customers one after the other: unique and dense.
        let customer_number = 10_000 + self.customers.len() as u32;
        self.customers.push(Customer {
            id,
            name,
            surname,
            first,
            lang,
            ibans,
            customer_number,
        });
        self.customers.len() - 1
    }

    /// An existing customer two times in three (customers have several open items), else new.
    pub(super) fn customer(&mut self) -> usize {
        if !self.customers.is_empty() && self.chance(0.6) {
            self.rng.random_range(0..self.customers.len())
        } else {
            self.new_customer()
        }
    }

    /// A customer with at least one known IBAN.
    pub(super) fn customer_with_iban(&mut self) -> usize {
        let c = self.customer();
        if self.customers[c].ibans.is_empty() {
            let lang = self.customers[c].lang;
            let iban = self.iban(lang);
            self.customers[c].ibans.push(iban);
        }
        c
    }

    /// The payer's name as the bank prints it: mostly the customer's, upper-cased or not,
    /// without legal form, truncated, swapped, or with an initial.
    pub(super) fn payer_name(&mut self, c: usize) -> String {
        let cu = self.customers[c].clone();
        let roll = self.rng.random_range(0..100);
        match roll {
            0..=44 => cu.name.to_uppercase(),
            45..=64 => cu.name.clone(),
            65..=74 => cu.name.to_uppercase().chars().take(27).collect(),
            75..=84 => match &cu.first {
                Some(first) => format!("{}, {}", cu.surname.to_uppercase(), first.to_uppercase()),
                None => strip_form(&cu.name),
            },
            85..=92 => match &cu.first {
                Some(first) => format!("{}. {}", first.chars().next().unwrap_or('X'), cu.surname),
                None => strip_form(&cu.name).to_uppercase(),
            },
            _ => strip_form(&cu.name),
        }
    }

    pub(super) fn payer_iban(&mut self, c: usize, known: bool) -> Option<String> {
        let cu = &self.customers[c];
        if known && !cu.ibans.is_empty() {
            let k = self.rng.random_range(0..cu.ibans.len());
            return Some(self.customers[c].ibans[k].clone());
        }
        let lang = cu.lang;
        Some(self.iban(lang))
    }
}

/// `Müller Haustechnik GmbH` → `Müller Haustechnik`.
pub(super) fn strip_form(name: &str) -> String {
    let forms = [
        " GmbH & Co. KG",
        " UG (haftungsbeschränkt)",
        " GmbH",
        " AG",
        " e.K.",
        " KG",
        " OHG",
        " SE",
        " B.V.",
        " BV",
        " N.V.",
        " V.O.F.",
    ];
    for f in forms {
        if let Some(s) = name.strip_suffix(f) {
            return s.to_string();
        }
    }
    name.to_string()
}
