//! Statement files into and out of the store: accounts fed by files, `import_statement` (one
//! file, one database transaction, the page import PSD2 uses, then the same reconciliation) and
//! `export_statement` (camt.053, MT940, CSV from the stored bookings).
//!
//! A file's entries take exactly a PSD2 page's path: `statements` maps each entry to an
//! `ais-model` transaction, `to_new_transaction` to a stored row, and `import_page` applies the
//! dedupe keys (the bank's reference, else the fingerprint) and the pending rules. So a file
//! imported twice adds nothing, and a file for an account PSD2 also syncs adds nothing PSD2
//! already stored under the same `transactionId`.

use rust_decimal::Decimal;
use statements::{
    AccountId, Balance, CamtHeader, CamtVersion, DecimalMark, Entry, EntryStatus, Format, Party,
    Period, Statement,
};
use storage::entity::account;
use storage::{BookingStatus, FileAccountLink, MatchMethod, NewBalance, NewTransaction};
use time::Date;

use crate::error::SyncError;
use crate::service::BankSync;
use crate::transactions::to_new_transaction;

/// What importing one statement file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatementImport {
    /// The format read (given or detected), e.g. `camt053`, `mt940`, `sparkasse`.
    pub format: String,
    /// Statements in the file.
    pub statements: u64,
    /// Entries read (booked and pending).
    pub entries: u64,
    /// Pending entries among them.
    pub pending: u64,
    /// New rows stored.
    pub imported: u64,
    /// Entries the store already had (an earlier file, or PSD2), unchanged.
    pub already_known: u64,
    /// Known entries whose content the file changed, updated in place.
    pub updated: u64,
    /// Pending rows replaced by their booking.
    pub superseded: u64,
    /// Confirmed allocations sent back to review because an amount changed.
    pub reopened: u64,
    /// Transactions matched automatically afterwards.
    pub auto_reconciled: u64,
    /// Transactions given suggestions afterwards.
    pub suggested: u64,
}

/// The export formats of [`BankSync::export_statement`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// ISO 20022 camt.053.001.02.
    Camt053V02,
    /// ISO 20022 camt.053.001.08.
    Camt053V08,
    /// SWIFT MT940.
    Mt940,
    /// Plain CSV (UTF-8, `;`), with a decimal comma or point.
    Csv(DecimalMark),
}

impl std::str::FromStr for ExportFormat {
    type Err = SyncError;

    fn from_str(s: &str) -> Result<Self, SyncError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "camt053" | "camt.053" | "camt053.02" => Ok(Self::Camt053V02),
            "camt053.08" => Ok(Self::Camt053V08),
            "mt940" => Ok(Self::Mt940),
            "csv" => Ok(Self::Csv(DecimalMark::Comma)),
            "csv-point" => Ok(Self::Csv(DecimalMark::Point)),
            other => Err(SyncError::BadRequest(format!(
                "{other:?} is not an export format: use camt053, camt053.08, mt940, csv or \
                 csv-point"
            ))),
        }
    }
}

