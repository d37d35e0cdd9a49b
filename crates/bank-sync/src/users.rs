//! Users: created with a hashed password, checked at sign-in with constant effort, listed,
//! disabled, given another role. Admins only (or the operator at the command line); every
//! change is audited in its own database transaction.

use storage::entity::user;
use storage::{AuditAction, Database, NewAuditEntry, NewUser, Role};
use time::OffsetDateTime;

use crate::error::SyncError;
use crate::passwords::{hash_password, verify_password};
use crate::principal::Principal;
use crate::service::BankSync;

/// The longest username accepted.
const MAX_USERNAME: usize = 64;

/// A user to create, as asked for.
#[derive(Clone)]
pub struct UserRequest {
    /// What they type to sign in: letters, digits, `.`, `_`, `-`, `@`.
    pub username: String,
    /// The name shown with their decisions (the username when blank).
    pub display_name: String,
    /// What they may do.
    pub role: Role,
    /// Their password (at least [`crate::MIN_PASSWORD_CHARS`] characters).
    pub password: String,
}

impl std::fmt::Debug for UserRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRequest")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

fn check_username(username: &str) -> Result<(), SyncError> {
    let fine = !username.is_empty()
        && username.len() <= MAX_USERNAME
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if fine {
        Ok(())
    } else {
        Err(SyncError::BadRequest(format!(
            "username {username:?}: use 1 to {MAX_USERNAME} letters, digits, '.', '_', '-' or '@'"
        )))
    }
}

/// Creates a user in `db` at `now`: what [`BankSync::create_user`] does, for the server's
/// `create-user` command, which opens only the database (no bank client, no certificates).
/// Admins only.
pub async fn create_user_in(
    db: &Database,
    now: OffsetDateTime,
    by: &Principal,
    request: &UserRequest,
) -> Result<user::Model, SyncError> {
    by.require(Role::Admin)?;
    check_username(&request.username)?;
    let display_name = match request.display_name.trim() {
        "" => request.username.clone(),
        name => name.to_owned(),
    };
    let password_hash = hash_password(&request.password).await?;
    let audit = NewAuditEntry {
        at: now,
        actor: by.actor(),
        action: AuditAction::UserCreated,
        subject: Some(request.username.clone()),
        details: serde_json::json!({ "role": request.role, "display_name": display_name }),
    };
    let new = NewUser {
        username: request.username.clone(),
        display_name,
        role: request.role,
        password_hash,
    };
    Ok(db.create_user(&new, now, &audit).await?)
}

impl BankSync {
    /// Creates a user. Admins only.
    pub async fn create_user(
        &self,
        by: &Principal,
        request: &UserRequest,
    ) -> Result<user::Model, SyncError> {
        create_user_in(&self.db, self.now(), by, request).await
    }

    /// The user if `password` is theirs and they are not disabled. Takes as long for an unknown
    /// username as for a known one (an Argon2 check either way). Audits nothing: signing in
    /// (`sessions.rs`) does.
    pub async fn verify_password(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<user::Model>, SyncError> {
        let found = self.db.user_by_username(username).await?;
        let phc = found.as_ref().map(|u| u.password_hash.clone());
        let ok = verify_password(phc, password).await?;
        Ok(found.filter(|u| ok && !u.disabled))
    }

    /// Every user, by username. Admins only.
    pub async fn users(&self, by: &Principal) -> Result<Vec<user::Model>, SyncError> {
        by.require(Role::Admin)?;
        Ok(self.db.users().await?)
    }

    /// Whether any user exists (first start in `local` mode creates an admin when none does).
    pub async fn has_users(&self) -> Result<bool, SyncError> {
        Ok(self.db.count_users().await? > 0)
    }

    /// Disables (or enables again) a user; disabling ends their sessions. Admins only, and an
    /// admin cannot disable themselves (someone must be left to undo it).
    pub async fn set_user_disabled(
        &self,
        by: &Principal,
        id: i64,
        disabled: bool,
    ) -> Result<user::Model, SyncError> {
        by.require(Role::Admin)?;
        if disabled && by.user_id() == Some(id) {
            return Err(SyncError::Conflict(
                "you cannot disable yourself: ask another admin".into(),
            ));
        }
        let subject = self.user_name(id).await?;
        let audit = self.audit_entry(
            by,
            AuditAction::UserDisabled,
            Some(subject),
            serde_json::json!({ "disabled": disabled }),
        );
        Ok(self.db.set_user_disabled(id, disabled, &audit).await?)
    }

    /// Gives a user another role. Admins only; an admin cannot demote themselves.
    pub async fn set_user_role(
        &self,
        by: &Principal,
        id: i64,
        role: Role,
    ) -> Result<user::Model, SyncError> {
        by.require(Role::Admin)?;
        if role != Role::Admin && by.user_id() == Some(id) {
            return Err(SyncError::Conflict(
                "you cannot take the admin role from yourself: ask another admin".into(),
            ));
        }
        let subject = self.user_name(id).await?;
        let audit = self.audit_entry(
            by,
            AuditAction::RoleChanged,
            Some(subject),
            serde_json::json!({ "role": role }),
        );
        Ok(self.db.set_user_role(id, role, &audit).await?)
    }

    async fn user_name(&self, id: i64) -> Result<String, SyncError> {
        self.db
            .user_by_id(id)
            .await?
            .map(|u| u.username)
            .ok_or_else(|| SyncError::NotFound(format!("no user {id}: list them at /api/users")))
    }
}
