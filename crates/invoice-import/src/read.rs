//! From bytes to a table of cells: which kind of file, which encoding, which separator.

use std::io::Cursor;

use calamine::{Data, Reader as _, Xlsx};
use rust_decimal::Decimal;

use crate::cells::{Cell, Table};
use crate::error::FileError;

/// How the text of a CSV file was encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with the byte-order mark Excel writes ("CSV UTF-8").
    Utf8Bom,
    /// Windows-1252, what German and Dutch Excel write as plain "CSV" (a superset of Latin-1).
    Windows1252,
}

impl Encoding {
    /// The usual name.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// The character between the fields of a CSV line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Separator {
    /// `;`, what Excel writes where the decimal mark is a comma (Germany, the Netherlands).
    Semicolon,
    /// `,`.
    Comma,
    /// A tab ("Text (Tab-delimited)").
    Tab,
}

impl Separator {
    fn byte(self) -> u8 {
        match self {
            Separator::Semicolon => b';',
            Separator::Comma => b',',
            Separator::Tab => b'\t',
        }
    }

    /// The character as people name it.
    pub fn label(self) -> &'static str {
        match self {
            Separator::Semicolon => ";",
            Separator::Comma => ",",
            Separator::Tab => "Tab",
        }
    }
}

/// What kind of file it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Format {
    /// Text with separators.
    Csv {
        /// Its encoding.
        encoding: Encoding,
        /// Its separator.
        separator: Separator,
    },
    /// An Excel workbook; its first sheet was read.
    Xlsx {
        /// The sheet's name.
        sheet: String,
    },
}

/// The file as a table: its kind and its cells.
pub(crate) fn table(bytes: &[u8], file_name: Option<&str>) -> Result<(Format, Table), FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(FileError::OldExcel);
    }
    if file_name.is_some_and(|n| n.to_ascii_lowercase().ends_with(".xlsx")) && !bytes.is_empty() {
        return Err(FileError::NotAWorkbook(
            "the file is named .xlsx but is not a ZIP archive".into(),
        ));
    }
    csv(bytes)
}

/// The text and how it was encoded: UTF-8 when the bytes are valid UTF-8 (with or without BOM),
/// Windows-1252 otherwise (every byte sequence decodes, so nothing is refused or lost; a file in
/// another encoding shows wrong letters in the preview before anything is written).
fn decode(bytes: &[u8]) -> (Encoding, String) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF")
        && let Ok(text) = std::str::from_utf8(rest)
    {
        return (Encoding::Utf8Bom, text.to_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Encoding::Utf8, text.to_owned());
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    (Encoding::Windows1252, text.into_owned())
}

/// The separator: Excel's `sep=;` first line if present, else the candidate seen most often
/// outside quotes in the header line.
fn separator(text: &str) -> (Separator, usize) {
    let first = text.lines().next().unwrap_or("");
    if let Some(sep) = first.trim().strip_prefix("sep=") {
        let chosen = match sep {
            ";" => Some(Separator::Semicolon),
            "," => Some(Separator::Comma),
            "\t" => Some(Separator::Tab),
            _ => None,
        };
        if let Some(s) = chosen {
            return (s, text.find('\n').map_or(text.len(), |i| i + 1));
        }
    }
    // On a tie the later candidate wins: `;` over tab over `,`.
    let mut counts = [
        (Separator::Comma, 0usize),
        (Separator::Tab, 0),
        (Separator::Semicolon, 0),
    ];
    let mut quoted = false;
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0].1 += 1,
            '\t' if !quoted => counts[1].1 += 1,
            ';' if !quoted => counts[2].1 += 1,
            _ => {}
        }
    }
    let best = counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(Separator::Comma, |(s, _)| *s);
    (best, 0)
}

fn csv(bytes: &[u8]) -> Result<(Format, Table), FileError> {
    let (encoding, text) = decode(bytes);
    if text
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .is_empty()
    {
        return Err(FileError::Empty);
    }
    let (sep, skip) = separator(&text);
    let body = text.get(skip..).unwrap_or("");
    // Lines before the header that `sep=` took are counted back in.
    let offset = usize::from(skip > 0);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep.byte())
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body.as_bytes());
    let mut headers = None;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| FileError::Unreadable(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line() as usize) + offset;
        if record.iter().all(str::is_empty) {
            continue;
        }
        match headers {
            None => headers = Some(record.iter().map(str::to_owned).collect()),
            Some(_) => rows.push((
                line,
                record
                    .iter()
                    .map(|v| {
                        if v.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(v.to_owned())
                        }
                    })
                    .collect(),
            )),
        }
    }
    let headers = headers.ok_or(FileError::Empty)?;
    Ok((
        Format::Csv {
            encoding,
            separator: sep,
        },
        Table { headers, rows },
    ))
}

fn xlsx(bytes: &[u8]) -> Result<(Format, Table), FileError> {
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| FileError::NotAWorkbook(e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileError::Empty)?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| FileError::NotAWorkbook(e.to_string()))?;
    let start_row = range.start().map_or(0, |(r, _)| r as usize);
    let start_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut headers = None;
    let mut rows = Vec::new();
    for (i, row) in range.rows().enumerate() {
        // The row number Excel shows (1-based), whatever empty rows came first.
        let line = start_row + i + 1;
        let cells: Vec<Cell> = std::iter::repeat_n(Cell::Empty, start_col)
            .chain(row.iter().map(cell))
            .collect();
        if cells.iter().all(|c| matches!(c, Cell::Empty)) {
            continue;
        }
        match headers {
            None => headers = Some(cells.into_iter().map(Cell::text).collect::<Vec<String>>()),
            Some(_) => rows.push((line, cells)),
        }
    }
    let headers = headers.ok_or(FileError::Empty)?;
    Ok((Format::Xlsx { sheet }, Table { headers, rows }))
}

/// One workbook cell. Numbers arrive as binary floating point (that is how Excel stores them);
/// the shortest text that reads back as the same float is the number the person typed, so that
/// text becomes the exact decimal (1190.1 stays 1190.1, never 1190.09999…).
fn cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            Cell::Text(s.trim().to_owned())
        }
        Data::Int(i) => Cell::Number(Decimal::from(*i)),
        Data::Float(f) => format!("{f}")
            .parse::<Decimal>()
            .map(Cell::Number)
            .unwrap_or_else(|_| Cell::Text(format!("{f}"))),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            time::Month::try_from(m)
                .ok()
                .and_then(|m| time::Date::from_calendar_date(i32::from(y), m, day).ok())
                .map_or_else(|| Cell::Text(dt.as_f64().to_string()), Cell::Date)
        }
        Data::DateTime(dt) => Cell::Text(dt.as_f64().to_string()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_told_apart_outside_quotes() {
        assert_eq!(separator("a;b;c\n").0, Separator::Semicolon);
        assert_eq!(separator("a,b,c\n").0, Separator::Comma);
        assert_eq!(separator("a\tb\tc\n").0, Separator::Tab);
        assert_eq!(separator("\"a,b\";c\n").0, Separator::Semicolon);
        assert_eq!(separator("sep=;\na,b,c\n"), (Separator::Semicolon, 6));
    }

    #[test]
    fn encodings_are_detected() {
        assert_eq!(decode(b"\xEF\xBB\xBFa").0, Encoding::Utf8Bom);
        assert_eq!(decode("Müller".as_bytes()).0, Encoding::Utf8);
        assert_eq!(
            decode(b"M\xFCller Stra\xDFe"),
            (Encoding::Windows1252, "Müller Straße".into())
        );
    }
}