fn normalized(iban: &str) -> String {
    iban.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

impl BankSync {
    /// The account for `iban` in `currency`, fed by statement files: an account (PSD2 or file)
    /// with that IBAN and currency is that account, else a new one without a connection.
    pub async fn file_account(
        &self,
        iban: &str,
        name: &str,
        currency: &str,
    ) -> Result<(account::Model, FileAccountLink), SyncError> {
        Ok(self.db.file_account(iban, name, currency).await?)
    }

    /// The one account with this IBAN (and currency, when several currencies share it).
    pub async fn account_by_iban(
        &self,
        iban: &str,
        currency: Option<&str>,
    ) -> Result<account::Model, SyncError> {
        let mut found = self.db.accounts_by_iban(iban, currency).await?;
        match found.len() {
            0 => Err(SyncError::NotFound(format!(
                "no account has the IBAN {}: create it first",
                crate::mask_iban(iban)
            ))),
            1 => Ok(found.remove(0)),
            _ => Err(SyncError::BadRequest(format!(
                "several accounts have the IBAN {} (one per currency): name the currency",
                crate::mask_iban(iban)
            ))),
        }
    }

    /// Imports one statement file into `account_id`: parsed with `format` (or the detected
    /// one), checked to belong to the account, stored in one database transaction through the
    /// page import, then reconciled. A bad file stores nothing.
    pub async fn import_statement(
        &self,
        account_id: i64,
        bytes: &[u8],
        format: Option<Format>,
    ) -> Result<StatementImport, SyncError> {
        let account = self
            .db
            .account(account_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("account {account_id}")))?;
        let parsed = statements::parse(bytes, format).map_err(SyncError::StatementFile)?;
        for s in &parsed.statements {
            check_belongs(&account, s)?;
        }
        let mut rows: Vec<NewTransaction> = Vec::new();
        for s in &parsed.statements {
            let lists = s.to_transaction_lists();
            for t in &lists.booked {
                rows.push(to_new_transaction(t, BookingStatus::Booked)?);
            }
            for t in &lists.pending {
                rows.push(to_new_transaction(t, BookingStatus::Pending)?);
            }
        }
        let mut report = StatementImport {
            format: parsed.format.name().to_owned(),
            statements: parsed.statements.len() as u64,
            entries: rows.len() as u64,
            pending: rows
                .iter()
                .filter(|r| r.status == BookingStatus::Pending)
                .count() as u64,
            ..StatementImport::default()
        };
        if let Some(r) = rows.iter().find(|r| r.currency != account.currency) {
            return Err(SyncError::BadRequest(format!(
                "the file has an entry in {} but the account keeps {}: import it into the \
                 account of that currency",
                r.currency, account.currency
            )));
        }
        // The whole file as one page: one database transaction, nothing half-imported.
        let counts = self.db.import_page(account.id, &rows).await?;
        report.imported = counts.inserted;
        report.already_known = counts.skipped;
        report.updated = counts.updated;
        report.superseded = counts.superseded;
        report.reopened = counts.reopened;
        // The file's latest closing balance, so exports have a balance to start from.
        let closing = parsed
            .statements
            .iter()
            .filter_map(|s| s.closing_balance.as_ref())
            .max_by_key(|b| b.date);
        if let Some(b) = closing {
            self.db
                .record_balances(
                    account.id,
                    &[NewBalance {
                        balance_type: "closingBooked".into(),
                        amount: b.amount,
                        currency: b.currency.clone(),
                        reference_date: Some(b.date),
                    }],
                    self.now(),
                )
                .await?;
        }
        let r = self
            .reconcile(Some(account.id), MatchMethod::Auto.as_str())
            .await?;
        report.auto_reconciled = r.auto_matched;
        report.suggested = r.suggested;
        tracing::info!(
            account = account.id,
            format = %report.format,
            entries = report.entries,
            imported = report.imported,
            already_known = report.already_known,
            "statement file imported"
        );
        Ok(report)
    }

    /// The stored bookings of `account_id` from `from` to `to` (both included, by booking date,
    /// else value date) as a statement file. `created` is the export's creation time (camt's
    /// `CreDtTm`), given so the output depends on its inputs only.
    pub async fn export_statement(
        &self,
        account_id: i64,
        from: Date,
        to: Date,
        format: ExportFormat,
        created: time::PrimitiveDateTime,
    ) -> Result<Vec<u8>, SyncError> {
        if from > to {
            return Err(SyncError::BadRequest(format!(
                "from {from} is after to {to}"
            )));
        }
        let account = self
            .db
            .account(account_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("account {account_id}")))?;
        let stored: Vec<_> = self
            .db
            .transactions(account.id)
            .await?
            .into_iter()
            .filter(|t| t.status == BookingStatus::Booked)
            .filter_map(|t| t.booking_date.or(t.value_date).map(|day| (day, t)))
            .collect();
        let balances = match format {
            ExportFormat::Csv(_) => None,
            _ => Some(self.balances_for(&account, &stored, from, to).await?),
        };
        let mut entries = Vec::new();
        for (day, t) in stored {
            if day < from || day > to {
                continue;
            }
            entries.push(Entry {
                booking_date: t.booking_date,
                value_date: t.value_date,
                amount: t.amount.decimal(),
                currency: t.currency.clone(),
                status: EntryStatus::Booked,
                reversal: false,
                counterparty: Party {
                    name: t.counterparty_name.clone(),
                    iban: t.counterparty_iban.clone(),
                    ..Party::default()
                },
                remittance: t.remittance_unstructured.clone(),
                creditor_reference: t.remittance_structured.clone(),
                end_to_end_id: t.end_to_end_id.clone(),
                bank_reference: t.bank_transaction_id.clone(),
                mandate_id: None,
                creditor_id: None,
                bank_transaction_code: t.bank_transaction_code.clone(),
                booking_text: None,
                charges: Vec::new(),
            });
        }
        let statement = Statement {
            account: AccountId {
                iban: account.iban.as_deref().map(normalized),
                currency: Some(account.currency.clone()),
                owner_name: None,
                ..AccountId::default()
            },
            // MT940's `:20:` holds 16 characters: the first day, compact.
            id: Some(format!(
                "{:04}{:02}{:02}",
                from.year(),
                u8::from(from.month()),
                from.day()
            )),
            sequence: None,
            period: Some(Period { from, to }),
            opening_balance: balances.as_ref().map(|(o, _)| o.clone()),
            closing_balance: balances.map(|(_, c)| c),
            entries,
        };
        let out = match format {
            ExportFormat::Camt053V02 | ExportFormat::Camt053V08 => {
                let header = CamtHeader {
                    message_id: format!(
                        "PSD2-{}-{}",
                        account.id,
                        created.assume_utc().unix_timestamp()
                    ),
                    created,
                };
                let v = if format == ExportFormat::Camt053V02 {
                    CamtVersion::V02
                } else {
                    CamtVersion::V08
                };
                statements::write_camt053(&[statement], &header, v).map(String::into_bytes)
            }
            ExportFormat::Mt940 => statements::write_mt940(&[statement]).map(String::into_bytes),
            ExportFormat::Csv(mark) => statements::write_plain_csv(&[statement], mark),
        };
        out.map_err(|e| SyncError::BadRequest(format!("the export: {e}")))
    }
}

