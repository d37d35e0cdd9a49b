//! The living ledger: every entry of every account with the days it is visible, so the AIS
//! endpoints, the balances and `/__sandbox/ledger` can answer "what does the bank show today".
//!
//! A record is visible from the day it appears until (not including) the day it ends — a
//! pending entry ends when it books or vanishes; booked entries never end. A booked record may
//! carry later revisions (enriched texts), each visible from its own day. Days are materialized
//! lazily, in order, when the simulated clock has moved past the last materialized day; what a
//! day adds is decided in [`crate::evolve`], deterministically from the seed, the account and the
//! day, so the same seed and start give the same ledger whatever the order of requests.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use time::Date;

use crate::data::{GroundTruth, Invoice, Status, Transaction};
use crate::record::{AccountHistory, Record};

/// One account as the bank shows it on one day: the truth an outside checker compares a
/// client's copy with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerView {
    /// The (simulated) day this is the truth of.
    pub day: Date,
    /// Booked entries visible that day, newest first by booking date, each in its latest
    /// revision — every booked entry ever, not only a date window.
    pub booked: Vec<Transaction>,
    /// Pending entries open that day.
    pub pending: Vec<Transaction>,
    /// Invoices settled by visible incoming payments that the evolving ledger added (those of
    /// the generated history are in [`GroundTruth::invoices`]).
    pub invoices: Vec<Invoice>,
    /// Balance of the booked entries (`closingBooked`).
    pub booked_balance: Decimal,
    /// Booked balance plus open pending entries (`expected`).
    pub expected_balance: Decimal,
}

impl View {
    pub(crate) fn public(&self, day: Date) -> LedgerView {
        LedgerView {
            day,
            booked: self.booked.iter().rev().cloned().collect(),
            pending: self.pending.clone(),
            invoices: self.invoices.clone(),
            booked_balance: self.booked_balance,
            expected_balance: self.expected_balance,
        }
    }

    /// The static data of an account without an evolving ledger.
    pub(crate) fn of_account(account: &crate::data::Account) -> Self {
        let mut booked: Vec<Transaction> = account
            .transactions
            .iter()
            .filter(|t| t.status == Status::Booked)
            .cloned()
            .collect();
        booked.sort_by(|a, b| (a.date(), &a.key).cmp(&(b.date(), &b.key)));
        Self {
            booked,
            pending: account
                .transactions
                .iter()
                .filter(|t| t.status == Status::Pending)
                .cloned()
                .collect(),
            invoices: Vec::new(),
            booked_balance: account.booked_balance(),
            expected_balance: account.expected_balance(),
        }
    }
}

/// What one account shows on one day.
#[derive(Debug, Clone)]
pub(crate) struct View {
    /// Booked entries, oldest first by (booking date, key).
    pub(crate) booked: Vec<Transaction>,
    /// Pending entries open that day, oldest first by (value date, key).
    pub(crate) pending: Vec<Transaction>,
    /// Invoices settled by the visible evolved payments.
    pub(crate) invoices: Vec<Invoice>,
    /// Opening balance plus the visible booked amounts.
    pub(crate) booked_balance: Decimal,
    /// Booked balance plus the open pending amounts.
    pub(crate) expected_balance: Decimal,
}

/// One account's records and how far its days are materialized.
#[derive(Debug)]
struct AccountLedger {
    /// The records, and what the days' events need to add to them.
    history: AccountHistory,
    opening_balance: Decimal,
    /// The last day whose events are in `history`.
    through: Date,
    cache: Option<(Date, Arc<View>)>,
}

/// The living truth of every account.
#[derive(Debug)]
pub(crate) struct Ledger {
    seed: u64,
    accounts: HashMap<String, Mutex<AccountLedger>>,
}

impl Ledger {
    /// A ledger whose history is `truth` (generated up to `start`) and whose days after `start`
    /// evolve from `seed`.
    pub(crate) fn new(truth: &GroundTruth, seed: u64, start: Date) -> Self {
        let mut accounts = HashMap::new();
        for (no, account) in truth.profiles.iter().flat_map(|p| &p.accounts).enumerate() {
            let no = no as u64;
            let mut history = AccountHistory {
                no,
                resource_id: account.resource_id.clone(),
                dutch: account.iban.starts_with("NL"),
                records: Vec::with_capacity(account.transactions.len()),
                ids: HashSet::new(),
                // Far above the generator's global sequence, one block per account.
                invoice_seq: 1_000_000 * (no as u32 % 4000 + 1),
            };
            let mut initial_pending = Vec::new();
            for t in &account.transactions {
                if let Some(id) = &t.transaction_id {
                    history.ids.insert(id.clone());
                }
                match t.status {
                    // Generated history has always been there.
                    Status::Booked => history.records.push(Record::new(Date::MIN, t.clone())),
                    Status::Pending => initial_pending.push(t.clone()),
                }
            }
            crate::evolve::settle_initial(&mut history, seed, start, initial_pending);
            let ledger = AccountLedger {
                history,
                opening_balance: account.opening_balance,
                through: start,
                cache: None,
            };
            accounts.insert(account.resource_id.clone(), Mutex::new(ledger));
        }
        Self { seed, accounts }
    }

