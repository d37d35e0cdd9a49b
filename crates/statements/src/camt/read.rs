//! Reading ISO 20022 bank-to-customer messages: camt.053 (statement) and camt.052 (intraday
//! report), versions 001.02 to 001.08. The versions differ in a few places, all handled here:
//! the transaction amount (`AmtDtls/TxAmt/Amt` in .02, `Amt` from .03), party names (`Nm` until
//! .07, `Pty/Nm` in .08), BICs (`BIC` in .02, `BICFI` from .03), charges (repeated `Chrgs` in
//! .02, `Chrgs/Rcrd` from .03) and the status (text in .02–.07, `Sts/Cd` in .08).

use rust_decimal::Decimal;
use time::Date;

use super::dom::{Node, Sink, walk};
use crate::error::Error;
use crate::model::{
    AccountId, Balance, Charge, Entry, EntryStatus, Party, Period, Statement, non_empty, real_id,
    unsigned_zero,
};

/// Which message a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CamtKind {
    /// camt.053, the end-of-day statement.
    Statement,
    /// camt.052, the intraday account report.
    Report,
}

/// A document read: its kind, its version (`8` for 001.08) and statements.
#[derive(Debug, Clone)]
pub(crate) struct CamtDocument {
    pub kind: CamtKind,
    pub version: u8,
    pub statements: Vec<Statement>,
}

/// The kind and version a namespace names (`urn:iso:std:iso:20022:tech:xsd:camt.053.001.08`).
pub(crate) fn kind_of_namespace(ns: &str) -> Option<(CamtKind, u8)> {
    let tail = ns.rsplit(':').next()?;
    let rest = tail.strip_prefix("camt.")?;
    let (msg, version) = rest.split_once(".001.")?;
    let kind = match msg {
        "053" => CamtKind::Statement,
        "052" => CamtKind::Report,
        _ => return None,
    };
    Some((kind, version.parse().ok()?))
}

struct Reader {
    entries: Vec<Entry>,
    statements: Vec<Statement>,
}

/// Reads a camt.053 or camt.052 document.
pub(crate) fn read(text: &str) -> Result<CamtDocument, Error> {
    let mut r = Reader {
        entries: Vec::new(),
        statements: Vec::new(),
    };
    let ns = walk(text, &mut r)?;
    let (kind, version) = match ns.as_deref().and_then(kind_of_namespace) {
        Some(k) => k,
        None => {
            return Err(Error::Xml {
                element: "Document".into(),
                line: 1,
                reason: format!(
                    "the namespace {:?} is not camt.053 or camt.052 (001.02 to 001.08); export the statement as camt.053",
                    ns.unwrap_or_default()
                ),
            });
        }
    };
    if !(2..=8).contains(&version) {
        return Err(Error::Xml {
            element: "Document".into(),
            line: 1,
            reason: format!(
                "version 001.{version:02} is not supported (001.02 to 001.08 are); export the statement in one of those"
            ),
        });
    }
    if r.statements.is_empty() {
        return Err(Error::Xml {
            element: "Document".into(),
            line: 1,
            reason: "the document holds no statement (Stmt/Rpt); export the statement again".into(),
        });
    }
    Ok(CamtDocument {
        kind,
        version,
        statements: r.statements,
    })
}

impl Sink for Reader {
    fn entry(&mut self, node: Node, path: &str) -> Result<(), Error> {
        let mut entries = entries(&node, path)?;
        self.entries.append(&mut entries);
        Ok(())
    }

    fn statement(&mut self, node: Node, path: &str) -> Result<(), Error> {
        let mut st = header(&node, path)?;
        st.entries = std::mem::take(&mut self.entries);
        self.statements.push(st);
        Ok(())
    }
}

fn fail(path: &str, node: &Node, reason: impl Into<String>) -> Error {
    Error::Xml {
        element: path.to_owned(),
        line: node.line,
        reason: reason.into(),
    }
}

