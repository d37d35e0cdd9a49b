//! Users with roles and password hashes, API tokens with roles (digests only), banking-page
//! sessions in the database, and the append-only audit log.
//!
//! On PostgreSQL a trigger refuses `UPDATE` and `DELETE` on `audit_log`, so not even a raw
//! statement of ours can rewrite history; SQLite gets the same with `RAISE(ABORT)` triggers.

use sea_orm::ConnectionTrait as _;
use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    DisplayName,
    Role,
    PasswordHash,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    UserId,
    Role,
    TokenDigest,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    IdDigest,
    UserId,
    Csrf,
    CreatedAt,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    Action,
    Subject,
    Details,
}

fn instant<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn id<T: IntoIden>(c: T) -> ColumnDef {
    ColumnDef::new(c)
        .big_integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

/// The triggers that keep `audit_log` append-only, per engine.
const PG_APPEND_ONLY_FUNCTION: &str = "
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$ LANGUAGE plpgsql";
const PG_APPEND_ONLY_TRIGGER: &str = "CREATE TRIGGER audit_log_append_only \
     BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()";
const SQLITE_NO_UPDATE: &str = "CREATE TRIGGER IF NOT EXISTS audit_log_no_update \
     BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END";
const SQLITE_NO_DELETE: &str = "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete \
     BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .if_not_exists()
                .col(id(Users::Id))
                .col(
                    ColumnDef::new(Users::Username)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(ColumnDef::new(Users::DisplayName).string().not_null())
                .col(ColumnDef::new(Users::Role).string().not_null())
                .col(ColumnDef::new(Users::PasswordHash).string().not_null())
                .col(
                    ColumnDef::new(Users::Disabled)
                        .boolean()
                        .not_null()
                        .default(false),
                )
                .col(instant(Users::CreatedAt))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(ApiTokens::Table)
                .if_not_exists()
                .col(id(ApiTokens::Id))
                .col(ColumnDef::new(ApiTokens::Name).string().not_null())
                .col(ColumnDef::new(ApiTokens::UserId).big_integer())
                .col(ColumnDef::new(ApiTokens::Role).string().not_null())
                .col(
                    ColumnDef::new(ApiTokens::TokenDigest)
                        .string()
                        .not_null()
                        .unique_key(),
                )
                .col(instant(ApiTokens::CreatedAt))
                .col(ColumnDef::new(ApiTokens::LastUsedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(ApiTokens::RevokedAt).timestamp_with_time_zone())
                .foreign_key(
                    ForeignKey::create()
                        .from(ApiTokens::Table, ApiTokens::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Sessions::Table)
                .if_not_exists()
                .col(
                    ColumnDef::new(Sessions::IdDigest)
                        .string()
                        .not_null()
                        .primary_key(),
                )
                .col(ColumnDef::new(Sessions::UserId).big_integer().not_null())
                .col(ColumnDef::new(Sessions::Csrf).string().not_null())
                .col(instant(Sessions::CreatedAt))
                .col(instant(Sessions::LastSeenAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Sessions::Table, Sessions::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_sessions_user")
                .table(Sessions::Table)
                .col(Sessions::UserId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .if_not_exists()
                .col(id(AuditLog::Id))
                .col(instant(AuditLog::At))
                .col(ColumnDef::new(AuditLog::Actor).string().not_null())
                .col(ColumnDef::new(AuditLog::Action).string().not_null())
                .col(ColumnDef::new(AuditLog::Subject).string())
                .col(ColumnDef::new(AuditLog::Details).text().not_null())
                .to_owned(),
        )
        .await?;
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(PG_APPEND_ONLY_FUNCTION).await?;
                db.execute_unprepared(PG_APPEND_ONLY_TRIGGER).await?;
            }
            DbBackend::Sqlite => {
                db.execute_unprepared(SQLITE_NO_UPDATE).await?;
                db.execute_unprepared(SQLITE_NO_DELETE).await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "users and audit: {other:?} is not supported"
                )));
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        if db.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
                .await?;
            db.execute_unprepared("DROP FUNCTION IF EXISTS audit_log_append_only()")
                .await?;
        }
        for table in ["audit_log", "sessions", "api_tokens", "users"] {
            m.drop_table(
                Table::drop()
                    .table(Alias::new(table))
                    .if_exists()
                    .to_owned(),
            )
            .await?;
        }
        Ok(())
    }
}
