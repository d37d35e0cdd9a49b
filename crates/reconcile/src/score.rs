//! Scoring one transaction against the candidates the index offers, and the per-transaction
//! verdict (automatic, suggestion, nothing).
//!
//! Scores are additive points with a named signal each (Kivitendo's point system, GnuCash's ±
//! scores). Automatic matching needs more than points (docs/reconciliation.md): a strong identifier (a
//! reference, or an IBAN known for exactly this customer), an amount that settles, and a lead
//! over the next candidate, so that two equally good candidates are always suggestions.

use rust_decimal::Decimal;
use time::Date;

use crate::amount::{Fit, SettleBounds, cents, fit, fit_with};
use crate::config::Config;
use crate::index::{AmountItem, AmountLists, Index, KeyKind, RARE_NAME_WORD};
use crate::model::{InvoiceKind, Transaction};
use crate::name::{NormName, normalize_name, similarity};
use crate::normalize::{
    fold_text, iban_key, mentions_partial, real_id, significant_digits, tokenize,
};
use crate::pattern::InvoicePattern;
use crate::reason::{NumberMatch, TextField};
use crate::rf::is_valid_rf;
use crate::subset::find_subsets;

/// The weights. Chosen so that: a reference plus an exact amount is automatic on its own
/// (50 + 30 + 5 for the date); an IBAN known for exactly this customer plus an exact amount is
/// automatic only when no other open item of that customer fits (25 + 30 + 20 + 5); a name
/// alone never is; a typo'd reference needs the IBAN as well.
pub(crate) mod points {
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
    /// An unnamed item the amount does not fit: most of a customer's other open items.
    pub(crate) const AMOUNT_UNRELATED: i32 = -20;
    /// The text announces a partial payment.
    pub(crate) const PARTIAL_ANNOUNCED: i32 = 15;
    /// The only fitting item of a customer identified by IBAN (or reference).
    pub(crate) const ONLY_FITTING: i32 = 20;
    /// The only fitting item of a customer identified by name only.
    pub(crate) const ONLY_FITTING_BY_NAME: i32 = 10;
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
}

/// Similarity from which a name identifies a customer well enough to search its items.
const NAME_IDENTIFIES: f64 = 0.85;
/// At most this many customers are compared by name for one payment.
const MAX_NAME_CANDIDATES: usize = 128;
/// Similarity from which a name that resembles one customer only identifies the payer.
const NAME_UNIQUE: f64 = 0.95;
/// How far the identified customer's name must lead the next most similar one: names that
/// share a first word ("Bauer Haustechnik", "Bauer Bau") look alike to Jaro-Winkler.
const NAME_UNIQUE_LEAD: f64 = 0.08;
/// The most an item neither named nor fitting the amount can score: IBAN 25 + name 15 +
/// date 5 − 20 for the amount.
const UNRELATED_ITEM_BOUND: i32 =
    points::IBAN_KNOWN + points::NAME_SAME + points::IN_TERM + points::AMOUNT_UNRELATED;
/// How many token positions one invoice number may span in a text (`RE 2024 08 15` is four).
const MAX_WINDOW: usize = 5;
/// More typo candidates than this for one token means the numbering is too dense for a typo to
/// point anywhere.
const MAX_TYPO_HITS: usize = 5;
/// More amount-only candidates than this are cut to the ones nearest in date.
const MAX_AMOUNT_ONLY: usize = 10;
/// A customer with more open items than this is not searched by IBAN or name item by item.
const MAX_ITEMS_PER_CUSTOMER: usize = 300;

/// A token group to look up among one-typo neighbours: (digit core, compact window, field,
/// pattern-shaped, found exactly but not fitting the amount).
type TypoQuery = (String, String, TextField, bool, bool);

/// How a reference was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RefHow {
    Rf,
    E2e,
    Number(NumberMatch),
}

impl RefHow {
    fn points(self) -> i32 {
        match self {
            RefHow::Rf => points::RF,
            RefHow::E2e => points::E2E,
            RefHow::Number(NumberMatch::Exact) => points::NUMBER_EXACT,
            RefHow::Number(NumberMatch::Normalized) => points::NUMBER_NORMALIZED,
            RefHow::Number(NumberMatch::WithoutPrefix) => points::NUMBER_WITHOUT_PREFIX,
            RefHow::Number(NumberMatch::Typo) => points::NUMBER_TYPO,
        }
    }

    fn strong(self) -> bool {
        !matches!(self, RefHow::Number(NumberMatch::Typo))
    }
}

/// One reference found in the transaction's texts.
#[derive(Debug, Clone)]
pub(crate) struct RefHit {
    pub(crate) inv: u32,
    pub(crate) how: RefHow,
    pub(crate) field: TextField,
    pub(crate) found: String,
    /// Byte range in the folded field text.
    pub(crate) span: (u32, u32),
}

/// Date relation, as a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateSig {
    InTerm(i64),
    LongAfterDue(i64),
    BeforeIssue(i64),
}

/// An internal signal; turned into a public [`crate::Reason`] only for what is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sig {
    Ref(u16),
    AllNamed(u16),
    NamedLeftOut(u16),
    Fit { fit: Fit, paid: Decimal },
    Combined { count: u16, total: Decimal },
    PartialAnnounced,
    OnlyFitting,
    OnlyFittingCombination,
    IbanKnown,
    IbanShared(u16),
    IbanOther,
    Name { cust: u32, percent: u8 },
    NameUnique { cust: u32 },
    Date(DateSig),
    Currency { inv: u32 },
    Unknown(u16),
}

/// Why an option may not be automatic, whatever its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    CurrencyDiffers,
    UnknownReference(u16),
    NoIdentifier,
    AmountDoesNotSettle,
}

/// A list that is one element long in nearly every use (the items of an option and their
/// amounts): kept inline then. Every transaction keeps its leading options until the batch is
/// done, and two allocations per option were a large part of the small allocations whose
/// freeing and re-use grew faster than the batch.
#[derive(Debug, Clone, Default)]
pub(crate) enum Few<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T: Copy> Few<T> {
    pub(crate) fn push(&mut self, v: T) {
        match self {
            Few::Empty => *self = Few::One(v),
            Few::One(x) => *self = Few::Many(vec![*x, v]),
            Few::Many(list) => list.push(v),
        }
    }
}

