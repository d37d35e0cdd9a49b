//! Accounts fed by statement files: no PSD2 connection, only an IBAN, a name and a currency.
//!
//! A bank account is one row whichever way its bookings arrive: an IBAN (case- and
//! space-insensitive) and currency that an account already has is that account, so a file for an
//! account PSD2 also syncs feeds the same history, and the import's dedupe keys keep a booking
//! both sources report from counting twice.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

use crate::db::Database;
use crate::entity::account::{self, Column, Entity};
use crate::error::Error;
use crate::iban::normalize_iban;

/// How [`Database::file_account`] found its account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileAccountLink {
    /// No account had the IBAN and currency: a new row without a connection.
    Created,
    /// An account (fed by PSD2 or by files) already had them; files feed that one.
    Existing,
}

impl Database {
    /// The account for `iban` in `currency`, created without a connection when no account has
    /// them. `name` names a new account; an existing one keeps its name.
    pub async fn file_account(
        &self,
        iban: &str,
        name: &str,
        currency: &str,
    ) -> Result<(account::Model, FileAccountLink), Error> {
        let iban = normalize_iban(iban);
        if iban.len() < 5 || !iban.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::Invalid(
                "an account fed by files needs its IBAN (letters and digits, e.g. DE89 3704 0044 0532 0130 00)"
                    .into(),
            ));
        }
        let currency = currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(Error::Invalid(format!(
                "{currency:?} is not an ISO 4217 currency code (three letters, e.g. EUR)"
            )));
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::Invalid("give the account a name".into()));
        }
        let txn = self.begin_write().await?;
        if let Some(found) = find_by_iban(&txn, &iban, &currency).await? {
            txn.commit().await?;
            return Ok((found, FileAccountLink::Existing));
        }
        let row = account::ActiveModel {
            connection_id: Set(None),
            resource_id: Set(format!("file:{iban}:{currency}")),
            iban: Set(Some(iban.clone())),
            name: Set(name.to_owned()),
            bank_name: Set(String::new()),
            currency: Set(currency.clone()),
            product: Set(None),
            created_at: Set(time::OffsetDateTime::now_utc()),
            ..Default::default()
        };
        let stored = Entity::insert(row).exec_with_returning(&txn).await?;
        txn.commit().await?;
        Ok((stored, FileAccountLink::Created))
    }

    /// The accounts with this IBAN (any spelling), in `currency` when given, oldest first.
    pub async fn accounts_by_iban(
        &self,
        iban: &str,
        currency: Option<&str>,
    ) -> Result<Vec<account::Model>, Error> {
        let iban = normalize_iban(iban);
        Ok(Entity::find()
            .filter(Column::Iban.is_not_null())
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?
            .into_iter()
            .filter(|a| a.iban.as_deref().map(normalize_iban).as_deref() == Some(iban.as_str()))
            .filter(|a| currency.is_none_or(|c| a.currency.eq_ignore_ascii_case(c)))
            .collect())
    }
}

async fn find_by_iban<C: sea_orm::ConnectionTrait>(
    db: &C,
    iban: &str,
    currency: &str,
) -> Result<Option<account::Model>, Error> {
    Ok(Entity::find()
        .filter(Column::Currency.eq(currency))
        .filter(Column::Iban.is_not_null())
        .order_by_asc(Column::Id)
        .all(db)
        .await?
        .into_iter()
        .find(|a| a.iban.as_deref().map(normalize_iban).as_deref() == Some(iban)))
}
