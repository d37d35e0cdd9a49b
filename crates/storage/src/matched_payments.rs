//! The matched payments of a period, with the invoice each one settled and its customer: what an
//! accountant books (a DATEV batch of the bank account against debtors, `bank-sync`'s
//! `export_datev`).
//!
//! "Matched" is a confirmed allocation: an automatic match the matcher was sure of, or a
//! suggestion or a match by hand a person confirmed. Suggestions, rejected and undone matches
//! settle nothing and are left out.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use time::Date;

use crate::db::Database;
use crate::entity::{allocation, customer, invoice, transaction};
use crate::error::Error;
use crate::state::{BookingStatus, InvoiceKind, MatchStatus};

/// Ids per `IN (…)` list: well below SQLite's and PostgreSQL's parameter limits.
const IDS_PER_QUERY: usize = 500;

/// One confirmed allocation of a booked payment to an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchedPayment {
    /// The allocation (match) id.
    pub match_id: i64,
    /// The bank transaction.
    pub transaction_id: i64,
    /// Its account.
    pub account_id: i64,
    /// Its booking date, else its value date.
    pub date: Date,
    /// The part of the payment allocated to the invoice, signed from the bank's view: money in
    /// (an invoice paid) > 0, money out (a credit note refunded) < 0.
    pub amount: Decimal,
    /// The payment's currency.
    pub currency: String,
    /// Who paid (as the bank printed it).
    pub counterparty_name: Option<String>,
    /// The invoice's number.
    pub invoice_number: String,
    /// Invoice or credit note.
    pub invoice_kind: InvoiceKind,
    /// The customer's name on the invoice.
    pub customer_name: String,
    /// The back office's customer number, when the invoice came with one.
    pub customer_number: Option<String>,
}

impl Database {
    /// The confirmed allocations of booked payments dated `from` to `to` (both included; the
    /// booking date, else the value date), by date, then payment, then match.
    pub async fn matched_payments(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<MatchedPayment>, Error> {
        use transaction::Column as T;
        let dated = Condition::any().add(T::BookingDate.between(from, to)).add(
            Condition::all()
                .add(T::BookingDate.is_null())
                .add(T::ValueDate.between(from, to)),
        );
        let in_period = Query::select()
            .column(T::Id)
            .from(transaction::Entity)
            .cond_where(dated)
            .and_where(T::Status.eq(BookingStatus::Booked))
            .to_owned();
        let matches = allocation::Entity::find()
            .filter(allocation::Column::Status.eq(MatchStatus::Confirmed))
            .filter(allocation::Column::TransactionId.in_subquery(in_period))
            .order_by_asc(allocation::Column::Id)
            .all(&self.conn)
            .await?;
        let payments = self
            .by_ids(
                matches.iter().map(|m| m.transaction_id),
                |ids| transaction::Entity::find().filter(T::Id.is_in(ids)),
                |t: &transaction::Model| t.id,
            )
            .await?;
        let invoices = self
            .by_ids(
                matches.iter().map(|m| m.invoice_id),
                |ids| invoice::Entity::find().filter(invoice::Column::Id.is_in(ids)),
                |i: &invoice::Model| i.id,
            )
            .await?;
        let customers = self
            .by_ids(
                invoices.values().filter_map(|i| i.customer_id),
                |ids| customer::Entity::find().filter(customer::Column::Id.is_in(ids)),
                |c: &customer::Model| c.id,
            )
            .await?;
        let mut out = Vec::with_capacity(matches.len());
        for m in matches {
            let t = payments
                .get(&m.transaction_id)
                .ok_or_else(|| Error::NotFound(format!("transaction {}", m.transaction_id)))?;
            let i = invoices
                .get(&m.invoice_id)
                .ok_or_else(|| Error::NotFound(format!("invoice {}", m.invoice_id)))?;
            let Some(date) = t.booking_date.or(t.value_date) else {
                continue;
            };
            let allocated = m.amount.decimal().abs();
            out.push(MatchedPayment {
                match_id: m.id,
                transaction_id: t.id,
                account_id: t.account_id,
                date,
                amount: if t.amount.decimal() < Decimal::ZERO {
                    -allocated
                } else {
                    allocated
                },
                currency: t.currency.clone(),
                counterparty_name: t.counterparty_name.clone(),
                invoice_number: i.number.clone(),
                invoice_kind: i.kind,
                customer_name: i.customer_name.clone(),
                customer_number: i
                    .customer_id
                    .and_then(|c| customers.get(&c))
                    .map(|c| c.number.clone()),
            });
        }
        out.sort_by_key(|p| (p.date, p.transaction_id, p.match_id));
        Ok(out)
    }

    /// Rows of one table by id, a bounded number of ids per query.
    async fn by_ids<E, Q, K>(
        &self,
        ids: impl Iterator<Item = i64>,
        query: Q,
        key: K,
    ) -> Result<HashMap<i64, E::Model>, Error>
    where
        E: sea_orm::EntityTrait,
        Q: Fn(Vec<i64>) -> sea_orm::Select<E>,
        K: Fn(&E::Model) -> i64,
    {
        let mut ids: Vec<i64> = ids.collect();
        ids.sort_unstable();
        ids.dedup();
        let mut out = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            for row in query(chunk.to_vec()).all(&self.conn).await? {
                out.insert(key(&row), row);
            }
        }
        Ok(out)
    }
}
