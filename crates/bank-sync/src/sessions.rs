//! Banking-page sessions in the database: a sign-in (password checked, audited either way)
//! makes one; a request finds it by the digest of its cookie, within the idle and absolute
//! timeouts read against the service's clock; signing out ends one, "sign out everywhere"
//! all of a user's. Stored in the database, they survive a restart and are shared by several
//! servers.

use storage::{AuditAction, token_digest};

use crate::error::SyncError;
use crate::principal::Principal;
use crate::service::BankSync;
use crate::token::random_token;

/// A request's last-seen time is written at most this often (one write a minute per active
/// person, not one per request); the idle timeout is measured in hours, so this is noise.
const TOUCH_RESOLUTION: time::Duration = time::Duration::minutes(1);

/// A session just made: the cookie's value (only its digest is stored) and the form token.
pub struct NewSession {
    /// The cookie's value.
    pub cookie: String,
    /// The CSRF token the session's forms carry.
    pub csrf: String,
    /// Who signed in.
    pub principal: Principal,
}

impl std::fmt::Debug for NewSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSession")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

/// A live session found for a request.
#[derive(Clone)]
pub struct LiveSession {
    /// Who it is.
    pub principal: Principal,
    /// The form token its POSTs must carry.
    pub csrf: String,
}

impl std::fmt::Debug for LiveSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSession")
            .field("principal", &self.principal)
            .finish_non_exhaustive()
    }
}

/// The longest username written to the log for a failed sign-in (what was typed, cut).
const MAX_LOGGED_USERNAME: usize = 64;

impl BankSync {
    /// Signs `username` in when `password` is theirs: a new session, and `sign_in` in the
    /// audit log with it. A refusal is `None` and `sign_in_failed` in the log (actor: the
    /// username typed, cut to 64 characters; never the password).
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Option<NewSession>, SyncError> {
        let Some(user) = self.verify_password(username, password).await? else {
            let typed: String = username.chars().take(MAX_LOGGED_USERNAME).collect();
            let entry = storage::NewAuditEntry {
                at: self.now(),
                actor: format!("user:{typed}"),
                action: AuditAction::SignInFailed,
                subject: None,
                details: serde_json::json!({}),
            };
            self.db.append_audit(&entry).await?;
            return Ok(None);
        };
        let principal = Principal::of_user(&user);
        let cookie = random_token("s_")?;
        let csrf = random_token("")?;
        let audit = self.audit_entry(&principal, AuditAction::SignIn, None, serde_json::json!({}));
        self.db
            .create_session(&token_digest(&cookie), user.id, &csrf, self.now(), &audit)
            .await?;
        Ok(Some(NewSession {
            cookie,
            csrf,
            principal,
        }))
    }

    /// The live session of the cookie `cookie`: `None` when unknown, timed out (then it is
    /// ended), or its user is disabled.
    pub async fn session(&self, cookie: &str) -> Result<Option<LiveSession>, SyncError> {
        let digest = token_digest(cookie);
        let Some((session, user)) = self.db.session_by_digest(&digest).await? else {
            return Ok(None);
        };
        let now = self.now();
        let timeouts = self.session_timeouts;
        let expired = now - session.last_seen_at >= timeouts.idle
            || now - session.created_at >= timeouts.absolute;
        if expired || user.disabled {
            self.db.end_session(&digest).await?;
            return Ok(None);
        }
        if now - session.last_seen_at >= TOUCH_RESOLUTION {
            self.db.touch_session(&digest, now).await?;
        }
        Ok(Some(LiveSession {
            principal: Principal::of_user(&user),
            csrf: session.csrf,
        }))
    }

    /// Ends the session of the cookie `cookie` (signing out).
    pub async fn sign_out(&self, cookie: &str) -> Result<(), SyncError> {
        self.db.end_session(&token_digest(cookie)).await?;
        Ok(())
    }

    /// Ends every session of the person `by` on every device; returns how many there were.
    pub async fn sign_out_everywhere(&self, by: &Principal) -> Result<u64, SyncError> {
        let Some(user_id) = by.user_id() else {
            return Err(SyncError::BadRequest(
                "only a signed-in person has sessions to end".into(),
            ));
        };
        let audit = self.audit_entry(
            by,
            AuditAction::SignOutEverywhere,
            None,
            serde_json::json!({}),
        );
        Ok(self.db.end_sessions_of_user(user_id, &audit).await?)
    }
}
