//! Turning remittance texts and invoice numbers into comparable tokens.
//!
//! Customers copy invoice numbers badly: `RE 2024 0815`, `re-2024/815`, `2024-0815`,
//! `SVWZ+RE2O24-0815`, `Rechnung Nr. 20240815`. Both sides (the invoice number and the text)
//! go through the same steps so they meet in the middle:
//!
//! 1. fold to upper-case ASCII (`ü` → `UE`, accents dropped); everything else separates;
//! 2. drop SEPA/MT940 purpose tags (`EREF+`, `SVWZ+`, …) which are glued to the value;
//! 3. split into alphanumeric words, then split each word where letters meet digits;
//! 4. in the *repaired* variant, read `O` as `0` and `I`/`L` as `1` inside digit groups and
//!    drop leading zeros of every digit group.
//!
//! Matching then concatenates **whole** consecutive tokens and looks the concatenation up in a
//! hash map of invoice keys. Because only whole tokens are joined, `14` can never match inside
//! `1814`, and `INV-1` never inside `INV-12` (accounted #2673, Invoice Ninja's `str_contains`).

/// SEPA purpose tags as banks print them in MT940 `:86:` and CAMT-to-text renderings; the tag
/// is glued to its value (`EREF+RE-2024-0815`), so it must be cut off before tokenising.
const SEPA_TAGS: &[&[u8]] = &[
    b"EREF", b"KREF", b"MREF", b"CRED", b"DEBT", b"SVWZ", b"ABWA", b"ABWE", b"IBAN", b"BIC",
    b"COAM", b"OAMT", b"SQTP", b"PURP", b"BREF", b"RREF",
];

/// Appends `s` folded to upper-case ASCII alphanumerics; anything else becomes a space, except
/// `+` which stays so that SEPA tags can be recognised.
pub(crate) fn fold_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            'A'..='Z' | '0'..='9' | '+' => out.push(c),
            'a'..='z' => out.push(c.to_ascii_uppercase()),
            'ä' | 'Ä' | 'æ' | 'Æ' => out.push_str("AE"),
            'ö' | 'Ö' | 'œ' | 'Œ' => out.push_str("OE"),
            'ü' | 'Ü' => out.push_str("UE"),
            'ß' | 'ẞ' => out.push_str("SS"),
            'à' | 'á' | 'â' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Å' => out.push('A'),
            'ç' | 'Ç' => out.push('C'),
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => out.push('E'),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => out.push('I'),
            'ñ' | 'Ñ' => out.push('N'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ø' => out.push('O'),
            'ù' | 'ú' | 'û' | 'Ù' | 'Ú' | 'Û' => out.push('U'),
            'ý' | 'ÿ' | 'Ý' => out.push('Y'),
            _ => out.push(' '),
        }
    }
}

/// Replaces every known `TAG+` (at a word start) and every other `+` with spaces, in place.
fn strip_tags(buf: &mut [u8]) {
    let n = buf.len();
    let mut i = 0;
    while i < n {
        if buf[i] == b'+' {
            for tag in SEPA_TAGS {
                let l = tag.len();
                if i >= l
                    && &buf[i - l..i] == *tag
                    && (i == l || !buf[i - l - 1].is_ascii_alphanumeric())
                {
                    for b in &mut buf[i - l..i] {
                        *b = b' ';
                    }
                    break;
                }
            }
            buf[i] = b' ';
        }
        i += 1;
    }
}

/// Folds a whole text and removes SEPA tags: the common first step for references and RF.
pub(crate) fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    fold_into(s, &mut out);
    let mut bytes = out.into_bytes();
    strip_tags(&mut bytes);
    // Only ASCII was written and only ASCII replaced it.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Reads `O` as `0` and `I`/`L` as `1` where they sit inside a digit group: a neighbour is a
/// digit and no neighbour is another letter. `2O24` → `2024`, but `NO1234` and `INV12` stay.
/// Returns whether anything changed.
fn repair_ocr(word: &mut [u8]) -> bool {
    let digits = word.iter().filter(|b| b.is_ascii_digit()).count();
    if digits < 2 {
        return false;
    }
    let confusable = |b: u8| matches!(b, b'O' | b'I' | b'L');
    let mut changed = false;
    for i in 0..word.len() {
        let c = word[i];
        if !confusable(c) {
            continue;
        }
        let prev = if i > 0 { Some(word[i - 1]) } else { None };
        let next = word.get(i + 1).copied();
        let near_digit =
            prev.is_some_and(|b| b.is_ascii_digit()) || next.is_some_and(|b| b.is_ascii_digit());
        let near_letter = prev.is_some_and(|b| b.is_ascii_alphabetic() && !confusable(b))
            || next.is_some_and(|b| b.is_ascii_alphabetic() && !confusable(b));
        if near_digit && !near_letter {
            word[i] = if c == b'O' { b'0' } else { b'1' };
            changed = true;
        }
    }
    changed
}

