//! How many bound parameters one statement may carry, so batched writes and `IN (…)` lists are
//! cut into statements both engines accept.
//!
//! SQLite refuses a statement with more than `SQLITE_MAX_VARIABLE_NUMBER` parameters: 32,766 by
//! default since SQLite 3.32.0 (999 before; the bundled SQLite is newer). PostgreSQL's wire
//! protocol counts a statement's parameters in 16 bits: at most 65,535. One budget under both
//! keeps the code the same on both engines; see `docs/PERFORMANCE.md` ("Decisions stored in
//! batches") for why larger statements gain nothing measurable.

/// Bound parameters per statement, below SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const PARAMS_PER_STATEMENT: usize = 30_000;

/// Ids per `IN (…)` list.
pub(crate) const IDS_PER_STATEMENT: usize = 1_000;

/// Rows of `columns` bound values each that fit in one statement (at least one).
pub(crate) const fn rows_per_statement(columns: usize) -> usize {
    let rows = PARAMS_PER_STATEMENT / if columns == 0 { 1 } else { columns };
    if rows == 0 { 1 } else { rows }
}
