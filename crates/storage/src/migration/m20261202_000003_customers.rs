//! Customers as the back office numbers them, their known and rejected payers, and the invoice's
//! customer.
//!
//! Existing invoices keep a null `customer_id` and are grouped by name as before; nothing is
//! guessed for them (two customers of the same name cannot be told apart after the fact).

use sea_orm::ConnectionTrait as _;
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
    Number,
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustomerPayers {
    Table,
    Id,
    CustomerId,
    Iban,
    Name,
    Origin,
    MatchId,
    DecidedBy,
    CreatedAt,
}

fn instant<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Customers::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(Customers::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(Customers::Number)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Customers::Name).string().not_null())
                .col(instant(Customers::CreatedAt))
                .col(instant(Customers::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(CustomerPayers::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(CustomerPayers::Id)
                        .big_integer()
                        .not_null()
                        .auto_increment()
                        .primary_key(),
                )
                .col(
                    ColumnDef::new(CustomerPayers::CustomerId)
                        .big_integer()
                        .not_null(),
                )
                .col(ColumnDef::new(CustomerPayers::Iban).string())
                .col(ColumnDef::new(CustomerPayers::Name).string())
                .col(ColumnDef::new(CustomerPayers::Origin).string().not_null())
                .col(ColumnDef::new(CustomerPayers::MatchId).big_integer())
                .col(ColumnDef::new(CustomerPayers::DecidedBy).string())
                .col(instant(CustomerPayers::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(CustomerPayers::Table, CustomerPayers::CustomerId)
                        .to(Customers::Table, Customers::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_customer_payers_customer")
                .table(CustomerPayers::Table)
                .col(CustomerPayers::CustomerId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        // A column with a reference, added in place: the same SQL on SQLite (which cannot add a
        // foreign key through ALTER TABLE … ADD CONSTRAINT) and PostgreSQL. Rows keep NULL.
        let db = m.get_connection();
        db.execute_unprepared(
            "ALTER TABLE invoices ADD COLUMN customer_id BIGINT NULL REFERENCES customers (id)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_invoices_customer ON invoices (customer_id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS ix_invoices_customer")
            .await?;
        db.execute_unprepared("ALTER TABLE invoices DROP COLUMN customer_id")
            .await?;
        m.drop_table(Table::drop().table(CustomerPayers::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(Customers::Table).to_owned())
            .await
    }

    /// All or nothing on SQLite too: a half-applied migration would leave the column without
    /// its tables.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
