//! Customers and their payers: who a customer is (the back office's number), which payers are
//! known to be it (uploaded with its invoices or learned from a person's confirmation), and which
//! a person said are not.
//!
//! Learning and rejecting happen inside the decision's own database transaction
//! ([`learn_in`], [`reject_in`]), so a decision and what it taught are stored together or not at
//! all.

use std::collections::HashMap;

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use time::OffsetDateTime;

use crate::db::Database;
use crate::entity::{customer, customer_payer, invoice, transaction};
use crate::error::Error;
use crate::iban::normalize_iban;
use crate::state::{InvoiceStatus, PayerOrigin};

/// The largest page of customers one call returns.
pub const MAX_CUSTOMER_PAGE: u64 = 1000;

/// A customer with how many of its items are open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerSummary {
    /// The customer.
    pub customer: customer::Model,
    /// Invoices and credit notes still open (open or partially paid).
    pub open_items: u64,
}

/// A customer with its payers (uploaded, learned and rejected), oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerDetail {
    /// The customer and its open items.
    pub summary: CustomerSummary,
    /// Every payer row of the customer.
    pub payers: Vec<customer_payer::Model>,
}

/// A name as compared: trimmed, lower case.
pub(crate) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The payer of a transaction as stored: IBAN normalized, blanks dropped.
fn payer_of(tx: &transaction::Model) -> (Option<String>, Option<String>) {
    let iban = tx
        .counterparty_iban
        .as_deref()
        .map(normalize_iban)
        .filter(|s| !s.is_empty());
    let name = tx
        .counterparty_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    (iban, name)
}

/// Whether a stored payer row is this payer: the same IBAN when both have one, else the same
/// name.
fn same_payer(row: &customer_payer::Model, iban: Option<&str>, name: Option<&str>) -> bool {
    match (row.iban.as_deref(), iban) {
        (Some(a), Some(b)) => a == b,
        (None, None) => match (row.name.as_deref(), name) {
            (Some(a), Some(b)) => name_key(a) == name_key(b),
            _ => false,
        },
        _ => false,
    }
}

/// The customers batch imports create or find, by number, so each is looked up once.
#[derive(Debug, Default)]
pub(crate) struct CustomerCache {
    by_number: HashMap<String, (i64, Vec<String>)>,
}

