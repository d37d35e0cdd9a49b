//! Seeded test data and its ground truth: profiles, accounts, transactions, and the invoices the
//! incoming payments settle. The same seed gives the same data on every machine (ChaCha8).
//!
//! What it imitates, because it is what makes bank sync hard: German and Dutch counterparties with
//! valid IBANs, invoice numbers written the ways real payers write them (bare, with words, SEPA
//! `SVWZ+`/`EREF+` tags, other separators, Dutch `<br>`-separated texts), ISO 11649 `RF`
//! references, `NOTPROVIDED` end-to-end ids, pending entries without ids, outgoing payments, and
//! several years of history.

use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use time::{Date, Duration, OffsetDateTime};

/// Size and shape of the generated data.
#[derive(Debug, Clone)]
pub struct DataConfig {
    /// Seed: the same seed gives the same data.
    pub seed: u64,
    /// Test profiles (people who can grant consent); at least 1. "Popescu Corina" is the first.
    pub profiles: usize,
    /// Accounts per profile.
    pub accounts_per_profile: usize,
    /// Transactions per account (booked and pending).
    pub transactions_per_account: usize,
    /// Years of history.
    pub years: u32,
}

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            profiles: 3,
            accounts_per_profile: 2,
            transactions_per_account: 200,
            years: 2,
        }
    }
}

/// Booked or pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Booked on the account.
    Booked,
    /// Not yet booked.
    Pending,
}

/// One generated transaction, as the sandbox serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transaction {
    /// Unique within the sandbox (ground-truth identity; pending entries have no `transaction_id`).
    pub key: String,
    /// ING's `transactionId` (booked entries only).
    pub transaction_id: Option<String>,
    /// `entryReference`.
    pub entry_reference: Option<String>,
    /// `endToEndId` (`NOTPROVIDED` where the payer gave none).
    pub end_to_end_id: String,
    /// Booked or pending.
    pub status: Status,
    /// `bookingDate` (pending entries have none).
    pub booking_date: Option<Date>,
    /// `valueDate`.
    pub value_date: Date,
    /// Signed amount: incoming > 0, outgoing < 0.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Debtor of incoming, creditor of outgoing money.
    pub counterparty_name: String,
    /// The counterparty's IBAN.
    pub counterparty_iban: String,
    /// `remittanceInformationUnstructured`.
    pub remittance_unstructured: Option<String>,
    /// `remittanceInformationStructured.reference` (an RF creditor reference).
    pub remittance_structured: Option<String>,
    /// `transactionType`.
    pub transaction_type: String,
    /// The invoice number this payment settles, if it settles one.
    pub pays_invoice: Option<String>,
}

impl Transaction {
    /// The date the sandbox filters and sorts by: booking date, or value date while pending.
    pub fn date(&self) -> Date {
        self.booking_date.unwrap_or(self.value_date)
    }
}

/// One account.
#[derive(Debug, Clone)]
pub struct Account {
    /// `resourceId` (a UUID).
    pub resource_id: String,
    /// IBAN.
    pub iban: String,
    /// Holder name.
    pub name: String,
    /// ISO 4217.
    pub currency: String,
    /// Product name.
    pub product: String,
    /// Balance before the first generated transaction.
    pub opening_balance: Decimal,
    /// Transactions, oldest first.
    pub transactions: Vec<Transaction>,
}

impl Account {
    /// Booked balance: opening balance plus every booked amount.
    pub fn booked_balance(&self) -> Decimal {
        self.opening_balance
            + self
                .transactions
                .iter()
                .filter(|t| t.status == Status::Booked)
                .map(|t| t.amount)
                .sum::<Decimal>()
    }

    /// Expected balance: booked plus pending.
    pub fn expected_balance(&self) -> Decimal {
        self.opening_balance + self.transactions.iter().map(|t| t.amount).sum::<Decimal>()
    }
}