impl<T> std::ops::Deref for Few<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Few::Empty => &[],
            Few::One(x) => std::slice::from_ref(x),
            Few::Many(list) => list,
        }
    }
}

impl<'a, T> IntoIterator for &'a Few<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: PartialEq> PartialEq for Few<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T> FromIterator<T> for Few<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut it = iter.into_iter();
        let Some(first) = it.next() else {
            return Few::Empty;
        };
        let Some(second) = it.next() else {
            return Few::One(first);
        };
        let mut list = vec![first, second];
        list.extend(it);
        Few::Many(list)
    }
}

/// One way to settle: items, amounts, score and signals.
#[derive(Debug, Clone)]
pub(crate) struct Opt {
    /// Items, ordered by invoice id.
    pub(crate) invs: Few<u32>,
    /// Amount per item (same order).
    pub(crate) allocs: Few<Decimal>,
    pub(crate) unallocated: Decimal,
    pub(crate) score: i32,
    pub(crate) sigs: Vec<(Sig, i32)>,
    pub(crate) gate: Option<Gate>,
    strong: bool,
    typo: bool,
    partly_named: bool,
    iban_unique: bool,
    iban_any: bool,
    name: f64,
    name_unique: bool,
    exact_fit: bool,
    cust: u32,
}

impl Opt {
    fn new(cust: u32) -> Self {
        Opt {
            invs: Few::default(),
            allocs: Few::default(),
            unallocated: Decimal::ZERO,
            score: 0,
            sigs: Vec::with_capacity(6),
            gate: None,
            strong: false,
            typo: false,
            partly_named: false,
            iban_unique: false,
            iban_any: false,
            name: 0.0,
            name_unique: false,
            exact_fit: false,
            cust,
        }
    }

    fn add(&mut self, sig: Sig, pts: i32) {
        self.sigs.push((sig, pts));
        self.score += pts;
    }

    fn gate(&mut self, g: Gate) {
        if self.gate.is_none() {
            self.gate = Some(g);
        }
    }
}

/// Why a transaction is not automatic (before the batch-wide assignment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    Gate(Gate),
    BelowThreshold,
    Ambiguous,
}

/// Why nothing is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Empty {
    ZeroAmount,
    OutOfRange,
    NoCandidates,
    BelowSuggest,
    WrongDirection(u32),
}

/// The verdict on one transaction in isolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Auto,
    Suggest(Hold),
    NoMatch(Empty),
}

/// Everything learned about one transaction.
#[derive(Debug, Clone)]
pub(crate) struct TxEval {
    pub(crate) refs: Vec<RefHit>,
    pub(crate) unknown: Vec<String>,
    /// Options best first (only the leading few are kept).
    pub(crate) opts: Vec<Opt>,
    pub(crate) verdict: Verdict,
    /// The payer IBAN, compact (for the explanation).
    pub(crate) iban: String,
}

impl TxEval {
    fn empty(why: Empty) -> Self {
        TxEval {
            refs: Vec::new(),
            unknown: Vec::new(),
            opts: Vec::new(),
            verdict: Verdict::NoMatch(why),
            iban: String::new(),
        }
    }
}

/// What is shared by all transactions of one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scorer<'a> {
    pub(crate) ix: &'a Index<'a>,
    pub(crate) cfg: &'a Config,
    pub(crate) patterns: &'a [InvoicePattern],
    /// The amount lists to find amount-only candidates in: the index's, or, once items have
    /// been settled, the ones still open ([`AmountLists::live`]).
    pub(crate) amounts: &'a AmountLists,
    /// Whether nothing has been taken from any item yet (the first round): what is open of
    /// each item is its original open amount.
    pub(crate) untouched: bool,
    /// The configuration's tolerances, for ruling candidates out cheaply.
    pub(crate) bounds: SettleBounds,
}

/// Per-transaction working state.
struct Work<'s, 'a> {
    s: &'s Scorer<'a>,
    tx: &'s Transaction,
    remaining: &'s [Decimal],
    incoming: bool,
    paid: Decimal,
    date: Date,
    currency: u64,
    iban_custs: &'s [u32],
    payer: Option<NormName>,
    sims: Vec<(u32, f64)>,
    refs: Vec<RefHit>,
    unknown: Vec<String>,
    partial_announced: bool,
    /// The one customer the payer's name identifies, if exactly one resembles it.
    name_unique: Option<u32>,
}

impl<'a> Scorer<'a> {
    /// Scores one transaction against what is still open (`remaining`, by invoice index).
    pub(crate) fn evaluate(&self, tx: &Transaction, remaining: &[Decimal]) -> TxEval {
        if tx.amount.is_zero() {
            return TxEval::empty(Empty::ZeroAmount);
        }
        if !crate::amount::in_range(tx.amount) {
            return TxEval::empty(Empty::OutOfRange);
        }
        let iban = tx
            .counterparty_iban
            .as_deref()
            .map(iban_key)
            .unwrap_or_default();
        let iban_custs: &[u32] = if iban.is_empty() {
            &[]
        } else {
            self.ix.iban_customers(&iban)
        };
        let mut w = Work {
            s: self,
            tx,
            remaining,
            incoming: tx.amount > Decimal::ZERO,
            paid: tx.amount.abs(),
            date: tx.effective_date(),
            currency: crate::normalize::currency_code(&tx.currency),
            iban_custs,
            payer: tx
                .counterparty_name
                .as_deref()
                .map(normalize_name)
                .filter(|n| !n.is_empty()),
            sims: Vec::new(),
            refs: Vec::new(),
            unknown: Vec::new(),
            partial_announced: false,
            name_unique: None,
        };
        w.find_references();
        let (opts, wrong_dir) = w.options();
        let verdict = w.verdict(&opts, wrong_dir);
        let keep = self.cfg.max_suggestions.max(2);
        let mut opts = opts;
        opts.truncate(keep);
        TxEval {
            refs: w.refs,
            unknown: w.unknown,
            opts,
            verdict,
            iban,
        }
    }
}

impl Work<'_, '_> {
    fn is_open(&self, i: u32) -> bool {
        self.remaining
            .get(i as usize)
            .is_some_and(|r| *r > Decimal::ZERO)
    }

