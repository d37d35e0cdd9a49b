//! Accounts: one row per bank account, attached to the connection (consent) that currently
//! covers it. A new consent re-attaches the row instead of copying it, so the history, the sync
//! state and the daily call budget stay with the bank account.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _,
};

use crate::connections::mark_replaced;
use crate::db::Database;
use crate::entity::account::{self, Column, Entity};
use crate::entity::connection;
use crate::error::Error;
use crate::iban::{mask_iban, normalize_iban};
use crate::migration::{AccountMerge, merge_duplicate_accounts};

/// An account to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The connection it belongs to.
    pub connection_id: String,
    /// ING's `resourceId`.
    pub resource_id: String,
    /// IBAN.
    pub iban: Option<String>,
    /// Name.
    pub name: String,
    /// Bank name.
    pub bank_name: String,
    /// ISO 4217.
    pub currency: String,
    /// Product.
    pub product: Option<String>,
}

/// How [`Database::upsert_account`] placed an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountLink {
    /// No account of the connection's environment had the resource id or the IBAN: a new row.
    Created,
    /// The account belonged to an earlier connection (an older consent for the same bank
    /// account) and now belongs to this one, with its transactions, sync state, ING call records
    /// and balances untouched.
    Reattached {
        /// The connection it belonged to before.
        previous_connection: String,
    },
    /// The connection already had it.
    AlreadyAttached,
    /// The account belongs to a connection created after this one (a newer consent for it) and
    /// stays there: an old connection that still lists the account must not take it back.
    KeptByNewerConnection {
        /// The connection it belongs to.
        connection: String,
    },
}

/// Whether `candidate` is the bank account `a` describes, when the resource ids differ: same IBAN
/// and same currency (ING gives each currency of a multi-currency account its own resource id
/// under one IBAN; those are different accounts and must not be merged).
fn same_by_iban(candidate: &account::Model, a: &NewAccount) -> bool {
    match (&candidate.iban, &a.iban) {
        (Some(c), Some(n)) => {
            let n = normalize_iban(n);
            !n.is_empty() && normalize_iban(c) == n && candidate.currency == a.currency
        }
        _ => false,
    }
}

