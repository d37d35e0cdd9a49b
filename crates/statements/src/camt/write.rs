//! Writing camt.053 in version 001.08 (what banks send since the 2025 SEPA migration) or 001.02
//! (what older accounting software still reads). Every entry is one `Ntry` with one `TxDtls`, so
//! reading the file back gives the same entries. Elements follow the order of the ISO schemas.

use rust_decimal::Decimal;
use time::PrimitiveDateTime;

use crate::error::Error;
use crate::export::xml::Xml;
use crate::model::{Balance, Entry, EntryStatus, Party, Statement};

/// Which camt.053 version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CamtVersion {
    /// camt.053.001.02.
    V02,
    /// camt.053.001.08.
    V08,
}

/// What a camt.053 document needs besides the statements: its message id and creation time
/// (given, never read from a clock).
#[derive(Debug, Clone)]
pub struct CamtHeader {
    /// `GrpHdr/MsgId`, at most 35 characters.
    pub message_id: String,
    /// `GrpHdr/CreDtTm`.
    pub created: PrimitiveDateTime,
}

fn iso_amount(d: Decimal, what: &str) -> Result<String, Error> {
    let abs = d.abs();
    if abs.scale() > 5 {
        return Err(Error::Export(format!(
            "{what} {d} has more than 5 decimals, which ISO 20022 does not allow"
        )));
    }
    let mut s = abs.to_string();
    if abs.scale() == 0 {
        s.push_str(".00");
    }
    Ok(s)
}

fn max35(v: &str, what: &str) -> Result<(), Error> {
    if v.chars().count() > 35 {
        Err(Error::Export(format!(
            "{what} {v:?} is longer than the 35 characters camt allows"
        )))
    } else {
        Ok(())
    }
}

fn is_iban(s: &str) -> bool {
    s.len() >= 5
        && s.len() <= 34
        && s.as_bytes()[..2].iter().all(u8::is_ascii_uppercase)
        && s.as_bytes()[2..4].iter().all(u8::is_ascii_digit)
        && s.bytes().skip(4).all(|b| b.is_ascii_alphanumeric())
}