/// One token: a run of letters or a run of digits, as a range into [`Tokens::buf`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    start: u32,
    end: u32,
    /// The token is a digit run.
    pub(crate) digit: bool,
    /// Where it came from in the folded text (byte range), the same in the plain and the
    /// repaired pass, so that hits of both passes can be compared by position.
    pub(crate) from: u32,
    pub(crate) to: u32,
}

/// The tokens of one text or number, stored in one buffer to keep allocation per text at two.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tokens {
    buf: String,
    pub(crate) toks: Vec<Token>,
    /// Whether OCR repair or zero stripping changed anything (only in the repaired variant).
    pub(crate) repaired: bool,
}

impl Tokens {
    /// The text of token `i`.
    pub(crate) fn get(&self, i: usize) -> &str {
        match self.toks.get(i) {
            Some(t) => self.buf.get(t.start as usize..t.end as usize).unwrap_or(""),
            None => "",
        }
    }

    /// Number of tokens.
    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    /// Concatenates tokens `from..to` into `out` (cleared first).
    pub(crate) fn concat(&self, from: usize, to: usize, out: &mut String) {
        out.clear();
        for i in from..to {
            out.push_str(self.get(i));
        }
    }

    /// The compact form of all tokens: the key an invoice number is stored under.
    pub(crate) fn joined(&self) -> String {
        let mut s = String::new();
        self.concat(0, self.len(), &mut s);
        s
    }

    fn push(&mut self, s: &[u8], digit: bool, from: usize, to: usize) {
        let start = self.buf.len() as u32;
        for &b in s {
            self.buf.push(char::from(b));
        }
        let end = self.buf.len() as u32;
        self.toks.push(Token {
            start,
            end,
            digit,
            from: from as u32,
            to: to as u32,
        });
    }

    /// The folded-text byte range covered by tokens `from..to`.
    pub(crate) fn span(&self, from: usize, to: usize) -> (u32, u32) {
        match (
            self.toks.get(from),
            to.checked_sub(1).and_then(|k| self.toks.get(k)),
        ) {
            (Some(a), Some(b)) => (a.from, b.to),
            _ => (0, 0),
        }
    }
}

/// Splits folded text into letter runs and digit runs. With `repair`, applies OCR repair per
/// word and strips leading zeros from each digit run (`0815` → `815`, `000` → `0`).
pub(crate) fn tokenize(folded: &str, repair: bool) -> Tokens {
    let mut out = Tokens {
        buf: String::with_capacity(folded.len()),
        toks: Vec::with_capacity(16),
        repaired: false,
    };
    let mut w: Vec<u8> = Vec::with_capacity(32);
    tokenize_into(folded, repair, &mut out, &mut w);
    out
}

/// [`tokenize`] into `out` (cleared first), with `w` as scratch: no allocation once the
/// buffers have grown.
fn tokenize_into(folded: &str, repair: bool, out: &mut Tokens, w: &mut Vec<u8>) {
    out.buf.clear();
    out.toks.clear();
    out.repaired = false;
    let origin = folded.as_ptr() as usize;
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let base = (word.as_ptr() as usize).saturating_sub(origin);
        w.clear();
        w.extend_from_slice(word.as_bytes());
        if repair && repair_ocr(w) {
            out.repaired = true;
        }
        let mut i = 0;
        while i < w.len() {
            let digit = w[i].is_ascii_digit();
            let mut j = i;
            while j < w.len() && w[j].is_ascii_digit() == digit {
                j += 1;
            }
            let mut run = &w[i..j];
            if repair && digit {
                let zeros = run.iter().take_while(|&&b| b == b'0').count();
                let keep = zeros.min(run.len() - 1);
                if keep > 0 {
                    out.repaired = true;
                }
                run = &run[keep..];
            }
            out.push(run, digit, base + i, base + j);
            i = j;
        }
    }
}

/// The keys one invoice number is indexed under (the index computes them with [`KeyScratch`];
/// this owned form is for tests).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NumberKeys {
    /// All tokens joined: `RE-2024-0815` → `RE20240815`.
    pub(crate) exact: String,
    /// Joined after repair (leading zeros per group dropped): `RE2024815`.
    pub(crate) repaired: String,
    /// The digits without the letter prefix, when the number has letters and the digits are
    /// significant enough (≥ 5 after leading zeros) not to collide with years and postcodes:
    /// `20240815`.
    pub(crate) digits: Option<String>,
    /// The digits with leading zeros per group dropped: `2024815`.
    pub(crate) digits_repaired: Option<String>,
}

