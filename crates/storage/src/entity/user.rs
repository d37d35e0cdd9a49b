//! `users`: the people who sign in to the banking page and act in the back office.

use sea_orm::entity::prelude::*;

use crate::state::Role;

/// A stored user. `Debug` leaves the password hash out.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the person types to sign in; unique.
    pub username: String,
    /// The name decisions and the audit log show.
    pub display_name: String,
    /// What the person may do.
    pub role: Role,
    /// Argon2id PHC string (`$argon2id$v=19$…`): never the password.
    pub password_hash: String,
    /// A disabled user cannot sign in, and their sessions and tokens stop working.
    pub disabled: bool,
    /// Created.
    pub created_at: TimeDateTimeWithTimeZone,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("password_hash", &"<redacted>")
            .field("disabled", &self.disabled)
            .field("created_at", &self.created_at)
            .finish()
    }
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
