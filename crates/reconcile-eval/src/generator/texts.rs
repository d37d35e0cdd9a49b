//! Remittance texts as payers write them: references mangled or mistyped, German and Dutch
//! phrasings, SEPA tags, and texts without any reference.

use rand::RngExt;

use super::batch_builder::{BatchBuilder, pick};
use super::customer::Lang;
use super::parties::strip_form;

impl BatchBuilder {
    pub(super) fn fmt_mangled(&mut self, number: &str) -> String {
        let (prefix, groups) = split_number(number);
        let g1 = groups.first().cloned().unwrap_or_default();
        let g2 = groups.get(1).cloned();
        let roll = self.rng.random_range(0..10);
        match (roll, g2) {
            (0, Some(g2)) => format!("{prefix} {g1} {g2}"),
            (1, Some(g2)) => format!("{}{g1}/{g2}", prefix.to_lowercase()),
            (2, Some(g2)) => format!("{prefix}-{g1}-{}", strip_zeros(&g2)),
            (3, Some(g2)) => format!("{g1}-{g2}"),
            (4, Some(g2)) => format!("{g1}{g2}"),
            (5, Some(g2)) => format!("{prefix}{g1}{g2}"),
            (6, Some(g2)) => format!("{prefix}-{}-{}", g1.replace('0', "O"), g2.replace('0', "O")),
            (7, Some(g2)) => format!("{g1}/{g2}"),
            (8, Some(g2)) if g2.len() >= 4 => {
                format!("{prefix} {g1} {} {}", &g2[..2], &g2[2..])
            }
            (_, Some(g2)) => format!("{} {g1}-{g2}", prefix.to_lowercase()),
            (0..=2, None) => format!("{prefix} {g1}"),
            (3..=4, None) => format!("{}{g1}", prefix.to_lowercase()),
            (5..=6, None) => format!("{prefix}-{}", strip_zeros(&g1)),
            (7, None) => g1.replace('0', "O"),
            (_, None) => strip_zeros(&g1),
        }
    }

    pub(super) fn fmt_typo(&mut self, number: &str) -> String {
        let mut chars: Vec<char> = number.chars().collect();
        // Only the last digit group gets the typo: the year is copied right.
        let digits: Vec<usize> = (0..chars.len())
            .rev()
            .take_while(|&k| chars[k].is_ascii_digit())
            .collect();
        if digits.len() < 2 {
            return number.to_string();
        }
        let roll = self.rng.random_range(0..10);
        let k = digits[self.rng.random_range(0..digits.len())];
        if roll < 5 {
            let old = chars[k];
            let mut new = old;
            while new == old {
                new = char::from(b'0' + self.rng.random_range(0..10u8));
            }
            chars[k] = new;
        } else if roll < 8 {
            let j = if k + 1 < chars.len() && chars[k + 1].is_ascii_digit() {
                k + 1
            } else {
                k.saturating_sub(1)
            };
            if chars[j] == chars[k] {
                chars[k] = if chars[k] == '9' { '8' } else { '9' };
            } else {
                chars.swap(j, k);
            }
        } else {
            chars.remove(k);
        }
        chars.into_iter().collect()
    }

    pub(super) fn e2e(&mut self) -> Option<String> {
        let roll = self.rng.random_range(0..100);
        match roll {
            0..=59 => Some("NOTPROVIDED".to_string()),
            60..=69 => None,
            _ => Some(format!("{:016X}", self.rng.random::<u64>())),
        }
    }

    pub(super) fn ref_text(
        &mut self,
        c: usize,
        refs: &[String],
        i: usize,
    ) -> (String, Option<String>) {
        let cu = self.customers[c].clone();
        let joined = if refs.len() == 1 {
            refs[0].clone()
        } else {
            let sep = *pick(
                &mut self.rng,
                match cu.lang {
                    Lang::De => &[", ", " und ", " + ", " / "],
                    Lang::Nl => &[", ", " en ", " + ", " "],
                },
            );
            refs.join(sep)
        };
        let issue = self.invoices[i].issue_date;
        let date = format!(
            "{:02}.{:02}.{}",
            issue.day(),
            u8::from(issue.month()),
            issue.year()
        );
        let short = strip_form(&cu.name);
        let e2e = self.e2e();
        let roll = self.rng.random_range(0..8);
        let text = match cu.lang {
            Lang::De => match roll {
                0 => format!("Rechnung Nr. {joined}, Kd-Nr {}", cu.customer_number),
                1 => format!(
                    "SVWZ+{joined} EREF+{}",
                    e2e.clone().unwrap_or_else(|| "NOTPROVIDED".into())
                ),
                2 => format!("Re.-Nr. {joined} vom {date}"),
                3 => joined.clone(),
                4 => format!("Zahlung {joined} Danke"),
                5 => format!("Rechnung {joined} {short}"),
                6 => format!("RG {joined}"),
                _ => format!("Ihre Rechnung {joined} Kunde {}", cu.customer_number),
            },
            Lang::Nl => match roll {
                0 => format!("Betaling factuur {joined}"),
                1 => format!("Omschrijving: factuur {joined}"),
                2 => format!("Factuurnummer {joined} klantnr {}", cu.customer_number),
                3 => format!("Factuur {joined}"),
                4 => format!("Betalingskenmerk {joined}"),
                5 => format!("{joined} {short}"),
                6 => format!("Invoice {joined}"),
                _ => format!("Omschrijving: {joined} bedankt"),
            },
        };
        (text, e2e)
    }

    pub(super) fn plain_text(&mut self, c: usize) -> String {
        let cu = self.customers[c].clone();
        let roll = self.rng.random_range(0..7);
        match cu.lang {
            Lang::De => match roll {
                0 => "Zahlung".into(),
                1 => "Überweisung".into(),
                2 => "Vielen Dank".into(),
                3 => format!("Kd-Nr {}", cu.customer_number),
                4 => cu.name.clone(),
                5 => String::new(),
                _ => "SVWZ+Zahlung offene Posten EREF+NOTPROVIDED".into(),
            },
            Lang::Nl => match roll {
                0 => "Betaling".into(),
                1 => "Bedankt".into(),
                2 => format!("klantnummer {}", cu.customer_number),
                3 => "Omschrijving: betaling".into(),
                4 => cu.name.clone(),
                5 => String::new(),
                _ => "Omschrijving: openstaande posten".into(),
            },
        }
    }
}

/// `RE-2024-0815` → (`RE`, [`2024`, `0815`]).
fn split_number(n: &str) -> (String, Vec<String>) {
    let prefix: String = n.chars().take_while(char::is_ascii_alphabetic).collect();
    let groups = n[prefix.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    (prefix, groups)
}

/// The digits of `g` without leading zeros (`0815` → `815`).
fn strip_zeros(g: &str) -> String {
    let s = g.trim_start_matches('0');
    if s.is_empty() { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_change_exactly_one_thing() {
        let mut g = BatchBuilder::new(1);
        for _ in 0..200 {
            let t = g.fmt_typo("RE-2024-0815");
            assert_ne!(t, "RE-2024-0815");
            assert!(strsim::osa_distance(&t, "RE-2024-0815") == 1, "{t}");
        }
    }
}
