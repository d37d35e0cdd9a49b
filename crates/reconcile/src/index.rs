//! The lookup structures built once per batch, so each transaction is scored against a handful
//! of candidates instead of every open invoice.
//!
//! Keys: invoice-number keys (exact, repaired, digits-only) → invoices; a typo index of
//! one-deletion variants (hashes) → invoices; RF references and end-to-end ids → invoices;
//! IBANs and name words → customers; open amounts (and discounted amounts) in cents → invoices.

use rust_decimal::Decimal;

use crate::amount::{cents, discounted, in_range, tolerance};
use crate::config::Config;
use crate::fasthash::{FxMap, HashIndex, Posting, check_bytes, hash_bytes, post};
use crate::model::{Invoice, InvoiceKind};
use crate::name::{NormName, normalize_name};
use crate::normalize::{
    MIN_SIGNIFICANT_DIGITS, NumberKeys, currency_code, iban_key, number_keys, real_id,
    significant_digits,
};
use crate::rf::compact;

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
pub(crate) struct InvData {
    pub(crate) cust: u32,
    pub(crate) kind: InvoiceKind,
    pub(crate) currency: u64,
    /// The digit string indexed for typo lookups, if any.
    pub(crate) typo_core: Option<String>,
    /// Tolerance and discounted amount of the original open amount.
    pub(crate) amounts: (Decimal, Decimal),
}

/// What the index keeps per customer.
#[derive(Debug, Clone)]
pub(crate) struct CustData {
    pub(crate) name: NormName,
    /// The item whose customer name `name` was taken from (to print it).
    pub(crate) name_inv: u32,
    /// Open items ordered by due date, then id.
    pub(crate) items: Vec<u32>,
}

/// Words of customer names shared by more customers than this are too common to find
/// candidates by even in pairs ("GmbH" is dropped earlier; "Service", "Bau" at scale).
const MAX_CUSTOMERS_PER_NAME_WORD: usize = 4096;

/// More numbers than this sharing one deletion variant are not worth verifying one by one.
const MAX_TYPO_BUCKET: usize = 64;

/// The per-batch index.
#[derive(Debug)]
pub(crate) struct Index<'a> {
    pub(crate) invoices: &'a [Invoice],
    pub(crate) inv: Vec<InvData>,
    pub(crate) cust: Vec<CustData>,
    /// Invoice-number keys by hash: (invoice, which key, check hash). Hashes instead of
    /// strings keep 400,000 keys from costing 400,000 allocations.
    keys: HashIndex<(u32, KeyKind, u32)>,
    /// The repaired keys, likewise.
    rkeys: HashIndex<(u32, KeyKind, u32)>,
    pub(crate) max_key_len: usize,
    /// Shortest key: shorter token groups need no lookup.
    pub(crate) min_key_len: usize,
    /// One-deletion variants (and the core itself) of each typo core → invoice.
    typo: HashIndex<u32>,
    pub(crate) rf: FxMap<String, Vec<u32>>,
    pub(crate) e2e: FxMap<String, Vec<u32>>,
    pub(crate) iban: FxMap<String, Vec<u32>>,
    /// Customer-name words (by hash; a collision only adds a candidate whose name is then
    /// compared anyway) → customers.
    pub(crate) name_words: FxMap<u64, Vec<u32>>,
    amount: FxMap<i64, Posting<u32>>,
}

fn push<K: std::hash::Hash + Eq>(map: &mut FxMap<K, Vec<u32>>, k: K, v: u32) {
    let list = map.entry(k).or_default();
    if list.last() != Some(&v) {
        list.push(v);
    }
}

fn post_key(list: &mut Vec<(u64, (u32, KeyKind, u32))>, key: &str, inv: u32, kind: KeyKind) {
    let b = key.as_bytes();
    list.push((hash_bytes(b), (inv, kind, check_bytes(b))));
}

