//! Users, tokens, sessions and the audit log through `bank-sync`, as the server uses them, on a
//! real SQLite file and PostgreSQL when `DATABASE_URL` names one: passwords verify (an unknown
//! user too, with the same effort), roles are enforced by the use cases, a revoked token
//! resolves to no one, sessions end after the idle and the absolute timeout on the service's
//! clock and survive a restart, and "sign out everywhere" ends them all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use bank_sync::clock::ManualClock;
use bank_sync::{Principal, SessionTimeouts, SyncError, UserRequest};
use storage::{AuditAction, Role};
use time::Duration;
use time::macros::datetime;

mod common;

use common::offline::*;

fn request(username: &str, role: Role) -> UserRequest {
    UserRequest {
        username: username.into(),
        display_name: String::new(),
        role,
        password: format!("{username}-long-password"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_passwords_roles_and_tokens() {
    for world in worlds().await {
        let sync = world.service().await;
        let anna = sync
            .create_user(&Principal::Operator, &request("anna", Role::Admin))
            .await
            .unwrap();
        assert_eq!(anna.display_name, "anna");
        assert!(anna.password_hash.starts_with("$argon2id$"));
        let admin = Principal::of_user(&anna);
        let bert = sync
            .create_user(&admin, &request("bert", Role::Viewer))
            .await
            .unwrap();
        let viewer = Principal::of_user(&bert);

        // passwords
        assert!(
            sync.verify_password("anna", "anna-long-password")
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            sync.verify_password("anna", "wrong-password!")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sync.verify_password("nobody", "anna-long-password")
                .await
                .unwrap()
                .is_none()
        );

        // roles: a viewer cannot manage people
        let refused = sync
            .create_user(&viewer, &request("carl", Role::Admin))
            .await;
        assert!(
            matches!(refused, Err(SyncError::Forbidden(_))),
            "{refused:?}"
        );
        assert!(matches!(
            sync.users(&viewer).await,
            Err(SyncError::Forbidden(_))
        ));
        assert!(matches!(
            sync.audit_log(&viewer, None, 10).await,
            Err(SyncError::Forbidden(_))
        ));
        // an admin cannot lock themselves out
        assert!(matches!(
            sync.set_user_role(&admin, anna.id, Role::Viewer).await,
            Err(SyncError::Conflict(_))
        ));
        let promoted = sync
            .set_user_role(&admin, bert.id, Role::Accountant)
            .await
            .unwrap();
        assert_eq!(promoted.role, Role::Accountant);

        // tokens: value once, digest stored, revoked = nobody
        let created = sync
            .create_api_token(&admin, "ERP import", Role::Accountant, None)
            .await
            .unwrap();
        assert!(created.value.starts_with(bank_sync::API_TOKEN_PREFIX));
        assert!(!format!("{created:?}").contains(&created.value));
        assert_ne!(created.token.token_digest, created.value);
        let who = sync
            .principal_for_token(&created.value)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(who.role(), Role::Accountant);
        assert_eq!(
            who.actor(),
            format!("token:{}:ERP import", created.token.id)
        );
        assert!(
            sync.principal_for_token("psd2_at_unknown")
                .await
                .unwrap()
                .is_none()
        );
        sync.revoke_api_token(&admin, created.token.id)
            .await
            .unwrap();
        assert!(
            sync.principal_for_token(&created.value)
                .await
                .unwrap()
                .is_none()
        );

        // a person's token never acts above the person
        let bert_token = sync
            .create_api_token(&admin, "bert's laptop", Role::Admin, Some(bert.id))
            .await
            .unwrap();
        let as_bert = sync
            .principal_for_token(&bert_token.value)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(as_bert.role(), Role::Accountant);
        assert_eq!(as_bert.display_name(), "bert");
        sync.set_user_disabled(&admin, bert.id, true).await.unwrap();
        assert!(
            sync.principal_for_token(&bert_token.value)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sync.verify_password("bert", "bert-long-password")
                .await
                .unwrap()
                .is_none()
        );

        let log = sync.audit_log(&admin, None, 100).await.unwrap();
        let actions: Vec<AuditAction> = log.iter().rev().map(|e| e.action).collect();
        assert_eq!(
            actions,
            [
                AuditAction::UserCreated,
                AuditAction::UserCreated,
                AuditAction::RoleChanged,
                AuditAction::TokenCreated,
                AuditAction::TokenRevoked,
                AuditAction::TokenCreated,
                AuditAction::UserDisabled,
            ]
        );
        assert_eq!(log.last().unwrap().actor, "operator");
        assert_eq!(log[0].actor, "user:anna");
        assert!(
            log.iter().all(|e| !e.details.contains(&created.value)),
            "no token value in the log"
        );
        world.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_time_out_survive_a_restart_and_end_everywhere() {
    for world in worlds().await {
        let clock = Arc::new(ManualClock::new(datetime!(2026-12-03 08:00 UTC)));
        let timeouts = SessionTimeouts {
            idle: Duration::hours(8),
            absolute: Duration::days(7),
        };
        let sync = world
            .service()
            .await
            .with_clock(clock.clone())
            .with_session_timeouts(timeouts);
        sync.create_user(&Principal::Operator, &request("anna", Role::Accountant))
            .await
            .unwrap();

        assert!(
            sync.sign_in("anna", "not-her-password")
                .await
                .unwrap()
                .is_none()
        );
        let first = sync
            .sign_in("anna", "anna-long-password")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.principal.display_name(), "anna");

        // a restart: a new service over the same database knows the session
        let sync = world
            .service()
            .await
            .with_clock(clock.clone())
            .with_session_timeouts(timeouts);
        let live = sync.session(&first.cookie).await.unwrap().unwrap();
        assert_eq!(live.csrf, first.csrf);
        assert_eq!(live.principal.role(), Role::Accountant);

        // idle: used every 7 hours it lives on, until the absolute timeout
        for _ in 0..23 {
            clock.advance(Duration::hours(7));
            assert!(sync.session(&first.cookie).await.unwrap().is_some());
        }
        clock.advance(Duration::hours(7)); // 168 h after sign-in
        assert!(
            sync.session(&first.cookie).await.unwrap().is_none(),
            "absolute timeout"
        );

        let second = sync
            .sign_in("anna", "anna-long-password")
            .await
            .unwrap()
            .unwrap();
        clock.advance(Duration::hours(8));
        assert!(
            sync.session(&second.cookie).await.unwrap().is_none(),
            "idle timeout"
        );

        let a = sync
            .sign_in("anna", "anna-long-password")
            .await
            .unwrap()
            .unwrap();
        let b = sync
            .sign_in("anna", "anna-long-password")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(sync.sign_out_everywhere(&a.principal).await.unwrap(), 2);
        assert!(sync.session(&a.cookie).await.unwrap().is_none());
        assert!(sync.session(&b.cookie).await.unwrap().is_none());

        let c = sync
            .sign_in("anna", "anna-long-password")
            .await
            .unwrap()
            .unwrap();
        sync.sign_out(&c.cookie).await.unwrap();
        assert!(sync.session(&c.cookie).await.unwrap().is_none());

        let log = sync.db().audit_page(None, 100).await.unwrap();
        let failed: Vec<_> = log
            .iter()
            .filter(|e| e.action == AuditAction::SignInFailed)
            .collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].actor, "user:anna");
        assert!(!failed[0].details.contains("not-her-password"));
        assert_eq!(
            log.iter()
                .filter(|e| e.action == AuditAction::SignIn)
                .count(),
            5
        );
        assert_eq!(log[1].action, AuditAction::SignOutEverywhere);
        world.cleanup().await;
    }
}
