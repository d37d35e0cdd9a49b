//! The audit log: appended to, read newest first, never changed. There is deliberately no
//! update or delete here (and the database's triggers refuse both, see the migration).
//!
//! Changes that are audited write their entry inside their own database transaction
//! ([`append_in`]), so a change and its entry are stored together or not at all.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use time::OffsetDateTime;

use crate::db::Database;
use crate::entity::audit_entry::{self, Column, Entity};
use crate::error::Error;
use crate::state::AuditAction;

/// The largest page of the audit log one call returns.
pub const MAX_AUDIT_PAGE: u64 = 500;

/// An entry to append.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// When.
    pub at: OffsetDateTime,
    /// Who (see [`audit_entry::Model::actor`]).
    pub actor: String,
    /// What.
    pub action: AuditAction,
    /// On what.
    pub subject: Option<String>,
    /// More, as a JSON object (never a secret).
    pub details: serde_json::Value,
}

/// Appends `entry` on `conn` (a transaction of the change it records, or the pool).
pub(crate) async fn append_in(
    conn: &impl ConnectionTrait,
    entry: &NewAuditEntry,
) -> Result<audit_entry::Model, Error> {
    let row = audit_entry::ActiveModel {
        at: Set(entry.at),
        actor: Set(entry.actor.clone()),
        action: Set(entry.action),
        subject: Set(entry.subject.clone()),
        details: Set(entry.details.to_string()),
        ..Default::default()
    };
    Ok(Entity::insert(row).exec_with_returning(conn).await?)
}

impl Database {
    /// Appends one entry on its own (for actions that change nothing else, such as a sign-in
    /// or a download).
    pub async fn append_audit(&self, entry: &NewAuditEntry) -> Result<audit_entry::Model, Error> {
        let txn = self.begin_write().await?;
        let row = append_in(&txn, entry).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// A page of the log, newest first: at most `limit` (capped at [`MAX_AUDIT_PAGE`]) entries
    /// older than the entry `before` (all when `None`). The next page starts before the last
    /// entry's id.
    pub async fn audit_page(
        &self,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<audit_entry::Model>, Error> {
        let mut q = Entity::find();
        if let Some(before) = before {
            q = q.filter(Column::Id.lt(before));
        }
        Ok(q.order_by_desc(Column::Id)
            .limit(limit.clamp(1, MAX_AUDIT_PAGE))
            .all(&self.conn)
            .await?)
    }
}