fn need<'a>(node: &'a Node, path: &str, child: &str) -> Result<&'a Node, Error> {
    node.at(child).ok_or_else(|| {
        fail(
            path,
            node,
            format!("{child} is missing; the file does not follow the camt schema"),
        )
    })
}

/// An ISO 20022 amount: digits and a decimal point, never negative (the direction is in
/// `CdtDbtInd`).
fn amount(node: &Node, path: &str) -> Result<(Decimal, String), Error> {
    let text = node.text.trim();
    let value: Decimal = text
        .parse()
        .ok()
        .filter(|d: &Decimal| !d.is_sign_negative() || d.is_zero())
        .filter(|_| !text.contains(['e', 'E', ',', '+']))
        .ok_or_else(|| {
            fail(
                path,
                node,
                format!("{text:?} is not an amount (digits with a decimal point, no sign)"),
            )
        })?;
    let currency = node
        .attr("Ccy")
        .and_then(non_empty)
        .ok_or_else(|| fail(path, node, "the amount has no currency (Ccy attribute)"))?;
    Ok((unsigned_zero(value), currency))
}

fn direction(node: &Node, path: &str) -> Result<Option<bool>, Error> {
    match node.text_at("CdtDbtInd").as_deref() {
        None => Ok(None),
        Some("CRDT") => Ok(Some(true)),
        Some("DBIT") => Ok(Some(false)),
        Some(other) => Err(fail(
            &format!("{path}/CdtDbtInd"),
            node,
            format!("{other:?} is neither CRDT nor DBIT"),
        )),
    }
}

fn signed(value: Decimal, credit: bool) -> Decimal {
    unsigned_zero(if credit { value } else { -value })
}

/// `Dt` or `DtTm` (its date part).
fn date(node: &Node, path: &str) -> Result<Option<Date>, Error> {
    let text = node.text_at("Dt").or_else(|| node.text_at("DtTm"));
    match text {
        None => Ok(None),
        Some(t) => parse_date(t.get(..10).unwrap_or(&t))
            .map(Some)
            .ok_or_else(|| fail(path, node, format!("{t:?} is not a date (YYYY-MM-DD)"))),
    }
}

pub(crate) fn parse_date(t: &str) -> Option<Date> {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(t, &f).ok()
}

fn status(node: &Node, path: &str) -> Result<Option<EntryStatus>, Error> {
    let code = node
        .text_at("Sts/Cd")
        .or_else(|| node.text_at("Sts/Prtry"))
        .or_else(|| node.text_at("Sts"));
    match code.as_deref() {
        Some("BOOK") => Ok(Some(EntryStatus::Booked)),
        Some("PDNG") => Ok(Some(EntryStatus::Pending)),
        // Information only (a future-dated order): nothing has moved on the account.
        Some("INFO") => Ok(None),
        Some(other) => Err(fail(
            &format!("{path}/Sts"),
            node,
            format!("the status {other:?} is not BOOK, PDNG or INFO"),
        )),
        None => Err(fail(path, node, "Sts (BOOK or PDNG) is missing")),
    }
}

fn bank_code(node: &Node) -> Option<String> {
    let domain = node.text_at("BkTxCd/Domn/Cd");
    let family = node.text_at("BkTxCd/Domn/Fmly/Cd");
    let sub = node.text_at("BkTxCd/Domn/Fmly/SubFmlyCd");
    match (domain, family, sub) {
        (Some(d), Some(f), Some(s)) => Some(format!("{d}-{f}-{s}")),
        _ => node.text_at("BkTxCd/Prtry/Cd"),
    }
}

fn charges(node: &Node, path: &str) -> Result<Vec<Charge>, Error> {
    let mut out = Vec::new();
    for chrgs in node.all("Chrgs") {
        let records: Vec<&Node> = if chrgs.child("Rcrd").is_some() {
            chrgs.all("Rcrd").collect()
        } else if chrgs.child("Amt").is_some() {
            vec![chrgs]
        } else {
            Vec::new()
        };
        for r in records {
            let amt = need(r, path, "Amt")?;
            let (value, currency) = amount(amt, &format!("{path}/Chrgs/Amt"))?;
            let included = r.text_at("ChrgInclInd").map(|t| t == "true" || t == "1");
            out.push(Charge {
                amount: value,
                currency,
                included,
            });
        }
    }
    Ok(out)
}