pub(crate) fn is_bic(s: &str) -> bool {
    let b = s.as_bytes();
    (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn account_id(x: &mut Xml, iban: Option<&str>, other: Option<&str>) {
    x.open("Id", &[]);
    match (iban, other) {
        (Some(i), _) if is_iban(i) => x.leaf("IBAN", i),
        (Some(i), _) | (None, Some(i)) => {
            x.open("Othr", &[]);
            x.leaf("Id", i);
            x.close();
        }
        (None, None) => {
            x.open("Othr", &[]);
            x.leaf("Id", "NOTPROVIDED");
            x.close();
        }
    }
    x.close();
}

fn agent(x: &mut Xml, name: &'static str, bic: &str, v: CamtVersion) {
    x.open(name, &[]);
    x.open("FinInstnId", &[]);
    if is_bic(bic) {
        x.leaf(
            if v == CamtVersion::V02 {
                "BIC"
            } else {
                "BICFI"
            },
            bic,
        );
    } else {
        x.open("Othr", &[]);
        x.leaf("Id", bic);
        x.close();
    }
    x.close();
    x.close();
}

fn balance(x: &mut Xml, code: &str, b: &Balance) -> Result<(), Error> {
    x.open("Bal", &[]);
    x.open("Tp", &[]);
    x.open("CdOrPrtry", &[]);
    x.leaf("Cd", code);
    x.close();
    x.close();
    x.leaf_with(
        "Amt",
        &[("Ccy", &b.currency)],
        &iso_amount(b.amount, "a balance")?,
    );
    x.leaf(
        "CdtDbtInd",
        if b.amount.is_sign_negative() && !b.amount.is_zero() {
            "DBIT"
        } else {
            "CRDT"
        },
    );
    x.open("Dt", &[]);
    x.leaf("Dt", &b.date.to_string());
    x.close();
    x.close();
    Ok(())
}

fn party(
    x: &mut Xml,
    role: &'static str,
    acct: &'static str,
    p: &Party,
    creditor_id: Option<&str>,
    v: CamtVersion,
) {
    if p.name.is_some() || creditor_id.is_some() {
        x.open(role, &[]);
        if v == CamtVersion::V08 {
            x.open("Pty", &[]);
        }
        if let Some(n) = &p.name {
            x.leaf("Nm", n);
        }
        if let Some(id) = creditor_id {
            x.open("Id", &[]);
            x.open("PrvtId", &[]);
            x.open("Othr", &[]);
            x.leaf("Id", id);
            x.open("SchmeNm", &[]);
            x.leaf("Prtry", "SEPA");
            x.close();
            x.close();
            x.close();
            x.close();
        }
        if v == CamtVersion::V08 {
            x.close();
        }
        x.close();
    }
    if p.iban.is_some() || p.account.is_some() {
        x.open(acct, &[]);
        account_id(x, p.iban.as_deref(), p.account.as_deref());
        x.close();
    }
}

fn entry(x: &mut Xml, e: &Entry, v: CamtVersion) -> Result<(), Error> {
    let credit = !e.amount.is_sign_negative() || e.amount.is_zero();
    x.open("Ntry", &[]);
    x.leaf_with(
        "Amt",
        &[("Ccy", &e.currency)],
        &iso_amount(e.amount, "an amount")?,
    );
    x.leaf("CdtDbtInd", if credit { "CRDT" } else { "DBIT" });
    if e.reversal {
        x.leaf("RvslInd", "true");
    }
    let status = match e.status {
        EntryStatus::Booked => "BOOK",
        EntryStatus::Pending => "PDNG",
    };
    match v {
        CamtVersion::V02 => x.leaf("Sts", status),
        CamtVersion::V08 => {
            x.open("Sts", &[]);
            x.leaf("Cd", status);
            x.close();
        }
    }
    for (name, d) in [("BookgDt", e.booking_date), ("ValDt", e.value_date)] {
        if let Some(d) = d {
            x.open(name, &[]);
            x.leaf("Dt", &d.to_string());
            x.close();
        }
    }
    if let Some(r) = &e.bank_reference {
        max35(r, "the bank reference")?;
        x.leaf("AcctSvcrRef", r);
    }
    x.open("BkTxCd", &[]);
    if let Some(code) = &e.bank_transaction_code {
        let parts: Vec<&str> = code.split('-').collect();
        if let [d, f, s] = parts.as_slice()
            && [d, f, s]
                .iter()
                .all(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_uppercase()))
        {
            x.open("Domn", &[]);
            x.leaf("Cd", d);
            x.open("Fmly", &[]);
            x.leaf("Cd", f);
            x.leaf("SubFmlyCd", s);
            x.close();
            x.close();
        } else {
            x.open("Prtry", &[]);
            x.leaf("Cd", code);
            x.close();
        }
    }
    x.close();
    if !e.charges.is_empty() {
        match v {
            CamtVersion::V02 => {
                for c in &e.charges {
                    x.open("Chrgs", &[]);
                    x.leaf_with(
                        "Amt",
                        &[("Ccy", &c.currency)],
                        &iso_amount(c.amount, "a charge")?,
                    );
                    x.close();
                }
            }
            CamtVersion::V08 => {
                x.open("Chrgs", &[]);
                for c in &e.charges {
                    x.open("Rcrd", &[]);
                    x.leaf_with(
                        "Amt",
                        &[("Ccy", &c.currency)],
                        &iso_amount(c.amount, "a charge")?,
                    );
                    if let Some(inc) = c.included {
                        x.leaf("ChrgInclInd", if inc { "true" } else { "false" });
                    }
                    x.close();
                }
                x.close();
            }
        }
    }
    x.open("NtryDtls", &[]);
    x.open("TxDtls", &[]);
    let refs = [
        ("EndToEndId", e.end_to_end_id.as_deref()),
        ("MndtId", e.mandate_id.as_deref()),
    ];
    if refs.iter().any(|(_, r)| r.is_some()) {
        x.open("Refs", &[]);
        for (name, r) in refs {
            if let Some(r) = r {
                max35(r, name)?;
                x.leaf(name, r);
            }
        }
        x.close();
    }
    let amount = iso_amount(e.amount, "an amount")?;
    match v {
        CamtVersion::V02 => {
            x.open("AmtDtls", &[]);
            x.open("TxAmt", &[]);
            x.leaf_with("Amt", &[("Ccy", &e.currency)], &amount);
            x.close();
            x.close();
        }
        CamtVersion::V08 => {
            x.leaf_with("Amt", &[("Ccy", &e.currency)], &amount);
            x.leaf("CdtDbtInd", if credit { "CRDT" } else { "DBIT" });
        }
    }
    let p = &e.counterparty;
    let cred = e.creditor_id.as_deref();
    if !p.is_empty() || cred.is_some() {
        let none = Party::default();
        let (debtor, creditor) = if credit { (p, &none) } else { (&none, p) };
        if p.name.is_some() || p.iban.is_some() || p.account.is_some() || cred.is_some() {
            x.open("RltdPties", &[]);
            party(x, "Dbtr", "DbtrAcct", debtor, None, v);
            party(x, "Cdtr", "CdtrAcct", creditor, cred, v);
            x.close();
        }
        if let Some(bic) = &p.bic {
            x.open("RltdAgts", &[]);
            agent(x, if credit { "DbtrAgt" } else { "CdtrAgt" }, bic, v);
            x.close();
        }
    }
    if e.remittance.is_some() || e.creditor_reference.is_some() {
        x.open("RmtInf", &[]);
        if let Some(text) = &e.remittance {
            for line in text.split('\n') {
                let chars: Vec<char> = line.chars().collect();
                for chunk in chars.chunks(140) {
                    x.leaf("Ustrd", &chunk.iter().collect::<String>());
                }
            }
        }
        if let Some(r) = &e.creditor_reference {
            max35(r, "the creditor reference")?;
            x.open("Strd", &[]);
            x.open("CdtrRefInf", &[]);
            x.leaf("Ref", r);
            x.close();
            x.close();
        }
        x.close();
    }
    x.close();
    x.close();
    if let Some(t) = &e.booking_text {
        x.leaf("AddtlNtryInf", t);
    }
    x.close();
    Ok(())
}

/// Writes the statements as one camt.053 document.
pub fn write_camt053(
    statements: &[Statement],
    header: &CamtHeader,
    v: CamtVersion,
) -> Result<String, Error> {
    max35(&header.message_id, "the message id")?;
    let ns = match v {
        CamtVersion::V02 => "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
        CamtVersion::V08 => "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
    };
    let created = format!(
        "{}T{:02}:{:02}:{:02}",
        header.created.date(),
        header.created.hour(),
        header.created.minute(),
        header.created.second()
    );
    let mut x = Xml::new();
    x.open("Document", &[("xmlns", ns)]);
    x.open("BkToCstmrStmt", &[]);
    x.open("GrpHdr", &[]);
    x.leaf("MsgId", &header.message_id);
    x.leaf("CreDtTm", &created);
    x.close();
    for (n, st) in statements.iter().enumerate() {
        x.open("Stmt", &[]);
        let id = st
            .id
            .clone()
            .unwrap_or_else(|| format!("{}-{}", header.message_id, n + 1));
        max35(&id, "the statement id")?;
        x.leaf("Id", &id);
        if let Some(seq) = &st.sequence
            && !seq.is_empty()
            && seq.bytes().all(|b| b.is_ascii_digit())
            && seq.len() <= 18
        {
            x.leaf("ElctrncSeqNb", seq);
        }
        x.leaf("CreDtTm", &created);
        if let Some(p) = st.period {
            x.open("FrToDt", &[]);
            x.leaf("FrDtTm", &format!("{}T00:00:00", p.from));
            x.leaf("ToDtTm", &format!("{}T23:59:59", p.to));
            x.close();
        }
        x.open("Acct", &[]);
        account_id(
            &mut x,
            st.account.iban.as_deref(),
            st.account.other.as_deref(),
        );
        if let Some(c) = &st.account.currency {
            x.leaf("Ccy", c);
        }
        if let Some(o) = &st.account.owner_name {
            x.open("Ownr", &[]);
            x.leaf("Nm", o);
            x.close();
        }
        if let Some(bic) = st.account.bic.as_deref().filter(|b| is_bic(b)) {
            x.open("Svcr", &[]);
            x.open("FinInstnId", &[]);
            x.leaf(
                if v == CamtVersion::V02 {
                    "BIC"
                } else {
                    "BICFI"
                },
                bic,
            );
            x.close();
            x.close();
        }
        x.close();
        match (&st.opening_balance, &st.closing_balance) {
            (Some(o), Some(c)) => {
                balance(&mut x, "OPBD", o)?;
                balance(&mut x, "CLBD", c)?;
            }
            (o, c) if v == CamtVersion::V08 => {
                if let Some(o) = o {
                    balance(&mut x, "OPBD", o)?;
                }
                if let Some(c) = c {
                    balance(&mut x, "CLBD", c)?;
                }
            }
            _ => {
                return Err(Error::Export(
                    "camt.053.001.02 needs the opening and closing balance of each statement"
                        .into(),
                ));
            }
        }
        for e in &st.entries {
            entry(&mut x, e, v)?;
        }
        x.close();
    }
    Ok(x.finish())
}