    /// Items money in this direction settles on its own.
    fn single_ok(&self, i: u32) -> bool {
        let want = if self.incoming {
            InvoiceKind::Invoice
        } else {
            InvoiceKind::CreditNote
        };
        self.s.ix.inv[i as usize].kind == want
    }

    /// Items that may be part of a combination: incoming money nets credit notes against
    /// invoices; outgoing money only refunds credit notes.
    fn multi_ok(&self, i: u32) -> bool {
        self.incoming || self.s.ix.inv[i as usize].kind == InvoiceKind::CreditNote
    }

    /// Whether the payment settles item `i` alone (exact, discount or tolerance).
    fn settles(&self, i: u32) -> bool {
        self.fit_item(i).settles()
    }

    /// How the payment relates to what is still open of item `i`.
    fn fit_item(&self, i: u32) -> Fit {
        let inv = &self.s.ix.inv[i as usize];
        let open = self.open(i);
        // The index's precomputed amounts hold while nothing was taken from the item.
        let cached = (open == inv.open).then_some(inv.amounts);
        fit_with(
            self.paid,
            open,
            cached,
            (inv.kind == InvoiceKind::Invoice).then_some(inv.issue),
            self.date,
            self.s.cfg,
        )
    }

    fn open(&self, i: u32) -> Decimal {
        self.remaining
            .get(i as usize)
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    // ---------------------------------------------------------------- references

    fn find_references(&mut self) {
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
            for &inv in self.s.ix.e2e_hits(id) {
                self.refs.push(RefHit {
                    inv,
                    how: RefHow::E2e,
                    field: TextField::EndToEndId,
                    found: id.to_string(),
                    span: (0, 0),
                });
            }
        }
        self.typo_lookup(typo_queries);
        // A fixed order that does not depend on the order of the invoices: ties between
        // references are broken by position in the text, then by invoice id.
        let ix = self.s.ix;
        self.refs.sort_by(|a, b| {
            (a.field, a.span, ix.inv[a.inv as usize].rank).cmp(&(
                b.field,
                b.span,
                ix.inv[b.inv as usize].rank,
            ))
        });
    }

