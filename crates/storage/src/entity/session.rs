//! `sessions`: banking-page sign-ins, kept in the database so a restart or a second server
//! keeps them.

use sea_orm::entity::prelude::*;

/// A stored session. Its id is kept as a digest only; the CSRF value is not a bearer secret on
/// its own (it is useless without the session cookie), so it is kept as is to be put in forms.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 (hex) of the session cookie's value.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id_digest: String,
    /// Whose session it is.
    pub user_id: i64,
    /// The form token every POST of this session must carry.
    pub csrf: String,
    /// Signed in: the absolute timeout counts from here.
    pub created_at: TimeDateTimeWithTimeZone,
    /// The last request: the idle timeout counts from here.
    pub last_seen_at: TimeDateTimeWithTimeZone,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