/// Minimum significant digits for a number to be matched by its digits alone or with a typo:
/// four digits collide with years (`2024`) and the sums of small invoices.
pub(crate) const MIN_SIGNIFICANT_DIGITS: usize = 5;

/// Computes the keys of an invoice number. `None` if it has no alphanumerics at all.
#[cfg(test)]
pub(crate) fn number_keys(number: &str) -> Option<NumberKeys> {
    let mut s = KeyScratch::default();
    if !s.compute(number) {
        return None;
    }
    let (digits, digits_repaired) = match s.digits() {
        Some((d, dr)) => (Some(d.to_string()), Some(dr.to_string())),
        None => (None, None),
    };
    Some(NumberKeys {
        exact: s.exact.clone(),
        repaired: s.repaired.clone(),
        digits,
        digits_repaired,
    })
}

/// The keys of one invoice number after another in the same buffers: the index computes them
/// for every open item, and at 100,000 items the ten small strings per number made allocation
/// a fifth of building the index.
///
/// The keys: `exact`, all tokens joined (`RE-2024-0815` → `RE20240815`); `repaired`, joined
/// after repair (leading zeros per group dropped: `RE2024815`); and, when the number has
/// letters and the digits are significant enough (≥ 5 after leading zeros) not to collide with
/// years and postcodes, its digits without the prefix (`20240815`) and those repaired
/// (`2024815`).
#[derive(Debug, Default)]
pub(crate) struct KeyScratch {
    folded: String,
    plain: Tokens,
    rep: Tokens,
    word: Vec<u8>,
    /// The exact key of the last number.
    pub(crate) exact: String,
    /// The repaired key of the last number.
    pub(crate) repaired: String,
    digits: String,
    digits_repaired: String,
    has_digits: bool,
}

impl KeyScratch {
    /// Computes the keys of `number`; false when it has none (no letters or digits).
    pub(crate) fn compute(&mut self, number: &str) -> bool {
        self.folded.clear();
        fold_into(number, &mut self.folded);
        let mut bytes = std::mem::take(&mut self.folded).into_bytes();
        strip_tags(&mut bytes);
        // Only ASCII was written and only ASCII replaced it.
        self.folded = String::from_utf8(bytes).unwrap_or_default();
        tokenize_into(&self.folded, false, &mut self.plain, &mut self.word);
        if self.plain.len() == 0 {
            return false;
        }
        tokenize_into(&self.folded, true, &mut self.rep, &mut self.word);
        self.plain.concat(0, self.plain.len(), &mut self.exact);
        self.rep.concat(0, self.rep.len(), &mut self.repaired);
        self.has_digits = false;
        if self.plain.toks.iter().any(|t| !t.digit) {
            self.digits.clear();
            self.digits
                .extend(self.exact.chars().filter(char::is_ascii_digit));
            self.digits_repaired.clear();
            for i in 0..self.rep.len() {
                if self.rep.toks[i].digit {
                    self.digits_repaired.push_str(self.rep.get(i));
                }
            }
            self.has_digits = significant_digits(&self.digits) >= MIN_SIGNIFICANT_DIGITS;
        }
        true
    }

    /// The digits key and the repaired digits key of the last number, if it has them.
    pub(crate) fn digits(&self) -> Option<(&str, &str)> {
        self.has_digits
            .then_some((self.digits.as_str(), self.digits_repaired.as_str()))
    }
}

/// Digits after the leading zeros.
pub(crate) fn significant_digits(s: &str) -> usize {
    s.trim_start_matches(|c: char| !c.is_ascii_digit() || c == '0')
        .chars()
        .filter(char::is_ascii_digit)
        .count()
}

/// A currency code as compared: trimmed, upper-cased, packed into one word (ISO 4217 codes
/// are three letters; longer strings keep their first eight bytes).
pub(crate) fn currency_code(s: &str) -> u64 {
    s.trim().bytes().take(8).fold(0u64, |acc, b| {
        (acc << 8) | u64::from(b.to_ascii_uppercase())
    })
}

