//! The Berlin Group error body and the model's own decoding errors.

use serde::{Deserialize, Serialize};

/// One message of a Berlin Group error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TppMessage {
    /// `ERROR` or `WARNING`.
    #[serde(default)]
    pub category: String,
    /// E.g. `PERIOD_INVALID`, `ACCESS_EXCEEDED`, `TOKEN_EXPIRED`.
    #[serde(default)]
    pub code: String,
    /// Human text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The offending field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// `{"tppMessages": […]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TppMessages {
    /// The messages.
    #[serde(default)]
    pub tpp_messages: Vec<TppMessage>,
}

/// Why a body could not be read into the model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The JSON is malformed or a field has the wrong shape; `path` names the field
    /// (e.g. `transactions.booked[3].transactionAmount.amount`).
    #[error("cannot read {what}: {message} (at {path})")]
    Decode {
        /// What was being read.
        what: &'static str,
        /// Where in the document.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An IBAN failed its format or check digits.
    #[error("invalid IBAN {value:?}: {reason}")]
    Iban {
        /// As sent.
        value: String,
        /// Why.
        reason: String,
    },
}

/// Reads `bytes` as `T`; on failure the error names the path of the offending field.
pub fn decode<T: serde::de::DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T, ModelError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ModelError::Decode {
            what,
            path,
            message: e.into_inner().to_string(),
        }
    })
}
