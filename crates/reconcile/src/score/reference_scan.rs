//! Finding references in a transaction's texts: RF creditor references, invoice numbers in
//! every written form, and the end-to-end id.
//!
//! Numbers are matched as whole tokens only, joined over at most [`MAX_WINDOW`] tokens (`RE
//! 2024 08 15`), never inside a longer number (`14` is not in `1814`), and a number with a
//! written prefix belongs to that prefix (`RE-2024-0117` does not name `GS-2024-0117`).

use crate::amount::fit;
use crate::index::KeyKind;
use crate::model::InvoiceKind;
use crate::normalize::{
    Tokens, fold_text, mentions_partial, real_id, significant_digits, tokenize,
};
use crate::reason::{NumberMatch, TextField};
use crate::rf::is_valid_rf;

use super::reference::{ReferenceHit, ReferenceKind};
use super::transaction_scoring::TransactionScoring;
use super::typos::TypoQuery;

/// How many token positions one invoice number may span in a text (`RE 2024 08 15` is four).
const MAX_WINDOW: usize = 5;

/// Words (folded, as tokens) that say the number after them is the payer's customer number,
/// not an invoice's: `Kd-Nr 13425`, `Kunde 13425`, `klantnummer 13425`. Customer numbers and
/// invoice numbers without their prefix and zeros (`INV-0013425` written `13425`) share a
/// range in a growing business; read as an invoice, the customer number named another
/// customer's item and held the payer's own payment back.
const CUSTOMER_NUMBER_LABELS: &[&str] = &[
    "KUNDE",
    "KUNDENNR",
    "KUNDENNUMMER",
    "KDNR",
    "KLANT",
    "KLANTNR",
    "KLANTNUMMER",
    "DEBITOR",
    "DEBITORNR",
    "DEBITEURNR",
    "DEBITEURNUMMER",
    "CUSTOMER",
];

/// Whether the digit tokens `i..=j` stand as a number of their own: not glued to letters on
/// their right (`20768B` in `4F41A20768B5EE37` is part of a code), in the end-to-end id not
/// glued to letters on either side (a payer's random hex id, not a number), and not right
/// after a customer-number label.
fn digits_stand_alone(tokens: &Tokens, i: usize, j: usize, field: TextField) -> bool {
    let (Some(first), Some(last)) = (tokens.toks.get(i), tokens.toks.get(j)) else {
        return true;
    };
    let glued_right = tokens
        .toks
        .get(j + 1)
        .is_some_and(|t| !t.digit && t.from == last.to);
    let before = i.checked_sub(1).and_then(|k| tokens.toks.get(k));
    let glued_left = before.is_some_and(|t| !t.digit && t.to == first.from);
    if glued_right || (field == TextField::EndToEndId && glued_left) {
        return false;
    }
    let word = |k: usize| {
        tokens
            .toks
            .get(k)
            .filter(|t| !t.digit)
            .map(|_| tokens.get(k))
    };
    let label = match (
        i.checked_sub(2).and_then(word),
        i.checked_sub(1).and_then(word),
    ) {
        (Some("KD" | "KUNDEN" | "KLANT"), Some("NR" | "NO" | "NUMMER")) => true,
        (_, Some(w)) => CUSTOMER_NUMBER_LABELS.contains(&w),
        _ => false,
    };
    !label
}

impl TransactionScoring<'_, '_> {
    pub(super) fn find_references(&mut self) {
        let tx = self.tx;
        let texts = [
            (
                TextField::Unstructured,
                tx.remittance_unstructured.as_deref(),
            ),
            (TextField::Structured, tx.remittance_structured.as_deref()),
            (TextField::EndToEndId, real_id(tx.end_to_end_id.as_deref())),
        ];
        let mut typo_queries: Vec<TypoQuery> = Vec::new();
        for (field, text) in texts {
            let Some(text) = text else { continue };
            let folded = fold_text(text);
            if field != TextField::EndToEndId && mentions_partial(&folded) {
                self.partial_announced = true;
            }
            self.scan_rf(&folded, field);
            self.scan_numbers(&folded, field, &mut typo_queries);
        }
        self.drop_inner_hits();
        if let Some(id) = real_id(tx.end_to_end_id.as_deref()) {
            for &inv in self.scorer.index.e2e_hits(id) {
                self.references.push(ReferenceHit {
                    inv,
                    kind: ReferenceKind::EndToEndId,
                    field: TextField::EndToEndId,
                    found: id.to_string(),
                    span: (0, 0),
                });
            }
        }
        self.typo_lookup(typo_queries);
        self.note_settled_references();
        // A fixed order that does not depend on the order of the invoices: ties between
        // references are broken by position in the text, then by invoice id.
        let index = self.scorer.index;
        self.references.sort_by(|a, b| {
            (a.field, a.span, index.items[a.inv as usize].rank).cmp(&(
                b.field,
                b.span,
                index.items[b.inv as usize].rank,
            ))
        });
    }

