//! Why a match was made or suggested: the one shape the `matches.reasons` column holds, whoever
//! decided (the matcher, a person through the API, a person on the banking page) and whatever
//! happened later (the bank changed the amount and the match went back to review).
//!
//! Rows written before this type existed hold older shapes (a bare list of reasons, `{"reason",
//! "by"}` entries, plain strings); [`MatchReasons::from_stored`] reads all of them, so nothing
//! stored is lost and every page shows a reason.

use serde::{Deserialize, Serialize};

/// The reasons stored with a match, as JSON `{"reasons": [...], "held_back": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MatchReasons {
    /// Each reason with its points, in the order they were given.
    #[serde(default)]
    pub reasons: Vec<ReasonLine>,
    /// Why the matcher did not match automatically (suggestions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_back: Option<String>,
    /// The whole candidate when it spans several invoices (each suggestion row holds one), as
    /// the matcher gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocations: Option<serde_json::Value>,
    /// What the row held when it was written in a shape this type does not know; kept, never
    /// dropped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
}

/// One reason a person reads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReasonLine {
    /// What it added to the score (0 for a person's decision or a later event).
    #[serde(default)]
    pub points: i64,
    /// The sentence shown.
    pub text: String,
    /// The matcher's typed signal, for programs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<serde_json::Value>,
    /// Set when the bank changed the payment after it was matched: why it is back in review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopened: Option<String>,
    /// Who had confirmed the match, and when, before it was re-opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was_confirmed: Option<serde_json::Value>,
    /// Set when the payer counted as known because a person confirmed an earlier payment of
    /// it: which decision taught it, and when (pages say "known payer (learned from decision
    /// on …)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned_from: Option<LearnedFrom>,
}

/// The decision a learned payer comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedFrom {
    /// The confirmed match that taught it.
    pub match_id: i64,
    /// The day it was confirmed, `YYYY-MM-DD`.
    pub on: String,
}

impl ReasonLine {
    /// A line with just a sentence.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

impl MatchReasons {
    /// The reason stored for a match a person made by hand, by any front end.
    pub fn by_hand() -> Self {
        Self {
            reasons: vec![ReasonLine::text("matched by hand")],
            ..Self::default()
        }
    }

    /// Reads a stored value in the current shape or any earlier one.
    pub fn from_stored(raw: &str) -> Self {
        match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(value) => Self::from_value(value),
            Err(_) if raw.trim().is_empty() => Self::default(),
            Err(_) => Self {
                before: Some(serde_json::Value::String(raw.to_owned())),
                ..Self::default()
            },
        }
    }

    fn from_value(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Array(list) => Self {
                reasons: list.into_iter().filter_map(line_from_value).collect(),
                ..Self::default()
            },
            serde_json::Value::Object(mut map) if map.contains_key("reasons") => Self {
                reasons: match map.remove("reasons") {
                    Some(serde_json::Value::Array(list)) => {
                        list.into_iter().filter_map(line_from_value).collect()
                    }
                    _ => Vec::new(),
                },
                held_back: map
                    .remove("held_back")
                    .and_then(|h| h.as_str().map(str::to_owned)),
                allocations: map.remove("allocations").filter(|a| !a.is_null()),
                before: map.remove("before").filter(|b| !b.is_null()),
            },
            serde_json::Value::Null => Self::default(),
            other => Self {
                before: Some(other),
                ..Self::default()
            },
        }
    }

    /// The JSON text stored in the column.
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "null".to_owned())
    }

    /// As a JSON value (what the API shows).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The same reasons with one more line saying the bank changed the payment.
    #[must_use]
    pub fn reopened(mut self, why: &str, was_confirmed: serde_json::Value) -> Self {
        self.reasons.push(ReasonLine {
            points: 0,
            text: why.to_owned(),
            signal: None,
            reopened: Some(why.to_owned()),
            was_confirmed: Some(was_confirmed),
            learned_from: None,
        });
        self
    }
}

/// One entry of an older list: `{"points","text",…}`, `{"reason","by"}` or a plain string.
fn line_from_value(v: serde_json::Value) -> Option<ReasonLine> {
    match v {
        serde_json::Value::String(text) => Some(ReasonLine::text(text)),
        serde_json::Value::Object(map) => {
            if map.contains_key("text") {
                serde_json::from_value(serde_json::Value::Object(map)).ok()
            } else {
                map.get("reason")
                    .and_then(serde_json::Value::as_str)
                    .map(ReasonLine::text)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_earlier_shape_reads_as_lines() {
        let api_by_hand = MatchReasons::from_stored(r#"[{"reason":"matched by hand","by":"Ann"}]"#);
        assert_eq!(
            api_by_hand.reasons,
            vec![ReasonLine::text("matched by hand")]
        );
        let page_by_hand = MatchReasons::from_stored(
            r#"[{"points":0,"text":"chosen by a person on the banking page"}]"#,
        );
        assert_eq!(
            page_by_hand.reasons[0].text,
            "chosen by a person on the banking page"
        );
        let plain = MatchReasons::from_stored(r#"["invoice number in text"]"#);
        assert_eq!(plain.reasons[0].text, "invoice number in text");
        let suggestion = MatchReasons::from_stored(
            r#"{"reasons":[{"points":80,"text":"number","signal":{"kind":"invoice_number"}}],"held_back":"two invoices fit","allocations":[{"invoice_id":"7","amount":"1.00"}]}"#,
        );
        assert_eq!(suggestion.reasons[0].points, 80);
        assert_eq!(suggestion.held_back.as_deref(), Some("two invoices fit"));
        assert!(suggestion.allocations.is_some());
        let odd = MatchReasons::from_stored("not json");
        assert!(odd.reasons.is_empty());
        assert_eq!(odd.before, Some(serde_json::json!("not json")));
    }

    #[test]
    fn the_stored_shape_reads_back_unchanged() {
        let r = MatchReasons::by_hand().reopened(
            "the bank changed the amount",
            serde_json::json!({"decided_by": "auto"}),
        );
        assert_eq!(MatchReasons::from_stored(&r.to_stored()), r);
    }
}
