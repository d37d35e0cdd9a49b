//! `transactions.status`: booked or pending as the bank lists an entry, and what the store makes
//! of pending entries later.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Booked or pending, as the bank lists an entry; `Superseded` and `Expired` only as the
    /// store sets them, never from the bank (`Database::import_page` refuses them).
    pub enum BookingStatus as "booking status" {
        /// Booked.
        Booked = "booked",
        /// Pending.
        Pending = "pending",
        /// A pending entry replaced by its booking (`superseded_by` names it): kept, but left out
        /// of listings and totals.
        Superseded = "superseded",
        /// A pending entry the bank stopped listing (a card hold released): set by
        /// `Database::expire_unseen_pending`. Kept, but left out of listings and totals like a
        /// superseded entry.
        Expired = "expired",
    }
}

impl BookingStatus {
    /// Statuses left out of listings, totals and the matcher's input: a pending entry replaced
    /// by its booking, or one the bank stopped listing.
    pub const NOT_LIVE: [Self; 2] = [Self::Superseded, Self::Expired];

    /// Whether the bank lists entries with it (booked or pending); the others only the store sets.
    pub fn from_bank(self) -> bool {
        matches!(self, Self::Booked | Self::Pending)
    }

    /// The status a stored row with this status takes when the bank lists it again as
    /// `incoming`: a pending or expired row follows the bank (an expired hold listed again is
    /// pending again; a pending entry booked under the same id is booked); a booked or superseded
    /// row stays as it is.
    pub fn relisted_as(self, incoming: Self) -> Self {
        match self {
            Self::Pending | Self::Expired => incoming,
            other => other,
        }
    }
}
