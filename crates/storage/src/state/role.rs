//! `users.role` and `api_tokens.role`: what a person or an integration may do.

use super::stored_enum::stored_enum;

stored_enum! {
    /// The rights of a user or an API token. Each role may do everything the roles before it
    /// may ([`Role::allows`]), so a route names only the least role it needs.
    pub enum Role as "role" {
        /// Reads: accounts, transactions, invoices, matches, statements.
        Viewer = "viewer",
        /// Decides matches, uploads invoices and statements, starts syncs.
        Accountant = "accountant",
        /// Manages users, API tokens, bank connections and settings.
        Admin = "admin",
    }
}

impl Role {
    /// Every role, least first.
    pub const ALL: [Self; 3] = [Self::Viewer, Self::Accountant, Self::Admin];

    /// The role's rank: viewer < accountant < admin.
    const fn rank(self) -> u8 {
        match self {
            Self::Viewer => 0,
            Self::Accountant => 1,
            Self::Admin => 2,
        }
    }

    /// Whether this role may do what `needed` may.
    pub const fn allows(self, needed: Self) -> bool {
        self.rank() >= needed.rank()
    }
}

#[cfg(test)]
mod tests {
    use super::Role;

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin.allows(Role::Accountant));
        assert!(Role::Accountant.allows(Role::Viewer));
        assert!(Role::Viewer.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Accountant));
        assert!(!Role::Accountant.allows(Role::Admin));
    }
}
