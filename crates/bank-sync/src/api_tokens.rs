//! API tokens with a role, for integrations and people: the value is handed out once at
//! creation and stored only as its SHA-256; a request's token resolves to a [`Principal`]
//! (revoked, unknown, or a disabled owner's token resolves to none).

use storage::entity::api_token;
use storage::{AuditAction, NewApiToken, Role, token_digest};

use crate::error::SyncError;
use crate::principal::Principal;
use crate::service::BankSync;
use crate::token::random_token;

/// What API tokens we issue start with (a leaked one is recognisable to a secret scanner).
pub const API_TOKEN_PREFIX: &str = "psd2_at_";

/// A token just created: its value, shown once, and its row.
pub struct CreatedToken {
    /// The bearer value. Not stored anywhere: give it to the integration now.
    pub value: String,
    /// The stored row (digest only).
    pub token: api_token::Model,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl BankSync {
    /// Creates a token named `name` with `role`, of user `user_id` when given. Admins only.
    pub async fn create_api_token(
        &self,
        by: &Principal,
        name: &str,
        role: Role,
        user_id: Option<i64>,
    ) -> Result<CreatedToken, SyncError> {
        by.require(Role::Admin)?;
        let name = name.trim();
        if name.is_empty() || name.len() > 100 {
            return Err(SyncError::BadRequest(
                "name the token (1 to 100 characters): what or who uses it".into(),
            ));
        }
        if let Some(id) = user_id
            && self.db.user_by_id(id).await?.is_none()
        {
            return Err(SyncError::NotFound(format!(
                "no user {id}: list them at /api/users"
            )));
        }
        let value = random_token(API_TOKEN_PREFIX)?;
        let audit = self.audit_entry(
            by,
            AuditAction::TokenCreated,
            Some(name.to_owned()),
            serde_json::json!({ "role": role, "user_id": user_id }),
        );
        let new = NewApiToken {
            name: name.to_owned(),
            user_id,
            role,
            token_digest: token_digest(&value),
        };
        let token = self.db.create_api_token(&new, self.now(), &audit).await?;
        Ok(CreatedToken { value, token })
    }

    /// Every token (digests only), newest first. Admins only.
    pub async fn api_tokens(&self, by: &Principal) -> Result<Vec<api_token::Model>, SyncError> {
        by.require(Role::Admin)?;
        Ok(self.db.api_tokens().await?)
    }

    /// Revokes a token: requests with it are refused from now on. Admins only.
    pub async fn revoke_api_token(
        &self,
        by: &Principal,
        id: i64,
    ) -> Result<api_token::Model, SyncError> {
        by.require(Role::Admin)?;
        let audit = self.audit_entry(
            by,
            AuditAction::TokenRevoked,
            Some(id.to_string()),
            serde_json::json!({}),
        );
        Ok(self.db.revoke_api_token(id, self.now(), &audit).await?)
    }

    /// Who a request bearing `value` is: `None` for an unknown or revoked token, or one whose
    /// user is disabled. A person's token acts as that person with the token's role (never
    /// above the person's own).
    pub async fn principal_for_token(&self, value: &str) -> Result<Option<Principal>, SyncError> {
        let Some(token) = self.db.api_token_by_digest(&token_digest(value)).await? else {
            return Ok(None);
        };
        if token.revoked_at.is_some() {
            return Ok(None);
        }
        let principal = match token.user_id {
            None => Principal::Token {
                id: token.id,
                name: token.name.clone(),
                role: token.role,
            },
            Some(user_id) => match self.db.user_by_id(user_id).await? {
                Some(user) if !user.disabled => {
                    let role = if user.role.allows(token.role) {
                        token.role
                    } else {
                        user.role
                    };
                    Principal::User {
                        id: user.id,
                        username: user.username,
                        display_name: user.display_name,
                        role,
                    }
                }
                _ => return Ok(None),
            },
        };
        self.db.touch_api_token(token.id, self.now()).await?;
        Ok(Some(principal))
    }
}