fn party(node: Option<&Node>) -> Option<String> {
    let n = node?;
    n.text_at("Nm").or_else(|| n.text_at("Pty/Nm"))
}

fn creditor_id(parties: &Node) -> Option<String> {
    let cdtr = parties.child("Cdtr")?;
    let id = cdtr.at("Id").or_else(|| cdtr.at("Pty/Id"))?;
    id.at("PrvtId")
        .into_iter()
        .flat_map(|p| p.all("Othr"))
        .find(|o| o.text_at("SchmeNm/Prtry").is_none_or(|s| s == "SEPA"))
        .and_then(|o| o.text_at("Id"))
}

fn account(node: Option<&Node>) -> (Option<String>, Option<String>) {
    match node {
        None => (None, None),
        Some(n) => (
            n.text_at("Id/IBAN").map(|i| i.replace(' ', "")),
            n.text_at("Id/Othr/Id"),
        ),
    }
}

fn agent(node: Option<&Node>) -> Option<String> {
    let n = node?;
    n.text_at("FinInstnId/BICFI")
        .or_else(|| n.text_at("FinInstnId/BIC"))
        .or_else(|| n.text_at("FinInstnId/Othr/Id"))
}

/// The parts of one transaction (a `TxDtls`) that the entry does not have.
#[derive(Default)]
struct Details {
    amount: Option<(Decimal, String, Option<bool>)>,
    end_to_end_id: Option<String>,
    reference: Option<String>,
    mandate_id: Option<String>,
    creditor_id: Option<String>,
    debtor: Party,
    creditor: Party,
    remittance: Option<String>,
    creditor_reference: Option<String>,
    charges: Vec<Charge>,
    info: Option<String>,
}

fn details(tx: &Node, path: &str) -> Result<Details, Error> {
    let amt = tx
        .child("Amt")
        .or_else(|| tx.at("AmtDtls/TxAmt/Amt"))
        .map(|a| amount(a, &format!("{path}/Amt")))
        .transpose()?;
    let dir = direction(tx, path)?;
    let parties = tx.child("RltdPties");
    let agents = tx.child("RltdAgts");
    let side = |who: &str, acct: &str, agt: &str| {
        let (iban, other) = account(parties.and_then(|p| p.child(acct)));
        Party {
            name: party(parties.and_then(|p| p.child(who))),
            iban,
            account: other,
            bic: agent(agents.and_then(|a| a.child(agt))),
        }
    };
    let rmt = tx.child("RmtInf");
    let lines: Vec<String> = rmt
        .into_iter()
        .flat_map(|r| r.all("Ustrd"))
        .filter_map(|u| non_empty(&u.text))
        .collect();
    let creditor_reference = rmt
        .into_iter()
        .flat_map(|r| r.all("Strd"))
        .find_map(|s| s.text_at("CdtrRefInf/Ref"));
    Ok(Details {
        amount: amt.map(|(v, c)| (v, c, dir)),
        end_to_end_id: tx.text_at("Refs/EndToEndId").as_deref().and_then(real_id),
        reference: tx.text_at("Refs/AcctSvcrRef").as_deref().and_then(real_id),
        mandate_id: tx.text_at("Refs/MndtId").as_deref().and_then(real_id),
        creditor_id: parties.and_then(creditor_id),
        debtor: side("Dbtr", "DbtrAcct", "DbtrAgt"),
        creditor: side("Cdtr", "CdtrAcct", "CdtrAgt"),
        remittance: (!lines.is_empty()).then(|| lines.join("\n")),
        creditor_reference,
        charges: charges(tx, path)?,
        info: tx.text_at("AddtlTxInf"),
    })
}

