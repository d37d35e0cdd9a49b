//! The lookup structures built once per batch, so each transaction is scored against a handful
//! of candidates instead of every open invoice.
//!
//! Keys: invoice-number keys (exact, repaired, digits-only) → invoices; a typo index of
//! one-deletion variants (hashes) → invoices; RF references and end-to-end ids → invoices;
//! IBANs and name words → customers; open amounts (and discounted amounts) in cents → invoices.

use rust_decimal::Decimal;
use time::Date;

use crate::amount::{cents, discounted, in_range, tolerance};
use crate::config::Config;
use crate::fasthash::{FxMap, HashIndex, KeyIndex, check_bytes, hash_bytes, key_entry};
use crate::model::{Invoice, InvoiceKind};
use crate::name::{NormName, normalize_name};
use crate::normalize::{
    KeyScratch, MIN_SIGNIFICANT_DIGITS, currency_code, iban_key, real_id, significant_digits,
};
use crate::rf::compact;
use crate::shapes::{ShapeCounts, Shapes};

/// Which key of an invoice number a lookup hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum KeyKind {
    /// The whole number.
    Full,
    /// The digits without the prefix.
    Digits,
}

/// What the index keeps per invoice.
#[derive(Debug, Clone)]
///
/// Scoring reads these for every candidate; kept here, beside each other, they cost one or two
/// cache lines per candidate instead of three or four in the caller's much larger `Invoice`
/// (at 100,000 items nothing of it stays in the cache).
pub(crate) struct ItemData {
    /// Tolerance and discounted amount of the original open amount.
    pub(crate) amounts: (Decimal, Decimal),
    /// The original open amount.
    pub(crate) open: Decimal,
    pub(crate) currency: u64,
    pub(crate) customer: u32,
    /// The position of the invoice's id among all ids (equal ids, equal rank): ties between
    /// items are broken by id everywhere, and comparing two numbers reads no strings.
    pub(crate) rank: u32,
    pub(crate) issue: Date,
    pub(crate) due: Date,
    /// Where the digit string indexed for typo lookups lies in `Index::typo_text` (start,
    /// length; length 0: none). One shared string instead of one allocation per invoice.
    typo: (u32, u32),
    pub(crate) kind: InvoiceKind,
}

/// What the index keeps per customer.
#[derive(Debug, Clone)]
pub(crate) struct CustomerData {
    pub(crate) name: NormName,
    /// The item whose customer name `name` was taken from (to print it).
    pub(crate) name_item: u32,
    /// Where its open items lie in `Index::cust_items`.
    items: (u32, u32),
}

/// Words of customer names shared by more customers than this are too common to find
/// candidates by even in pairs ("GmbH" is dropped earlier; "Service", "Bau" at scale).
const MAX_CUSTOMERS_PER_NAME_WORD: usize = 4096;

/// A name word shared by at most this many customers finds them on its own; more common words
/// find customers only in pairs.
pub(crate) const RARE_NAME_WORD: usize = 64;

/// More numbers than this sharing one deletion variant are not worth verifying one by one.
const MAX_TYPO_BUCKET: usize = 64;