/// A test profile: a person who can grant consent to their accounts.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Id used by the consent page and `grantssupport`.
    pub id: String,
    /// Name shown.
    pub name: String,
    /// ISO 3166 country.
    pub country: String,
    /// The accounts a consent by this profile covers.
    pub accounts: Vec<Account>,
}

/// An invoice that an incoming payment settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// Invoice number, e.g. `RE-2025-0042`.
    pub number: String,
    /// The account (resource id) the payment arrives on.
    pub account_resource_id: String,
    /// Customer name as invoiced (may differ from the payer's name on the payment).
    pub customer_name: String,
    /// Customer IBAN known to the back office.
    pub customer_iban: String,
    /// Invoice total.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Issue date.
    pub issue_date: Date,
    /// Due date.
    pub due_date: Date,
    /// ISO 11649 creditor reference printed on the invoice.
    pub rf_reference: String,
}

/// Everything generated, for tests to compare against.
#[derive(Debug, Clone)]
pub struct GroundTruth {
    /// Profiles with their accounts and transactions.
    pub profiles: Vec<Profile>,
    /// Invoices settled by incoming payments.
    pub invoices: Vec<Invoice>,
}

impl GroundTruth {
    /// An account by resource id.
    pub fn account(&self, resource_id: &str) -> Option<&Account> {
        self.profiles
            .iter()
            .flat_map(|p| &p.accounts)
            .find(|a| a.resource_id == resource_id)
    }

    /// A profile by id.
    pub fn profile(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }
}

const PROFILE_NAMES: &[(&str, &str)] = &[
    ("Popescu Corina", "RO"),
    ("Müller Maschinenbau GmbH", "DE"),
    ("Van Dijk Installatietechniek B.V.", "NL"),
    ("Schneider & Söhne KG", "DE"),
    ("De Vries Bouw B.V.", "NL"),
];
const DE_PAYERS: &[&str] = &[
    "Bäckerei Schulz GmbH",
    "Hoffmann Logistik AG",
    "Meyer Elektro e.K.",
    "Wagner IT-Service UG",
    "Becker & Partner mbB",
    "Fischer Metallbau GmbH",
    "Klaus Weber",
    "Sabine Krüger",
    "Zimmermann Dachdecker GmbH",
    "Braun Medizintechnik AG",
];
const NL_PAYERS: &[&str] = &[
    "Jansen Transport B.V.",
    "Bakker Groenvoorziening",
    "Visser Techniek B.V.",
    "Smit Advies",
    "Mulder Horeca B.V.",
    "P. de Boer",
    "Meijer Installaties B.V.",
    "Dekker Schilderwerken",
];
const SUPPLIERS: &[&str] = &[
    "Deutsche Telekom AG",
    "Stadtwerke München GmbH",
    "Amazon EU S.a.r.l.",
    "Finanzamt Berlin",
    "KPN B.V.",
    "Vattenfall N.V.",
    "Allianz Versicherungs-AG",
    "Bürobedarf Schmidt GmbH",
];

/// Generates the data for `config`, its history ending today (UTC).
pub fn generate(config: &DataConfig) -> GroundTruth {
    generate_until(config, OffsetDateTime::now_utc().date())
}

