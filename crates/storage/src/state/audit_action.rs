//! `audit_log.action`: what a person or an integration did.

use super::stored_enum::stored_enum;

stored_enum! {
    /// One kind of audited action. The words are what the log shows and the API returns.
    pub enum AuditAction as "audit action" {
        /// A person signed in to the banking page.
        SignIn = "sign_in",
        /// A sign-in was refused (unknown user, wrong password, disabled user).
        SignInFailed = "sign_in_failed",
        /// A person ended every session of theirs.
        SignOutEverywhere = "sign_out_everywhere",
        /// A user was created.
        UserCreated = "user_created",
        /// A user was disabled or enabled again.
        UserDisabled = "user_disabled",
        /// A user's role was changed.
        RoleChanged = "role_changed",
        /// An API token was created.
        TokenCreated = "token_created",
        /// An API token was revoked.
        TokenRevoked = "token_revoked",
        /// A suggested match was confirmed.
        MatchConfirmed = "match_confirmed",
        /// A suggested match was rejected.
        MatchRejected = "match_rejected",
        /// A confirmed match was undone.
        MatchUndone = "match_undone",
        /// A payment was matched by hand.
        MatchedByHand = "matched_by_hand",
        /// Invoices were uploaded.
        InvoicesUploaded = "invoices_uploaded",
        /// A statement file was imported.
        StatementUploaded = "statement_uploaded",
        /// A bank connection was added (consent granted).
        ConnectionAdded = "connection_added",
        /// A bank connection was revoked.
        ConnectionRevoked = "connection_revoked",
        /// An export (statement, DATEV batch) was downloaded.
        ExportDownloaded = "export_downloaded",
    }
}
