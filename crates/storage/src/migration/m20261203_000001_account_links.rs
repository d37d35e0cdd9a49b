//! The account's `_links.transactions.href` from ING's account list: the sync follows the link
//! ING gives (with its `currency=` and any other parameter ING puts there) instead of building
//! the path by hand. Existing accounts have none until their next account sync and are fetched
//! by the built path meanwhile.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    TransactionsLink,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .add_column(ColumnDef::new(Accounts::TransactionsLink).text().null())
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Accounts::Table)
                .drop_column(Accounts::TransactionsLink)
                .to_owned(),
        )
        .await
    }
}