/// The entries one `Ntry` stands for: itself, or one per `TxDtls` of a batch.
fn entries(ntry: &Node, path: &str) -> Result<Vec<Entry>, Error> {
    let (value, currency) = amount(need(ntry, path, "Amt")?, &format!("{path}/Amt"))?;
    let credit = direction(ntry, path)?
        .ok_or_else(|| fail(path, ntry, "CdtDbtInd (CRDT or DBIT) is missing"))?;
    let Some(status) = status(ntry, path)? else {
        return Ok(Vec::new());
    };
    let reversal = ntry
        .text_at("RvslInd")
        .is_some_and(|t| t == "true" || t == "1");
    let booking_date = ntry
        .child("BookgDt")
        .map(|d| date(d, &format!("{path}/BookgDt")))
        .transpose()?
        .flatten();
    let value_date = ntry
        .child("ValDt")
        .map(|d| date(d, &format!("{path}/ValDt")))
        .transpose()?
        .flatten();
    let entry_ref = ntry.text_at("AcctSvcrRef").as_deref().and_then(real_id);
    let base = Entry {
        booking_date,
        value_date,
        amount: signed(value, credit),
        currency: currency.clone(),
        status,
        reversal,
        bank_reference: entry_ref.clone(),
        bank_transaction_code: bank_code(ntry),
        booking_text: ntry.text_at("AddtlNtryInf"),
        charges: charges(ntry, path)?,
        ..Entry::default()
    };
    let mut txs = Vec::new();
    for (d, dtls) in ntry.all("NtryDtls").enumerate() {
        for (t, tx) in dtls.all("TxDtls").enumerate() {
            let p = format!("{path}/NtryDtls[{}]/TxDtls[{}]", d + 1, t + 1);
            txs.push((details(tx, &p)?, p, tx));
        }
    }
    let fill = |mut e: Entry, d: Details| {
        let incoming = e.amount > Decimal::ZERO || (e.amount.is_zero() && credit);
        e.counterparty = if incoming { d.debtor } else { d.creditor };
        e.end_to_end_id = d.end_to_end_id;
        e.mandate_id = d.mandate_id;
        e.creditor_id = d.creditor_id;
        e.remittance = d.remittance;
        e.creditor_reference = d.creditor_reference;
        e.charges.extend(d.charges);
        if e.booking_text.is_none() {
            e.booking_text = d.info;
        }
        e
    };
    match txs.len() {
        0 => Ok(vec![base]),
        1 => {
            let mut txs = txs;
            let Some((d, _, _)) = txs.pop() else {
                return Ok(vec![base]);
            };
            // One transaction: the entry's amount is what moved on the account (the
            // transaction's may be the instructed amount in another currency, before fees).
            let reference = d.reference.clone().or(entry_ref);
            let mut e = fill(base, d);
            e.bank_reference = reference;
            Ok(vec![e])
        }
        n => {
            if txs.iter().any(|(d, _, _)| d.amount.is_none()) {
                // A batch whose parts carry no amounts: it cannot be split, so it stays one
                // entry with every part's text (nothing dropped, nothing invented).
                let texts: Vec<String> = txs
                    .iter()
                    .filter_map(|(d, _, _)| d.remittance.clone())
                    .collect();
                let mut e = base;
                e.remittance = (!texts.is_empty()).then(|| texts.join("\n"));
                return Ok(vec![e]);
            }
            let mut out = Vec::with_capacity(n);
            let mut sum = Decimal::ZERO;
            for (i, (mut d, p, tx)) in txs.into_iter().enumerate() {
                let Some((v, ccy, dir)) = d.amount.take() else {
                    continue;
                };
                if ccy != currency {
                    return Err(fail(
                        &p,
                        tx,
                        format!(
                            "a batch part is in {ccy} but the entry in {currency}; the batch cannot be split, ask the bank for single entries"
                        ),
                    ));
                }
                let part = signed(v, dir.unwrap_or(credit));
                sum += part;
                let reference = d
                    .reference
                    .take()
                    .or_else(|| entry_ref.as_ref().map(|r| format!("{r}/{}", i + 1)));
                // Each part keeps its own charges; the entry's are added to the first below.
                let mut part_base = base.clone();
                part_base.charges = Vec::new();
                let mut e = fill(part_base, d);
                e.amount = part;
                e.bank_reference = reference;
                out.push(e);
            }
            if sum != base.amount {
                return Err(fail(
                    path,
                    ntry,
                    format!(
                        "the batch's transactions add up to {sum}, the entry says {}; the file is inconsistent, export it again",
                        base.amount
                    ),
                ));
            }
            // The entry's own fees belong to the batch as a whole: kept on its first part.
            if let Some(first) = out.first_mut() {
                let own = std::mem::take(&mut first.charges);
                first.charges = base.charges;
                first.charges.extend(own);
            }
            Ok(out)
        }
    }
}