/// An IBAN as compared: upper-case, no spaces or punctuation. Empty means "none".
pub(crate) fn iban_key(iban: &str) -> String {
    iban.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Whether an id field carries a real value: SEPA fills an absent end-to-end id with
/// `NOTPROVIDED`, and some banks send blanks; treating either as an id would make every such
/// payment "match" every other (ALYF banking, Actual #2495).
pub(crate) fn real_id(id: Option<&str>) -> Option<&str> {
    let id = id?.trim();
    if id.is_empty()
        || id.eq_ignore_ascii_case("NOTPROVIDED")
        || id.eq_ignore_ascii_case("NOT PROVIDED")
    {
        None
    } else {
        Some(id)
    }
}

/// Whether a folded word announces an instalment, in German, English or Dutch. A `match`
/// rather than a list scan: it runs for every word of every remittance text.
fn is_partial_word(w: &str) -> bool {
    matches!(
        w,
        "TEILZAHLUNG"
            | "TEILBETRAG"
            | "ANZAHLUNG"
            | "ABSCHLAG"
            | "ABSCHLAGSZAHLUNG"
            | "RATE"
            | "RATENZAHLUNG"
            | "INSTALMENT"
            | "INSTALLMENT"
            | "PARTIAL"
            | "DEELBETALING"
            | "TERMIJN"
            | "AFLOSSING"
            | "AANBETALING"
    )
}

/// Whether the folded text announces a partial payment ("Teilzahlung", "1. Rate",
/// "deelbetaling"): it turns an amount below the open amount from suspicious into expected.
pub(crate) fn mentions_partial(folded: &str) -> bool {
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(is_partial_word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str, repair: bool) -> Vec<String> {
        let t = tokenize(&fold_text(s), repair);
        (0..t.len()).map(|i| t.get(i).to_string()).collect()
    }

    #[test]
    fn folding_upper_cases_and_transliterates() {
        assert_eq!(fold_text("Müller Straße"), "MUELLER STRASSE");
        assert_eq!(fold_text("Café/Zoë"), "CAFE ZOE");
    }

    #[test]
    fn sepa_tags_are_cut_off_their_values() {
        assert_eq!(
            toks("SVWZ+RE 2024 0815 EREF+ABC123", false),
            ["RE", "2024", "0815", "ABC", "123"]
        );
        assert_eq!(toks("EREF+NOTPROVIDED", false), ["NOTPROVIDED"]);
        // A tag-like word inside another word is not a tag.
        assert_eq!(toks("XEREF+1", false), ["XEREF", "1"]);
    }

    #[test]
    fn letters_and_digits_split_and_separators_vanish() {
        assert_eq!(toks("re-2024/0815", false), ["RE", "2024", "0815"]);
        assert_eq!(toks("Rechnung20240815", false), ["RECHNUNG", "20240815"]);
    }

    #[test]
    fn repair_reads_o_as_zero_and_drops_leading_zeros() {
        assert_eq!(toks("RE-2O24-O815", true), ["RE", "2024", "815"]);
        assert_eq!(toks("INV-0012345", true), ["INV", "12345"]);
        assert_eq!(toks("l2345", true), ["12345"]);
        // Letters next to other letters are words, not digits.
        assert_eq!(toks("NO1234 INV12", true), ["NO", "1234", "INV", "12"]);
        assert_eq!(toks("000", true), ["0"]);
    }

    #[test]
    fn number_keys_cover_prefix_zeros_and_digits() {
        let k = number_keys("RE-2024-0815").unwrap();
        assert_eq!(k.exact, "RE20240815");
        assert_eq!(k.repaired, "RE2024815");
        assert_eq!(k.digits.as_deref(), Some("20240815"));
        assert_eq!(k.digits_repaired.as_deref(), Some("2024815"));
        let short = number_keys("INV-0042").unwrap();
        assert_eq!(
            short.digits, None,
            "42 alone is too short to stand for the invoice"
        );
        let plain = number_keys("2024/10/0042").unwrap();
        assert_eq!(plain.exact, "2024100042");
        assert_eq!(plain.digits, None);
        assert!(number_keys(" - / ").is_none());
    }

    #[test]
    fn significant_digits_ignore_leading_zeros() {
        assert_eq!(significant_digits("0012345"), 5);
        assert_eq!(significant_digits("20240815"), 8);
        assert_eq!(significant_digits("0000"), 0);
    }

    #[test]
    fn placeholder_ids_are_absent() {
        assert_eq!(real_id(Some("NOTPROVIDED")), None);
        assert_eq!(real_id(Some("notprovided")), None);
        assert_eq!(real_id(Some("   ")), None);
        assert_eq!(real_id(None), None);
        assert_eq!(real_id(Some(" E2E-1 ")), Some("E2E-1"));
    }

    #[test]
    fn ibans_compare_without_spaces() {
        assert_eq!(
            iban_key("de89 3704 0044 0532 0130 00"),
            "DE89370400440532013000"
        );
    }

    #[test]
    fn partial_payment_words_are_found_as_whole_words() {
        assert!(mentions_partial(&fold_text("1. Rate RE-2024-0815")));
        assert!(mentions_partial(&fold_text("Teilzahlung Rechnung 4711")));
        assert!(mentions_partial(&fold_text(
            "deelbetaling factuur 20240815"
        )));
        assert!(!mentions_partial(&fold_text("Karate Kurs")));
    }
}
