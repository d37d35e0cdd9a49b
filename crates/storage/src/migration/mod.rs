//! Schema migrations, applied on start-up (idempotent: applied ones are recorded and skipped).

use sea_orm_migration::prelude::*;

mod m20261125_000001_connections_accounts_transactions;
mod m20261125_000002_states_balances_invoices_matches_sync;
mod m20261202_000002_merge_duplicate_accounts;
mod m20261202_000003_customers;
mod m20261203_000001_account_links;
mod m20261203_000002_file_accounts;
mod m20261203_000004_users_sessions_audit;

pub use m20261202_000002_merge_duplicate_accounts::AccountMerge;
pub(crate) use m20261202_000002_merge_duplicate_accounts::merge_duplicate_accounts;

/// Every migration, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_connections_accounts_transactions::Migration),
            Box::new(m20261125_000002_states_balances_invoices_matches_sync::Migration),
            Box::new(m20261202_000002_merge_duplicate_accounts::Migration),
            Box::new(m20261202_000003_customers::Migration),
            Box::new(m20261203_000001_account_links::Migration),
            Box::new(m20261203_000002_file_accounts::Migration),
            Box::new(m20261203_000004_users_sessions_audit::Migration),
        ]
    }
}
