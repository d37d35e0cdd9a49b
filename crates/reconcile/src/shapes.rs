//! Invoice-number shapes learned from the open items themselves, so that no business has to
//! describe its numbering before the matcher notices references and typos.
//!
//! A shape is a number's compact form (as the normaliser leaves it: letters and digits, no
//! separators) with each digit run replaced by its width: `RE-2026-0815` is `RE` and 8 digits.
//! Numbers of one skeleton (the same letters, the same number of digit runs) form one shape,
//! and each of its digit runs accepts every width seen among them: a book that passed
//! `RE-2026-9999` holds `RE` with 8 or 9 digits, which a fixed pattern (`RE-####-####`) missed,
//! so that five-digit numbers got no typo lookup and no unknown-reference gate.
//!
//! Shapes answer the same two questions as the configured patterns ([`crate::InvoicePattern`]),
//! which are still honoured beside them: is this token group worth a typo lookup, and does the
//! text name a number of ours that is not open.

use crate::fasthash::FxMap;

/// The most shapes kept, the most common first: a book whose numbers carry customer-specific
/// letters has many skeletons, and each costs a comparison per token group of every text.
const MAX_SHAPES: usize = 32;

/// How many numbers have a skeleton, and the narrowest and widest width of each of its digit
/// runs.
type Seen = (u32, Vec<(u32, u32)>);

/// Shapes being counted: skeleton (letters, `#` for each digit run) → [`Seen`].
#[derive(Debug, Default)]
pub(crate) struct ShapeCounts {
    seen: FxMap<String, Seen>,
    skeleton: String,
    widths: Vec<u32>,
}

impl ShapeCounts {
    /// Counts the compact number `compact`. Numbers of digits alone have no shape: a shape of
    /// only digits would call every phone, postcode or account number in a text a reference.
    pub(crate) fn add(&mut self, compact: &str) {
        if !skeleton(compact, &mut self.skeleton, &mut self.widths) {
            return;
        }
        if let Some((n, w)) = self.seen.get_mut(self.skeleton.as_str()) {
            *n += 1;
            for (range, &width) in w.iter_mut().zip(&self.widths) {
                range.0 = range.0.min(width);
                range.1 = range.1.max(width);
            }
        } else {
            let w = self.widths.iter().map(|&x| (x, x)).collect();
            self.seen.insert(self.skeleton.clone(), (1, w));
        }
    }

    /// Adds the counts of `other` (a part of the invoices counted on another thread).
    pub(crate) fn merge(&mut self, other: ShapeCounts) {
        for (skeleton, (n, w)) in other.seen {
            let entry = self.seen.entry(skeleton).or_insert_with(|| (0, w.clone()));
            entry.0 += n;
            for (range, other) in entry.1.iter_mut().zip(&w) {
                range.0 = range.0.min(other.0);
                range.1 = range.1.max(other.1);
            }
        }
    }

    /// The most common shapes (ties by skeleton, so that the result does not depend on the
    /// order of the invoices).
    pub(crate) fn finish(self) -> Shapes {
        let mut all: Vec<(String, Seen)> = self.seen.into_iter().collect();
        all.sort_unstable_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        all.truncate(MAX_SHAPES);
        Shapes {
            shapes: all
                .into_iter()
                .map(|(skeleton, (_, widths))| (skeleton, widths))
                .collect(),
        }
    }
}

/// The learned shapes of one batch's numbers.
#[derive(Debug, Default)]
pub(crate) struct Shapes {
    /// Skeleton and the width range of each of its digit runs.
    shapes: Vec<(String, Vec<(u32, u32)>)>,
}

impl Shapes {
    /// Whether the compact token group `compact` has one of the shapes. Asked for most token
    /// groups of every text, so it reads the group in place instead of building its skeleton.
    pub(crate) fn matches(&self, compact: &str) -> bool {
        let c = compact.as_bytes();
        self.shapes
            .iter()
            .any(|(skel, widths)| fits(skel.as_bytes(), widths, c))
    }
}

/// Whether `compact` has the skeleton `skel` with digit runs of the widths `widths` allow.
fn fits(skel: &[u8], widths: &[(u32, u32)], compact: &[u8]) -> bool {
    let (mut i, mut run) = (0, 0);
    for &k in skel {
        if k == b'#' {
            let n = compact.get(i..).map_or(0, |rest| {
                rest.iter().take_while(|b| b.is_ascii_digit()).count()
            });
            match widths.get(run) {
                Some(&(lo, hi)) if n > 0 && lo as usize <= n && n <= hi as usize => {}
                _ => return false,
            }
            i += n;
            run += 1;
        } else {
            if compact.get(i) != Some(&k) {
                return false;
            }
            i += 1;
        }
    }
    i == compact.len()
}

/// Writes the skeleton of `compact` (letters as they are, `#` for each digit run) into `skel`
/// and the digit runs' widths into `widths`; false when it has no letter or no digit.
fn skeleton(compact: &str, skel: &mut String, widths: &mut Vec<u32>) -> bool {
    skel.clear();
    widths.clear();
    let mut letters = false;
    let mut run = 0u32;
    for c in compact.chars() {
        if c.is_ascii_digit() {
            run += 1;
            continue;
        }
        if run > 0 {
            skel.push('#');
            widths.push(run);
            run = 0;
        }
        letters = true;
        skel.push(c);
    }
    if run > 0 {
        skel.push('#');
        widths.push(run);
    }
    letters && !widths.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learn(numbers: &[&str]) -> Shapes {
        let mut c = ShapeCounts::default();
        for n in numbers {
            c.add(n);
        }
        c.finish()
    }

    #[test]
    fn digit_runs_accept_every_width_seen_in_their_skeleton() {
        let s = learn(&["RE20269998", "RE202610003", "GS20260001"]);
        assert!(s.matches("RE20261234"));
        assert!(s.matches("RE202699999"));
        assert!(!s.matches("RE2026123"), "seven digits were never seen");
        assert!(s.matches("GS20261234"));
        assert!(!s.matches("GS202612345"), "GS numbers have eight digits");
        assert!(!s.matches("XY20261234"));
    }

    #[test]
    fn numbers_of_digits_alone_have_no_shape() {
        let s = learn(&["20240815", "4711"]);
        assert!(!s.matches("20240815"));
        assert!(!s.matches("RE20240815"));
    }

    #[test]
    fn merged_counts_learn_what_one_count_does() {
        let mut a = ShapeCounts::default();
        a.add("INV1234567");
        let mut b = ShapeCounts::default();
        b.add("INV12345678");
        a.merge(b);
        let s = a.finish();
        assert!(s.matches("INV7654321") && s.matches("INV87654321"));
    }
}
