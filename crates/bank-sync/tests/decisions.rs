//! The decisions people take, through `bank-sync` as both front ends take them: matches by hand,
//! undo, the account a request names. The bundled ING sandbox over real mTLS, a real SQLite file,
//! and PostgreSQL when `DATABASE_URL` points at one (a fresh database per run, dropped after).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bank_sync::{AccountSelector, HandAllocation, SyncError};
use rust_decimal::Decimal;
use storage::MatchReasons;

mod common;

use common::sandboxed::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matches_by_hand_are_validated_and_stored_one_way() {
    for (url, pg) in backends().await {
        let w = world(url, pg).await;
        let truth = w.sandbox.ground_truth().clone();
        let connection = w.connect(&truth.profiles[0].id).await;
        let account = w.sync.db().accounts_of(&connection.id).await.unwrap()[0].clone();
        w.sync
            .sync_for_person(account.id, present(), false)
            .await
            .unwrap();
        let invoices: Vec<storage::NewInvoice> = truth
            .invoices
            .iter()
            .map(|i| storage::NewInvoice {
                number: i.number.clone(),
                kind: storage::InvoiceKind::Invoice,
                customer_name: i.customer_name.clone(),
                customer_number: None,
                customer_ibans: vec![i.customer_iban.clone()],
                total: i.amount,
                currency: i.currency.clone(),
                issue_date: i.issue_date,
                due_date: Some(i.due_date),
                creditor_reference: Some(i.rf_reference.clone()),
            })
            .collect();
        let counts = w.sync.upsert_invoices(&invoices).await.unwrap();
        assert_eq!(counts.created as usize, invoices.len());
        let open = w.sync.db().open_invoices().await.unwrap();
        let incoming: Vec<_> = w
            .sync
            .db()
            .transactions(account.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| !t.amount.to_string().starts_with('-'))
            .collect();
        assert!(incoming.len() >= 2 && open.len() >= 2);

        // Nobody named: refused before anything is stored.
        let err = w
            .sync
            .match_by_hand(
                incoming[0].id,
                &[HandAllocation {
                    invoice_id: open[0].id,
                    amount: Decimal::ONE,
                }],
                "   ",
            )
            .await
            .unwrap_err();
        assert!(matches!(err, SyncError::BadRequest(_)), "{err:?}");
        let err = w.sync.confirm_match(1, "").await.unwrap_err();
        assert!(matches!(err, SyncError::BadRequest(_)), "{err:?}");
        assert!(
            w.sync
                .db()
                .matches_for_transaction(incoming[0].id)
                .await
                .unwrap()
                .is_empty()
        );

        // Amounts given: stored with the person and the one reason shape.
        let made = w
            .sync
            .match_by_hand(
                incoming[0].id,
                &[HandAllocation {
                    invoice_id: open[0].id,
                    amount: Decimal::ONE,
                }],
                "  Anna ",
            )
            .await
            .unwrap();
        assert_eq!(made.len(), 1);
        assert_eq!(made[0].decided_by.as_deref(), Some("Anna"));
        assert_eq!(made[0].match_reasons(), MatchReasons::by_hand());

        // By invoice number: settles what the payment covers, same reasons.
        let paid: Decimal = incoming[1].amount.decimal();
        let open_before: Decimal = open[1].open_amount.decimal();
        let made = w
            .sync
            .match_to_invoice_number(incoming[1].id, &format!(" {} ", open[1].number), "Anna")
            .await
            .unwrap();
        assert_eq!(made[0].amount.decimal(), paid.min(open_before));
        assert_eq!(made[0].match_reasons(), MatchReasons::by_hand());
        let err = w
            .sync
            .match_to_invoice_number(incoming[1].id, "NO-SUCH-1", "Anna")
            .await
            .unwrap_err();
        assert!(matches!(err, SyncError::NotFound(_)), "{err:?}");

        // Undo gives the amount back to the invoice, in the name of whoever undid it.
        assert_eq!(w.sync.undo_match(made[0].id, "Ben").await.unwrap(), 1);
        let after = w.sync.db().invoice(open[1].id).await.unwrap().unwrap();
        assert_eq!(after.open_amount.decimal(), open_before);
        w.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_can_name_only_its_own_connections_accounts() {
    for (url, pg) in backends().await {
        let w = world(url, pg).await;
        let truth = w.sandbox.ground_truth().clone();
        let mine = w.connect(&truth.profiles[0].id).await;
        let theirs = w.connect(&truth.profiles[1].id).await;
        let my_account = w.sync.db().accounts_of(&mine.id).await.unwrap()[0].clone();
        let their_account = w.sync.db().accounts_of(&theirs.id).await.unwrap()[0].clone();

        let by_id = AccountSelector {
            account_id: Some(my_account.id),
            resource_id: None,
        };
        assert_eq!(
            w.sync.select_account(&mine, by_id).await.unwrap().id,
            my_account.id
        );
        let by_resource = AccountSelector {
            account_id: None,
            resource_id: Some(&my_account.resource_id),
        };
        assert_eq!(
            w.sync.select_account(&mine, by_resource).await.unwrap().id,
            my_account.id
        );
        for selector in [
            AccountSelector {
                account_id: Some(their_account.id),
                resource_id: None,
            },
            AccountSelector {
                account_id: None,
                resource_id: Some(&their_account.resource_id),
            },
            AccountSelector {
                account_id: Some(my_account.id),
                resource_id: Some(&their_account.resource_id),
            },
        ] {
            let err = w.sync.select_account(&mine, selector).await.unwrap_err();
            assert!(
                matches!(err, SyncError::NotFound(_)),
                "{selector:?}: {err:?}"
            );
        }
        let err = w
            .sync
            .select_account(
                &mine,
                AccountSelector {
                    account_id: None,
                    resource_id: Some(""),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, SyncError::BadRequest(_)), "{err:?}");
        w.cleanup().await;
    }
}

/// The stored refresh token of a connection, as ING knows it.
async fn refresh_token_of(w: &World, connection: &str) -> Option<String> {
    w.sync
        .db()
        .get_secret(w.sync.keyring(), connection, "ing_refresh_token")
        .await
        .unwrap()
        .map(|(value, _)| value)
}

/// Whether ING still accepts `refresh` (a revoked one gets `invalid_grant`).
async fn bank_accepts(w: &World, refresh: &str) -> bool {
    w.sync
        .client()
        .refresh(&ing_psd2::RefreshToken::new(refresh.to_owned()))
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_or_replaced_connection_leaves_no_live_token_at_the_bank() {
    use bank_sync::RevokedAtBank;
    use storage::ConnectionStatus;
    for (url, pg) in backends().await {
        let w = world(url, pg).await;
        let truth = w.sandbox.ground_truth().clone();

        // Reconnecting the same accounts replaces the old connection: its token is revoked.
        let old = w.connect(&truth.profiles[0].id).await;
        let old_refresh = refresh_token_of(&w, &old.id).await.unwrap();
        let new = w.connect(&truth.profiles[0].id).await;
        let old_now = w.sync.db().find_connection(&old.id).await.unwrap().unwrap();
        assert_eq!(old_now.status, ConnectionStatus::Replaced);
        assert!(refresh_token_of(&w, &old.id).await.is_none());
        assert!(
            !bank_accepts(&w, &old_refresh).await,
            "replaced token still live at ING"
        );

        // Removing a connection revokes it at ING, forgets its tokens and says so.
        let refresh = refresh_token_of(&w, &new.id).await.unwrap();
        let outcome = w
            .sync
            .revoke_connection(&new.id, "removed by Anna")
            .await
            .unwrap();
        assert_eq!(outcome, RevokedAtBank::Revoked);
        let row = w.sync.db().find_connection(&new.id).await.unwrap().unwrap();
        assert_eq!(row.status, ConnectionStatus::Revoked);
        assert!(refresh_token_of(&w, &new.id).await.is_none());
        assert!(
            !bank_accepts(&w, &refresh).await,
            "revoked token still live at ING"
        );
        let err = w.sync.sync_accounts(&row, false, Some(present())).await;
        assert!(err.is_err(), "a revoked connection cannot sync: {err:?}");

        // Again: nothing left to revoke; an unknown connection is not found.
        let again = w.sync.revoke_connection(&new.id, "again").await.unwrap();
        assert_eq!(again, RevokedAtBank::NothingToRevoke);
        assert!(matches!(
            w.sync.revoke_connection("no-such-connection", "x").await,
            Err(SyncError::NotFound(_))
        ));
        w.cleanup().await;
    }
}
