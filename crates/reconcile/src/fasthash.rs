//! A small, fixed, non-cryptographic hasher for the matcher's indexes.
//!
//! The indexes are rebuilt on every call from the caller's own data, so HashDoS is not a
//! concern, and std's SipHash would cost a large share of the 2-second budget for 100,000
//! transactions. The hash is also fixed (no random seed), although nothing relies on that:
//! no output is ever produced by iterating a map.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The Fx hash (as used by rustc): rotate, xor, multiply, one machine word at a time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 56));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_i64(&mut self, i: i64) {
        self.add(i as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with the Fx hasher.
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Hashes a byte string to one word; used for the typo index, which stores hashes, not strings.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// A check of the same bytes by another algorithm (std's SipHash with its fixed zero key),
/// kept beside [`hash_bytes`] in [`KeyIndex`] so that a hit is confirmed without storing the
/// string. It must not be the Fx hash again with another start state: Fx mixes similar short
/// keys alike whatever the start, and neighbouring invoice numbers collided in both. With an
/// independent check, two keys whose Fx hashes collide still agree in the check only about
/// once in 2^32. Only equality within one process is relied on, so a change of std's algorithm
/// between releases does no harm.
pub(crate) fn check_bytes(bytes: &[u8]) -> u32 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    (h.finish() >> 32) as u32
}

/// A read-only multimap from 64-bit hashes to small values: one sorted array, a table of where
/// each value of the top 16 bits starts, and a bit filter that answers most misses from a
/// 512 KiB table that stays in cache. Remittance texts ask for ~100 token groups each and
/// almost all are misses, so the filter is what keeps 100,000 texts cheap.
#[derive(Debug, Clone)]
pub(crate) struct HashIndex<T> {
    entries: Vec<(u64, T)>,
    heads: Vec<u32>,
    bloom: Vec<u64>,
}

const BLOOM_BITS: u32 = 22;

/// Where `h` lives in the bit filter: one 64-bit word and three bits in it. One word keeps a
/// test to one memory access; three bits keep false positives rare when the filter fills up
/// (440,000 number keys at 100,000 items set a tenth of the bits, and with one bit per key a
/// tenth of all misses went on to the sorted array). The bits come from a remixed hash: the
/// low bits of an Fx hash are its weakest.
fn bloom_slot(h: u64) -> (usize, u64) {
    let m = (h ^ (h >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let word = (m >> (64 - (BLOOM_BITS - 6))) as usize;
    let bits = (1u64 << ((m >> 20) & 63)) | (1u64 << ((m >> 26) & 63)) | (1u64 << ((m >> 32) & 63));
    (word, bits)
}

impl<T> Default for HashIndex<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
            heads: Vec::new(),
            bloom: Vec::new(),
        }
    }
}

impl<T: Copy + Ord> HashIndex<T> {
    /// Builds the index from (hash, value) pairs; duplicates are dropped.
    pub(crate) fn build(mut entries: Vec<(u64, T)>) -> Self {
        entries.sort_unstable();
        entries.dedup();
        let mut heads = vec![0u32; (1 << 16) + 1];
        let mut bloom = vec![0u64; 1 << (BLOOM_BITS - 6)];
        for &(h, _) in &entries {
            heads[(h >> 48) as usize + 1] += 1;
            let (word, bits) = bloom_slot(h);
            if let Some(w) = bloom.get_mut(word) {
                *w |= bits;
            }
        }
        for k in 1..heads.len() {
            heads[k] += heads[k - 1];
        }
        Self {
            entries,
            heads,
            bloom,
        }
    }

    /// The entries stored under `h`.
    pub(crate) fn get(&self, h: u64) -> &[(u64, T)] {
        let (word, bits) = bloom_slot(h);
        if self.bloom.get(word).is_none_or(|w| w & bits != bits) {
            return &[];
        }
        let top = (h >> 48) as usize;
        let (Some(&lo), Some(&hi)) = (self.heads.get(top), self.heads.get(top + 1)) else {
            return &[];
        };
        let Some(range) = self.entries.get(lo as usize..hi as usize) else {
            return &[];
        };
        let start = range.partition_point(|e| e.0 < h);
        let len = range[start..].partition_point(|e| e.0 == h);
        &range[start..start + len]
    }

