//! The formats we read, and telling them apart from the content alone: an explicit format
//! always wins, detection only fills in when none is given.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::csv::layouts::BankCsv;
use crate::error::Error;

/// A statement file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// ISO 20022 camt.053 (001.02 to 001.08).
    Camt053,
    /// ISO 20022 camt.052 (001.02 to 001.08).
    Camt052,
    /// SWIFT MT940.
    Mt940,
    /// SWIFT MT942.
    Mt942,
    /// A bank's CSV export.
    BankCsv(BankCsv),
    /// A CSV read with a column mapping the person gave.
    GenericCsv,
}

impl Format {
    /// The name used in `?format=`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Camt053 => "camt053",
            Format::Camt052 => "camt052",
            Format::Mt940 => "mt940",
            Format::Mt942 => "mt942",
            Format::BankCsv(b) => b.name(),
            Format::GenericCsv => "csv-mapped",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let t = s.trim().to_ascii_lowercase();
        let found = match t.as_str() {
            "camt053" | "camt.053" => Some(Format::Camt053),
            "camt052" | "camt.052" => Some(Format::Camt052),
            "mt940" => Some(Format::Mt940),
            "mt942" => Some(Format::Mt942),
            "csv-mapped" => Some(Format::GenericCsv),
            other => BankCsv::ALL
                .into_iter()
                .find(|b| b.name() == other)
                .map(Format::BankCsv),
        };
        found.ok_or_else(|| Error::UnknownFormat {
            hint: format!("{s:?} is not a format name"),
        })
    }
}

/// Which format the text is, from its content.
pub(crate) fn detect(text: &str) -> Result<Format, Error> {
    let head = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if head.is_empty() {
        return Err(Error::Empty);
    }
    if head.starts_with('<') {
        let probe = &head[..head.len().min(4096)];
        return if probe.contains("camt.053.001.") || probe.contains("<BkToCstmrStmt") {
            Ok(Format::Camt053)
        } else if probe.contains("camt.052.001.") || probe.contains("<BkToCstmrAcctRpt") {
            Ok(Format::Camt052)
        } else {
            Err(Error::UnknownFormat {
                hint: "an XML file that is not a camt.053 or camt.052 statement".into(),
            })
        };
    }
    let has = |tag: &str| head.lines().any(|l| l.trim_start().starts_with(tag));
    if has(":20:") && (has(":61:") || has(":25:")) {
        return if has(":60F:") || has(":60M:") || has(":62F:") {
            Ok(Format::Mt940)
        } else {
            Ok(Format::Mt942)
        };
    }
    for bank in BankCsv::ALL {
        if bank
            .mappings()
            .iter()
            .any(|m| matches!(crate::csv::read::table(text, m), Ok(Some(_))))
        {
            return Ok(Format::BankCsv(bank));
        }
    }
    Err(Error::UnknownFormat {
        hint: format!(
            "a text file of {} lines whose header matches none of the bank layouts",
            head.lines().count()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in [
            Format::Camt053,
            Format::Camt052,
            Format::Mt940,
            Format::Mt942,
            Format::GenericCsv,
            Format::BankCsv(BankCsv::Rabobank),
        ] {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert!("pdf".parse::<Format>().is_err());
    }
}
