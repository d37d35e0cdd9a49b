//! Writing MT940 the way German banks do: `:86:` in the structured form (three-digit code,
//! `?00` booking text, `?20`–`?29`/`?60`–`?63` purpose with the SEPA keywords, `?30`–`?33`
//! party), one subfield per line so no line starts with something a reader could take for a
//! tag. What MT940 cannot hold is refused with the entry named, never cut short.

use rust_decimal::Decimal;
use time::Date;

use crate::error::Error;
use crate::model::{Balance, Entry, EntryStatus, Statement};

fn swift_amount(d: Decimal) -> String {
    let s = d.abs().to_string();
    let s = s.replace('.', ",");
    if s.contains(',') { s } else { format!("{s},") }
}

fn yymmdd(d: Date) -> String {
    format!(
        "{:02}{:02}{:02}",
        d.year().rem_euclid(100),
        u8::from(d.month()),
        d.day()
    )
}

fn balance(tag: &str, b: &Balance) -> String {
    let mark = if b.amount.is_sign_negative() && !b.amount.is_zero() {
        'D'
    } else {
        'C'
    };
    format!(
        ":{tag}:{mark}{}{}{}\r\n",
        yymmdd(b.date),
        b.currency,
        swift_amount(b.amount)
    )
}

fn chunks(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// `at` names the place: "entry 3", "statement 1".
fn check(what: &str, value: &str, max: usize, at: &str) -> Result<(), Error> {
    if value.contains(['?', '\n', '\r']) {
        return Err(Error::Export(format!(
            "{at}: the {what} contains '?' or a line break, which MT940 cannot hold; export as camt.053"
        )));
    }
    if value.chars().count() > max {
        return Err(Error::Export(format!(
            "{at}: the {what} is longer than the {max} characters MT940 holds; export as camt.053"
        )));
    }
    Ok(())
}

/// The SWIFT transaction type and the German business code an entry's code stands for.
fn codes(e: &Entry) -> (String, String) {
    let default_gvc = if e.amount.is_sign_negative() {
        "116"
    } else {
        "166"
    };
    if let Some(code) = &e.bank_transaction_code {
        let (swift, gvc) = match code.split_once('+') {
            Some((s, g)) => (s, Some(g)),
            None => (code.as_str(), None),
        };
        let swift_ok = swift.len() == 4
            && swift.starts_with(['N', 'F', 'S'])
            && swift
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let gvc_ok = gvc.is_none_or(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if swift_ok && gvc_ok {
            return (swift.to_owned(), gvc.unwrap_or(default_gvc).to_owned());
        }
    }
    ("NTRF".to_owned(), default_gvc.to_owned())
}

fn entry(out: &mut String, e: &Entry, n: usize) -> Result<(), Error> {
    let at = format!("entry {n}");
    if e.status == EntryStatus::Pending {
        return Err(Error::Export(format!(
            "entry {n} is pending; MT940 holds booked entries only (export pending ones as camt.053)"
        )));
    }
    let value_date = e.value_date.or(e.booking_date).ok_or_else(|| {
        Error::Export(format!("entry {n} has neither a value nor a booking date"))
    })?;
    let booking = e.booking_date.unwrap_or(value_date);
    let negative = e.amount.is_sign_negative() && !e.amount.is_zero();
    let mark = match (negative, e.reversal) {
        (false, false) => "C",
        (true, false) => "D",
        // A reversal of a debit brings money back; of a credit takes it out.
        (false, true) => "RD",
        (true, true) => "RC",
    };
    let (swift, gvc) = codes(e);
    let bank_ref = match &e.bank_reference {
        Some(r) => {
            check("bank reference", r, 16, &at)?;
            format!("//{r}")
        }
        None => String::new(),
    };
    out.push_str(&format!(
        ":61:{}{:02}{:02}{mark}{}{swift}NONREF{bank_ref}\r\n",
        yymmdd(value_date),
        u8::from(booking.month()),
        booking.day(),
        swift_amount(e.amount)
    ));
    let mut fields: Vec<String> = Vec::new();
    if let Some(t) = &e.booking_text {
        check("booking text", t, 27, &at)?;
        fields.push(format!("?00{t}"));
    }
    let mut purpose_parts: Vec<String> = Vec::new();
    for (key, v) in [
        ("EREF+", &e.end_to_end_id),
        ("MREF+", &e.mandate_id),
        ("CRED+", &e.creditor_id),
    ] {
        if let Some(v) = v {
            check(key, v, 35, &at)?;
            purpose_parts.push(format!("{key}{v}"));
        }
    }
    if let Some(text) = &e.remittance {
        check("remittance text", text, 378, &at)?;
        purpose_parts.push(if purpose_parts.is_empty() {
            text.clone()
        } else {
            format!("SVWZ+{text}")
        });
    }
    // Each keyword starts a subfield of its own; long parts run on into the next ones.
    let mut subfields: Vec<String> = Vec::new();
    for part in purpose_parts {
        subfields.extend(chunks(&part, 27));
    }
    if subfields.len() > 14 {
        return Err(Error::Export(format!(
            "entry {n}: the references and text need more than the 14 purpose subfields MT940 has; export as camt.053"
        )));
    }
    let keys = [
        "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "60", "61", "62", "63",
    ];
    let mut purpose_fields: Vec<String> = subfields
        .iter()
        .zip(keys)
        .map(|(s, k)| format!("?{k}{s}"))
        .collect();
    let p = &e.counterparty;
    if let Some(b) = &p.bic {
        check("counterparty BIC", b, 11, &at)?;
    }
    let account = p.iban.as_ref().or(p.account.as_ref());
    if let Some(a) = account {
        check("counterparty account", a, 34, &at)?;
    }
    // ?20–?29 come before the party, ?60–?63 after it, as the banks order them.
    let tail: Vec<String> = purpose_fields.split_off(purpose_fields.len().min(10));
    fields.extend(purpose_fields);
    if let Some(b) = &p.bic {
        fields.push(format!("?30{b}"));
    }
    if let Some(a) = account {
        fields.push(format!("?31{a}"));
    }
    if let Some(name) = &p.name {
        check("counterparty name", name, 54, &at)?;
        let parts = chunks(name, 27);
        for (part, k) in parts.iter().zip(["32", "33"]) {
            fields.push(format!("?{k}{part}"));
        }
    }
    fields.extend(tail);
    out.push_str(&format!(":86:{gvc}"));
    for f in fields {
        out.push_str("\r\n");
        out.push_str(&f);
    }
    out.push_str("\r\n");
    Ok(())
}

/// Writes the statements as MT940 messages (CRLF line ends, as banks send them; encode the text
/// as Windows-1252 or UTF-8 as the receiving software expects).
pub fn write_mt940(statements: &[Statement]) -> Result<String, Error> {
    let mut out = String::new();
    for (i, st) in statements.iter().enumerate() {
        let (Some(open), Some(close)) = (&st.opening_balance, &st.closing_balance) else {
            return Err(Error::Export(format!(
                "statement {} needs its opening and closing balance for MT940",
                i + 1
            )));
        };
        let id = st.id.clone().unwrap_or_else(|| "STARTUMSE".to_owned());
        check("statement id", &id, 16, &format!("statement {}", i + 1))?;
        out.push_str(&format!(":20:{id}\r\n"));
        let account = st
            .account
            .iban
            .clone()
            .or_else(|| st.account.other.clone())
            .ok_or_else(|| Error::Export("the statement has no account number".into()))?;
        out.push_str(&format!(":25:{account}\r\n"));
        out.push_str(&format!(
            ":28C:{}\r\n",
            st.sequence.clone().unwrap_or_else(|| format!("{}", i + 1))
        ));
        out.push_str(&balance("60F", open));
        for (n, e) in st.entries.iter().enumerate() {
            entry(&mut out, e, n + 1)?;
        }
        out.push_str(&balance("62F", close));
        out.push_str("-\r\n");
    }
    Ok(out)
}