/// The per-batch index.
///
/// Built without one allocation per invoice: at 100,000 items, millions of small strings and
/// lists made allocation, freeing and the cache misses of a fragmented heap the part of the
/// build that grew fastest with the batch. Keys are hashed where they are computed, lists are
/// ranges of sorted flat arrays.
#[derive(Debug)]
pub(crate) struct Index<'a> {
    pub(crate) invoices: &'a [Invoice],
    pub(crate) items: Vec<ItemData>,
    pub(crate) customers: Vec<CustomerData>,
    /// Each customer's rank in the order of customer ids: the stable key for ties between
    /// customers, compared without reading the strings.
    pub(crate) customer_rank: Vec<u32>,
    /// The open items of all customers, customer by customer, each customer's by due date,
    /// then id.
    cust_items: Vec<u32>,
    /// Invoice-number keys by hash: (invoice, which key, where the key lies in `key_text`).
    /// Hashes instead of strings keep 400,000 keys from costing 400,000 allocations; a hit is
    /// confirmed by comparing the key itself, because a second hash of the same family (the
    /// check this replaced) collided together with the first on neighbouring numbers.
    keys: HashIndex<(u32, KeyKind, KeySpan)>,
    /// The repaired keys, likewise.
    rkeys: HashIndex<(u32, KeyKind, KeySpan)>,
    /// The number keys of all invoices, one after the other.
    key_text: String,
    pub(crate) max_key_len: usize,
    /// Shortest key: shorter token groups need no lookup.
    pub(crate) min_key_len: usize,
    /// One-deletion variants (and the core itself) of each typo core → (invoice, its open
    /// amount in cents, `u32::MAX` when larger). The amount is stored beside the invoice so
    /// that candidates the payment cannot settle are dropped without reading anything else:
    /// with dense numbering at 100,000 items a typo lookup finds some 60 real neighbours,
    /// nearly all of them other customers' invoices of other amounts.
    typo: HashIndex<(u32, u32)>,
    /// The typo cores of all invoices, one after the other.
    typo_text: String,
    /// RF references → invoices.
    rf: KeyIndex,
    /// End-to-end ids → invoices.
    e2e: KeyIndex,
    /// Customer IBANs → customers.
    iban: KeyIndex,
    /// Customer-name words → customers.
    name_words: KeyIndex,
    /// Pairs of common customer-name words (see [`pair_key`]) → customers whose name has both.
    name_pairs: KeyIndex,
    /// Open items by open (and discounted) amount.
    pub(crate) amounts: AmountLists,
    /// The shapes of the open items' numbers.
    pub(crate) shapes: Shapes,
}

/// Open (and discounted) amounts in cents, ascending, and beside them the items with that
/// amount, by due date, then id: one list per amount, found by bisection.
#[derive(Debug, Default)]
pub(crate) struct AmountLists {
    cents: Vec<i64>,
    items: Vec<AmountItem>,
}

/// An item in [`AmountLists`], with what the search for the nearest items reads of it: walking
/// a list then reads the list alone, not one invoice after another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmountItem {
    pub(crate) inv: u32,
    pub(crate) due: Date,
    pub(crate) kind: InvoiceKind,
}

impl AmountLists {
    /// Open items whose open (or discounted) amount is exactly `cents`, by due date.
    pub(crate) fn hits(&self, cents: i64) -> &[AmountItem] {
        let lo = self.cents.partition_point(|&c| c < cents);
        let hi = lo
            + self
                .cents
                .get(lo..)
                .map_or(0, |rest| rest.partition_point(|&c| c == cents));
        self.items.get(lo..hi).unwrap_or(&[])
    }

    /// The same lists without the items nothing is left of in `remaining`. The batch-wide
    /// assignment re-scores a few thousand payments after the first round has settled most
    /// items; a common amount (a price-list 49.00) then has thousands of settled items around
    /// the few open ones, and walking past them was the part of the matcher that grew with the
    /// square of the batch. Dropping them once changes no result: the nearest open items are
    /// found in the same order.
    pub(crate) fn live(&self, remaining: &[Decimal]) -> AmountLists {
        let mut out = AmountLists::default();
        for (&c, &item) in self.cents.iter().zip(&self.items) {
            if remaining
                .get(item.inv as usize)
                .is_some_and(|r| *r > Decimal::ZERO)
            {
                out.cents.push(c);
                out.items.push(item);
            }
        }
        out
    }
}

/// Where a number key lies in `Index::key_text`: (start, length).
type KeySpan = (u32, u16);

/// What the parallel pass computes for a run of consecutive invoices.
#[derive(Default)]
struct Part {
    inv: Vec<ItemData>,
    /// Whether each invoice is open (enters the lookups).
    open: Vec<bool>,
    typo_text: String,
    keys: Vec<(u64, (u32, KeyKind, KeySpan))>,
    rkeys: Vec<(u64, (u32, KeyKind, KeySpan))>,
    /// The number keys, one after the other (offsets relative to this part).
    key_text: String,
    min_key_len: usize,
    max_key_len: usize,
    typo: Vec<(u64, (u32, u32))>,
    rf: Vec<(u64, u32, u32)>,
    e2e: Vec<(u64, u32, u32)>,
    /// IBANs with the invoice; turned into customers once customers are numbered.
    ibans: Vec<(u64, u32, u32)>,
    /// (cents, invoice).
    amounts: Vec<(i64, u32)>,
    /// Each invoice's customer id, hashed (hash, check hash).
    cust_key: Vec<(u64, u32)>,
    /// Each invoice's id: its first 16 bytes, for comparing without reading the string.
    id_prefix: Vec<u128>,
    shapes: ShapeCounts,
}

