//! Who is asking: a signed-in user, a stored API token, the API token from the settings, or
//! the operator at the server's command line. Use cases that change people or tokens take one,
//! check its role, and write it to the audit log.

use storage::Role;

use crate::error::SyncError;

/// The one acting.
#[derive(Clone, PartialEq, Eq)]
pub enum Principal {
    /// A person signed in to the banking page (or using a token of theirs).
    User {
        /// Their id.
        id: i64,
        /// What they sign in as.
        username: String,
        /// The name decisions show.
        display_name: String,
        /// Their role.
        role: Role,
    },
    /// A stored API token of an integration.
    Token {
        /// The token's id.
        id: i64,
        /// What it is for.
        name: String,
        /// Its role.
        role: Role,
    },
    /// The API token of the settings (`PSD2_API_TOKEN_SHA256` / `local` mode's token): an
    /// admin integration, as before roles existed.
    ConfiguredToken,
    /// The operator at the server's command line (`psd2-server create-user`) or the server's
    /// own first start: an admin.
    Operator,
}

impl std::fmt::Debug for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Principal({}, {})", self.actor(), self.role())
    }
}

impl Principal {
    /// What it may do.
    pub fn role(&self) -> Role {
        match self {
            Self::User { role, .. } | Self::Token { role, .. } => *role,
            Self::ConfiguredToken | Self::Operator => Role::Admin,
        }
    }

    /// How the audit log names it: `user:<username>`, `token:<id>:<name>`, `api-token`,
    /// `operator`.
    pub fn actor(&self) -> String {
        match self {
            Self::User { username, .. } => format!("user:{username}"),
            Self::Token { id, name, .. } => format!("token:{id}:{name}"),
            Self::ConfiguredToken => "api-token".to_owned(),
            Self::Operator => "operator".to_owned(),
        }
    }

    /// The name a decision records: a person's display name, else the actor.
    pub fn display_name(&self) -> String {
        match self {
            Self::User { display_name, .. } => display_name.clone(),
            other => other.actor(),
        }
    }

    /// The user behind it, if a person.
    pub fn user_id(&self) -> Option<i64> {
        match self {
            Self::User { id, .. } => Some(*id),
            _ => None,
        }
    }

    /// `Ok` when its role allows `needed`, else [`SyncError::Forbidden`] naming the role.
    pub fn require(&self, needed: Role) -> Result<(), SyncError> {
        if self.role().allows(needed) {
            Ok(())
        } else {
            Err(SyncError::Forbidden(format!(
                "this needs the role {needed}; {} has the role {}: ask an admin",
                self.actor(),
                self.role()
            )))
        }
    }

    /// The principal of a stored user.
    pub fn of_user(user: &storage::entity::user::Model) -> Self {
        Self::User {
            id: user.id,
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
        }
    }
}