    /// Longest match wins: a number found inside a longer number found at the same place is
    /// part of it (`RE 2024 30 46` is RE-2024-3046; its `2024 30` is not GS-2024-0030).
    fn drop_inner_hits(&mut self) {
        if self.refs.len() < 2 {
            return;
        }
        let is_number = |r: &RefHit| matches!(r.how, RefHow::Number(m) if m != NumberMatch::Typo);
        let spans: Vec<(TextField, (u32, u32))> = self
            .refs
            .iter()
            .filter(|r| is_number(r))
            .map(|r| (r.field, r.span))
            .collect();
        self.refs.retain(|r| {
            let (a, b) = r.span;
            !is_number(r)
                || !spans
                    .iter()
                    .any(|&(f, (c, d))| f == r.field && c <= a && b <= d && (d - c) > (b - a))
        });
    }

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
            let list = self.s.ix.rf_hits(&rf);
            if list.is_empty() {
                self.unknown.push(rf);
                continue;
            }
            for &inv in list {
                self.refs.push(RefHit {
                    inv,
                    how: RefHow::Rf,
                    field,
                    found: rf.clone(),
                    span: (0, 0),
                });
            }
        }
    }

    fn scan_numbers(&mut self, folded: &str, field: TextField, typo_queries: &mut Vec<TypoQuery>) {
        let ix = self.s.ix;
        let max = ix.max_key_len;
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

    fn windows(
        &mut self,
        tokens: &crate::normalize::Tokens,
        i: usize,
        repaired: bool,
        field: TextField,
        buf: &mut String,
        mut typo_queries: Option<&mut Vec<TypoQuery>>,
    ) {
        let ix = self.s.ix;
        let max = ix.max_key_len;
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
            if !digit || buf.len() < ix.min_key_len.min(6) {
                continue;
            }
            let mut found = false;
            let mut found_settles = false;
            if buf.len() <= max {
                let mut hits = ix.number_hits(repaired, buf).peekable();
                if hits.peek().is_some() {
                    // Digits right after a written prefix belong to that prefix: `RE-2024-0117`
                    // names neither `GS-2024-0117` nor, when it is not open, anything else.
                    let prefixed = self.written_prefix(tokens, i, buf, repaired);
                    // Part of a longer number: neither a hit nor a typo candidate.
                    found = true;
                    found_settles |= prefixed;
                    for (inv, kind) in hits {
                        if kind == KeyKind::Digits && prefixed {
                            continue;
                        }
                        found_settles |= self.settles(inv);
                        let how = match (kind, repaired) {
                            (KeyKind::Full, false) => NumberMatch::Exact,
                            (KeyKind::Full, true) => NumberMatch::Normalized,
                            (KeyKind::Digits, _) => NumberMatch::WithoutPrefix,
                        };
                        self.refs.push(RefHit {
                            inv,
                            how: RefHow::Number(how),
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
                let shaped = self.s.patterns.iter().any(|p| p.matches_compact(buf));
                let digits_only = all_digit && buf.len() >= 6 && significant_digits(buf) >= 5;
                if shaped || digits_only {
                    let core: String = buf.chars().filter(char::is_ascii_digit).collect();
                    if core.len() >= 5 {
                        q.push((core, buf.clone(), field, shaped, found));
                    }
                }
            }
        }
    }

    /// Whether the letter token before `i`, joined to the window, is a number of its own (an
    /// open item's, or one of the configured shapes).
    fn written_prefix(
        &self,
        tokens: &crate::normalize::Tokens,
        i: usize,
        window: &str,
        repaired: bool,
    ) -> bool {
        if i == 0 || tokens.toks.get(i - 1).is_none_or(|t| t.digit) {
            return false;
        }
        let mut with = String::with_capacity(window.len() + 4);
        with.push_str(tokens.get(i - 1));
        with.push_str(window);
        self.s
            .ix
            .number_hits(repaired, &with)
            .any(|(_, k)| k == KeyKind::Full)
            || self.s.patterns.iter().any(|p| p.matches_compact(&with))
    }

    fn typo_lookup(&mut self, mut queries: Vec<TypoQuery>) {
        if queries.is_empty() {
            return;
        }
        // Typos are looked for only when no reference found so far explains the payment;
        // a pattern-shaped window still marks an unknown reference.
        let mut named: Vec<u32> = self
            .refs
            .iter()
            .filter(|r| r.how.strong() && self.is_open(r.inv))
            .map(|r| r.inv)
            .collect();
        named.sort_unstable();
        named.dedup();
        let explained = named.iter().any(|&i| self.single_ok(i) && self.settles(i))
            || (named.len() >= 2 && {
                let total: Decimal = named.iter().map(|&i| self.signed(i)).sum();
                total > Decimal::ZERO
                    && fit(self.paid, total, None, self.date, self.s.cfg).settles()
            });
        // With several numbers named, a named one that does not fit alone is no typo.
        if named.len() >= 2 {
            queries.retain(|q| !q.4);
        }
        if explained {
            for (_, window, _, shaped, found_exactly) in queries {
                if shaped && !found_exactly {
                    let t = tokenize(&window, true).joined();
                    if self.s.ix.number_hits(true, &t).next().is_none() {
                        self.unknown.push(window);
                    }
                }
            }
            self.unknown.sort();
            self.unknown.dedup();
            return;
        }
        queries.sort();
        queries.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1 && a.2 == b.2);
        let ix = self.s.ix;
        let mut cands = Vec::new();
        for (core, window, field, shaped, found_exactly) in queries {
            // A window already explained by a hit in its repaired form is no typo.
            let known = !found_exactly && {
                let t = tokenize(&window, true).joined();
                ix.number_hits(true, &t).any(|(i, _)| self.settles(i))
            };
            if known {
                continue;
            }
            cands.clear();
            let paid_cents = cents(self.paid);
            let untouched = self.s.untouched;
            let bounds = self.s.bounds;
            ix.typo_candidates(
                &core,
                |open| bounds.may_settle(paid_cents, open, untouched),
                &mut cands,
            );
            let mut hits: Vec<u32> = Vec::new();
            for &inv in &cands {
                // Cheapest test first: with dense numbering most candidates are other real
                // invoices, and the amount rules them out (a typo only counts where the
                // amount agrees).
                if !self.is_open(inv) || !self.multi_ok(inv) || !self.settles(inv) {
                    continue;
                }
                let Some(c) = ix.typo_core(inv) else {
                    continue;
                };
                if c.len().abs_diff(core.len()) > 1
                    || c == core
                    || strsim::osa_distance(c, &core) > 1
                {
                    continue;
                }
                if self.refs.iter().any(|r| r.inv == inv && r.how.strong()) {
                    continue;
                }
                hits.push(inv);
            }
            if shaped && !found_exactly {
                // Named but not open: whatever a typo lookup finds, an amount-only fit to some
                // other item is doubtful (a paid invoice paid again).
                self.unknown.push(window.clone());
            }
            if hits.is_empty() || hits.len() > MAX_TYPO_HITS {
                continue;
            }
            for inv in hits {
                self.refs.push(RefHit {
                    inv,
                    how: RefHow::Number(NumberMatch::Typo),
                    field,
                    found: window.clone(),
                    span: (0, 0),
                });
            }
        }
        self.unknown.sort();
        self.unknown.dedup();
    }

    /// The strongest reference to `inv`: (index into refs, points, strong).
    fn best_ref(&self, inv: u32) -> Option<(u16, i32, bool)> {
        let mut best: Option<(u16, i32, bool)> = None;
        for (k, r) in self.refs.iter().enumerate() {
            if r.inv != inv {
                continue;
            }
            let p = r.how.points();
            if best.is_none_or(|(_, bp, _)| p > bp) {
                best = Some((k as u16, p, r.how.strong()));
            }
        }
        best
    }

    // ---------------------------------------------------------------- parties

    fn sim(&mut self, c: u32) -> f64 {
        if let Some(&(_, s)) = self.sims.iter().find(|(k, _)| *k == c) {
            return s;
        }
        let s = match (&self.payer, self.s.ix.cust.get(c as usize)) {
            (Some(p), Some(cd)) => similarity(p, &cd.name),
            _ => 0.0,
        };
        self.sims.push((c, s));
        s
    }

    /// Customers whose name the payer's resembles, best first, at most three.
    fn name_customers(&mut self) -> Vec<u32> {
        let Some(payer) = self.payer.as_ref() else {
            return Vec::new();
        };
        // A rare word names few customers: take them all. Common words ("Müller", "Bau")
        // name hundreds: take only customers that two of the payer's words name together.
        let ix = self.s.ix;
        let mut found: Vec<u32> = Vec::new();
        let mut common: Vec<&str> = Vec::new();
        for w in &payer.words {
            if w.len() < 3 {
                continue;
            }
            if let Some(list) = ix.name_word_customers(w) {
                if list.len() <= RARE_NAME_WORD {
                    found.extend_from_slice(list);
                } else {
                    common.push(w);
                }
            }
        }

        // Customers named by two of the common words: looked up by pair, not by intersecting
        // the words' long lists. A word the payer wrote twice pairs with itself.
        let mut key = Vec::new();
        for (k, a) in common.iter().enumerate() {
            for b in &common[k + 1..] {
                if a == b {
                    found.extend_from_slice(ix.name_word_customers(a).unwrap_or(&[]));
                } else {
                    found.extend_from_slice(ix.name_pair_customers(a, b, &mut key));
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        if found.len() > MAX_NAME_CANDIDATES {
            found.sort_by_key(|&c| self.cust_key(c));
            found.truncate(MAX_NAME_CANDIDATES);
        }
        let mut scored: Vec<(u32, f64)> = Vec::new();
        for c in found {
            let s = self.sim(c);
            if s >= NAME_IDENTIFIES {
                scored.push((c, s));
            }
        }
        let key = |c: u32| ix.items(c).first().map(|&i| ix.inv[i as usize].rank);
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| key(a.0).cmp(&key(b.0))));
        // One customer, and only one, whose name the payer's matches: the name identifies the
        // payer (Odoo's partner retrieval accepts a name only when it is unique, ERPNext's
        // fuzzy party matching refuses ties). An IBAN known for someone else vetoes it.
        let lead = match scored.as_slice() {
            [(c, best)] => Some((*c, *best, 0.0)),
            [(c, best), (_, second), ..] => Some((*c, *best, *second)),
            [] => None,
        };
        if let Some((c, best, second)) = lead
            && best >= NAME_UNIQUE
            && best - second >= NAME_UNIQUE_LEAD
            && self.iban_custs.is_empty()
        {
            self.name_unique = Some(c);
        }
        scored.truncate(3);
        scored.into_iter().map(|(c, _)| c).collect()
    }

    /// The customer's place in the order of customer ids: the stable key for ties between
    /// customers.
    fn cust_key(&self, c: u32) -> Option<u32> {
        self.s.ix.cust_rank.get(c as usize).copied()
    }

    /// The party signals for customer `c`.
    fn party(&mut self, o: &mut Opt, c: u32) {
        if !self.iban_custs.is_empty() {
            if self.iban_custs.contains(&c) {
                o.iban_any = true;
                if self.iban_custs.len() == 1 {
                    o.iban_unique = true;
                    o.add(Sig::IbanKnown, points::IBAN_KNOWN);
                } else {
                    o.add(
                        Sig::IbanShared(self.iban_custs.len().min(u16::MAX as usize) as u16),
                        points::IBAN_SHARED,
                    );
                }
            } else if self.iban_custs.len() == 1 {
                // Only an IBAN that identifies one customer speaks against the others; one
                // shared by several (a payment service) speaks for nobody.
                o.add(Sig::IbanOther, points::IBAN_OTHER);
            }
        }
        let s = self.sim(c);
        o.name = s;
        if self.name_unique == Some(c) && !o.iban_any {
            o.name_unique = true;
            o.add(Sig::NameUnique { cust: c }, points::NAME_UNIQUE);
            return;
        }
        let pts = if s >= 0.95 {
            points::NAME_SAME
        } else if s >= NAME_IDENTIFIES {
            points::NAME_SIMILAR
        } else if s >= 0.75 {
            points::NAME_WEAK
        } else {
            0
        };
        if pts > 0 {
            o.add(
                Sig::Name {
                    cust: c,
                    percent: (s * 100.0).round().clamp(0.0, 100.0) as u8,
                },
                pts,
            );
        }
    }

    fn date_sig(&self, inv: u32) -> (DateSig, i32) {
        let invoice = &self.s.ix.inv[inv as usize];
        let after_issue = (self.date - invoice.issue).whole_days();
        if after_issue < -3 {
            return (DateSig::BeforeIssue(-after_issue), points::BEFORE_ISSUE);
        }
        let after_due = (self.date - invoice.due).whole_days();
        if after_due > self.s.cfg.date_window_days {
            (DateSig::LongAfterDue(after_due), points::LONG_AFTER_DUE)
        } else {
            (DateSig::InTerm(after_issue.max(0)), points::IN_TERM)
        }
    }

    /// Adds the amount signal for a fit and sets the allocation of a single item.
    fn amount(&self, o: &mut Opt, f: Fit, open: Decimal, named: bool) {
        let paid = self.paid;
        let (pts, alloc, unalloc) = match f {
            Fit::Exact => (points::AMOUNT_EXACT, paid, Decimal::ZERO),
            Fit::CashDiscount { late, .. } => (
                if late {
                    points::CASH_DISCOUNT_LATE
                } else {
                    points::CASH_DISCOUNT
                },
                paid,
                Decimal::ZERO,
            ),
            Fit::Tolerance { difference } => {
                if difference > Decimal::ZERO {
                    (points::TOLERANCE, open, difference)
                } else {
                    (points::TOLERANCE, paid, Decimal::ZERO)
                }
            }
            Fit::Partial { .. } => (
                if named {
                    points::NAMED_BUT_AMOUNT_DIFFERS
                } else {
                    points::AMOUNT_UNRELATED
                },
                paid,
                Decimal::ZERO,
            ),
            Fit::Over { excess } => (
                if named {
                    points::NAMED_BUT_AMOUNT_DIFFERS
                } else {
                    points::AMOUNT_UNRELATED
                },
                open,
                excess,
            ),
        };
        o.add(Sig::Fit { fit: f, paid }, pts);
        o.allocs.push(alloc);
        o.unallocated = unalloc;
        o.exact_fit = matches!(f, Fit::Exact | Fit::CashDiscount { late: false, .. });
    }

    // ---------------------------------------------------------------- options

    fn options(&mut self) -> (Vec<Opt>, Option<u32>) {
        let ix = self.s.ix;
        let cfg = self.s.cfg;
        let mut cands: Vec<u32> = Vec::new();
        let mut wrong_dir: Option<u32> = None;
        let mut strong_any = false;
        for r in &self.refs {
            if !self.is_open(r.inv) {
                continue;
            }
            if self.single_ok(r.inv) {
                cands.push(r.inv);
                strong_any |= r.how.strong();
            } else if wrong_dir.is_none() {
                wrong_dir = Some(r.inv);
            }
        }
        // Customers identified by IBAN (a shared IBAN names at most a few).
        let mut party_custs: Vec<u32> = Vec::new();
        if !self.iban_custs.is_empty() && self.iban_custs.len() <= 3 {
            party_custs.extend_from_slice(self.iban_custs);
        }
        let unique_iban = self.iban_custs.len() == 1;
        let mut name_custs = Vec::new();
        if !unique_iban && !strong_any {
            name_custs = self.name_customers();
            party_custs.extend_from_slice(&name_custs);
        }
        party_custs.sort_unstable();
        party_custs.dedup();
        for &c in &party_custs {
            let items = ix.items(c);
            if items.len() > MAX_ITEMS_PER_CUSTOMER {
                continue;
            }
            for &i in items {
                if self.is_open(i) && self.single_ok(i) {
                    cands.push(i);
                }
            }
        }
        // Amount alone, only when nothing else offers a candidate (Odoo's fallback; never
        // automatic since nothing identifies the payer).
        if cands.is_empty()
            && let Some(c) = cents(self.paid)
        {
            self.nearest_by_due_date(self.s.amounts.hits(c), &mut cands);
        }
        cands.sort_unstable();
        cands.dedup();
        let mut opts: Vec<Opt> = Vec::with_capacity(cands.len() + 2);
        for &i in &cands {
            // An item neither named nor fitting the amount can score no more than 25 (IBAN,
            // name, date, less 20 for the amount): below any sensible suggest threshold, and
            // most of a known customer's open items are such. Not built at all.
            if self.s.cfg.suggest_threshold > UNRELATED_ITEM_BOUND
                && self.best_ref(i).is_none()
                && !self.settles(i)
            {
                continue;
            }
            let o = self.single(i);
            opts.push(o);
        }
        self.only_fitting(&mut opts, &party_custs, &name_custs);
        if let Some(o) = self.named_combination() {
            opts.push(o);
        }
        let settled = opts
            .iter()
            .any(|o| o.gate.is_none() && o.score >= cfg.auto_threshold && o.invs.len() == 1);
        if !settled && cfg.subset_max_size >= 2 {
            let mut subset_custs = party_custs.clone();
            for r in &self.refs {
                if r.how.strong() && self.is_open(r.inv) {
                    subset_custs.push(ix.inv[r.inv as usize].cust);
                }
            }
            subset_custs.sort_unstable();
            subset_custs.dedup();
            subset_custs.sort_by_key(|&c| self.cust_key(c));
            subset_custs.truncate(4);
            for c in subset_custs {
                let found = self.combinations(c, &opts, &name_custs);
                opts.extend(found);
            }
        }
        let id = |i: &u32| ix.inv[*i as usize].rank;
        opts.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.invs.iter().map(id).cmp(b.invs.iter().map(id)))
        });
        // The same items twice (a combination also found as named): keep the better one.
        // `invs` is ordered by invoice id everywhere, so equal sets are equal vectors.
        let mut kept: Vec<Opt> = Vec::with_capacity(opts.len());
        for o in opts {
            if !kept.iter().any(|k| k.invs == o.invs) {
                kept.push(o);
            }
        }
        let opts = kept;
        if !cands.is_empty() {
            wrong_dir = None;
        }
        (opts, wrong_dir)
    }

    /// The open items of `list` (sorted by due date, then id) whose due date is nearest the
    /// payment, at most [`MAX_AMOUNT_ONLY`]: a common amount (a price-list 49.00) has thousands
    /// of items, and only those near in time are plausible.
    fn nearest_by_due_date(&self, list: &[AmountItem], out: &mut Vec<u32>) {
        let want = if self.incoming {
            InvoiceKind::Invoice
        } else {
            InvoiceKind::CreditNote
        };
        let mid = list.partition_point(|x| x.due < self.date);
        let (mut lo, mut hi) = (mid, mid);
        let mut taken = 0;
        while taken < MAX_AMOUNT_ONLY && (lo > 0 || hi < list.len()) {
            let left = lo
                .checked_sub(1)
                .map(|k| (k, (self.date - list[k].due).whole_days()));
            let right = list.get(hi).map(|x| (hi, (x.due - self.date).whole_days()));
            let k = match (left, right) {
                (Some((l, dl)), Some((_, dr))) if dl <= dr => {
                    lo = l;
                    l
                }
                (_, Some((r, _))) => {
                    hi = r + 1;
                    r
                }
                (Some((l, _)), None) => {
                    lo = l;
                    l
                }
                (None, None) => break,
            };
            let x = list[k];
            if x.kind == want && self.is_open(x.inv) {
                out.push(x.inv);
                taken += 1;
            }
        }
    }

    fn single(&mut self, i: u32) -> Opt {
        let ix = self.s.ix;
        let c = ix.inv[i as usize].cust;
        let mut o = Opt::new(c);
        o.invs.push(i);
        let named = if let Some((k, pts, strong)) = self.best_ref(i) {
            o.add(Sig::Ref(k), pts);
            o.strong = strong;
            o.typo = !strong;
            true
        } else {
            false
        };
        let open = self.open(i);
        let f = self.fit_item(i);
        self.amount(&mut o, f, open, named);
        if let Fit::Partial { .. } = f
            && self.partial_announced
            && o.strong
        {
            o.add(Sig::PartialAnnounced, points::PARTIAL_ANNOUNCED);
        }
        let left_out = self.named_left_out(&o.invs);
        if left_out > 0 {
            if named {
                o.add(Sig::NamedLeftOut(left_out), points::NAMED_LEFT_OUT);
            } else {
                // The payer named something else: IBAN and amount must not outweigh that
                // (hard case 6 of docs/reconciliation.md).
                o.add(Sig::NamedLeftOut(left_out), points::OTHER_ITEM_NAMED);
                o.gate(Gate::NoIdentifier);
            }
        }
        self.party(&mut o, c);
        let (d, pts) = self.date_sig(i);
        o.add(Sig::Date(d), pts);
        // A part paid against a named invoice by its known payer leaves the rest open and
        // books nothing wrong (Odoo 19 settles such parts too); without a known payer only an
        // announced instalment counts.
        let party_known = o.iban_unique || o.name_unique || o.name >= NAME_IDENTIFIES;
        let amount_ok = f.settles()
            || (matches!(f, Fit::Partial { .. })
                && o.strong
                && (self.partial_announced || party_known));
        self.finish(&mut o, amount_ok);
        o
    }

    /// Currency, unknown references and the identity and amount gates.
    fn finish(&mut self, o: &mut Opt, amount_ok: bool) {
        let ix = self.s.ix;
        if let Some(&bad) = o
            .invs
            .iter()
            .find(|&&i| ix.inv[i as usize].currency != self.currency)
        {
            o.add(Sig::Currency { inv: bad }, points::CURRENCY_DIFFERS);
            o.gate(Gate::CurrencyDiffers);
        }
        if !o.strong && !self.unknown.is_empty() {
            let unexplained = self.unknown.iter().position(|u| {
                !self
                    .refs
                    .iter()
                    .any(|r| o.invs.contains(&r.inv) && &r.found == u)
            });
            if let Some(k) = unexplained {
                let k = k.min(u16::MAX as usize) as u16;
                o.add(Sig::Unknown(k), points::UNKNOWN_REFERENCE);
                o.gate(Gate::UnknownReference(k));
            }
        }
        let identified = o.strong
            || o.iban_unique
            || o.name_unique
            || ((o.typo || o.partly_named) && (o.iban_any || o.name >= NAME_IDENTIFIES));
        if !identified {
            o.gate(Gate::NoIdentifier);
        }
        if !amount_ok {
            o.gate(Gate::AmountDoesNotSettle);
        }
    }

    /// Gives the bonus to the one item of an identified customer that the amount fits.
    fn only_fitting(&self, opts: &mut [Opt], party_custs: &[u32], name_custs: &[u32]) {
        for &c in party_custs {
            let mut fitting = opts
                .iter()
                .enumerate()
                .filter(|(_, o)| o.cust == c && o.invs.len() == 1 && o.exact_fit);
            let (Some((k, _)), None) = (fitting.next(), fitting.next()) else {
                continue;
            };
            let by_iban = self.iban_custs.len() == 1 && self.iban_custs[0] == c;
            let pts = if by_iban || self.name_unique == Some(c) {
                points::ONLY_FITTING
            } else if name_custs.contains(&c) {
                points::ONLY_FITTING_BY_NAME
            } else {
                continue;
            };
            if let Some(o) = opts.get_mut(k) {
                o.add(Sig::OnlyFitting, pts);
            }
        }
    }

    /// How many other open items the texts name strongly that a candidate leaves out: the
    /// payer listed them, so a candidate without them explains less of the payment.
    fn named_left_out(&self, invs: &[u32]) -> u16 {
        let mut others: Vec<u32> = self
            .refs
            .iter()
            .filter(|r| r.how.strong() && !invs.contains(&r.inv))
            .map(|r| r.inv)
            .filter(|&i| self.is_open(i) && self.multi_ok(i))
            .collect();
        others.sort_unstable();
        others.dedup();
        others.len().min(u16::MAX as usize) as u16
    }

    /// All items named by strong references, paid together (several numbers listed).
    fn named_combination(&mut self) -> Option<Opt> {
        let ix = self.s.ix;
        let mut named: Vec<u32> = self
            .refs
            .iter()
            .filter(|r| r.how.strong() && self.is_open(r.inv) && self.multi_ok(r.inv))
            .map(|r| r.inv)
            .collect();
        named.sort_unstable();
        named.dedup();
        named.sort_by_key(|&i| ix.inv[i as usize].rank);
        if named.len() < 2 || named.len() > 12 {
            return None;
        }
        if !named.iter().any(|&i| self.single_ok(i)) {
            return None;
        }
        let c = ix.inv[named[0] as usize].cust;
        let mut o = Opt::new(c);
        o.strong = true;
        let mut min_ref = i32::MAX;
        let mut refs = Vec::new();
        for &i in &named {
            if let Some((k, pts, _)) = self.best_ref(i) {
                min_ref = min_ref.min(pts);
                refs.push(k);
            }
        }
        for (n, k) in refs.into_iter().enumerate() {
            o.add(Sig::Ref(k), if n == 0 { min_ref } else { 0 });
        }
        o.add(Sig::AllNamed(named.len() as u16), points::ALL_NAMED);
        self.combination_body(&mut o, &named);
        Some(o)
    }

    /// Signed total of items for this payment's direction.
    fn signed(&self, i: u32) -> Decimal {
        let open = self.open(i);
        if self.incoming && self.s.ix.inv[i as usize].kind == InvoiceKind::CreditNote {
            -open
        } else {
            open
        }
    }

    /// Amount, allocation, party and date of a combination; sets `o.invs`.
    fn combination_body(&mut self, o: &mut Opt, items: &[u32]) {
        let ix = self.s.ix;
        let total: Decimal = items.iter().map(|&i| self.signed(i)).sum();
        let all_invoices = items
            .iter()
            .all(|&i| ix.inv[i as usize].kind == InvoiceKind::Invoice);
        let earliest = items.iter().map(|&i| ix.inv[i as usize].issue).min();
        let f = if total > Decimal::ZERO {
            fit(
                self.paid,
                total,
                if all_invoices { earliest } else { None },
                self.date,
                self.s.cfg,
            )
        } else {
            Fit::Over { excess: self.paid }
        };
        o.add(
            Sig::Combined {
                count: items.len() as u16,
                total,
            },
            0,
        );
        let pts = match f {
            Fit::Exact => points::AMOUNT_EXACT,
            Fit::CashDiscount { late: false, .. } => points::CASH_DISCOUNT,
            Fit::CashDiscount { late: true, .. } => points::CASH_DISCOUNT_LATE,
            Fit::Tolerance { .. } => points::TOLERANCE,
            Fit::Partial { .. } | Fit::Over { .. } => points::NAMED_BUT_AMOUNT_DIFFERS,
        };
        o.add(
            Sig::Fit {
                fit: f,
                paid: self.paid,
            },
            pts,
        );
        o.exact_fit = matches!(f, Fit::Exact);
        // Allocation: credit notes are consumed whole; the money (plus what they free) goes to
        // the invoices by due date, oldest first.
        let mut order: Vec<u32> = items.to_vec();
        order.sort_by_key(|&i| {
            let d = &ix.inv[i as usize];
            (d.due, d.rank)
        });
        let mut money = self.paid;
        for &i in &order {
            if self.incoming && ix.inv[i as usize].kind == InvoiceKind::CreditNote {
                money += self.open(i);
            }
        }
        let mut alloc: Vec<(u32, Decimal)> = Vec::with_capacity(order.len());
        for &i in &order {
            let open = self.open(i);
            let a = if self.incoming && ix.inv[i as usize].kind == InvoiceKind::CreditNote {
                open
            } else {
                let a = open.min(money.max(Decimal::ZERO));
                money -= a;
                a
            };
            alloc.push((i, a));
        }
        alloc.retain(|(_, a)| *a > Decimal::ZERO);
        alloc.sort_by_key(|a| ix.inv[a.0 as usize].rank);
        o.invs = alloc.iter().map(|(i, _)| *i).collect();
        o.allocs = alloc.iter().map(|(_, a)| *a).collect();
        o.unallocated = money.max(Decimal::ZERO);
        // Party: the best of the customers involved (a parent may pay its subsidiaries').
        let mut custs: Vec<u32> = items.iter().map(|&i| ix.inv[i as usize].cust).collect();
        custs.sort_unstable();
        custs.dedup();
        custs.sort_by_key(|&c| self.cust_key(c));
        let mut best: Option<Opt> = None;
        for c in custs {
            let mut p = Opt::new(c);
            self.party(&mut p, c);
            if best.as_ref().is_none_or(|b| p.score > b.score) {
                best = Some(p);
            }
        }
        if let Some(p) = best {
            for (s, pts) in p.sigs {
                o.add(s, pts);
            }
            o.iban_unique = p.iban_unique;
            o.iban_any = p.iban_any;
            o.name = p.name;
            o.name_unique = p.name_unique;
            o.cust = p.cust;
        }
        let worst = items
            .iter()
            .map(|&i| (self.date_sig(i), ix.inv[i as usize].rank))
            .min_by(|a, b| (a.0.1, a.1).cmp(&(b.0.1, b.1)))
            .map(|(d, _)| d);
        if let Some((d, pts)) = worst {
            o.add(Sig::Date(d), pts);
        }
        self.finish(o, f.settles());
    }

    /// Combinations of customer `c`'s open items whose sum is the amount.
    fn combinations(&mut self, c: u32, singles: &[Opt], name_custs: &[u32]) -> Vec<Opt> {
        let ix = self.s.ix;
        let cfg = self.s.cfg;
        let Some(paid_cents) = cents(self.paid) else {
            return Vec::new();
        };
        let mut items: Vec<(u32, i64)> = Vec::new();
        for &i in ix.items(c) {
            if !self.is_open(i) || !self.multi_ok(i) || ix.inv[i as usize].currency != self.currency
            {
                continue;
            }
            let Some(v) = cents(self.signed(i)) else {
                continue;
            };
            items.push((i, v));
        }
        // An item larger than the payment can only take part if credit notes offset it.
        let credit: i64 = items.iter().map(|(_, v)| (*v).min(0)).sum();
        items.retain(|(_, v)| *v <= paid_cents - credit);
        if items.len() < 2 {
            return Vec::new();
        }
        items.truncate(cfg.subset_max_items);
        let values: Vec<i64> = items.iter().map(|(_, v)| *v).collect();
        let found = find_subsets(&values, paid_cents, 2, cfg.subset_max_size, 4);
        if found.is_empty() {
            return Vec::new();
        }
        let single_fits = singles.iter().any(|o| o.cust == c && o.exact_fit);
        let unique = found.len() == 1 && !single_fits;
        let by_iban =
            (self.iban_custs.len() == 1 && self.iban_custs[0] == c) || self.name_unique == Some(c);
        let mut out = Vec::with_capacity(found.len());
        for set in found {
            let members: Vec<u32> = set
                .iter()
                .filter_map(|&k| items.get(k).map(|x| x.0))
                .collect();
            if !members.iter().any(|&i| self.single_ok(i)) {
                continue;
            }
            let mut o = Opt::new(c);
            // References to members count once, with the strongest one's points. Only when
            // every member is named does the reference alone identify the combination: a
            // named invoice plus unnamed ones that happen to add up is a coincidence unless the
            // payer is known too.
            let mut best: Option<(u16, i32)> = None;
            let mut named = 0;
            for &i in &members {
                if let Some((k, pts, strong)) = self.best_ref(i)
                    && strong
                {
                    named += 1;
                    if best.is_none_or(|(_, bp)| pts > bp) {
                        best = Some((k, pts));
                    }
                }
            }
            o.strong = named == members.len();
            o.partly_named = named > 0;
            if let Some((k, pts)) = best {
                o.add(Sig::Ref(k), pts);
            }
            let left_out = self.named_left_out(&members);
            if left_out > 0 {
                o.add(Sig::NamedLeftOut(left_out), points::NAMED_LEFT_OUT);
            }
            self.combination_body(&mut o, &members);
            if unique {
                let pts = if by_iban {
                    points::ONLY_FITTING
                } else if name_custs.contains(&c) {
                    points::ONLY_FITTING_BY_NAME
                } else {
                    0
                };
                if pts > 0 {
                    o.add(Sig::OnlyFittingCombination, pts);
                }
            }
            out.push(o);
        }
        out
    }

    // ---------------------------------------------------------------- verdict

    fn verdict(&self, opts: &[Opt], wrong_dir: Option<u32>) -> Verdict {
        let cfg = self.s.cfg;
        let Some(best) = opts.first() else {
            return Verdict::NoMatch(match wrong_dir {
                Some(i) => Empty::WrongDirection(i),
                None => Empty::NoCandidates,
            });
        };
        if best.score < cfg.suggest_threshold {
            return Verdict::NoMatch(Empty::BelowSuggest);
        }
        if let Some(g) = best.gate {
            return Verdict::Suggest(Hold::Gate(g));
        }
        if best.score < cfg.auto_threshold {
            return Verdict::Suggest(Hold::BelowThreshold);
        }
        if let Some(second) = opts.get(1)
            && best.score - second.score < cfg.auto_margin
        {
            return Verdict::Suggest(Hold::Ambiguous);
        }
        Verdict::Auto
    }
}

