//! `psd2-statements`: statement files into and out of the store, for scripts and cron. All logic
//! is `bank_sync::BankSync` (`file_account`, `import_statement`, `export_statement`); this
//! binary adds flags, logs and files.
#![allow(
    clippy::print_stdout,
    reason = "the summary of an import is for the person or script that ran it"
)]

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use bank_sync::settings::Settings;
use bank_sync::{ExportFormat, StatementFormat};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// Command-line flags (the shared settings also as environment variables).
#[derive(Debug, Parser)]
#[command(
    name = "psd2-statements",
    version,
    about = "Import and export bank statement files (camt.053/052, MT940/942, bank CSV)"
)]
struct Flags {
    /// Bank, certificates, database (the same settings as the server and the worker).
    #[command(flatten)]
    bank: Settings,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Creates an account fed by statement files (an account with the IBAN and currency
    /// already is that account).
    CreateAccount {
        /// The account's IBAN.
        #[arg(long)]
        iban: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// ISO 4217 currency.
        #[arg(long, default_value = "EUR")]
        currency: String,
    },
    /// Imports one statement file into the account with this IBAN.
    Import {
        /// The account's IBAN.
        #[arg(long)]
        account: String,
        /// The account's currency, when several accounts share the IBAN.
        #[arg(long)]
        currency: Option<String>,
        /// The file's format (camt053, camt052, mt940, mt942, or a bank's CSV layout);
        /// detected from the content when not given.
        #[arg(long, value_parser = parse_format)]
        format: Option<StatementFormat>,
        /// The statement file.
        file: PathBuf,
    },
    /// Exports the stored bookings of a period.
    Export {
        /// The account's IBAN.
        #[arg(long)]
        account: String,
        /// The account's currency, when several accounts share the IBAN.
        #[arg(long)]
        currency: Option<String>,
        /// First day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        from: time::Date,
        /// Last day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        to: time::Date,
        /// camt053, camt053.08, mt940, csv or csv-point.
        #[arg(long, value_parser = parse_export)]
        format: ExportFormat,
        /// Write here instead of to standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn parse_format(s: &str) -> Result<StatementFormat, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_export(s: &str) -> Result<ExportFormat, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_date(s: &str) -> Result<time::Date, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|e| format!("{s:?} is not a date like 2026-11-30: {e}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        anyhow::bail!("cannot read .env: {e}");
    }
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    let flags = Flags::parse();
    flags.bank.validate().map_err(anyhow::Error::msg)?;
    let sync = flags.bank.build(Vec::new()).await?;
    match flags.command {
        Command::CreateAccount {
            iban,
            name,
            currency,
        } => {
            let (account, link) = sync.file_account(&iban, &name, &currency).await?;
            println!("account {} ({link:?})", account.id);
        }
        Command::Import {
            account,
            currency,
            format,
            file,
        } => {
            let account = sync.account_by_iban(&account, currency.as_deref()).await?;
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let r = sync.import_statement(account.id, &bytes, format).await?;
            println!(
                "format={} statements={} entries={} pending={} imported={} already_known={} \
                 updated={} superseded={} auto_reconciled={} suggested={}",
                r.format,
                r.statements,
                r.entries,
                r.pending,
                r.imported,
                r.already_known,
                r.updated,
                r.superseded,
                r.auto_reconciled,
                r.suggested
            );
        }
        Command::Export {
            account,
            currency,
            from,
            to,
            format,
            out,
        } => {
            let account = sync.account_by_iban(&account, currency.as_deref()).await?;
            let now = sync.now();
            let created = time::PrimitiveDateTime::new(now.date(), now.time());
            let bytes = sync
                .export_statement(account.id, from, to, format, created)
                .await?;
            match out {
                Some(path) => std::fs::write(&path, &bytes)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
                None => std::io::stdout().write_all(&bytes)?,
            }
        }
    }
    Ok(())
}
