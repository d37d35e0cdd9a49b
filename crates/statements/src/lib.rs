//! Bank statement files in and out, with no I/O: bytes in, typed [`Statement`]s out, and back.
//!
//! Reads ISO 20022 camt.053 and camt.052 (001.02 to 001.08, batch entries split per
//! transaction), SWIFT MT940 and MT942 (German `:86:` subfields and SEPA keywords, the Dutch
//! slash form), and the CSV exports of ING Germany, ING Netherlands, Sparkasse (CSV-CAMT),
//! Volksbanken, Deutsche Bank, Commerzbank and Rabobank, or any CSV with a saved
//! [`ColumnMapping`]. Writes camt.053 (001.08 and 001.02), MT940, DATEV "Buchungsstapel" and a
//! plain CSV.
//!
//! A file is read whole or refused with an [`Error`] naming the line or XML element and what to
//! do; amounts are exact `Decimal`s, an amount that could be read two ways is refused. Entries
//! map to `ais-model`'s PSD2 transaction ([`Entry::to_ais_transaction`]) so they take the same
//! path and dedupe keys into storage as the bank's API answers. `docs/statements.md` describes
//! each format and where its description comes from.
#![deny(missing_docs)]

mod ais;
mod camt;
mod csv;
mod error;
mod export;
mod format;
mod model;
mod mt940;
mod text;

pub use camt::read::CamtKind;
pub use camt::write::{CamtHeader, CamtVersion, write_camt053};
pub use csv::amount::DecimalMark;
pub use csv::layouts::BankCsv;
pub use csv::mapping::{AmountColumns, ColumnMapping, DateFormat};
pub use error::Error;
pub use export::datev::{Chart, DatevBooking, DatevSettings, write_datev};
pub use export::plain_csv::{plain_csv_mapping, write_plain_csv};
pub use format::Format;
pub use model::{AccountId, Balance, Charge, Entry, EntryStatus, Party, Period, Statement};
pub use mt940::write::write_mt940;
pub use text::Encoding;

/// A file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The format it was read as.
    pub format: Format,
    /// The camt version (`8` for 001.08), for camt files.
    pub camt_version: Option<u8>,
    /// How its text was encoded.
    pub encoding: Encoding,
    /// Its statements (one for CSV files; camt and MT940 files may hold several).
    pub statements: Vec<Statement>,
}

impl Parsed {
    /// Every entry of every statement, in file order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.statements.iter().flat_map(|s| s.entries.iter())
    }
}

/// Reads a statement file. `format` wins when given; otherwise the content decides.
pub fn parse(bytes: &[u8], format: Option<Format>) -> Result<Parsed, Error> {
    let (encoding, text) = text::decode(bytes);
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    let format = match format {
        Some(f) => f,
        None => format::detect(&text)?,
    };
    let mut camt_version = None;
    let statements = match format {
        Format::Camt053 | Format::Camt052 => {
            let doc = camt::read::read(&text)?;
            let expected = if format == Format::Camt053 {
                CamtKind::Statement
            } else {
                CamtKind::Report
            };
            if doc.kind != expected {
                return Err(Error::Xml {
                    element: "Document".into(),
                    line: 1,
                    reason: format!(
                        "the file is a {:?}, not the {format} asked for; choose the other format",
                        doc.kind
                    ),
                });
            }
            camt_version = Some(doc.version);
            doc.statements
        }
        Format::Mt940 => mt940::read::read(&text, mt940::read::Kind::Mt940)?,
        Format::Mt942 => mt940::read::read(&text, mt940::read::Kind::Mt942)?,
        Format::BankCsv(bank) => vec![read_layout(&text, bank)?],
        Format::GenericCsv => {
            return Err(Error::UnknownFormat {
                hint: "a mapped CSV needs its column mapping: use parse_csv_with".into(),
            });
        }
    };
    Ok(Parsed {
        format,
        camt_version,
        encoding,
        statements,
    })
}

fn read_layout(text: &str, bank: BankCsv) -> Result<Statement, Error> {
    let mappings = bank.mappings();
    let chosen = mappings
        .iter()
        .find(|m| matches!(csv::read::table(text, m), Ok(Some(_))))
        .or(mappings.first());
    match chosen {
        Some(m) => csv::read::read(text, m),
        None => Err(Error::UnknownFormat {
            hint: format!("no mapping for {}", bank.name()),
        }),
    }
}

/// Reads a CSV file with a column mapping the person saved.
pub fn parse_csv_with(bytes: &[u8], mapping: &ColumnMapping) -> Result<Parsed, Error> {
    let (encoding, text) = text::decode(bytes);
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    Ok(Parsed {
        format: Format::GenericCsv,
        camt_version: None,
        encoding,
        statements: vec![csv::read::read(&text, mapping)?],
    })
}
