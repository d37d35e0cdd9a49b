//! The worker started in `local` mode without the server says what to do, instead of failing
//! every account with "connection refused".

use std::process::Command;

#[test]
fn without_the_server_local_mode_says_to_start_it_first() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = Command::new(env!("CARGO_BIN_EXE_psd2-worker"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PSD2_ENVIRONMENT", "local")
        .env("PSD2_SANDBOX_PORT", port.to_string())
        .env("PSD2_DATA_DIR", dir.path().join("data"))
        .env("PSD2_CERT_PATH", dir.path().join("certs"))
        .env(
            "DATABASE_URL",
            format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("db.sqlite").display()
            ),
        )
        .current_dir(dir.path())
        .arg("--once")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the worker must not succeed: {stderr}"
    );
    assert!(
        stderr.contains("start the server first"),
        "the worker should say to start the server: {stderr}"
    );
    assert!(
        !stderr.to_lowercase().contains("connection refused"),
        "no bare socket error: {stderr}"
    );
    assert!(
        !stderr.contains("\u{1b}["),
        "no colour codes when stderr is not a terminal: {stderr}"
    );
}
