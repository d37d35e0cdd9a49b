//! `connections`: one consent at one bank, with its lifecycle.

use sea_orm::entity::prelude::*;

use crate::state::ConnectionStatus;

/// A stored bank connection.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "connections")]
pub struct Model {
    /// Our id (a UUID).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `ing`.
    pub provider: String,
    /// `local`, `sandbox` or `production`.
    pub environment: String,
    /// The ING client id the consent was given to.
    pub client_id: String,
    /// Where it stands.
    pub status: ConnectionStatus,
    /// Why the status is what it is, when it is not active (shown to users).
    pub status_reason: Option<String>,
    /// Granted scopes, space separated.
    pub scopes: String,
    /// When the user granted the consent.
    pub consent_granted_at: Option<TimeDateTimeWithTimeZone>,
    /// When the consent ends (90 or 180 days after strong authentication).
    pub consent_valid_until: Option<TimeDateTimeWithTimeZone>,
    /// Last strong customer authentication.
    pub last_sca_at: Option<TimeDateTimeWithTimeZone>,
    /// SHA-256 (hex) of the connection token we issued; the token itself is never stored.
    pub token_hash: Option<String>,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
    /// Last change.
    pub updated_at: TimeDateTimeWithTimeZone,
}

/// No navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
