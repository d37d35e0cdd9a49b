//! The `psd2-statements` binary as a script runs it: create a file-fed account, import a
//! camt.053 twice (the second time imports nothing), refuse a broken file with the element named
//! and a non-zero exit, export the bookings as CSV to a file. A real SQLite file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use ing_sandbox::DevCertificates;

const IBAN: &str = "DE89370400440532013000";

fn camt(amount: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-30T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-11-30T06:00:00</CreDtTm>
<Acct><Id><IBAN>{IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-11-10</Dt></BookgDt><ValDt><Dt>2026-11-10</Dt></ValDt>
<AcctSvcrRef>R1</AcctSvcrRef><BkTxCd/>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Muster GmbH</Nm></Dbtr></RltdPties>
<RmtInf><Ustrd>RE-2026-0001</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>"#
    )
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_psd2-statements"))
        .current_dir(dir)
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", dir.join("s.db").display()),
        )
        .env("PSD2_ENVIRONMENT", "local")
        .env("PSD2_CERT_PATH", dir)
        .env("PSD2_CA_CERT", dir.join("ca.cer"))
        .env("PSD2_API_BASE_URL", "https://127.0.0.1:9")
        .env("PSD2_DATA_DIR", dir.join("data"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn import_twice_refuse_a_broken_file_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    DevCertificates::generate().unwrap().write_to(d).unwrap();
    std::fs::write(d.join("nov.xml"), camt("100.00")).unwrap();
    std::fs::write(d.join("broken.xml"), camt("1OO.00")).unwrap();

    let created = stdout(&run(
        d,
        &["create-account", "--iban", IBAN, "--name", "Sparkasse Giro"],
    ));
    assert!(created.contains("Created"), "{created}");

    let first = stdout(&run(d, &["import", "--account", IBAN, "nov.xml"]));
    assert!(first.contains("format=camt053"), "{first}");
    assert!(first.contains(" imported=1 already_known=0"), "{first}");
    let second = stdout(&run(
        d,
        &[
            "import",
            "--account",
            IBAN,
            "--format",
            "camt053",
            "nov.xml",
        ],
    ));
    assert!(second.contains(" imported=0 already_known=1"), "{second}");

    let broken = run(d, &["import", "--account", IBAN, "broken.xml"]);
    assert!(!broken.status.success());
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(err.contains("Ntry") && err.contains("1OO.00"), "{err}");

    stdout(&run(
        d,
        &[
            "export",
            "--account",
            IBAN,
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--format",
            "csv",
            "--out",
            "nov.csv",
        ],
    ));
    let csv = std::fs::read_to_string(d.join("nov.csv")).unwrap();
    assert!(
        csv.contains("100,00") && csv.contains("RE-2026-0001"),
        "{csv}"
    );
}
