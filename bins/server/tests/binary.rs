//! The `psd2-server` binary as a person starts it: with the guide's example `.env`, and in
//! `local` mode with nothing configured.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;

/// Starts the binary in `dir` with only `env` set (plus PATH), its output read line by line.
fn start(dir: &Path, env: &[(&str, String)]) -> (Child, mpsc::Receiver<String>) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_psd2-server"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    let (tx, rx) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    (child, rx)
}

/// Everything the process printed until a line contains `until` (or it ended, or a minute
/// passed).
fn read_until(rx: &mpsc::Receiver<String>, until: &str) -> (String, bool) {
    let mut out = String::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                out.push_str(&line);
                out.push('\n');
                if line.contains(until) {
                    return (out, true);
                }
            }
            Err(_) => break,
        }
    }
    (out, false)
}

/// The ```text block after the `<!-- example-env -->` marker of a guide.
fn example_env(guide: &str) -> String {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../docs")
            .join(guide),
    )
    .unwrap();
    let after = text
        .split_once("<!-- example-env -->")
        .unwrap_or_else(|| panic!("{guide} has no example-env marker"))
        .1;
    let block = after.split_once("```text\n").unwrap().1;
    block.split_once("```").unwrap().0.to_owned()
}

#[test]
fn the_guides_example_env_starts_the_server() {
    for guide in ["setup-ing.md", "setup-ing.de.md"] {
        let dir = tempfile::tempdir().unwrap();
        let key = base64::engine::general_purpose::STANDARD
            .encode(uuid::Uuid::new_v4().as_bytes().repeat(2));
        let env = example_env(guide).replace("<output of: openssl rand -base64 32>", &key);
        assert!(env.contains("PSD2_ENVIRONMENT=sandbox"), "{guide}: {env}");
        std::fs::write(dir.path().join(".env"), env).unwrap();
        // The guide's step 2 puts ING's sandbox certificates here; generated ones stand in.
        ing_sandbox::DevCertificates::generate()
            .unwrap()
            .write_to(&dir.path().join("certificates/psd2"))
            .unwrap();
        // Only the port differs from the file (the environment wins over .env), so tests can
        // run side by side.
        let (mut child, rx) = start(dir.path(), &[("PSD2_LISTEN", "127.0.0.1:0".into())]);
        let (out, listening) = read_until(&rx, "listening");
        child.kill().ok();
        child.wait().ok();
        assert!(
            listening,
            "{guide}'s example .env must start the server:\n{out}"
        );
    }
}

#[test]
fn local_mode_names_the_banking_page_and_logs_without_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, rx) = start(
        dir.path(),
        &[
            ("PSD2_LISTEN", "127.0.0.1:0".into()),
            ("PSD2_SANDBOX_PORT", "0".into()),
        ],
    );
    let (out, started) = read_until(&rx, "Stop with Ctrl-C");
    child.kill().ok();
    child.wait().ok();
    assert!(started, "local mode must start:\n{out}");
    let base = out
        .lines()
        .find_map(|l| {
            l.split_once("export API=")
                .map(|(_, r)| r.split("/api/").next().unwrap().trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no base URL in the banner:\n{out}"));
    assert!(
        out.contains(&format!("Banking page: {base}/banking")),
        "the banner names the banking page:\n{out}"
    );
    assert!(
        out.contains("INFO"),
        "log lines are part of the output:\n{out}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "output to a pipe or file carries no colour codes:\n{out:?}"
    );
}
