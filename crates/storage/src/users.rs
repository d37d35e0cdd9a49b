//! Users: created, found by name or id, listed, disabled, given another role. Every change is
//! written with its audit entry in one database transaction.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, SqlErr,
};
use time::OffsetDateTime;

use crate::audit_log::{NewAuditEntry, append_in};
use crate::db::Database;
use crate::entity::user::{self, Column, Entity};
use crate::error::Error;
use crate::state::Role;

/// A user to create.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// What the person types to sign in.
    pub username: String,
    /// The name shown with their decisions.
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// The Argon2id PHC string of their password.
    pub password_hash: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Creates a user and records `audit` with it. A taken username is [`Error::Conflict`].
    pub async fn create_user(
        &self,
        new: &NewUser,
        now: OffsetDateTime,
        audit: &NewAuditEntry,
    ) -> Result<user::Model, Error> {
        let txn = self.begin_write().await?;
        let row = user::ActiveModel {
            username: Set(new.username.clone()),
            display_name: Set(new.display_name.clone()),
            role: Set(new.role),
            password_hash: Set(new.password_hash.clone()),
            disabled: Set(false),
            created_at: Set(now),
            ..Default::default()
        };
        let created = match Entity::insert(row).exec_with_returning(&txn).await {
            Ok(created) => created,
            Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                return Err(Error::Conflict(format!(
                    "the username {:?} is taken: choose another",
                    new.username
                )));
            }
            Err(e) => return Err(e.into()),
        };
        append_in(&txn, audit).await?;
        txn.commit().await?;
        Ok(created)
    }

    /// The user who signs in as `username`, if any.
    pub async fn user_by_username(&self, username: &str) -> Result<Option<user::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::Username.eq(username))
            .one(&self.conn)
            .await?)
    }

    /// The user with this id, if any.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<user::Model>, Error> {
        Ok(Entity::find_by_id(id).one(&self.conn).await?)
    }

    /// Every user, by username.
    pub async fn users(&self) -> Result<Vec<user::Model>, Error> {
        Ok(Entity::find()
            .order_by_asc(Column::Username)
            .all(&self.conn)
            .await?)
    }

    /// How many users there are (none: `local` mode creates the first admin).
    pub async fn count_users(&self) -> Result<u64, Error> {
        Ok(Entity::find().count(&self.conn).await?)
    }

    /// Disables (or enables again) a user, with `audit`. Disabling ends every session of theirs
    /// in the same transaction.
    pub async fn set_user_disabled(
        &self,
        id: i64,
        disabled: bool,
        audit: &NewAuditEntry,
    ) -> Result<user::Model, Error> {
        self.change_user(id, audit, |am| am.disabled = Set(disabled), disabled)
            .await
    }

    /// Gives a user another role, with `audit`.
    pub async fn set_user_role(
        &self,
        id: i64,
        role: Role,
        audit: &NewAuditEntry,
    ) -> Result<user::Model, Error> {
        self.change_user(id, audit, |am| am.role = Set(role), false)
            .await
    }

    /// One change to user `id` and its audit entry in one write transaction; `end_sessions`
    /// also ends every session of theirs.
    async fn change_user(
        &self,
        id: i64,
        audit: &NewAuditEntry,
        change: impl FnOnce(&mut user::ActiveModel),
        end_sessions: bool,
    ) -> Result<user::Model, Error> {
        let txn = self.begin_write().await?;
        let Some(found) = Entity::find_by_id(id).one(&txn).await? else {
            return Err(Error::NotFound(format!("user {id}")));
        };
        let mut am: user::ActiveModel = found.into();
        change(&mut am);
        let updated = Entity::update(am).exec(&txn).await?;
        if end_sessions {
            crate::entity::session::Entity::delete_many()
                .filter(crate::entity::session::Column::UserId.eq(id))
                .exec(&txn)
                .await?;
        }
        append_in(&txn, audit).await?;
        txn.commit().await?;
        Ok(updated)
    }
}