    /// A strong reference to an item that is no longer open and that this amount would have
    /// settled (another payment of this batch settled it: the same payment booked twice)
    /// names no open item, like a paid invoice's
    /// number: it closes the unknown-reference gate, so that the customer's IBAN and the amount
    /// do not book the payment to another open item of that amount instead.
    fn note_settled_references(&mut self) {
        let mut settled: Vec<String> = self
            .references
            .iter()
            .filter(|r| r.kind.strong() && !self.is_open(r.inv) && self.settled_alike(r.inv))
            .filter(|r| {
                // Still a reference when another item of that number is open.
                !self
                    .references
                    .iter()
                    .any(|o| o.found == r.found && self.is_open(o.inv))
            })
            .map(|r| r.found.clone())
            .collect();
        if settled.is_empty() {
            return;
        }
        self.unknown_references.append(&mut settled);
        self.unknown_references.sort();
        self.unknown_references.dedup();
    }

    /// Whether this payment's amount would have settled item `inv` as it was before the
    /// batch: a copy of the payment that settled it. A number that names another settled
    /// item of another amount is a typo's neighbour, not a copy, and stays harmless.
    fn settled_alike(&self, inv: u32) -> bool {
        let item = &self.scorer.index.items[inv as usize];
        fit(
            self.paid,
            item.open,
            (item.kind == InvoiceKind::Invoice).then_some(item.issue),
            self.date,
            self.scorer.cfg,
        )
        .settles()
    }

    /// Longest match wins: a number found inside a longer number found at the same place is
    /// part of it (`RE 2024 30 46` is RE-2024-3046; its `2024 30` is not GS-2024-0030).
    fn drop_inner_hits(&mut self) {
        if self.references.len() < 2 {
            return;
        }
        let is_number =
            |r: &ReferenceHit| matches!(r.kind, ReferenceKind::Number(m) if m != NumberMatch::Typo);
        let spans: Vec<(TextField, (u32, u32))> = self
            .references
            .iter()
            .filter(|r| is_number(r))
            .map(|r| (r.field, r.span))
            .collect();
        self.references.retain(|r| {
            let (a, b) = r.span;
            !is_number(r)
                || !spans
                    .iter()
                    .any(|&(f, (c, d))| f == r.field && c <= a && b <= d && (d - c) > (b - a))
        });
    }

