//! `matches.method`: who made a match.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Who decided.
    pub enum MatchMethod as "match method" {
        /// The matcher (an automatic match, or a suggestion it proposed).
        Auto = "auto",
        /// A person.
        Manual = "manual",
    }
}