/// Enters `key` of invoice `inv` into `list`, its text into `text`. A key too long to be
/// a number anyone copies (over 64 KiB) is left out.
fn post_key(
    list: &mut Vec<(u64, (u32, KeyKind, KeySpan))>,
    text: &mut String,
    key: &str,
    inv: u32,
    kind: KeyKind,
) {
    let Ok(len) = u16::try_from(key.len()) else {
        return;
    };
    let b = key.as_bytes();
    list.push((hash_bytes(b), (inv, kind, (text.len() as u32, len))));
    text.push_str(key);
}

/// The first 16 bytes of `id`, zero-padded, as a number whose order agrees with the order of
/// the strings wherever two prefixes differ.
pub(crate) fn id_prefix(id: &str) -> u128 {
    let mut b = [0u8; 16];
    let s = id.as_bytes();
    let k = s.len().min(16);
    b[..k].copy_from_slice(&s[..k]);
    u128::from_be_bytes(b)
}

/// Each string's rank in the order of the strings `id(0..prefix.len())` (equal strings share
/// a rank), given their [`id_prefix`]es. One sort of numbers; the strings are read only where
/// two agree in their first 16 bytes.
fn ranks<'s>(prefix: &[u128], id: impl Fn(u32) -> &'s str) -> Vec<u32> {
    let mut order: Vec<(u128, u32)> = prefix
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, i as u32))
        .collect();
    order.sort_unstable();
    for run in order.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_by(|a, b| id(a.1).cmp(id(b.1)));
        }
    }
    let mut rank = vec![0u32; prefix.len()];
    let mut r = 0u32;
    let mut prev: Option<(u128, u32)> = None;
    for &(p, i) in &order {
        if let Some((pp, pi)) = prev
            && (pp != p || id(pi) != id(i))
        {
            r += 1;
        }
        if let Some(x) = rank.get_mut(i as usize) {
            *x = r;
        }
        prev = Some((p, i));
    }
    rank
}

