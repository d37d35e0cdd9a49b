//! Users, API tokens, sessions and the audit log on every backend: a taken username is a
//! conflict, changes are written with their audit entry, a disabled user's sessions end, and
//! the audit log refuses UPDATE and DELETE even as raw SQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use sea_orm::ConnectionTrait as _;
use storage::{AuditAction, Error, NewApiToken, NewAuditEntry, NewUser, Role, token_digest};
use time::OffsetDateTime;

fn entry(action: AuditAction, subject: &str) -> NewAuditEntry {
    NewAuditEntry {
        at: OffsetDateTime::now_utc(),
        actor: "operator".into(),
        action,
        subject: Some(subject.into()),
        details: serde_json::json!({ "k": 1 }),
    }
}

fn user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("{name} Person"),
        role,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_tokens_sessions_and_their_audit_entries() {
    for t in common::backends().await {
        let db = &t.db;
        let now = OffsetDateTime::now_utc();
        let anna = db
            .create_user(
                &user("anna", Role::Accountant),
                now,
                &entry(AuditAction::UserCreated, "anna"),
            )
            .await
            .unwrap();
        assert_eq!(anna.role, Role::Accountant, "{}", t.name);
        assert!(
            !format!("{anna:?}").contains("argon2"),
            "Debug shows no hash"
        );
        let again = db
            .create_user(
                &user("anna", Role::Viewer),
                now,
                &entry(AuditAction::UserCreated, "anna"),
            )
            .await;
        assert!(
            matches!(again, Err(Error::Conflict(_))),
            "{}: {again:?}",
            t.name
        );
        assert_eq!(db.count_users().await.unwrap(), 1);

        let promoted = db
            .set_user_role(
                anna.id,
                Role::Admin,
                &entry(AuditAction::RoleChanged, "anna"),
            )
            .await
            .unwrap();
        assert_eq!(promoted.role, Role::Admin);

        let token = db
            .create_api_token(
                &NewApiToken {
                    name: "ERP".into(),
                    user_id: None,
                    role: Role::Viewer,
                    token_digest: token_digest("secret-value"),
                },
                now,
                &entry(AuditAction::TokenCreated, "ERP"),
            )
            .await
            .unwrap();
        let found = db
            .api_token_by_digest(&token_digest("secret-value"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, token.id);
        db.touch_api_token(token.id, now).await.unwrap();
        let revoked = db
            .revoke_api_token(token.id, now, &entry(AuditAction::TokenRevoked, "ERP"))
            .await
            .unwrap();
        assert!(revoked.revoked_at.is_some());

        db.create_session(
            &token_digest("cookie-1"),
            anna.id,
            "csrf",
            now,
            &entry(AuditAction::SignIn, "anna"),
        )
        .await
        .unwrap();
        db.create_session(
            &token_digest("cookie-2"),
            anna.id,
            "csrf",
            now,
            &entry(AuditAction::SignIn, "anna"),
        )
        .await
        .unwrap();
        let (s, u) = db
            .session_by_digest(&token_digest("cookie-1"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((s.user_id, u.username.as_str()), (anna.id, "anna"));
        db.set_user_disabled(anna.id, true, &entry(AuditAction::UserDisabled, "anna"))
            .await
            .unwrap();
        assert!(
            db.session_by_digest(&token_digest("cookie-2"))
                .await
                .unwrap()
                .is_none(),
            "disabling ends sessions"
        );

        let log = db.audit_page(None, 100).await.unwrap();
        let actions: Vec<AuditAction> = log.iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            [
                AuditAction::UserDisabled,
                AuditAction::SignIn,
                AuditAction::SignIn,
                AuditAction::TokenRevoked,
                AuditAction::TokenCreated,
                AuditAction::RoleChanged,
                AuditAction::UserCreated,
            ],
            "{}: the failed duplicate left no entry, newest first",
            t.name
        );
        let older = db.audit_page(Some(log[1].id), 2).await.unwrap();
        assert_eq!(older.len(), 2);
        assert_eq!(older[0].id, log[2].id);
        t.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_refuses_update_and_delete() {
    for t in common::backends().await {
        let db = &t.db;
        db.append_audit(&entry(AuditAction::ExportDownloaded, "datev"))
            .await
            .unwrap();
        let conn = db.connection();
        let update = conn
            .execute_unprepared("UPDATE audit_log SET actor = 'someone else'")
            .await;
        assert!(update.is_err(), "{}: UPDATE was allowed", t.name);
        let delete = conn.execute_unprepared("DELETE FROM audit_log").await;
        assert!(delete.is_err(), "{}: DELETE was allowed", t.name);
        let log = db.audit_page(None, 10).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].actor, "operator");
        t.cleanup().await;
    }
}
