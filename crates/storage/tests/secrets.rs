//! Tokens are encrypted at rest: no plaintext in the database file, a wrong key is a clear error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use storage::{DataKey, Keyring};

const TOKEN: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.plaintext-refresh-token-4711";

#[tokio::test]
async fn tokens_are_sealed_and_opened() {
    for t in common::backends().await {
        let keys =
            Keyring::new(DataKey::from_base64(&DataKey::generate_base64().unwrap()).unwrap());
        t.db.put_secret(&keys, "conn-1", "refresh_token", TOKEN, None)
            .await
            .unwrap();
        t.db.put_secret(&keys, "conn-1", "refresh_token", TOKEN, None)
            .await
            .unwrap(); // replaces
        let (value, _) =
            t.db.get_secret(&keys, "conn-1", "refresh_token")
                .await
                .unwrap()
                .unwrap();
        assert_eq!(value, TOKEN, "{}", t.name);
        assert!(
            t.db.get_secret(&keys, "conn-2", "refresh_token")
                .await
                .unwrap()
                .is_none()
        );

        let wrong =
            Keyring::new(DataKey::from_base64(&DataKey::generate_base64().unwrap()).unwrap());
        let err =
            t.db.get_secret(&wrong, "conn-1", "refresh_token")
                .await
                .unwrap_err()
                .to_string();
        assert!(err.contains("PSD2_DATA_KEY"), "{}: {err}", t.name);
        assert!(!err.contains(TOKEN));

        if let Some(file) = &t.sqlite_file {
            // Checkpoint the WAL so the file holds everything, then look at its raw bytes.
            use sea_orm::ConnectionTrait as _;
            t.db.connection()
                .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await
                .unwrap();
            let mut bytes = std::fs::read(file).unwrap();
            if let Ok(wal) = std::fs::read(file.with_extension("db-wal")) {
                bytes.extend(wal);
            }
            let needle = b"plaintext-refresh-token";
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "token in plaintext in the database file"
            );
            assert!(
                bytes.windows(13).any(|w| w == b"refresh_token"),
                "the dump test can see rows"
            );
        }
        t.cleanup().await;
    }
}