impl<'a> Index<'a> {
    /// Builds the index. Items that are not open (amount ≤ 0) are kept in `items` (indices must
    /// line up with the input) but never entered into a lookup.
    pub(crate) fn build(invoices: &'a [Invoice], cfg: &Config, threads: usize) -> Self {
        let n = invoices.len();
        // The string work is per invoice and pure: done in parallel first, assembled after.
        let parts = crate::par::map_chunks(invoices, threads, |offset, chunk| {
            prepare_part(offset, chunk, cfg)
        });
        let mut inv: Vec<ItemData> = Vec::with_capacity(n);
        let mut open: Vec<bool> = Vec::with_capacity(n);
        let mut typo_text = String::new();
        let mut key_text = String::new();
        let (mut min_key_len, mut max_key_len) = (usize::MAX, 0);
        let total = |f: fn(&Part) -> usize| parts.iter().map(f).sum::<usize>();
        let mut key_list = Vec::with_capacity(total(|p| p.keys.len()));
        let mut rkey_list = Vec::with_capacity(total(|p| p.rkeys.len()));
        let mut typo = Vec::with_capacity(total(|p| p.typo.len()));
        let mut rf = Vec::new();
        let mut e2e = Vec::new();
        let mut ibans = Vec::new();
        let mut amounts = Vec::with_capacity(total(|p| p.amounts.len()));
        let mut cust_key = Vec::with_capacity(n);
        let mut prefix = Vec::with_capacity(n);
        let mut shapes = ShapeCounts::default();
        for p in parts {
            shapes.merge(p.shapes);
            let base = typo_text.len() as u32;
            typo_text.push_str(&p.typo_text);
            inv.extend(p.inv.into_iter().map(|mut d| {
                if d.typo.1 > 0 {
                    d.typo.0 += base;
                }
                d
            }));
            open.extend(p.open);
            min_key_len = min_key_len.min(p.min_key_len);
            max_key_len = max_key_len.max(p.max_key_len);
            let kbase = key_text.len() as u32;
            key_text.push_str(&p.key_text);
            let shift = |(h, (i, k, (start, len))): (u64, (u32, KeyKind, KeySpan))| {
                (h, (i, k, (start + kbase, len)))
            };
            key_list.extend(p.keys.into_iter().map(shift));
            rkey_list.extend(p.rkeys.into_iter().map(shift));
            typo.extend(p.typo);
            rf.extend(p.rf);
            e2e.extend(p.e2e);
            ibans.extend(p.ibans);
            amounts.extend(p.amounts);
            cust_key.extend(p.cust_key);
            prefix.extend(p.id_prefix);
        }
        // Customers, numbered in order of first appearance, by their hashed ids (no string is
        // read here: at 100,000 items each read was a cache miss). Meanwhile the ids are ranked.
        let id = |i: u32| invoices.get(i as usize).map_or("", |x| x.id.as_str());
        let number_customers = || {
            let mut cust_of: FxMap<(u64, u32), u32> = FxMap::default();
            let custs: Vec<u32> = cust_key
                .iter()
                .map(|&k| {
                    let next = cust_of.len() as u32;
                    *cust_of.entry(k).or_insert(next)
                })
                .collect();
            (custs, cust_of.len())
        };
        let ((custs, n_cust), rank) = if threads > 1 && n >= crate::par::PARALLEL_FROM {
            std::thread::scope(|s| {
                let r = s.spawn(|| ranks(&prefix, id));
                let c = number_customers();
                match r.join() {
                    Ok(r) => (c, r),
                    Err(e) => std::panic::resume_unwind(e),
                }
            })
        } else {
            (number_customers(), ranks(&prefix, id))
        };
        drop((cust_key, prefix));
        // The name is taken from the customer's item with the smallest id, so that the result
        // does not depend on the order of the input when names differ between items.
        let mut name_inv: Vec<u32> = vec![u32::MAX; n_cust];
        for (i, ((d, &c), &r)) in inv.iter_mut().zip(&custs).zip(&rank).enumerate() {
            d.customer = c;
            d.rank = r;
            if let Some(from) = name_inv.get_mut(c as usize)
                && (*from == u32::MAX || rank.get(*from as usize).is_some_and(|&f| r < f))
            {
                *from = i as u32;
            }
        }
        drop((custs, rank));
        // Customers are ordered by their ids wherever they tie.
        let customer_id = |c: u32| {
            name_inv
                .get(c as usize)
                .and_then(|&i| invoices.get(i as usize))
                .map_or("", |x| x.customer_id.as_str())
        };
        let cust_prefix: Vec<u128> = (0..n_cust as u32)
            .map(|c| id_prefix(customer_id(c)))
            .collect();
        let cust_rank = ranks(&cust_prefix, customer_id);
        drop(cust_prefix);
        // Names are normalised once per customer, not once per item.
        let names = crate::par::map(&name_inv, threads, |&i| {
            invoices
                .get(i as usize)
                .map(|x| normalize_name(&x.customer_name))
                .unwrap_or_default()
        });
        // Open items customer by customer, by due date, then id.
        let mut by_cust: Vec<((u32, Date, u32), u32)> = inv
            .iter()
            .zip(&open)
            .enumerate()
            .filter(|(_, (_, o))| **o)
            .map(|(i, (d, _))| ((d.customer, d.due, d.rank), i as u32))
            .collect();
        by_cust.sort_unstable();
        let mut cust: Vec<CustomerData> = names
            .into_iter()
            .zip(name_inv)
            .map(|(name, name_item)| CustomerData {
                name,
                name_item,
                items: (0, 0),
            })
            .collect();
        let cust_items: Vec<u32> = by_cust.iter().map(|e| e.1).collect();
        let mut k = 0;
        for run in by_cust.chunk_by(|a, b| a.0.0 == b.0.0) {
            if let Some(cd) = run.first().and_then(|e| cust.get_mut(e.0.0 as usize)) {
                cd.items = (k as u32, (k + run.len()) as u32);
            }
            k += run.len();
        }
        drop(by_cust);
        let mut words = Vec::new();
        for (c, cd) in cust.iter().enumerate() {
            if cd.items.1 == cd.items.0 {
                continue;
            }
            for w in &cd.name.words {
                if w.len() >= 3 {
                    words.push(key_entry(w.as_bytes(), c as u32));
                }
            }
        }
        let name_words = KeyIndex::build(words);
        // Common words find customers only in pairs ("Müller" and "Bau" together); at 100,000
        // items every word of the generator's name pool is common, and intersecting their
        // lists of thousands of customers per payment grew with the square of the batch. The
        // pairs are indexed instead: one lookup per pair of the payer's words.
        let common = |w: &str| {
            (w.len() >= 3)
                .then(|| name_words.get(w.as_bytes()).len())
                .is_some_and(|k| k > RARE_NAME_WORD && k <= MAX_CUSTOMERS_PER_NAME_WORD)
        };
        let mut pairs = Vec::new();
        let mut key = Vec::new();
        for (c, cd) in cust.iter().enumerate() {
            if cd.items.1 == cd.items.0 {
                continue;
            }
            let ws: Vec<&str> = cd
                .name
                .words
                .iter()
                .map(String::as_str)
                .filter(|w| common(w))
                .collect();
            for (k, a) in ws.iter().enumerate() {
                for b in &ws[k + 1..] {
                    if a != b {
                        pair_key(a, b, &mut key);
                        pairs.push(key_entry(&key, c as u32));
                    }
                }
            }
        }
        let iban_custs: Vec<(u64, u32, u32)> = ibans
            .into_iter()
            .filter_map(|(h, check, i)| inv.get(i as usize).map(|d| (h, check, d.customer)))
            .collect();
        // Amount lists by due date, so that the items nearest a payment are found by bisection.
        let mut amount_list: Vec<((i64, Date, u32), u32)> = amounts
            .into_iter()
            .filter_map(|(c, i)| inv.get(i as usize).map(|d| ((c, d.due, d.rank), i)))
            .collect();
        amount_list.sort_unstable();
        // An item whose discounted amount rounds to its open amount is entered once.
        amount_list.dedup_by(|a, b| a.0.0 == b.0.0 && a.1 == b.1);
        let amounts = AmountLists {
            cents: amount_list.iter().map(|e| e.0.0).collect(),
            items: amount_list
                .iter()
                .map(|&((_, due, _), i)| AmountItem {
                    inv: i,
                    due,
                    kind: inv.get(i as usize).map_or(InvoiceKind::Invoice, |d| d.kind),
                })
                .collect(),
        };
        drop(amount_list);
        let mut index = Index {
            invoices,
            items: inv,
            customers: cust,
            customer_rank: cust_rank,
            cust_items,
            keys: HashIndex::default(),
            rkeys: HashIndex::default(),
            key_text,
            max_key_len,
            min_key_len,
            typo: HashIndex::default(),
            typo_text,
            rf: KeyIndex::build(rf),
            e2e: KeyIndex::build(e2e),
            iban: KeyIndex::build(iban_custs),
            name_words,
            name_pairs: KeyIndex::build(pairs),
            amounts,
            shapes: shapes.finish(),
        };
        // The three sorts are independent.
        if threads > 1 {
            let (keys, (rkeys, typo)) = std::thread::scope(|s| {
                let k = s.spawn(|| HashIndex::build(key_list));
                let r = s.spawn(|| HashIndex::build(rkey_list));
                let t = HashIndex::build(typo);
                (k.join(), (r.join(), t))
            });
            match (keys, rkeys) {
                (Ok(k), Ok(r)) => {
                    index.keys = k;
                    index.rkeys = r;
                }
                (Err(e), _) | (_, Err(e)) => std::panic::resume_unwind(e),
            }
            index.typo = typo;
        } else {
            index.keys = HashIndex::build(key_list);
            index.rkeys = HashIndex::build(rkey_list);
            index.typo = HashIndex::build(typo);
        }
        index
    }

