//! Invoice-number patterns in a deliberately small syntax.
//!
//! The matcher finds invoice numbers by looking every token group of a text up in an index of
//! the *open* invoices, so it needs no pattern to find them. Patterns answer two other
//! questions: "does this text name an invoice that is not open?" (then an amount-only match to
//! some other invoice must not be automatic) and "is this token worth a typo lookup?".
//!
//! Syntax: `#` is one digit, `@` one letter, any other letter or digit is itself
//! (case-insensitive), and everything else (`-`, `/`, space, `.`) is an optional separator,
//! exactly as the normaliser treats separators in texts. `RE-####-####` matches `RE-2024-0815`,
//! `re 2024 0815` and `RE20240815`.

use crate::config::ConfigError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit,
    Letter,
    Lit(u8),
}

/// A compiled invoice-number pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoicePattern {
    source: String,
    classes: Vec<Class>,
}

impl InvoicePattern {
    /// Compiles `source`; a pattern must contain at least one digit position (`#` or a digit),
    /// since a pattern of letters alone would call every word a reference.
    pub fn parse(source: &str) -> Result<Self, ConfigError> {
        let mut classes = Vec::new();
        for c in source.chars() {
            match c {
                '#' => classes.push(Class::Digit),
                '@' => classes.push(Class::Letter),
                c if c.is_ascii_alphanumeric() => {
                    classes.push(Class::Lit(c.to_ascii_uppercase() as u8));
                }
                _ => {}
            }
        }
        if classes.is_empty() {
            return Err(ConfigError::EmptyPattern(source.to_string()));
        }
        if !classes
            .iter()
            .any(|c| matches!(c, Class::Digit) || matches!(c, Class::Lit(b) if b.is_ascii_digit()))
        {
            return Err(ConfigError::PatternWithoutDigit(source.to_string()));
        }
        Ok(Self {
            source: source.to_string(),
            classes,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether a compact (folded, separator-free) candidate has exactly this shape.
    pub(crate) fn matches_compact(&self, compact: &str) -> bool {
        let b = compact.as_bytes();
        b.len() == self.classes.len()
            && b.iter().zip(&self.classes).all(|(&c, class)| match class {
                Class::Digit => c.is_ascii_digit(),
                Class::Letter => c.is_ascii_alphabetic(),
                Class::Lit(l) => c == *l,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_optional_and_case_is_ignored() {
        let p = InvoicePattern::parse("RE-####-####").unwrap();
        assert!(p.matches_compact("RE20240815"));
        assert!(!p.matches_compact("RE2024081"));
        assert!(!p.matches_compact("GS20240815"));
        assert!(!p.matches_compact("RE2024O815"));
        let lower = InvoicePattern::parse("re ####").unwrap();
        assert!(lower.matches_compact("RE1234"));
        let any = InvoicePattern::parse("@@-#####").unwrap();
        assert!(any.matches_compact("AB12345"));
        assert!(!any.matches_compact("A112345"));
    }

    #[test]
    fn patterns_without_digits_are_refused() {
        assert!(matches!(
            InvoicePattern::parse("RE-@@@"),
            Err(ConfigError::PatternWithoutDigit(_))
        ));
        assert!(matches!(
            InvoicePattern::parse(" - "),
            Err(ConfigError::EmptyPattern(_))
        ));
    }
}
