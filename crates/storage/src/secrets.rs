//! Encrypted secrets (ING's tokens): stored sealed, opened only in memory.

use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use time::OffsetDateTime;

use crate::crypto::Keyring;
use crate::db::Database;
use crate::entity::secret::{self, Column, Entity};
use crate::error::Error;

impl Database {
    /// Seals and stores `value` as `(owner, kind)`, replacing an older one.
    pub async fn put_secret(
        &self,
        keys: &Keyring,
        owner: &str,
        kind: &str,
        value: &str,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<(), Error> {
        let (key_id, ciphertext) = keys.seal(owner, kind, value.as_bytes())?;
        let now = OffsetDateTime::now_utc();
        let existing = Entity::find()
            .filter(Column::Owner.eq(owner))
            .filter(Column::Kind.eq(kind))
            .one(&self.conn)
            .await?;
        match existing {
            Some(row) => {
                let mut am: secret::ActiveModel = row.into();
                am.key_id = Set(key_id);
                am.ciphertext = Set(ciphertext);
                am.expires_at = Set(expires_at);
                am.updated_at = Set(now);
                Entity::update(am).exec(&self.conn).await?;
            }
            None => {
                let row = secret::ActiveModel {
                    owner: Set(owner.to_owned()),
                    kind: Set(kind.to_owned()),
                    key_id: Set(key_id),
                    ciphertext: Set(ciphertext),
                    expires_at: Set(expires_at),
                    updated_at: Set(now),
                    ..Default::default()
                };
                Entity::insert(row)
                    .exec_without_returning(&self.conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// Opens the secret `(owner, kind)`, if stored.
    pub async fn get_secret(
        &self,
        keys: &Keyring,
        owner: &str,
        kind: &str,
    ) -> Result<Option<(String, Option<OffsetDateTime>)>, Error> {
        let Some(row) = Entity::find()
            .filter(Column::Owner.eq(owner))
            .filter(Column::Kind.eq(kind))
            .one(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        let plain = keys.open(owner, kind, &row.key_id, &row.ciphertext)?;
        let text = String::from_utf8(plain)
            .map_err(|_| Error::Corrupt(format!("secret {kind} of {owner} is not text")))?;
        Ok(Some((text, row.expires_at)))
    }

    /// Opens one stored secret per data key id found in the table, so a wrong or missing
    /// `PSD2_DATA_KEY` shows at start and in readiness instead of at the next sync of each
    /// connection. Reads only a handful of rows whatever the table's size.
    pub async fn check_secrets_open(&self, keys: &Keyring) -> Result<(), Error> {
        use sea_orm::QuerySelect as _;
        let key_ids: Vec<String> = Entity::find()
            .select_only()
            .column(Column::KeyId)
            .distinct()
            .into_tuple()
            .all(&self.conn)
            .await?;
        for key_id in key_ids {
            let Some(row) = Entity::find()
                .filter(Column::KeyId.eq(key_id))
                .one(&self.conn)
                .await?
            else {
                continue;
            };
            keys.open(&row.owner, &row.kind, &row.key_id, &row.ciphertext)?;
        }
        Ok(())
    }

    /// Forgets every secret of `owner` (a connection whose tokens must no longer be usable).
    /// Returns how many were deleted.
    pub async fn delete_secrets(&self, owner: &str) -> Result<u64, Error> {
        let res = Entity::delete_many()
            .filter(Column::Owner.eq(owner))
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected)
    }
}
