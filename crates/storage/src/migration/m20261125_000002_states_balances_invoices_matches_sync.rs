//! OAuth states, balances, invoices, matches, sync runs, per-account sync state (watermark and
//! lease) and the log of ING calls that the daily budget counts.
//!
//! Amounts are exact decimal text, as in the first migration.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Transactions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OauthStates {
    Table,
    StateHash,
    ClientId,
    RedirectUri,
    Scope,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Balances {
    Table,
    Id,
    AccountId,
    BalanceType,
    Amount,
    Currency,
    ReferenceDate,
    FetchedAt,
}

#[derive(DeriveIden)]
enum Invoices {
    Table,
    Id,
    Number,
    Kind,
    CustomerName,
    CustomerIbans,
    Total,
    OpenAmount,
    Currency,
    IssueDate,
    DueDate,
    CreditorReference,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Matches {
    Table,
    Id,
    TransactionId,
    InvoiceId,
    Amount,
    Confidence,
    Method,
    Reasons,
    Status,
    DecidedBy,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden)]
enum SyncRuns {
    Table,
    Id,
    AccountId,
    Trigger,
    WindowFrom,
    WindowTo,
    StartedAt,
    FinishedAt,
    Fetched,
    Imported,
    Skipped,
    Updated,
    IngCalls,
    Outcome,
    Error,
}

#[derive(DeriveIden)]
enum AccountSync {
    Table,
    AccountId,
    Watermark,
    LastSuccessAt,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
}

#[derive(DeriveIden)]
enum IngCalls {
    Table,
    Id,
    AccountId,
    At,
    UserInitiated,
}

fn id<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn text<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).string().not_null().to_owned()
}

fn instant<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c).timestamp_with_time_zone().to_owned()
}

fn account_fk<T: IntoIden + 'static>(
    table: T,
    column: impl IntoIden + 'static,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Accounts::Table, Accounts::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OauthStates::Table)
                .if_not_exists()
                .col(text(OauthStates::StateHash).primary_key())
                .col(text(OauthStates::ClientId))
                .col(ColumnDef::new(OauthStates::RedirectUri).text().not_null())
                .col(text(OauthStates::Scope))
                .col(instant(OauthStates::CreatedAt).not_null())
                .col(instant(OauthStates::ExpiresAt).not_null())
                .col(instant(OauthStates::UsedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Balances::Table)
                .if_not_exists()
                .col(id(Balances::Id))
                .col(ColumnDef::new(Balances::AccountId).big_integer().not_null())
                .col(text(Balances::BalanceType))
                .col(text(Balances::Amount))
                .col(text(Balances::Currency))
                .col(ColumnDef::new(Balances::ReferenceDate).date())
                .col(instant(Balances::FetchedAt).not_null())
                .foreign_key(&mut account_fk(Balances::Table, Balances::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_balances_account_fetched")
                .table(Balances::Table)
                .col(Balances::AccountId)
                .col(Balances::FetchedAt)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Invoices::Table)
                .if_not_exists()
                .col(id(Invoices::Id))
                .col(text(Invoices::Number).unique_key())
                .col(text(Invoices::Kind))
                .col(text(Invoices::CustomerName))
                .col(ColumnDef::new(Invoices::CustomerIbans).text().not_null())
                .col(text(Invoices::Total))
                .col(text(Invoices::OpenAmount))
                .col(text(Invoices::Currency))
                .col(ColumnDef::new(Invoices::IssueDate).date().not_null())
                .col(ColumnDef::new(Invoices::DueDate).date())
                .col(ColumnDef::new(Invoices::CreditorReference).string())
                .col(text(Invoices::Status))
                .col(instant(Invoices::CreatedAt).not_null())
                .col(instant(Invoices::UpdatedAt).not_null())
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_invoices_status")
                .table(Invoices::Table)
                .col(Invoices::Status)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Matches::Table)
                .if_not_exists()
                .col(id(Matches::Id))
                .col(
                    ColumnDef::new(Matches::TransactionId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Matches::InvoiceId).big_integer().not_null())
                .col(text(Matches::Amount))
                .col(text(Matches::Confidence))
                .col(text(Matches::Method))
                .col(ColumnDef::new(Matches::Reasons).text().not_null())
                .col(text(Matches::Status))
                .col(ColumnDef::new(Matches::DecidedBy).string())
                .col(instant(Matches::CreatedAt).not_null())
                .col(instant(Matches::DecidedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Matches::Table, Matches::TransactionId)
                        .to(Transactions::Table, Transactions::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Matches::Table, Matches::InvoiceId)
                        .to(Invoices::Table, Invoices::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        for (name, col) in [
            ("ix_matches_transaction", Matches::TransactionId),
            ("ix_matches_invoice", Matches::InvoiceId),
        ] {
            m.create_index(
                Index::create()
                    .name(name)
                    .table(Matches::Table)
                    .col(col)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table(SyncRuns::Table)
                .if_not_exists()
                .col(id(SyncRuns::Id))
                .col(ColumnDef::new(SyncRuns::AccountId).big_integer().not_null())
                .col(text(SyncRuns::Trigger))
                .col(ColumnDef::new(SyncRuns::WindowFrom).date())
                .col(ColumnDef::new(SyncRuns::WindowTo).date())
                .col(instant(SyncRuns::StartedAt).not_null())
                .col(instant(SyncRuns::FinishedAt))
                .col(ColumnDef::new(SyncRuns::Fetched).big_integer().not_null())
                .col(ColumnDef::new(SyncRuns::Imported).big_integer().not_null())
                .col(ColumnDef::new(SyncRuns::Skipped).big_integer().not_null())
                .col(ColumnDef::new(SyncRuns::Updated).big_integer().not_null())
                .col(ColumnDef::new(SyncRuns::IngCalls).big_integer().not_null())
                .col(text(SyncRuns::Outcome))
                .col(ColumnDef::new(SyncRuns::Error).text())
                .foreign_key(&mut account_fk(SyncRuns::Table, SyncRuns::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sync_runs_account")
                .table(SyncRuns::Table)
                .col(SyncRuns::AccountId)
                .col(SyncRuns::Id)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AccountSync::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(AccountSync::AccountId)
                        .big_integer()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(AccountSync::Watermark).date())
                .col(instant(AccountSync::LastSuccessAt))
                .col(instant(AccountSync::NextAttemptAt))
                .col(ColumnDef::new(AccountSync::LeaseOwner).string())
                .col(instant(AccountSync::LeaseUntil))
                .foreign_key(&mut account_fk(AccountSync::Table, AccountSync::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(IngCalls::Table)
                .if_not_exists()
                .col(id(IngCalls::Id))
                .col(ColumnDef::new(IngCalls::AccountId).big_integer().not_null())
                .col(instant(IngCalls::At).not_null())
                .col(ColumnDef::new(IngCalls::UserInitiated).boolean().not_null())
                .foreign_key(&mut account_fk(IngCalls::Table, IngCalls::AccountId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_ing_calls_account_at")
                .table(IngCalls::Table)
                .col(IngCalls::AccountId)
                .col(IngCalls::At)
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IngCalls::Table.into_iden(),
            AccountSync::Table.into_iden(),
            SyncRuns::Table.into_iden(),
            Matches::Table.into_iden(),
            Invoices::Table.into_iden(),
            Balances::Table.into_iden(),
            OauthStates::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