    /// Customer `c`'s open items, by due date, then id.
    pub(crate) fn customer_items(&self, c: u32) -> &[u32] {
        self.customers
            .get(c as usize)
            .and_then(|cd| {
                self.cust_items
                    .get(cd.items.0 as usize..cd.items.1 as usize)
            })
            .unwrap_or(&[])
    }

    /// The digit string of invoice `i` indexed for typo lookups, if any.
    pub(crate) fn typo_core(&self, i: u32) -> Option<&str> {
        let (start, len) = self.items.get(i as usize)?.typo;
        if len == 0 {
            return None;
        }
        self.typo_text
            .get(start as usize..start as usize + len as usize)
    }

    /// Open items whose RF reference is `rf` (compact).
    pub(crate) fn rf_hits(&self, rf: &str) -> &[u32] {
        self.rf.get(rf.as_bytes())
    }

    /// Open items we sent with end-to-end id `id`.
    pub(crate) fn e2e_hits(&self, id: &str) -> &[u32] {
        self.e2e.get(id.as_bytes())
    }

    /// Customers with open items that `iban` (compact) is known for.
    pub(crate) fn iban_customers(&self, iban: &str) -> &[u32] {
        self.iban.get(iban.as_bytes())
    }

    /// Customers with open items whose name has the word `w`; `None` when no customer's
    /// has, or the word is too common to find anyone by.
    pub(crate) fn name_word_customers(&self, w: &str) -> Option<&[u32]> {
        let list = self.name_words.get(w.as_bytes());
        (!list.is_empty() && list.len() <= MAX_CUSTOMERS_PER_NAME_WORD).then_some(list)
    }