impl Database {
    /// Stores the account for `a.connection_id`, keeping one row per bank account across
    /// connections: every user must consent again every 90–180 days, and a copy per consent would
    /// import the whole history again, split the daily call budget and offer payments already
    /// booked for review. An account of the same environment is found first by ING's
    /// `resourceId`, then by IBAN (case- and space-insensitive, same currency), and re-attached
    /// to this connection unless it belongs to a newer one; a previous connection left without
    /// accounts becomes [`ConnectionStatus::Replaced`](crate::ConnectionStatus::Replaced).
    pub async fn upsert_account(
        &self,
        a: &NewAccount,
    ) -> Result<(account::Model, AccountLink), Error> {
        let txn = self.begin_write().await?;
        let connection = connection::Entity::find_by_id(a.connection_id.clone())
            .one(&txn)
            .await?
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "connection {}: store the connection before its accounts",
                    a.connection_id
                ))
            })?;
        let own = || {
            Entity::find()
                .filter(Column::ConnectionId.eq(a.connection_id.clone()))
                .filter(Column::ResourceId.eq(a.resource_id.clone()))
        };
        if let Some(found) = own().one(&txn).await? {
            txn.commit().await?;
            return Ok((found, AccountLink::AlreadyAttached));
        }
        let same_environment = Entity::find()
            .filter(
                Column::ConnectionId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(connection::Column::Id)
                        .from(connection::Entity)
                        .and_where(
                            connection::Column::Environment.eq(connection.environment.clone()),
                        )
                        .to_owned(),
                ),
            )
            .order_by_asc(Column::Id)
            .all(&txn)
            .await?;
        let existing = same_environment
            .iter()
            .find(|c| c.resource_id == a.resource_id)
            .or_else(|| same_environment.iter().find(|c| same_by_iban(c, a)));
        let Some(existing) = existing else {
            let row = account::ActiveModel {
                connection_id: Set(Some(a.connection_id.clone())),
                resource_id: Set(a.resource_id.clone()),
                iban: Set(a.iban.clone()),
                name: Set(a.name.clone()),
                bank_name: Set(a.bank_name.clone()),
                currency: Set(a.currency.clone()),
                product: Set(a.product.clone()),
                created_at: Set(time::OffsetDateTime::now_utc()),
                ..Default::default()
            };
            // Two PostgreSQL callers may race here; the unique index keeps one row.
            Entity::insert(row)
                .on_conflict_do_nothing_on([Column::ConnectionId, Column::ResourceId])
                .exec_without_returning(&txn)
                .await?;
            let stored = own()
                .one(&txn)
                .await?
                .ok_or_else(|| Error::Corrupt("account vanished after insert".into()))?;
            txn.commit().await?;
            return Ok((stored, AccountLink::Created));
        };
        let previous = existing.connection_id.clone().unwrap_or_default();
        if previous != a.connection_id {
            let holder = connection::Entity::find_by_id(previous.clone())
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    Error::Corrupt(format!(
                        "account {} names a missing connection",
                        existing.id
                    ))
                })?;
            if holder.created_at > connection.created_at {
                let kept = existing.clone();
                txn.commit().await?;
                return Ok((
                    kept,
                    AccountLink::KeptByNewerConnection {
                        connection: previous,
                    },
                ));
            }
        }
        // Compare-and-set on the previous connection: a concurrent re-attachment wins or we do.
        let res = Entity::update_many()
            .col_expr(Column::ConnectionId, a.connection_id.clone().into())
            .col_expr(Column::ResourceId, a.resource_id.clone().into())
            .col_expr(Column::Iban, a.iban.clone().into())
            .col_expr(Column::Name, a.name.clone().into())
            .col_expr(Column::Product, a.product.clone().into())
            .filter(Column::Id.eq(existing.id))
            .filter(Column::ConnectionId.eq(previous.clone()))
            .exec(&txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(Error::Conflict(format!(
                "account {} moved to another connection meanwhile; sync the accounts again",
                existing.id
            )));
        }
        let stored = Entity::find_by_id(existing.id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::Corrupt(format!("account {} vanished", existing.id)))?;
        if previous == a.connection_id {
            // Same connection, new resource id (found by IBAN): nothing moved.
            txn.commit().await?;
            return Ok((stored, AccountLink::AlreadyAttached));
        }
        let left = Entity::find()
            .filter(Column::ConnectionId.eq(previous.clone()))
            .count(&txn)
            .await?;
        if left == 0 {
            mark_replaced(&txn, &previous, &a.connection_id).await?;
        }
        txn.commit().await?;
        tracing::info!(
            account = stored.id,
            iban = %stored.iban.as_deref().map(mask_iban).unwrap_or_default(),
            from_connection = %previous,
            to_connection = %a.connection_id,
            previous_connection_replaced = left == 0,
            "account re-attached to the new connection; its history and budget are kept"
        );
        Ok((
            stored,
            AccountLink::Reattached {
                previous_connection: previous,
            },
        ))
    }
}

impl Database {
    /// Merges the account copies that reconnecting created before accounts were kept across
    /// connections, in one database transaction (the start-up migration
    /// `m20261202_000002_merge_duplicate_accounts` runs the same). The rule is documented on the
    /// migration; a database without copies is left unchanged, so running it again is harmless.
    pub async fn merge_duplicate_accounts(&self) -> Result<AccountMerge, Error> {
        let txn = self.begin_write().await?;
        let merged = merge_duplicate_accounts(&txn).await?;
        txn.commit().await?;
        Ok(merged)
    }

    /// One account.
    pub async fn account(&self, id: i64) -> Result<Option<account::Model>, Error> {
        Ok(Entity::find_by_id(id).one(&self.conn).await?)
    }

    /// The accounts of a connection, by id.
    pub async fn accounts_of(&self, connection_id: &str) -> Result<Vec<account::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::ConnectionId.eq(connection_id))
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }

    /// Every account, by id.
    pub async fn all_accounts(&self) -> Result<Vec<account::Model>, Error> {
        Ok(Entity::find()
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }
}

impl Database {
    /// Stores the account's `_links.transactions.href` as ING's latest account list gave it (or
    /// forgets it when the list gave none); returns the account as stored.
    pub async fn set_transactions_link(
        &self,
        account_id: i64,
        link: Option<&str>,
    ) -> Result<account::Model, Error> {
        let _writer = self.write_turn().await;
        Entity::update_many()
            .col_expr(Column::TransactionsLink, link.map(str::to_owned).into())
            .filter(Column::Id.eq(account_id))
            .exec(&self.conn)
            .await?;
        Entity::find_by_id(account_id)
            .one(&self.conn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("account {account_id}")))
    }
}
