//! `oauth_states`: the `state` of a consent redirect, single-use and short-lived.

use sea_orm::entity::prelude::*;

/// A stored OAuth state (only its hash).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oauth_states")]
pub struct Model {
    /// SHA-256 (hex) of the state value.
    #[sea_orm(primary_key, auto_increment = false)]
    pub state_hash: String,
    /// The client id the consent is for.
    pub client_id: String,
    /// The redirect URI the state was issued for; the callback must name the same.
    pub redirect_uri: String,
    /// Requested scope.
    pub scope: String,
    /// Issued.
    pub created_at: TimeDateTimeWithTimeZone,
    /// No longer accepted after this.
    pub expires_at: TimeDateTimeWithTimeZone,
    /// Set when the callback used it; a used state is refused.
    pub used_at: Option<TimeDateTimeWithTimeZone>,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
