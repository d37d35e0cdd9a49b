//! `audit_log`: who did what when. Append-only: this crate offers no update or delete of it.

use sea_orm::entity::prelude::*;

use crate::state::AuditAction;

/// One audited action.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Our id, increasing: the log's order.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When.
    pub at: TimeDateTimeWithTimeZone,
    /// Who: `user:<username>`, `token:<name>`, `api-token` (the configured one), or the
    /// username typed at a failed sign-in.
    pub actor: String,
    /// What.
    pub action: AuditAction,
    /// On what (a match id, a user, a token, a file name), when there is one.
    pub subject: Option<String>,
    /// More, as a JSON object (never a password, token or full IBAN).
    pub details: String,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
