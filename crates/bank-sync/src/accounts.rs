//! Account sync: the accounts a consent covers, with their balances. A bank account keeps one row
//! across consents: a new connection for accounts already known takes them over (re-attached,
//! history and call budget kept) instead of storing copies.

use std::net::IpAddr;

use ing_psd2::RequestOptions;
use storage::{AccountLink, NewAccount, NewBalance};

use crate::error::SyncError;
use crate::service::BankSync;

/// One account after a sync.
#[derive(Debug, Clone)]
pub struct SyncedAccount {
    /// As stored.
    pub account: storage::entity::account::Model,
    /// Whether this sync created it, took it over from an earlier connection, or found it.
    pub link: AccountLink,
}

impl SyncedAccount {
    /// Whether this sync stored it for the first time (a re-attached account is not new).
    pub fn created(&self) -> bool {
        self.link == AccountLink::Created
    }
}

impl BankSync {
    /// Fetches the connection's accounts from ING and stores the missing ones (when
    /// `create_missing`; an account an earlier connection of the same environment had is
    /// re-attached to this one rather than created), then their balances when the consent covers them. `psu_ip` is the
    /// user's address for a user-started sync, `None` for the worker.
    pub async fn sync_accounts(
        &self,
        connection: &storage::entity::connection::Model,
        create_missing: bool,
        psu_ip: Option<IpAddr>,
    ) -> Result<Vec<SyncedAccount>, SyncError> {
        let options = RequestOptions::for_psu(psu_ip);
        let remote = self
            .with_access(&connection.id, |token| {
                let options = options.clone();
                async move { self.client.accounts(&token, options).await }
            })
            .await?;
        let known = self.db.accounts_of(&connection.id).await?;
        let mut out = Vec::with_capacity(remote.len());
        for a in remote {
            // A malformed IBAN from the bank is kept as sent but reported.
            if let Err(e) = a.checked_iban() {
                tracing::warn!(account = %a.resource_id, error = %e, "account with an invalid IBAN");
            }
            let transactions_link = a.links.transactions.as_ref().map(|h| h.href.as_str());
            if let Some(existing) = known.iter().find(|k| k.resource_id == a.resource_id) {
                let account = self.keep_link(existing.clone(), transactions_link).await?;
                out.push(SyncedAccount {
                    account,
                    link: AccountLink::AlreadyAttached,
                });
                continue;
            }
            if !create_missing {
                continue;
            }
            let (account, link) = self
                .db
                .upsert_account(&NewAccount {
                    connection_id: connection.id.clone(),
                    resource_id: a.resource_id.clone(),
                    iban: a.iban.clone(),
                    name: a.name.clone(),
                    bank_name: "ING".into(),
                    currency: a.currency.clone(),
                    product: a.product.clone(),
                })
                .await?;
            if let AccountLink::KeptByNewerConnection { connection: newer } = &link {
                // A newer consent covers it; this (older) connection no longer syncs it.
                tracing::debug!(account = account.id, newer = %newer, "account kept by a newer connection");
                continue;
            }
            let account = self.keep_link(account, transactions_link).await?;
            out.push(SyncedAccount { account, link });
        }
        self.retire_replaced(&out).await?;
        if connection.scopes.contains(ing_psd2::SCOPE_BALANCES) {
            for s in &out {
                self.sync_balances(connection, &s.account, psu_ip).await?;
            }
        }
        Ok(out)
    }

    /// Stores the account list's `_links.transactions.href` on the account when it changed, so
    /// the transaction sync follows the link ING gave (with its `currency=`).
    async fn keep_link(
        &self,
        account: storage::entity::account::Model,
        link: Option<&str>,
    ) -> Result<storage::entity::account::Model, SyncError> {
        if account.transactions_link.as_deref() == link {
            return Ok(account);
        }
        Ok(self.db.set_transactions_link(account.id, link).await?)
    }

    /// Connections whose accounts this sync took over entirely are `Replaced`: their refresh
    /// tokens are revoked at ING and forgotten here, so no older consent stays usable.
    async fn retire_replaced(&self, synced: &[SyncedAccount]) -> Result<(), SyncError> {
        let mut previous: Vec<&str> = synced
            .iter()
            .filter_map(|s| match &s.link {
                AccountLink::Reattached {
                    previous_connection,
                } => Some(previous_connection.as_str()),
                _ => None,
            })
            .collect();
        previous.sort_unstable();
        previous.dedup();
        for id in previous {
            let replaced = self
                .db
                .find_connection(id)
                .await?
                .is_some_and(|c| c.status == storage::ConnectionStatus::Replaced);
            if replaced {
                let at_bank = self.forget_tokens(id).await?;
                tracing::info!(connection = %id, ?at_bank, "replaced connection's tokens revoked");
            }
        }
        Ok(())
    }

    /// Fetches and stores one account's balances. Every request sent is recorded against the
    /// account; unattended ones (`psu_ip` `None`) are capped by the allowance left.
    pub async fn sync_balances(
        &self,
        connection: &storage::entity::connection::Model,
        account: &storage::entity::account::Model,
        psu_ip: Option<IpAddr>,
    ) -> Result<usize, SyncError> {
        let counter = ing_psd2::RequestCounter::new();
        if psu_ip.is_none() {
            counter.set_limit(Some(self.allowance_left(account.id).await?));
        }
        let options = RequestOptions {
            psu_ip_address: psu_ip,
            counter: Some(counter.clone()),
        };
        let resource = account.resource_id.clone();
        let report = self
            .with_access(&connection.id, |token| {
                let resource = resource.clone();
                let options = options.clone();
                async move { self.client.balances(&token, &resource, options).await }
            })
            .await;
        self.db
            .record_ing_calls(account.id, counter.take(), psu_ip.is_some(), self.now())
            .await?;
        let report = report?;
        let balances: Vec<NewBalance> = report
            .balances
            .iter()
            .map(|b| NewBalance {
                balance_type: b.balance_type.as_str().to_owned(),
                amount: b.balance_amount.amount,
                currency: b.balance_amount.currency.clone(),
                reference_date: b.reference_date,
            })
            .collect();
        self.db
            .record_balances(account.id, &balances, self.now())
            .await?;
        Ok(balances.len())
    }
}

/// Which of a connection's accounts a caller means: by our id, by ING's resource id, or both
/// (then both must name the same account).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountSelector<'a> {
    /// Our account id (from an accounts sync).
    pub account_id: Option<i64>,
    /// ING's resource id of the account.
    pub resource_id: Option<&'a str>,
}

impl BankSync {
    /// The connection's account the selector names. Only the connection's own accounts can be
    /// named, so a token for one connection never reaches another's account.
    pub async fn select_account(
        &self,
        connection: &storage::entity::connection::Model,
        selector: AccountSelector<'_>,
    ) -> Result<storage::entity::account::Model, SyncError> {
        let resource = selector.resource_id.filter(|r| !r.is_empty());
        if selector.account_id.is_none() && resource.is_none() {
            return Err(SyncError::BadRequest(
                "give account_id (from accounts/sync) or psd2_account_id".into(),
            ));
        }
        self.db
            .accounts_of(&connection.id)
            .await?
            .into_iter()
            .find(|a| {
                selector.account_id.is_none_or(|id| a.id == id)
                    && resource.is_none_or(|r| a.resource_id == r)
            })
            .ok_or_else(|| {
                SyncError::NotFound(
                    "no account of this connection has that account_id / psd2_account_id; \
                     run accounts/sync first"
                        .into(),
                )
            })
    }
}