impl BankSync {
    /// Opening (start of `from`) and closing (end of `to`) balance, from the latest stored
    /// balance (PSD2's, or a file's closing balance) moved by the stored bookings between its day
    /// and the period's. Refused when nothing is stored to start from: a made-up zero would be a
    /// wrong statement.
    async fn balances_for(
        &self,
        account: &account::Model,
        booked: &[(Date, storage::entity::transaction::Model)],
        from: Date,
        to: Date,
    ) -> Result<(Balance, Balance), SyncError> {
        let latest = self.db.latest_balances(account.id).await?;
        let anchor = [
            "closingBooked",
            "interimBooked",
            "expected",
            "interimAvailable",
        ]
        .iter()
        .find_map(|kind| latest.iter().find(|b| b.balance_type == *kind))
        .or(latest.first())
        .ok_or_else(|| {
            SyncError::BadRequest(format!(
                "account {} has no stored balance to start the statement from: sync its \
                     balances, or import a statement file with a closing balance, first \
                     (csv needs none)",
                account.id
            ))
        })?;
        let anchor_day = anchor
            .reference_date
            .unwrap_or_else(|| anchor.fetched_at.date());
        let sum = |lo: Date, hi: Date| -> Decimal {
            booked
                .iter()
                .filter(|(d, _)| *d > lo && *d <= hi)
                .map(|(_, t)| t.amount.decimal())
                .sum()
        };
        // The balance at the end of `to`: the anchor plus what was booked after it up to `to`,
        // or minus what was booked after `to` up to the anchor.
        let closing = if to >= anchor_day {
            anchor.amount.decimal() + sum(anchor_day, to)
        } else {
            anchor.amount.decimal() - sum(to, anchor_day)
        };
        let within: Decimal = booked
            .iter()
            .filter(|(d, _)| *d >= from && *d <= to)
            .map(|(_, t)| t.amount.decimal())
            .sum();
        let opening_day = from.previous_day().unwrap_or(from);
        Ok((
            Balance {
                date: opening_day,
                amount: closing - within,
                currency: account.currency.clone(),
            },
            Balance {
                date: to,
                amount: closing,
                currency: account.currency.clone(),
            },
        ))
    }
}

/// A file names its account by IBAN (and currency): it must be this one.
fn check_belongs(account: &account::Model, s: &Statement) -> Result<(), SyncError> {
    if let (Some(file), Some(ours)) = (s.account.iban.as_deref(), account.iban.as_deref())
        && normalized(file) != normalized(ours)
    {
        return Err(SyncError::BadRequest(format!(
            "the file is a statement of {}, not of account {} ({}): import it into that \
             account",
            crate::mask_iban(file),
            account.id,
            crate::mask_iban(ours)
        )));
    }
    if s.account.iban.is_some() && account.iban.is_none() {
        return Err(SyncError::BadRequest(format!(
            "account {} has no IBAN to check the file against",
            account.id
        )));
    }
    if let Some(c) = s.account.currency.as_deref()
        && !c.eq_ignore_ascii_case(&account.currency)
    {
        return Err(SyncError::BadRequest(format!(
            "the file is a statement in {c}, the account keeps {}: import it into the account \
             of that currency",
            account.currency
        )));
    }
    Ok(())
}
