//! What the sandbox has handed out: application and customer tokens, refresh tokens,
//! authorization codes and grants, registered signing keys, consents' ends, and the unattended
//! allowance per account and day. Kept apart from `state` so the state file (`persist`) can
//! save and restore them without depending on the running sandbox.

use std::collections::HashMap;

use time::OffsetDateTime;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct AppToken {
    pub(crate) client_id: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct CustomerToken {
    pub(crate) client_id: String,
    pub(crate) profile_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) consent: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct RefreshToken {
    pub(crate) client_id: String,
    pub(crate) profile_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) consent: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct AuthCode {
    pub(crate) client_id: String,
    pub(crate) profile_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) redirect_uri: String,
    #[serde(with = "time::serde::rfc3339")]
    pub(crate) expires_at: OffsetDateTime,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) redirect_uri: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub(crate) app: HashMap<String, AppToken>,
    pub(crate) customer: HashMap<String, CustomerToken>,
    pub(crate) refresh: HashMap<String, RefreshToken>,
    pub(crate) codes: HashMap<String, AuthCode>,
    /// Authorization references handed out by `authorization-server-url`.
    pub(crate) grants: HashMap<String, Grant>,
    /// QSealC public keys registered per client id by the application-token call.
    pub(crate) signing_keys: HashMap<String, Vec<u8>>,
    /// Consents revoked (by the revoke endpoint or a test).
    pub(crate) revoked: std::collections::HashSet<String>,
    /// When each consent ends (absent or `None`: never).
    pub(crate) consent_ends: HashMap<String, Option<OffsetDateTime>>,
}

impl Tokens {
    /// Whether `consent` has ended by `now`.
    pub(crate) fn consent_ended(&self, consent: &str, now: OffsetDateTime) -> bool {
        self.consent_ends
            .get(consent)
            .copied()
            .flatten()
            .is_some_and(|end| end <= now)
    }
}

/// Unattended AIS calls per (account, simulated day): those answered, and those refused
/// because the day's allowance was used up.
#[derive(Debug, Default)]
pub(crate) struct Allowance {
    pub(crate) counted: HashMap<(String, time::Date), u32>,
    pub(crate) refused: HashMap<(String, time::Date), u32>,
}