    /// Number of entries.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// A read-only multimap from hashed strings to small values, for the lookups a transaction
/// makes once or a few times (IBAN, end-to-end id, RF reference, name words): one sorted array
/// of (hash, check hash) and the values beside it, so that the index needs a few allocations in
/// all instead of one string and one list per key. A table of where each value of the top
/// bits starts (about four keys each) leaves a bisection of one cache line, not one over the
/// whole array with a cache miss at every step.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyIndex {
    keys: Vec<(u64, u32)>,
    values: Vec<u32>,
    heads: Vec<u32>,
    shift: u32,
}

impl KeyIndex {
    /// Builds the index from (hash, check, value) triples; a value appears once per key, and the
    /// values of one key are in ascending order.
    pub(crate) fn build(mut entries: Vec<(u64, u32, u32)>) -> Self {
        entries.sort_unstable();
        entries.dedup();
        let bits = (usize::BITS - (entries.len() / 4).leading_zeros()).clamp(1, 24);
        let shift = 64 - bits;
        let mut heads = vec![0u32; (1 << bits) + 1];
        for &(h, _, _) in &entries {
            if let Some(x) = heads.get_mut((h >> shift) as usize + 1) {
                *x += 1;
            }
        }
        for k in 1..heads.len() {
            heads[k] += heads[k - 1];
        }
        let keys = entries.iter().map(|&(h, c, _)| (h, c)).collect();
        let values = entries.iter().map(|&(_, _, v)| v).collect();
        Self {
            keys,
            values,
            heads,
            shift,
        }
    }

    /// The values stored under `key` (empty when there are none).
    pub(crate) fn get(&self, key: &[u8]) -> &[u32] {
        let k = (hash_bytes(key), check_bytes(key));
        let top = (k.0 >> self.shift) as usize;
        let (Some(&lo), Some(&hi)) = (self.heads.get(top), self.heads.get(top + 1)) else {
            return &[];
        };
        let (lo, hi) = (lo as usize, hi as usize);
        let Some(range) = self.keys.get(lo..hi) else {
            return &[];
        };
        let start = range.partition_point(|e| *e < k);
        let len = range[start..].partition_point(|e| *e == k);
        self.values.get(lo + start..lo + start + len).unwrap_or(&[])
    }
}

/// The (hash, check, value) triple under which `key` is entered into a [`KeyIndex`].
pub(crate) fn key_entry(key: &[u8], value: u32) -> (u64, u32, u32) {
    (hash_bytes(key), check_bytes(key), value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_input_equal_hash_and_length_matters() {
        assert_eq!(hash_bytes(b"20240815"), hash_bytes(b"20240815"));
        assert_ne!(hash_bytes(b"2024081"), hash_bytes(b"20240810"));
        assert_ne!(hash_bytes(b"A"), hash_bytes(b"A\0"));
        assert_ne!(
            u64::from(check_bytes(b"20240815")),
            hash_bytes(b"20240815") >> 32
        );
    }

    #[test]
    fn hash_index_finds_what_was_stored_and_nothing_else() {
        let entries: Vec<(u64, u32)> = (0..10_000u32)
            .map(|i| (hash_bytes(i.to_string().as_bytes()), i))
            .chain([(hash_bytes(b"7"), 99_999)])
            .collect();
        let ix = HashIndex::build(entries);
        assert_eq!(ix.len(), 10_001);
        let hits: Vec<u32> = ix.get(hash_bytes(b"7")).iter().map(|e| e.1).collect();
        assert_eq!(hits, vec![7, 99_999]);
        assert!(ix.get(hash_bytes(b"not there")).is_empty());
        assert!(HashIndex::<u32>::build(Vec::new()).get(0).is_empty());
    }

    #[test]
    fn key_index_finds_each_keys_values_in_order() {
        let ix = KeyIndex::build(vec![
            key_entry(b"DE89", 7),
            key_entry(b"DE89", 3),
            key_entry(b"NL91", 5),
            key_entry(b"DE89", 7),
        ]);
        assert_eq!(ix.get(b"DE89"), &[3, 7]);
        assert_eq!(ix.get(b"NL91"), &[5]);
        assert!(ix.get(b"AT61").is_empty());
        assert!(KeyIndex::default().get(b"DE89").is_empty());
        assert!(KeyIndex::build(Vec::new()).get(b"DE89").is_empty());
        let many: Vec<_> = (0..10_000u32)
            .map(|i| key_entry(i.to_string().as_bytes(), i))
            .collect();
        let ix = KeyIndex::build(many);
        assert!((0..10_000u32).all(|i| ix.get(i.to_string().as_bytes()) == [i]));
    }
}
