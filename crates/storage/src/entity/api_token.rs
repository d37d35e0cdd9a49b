//! `api_tokens`: bearer tokens of integrations and people, each with a role, stored as a digest.

use sea_orm::entity::prelude::*;

use crate::state::Role;

/// A stored API token (only the SHA-256 of its value).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the token is for ("ERP import", "Anna's laptop").
    pub name: String,
    /// The user it belongs to, when it is a person's; `None` for an integration.
    pub user_id: Option<i64>,
    /// What a request with it may do.
    pub role: Role,
    /// SHA-256 (hex) of the value; unique.
    pub token_digest: String,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
    /// The last request made with it (updated at most once a minute).
    pub last_used_at: Option<TimeDateTimeWithTimeZone>,
    /// Set when revoked; a revoked token is refused.
    pub revoked_at: Option<TimeDateTimeWithTimeZone>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
