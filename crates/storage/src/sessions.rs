//! Banking-page sessions: created at sign-in, found by the digest of the cookie's value,
//! touched on use, ended one at a time or all of a user's at once. The timeouts are the
//! caller's (bank-sync reads them against its clock); this file only stores.

use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use time::OffsetDateTime;

use crate::audit_log::{NewAuditEntry, append_in};
use crate::db::Database;
use crate::entity::{session, user};
use crate::error::Error;

impl Database {
    /// Stores a session of `user_id` whose cookie hashes to `id_digest`, with `audit` (the
    /// sign-in).
    pub async fn create_session(
        &self,
        id_digest: &str,
        user_id: i64,
        csrf: &str,
        now: OffsetDateTime,
        audit: &NewAuditEntry,
    ) -> Result<session::Model, Error> {
        let txn = self.begin_write().await?;
        let row = session::ActiveModel {
            id_digest: Set(id_digest.to_owned()),
            user_id: Set(user_id),
            csrf: Set(csrf.to_owned()),
            created_at: Set(now),
            last_seen_at: Set(now),
        };
        let created = session::Entity::insert(row)
            .exec_with_returning(&txn)
            .await?;
        append_in(&txn, audit).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The session whose cookie hashes to `id_digest`, with its user.
    pub async fn session_by_digest(
        &self,
        id_digest: &str,
    ) -> Result<Option<(session::Model, user::Model)>, Error> {
        let Some(found) = session::Entity::find_by_id(id_digest.to_owned())
            .one(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        let Some(owner) = user::Entity::find_by_id(found.user_id)
            .one(&self.conn)
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((found, owner)))
    }

    /// Notes a request of the session at `now` (the idle timeout restarts).
    pub async fn touch_session(&self, id_digest: &str, now: OffsetDateTime) -> Result<(), Error> {
        let _turn = self.write_turn().await;
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, now.into())
            .filter(session::Column::IdDigest.eq(id_digest))
            .exec(&self.conn)
            .await?;
        Ok(())
    }

    /// Ends one session (signing out, or a timed-out one found).
    pub async fn end_session(&self, id_digest: &str) -> Result<(), Error> {
        let _turn = self.write_turn().await;
        session::Entity::delete_by_id(id_digest.to_owned())
            .exec(&self.conn)
            .await?;
        Ok(())
    }

    /// Ends every session of `user_id`, with `audit`; returns how many there were.
    pub async fn end_sessions_of_user(
        &self,
        user_id: i64,
        audit: &NewAuditEntry,
    ) -> Result<u64, Error> {
        let txn = self.begin_write().await?;
        let ended = session::Entity::delete_many()
            .filter(session::Column::UserId.eq(user_id))
            .exec(&txn)
            .await?
            .rows_affected;
        append_in(&txn, audit).await?;
        txn.commit().await?;
        Ok(ended)
    }
}
