//! Invoices and credit notes: imported in batches, keyed by number, open amounts kept exact.

use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};
use time::{Date, OffsetDateTime};

use crate::customers::{CustomerCache, customer_for_invoice};
use crate::db::Database;
use crate::entity::invoice::{self, Column, Entity};
use crate::error::Error;
use crate::state::{InvoiceKind, InvoiceStatus};

/// An invoice to create or update (by number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoice {
    /// Unique number.
    pub number: String,
    /// Invoice or credit note.
    pub kind: InvoiceKind,
    /// Customer name.
    pub customer_name: String,
    /// The back office's customer number (`Kundennummer`). With it the invoice belongs to that
    /// customer (created on first use) and its IBANs become the customer's uploaded payers;
    /// without it the invoice is grouped by name, and two customers of one name look like one.
    pub customer_number: Option<String>,
    /// The customer's known IBANs.
    pub customer_ibans: Vec<String>,
    /// Gross total, positive.
    pub total: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Issue date.
    pub issue_date: Date,
    /// Due date.
    pub due_date: Option<Date>,
    /// ISO 11649 creditor reference.
    pub creditor_reference: Option<String>,
}

/// What a batch import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvoiceCounts {
    /// New invoices.
    pub created: u64,
    /// Known numbers updated.
    pub updated: u64,
    /// Invoices that came without a customer number, grouped by name instead.
    pub without_customer_number: u64,
}

fn validate(i: &NewInvoice) -> Result<(), Error> {
    if i.number.trim().is_empty() {
        return Err(Error::Invalid("invoice number is empty".into()));
    }
    // PostgreSQL's text cannot hold U+0000; SQLite can. Refused on both, so a file that works on
    // one database works on the other.
    let texts = [
        ("number", Some(i.number.as_str())),
        ("customer_name", Some(i.customer_name.as_str())),
        ("customer_number", i.customer_number.as_deref()),
        ("currency", Some(i.currency.as_str())),
        ("creditor_reference", i.creditor_reference.as_deref()),
    ];
    for (field, text) in texts.into_iter().chain(
        i.customer_ibans
            .iter()
            .map(|s| ("customer_ibans", Some(s.as_str()))),
    ) {
        if text.is_some_and(|t| t.contains('\0')) {
            return Err(Error::Invalid(format!(
                "invoice {}: {field} contains a NUL character (U+0000); remove it",
                i.number.replace('\0', "\u{fffd}")
            )));
        }
    }
    if i.total <= Decimal::ZERO {
        return Err(Error::Invalid(format!(
            "invoice {}: total must be positive (the kind says the direction), got {}",
            i.number, i.total
        )));
    }
    if i.currency.len() != 3 || !i.currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::Invalid(format!(
            "invoice {}: currency {:?} is not an ISO 4217 code",
            i.number, i.currency
        )));
    }
    Ok(())
}

impl invoice::Model {
    /// The customer's known IBANs.
    pub fn ibans(&self) -> Result<Vec<String>, Error> {
        serde_json::from_str(&self.customer_ibans)
            .map_err(|e| Error::Corrupt(format!("customer_ibans of invoice {}: {e}", self.number)))
    }
}

/// The largest page of invoices one call returns.
pub const MAX_INVOICE_PAGE: u64 = 1000;

