//! The audit log as the use cases write and read it: who ([`Principal`]) did what, on what.
//! Changes of people and tokens write their entry in their own database transaction (see
//! `users.rs`, `api_tokens.rs`); actions that change nothing else are appended here.

use storage::entity::audit_entry;
use storage::{AuditAction, NewAuditEntry};

use crate::error::SyncError;
use crate::principal::Principal;
use crate::service::BankSync;

impl BankSync {
    /// The entry `by` doing `action` on `subject` now.
    pub(crate) fn audit_entry(
        &self,
        by: &Principal,
        action: AuditAction,
        subject: Option<String>,
        details: serde_json::Value,
    ) -> NewAuditEntry {
        NewAuditEntry {
            at: self.now(),
            actor: by.actor(),
            action,
            subject,
            details,
        }
    }

    /// Appends an entry for an action that changes nothing stored (a download, a sign-out).
    pub async fn record_audit(
        &self,
        by: &Principal,
        action: AuditAction,
        subject: Option<String>,
        details: serde_json::Value,
    ) -> Result<(), SyncError> {
        let entry = self.audit_entry(by, action, subject, details);
        self.db.append_audit(&entry).await?;
        Ok(())
    }

    /// A page of the audit log, newest first, entries older than `before` (see
    /// [`storage::Database::audit_page`]). Admins only.
    pub async fn audit_log(
        &self,
        by: &Principal,
        before: Option<i64>,
        limit: u64,
    ) -> Result<Vec<audit_entry::Model>, SyncError> {
        by.require(storage::Role::Admin)?;
        Ok(self.db.audit_page(before, limit).await?)
    }
}