#[cfg(test)]
mod tests {
    use super::points::*;
    use super::*;

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
        // An unannounced part from an unknown payer is not automatic.
        assert!(NUMBER_EXACT + NAMED_BUT_AMOUNT_DIFFERS + IN_TERM < cfg.auto_threshold);
    }

    #[test]
    fn few_is_a_list_whatever_its_length() {
        let mut f: Few<u32> = Few::default();
        assert!(f.is_empty());
        f.push(7);
        assert_eq!(&*f, &[7]);
        f.push(8);
        f.push(9);
        assert_eq!(&*f, &[7, 8, 9]);
        let one: Few<u32> = [7].into_iter().collect();
        assert_eq!(one, Few::Many(vec![7]));
        assert_eq!([7, 8, 9].into_iter().collect::<Few<u32>>(), f);
        assert!(std::iter::empty::<u32>().collect::<Few<u32>>().is_empty());
    }

    #[test]
    fn reference_kinds_rank_by_strength() {
        let pts = |h: RefHow| h.points();
        assert!(pts(RefHow::Rf) > pts(RefHow::Number(NumberMatch::Exact)));
        assert!(
            pts(RefHow::Number(NumberMatch::Exact)) > pts(RefHow::Number(NumberMatch::Normalized))
        );
        assert!(
            pts(RefHow::Number(NumberMatch::WithoutPrefix))
                > pts(RefHow::Number(NumberMatch::Typo))
        );
        assert!(RefHow::E2e.strong() && !RefHow::Number(NumberMatch::Typo).strong());
    }
}
