//! Comparing the payer's name with the customer's.
//!
//! Banks print names upper-cased, truncated to 27–70 characters, with or without the legal
//! form, sometimes with words swapped ("Müller, Hans"). Legal forms carry no identity (half of
//! all German companies end in "GmbH"), so they are dropped before comparing; dotted forms
//! (`e.K.`, `B.V.`, `N.V.`) become single-letter tokens first and are joined back so they can be
//! recognised.

use crate::normalize::fold_into;

/// Legal forms and filler words that say nothing about who the party is (folded, dots removed).
/// A `match`: it runs for every word of every payer and customer name.
fn is_legal_form(w: &str) -> bool {
    matches!(
        w,
        "GMBH"
            | "MBH"
            | "AG"
            | "UG"
            | "EK"
            | "EKFR"
            | "EKFM"
            | "KG"
            | "OHG"
            | "SE"
            | "GBR"
            | "EG"
            | "EV"
            | "KGAA"
            | "HAFTUNGSBESCHRAENKT"
            | "CO"
            | "BV"
            | "NV"
            | "VOF"
            | "CV"
            | "LTD"
            | "LIMITED"
            | "PLC"
            | "INC"
            | "LLC"
            | "CORP"
            | "SARL"
            | "SAS"
            | "SRL"
            | "SPA"
            | "GMBHCOKG"
            | "UND"
            | "EN"
            | "AND"
            | "INH"
            | "INHABER"
            | "HERR"
            | "FRAU"
            | "DHR"
            | "MEVR"
            | "FAM"
            | "FAMILIE"
            | "DR"
            | "PROF"
    )
}

/// A name reduced to its identifying words, in order and sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NormName {
    /// Identifying words in the order written.
    pub(crate) words: Vec<String>,
    /// The same words sorted and joined with one space, so "Müller, Hans" equals "Hans Müller".
    pub(crate) sorted: String,
    /// The words joined in written order.
    pub(crate) joined: String,
}

impl NormName {
    /// Whether nothing identifying is left (a name made only of a legal form, or empty).
    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Normalises a party name: folded, punctuation gone, single letters of dotted abbreviations
/// joined (`B.V.` → `BV`), legal forms and honorifics dropped.
pub(crate) fn normalize_name(name: &str) -> NormName {
    let mut folded = String::with_capacity(name.len());
    fold_into(name, &mut folded);
    let raw: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // Join runs of single letters ("E K" from "e.K.", "B V" from "B.V.").
    let mut merged: Vec<String> = Vec::with_capacity(raw.len());
    let mut run = String::new();
    for w in &raw {
        if w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic()) {
            run.push_str(w);
        } else {
            if !run.is_empty() {
                merged.push(std::mem::take(&mut run));
            }
            merged.push((*w).to_string());
        }
    }
    if !run.is_empty() {
        merged.push(run);
    }
    let words: Vec<String> = merged.into_iter().filter(|w| !is_legal_form(w)).collect();
    let mut sorted_words = words.clone();
    sorted_words.sort();
    NormName {
        sorted: sorted_words.join(" "),
        joined: words.join(" "),
        words,
    }
}

/// How much of `short`'s words occur in `long` (a word matches an equal word, a longer word it
/// is a prefix of — banks truncate — or, for an initial, a word starting with that letter).
fn containment(short: &NormName, long: &NormName) -> f64 {
    if short.words.is_empty() {
        return 0.0;
    }
    let mut hit = 0.0;
    for w in &short.words {
        let best = long
            .words
            .iter()
            .map(|l| {
                if l == w {
                    1.0
                } else if (w.len() == 1 && l.starts_with(w.as_str()))
                    || (l.len() == 1 && w.starts_with(l.as_str()))
                {
                    0.6
                } else if w.len() >= 4 && l.starts_with(w.as_str()) {
                    0.9
                } else if w.len() >= 5 && strsim::jaro_winkler(w, l) >= 0.93 {
                    0.85
                } else {
                    0.0
                }
            })
            .fold(0.0_f64, f64::max);
        hit += best;
    }
    hit / short.words.len() as f64
}

/// Similarity of two normalised names in 0..=1: the best of Jaro-Winkler on the written order,
/// on the sorted words, and word containment (which tolerates an extra first name or
/// "Inh. Hans Müller" but is discounted when the shorter name is a single short word).
pub(crate) fn similarity(a: &NormName, b: &NormName) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.joined == b.joined || a.sorted == b.sorted {
        return 1.0;
    }
    let jw =
        strsim::jaro_winkler(&a.joined, &b.joined).max(strsim::jaro_winkler(&a.sorted, &b.sorted));
    let (short, long) = if a.words.len() <= b.words.len() {
        (a, b)
    } else {
        (b, a)
    };
    let mut contained = containment(short, long);
    if short.words.len() == 1 {
        // One word ("Müller") names many people; never let it count as a full match.
        contained *= 0.85;
    }
    jw.max(contained * 0.95)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> f64 {
        similarity(&normalize_name(a), &normalize_name(b))
    }

    #[test]
    fn legal_forms_are_ignored() {
        for (a, b) in [
            ("Müller Haustechnik GmbH", "MUELLER HAUSTECHNIK"),
            ("Bäckerei Schmidt e.K.", "Baeckerei Schmidt"),
            (
                "Van den Berg Installatie B.V.",
                "VAN DEN BERG INSTALLATIE BV",
            ),
            ("Acme Ltd", "ACME LIMITED"),
            ("Schulz Bau GmbH & Co. KG", "Schulz Bau KG"),
            ("Technik UG (haftungsbeschränkt)", "Technik"),
            ("Holland N.V.", "Holland NV"),
            ("Nord SE", "NORD"),
            ("Kramer OHG", "Kramer"),
        ] {
            assert_eq!(
                normalize_name(a).sorted,
                normalize_name(b).sorted,
                "{a} / {b}"
            );
        }
    }

    #[test]
    fn swapped_and_truncated_names_are_similar() {
        assert!(sim("Hans Müller", "MUELLER, HANS") > 0.99);
        assert!(sim("Müller Haustechnik GmbH", "MUELLER HAUSTECHN") > 0.85);
        assert!(sim("Hans Müller", "H. Mueller") > 0.7);
        assert!(sim("Jan de Vries", "J DE VRIES") > 0.7);
    }

    #[test]
    fn different_names_are_not_similar() {
        assert!(sim("Müller Haustechnik GmbH", "Schmidt Elektro GmbH") < 0.7);
        assert!(sim("PayPal Europe S.a.r.l.", "Bäckerei Schmidt e.K.") < 0.6);
        assert!(
            sim("GmbH", "Müller GmbH") == 0.0,
            "a bare legal form identifies nobody"
        );
    }

    #[test]
    fn a_single_common_word_is_not_a_full_match() {
        assert!(sim("Müller", "Hans Müller Bau") < 0.9);
    }
}