/// The customer with this number (created, or renamed to `name`), its uploaded IBANs added;
/// returns its id.
pub(crate) async fn customer_for_invoice(
    txn: &impl ConnectionTrait,
    cache: &mut CustomerCache,
    number: &str,
    name: &str,
    ibans: &[String],
    now: OffsetDateTime,
) -> Result<i64, Error> {
    if !cache.by_number.contains_key(number) {
        let found = customer::Entity::find()
            .filter(customer::Column::Number.eq(number))
            .one(txn)
            .await?;
        let id = match found {
            Some(c) => {
                if c.name != name {
                    let mut am: customer::ActiveModel = c.clone().into();
                    am.name = Set(name.to_owned());
                    am.updated_at = Set(now);
                    customer::Entity::update(am).exec(txn).await?;
                }
                c.id
            }
            None => {
                customer::Entity::insert(customer::ActiveModel {
                    number: Set(number.to_owned()),
                    name: Set(name.to_owned()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .exec(txn)
                .await?
                .last_insert_id
            }
        };
        let uploaded = customer_payer::Entity::find()
            .filter(customer_payer::Column::CustomerId.eq(id))
            .filter(customer_payer::Column::Origin.eq(PayerOrigin::Uploaded))
            .all(txn)
            .await?
            .into_iter()
            .filter_map(|p| p.iban)
            .collect();
        cache.by_number.insert(number.to_owned(), (id, uploaded));
    }
    let Some((id, known)) = cache.by_number.get_mut(number) else {
        return Err(Error::Corrupt(format!("customer {number} vanished")));
    };
    let id = *id;
    for iban in ibans.iter().map(|i| normalize_iban(i)) {
        if iban.is_empty() || known.contains(&iban) {
            continue;
        }
        customer_payer::Entity::insert(customer_payer::ActiveModel {
            customer_id: Set(id),
            iban: Set(Some(iban.clone())),
            name: Set(None),
            origin: Set(PayerOrigin::Uploaded),
            match_id: Set(None),
            decided_by: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
        known.push(iban);
    }
    Ok(id)
}

async fn payers_of(
    txn: &impl ConnectionTrait,
    customer_id: i64,
) -> Result<Vec<customer_payer::Model>, Error> {
    Ok(customer_payer::Entity::find()
        .filter(customer_payer::Column::CustomerId.eq(customer_id))
        .all(txn)
        .await?)
}

/// The customers (deduplicated, in id order) of these invoices that have one.
async fn customers_of(txn: &impl ConnectionTrait, invoice_ids: &[i64]) -> Result<Vec<i64>, Error> {
    let mut ids: Vec<i64> = invoice::Entity::find()
        .filter(invoice::Column::Id.is_in(invoice_ids.iter().copied()))
        .all(txn)
        .await?
        .into_iter()
        .filter_map(|i| i.customer_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// A person confirmed `match_id`: the payer of `tx` becomes a learned payer of the invoices'
/// customers (unless already known), and an earlier rejection of it for them is withdrawn.
/// Invoices without a customer number teach nothing: there is no customer to learn for.
pub(crate) async fn learn_in(
    txn: &impl ConnectionTrait,
    tx: &transaction::Model,
    invoice_ids: &[i64],
    match_id: i64,
    who: &str,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let (iban, name) = payer_of(tx);
    if iban.is_none() && name.is_none() {
        return Ok(());
    }
    for customer_id in customers_of(txn, invoice_ids).await? {
        let rows = payers_of(txn, customer_id).await?;
        let this: Vec<&customer_payer::Model> = rows
            .iter()
            .filter(|p| same_payer(p, iban.as_deref(), name.as_deref()))
            .collect();
        let rejected: Vec<i64> = this
            .iter()
            .filter(|p| p.origin == PayerOrigin::Rejected)
            .map(|p| p.id)
            .collect();
        if !rejected.is_empty() {
            customer_payer::Entity::delete_many()
                .filter(customer_payer::Column::Id.is_in(rejected))
                .exec(txn)
                .await?;
        }
        if this.iter().any(|p| p.origin != PayerOrigin::Rejected) {
            continue;
        }
        customer_payer::Entity::insert(customer_payer::ActiveModel {
            customer_id: Set(customer_id),
            iban: Set(iban.clone()),
            name: Set(name.clone()),
            origin: Set(PayerOrigin::Learned),
            match_id: Set(Some(match_id)),
            decided_by: Set(Some(who.to_owned())),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
        touch(txn, customer_id, now).await?;
    }
    Ok(())
}

/// A person rejected `match_id`: the payer of `tx` is recorded as not the invoice's customer —
/// unless it is a known payer of that customer, whose payment was then merely suggested for the
/// wrong invoice (a rejection says "not this item", a known payer stays known).
pub(crate) async fn reject_in(
    txn: &impl ConnectionTrait,
    tx: &transaction::Model,
    invoice_id: i64,
    match_id: i64,
    who: &str,
    now: OffsetDateTime,
) -> Result<(), Error> {
    let (iban, name) = payer_of(tx);
    if iban.is_none() && name.is_none() {
        return Ok(());
    }
    for customer_id in customers_of(txn, &[invoice_id]).await? {
        let rows = payers_of(txn, customer_id).await?;
        if rows
            .iter()
            .any(|p| same_payer(p, iban.as_deref(), name.as_deref()))
        {
            continue;
        }
        customer_payer::Entity::insert(customer_payer::ActiveModel {
            customer_id: Set(customer_id),
            iban: Set(iban.clone()),
            name: Set(name.clone()),
            origin: Set(PayerOrigin::Rejected),
            match_id: Set(Some(match_id)),
            decided_by: Set(Some(who.to_owned())),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
        touch(txn, customer_id, now).await?;
    }
    Ok(())
}

async fn touch(
    txn: &impl ConnectionTrait,
    customer_id: i64,
    now: OffsetDateTime,
) -> Result<(), Error> {
    customer::Entity::update_many()
        .col_expr(customer::Column::UpdatedAt, now.into())
        .filter(customer::Column::Id.eq(customer_id))
        .exec(txn)
        .await?;
    Ok(())
}

impl Database {
    async fn open_items(&self, customer_ids: &[i64]) -> Result<HashMap<i64, u64>, Error> {
        if customer_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(Option<i64>, i64)> = invoice::Entity::find()
            .select_only()
            .column(invoice::Column::CustomerId)
            .column_as(invoice::Column::Id.count(), "n")
            .filter(invoice::Column::CustomerId.is_in(customer_ids.iter().copied()))
            .filter(
                invoice::Column::Status.is_in([InvoiceStatus::Open, InvoiceStatus::PartiallyPaid]),
            )
            .group_by(invoice::Column::CustomerId)
            .into_tuple()
            .all(&self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(c, n)| Some((c?, u64::try_from(n).unwrap_or(0))))
            .collect())
    }

    /// A page of customers by number (`limit` clamped to 1–[`MAX_CUSTOMER_PAGE`]), each with its
    /// open items, and how many customers there are.
    pub async fn customers_page(
        &self,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<CustomerSummary>, u64), Error> {
        let total = customer::Entity::find().count(&self.conn).await?;
        let rows = customer::Entity::find()
            .order_by_asc(customer::Column::Number)
            .limit(limit.clamp(1, MAX_CUSTOMER_PAGE))
            .offset(offset)
            .all(&self.conn)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        let open = self.open_items(&ids).await?;
        Ok((
            rows.into_iter()
                .map(|c| CustomerSummary {
                    open_items: open.get(&c.id).copied().unwrap_or(0),
                    customer: c,
                })
                .collect(),
            total,
        ))
    }

    /// The customer with this number, with its payers.
    pub async fn customer_by_number(&self, number: &str) -> Result<Option<CustomerDetail>, Error> {
        let Some(c) = customer::Entity::find()
            .filter(customer::Column::Number.eq(number.trim()))
            .one(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        let payers = customer_payer::Entity::find()
            .filter(customer_payer::Column::CustomerId.eq(c.id))
            .order_by_asc(customer_payer::Column::Id)
            .all(&self.conn)
            .await?;
        let open = self.open_items(&[c.id]).await?;
        Ok(Some(CustomerDetail {
            summary: CustomerSummary {
                open_items: open.get(&c.id).copied().unwrap_or(0),
                customer: c,
            },
            payers,
        }))
    }

    /// Every payer row of every customer, in id order: what the matcher is told about payers.
    pub async fn customer_payers(&self) -> Result<Vec<customer_payer::Model>, Error> {
        Ok(customer_payer::Entity::find()
            .order_by_asc(customer_payer::Column::Id)
            .all(&self.conn)
            .await?)
    }

    /// The payer rows of these customers, by customer, oldest first (for a page of customers).
    pub async fn payers_of_customers(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<customer_payer::Model>>, Error> {
        let mut out: HashMap<i64, Vec<customer_payer::Model>> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        for p in customer_payer::Entity::find()
            .filter(customer_payer::Column::CustomerId.is_in(ids.iter().copied()))
            .order_by_asc(customer_payer::Column::Id)
            .all(&self.conn)
            .await?
        {
            out.entry(p.customer_id).or_default().push(p);
        }
        Ok(out)
    }

    /// The customers with these ids, by id (to show invoices with their customer number).
    pub async fn customers_by_id(
        &self,
        ids: &[i64],
    ) -> Result<HashMap<i64, customer::Model>, Error> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(customer::Entity::find()
            .filter(customer::Column::Id.is_in(ids.iter().copied()))
            .all(&self.conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect())
    }

    /// Forgets a learned payer of the customer with this number (a person confirmed by mistake);
    /// returns the removed row. Uploaded payers come from the invoice data and rejections are
    /// decisions of record, so only learned ones can be removed.
    pub async fn remove_learned_payer(
        &self,
        customer_number: &str,
        payer_id: i64,
    ) -> Result<customer_payer::Model, Error> {
        let txn = self.begin_write().await?;
        let c = customer::Entity::find()
            .filter(customer::Column::Number.eq(customer_number.trim()))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("customer {:?}", customer_number.trim())))?;
        let p = customer_payer::Entity::find_by_id(payer_id)
            .filter(customer_payer::Column::CustomerId.eq(c.id))
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("payer {payer_id} of customer {}", c.number)))?;
        if p.origin != PayerOrigin::Learned {
            return Err(Error::Conflict(format!(
                "payer {payer_id} of customer {} is {}, only learned payers can be removed \
                 (uploaded ones change with the invoice data)",
                c.number, p.origin
            )));
        }
        customer_payer::Entity::delete_by_id(payer_id)
            .exec(&txn)
            .await?;
        txn.commit().await?;
        Ok(p)
    }
}