/// Generates the data for `config` with a history ending on `today`: a sandbox whose simulated
/// clock starts elsewhere than the wall clock generates up to its own start date, so no entry
/// lies in its future.
pub fn generate_until(config: &DataConfig, today: Date) -> GroundTruth {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let history_days = i64::from(config.years.max(1)) * 365;
    let start = today - Duration::days(history_days);
    let mut invoices = Vec::new();
    let mut invoice_seq = 0u32;
    let mut tx_seq = 0u64;
    let mut profiles = Vec::with_capacity(config.profiles.max(1));
    for p in 0..config.profiles.max(1) {
        let (name, country) = PROFILE_NAMES[p % PROFILE_NAMES.len()];
        let name = if p < PROFILE_NAMES.len() {
            name.to_owned()
        } else {
            format!("{name} {p}")
        };
        let mut accounts = Vec::with_capacity(config.accounts_per_profile);
        for a in 0..config.accounts_per_profile {
            let resource_id = uuid_from(&mut rng);
            let dutch = country == "NL" || (country == "RO" && a % 2 == 1);
            let iban = if dutch {
                nl_iban(&mut rng)
            } else {
                de_iban(&mut rng)
            };
            let product = if a == 0 {
                "Current Account"
            } else {
                "Business Account"
            };
            let mut transactions = Vec::with_capacity(config.transactions_per_account);
            for i in 0..config.transactions_per_account {
                tx_seq += 1;
                // Spread evenly over the history with jitter; the last few are pending.
                // The last two of each account are pending, dated within the last three days.
                let pending = i + 2 >= config.transactions_per_account;
                let date = if pending {
                    today - Duration::days(rng.random_range(0..3))
                } else {
                    let pos =
                        (i as i64 * history_days) / config.transactions_per_account.max(1) as i64;
                    (start + Duration::days(pos + rng.random_range(0..2)))
                        .min(today - Duration::days(3))
                };
                let incoming = rng.random_bool(0.55);
                let (tx, invoice) = if incoming {
                    incoming_payment(&mut rng, dutch, date, &resource_id, &mut invoice_seq)
                } else {
                    (outgoing_payment(&mut rng, dutch, date), None)
                };
                let mut tx = tx;
                tx.key = format!("tx-{tx_seq:09}");
                if pending {
                    tx.status = Status::Pending;
                    tx.booking_date = None;
                    tx.transaction_id = None;
                    tx.entry_reference = None;
                } else {
                    tx.transaction_id = Some(format!("{:016X}", rng.random::<u64>()));
                }
                if let Some(inv) = invoice {
                    invoices.push(inv);
                }
                transactions.push(tx);
            }
            transactions.sort_by_key(|t| (t.date(), t.key.clone()));
            accounts.push(Account {
                resource_id,
                iban,
                name: name.clone(),
                currency: "EUR".to_owned(),
                product: product.to_owned(),
                opening_balance: Decimal::new(rng.random_range(100_000..5_000_000), 2),
                transactions,
            });
        }
        profiles.push(Profile {
            id: format!("profile-{}", p + 1),
            name,
            country: country.to_owned(),
            accounts,
        });
    }
    GroundTruth { profiles, invoices }
}

pub(crate) fn incoming_payment(
    rng: &mut ChaCha8Rng,
    dutch: bool,
    date: Date,
    account: &str,
    invoice_seq: &mut u32,
) -> (Transaction, Option<Invoice>) {
    let payers = if dutch { NL_PAYERS } else { DE_PAYERS };
    let payer = payers.choose(rng).copied().unwrap_or("Unbekannt");
    let payer_iban = if dutch { nl_iban(rng) } else { de_iban(rng) };
    let amount = Decimal::new(rng.random_range(2_500..900_000), 2);
    let end_to_end = if rng.random_bool(0.4) {
        "NOTPROVIDED".to_owned()
    } else {
        format!("E2E{:010}", rng.random_range(0..10_000_000_000u64))
    };
    let mut tx = blank(
        date,
        amount,
        payer,
        &payer_iban,
        end_to_end,
        if dutch {
            "Overschrijving"
        } else {
            "Überweisung"
        },
    );
    let mut invoice = None;
    if rng.random_bool(0.7) {
        *invoice_seq += 1;
        let year = date.year();
        let n = *invoice_seq;
        let number = format!("RE-{year}-{n:04}");
        let rf = rf_reference(&format!("{year}{n:04}"));
        let text = invoice_text(rng, dutch, year, n, &number, payer, &payer_iban, date);
        if rng.random_bool(0.15) {
            tx.remittance_structured = Some(rf.clone());
        } else {
            tx.remittance_unstructured = Some(text);
        }
        let issue = date - Duration::days(rng.random_range(3..40));
        invoice = Some(Invoice {
            number: number.clone(),
            account_resource_id: account.to_owned(),
            customer_name: payer.to_owned(),
            customer_iban: payer_iban,
            amount,
            currency: "EUR".to_owned(),
            issue_date: issue,
            due_date: issue + Duration::days(30),
            rf_reference: rf,
        });
        tx.pays_invoice = Some(number);
    } else {
        let texts: &[&str] = if dutch {
            &["Terugbetaling", "Voorschot project", "Huur"]
        } else {
            &["Gutschrift", "Anzahlung Projekt", "Erstattung"]
        };
        tx.remittance_unstructured = texts.choose(rng).map(|s| (*s).to_owned());
    }
    (tx, invoice)
}