    /// RF references, which payers and banks print in groups of four: up to seven words are
    /// joined, and the longest join with valid check digits counts.
    fn scan_rf(&mut self, folded: &str, field: TextField) {
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut buf = String::new();
        for i in 0..words.len() {
            let b = words[i].as_bytes();
            if b.len() < 4 || &b[..2] != b"RF" || !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
                continue;
            }
            buf.clear();
            let mut best: Option<String> = None;
            for w in &words[i..words.len().min(i + 7)] {
                buf.push_str(w);
                if buf.len() > 25 {
                    break;
                }
                if is_valid_rf(&buf) {
                    best = Some(buf.clone());
                }
            }
            let Some(rf) = best else { continue };
            let list = self.scorer.index.rf_hits(&rf);
            if list.is_empty() {
                self.unknown_references.push(rf);
                continue;
            }
            for &inv in list {
                self.references.push(ReferenceHit {
                    inv,
                    kind: ReferenceKind::Rf,
                    field,
                    found: rf.clone(),
                    span: (0, 0),
                });
            }
        }
    }

    fn scan_numbers(&mut self, folded: &str, field: TextField, typo_queries: &mut Vec<TypoQuery>) {
        let max = self.scorer.index.max_key_len;
        if max == 0 {
            return;
        }
        let mut buf = String::with_capacity(max + 2);
        // The plain pass finds exact numbers and collects typo queries; the repaired pass looks
        // the repaired tokens up among the repaired keys (leading zeros, O/0).
        let plain = tokenize(folded, false);
        for i in 0..plain.len() {
            self.windows(&plain, i, false, field, &mut buf, Some(&mut *typo_queries));
        }
        let repaired = tokenize(folded, true);
        for i in 0..repaired.len() {
            self.windows(&repaired, i, true, field, &mut buf, None);
        }
    }

    /// Looks up every join of the tokens from `i` on (up to [`MAX_WINDOW`]) among the number
    /// keys; a join that finds nothing, or nothing the amount fits, becomes a typo query.
    fn windows(
        &mut self,
        tokens: &Tokens,
        i: usize,
        repaired: bool,
        field: TextField,
        buf: &mut String,
        mut typo_queries: Option<&mut Vec<TypoQuery>>,
    ) {
        let index = self.scorer.index;
        let max = index.max_key_len;
        buf.clear();
        let mut digit = false;
        let mut all_digit = true;
        let n = tokens.len();
        for j in i..n.min(i + MAX_WINDOW) {
            buf.push_str(tokens.get(j));
            let is_digit = tokens.toks.get(j).is_some_and(|t| t.digit);
            digit |= is_digit;
            all_digit &= is_digit;
            if buf.len() > max + 1 {
                break;
            }
            if !digit || buf.len() < index.min_key_len.min(6) {
                continue;
            }
            let mut found = false;
            let mut found_settles = false;
            // Digits alone name an invoice only where they stand as a number: not inside a
            // code, not as the customer number.
            let digits_allowed = !all_digit || digits_stand_alone(tokens, i, j, field);
            if buf.len() <= max {
                let mut hits = index.number_hits(repaired, buf).peekable();
                if hits.peek().is_some() {
                    // Digits right after a written prefix belong to that prefix: `RE-2024-0117`
                    // names neither `GS-2024-0117` nor, when it is not open, anything else.
                    let prefixed = self.written_prefix(tokens, i, buf, repaired);
                    // Part of a longer number: neither a hit nor a typo candidate.
                    found = true;
                    found_settles |= prefixed;
                    for (inv, key) in hits {
                        if key == KeyKind::Digits && (prefixed || !digits_allowed) {
                            continue;
                        }
                        found_settles |= self.settles(inv);
                        let how = match (key, repaired) {
                            (KeyKind::Full, false) => NumberMatch::Exact,
                            (KeyKind::Full, true) => NumberMatch::Normalized,
                            (KeyKind::Digits, _) => NumberMatch::WithoutPrefix,
                        };
                        self.references.push(ReferenceHit {
                            inv,
                            kind: ReferenceKind::Number(how),
                            field,
                            found: buf.clone(),
                            span: tokens.span(i, j + 1),
                        });
                    }
                }
            }
            if found && found_settles {
                continue;
            }
            // Not found, or found but the amount fits none of what was found: with dense
            // numbering a typo often hits another real invoice exactly.
            if let Some(q) = typo_queries.as_deref_mut() {
                let shaped = self.scorer.shaped(buf);
                let digits_only =
                    all_digit && digits_allowed && buf.len() >= 6 && significant_digits(buf) >= 5;
                if shaped || digits_only {
                    let core: String = buf.chars().filter(char::is_ascii_digit).collect();
                    if core.len() >= 5 {
                        q.push(TypoQuery {
                            core,
                            window: buf.clone(),
                            field,
                            shaped,
                            found_exactly: found,
                        });
                    }
                }
            }
        }
    }

    /// Whether the letter token before `i`, joined to the window, is a number of its own (an
    /// open item's, or one of the configured shapes).
    fn written_prefix(&self, tokens: &Tokens, i: usize, window: &str, repaired: bool) -> bool {
        if i == 0 || tokens.toks.get(i - 1).is_none_or(|t| t.digit) {
            return false;
        }
        let mut with = String::with_capacity(window.len() + 4);
        with.push_str(tokens.get(i - 1));
        with.push_str(window);
        self.scorer
            .index
            .number_hits(repaired, &with)
            .any(|(_, k)| k == KeyKind::Full)
            || self.scorer.shaped(&with)
    }

    /// The strongest reference to `inv`: (index into the references, points, strong).
    pub(super) fn best_reference(&self, inv: u32) -> Option<(u16, i32, bool)> {
        let mut best: Option<(u16, i32, bool)> = None;
        for (k, r) in self.references.iter().enumerate() {
            if r.inv != inv {
                continue;
            }
            let p = r.kind.points();
            if best.is_none_or(|(_, bp, _)| p > bp) {
                best = Some((k as u16, p, r.kind.strong()));
            }
        }
        best
    }
}
