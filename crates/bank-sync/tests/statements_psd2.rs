//! A statement file for an account PSD2 also syncs: the bundled ING sandbox over real mTLS feeds
//! an account, its stored bookings are exported as camt.053 (both versions) and MT940 with the
//! `statements` exporters, and importing those files stores nothing new. A real SQLite file, and
//! PostgreSQL when `DATABASE_URL` points at one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bank_sync::ExportFormat;
use storage::BookingStatus;

mod common;

use common::sandboxed::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_bookings_psd2_stored_imports_nothing_new() {
    for (url, pg) in backends().await {
        let w = world(url, pg).await;
        let truth = w.sandbox.ground_truth().clone();
        let connection = w.connect(&truth.profiles[0].id).await;
        let db = w.sync.db();
        let mut checked = 0;
        for account in db.accounts_of(&connection.id).await.unwrap() {
            let today = w.sync.now().date();
            w.sync
                .sync_transactions(&bank_sync::TransactionSync {
                    account_id: account.id,
                    date_from: today - time::Duration::days(90),
                    date_to: today,
                    auto_reconcile: false,
                    trigger: storage::SyncTrigger::User,
                    psu_ip: Some(present()),
                    stop: None,
                })
                .await
                .unwrap();
            let booked: Vec<_> = db
                .transactions(account.id)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| t.status == BookingStatus::Booked)
                .collect();
            let days: Vec<_> = booked
                .iter()
                .filter_map(|t| t.booking_date.or(t.value_date))
                .collect();
            let (Some(from), Some(to)) = (days.iter().min(), days.iter().max()) else {
                continue;
            };
            let before = db.transactions(account.id).await.unwrap().len();
            for format in [
                ExportFormat::Camt053V02,
                ExportFormat::Camt053V08,
                ExportFormat::Mt940,
            ] {
                let file = w
                    .sync
                    .export_statement(
                        account.id,
                        *from,
                        *to,
                        format,
                        time::macros::datetime!(2026 - 12 - 03 08:00),
                    )
                    .await;
                // MT940 cannot hold every text a bank sends (`?`, line breaks); it refuses
                // those instead of changing them. camt.053 must always work.
                let file = match (format, file) {
                    (_, Ok(file)) => file,
                    (ExportFormat::Mt940, Err(e)) if e.to_string().contains("MT940 cannot") => {
                        continue;
                    }
                    (_, Err(e)) => panic!("{format:?}: {e}"),
                };
                let r = w
                    .sync
                    .import_statement(account.id, &file, None)
                    .await
                    .unwrap();
                assert_eq!(r.entries, booked.len() as u64, "{format:?}");
                assert_eq!((r.imported, r.updated), (0, 0), "{format:?}: {r:?}");
                assert_eq!(r.already_known, r.entries, "{format:?}");
            }
            assert_eq!(db.transactions(account.id).await.unwrap().len(), before);
            checked += 1;
        }
        assert!(
            checked > 0,
            "the sandbox profile has no account with bookings"
        );
        w.cleanup().await;
    }
}