impl<'a> Index<'a> {
    /// Builds the index. Items that are not open (amount ≤ 0) are kept in `inv` (indices must
    /// line up with the input) but never entered into a lookup.
    pub(crate) fn build(invoices: &'a [Invoice], cfg: &Config, threads: usize) -> Self {
        let n = invoices.len();
        // The string work is per invoice and pure: done in parallel first, assembled after.
        let prepared: Vec<Prep> = crate::par::map(invoices, threads, |inv| prepare(inv, cfg));
        let mut ix = Index {
            invoices,
            inv: Vec::with_capacity(n),
            cust: Vec::new(),
            keys: HashIndex::default(),
            rkeys: HashIndex::default(),
            max_key_len: 0,
            min_key_len: usize::MAX,
            typo: HashIndex::default(),
            rf: FxMap::default(),
            e2e: FxMap::default(),
            iban: FxMap::default(),
            name_words: FxMap::default(),
            amount: FxMap::default(),
        };
        let mut key_list = Vec::with_capacity(n * 2);
        let mut rkey_list = Vec::with_capacity(n * 2);
        ix.amount.reserve(n * 2);
        let mut cust_of: FxMap<&str, u32> = FxMap::default();
        // The name is taken from the customer's item with the smallest id, so that the result
        // does not depend on the order of the input when names differ between items.
        let mut name_from: Vec<&str> = Vec::new();
        let mut typo = Vec::with_capacity(n * 9);
        for ((i, invoice), prep) in invoices.iter().enumerate().zip(prepared) {
            let i = i as u32;
            let next = ix.cust.len() as u32;
            let c = *cust_of.entry(invoice.customer_id.as_str()).or_insert(next);
            if c == next {
                ix.cust.push(CustData {
                    name: prep.name,
                    name_inv: i,
                    items: Vec::new(),
                });
                name_from.push(invoice.id.as_str());
            } else if let (Some(from), Some(cd)) =
                (name_from.get_mut(c as usize), ix.cust.get_mut(c as usize))
                && invoice.id.as_str() < *from
            {
                *from = invoice.id.as_str();
                cd.name = prep.name;
                cd.name_inv = i;
            }
            let open = invoice.open_amount > Decimal::ZERO && in_range(invoice.open_amount);
            ix.inv.push(InvData {
                cust: c,
                kind: invoice.kind,
                currency: prep.currency,
                typo_core: prep.typo_core,
                amounts: prep.amounts,
            });
            if !open {
                continue;
            }
            if let Some(cd) = ix.cust.get_mut(c as usize) {
                cd.items.push(i);
            }
            if let Some(k) = prep.keys {
                ix.max_key_len = ix.max_key_len.max(k.exact.len()).max(k.repaired.len());
                ix.min_key_len = ix.min_key_len.min(k.exact.len()).min(k.repaired.len());
                post_key(&mut key_list, &k.exact, i, KeyKind::Full);
                post_key(&mut rkey_list, &k.repaired, i, KeyKind::Full);
                if let (Some(d), Some(dr)) = (&k.digits, &k.digits_repaired) {
                    ix.min_key_len = ix.min_key_len.min(dr.len());
                    post_key(&mut key_list, d, i, KeyKind::Digits);
                    post_key(&mut rkey_list, dr, i, KeyKind::Digits);
                }
            }
            typo.extend(prep.typo_hashes.iter().map(|&h| (h, i)));
            if let Some(rf) = prep.rf {
                push(&mut ix.rf, rf, i);
            }
            if let Some(id) = real_id(invoice.end_to_end_id.as_deref()) {
                push(&mut ix.e2e, id.to_string(), i);
            }
            for k in prep.ibans {
                let list = ix.iban.entry(k).or_default();
                if !list.contains(&c) {
                    list.push(c);
                }
            }
            for ct in [prep.cents, prep.discounted_cents].into_iter().flatten() {
                post(&mut ix.amount, ct, i);
            }
        }
        for (c, cd) in ix.cust.iter_mut().enumerate() {
            cd.items.sort_by(|&a, &b| {
                let (ia, ib) = (&invoices[a as usize], &invoices[b as usize]);
                (ia.due_date, &ia.id).cmp(&(ib.due_date, &ib.id))
            });
            if cd.items.is_empty() {
                continue;
            }
            for w in &cd.name.words {
                if w.len() >= 3 {
                    push(&mut ix.name_words, hash_bytes(w.as_bytes()), c as u32);
                }
            }
        }
        ix.name_words
            .retain(|_, v| v.len() <= MAX_CUSTOMERS_PER_NAME_WORD);
        // Amount lists by due date, so that the items nearest a payment are found by bisection.
        for posting in ix.amount.values_mut() {
            if let Posting::Many(list) = posting {
                list.sort_by(|&a, &b| {
                    let (ia, ib) = (&invoices[a as usize], &invoices[b as usize]);
                    (ia.due_date, &ia.id).cmp(&(ib.due_date, &ib.id))
                });
                list.dedup();
            }
        }
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
                    ix.keys = k;
                    ix.rkeys = r;
                }
                (Err(e), _) | (_, Err(e)) => std::panic::resume_unwind(e),
            }
            ix.typo = typo;
        } else {
            ix.keys = HashIndex::build(key_list);
            ix.rkeys = HashIndex::build(rkey_list);
            ix.typo = HashIndex::build(typo);
        }
        ix
    }

    /// Invoices one of whose number keys is `window` (`repaired`: among the repaired keys).
    pub(crate) fn number_hits<'s>(
        &'s self,
        repaired: bool,
        window: &str,
    ) -> impl Iterator<Item = (u32, KeyKind)> + 's {
        let map = if repaired { &self.rkeys } else { &self.keys };
        let b = window.as_bytes();
        let check = check_bytes(b);
        map.get(hash_bytes(b))
            .iter()
            .filter(move |e| e.1.2 == check)
            .map(|e| (e.1.0, e.1.1))
    }

    /// Open items whose open (or discounted) amount is exactly `cents`, by due date.
    pub(crate) fn amount_hits(&self, cents: i64) -> &[u32] {
        self.amount
            .get(&cents)
            .map(Posting::as_slice)
            .unwrap_or(&[])
    }

    /// Invoices whose typo core is `query` or within one deletion/insertion/substitution/swap.
    /// Returns hash candidates; the caller verifies the distance on the strings.
    pub(crate) fn typo_candidates(&self, query: &str, out: &mut Vec<u32>) {
        let b = query.as_bytes();
        let probe = |h: u64, out: &mut Vec<u32>| {
            let found = self.typo.get(h);
            // A variant shared by very many numbers (dense numbering) points nowhere.
            if found.len() <= MAX_TYPO_BUCKET {
                out.extend(found.iter().map(|&(_, i)| i));
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

/// What is computed for each invoice before the index is assembled.
struct Prep {
    keys: Option<NumberKeys>,
    typo_core: Option<String>,
    typo_hashes: Vec<u64>,
    name: NormName,
    ibans: Vec<String>,
    rf: Option<String>,
    currency: u64,
    amounts: (Decimal, Decimal),
    cents: Option<i64>,
    discounted_cents: Option<i64>,
}

fn prepare(invoice: &Invoice, cfg: &Config) -> Prep {
    let open = invoice.open_amount > Decimal::ZERO && in_range(invoice.open_amount);
    let keys = if open {
        number_keys(&invoice.number)
    } else {
        None
    };
    let typo_core = keys.as_ref().and_then(typo_core);
    let mut typo_hashes = Vec::new();
    if let Some(core) = &typo_core {
        let b = core.as_bytes();
        typo_hashes.reserve(b.len() + 1);
        typo_hashes.push(hash_bytes(b));
        let mut del = Vec::with_capacity(b.len());
        for skip in 0..b.len() {
            del.clear();
            del.extend_from_slice(&b[..skip]);
            del.extend_from_slice(&b[skip + 1..]);
            typo_hashes.push(hash_bytes(&del));
        }
    }
    let discounted_cents = if open
        && invoice.kind == InvoiceKind::Invoice
        && cfg.cash_discount_percent > Decimal::ZERO
    {
        cents(discounted(invoice.open_amount, cfg))
    } else {
        None
    };
    Prep {
        keys,
        typo_core,
        typo_hashes,
        name: normalize_name(&invoice.customer_name),
        ibans: invoice
            .customer_ibans
            .iter()
            .map(|s| iban_key(s))
            .filter(|k| !k.is_empty())
            .collect(),
        rf: invoice
            .creditor_reference
            .as_deref()
            .map(compact)
            .filter(|r| !r.is_empty()),
        currency: currency_code(&invoice.currency),
        amounts: if open {
            (
                tolerance(invoice.open_amount, cfg),
                discounted(invoice.open_amount, cfg),
            )
        } else {
            (Decimal::ZERO, Decimal::ZERO)
        },
        cents: if open {
            cents(invoice.open_amount)
        } else {
            None
        },
        discounted_cents,
    }
}

/// The digit string of a number worth a typo lookup: its digits when it has a prefix, the
/// whole number when it is all digits; at least six characters and five significant digits so
/// that one edit cannot turn a year or a postcode into it.
fn typo_core(k: &NumberKeys) -> Option<String> {
    let core = match &k.digits {
        Some(d) => d.clone(),
        None if k.exact.bytes().all(|b| b.is_ascii_digit()) => k.exact.clone(),
        None => return None,
    };
    (core.len() >= 6 && significant_digits(&core) >= MIN_SIGNIFICANT_DIGITS).then_some(core)
}