#[allow(clippy::too_many_arguments)]
fn invoice_text(
    rng: &mut ChaCha8Rng,
    dutch: bool,
    year: i32,
    n: u32,
    number: &str,
    payer: &str,
    iban: &str,
    date: Date,
) -> String {
    if dutch {
        let forms = [
            format!(
                "Naam: {payer}<br>Omschrijving: factuur {number}<br>IBAN: {iban}<br>Valutadatum: {:02}-{:02}-{}",
                date.day(),
                u8::from(date.month()),
                date.year()
            ),
            format!("Factuur {year}.{n:04}"),
            format!("betaling factuurnr {number}"),
        ];
        forms.choose(rng).cloned().unwrap_or_default()
    } else {
        let forms = [
            number.to_owned(),
            format!("Rechnung {number}"),
            format!(
                "SVWZ+RE {year}-{n:04} EREF+{:08}",
                rng.random_range(0..100_000_000u32)
            ),
            format!("Rechnung Nr. {year}/{n}"),
            format!("Rg.-Nr. RE{year}{n:04} vielen Dank"),
            format!(
                "{} {number} Skonto abgezogen",
                payer.split_whitespace().next().unwrap_or("")
            ),
        ];
        forms.choose(rng).cloned().unwrap_or_default()
    }
}

pub(crate) fn outgoing_payment(rng: &mut ChaCha8Rng, dutch: bool, date: Date) -> Transaction {
    let supplier = SUPPLIERS.choose(rng).copied().unwrap_or("Lieferant");
    let iban = if rng.random_bool(0.5) {
        de_iban(rng)
    } else {
        nl_iban(rng)
    };
    let amount = -Decimal::new(rng.random_range(500..300_000), 2);
    let mut tx = blank(
        date,
        amount,
        supplier,
        &iban,
        "NOTPROVIDED".to_owned(),
        if dutch {
            "Online bankieren"
        } else {
            "Lastschrift"
        },
    );
    tx.remittance_unstructured = Some(format!(
        "Kundennr. {} Rechnung {}",
        rng.random_range(10_000..99_999),
        rng.random_range(100_000..999_999)
    ));
    tx
}

pub(crate) fn blank(
    date: Date,
    amount: Decimal,
    name: &str,
    iban: &str,
    e2e: String,
    kind: &str,
) -> Transaction {
    Transaction {
        key: String::new(),
        transaction_id: None,
        entry_reference: None,
        end_to_end_id: e2e,
        status: Status::Booked,
        booking_date: Some(date),
        value_date: date,
        amount,
        currency: "EUR".to_owned(),
        counterparty_name: name.to_owned(),
        counterparty_iban: iban.to_owned(),
        remittance_unstructured: None,
        remittance_structured: None,
        transaction_type: kind.to_owned(),
        pays_invoice: None,
    }
}

fn uuid_from(rng: &mut ChaCha8Rng) -> String {
    let bytes: [u8; 16] = rng.random();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

/// Remainder of a digit string (letters as 10..35) modulo 97, the ISO 7064 check of IBANs and
/// RF references.
fn mod97(s: &str) -> u32 {
    let mut rem = 0u32;
    for c in s.chars() {
        let digits = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => continue,
        };
        rem = if digits >= 10 {
            (rem * 100 + digits) % 97
        } else {
            (rem * 10 + digits) % 97
        };
    }
    rem
}

