//! `secrets`: encrypted values (ING tokens), one per owner and kind. Only ciphertext is stored.

use sea_orm::entity::prelude::*;

/// A stored secret.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "secrets")]
pub struct Model {
    /// Our id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose secret (e.g. a connection id).
    pub owner: String,
    /// Which secret (`access_token`, `refresh_token`).
    pub kind: String,
    /// Id of the data key that sealed it (keys rotate).
    pub key_id: String,
    /// base64 of nonce ‖ AES-256-GCM ciphertext ‖ tag.
    pub ciphertext: String,
    /// When the secret stops being valid, if it does.
    pub expires_at: Option<TimeDateTimeWithTimeZone>,
    /// Last write.
    pub updated_at: TimeDateTimeWithTimeZone,
}

/// No relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
