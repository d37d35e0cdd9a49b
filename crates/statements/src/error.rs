//! What can be wrong with a statement file. Every error names where (a line, an XML element path
//! with its line, a CSV column) and says what to do; nothing is half-read: a file either parses
//! whole or gives one of these.

/// A statement file that cannot be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No bytes or only blanks.
    #[error("the file is empty; export the statement again from the bank's online banking")]
    Empty,
    /// Content detection found no supported format.
    #[error(
        "the file is not a statement format we read ({hint}); choose the format explicitly (camt053, camt052, mt940, mt942, or a CSV layout) or use a generic CSV column mapping"
    )]
    UnknownFormat {
        /// What the file looked like.
        hint: String,
    },
    /// An ISO 20022 XML file with a problem at an element.
    #[error("XML element {element} (line {line}): {reason}")]
    Xml {
        /// The element path, e.g. `Stmt[1]/Ntry[3]/Amt`.
        element: String,
        /// 1-based line of the element.
        line: usize,
        /// What is wrong and what to do.
        reason: String,
    },
    /// An MT940/MT942 file with a problem on a line.
    #[error("line {line}, field {field}: {reason}")]
    Swift {
        /// 1-based line.
        line: usize,
        /// The field tag (`:61:`).
        field: String,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A CSV file with a problem on a line.
    #[error("line {line}{}: {reason}", column.as_ref().map(|c| format!(", column {c:?}")).unwrap_or_default())]
    Csv {
        /// 1-based line in the file (preamble lines counted).
        line: usize,
        /// The column header, when one column is at fault.
        column: Option<String>,
        /// What is wrong and what to do.
        reason: String,
    },
    /// A statement that cannot be written in the asked format.
    #[error("cannot export: {0}")]
    Export(String),
}

impl Error {
    pub(crate) fn csv(line: usize, column: Option<&str>, reason: impl Into<String>) -> Self {
        Error::Csv {
            line,
            column: column.map(str::to_owned),
            reason: reason.into(),
        }
    }

    pub(crate) fn swift(line: usize, field: &str, reason: impl Into<String>) -> Self {
        Error::Swift {
            line,
            field: field.to_owned(),
            reason: reason.into(),
        }
    }
}