fn iban(country: &str, bban: &str) -> String {
    let check = 98 - mod97(&format!("{bban}{country}00"));
    format!("{country}{check:02}{bban}")
}

pub(crate) fn de_iban(rng: &mut ChaCha8Rng) -> String {
    let blz = ["50010517", "37040044", "10070000", "20041133", "70020270"]
        .choose(rng)
        .copied()
        .unwrap_or("50010517");
    iban(
        "DE",
        &format!("{blz}{:010}", rng.random_range(0..10_000_000_000u64)),
    )
}

pub(crate) fn nl_iban(rng: &mut ChaCha8Rng) -> String {
    let bank = ["INGB", "ABNA", "RABO", "TRIO"]
        .choose(rng)
        .copied()
        .unwrap_or("INGB");
    iban(
        "NL",
        &format!("{bank}{:010}", rng.random_range(0..10_000_000_000u64)),
    )
}

/// ISO 11649 creditor reference for `reference` (alphanumeric).
pub fn rf_reference(reference: &str) -> String {
    let check = 98 - mod97(&format!("{reference}RF00"));
    format!("RF{check:02}{reference}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_and_rf_references_carry_valid_check_digits() {
        let truth = generate(&DataConfig::default());
        for account in truth.profiles.iter().flat_map(|p| &p.accounts) {
            let moved = format!("{}{}", &account.iban[4..], &account.iban[..4]);
            assert_eq!(mod97(&moved), 1, "{}", account.iban);
            for t in &account.transactions {
                let moved = format!("{}{}", &t.counterparty_iban[4..], &t.counterparty_iban[..4]);
                assert_eq!(mod97(&moved), 1, "{}", t.counterparty_iban);
            }
        }
        // ISO 11649's own example.
        assert_eq!(rf_reference("539007547034"), "RF18539007547034");
        for inv in &truth.invoices {
            let r = &inv.rf_reference;
            assert_eq!(mod97(&format!("{}{}", &r[4..], &r[..4])), 1, "{r}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
        let a = generate(&DataConfig::default());
        let b = generate(&DataConfig::default());
        let c = generate(&DataConfig {
            seed: 7,
            ..DataConfig::default()
        });
        let txs = |g: &GroundTruth| g.profiles[0].accounts[0].transactions.clone();
        assert_eq!(txs(&a), txs(&b));
        assert_ne!(txs(&a), txs(&c));
    }

    #[test]
    fn shape_matches_the_config_and_psd2_03_finds_its_profile() {
        let cfg = DataConfig {
            profiles: 2,
            accounts_per_profile: 3,
            transactions_per_account: 50,
            ..DataConfig::default()
        };
        let g = generate(&cfg);
        assert_eq!(g.profiles.len(), 2);
        assert_eq!(g.profiles[0].name, "Popescu Corina");
        assert_eq!(g.profiles[0].country, "RO");
        assert!(g.profiles.iter().all(|p| p.accounts.len() == 3));
        let all: Vec<_> = g
            .profiles
            .iter()
            .flat_map(|p| &p.accounts)
            .flat_map(|a| &a.transactions)
            .collect();
        assert_eq!(all.len(), 2 * 3 * 50);
        assert!(all.iter().any(|t| t.amount < Decimal::ZERO));
        assert!(all.iter().any(|t| t.pays_invoice.is_some()));
        assert!(
            all.iter()
                .any(|t| t.status == Status::Pending && t.transaction_id.is_none())
        );
        let keys: std::collections::HashSet<_> = all.iter().map(|t| &t.key).collect();
        assert_eq!(keys.len(), all.len());
        // Every invoice is paid by exactly one generated transaction.
        for inv in &g.invoices {
            assert_eq!(
                all.iter()
                    .filter(|t| t.pays_invoice.as_deref() == Some(&inv.number))
                    .count(),
                1
            );
        }
    }
}