impl Database {
    /// Creates or updates invoices by number, all in one database transaction (all or none).
    /// An update keeps what was already paid: the open amount becomes the new total minus the
    /// allocated part, and a total below that part is refused.
    pub async fn upsert_invoices(&self, batch: &[NewInvoice]) -> Result<InvoiceCounts, Error> {
        for i in batch {
            validate(i)?;
        }
        let now = OffsetDateTime::now_utc();
        let txn = self.begin_write().await?;
        let mut counts = InvoiceCounts::default();
        let mut customers = CustomerCache::default();
        let mut closed = Vec::new();
        for i in batch {
            let customer_id = match i
                .customer_number
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
            {
                Some(number) => Some(
                    customer_for_invoice(
                        &txn,
                        &mut customers,
                        number,
                        i.customer_name.trim(),
                        &i.customer_ibans,
                        now,
                    )
                    .await?,
                ),
                None => {
                    counts.without_customer_number += 1;
                    None
                }
            };
            let ibans = serde_json::to_string(&i.customer_ibans)
                .map_err(|e| Error::Invalid(format!("customer_ibans: {e}")))?;
            let existing = Entity::find()
                .filter(Column::Number.eq(i.number.clone()))
                .one(&txn)
                .await?;
            match existing {
                Some(row) => {
                    let id = row.id;
                    let paid = row.total.decimal() - row.open_amount.decimal();
                    if i.total < paid {
                        return Err(Error::Conflict(format!(
                            "invoice {}: new total {} is below the {} already allocated",
                            i.number, i.total, paid
                        )));
                    }
                    let open = i.total - paid;
                    let cancelled = row.status == InvoiceStatus::Cancelled;
                    let mut am: invoice::ActiveModel = row.into();
                    am.kind = Set(i.kind);
                    am.customer_name = Set(i.customer_name.clone());
                    am.customer_id = Set(customer_id);
                    am.customer_ibans = Set(ibans);
                    am.total = Set(i.total.into());
                    am.open_amount = Set(open.into());
                    am.currency = Set(i.currency.clone());
                    am.issue_date = Set(i.issue_date);
                    am.due_date = Set(i.due_date);
                    am.creditor_reference = Set(i.creditor_reference.clone());
                    let status = if cancelled {
                        InvoiceStatus::Cancelled
                    } else {
                        InvoiceStatus::for_amounts(open, i.total)
                    };
                    am.status = Set(status);
                    if !status.is_open() {
                        closed.push(id);
                    }
                    am.updated_at = Set(now);
                    Entity::update(am).exec(&txn).await?;
                    counts.updated += 1;
                }
                None => {
                    Entity::insert(invoice::ActiveModel {
                        number: Set(i.number.clone()),
                        kind: Set(i.kind),
                        customer_name: Set(i.customer_name.clone()),
                        customer_id: Set(customer_id),
                        customer_ibans: Set(ibans),
                        total: Set(i.total.into()),
                        open_amount: Set(i.total.into()),
                        currency: Set(i.currency.clone()),
                        issue_date: Set(i.issue_date),
                        due_date: Set(i.due_date),
                        creditor_reference: Set(i.creditor_reference.clone()),
                        status: Set(InvoiceStatus::Open),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    })
                    .exec_without_returning(&txn)
                    .await?;
                    counts.created += 1;
                }
            }
        }
        // An update that leaves nothing open ends the suggestions for it (see
        // `drop_stale_suggestions_in`).
        crate::matches::drop_stale_suggestions_in(&txn, &closed, None).await?;
        txn.commit().await?;
        Ok(counts)
    }

    /// One invoice.
    pub async fn invoice(&self, id: i64) -> Result<Option<invoice::Model>, Error> {
        Ok(Entity::find_by_id(id).one(&self.conn).await?)
    }

    /// The invoice with this number.
    pub async fn invoice_by_number(&self, number: &str) -> Result<Option<invoice::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::Number.eq(number.trim()))
            .one(&self.conn)
            .await?)
    }

    /// Invoices, optionally only those with `status`, by number.
    pub async fn invoices(
        &self,
        status: Option<InvoiceStatus>,
    ) -> Result<Vec<invoice::Model>, Error> {
        let mut q = Entity::find().order_by_asc(Column::Number);
        if let Some(s) = status {
            q = q.filter(Column::Status.eq(s));
        }
        Ok(q.all(&self.conn).await?)
    }

    /// A page of invoices by number (`limit` clamped to 1–[`MAX_INVOICE_PAGE`]), with the total
    /// number that have `status`: a business with tens of thousands of invoices is not sent in
    /// one answer.
    pub async fn invoices_page(
        &self,
        status: Option<InvoiceStatus>,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<invoice::Model>, u64), Error> {
        use sea_orm::{PaginatorTrait as _, QuerySelect as _};
        let mut q = Entity::find();
        if let Some(s) = status {
            q = q.filter(Column::Status.eq(s));
        }
        let total = q.clone().count(&self.conn).await?;
        let rows = q
            .order_by_asc(Column::Number)
            .order_by_asc(Column::Id)
            .limit(limit.clamp(1, MAX_INVOICE_PAGE))
            .offset(offset)
            .all(&self.conn)
            .await?;
        Ok((rows, total))
    }

    /// Invoices with something still open (open or partially paid).
    pub async fn open_invoices(&self) -> Result<Vec<invoice::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::Status.is_in([InvoiceStatus::Open, InvoiceStatus::PartiallyPaid]))
            .order_by_asc(Column::Number)
            .all(&self.conn)
            .await?)
    }
}