    /// What the account shows on `day` (materializing days up to it first); `None` for an
    /// unknown account.
    pub(crate) fn view(&self, resource_id: &str, day: Date) -> Option<Arc<View>> {
        let mut account = self
            .accounts
            .get(resource_id)?
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while account.through < day {
            let Some(next) = account.through.next_day() else {
                break;
            };
            crate::evolve::day(&mut account.history, self.seed, next);
            account.through = next;
        }
        if let Some((cached, view)) = &account.cache
            && *cached == day
        {
            return Some(view.clone());
        }
        let view = Arc::new(account.build(day));
        account.cache = Some((day, view.clone()));
        Some(view)
    }
}

impl AccountLedger {
    fn build(&self, day: Date) -> View {
        let mut booked = Vec::new();
        let mut pending = Vec::new();
        let mut invoices = Vec::new();
        for r in &self.history.records {
            let Some(t) = r.as_of(day) else { continue };
            match t.status {
                Status::Booked => booked.push(t.clone()),
                Status::Pending => pending.push(t.clone()),
            }
            if let Some(inv) = &r.invoice {
                invoices.push(inv.clone());
            }
        }
        booked.sort_by(|a, b| (a.date(), &a.key).cmp(&(b.date(), &b.key)));
        pending.sort_by(|a, b| (a.date(), &a.key).cmp(&(b.date(), &b.key)));
        let booked_balance =
            self.opening_balance + booked.iter().map(|t| t.amount).sum::<Decimal>();
        let expected_balance = booked_balance + pending.iter().map(|t| t.amount).sum::<Decimal>();
        View {
            booked,
            pending,
            invoices,
            booked_balance,
            expected_balance,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use time::Duration;
    use time::macros::date;

    use super::*;
    use crate::data::{DataConfig, generate_until};

    const START: Date = date!(2026 - 03 - 02);

    fn ledger(seed: u64) -> (GroundTruth, Ledger) {
        let config = DataConfig {
            seed,
            transactions_per_account: 60,
            ..DataConfig::default()
        };
        let truth = generate_until(&config, START);
        let ledger = Ledger::new(&truth, seed, START);
        (truth, ledger)
    }

    fn ids(truth: &GroundTruth) -> Vec<String> {
        truth
            .profiles
            .iter()
            .flat_map(|p| &p.accounts)
            .map(|a| a.resource_id.clone())
            .collect()
    }

    /// Every account's view for each of `days` days after the start.
    fn history(ledger: &Ledger, accounts: &[String], days: i64) -> Vec<Vec<Arc<View>>> {
        accounts
            .iter()
            .map(|id| {
                (0..=days)
                    .map(|d| ledger.view(id, START + Duration::days(d)).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_ledger_whatever_the_order_of_questions() {
        let (truth, a) = ledger(42);
        let (_, b) = ledger(42);
        let accounts = ids(&truth);
        let day = START + Duration::days(30);
        // `a` is asked day by day, `b` jumps straight to day 30.
        let walked = history(&a, &accounts, 30);
        for (id, days) in accounts.iter().zip(&walked) {
            let jumped = b.view(id, day).unwrap();
            assert_eq!(days[30].booked, jumped.booked);
            assert_eq!(days[30].pending, jumped.pending);
        }
        let (other_truth, c) = ledger(7);
        let other = c.view(&ids(&other_truth)[0], day).unwrap();
        assert_ne!(
            other.booked.iter().map(|t| &t.amount).collect::<Vec<_>>(),
            walked[0][30]
                .booked
                .iter()
                .map(|t| &t.amount)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn thirty_days_bring_reamounted_bookings_vanishing_holds_back_dated_and_enriched_entries() {
        let (truth, ledger) = ledger(42);
        let accounts = ids(&truth);
        let days = history(&ledger, &accounts, 30);
        let (mut reamounted, mut vanished, mut back_dated, mut enriched) = (0, 0, 0, 0);
        let mut all_ids = HashMap::new();
        for account in &days {
            let mut first_seen: HashMap<String, Date> = HashMap::new();
            let mut text: HashMap<String, (Option<String>, String)> = HashMap::new();
            for (d, view) in account.iter().enumerate() {
                let day = START + Duration::days(d as i64);
                // Booked entries: unique ids, back-dated by at most 5 days, enriched in place.
                for t in &view.booked {
                    let id = t.transaction_id.clone().unwrap();
                    assert_eq!(all_ids.entry(id.clone()).or_insert(t.key.clone()), &t.key);
                    if !first_seen.contains_key(&t.key) {
                        first_seen.insert(t.key.clone(), day);
                        if d > 0 && t.key.starts_with("ev-") {
                            let lag = (day - t.date()).whole_days();
                            assert!((0..=5).contains(&lag), "{} lags {lag} days", t.key);
                            if lag > 0 && !t.key.ends_with("-booked") {
                                back_dated += 1;
                            }
                        }
                    }
                    let now = (
                        t.remittance_unstructured.clone(),
                        t.counterparty_name.clone(),
                    );
                    if let Some(before) = text.insert(t.key.clone(), now.clone())
                        && before != now
                    {
                        enriched += 1;
                    }
                    assert_eq!(t.amount.scale(), 2, "{}", t.amount);
                }
            }
            // Pending entries: how each one ended.
            let mut pending: BTreeMap<String, (Transaction, Date)> = BTreeMap::new();
            for (d, view) in account.iter().enumerate() {
                for t in &view.pending {
                    assert!(t.transaction_id.is_none() && t.booking_date.is_none());
                    let seen = pending.entry(t.key.clone()).or_insert((t.clone(), START));
                    // A pending entry looks the same every day it is open.
                    assert_eq!(&seen.0, t);
                    seen.1 = START + Duration::days(d as i64);
                }
            }
            let last = account.len() - 1;
            for (key, (t, last_open)) in &pending {
                if *last_open == START + Duration::days(last as i64) {
                    continue; // still open
                }
                let booked_key = format!("{key}-booked");
                match account[last].booked.iter().find(|b| b.key == booked_key) {
                    Some(b) => {
                        assert_eq!(b.booking_date, Some(*last_open + Duration::days(1)));
                        assert_eq!(b.counterparty_name, t.counterparty_name);
                        assert_eq!(b.counterparty_iban, t.counterparty_iban);
                        assert!(b.transaction_id.is_some());
                        if b.amount != t.amount {
                            reamounted += 1;
                            let ratio = b.amount / t.amount;
                            assert!(
                                ratio >= Decimal::new(97, 2) && ratio <= Decimal::new(120, 2),
                                "{} → {}",
                                t.amount,
                                b.amount
                            );
                        }
                    }
                    None => vanished += 1,
                }
            }
        }
        assert!(
            reamounted > 0,
            "no pending entry booked with another amount"
        );
        assert!(vanished > 0, "no hold vanished");
        assert!(back_dated > 0, "no back-dated booking");
        assert!(enriched > 0, "no entry was enriched");
    }

    #[test]
    fn balances_agree_with_the_booked_entries() {
        let (truth, ledger) = ledger(42);
        let account = &truth.profiles[0].accounts[0];
        let view = ledger
            .view(&account.resource_id, START + Duration::days(20))
            .unwrap();
        let booked: Decimal = view.booked.iter().map(|t| t.amount).sum();
        let pending: Decimal = view.pending.iter().map(|t| t.amount).sum();
        assert_eq!(view.booked_balance, account.opening_balance + booked);
        assert_eq!(view.expected_balance, view.booked_balance + pending);
    }

    #[test]
    fn four_hundred_days_of_six_accounts_answer_quickly() {
        let (truth, ledger) = ledger(42);
        let started = std::time::Instant::now();
        for id in ids(&truth) {
            let view = ledger.view(&id, START + Duration::days(400)).unwrap();
            assert!(view.booked.len() > 400 * 2);
        }
        let first = started.elapsed();
        assert!(first < std::time::Duration::from_secs(5), "{first:?}");
        // Asked again the same day: the cached view.
        let again = std::time::Instant::now();
        for id in ids(&truth) {
            ledger.view(&id, START + Duration::days(400)).unwrap();
        }
        assert!(again.elapsed() < std::time::Duration::from_millis(50));
    }
}