fn balance(bal: &Node, path: &str) -> Result<(String, Balance), Error> {
    let code = bal
        .text_at("Tp/CdOrPrtry/Cd")
        .or_else(|| bal.text_at("Tp/CdOrPrtry/Prtry"))
        .unwrap_or_default();
    let (value, currency) = amount(need(bal, path, "Amt")?, &format!("{path}/Amt"))?;
    let credit = direction(bal, path)?.unwrap_or(true);
    let day = date(need(bal, path, "Dt")?, &format!("{path}/Dt"))?
        .ok_or_else(|| fail(path, bal, "the balance has no date (Dt/Dt)"))?;
    Ok((
        code,
        Balance {
            date: day,
            amount: signed(value, credit),
            currency,
        },
    ))
}

fn header(st: &Node, path: &str) -> Result<Statement, Error> {
    let acct = st.child("Acct");
    let mut out = Statement {
        account: AccountId {
            iban: acct
                .and_then(|a| a.text_at("Id/IBAN"))
                .map(|i| i.replace(' ', "")),
            other: acct.and_then(|a| a.text_at("Id/Othr/Id")),
            currency: acct.and_then(|a| a.text_at("Ccy")),
            bic: acct.and_then(|a| {
                a.text_at("Svcr/FinInstnId/BICFI")
                    .or_else(|| a.text_at("Svcr/FinInstnId/BIC"))
            }),
            owner_name: acct.and_then(|a| party(a.child("Ownr"))),
        },
        id: st.text_at("Id"),
        sequence: st
            .text_at("ElctrncSeqNb")
            .or_else(|| st.text_at("LglSeqNb")),
        ..Statement::default()
    };
    if let Some(ft) = st.child("FrToDt") {
        let p = format!("{path}/FrToDt");
        let day = |name: &str| -> Result<Option<Date>, Error> {
            ft.text_at(name)
                .map(|t| {
                    parse_date(t.get(..10).unwrap_or(&t))
                        .ok_or_else(|| fail(&p, ft, format!("{t:?} is not a date and time")))
                })
                .transpose()
        };
        if let (Some(from), Some(to)) = (day("FrDtTm")?, day("ToDtTm")?) {
            out.period = Some(Period { from, to });
        }
    }
    for (i, bal) in st.all("Bal").enumerate() {
        let (code, b) = balance(bal, &format!("{path}/Bal[{}]", i + 1))?;
        match code.as_str() {
            "OPBD" => out.opening_balance = Some(b),
            "PRCD" if out.opening_balance.is_none() => out.opening_balance = Some(b),
            "CLBD" => out.closing_balance = Some(b),
            "ITBD" if out.closing_balance.is_none() => out.closing_balance = Some(b),
            _ => {}
        }
    }
    if out.account.currency.is_none() {
        out.account.currency = out.closing_balance.as_ref().map(|b| b.currency.clone());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_name_kind_and_version() {
        assert_eq!(
            kind_of_namespace("urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"),
            Some((CamtKind::Statement, 8))
        );
        assert_eq!(
            kind_of_namespace("urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"),
            Some((CamtKind::Report, 2))
        );
        assert_eq!(
            kind_of_namespace("urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"),
            None
        );
    }
}