    /// Customers with open items whose name has both `a` and `b`, two words each shared by
    /// more than [`RARE_NAME_WORD`] customers (and not too common to find anyone by).
    pub(crate) fn name_pair_customers(&self, a: &str, b: &str, key: &mut Vec<u8>) -> &[u32] {
        pair_key(a, b, key);
        self.name_pairs.get(key)
    }

    /// Invoices one of whose number keys is `window` (`repaired`: among the repaired keys).
    pub(crate) fn number_hits<'s>(
        &'s self,
        repaired: bool,
        window: &'s str,
    ) -> impl Iterator<Item = (u32, KeyKind)> + 's {
        let map = if repaired { &self.rkeys } else { &self.keys };
        let b = window.as_bytes();
        map.get(hash_bytes(b))
            .iter()
            .filter(move |e| {
                let (start, len) = e.1.2;
                let start = start as usize;
                self.key_text
                    .as_bytes()
                    .get(start..start + usize::from(len))
                    == Some(b)
            })
            .map(|e| (e.1.0, e.1.1))
    }

    /// Invoices whose typo core is `query` or within one deletion/insertion/substitution/swap.
    /// Returns hash candidates; the caller verifies the distance on the strings.
    /// Only invoices whose original open amount in cents passes `keep` are returned (see
    /// [`crate::amount::SettleBounds`]).
    pub(crate) fn typo_candidates(
        &self,
        query: &str,
        keep: impl Fn(u32) -> bool,
        out: &mut Vec<u32>,
    ) {
        let b = query.as_bytes();
        let probe = |h: u64, out: &mut Vec<u32>| {
            let found = self.typo.get(h);
            // A variant shared by very many numbers (dense numbering) points nowhere.
            if found.len() <= MAX_TYPO_BUCKET {
                out.extend(found.iter().filter(|e| keep(e.1.1)).map(|&(_, (i, _))| i));
            }
        };
        probe(hash_bytes(b), out);
        let mut del = Vec::with_capacity(b.len());
        for skip in 0..b.len() {
            del.clear();
            del.extend_from_slice(&b[..skip]);
            del.extend_from_slice(&b[skip + 1..]);
            probe(hash_bytes(&del), out);
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The key of an unordered pair of name words: the smaller, a space (never part of a word),
/// the larger.
fn pair_key(a: &str, b: &str, key: &mut Vec<u8>) {
    let (x, y) = if a <= b { (a, b) } else { (b, a) };
    key.clear();
    key.extend_from_slice(x.as_bytes());
    key.push(b' ');
    key.extend_from_slice(y.as_bytes());
}

/// The per-invoice work for `chunk`, whose first invoice has index `offset`.
fn prepare_part(offset: usize, chunk: &[Invoice], cfg: &Config) -> Part {
    let mut p = Part {
        inv: Vec::with_capacity(chunk.len()),
        open: Vec::with_capacity(chunk.len()),
        keys: Vec::with_capacity(chunk.len() * 2),
        rkeys: Vec::with_capacity(chunk.len() * 2),
        typo: Vec::with_capacity(chunk.len() * 9),
        amounts: Vec::with_capacity(chunk.len() * 2),
        cust_key: Vec::with_capacity(chunk.len()),
        id_prefix: Vec::with_capacity(chunk.len()),
        min_key_len: usize::MAX,
        ..Part::default()
    };
    let mut del = Vec::new();
    let mut scratch = KeyScratch::default();
    for (k, invoice) in chunk.iter().enumerate() {
        let i = (offset + k) as u32;
        let open = invoice.open_amount > Decimal::ZERO && in_range(invoice.open_amount);
        let mut d = ItemData {
            amounts: (Decimal::ZERO, Decimal::ZERO),
            open: invoice.open_amount,
            currency: currency_code(&invoice.currency),
            customer: 0,
            rank: 0,
            issue: invoice.issue_date,
            due: invoice.due_date,
            typo: (0, 0),
            kind: invoice.kind,
        };
        p.open.push(open);
        let c = invoice.customer_id.as_bytes();
        p.cust_key.push((hash_bytes(c), check_bytes(c)));
        p.id_prefix.push(id_prefix(&invoice.id));
        if !open {
            p.inv.push(d);
            continue;
        }
        let disc = discounted(invoice.open_amount, cfg);
        d.amounts = (tolerance(invoice.open_amount, cfg), disc);
        if scratch.compute(&invoice.number) {
            let keys = &scratch;
            p.shapes.add(&keys.exact);
            p.max_key_len = p.max_key_len.max(keys.exact.len()).max(keys.repaired.len());
            p.min_key_len = p.min_key_len.min(keys.exact.len()).min(keys.repaired.len());
            post_key(&mut p.keys, &mut p.key_text, &keys.exact, i, KeyKind::Full);
            post_key(
                &mut p.rkeys,
                &mut p.key_text,
                &keys.repaired,
                i,
                KeyKind::Full,
            );
            if let Some((dg, dr)) = keys.digits() {
                p.min_key_len = p.min_key_len.min(dr.len());
                post_key(&mut p.keys, &mut p.key_text, dg, i, KeyKind::Digits);
                post_key(&mut p.rkeys, &mut p.key_text, dr, i, KeyKind::Digits);
            }
            if let Some(core) = typo_core(&keys.exact, keys.digits().map(|d| d.0)) {
                let b = core.as_bytes();
                d.typo = (p.typo_text.len() as u32, b.len() as u32);
                p.typo_text.push_str(core);
                let oc = cents(invoice.open_amount)
                    .and_then(|c| u32::try_from(c).ok())
                    .unwrap_or(u32::MAX);
                p.typo.push((hash_bytes(b), (i, oc)));
                for skip in 0..b.len() {
                    del.clear();
                    del.extend_from_slice(&b[..skip]);
                    del.extend_from_slice(&b[skip + 1..]);
                    p.typo.push((hash_bytes(&del), (i, oc)));
                }
            }
        }
        if let Some(rf) = invoice.creditor_reference.as_deref().map(compact)
            && !rf.is_empty()
        {
            p.rf.push(key_entry(rf.as_bytes(), i));
        }
        if let Some(id) = real_id(invoice.end_to_end_id.as_deref()) {
            p.e2e.push(key_entry(id.as_bytes(), i));
        }
        for iban in &invoice.customer_ibans {
            let key = iban_key(iban);
            if !key.is_empty() {
                p.ibans.push(key_entry(key.as_bytes(), i));
            }
        }
        if let Some(c) = cents(invoice.open_amount) {
            p.amounts.push((c, i));
        }
        if invoice.kind == InvoiceKind::Invoice
            && cfg.cash_discount_percent > Decimal::ZERO
            && let Some(c) = cents(disc)
        {
            p.amounts.push((c, i));
        }
        p.inv.push(d);
    }
    p
}

/// The digit string of a number worth a typo lookup: its digits when it has a prefix, the
/// whole number when it is all digits; at least six characters and five significant digits so
/// that one edit cannot turn a year or a postcode into it.
fn typo_core<'k>(exact: &'k str, digits: Option<&'k str>) -> Option<&'k str> {
    let core = match digits {
        Some(d) => d,
        None if exact.bytes().all(|b| b.is_ascii_digit()) => exact,
        None => return None,
    };
    (core.len() >= 6 && significant_digits(core) >= MIN_SIGNIFICANT_DIGITS).then_some(core)
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
