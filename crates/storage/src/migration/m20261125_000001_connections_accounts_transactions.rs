//! Connections, accounts, transactions and encrypted secrets.
//!
//! Money is exact text (`amount` holds the decimal as written, e.g. `-9999999999999.9999`): sea-orm
//! maps `Decimal` to a float on SQLite, which rounds large amounts. Dates are plain dates.

use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Connections {
    Table,
    Id,
    Provider,
    Environment,
    ClientId,
    Status,
    StatusReason,
    Scopes,
    ConsentGrantedAt,
    ConsentValidUntil,
    LastScaAt,
    TokenHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    ConnectionId,
    ResourceId,
    Iban,
    Name,
    BankName,
    Currency,
    Product,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Transactions {
    Table,
    Id,
    AccountId,
    DedupeKey,
    BankTransactionId,
    EntryReference,
    EndToEndId,
    BookingDate,
    ValueDate,
    Amount,
    Currency,
    CounterpartyName,
    CounterpartyIban,
    RemittanceUnstructured,
    RemittanceStructured,
    BankTransactionCode,
    Status,
    SupersededBy,
    RawJson,
    ReconciliationState,
    ImportedAt,
}

#[derive(DeriveIden)]
enum Secrets {
    Table,
    Id,
    Owner,
    Kind,
    KeyId,
    Ciphertext,
    ExpiresAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let instant = |c: Connections| ColumnDef::new(c).timestamp_with_time_zone().to_owned();
        m.create_table(
            Table::create()
                .table(Connections::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(Connections::Id)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Connections::Provider).string().not_null())
                .col(ColumnDef::new(Connections::Environment).string().not_null())
                .col(ColumnDef::new(Connections::ClientId).string().not_null())
                .col(ColumnDef::new(Connections::Status).string().not_null())
                .col(ColumnDef::new(Connections::StatusReason).text())
                .col(ColumnDef::new(Connections::Scopes).string().not_null())
                .col(instant(Connections::ConsentGrantedAt))
                .col(instant(Connections::ConsentValidUntil))
                .col(instant(Connections::LastScaAt))
                .col(ColumnDef::new(Connections::TokenHash).string().unique_key())
                .col(instant(Connections::CreatedAt).not_null())
                .col(instant(Connections::UpdatedAt).not_null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Accounts::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(Accounts::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Accounts::ConnectionId).string().not_null())
                .col(ColumnDef::new(Accounts::ResourceId).string().not_null())
                .col(ColumnDef::new(Accounts::Iban).string())
                .col(ColumnDef::new(Accounts::Name).string().not_null())
                .col(ColumnDef::new(Accounts::BankName).string().not_null())
                .col(ColumnDef::new(Accounts::Currency).string().not_null())
                .col(ColumnDef::new(Accounts::Product).string())
                .col(
                    ColumnDef::new(Accounts::CreatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_accounts_connection")
                        .from(Accounts::Table, Accounts::ConnectionId)
                        .to(Connections::Table, Connections::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_accounts_connection_resource")
                .table(Accounts::Table)
                .col(Accounts::ConnectionId)
                .col(Accounts::ResourceId)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Transactions::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(Transactions::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Transactions::AccountId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(Transactions::DedupeKey).string().not_null())
                .col(ColumnDef::new(Transactions::BankTransactionId).string())
                .col(ColumnDef::new(Transactions::EntryReference).string())
                .col(ColumnDef::new(Transactions::EndToEndId).string())
                .col(ColumnDef::new(Transactions::BookingDate).date())
                .col(ColumnDef::new(Transactions::ValueDate).date())
                .col(ColumnDef::new(Transactions::Amount).string().not_null())
                .col(ColumnDef::new(Transactions::Currency).string().not_null())
                .col(ColumnDef::new(Transactions::CounterpartyName).string())
                .col(ColumnDef::new(Transactions::CounterpartyIban).string())
                .col(ColumnDef::new(Transactions::RemittanceUnstructured).text())
                .col(ColumnDef::new(Transactions::RemittanceStructured).string())
                .col(ColumnDef::new(Transactions::BankTransactionCode).string())
                .col(ColumnDef::new(Transactions::Status).string().not_null())
                .col(ColumnDef::new(Transactions::SupersededBy).big_integer())
                .col(ColumnDef::new(Transactions::RawJson).text().not_null())
                .col(
                    ColumnDef::new(Transactions::ReconciliationState)
                        .string()
                        .not_null(),
                )
                .col(
                    ColumnDef::new(Transactions::ImportedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_transactions_account")
                        .from(Transactions::Table, Transactions::AccountId)
                        .to(Accounts::Table, Accounts::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Pending rows are looked up on every page that brings booked ones (supersede); without
        // this index that lookup scans the account and imports grow quadratically.
        m.create_index(
            Index::create()
                .name("ix_transactions_account_status")
                .table(Transactions::Table)
                .col(Transactions::AccountId)
                .col(Transactions::Status)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_transactions_account_dedupe")
                .table(Transactions::Table)
                .col(Transactions::AccountId)
                .col(Transactions::DedupeKey)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Secrets::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(Secrets::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(ColumnDef::new(Secrets::Owner).string().not_null())
                .col(ColumnDef::new(Secrets::Kind).string().not_null())
                .col(ColumnDef::new(Secrets::KeyId).string().not_null())
                .col(ColumnDef::new(Secrets::Ciphertext).text().not_null())
                .col(ColumnDef::new(Secrets::ExpiresAt).timestamp_with_time_zone())
                .col(
                    ColumnDef::new(Secrets::UpdatedAt)
                        .timestamp_with_time_zone()
                        .not_null(),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_secrets_owner_kind")
                .table(Secrets::Table)
                .col(Secrets::Owner)
                .col(Secrets::Kind)
                .unique()
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Secrets::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Transactions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Accounts::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Connections::Table).to_owned())
            .await
    }
}
