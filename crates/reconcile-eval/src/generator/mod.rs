//! The seeded generator of labelled batches.
//!
//! It plays a German/Dutch business with three numbering schemes (`RE-2024-0815` invoices,
//! `INV-0012345` web-shop invoices, `GS-2024-0012` credit notes), customers that are companies
//! and people with one or two known IBANs, and a bank that prints their payments with the noise
//! seen in practice (docs/reconciliation.md): mangled and mistyped references, references only in the
//! end-to-end id or as RF, no reference at all, payer names that differ from the customer's,
//! payment services paying on behalf of shops, fees, cash discounts, several invoices in one
//! transfer, instalments, overpayments, refunds of credit notes, netting, duplicates, foreign
//! currency, payments unrelated to any invoice, and decoy open items with equal amounts.
//!
//! The same seed gives the same batch on every machine (ChaCha8).

use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use serde::Serialize;
use time::{Date, Duration, Month};

use reconcile::rf::{make_iban, make_rf};
use reconcile::{Config, Invoice, InvoiceKind, Transaction};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenConfig {
    /// Seed of the random generator.
    pub seed: u64,
    /// Number of transactions.
    pub transactions: usize,
    /// Total open items to reach by adding decoys (other open items of the same customers,
    /// equal amounts of other customers). `None`: 1.5 per transaction.
    pub open_invoices: Option<usize>,
}

impl GenConfig {
    /// The standard mix at `transactions` size.
    pub fn standard(seed: u64, transactions: usize) -> Self {
        Self {
            seed,
            transactions,
            open_invoices: None,
        }
    }
}

/// What a labelled transaction exercises; the figures are reported per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// The number as printed, exact amount.
    Clean,
    /// The number with spaces, slashes, lower case, missing prefix or zeros, O for 0.
    Mangled,
    /// The number with one typo.
    Typo,
    /// Only the RF creditor reference, in the structured field.
    Rf,
    /// The number only in the end-to-end id.
    EndToEnd,
    /// No reference; known IBAN; exact amount.
    NoReference,
    /// No reference; known IBAN; the customer has a second open item of the same amount.
    NoReferenceTwin,
    /// No reference; unknown IBAN; similar name; exact amount.
    NameOnly,
    /// A reference; a fee deducted.
    Fee,
    /// The cash discount deducted.
    CashDiscount,
    /// Several invoices, all numbers listed.
    MultiNamed,
    /// Several invoices, no numbers, the sum fits.
    MultiUnnamed,
    /// An instalment (sometimes with the rest in the same batch).
    Partial,
    /// More than open.
    Overpayment,
    /// A payment service pays on behalf of the customer.
    PaymentService,
    /// A parent company or a relative pays, from an unknown IBAN.
    OtherPayer,
    /// An outgoing refund of a credit note.
    Refund,
    /// An invoice less a credit note in one payment.
    Netting,
    /// An already paid invoice paid again; its amount equals another open item's.
    PaidAgain,
    /// The same payment booked twice (second one settles nothing).
    Duplicate,
    /// Paid in another currency.
    ForeignCurrency,
    /// An outgoing payment that names a sales invoice (must never settle it).
    WrongDirection,
    /// Incoming money unrelated to any invoice.
    UnrelatedIncoming,
    /// Outgoing money unrelated to any invoice.
    UnrelatedOutgoing,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 24] = [
        Scenario::Clean,
        Scenario::Mangled,
        Scenario::Typo,
        Scenario::Rf,
        Scenario::EndToEnd,
        Scenario::NoReference,
        Scenario::NoReferenceTwin,
        Scenario::NameOnly,
        Scenario::Fee,
        Scenario::CashDiscount,
        Scenario::MultiNamed,
        Scenario::MultiUnnamed,
        Scenario::Partial,
        Scenario::Overpayment,
        Scenario::PaymentService,
        Scenario::OtherPayer,
        Scenario::Refund,
        Scenario::Netting,
        Scenario::PaidAgain,
        Scenario::Duplicate,
        Scenario::ForeignCurrency,
        Scenario::WrongDirection,
        Scenario::UnrelatedIncoming,
        Scenario::UnrelatedOutgoing,
    ];

    /// Share in the standard mix, in tenths of a percent (they add up to 1,000).
    pub fn weight(self) -> u32 {
        match self {
            Scenario::Clean => 200,
            Scenario::Mangled => 140,
            Scenario::Typo => 50,
            Scenario::Rf => 40,
            Scenario::EndToEnd => 25,
            Scenario::NoReference => 100,
            Scenario::NoReferenceTwin => 20,
            Scenario::NameOnly => 30,
            Scenario::Fee => 50,
            Scenario::CashDiscount => 40,
            Scenario::MultiNamed => 40,
            Scenario::MultiUnnamed => 30,
            Scenario::Partial => 40,
            Scenario::Overpayment => 10,
            Scenario::PaymentService => 30,
            Scenario::OtherPayer => 10,
            Scenario::Refund => 30,
            Scenario::Netting => 10,
            Scenario::PaidAgain => 10,
            Scenario::Duplicate => 5,
            Scenario::ForeignCurrency => 5,
            Scenario::WrongDirection => 5,
            Scenario::UnrelatedIncoming => 40,
            Scenario::UnrelatedOutgoing => 40,
        }
    }

    /// Snake-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Clean => "clean",
            Scenario::Mangled => "mangled",
            Scenario::Typo => "typo",
            Scenario::Rf => "rf",
            Scenario::EndToEnd => "end_to_end",
            Scenario::NoReference => "no_reference",
            Scenario::NoReferenceTwin => "no_reference_twin",
            Scenario::NameOnly => "name_only",
            Scenario::Fee => "fee",
            Scenario::CashDiscount => "cash_discount",
            Scenario::MultiNamed => "multi_named",
            Scenario::MultiUnnamed => "multi_unnamed",
            Scenario::Partial => "partial",
            Scenario::Overpayment => "overpayment",
            Scenario::PaymentService => "payment_service",
            Scenario::OtherPayer => "other_payer",
            Scenario::Refund => "refund",
            Scenario::Netting => "netting",
            Scenario::PaidAgain => "paid_again",
            Scenario::Duplicate => "duplicate",
            Scenario::ForeignCurrency => "foreign_currency",
            Scenario::WrongDirection => "wrong_direction",
            Scenario::UnrelatedIncoming => "unrelated_incoming",
            Scenario::UnrelatedOutgoing => "unrelated_outgoing",
        }
    }
}

/// The truth about one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The transaction.
    pub transaction_id: String,
    /// Ids of the items it settles (empty: none).
    pub expected: Vec<String>,
    /// What it exercises.
    pub scenario: Scenario,
}

/// A generated batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// Transactions (shuffled).
    pub transactions: Vec<Transaction>,
    /// Open items (shuffled).
    pub invoices: Vec<Invoice>,
    /// One label per transaction.
    pub labels: Vec<Label>,
}

/// Generates a batch.
pub fn generate(cfg: &GenConfig) -> Dataset {
    let mut g = Gen::new(cfg.seed);
    let total: u32 = Scenario::ALL.iter().map(|s| s.weight()).sum();
    while g.txs.len() < cfg.transactions {
        let mut roll = g.rng.random_range(0..total.max(1));
        let mut pick = Scenario::Clean;
        for s in Scenario::ALL {
            if roll < s.weight() {
                pick = s;
                break;
            }
            roll -= s.weight();
        }
        g.scenario(pick);
    }
    // Scenarios may add two transactions; cut back to the exact count.
    while g.txs.len() > cfg.transactions {
        g.txs.pop();
        g.labels.pop();
    }
    let target = cfg
        .open_invoices
        .unwrap_or(cfg.transactions + cfg.transactions / 2);
    while g.invoices.len() < target {
        g.decoy();
    }
    let mut order: Vec<usize> = (0..g.txs.len()).collect();
    order.shuffle(&mut g.rng);
    let transactions = order.iter().map(|&i| g.txs[i].clone()).collect();
    let labels = order.iter().map(|&i| g.labels[i].clone()).collect();
    let mut invoices = g.invoices;
    invoices.shuffle(&mut g.rng);
    Dataset {
        transactions,
        invoices,
        labels,
    }
}

// ------------------------------------------------------------------ vocabulary

const DE_SURNAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Schubert",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Simon",
    "Ludwig",
    "Böhm",
    "Winter",
    "Kraus",
    "Martin",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Schreiber",
    "Graf",
    "Schulte",
    "Dietrich",
    "Ziegler",
    "Kuhn",
    "Kühn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Thomas",
    "Voigt",
    "Sauer",
    "Arnold",
    "Wolff",
    "Pfeiffer",
];
const NL_SURNAMES: &[&str] = &[
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "van der Wal",
    "Prins",
    "Blom",
    "Huisman",
];
const DE_TRADES: &[&str] = &[
    "Haustechnik",
    "Elektro",
    "Bau",
    "Metallbau",
    "Gartenbau",
    "Transporte",
    "Immobilien",
    "IT-Service",
    "Druckerei",
    "Catering",
    "Autohaus",
    "Zahntechnik",
    "Steuerberatung",
    "Malerbetrieb",
    "Dachdeckerei",
    "Tischlerei",
    "Gebäudereinigung",
    "Logistik",
    "Consulting",
    "Medien",
    "Sanitär",
    "Fliesen",
    "Optik",
    "Bäckerei",
];
const NL_TRADES: &[&str] = &[
    "Installatie",
    "Techniek",
    "Bouw",
    "Transport",
    "Schilders",
    "Advies",
    "Logistiek",
    "Groothandel",
    "Dakwerken",
    "Elektro",
    "Metaal",
    "Hoveniers",
    "Media",
    "ICT",
    "Bakkerij",
];
const DE_FORMS: &[&str] = &[
    "GmbH",
    "GmbH",
    "GmbH",
    "AG",
    "UG (haftungsbeschränkt)",
    "e.K.",
    "KG",
    "OHG",
    "GmbH & Co. KG",
    "SE",
];
const NL_FORMS: &[&str] = &["B.V.", "B.V.", "BV", "N.V.", "V.O.F."];
const DE_FIRST: &[&str] = &[
    "Hans", "Peter", "Klaus", "Anna", "Maria", "Stefan", "Thomas", "Sabine", "Julia", "Michael",
    "Andreas", "Petra", "Monika", "Jürgen", "Uwe", "Katrin", "Frank", "Birgit", "Lukas", "Laura",
];
const NL_FIRST: &[&str] = &[
    "Jan", "Piet", "Kees", "Anne", "Sanne", "Emma", "Daan", "Lars", "Sophie", "Bram", "Thijs",
    "Femke", "Lotte", "Ruud", "Marieke", "Joost",
];
const PRICE_LIST: &[i64] = &[
    4900, 5900, 9900, 11900, 14900, 19900, 24990, 29900, 49900, 119000,
];
/// Payment services that pay out on behalf of shops: (name as printed, country, BBAN).
const PSPS: &[(&str, &str, &str)] = &[
    (
        "PAYPAL EUROPE S.A.R.L. ET CIE S.C.A",
        "LU",
        "0010001234567890",
    ),
    ("Mollie B.V.", "NL", "ABNA0123456789"),
    ("Stripe Technology Europe Ltd", "IE", "SRLG99020012345678"),
    ("Klarna Bank AB", "SE", "50000000058398257466"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    De,
    Nl,
}

#[derive(Debug, Clone)]
struct Customer {
    id: String,
    name: String,
    surname: String,
    first: Option<String>,
    lang: Lang,
    ibans: Vec<String>,
    kd: u32,
}

struct Gen {
    rng: ChaCha8Rng,
    today: Date,
    cfg: Config,
    customers: Vec<Customer>,
    invoices: Vec<Invoice>,
    /// Customer of each invoice (index into `customers`).
    inv_cust: Vec<usize>,
    txs: Vec<Transaction>,
    labels: Vec<Label>,
    re: (i32, u32),
    gs: (i32, u32),
    inv_seq: u32,
    used_amounts: Vec<Decimal>,
}

impl std::fmt::Debug for Gen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gen").field("txs", &self.txs.len()).finish()
    }
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, s: &'a [T]) -> &'a T {
    &s[rng.random_range(0..s.len())]
}

fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// What a payer who takes the cash discount transfers: the open amount less the configured
/// percentage, rounded to the cent, as the invoice states it (the matcher recognises exactly
/// this amount as a discount).
fn discounted(open: Decimal, cfg: &Config) -> Decimal {
    (open * (Decimal::ONE_HUNDRED - cfg.cash_discount_percent) / Decimal::ONE_HUNDRED).round_dp(2)
}

impl Gen {
    fn new(seed: u64) -> Self {
        Gen {
            rng: ChaCha8Rng::seed_from_u64(seed),
            today: Date::from_calendar_date(2024, Month::June, 28).unwrap_or(Date::MIN),
            cfg: Config::default(),
            customers: Vec::new(),
            invoices: Vec::new(),
            inv_cust: Vec::new(),
            txs: Vec::new(),
            labels: Vec::new(),
            re: (2024, 0),
            gs: (2024, 0),
            inv_seq: 12_000,
            used_amounts: Vec::new(),
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    // -------------------------------------------------------------- parties

    fn iban(&mut self, lang: Lang) -> String {
        let iban = match lang {
            Lang::De => {
                let blz = self.rng.random_range(10_000_000u64..89_999_999);
                let acct = self.rng.random_range(1_000_000u64..9_999_999_999);
                make_iban("DE", &format!("{blz:08}{acct:010}"))
            }
            Lang::Nl => {
                let bank = *pick(
                    &mut self.rng,
                    &["INGB", "ABNA", "RABO", "TRIO", "KNAB", "SNSB"],
                );
                let acct = self.rng.random_range(100_000_000u64..9_999_999_999);
                make_iban("NL", &format!("{bank}{acct:010}"))
            }
        };
        iban.unwrap_or_default()
    }

    fn new_customer(&mut self) -> usize {
        let lang = if self.chance(0.7) { Lang::De } else { Lang::Nl };
        let person = self.chance(0.35);
        let surname = match lang {
            Lang::De => pick(&mut self.rng, DE_SURNAMES).to_string(),
            Lang::Nl => pick(&mut self.rng, NL_SURNAMES).to_string(),
        };
        let (name, first) = if person {
            let first = match lang {
                Lang::De => pick(&mut self.rng, DE_FIRST).to_string(),
                Lang::Nl => pick(&mut self.rng, NL_FIRST).to_string(),
            };
            (format!("{first} {surname}"), Some(first))
        } else {
            let (trade, form) = match lang {
                Lang::De => (
                    pick(&mut self.rng, DE_TRADES).to_string(),
                    pick(&mut self.rng, DE_FORMS).to_string(),
                ),
                Lang::Nl => (
                    pick(&mut self.rng, NL_TRADES).to_string(),
                    pick(&mut self.rng, NL_FORMS).to_string(),
                ),
            };
            let cap = |s: &str| {
                let mut c = s.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            };
            let name = if self.chance(0.5) {
                format!("{} {trade} {form}", cap(&surname))
            } else {
                format!("{trade} {} {form}", cap(&surname))
            };
            (name, None)
        };
        let n_ibans = if self.chance(0.1) {
            2
        } else if self.chance(0.05) {
            0
        } else {
            1
        };
        let ibans = (0..n_ibans).map(|_| self.iban(lang)).collect();
        let id = format!("C{:06}", self.customers.len() + 1);
        let kd = self.rng.random_range(1000..9999);
        self.customers.push(Customer {
            id,
            name,
            surname,
            first,
            lang,
            ibans,
            kd,
        });
        self.customers.len() - 1
    }

    /// An existing customer two times in three (customers have several open items), else new.
    fn customer(&mut self) -> usize {
        if !self.customers.is_empty() && self.chance(0.6) {
            self.rng.random_range(0..self.customers.len())
        } else {
            self.new_customer()
        }
    }

    /// A customer with at least one known IBAN.
    fn customer_with_iban(&mut self) -> usize {
        let c = self.customer();
        if self.customers[c].ibans.is_empty() {
            let lang = self.customers[c].lang;
            let iban = self.iban(lang);
            self.customers[c].ibans.push(iban);
        }
        c
    }

    /// The payer's name as the bank prints it: mostly the customer's, upper-cased or not,
    /// without legal form, truncated, swapped, or with an initial.
    fn payer_name(&mut self, c: usize) -> String {
        let cu = self.customers[c].clone();
        let roll = self.rng.random_range(0..100);
        match roll {
            0..=44 => cu.name.to_uppercase(),
            45..=64 => cu.name.clone(),
            65..=74 => cu.name.to_uppercase().chars().take(27).collect(),
            75..=84 => match &cu.first {
                Some(first) => format!("{}, {}", cu.surname.to_uppercase(), first.to_uppercase()),
                None => strip_form(&cu.name),
            },
            85..=92 => match &cu.first {
                Some(first) => format!("{}. {}", first.chars().next().unwrap_or('X'), cu.surname),
                None => strip_form(&cu.name).to_uppercase(),
            },
            _ => strip_form(&cu.name),
        }
    }

    fn payer_iban(&mut self, c: usize, known: bool) -> Option<String> {
        let cu = &self.customers[c];
        if known && !cu.ibans.is_empty() {
            let k = self.rng.random_range(0..cu.ibans.len());
            return Some(self.customers[c].ibans[k].clone());
        }
        let lang = cu.lang;
        Some(self.iban(lang))
    }

    // -------------------------------------------------------------- items

    fn amount(&mut self) -> Decimal {
        if self.chance(0.3) {
            money(*pick(&mut self.rng, PRICE_LIST))
        } else if self.chance(0.3) {
            money(self.rng.random_range(30i64..3000) * 100)
        } else {
            // log-uniform 20 .. 20,000
            let x: f64 = self.rng.random_range(0.0..3.0);
            let v = 20.0 * 10f64.powf(x);
            money((v * 100.0).round() as i64)
        }
    }

    fn number(&mut self, kind: InvoiceKind) -> String {
        match kind {
            InvoiceKind::CreditNote => {
                self.gs.1 += 1;
                if self.gs.1 > 9999 {
                    self.gs = (self.gs.0 + 1, 1);
                }
                format!("GS-{}-{:04}", self.gs.0, self.gs.1)
            }
            InvoiceKind::Invoice => {
                if self.chance(0.8) && (self.re.0 <= 2030) {
                    self.re.1 += 1;
                    if self.re.1 > 9999 {
                        self.re = (self.re.0 + 1, 1);
                    }
                    format!("RE-{}-{:04}", self.re.0, self.re.1)
                } else {
                    self.inv_seq += 1;
                    format!("INV-{:07}", self.inv_seq)
                }
            }
        }
    }

    fn new_item(&mut self, c: usize, kind: InvoiceKind, amount: Decimal, issue: Date) -> usize {
        let number = self.number(kind);
        let rf = if kind == InvoiceKind::Invoice && self.chance(0.25) {
            let body: String = number.chars().filter(char::is_ascii_alphanumeric).collect();
            make_rf(&body)
        } else {
            None
        };
        let term = if self.chance(0.5) { 14 } else { 30 };
        let cu = &self.customers[c];
        let inv = Invoice {
            id: format!("I{:07}", self.invoices.len() + 1),
            number,
            kind,
            customer_id: cu.id.clone(),
            customer_name: cu.name.clone(),
            customer_ibans: cu.ibans.clone(),
            open_amount: amount,
            currency: "EUR".to_string(),
            issue_date: issue,
            due_date: issue + Duration::days(term),
            creditor_reference: rf,
            end_to_end_id: None,
        };
        self.invoices.push(inv);
        self.inv_cust.push(c);
        self.used_amounts.push(amount);
        self.invoices.len() - 1
    }

    fn issue_date(&mut self) -> Date {
        self.today - Duration::days(self.rng.random_range(3..75))
    }

    fn invoice(&mut self, c: usize) -> usize {
        let amount = self.amount();
        let issue = self.issue_date();
        self.new_item(c, InvoiceKind::Invoice, amount, issue)
    }

    fn pay_date(&mut self, i: usize) -> Date {
        let issue = self.invoices[i].issue_date;
        let d = if self.chance(0.05) {
            issue - Duration::days(self.rng.random_range(0..3))
        } else {
            issue + Duration::days(self.rng.random_range(1..45))
        };
        d.min(self.today)
    }

    // -------------------------------------------------------------- texts

    fn fmt_mangled(&mut self, number: &str) -> String {
        let (prefix, groups) = split_number(number);
        let g1 = groups.first().cloned().unwrap_or_default();
        let g2 = groups.get(1).cloned();
        let roll = self.rng.random_range(0..10);
        match (roll, g2) {
            (0, Some(g2)) => format!("{prefix} {g1} {g2}"),
            (1, Some(g2)) => format!("{}{g1}/{g2}", prefix.to_lowercase()),
            (2, Some(g2)) => format!("{prefix}-{g1}-{}", strip_zeros(&g2)),
            (3, Some(g2)) => format!("{g1}-{g2}"),
            (4, Some(g2)) => format!("{g1}{g2}"),
            (5, Some(g2)) => format!("{prefix}{g1}{g2}"),
            (6, Some(g2)) => format!("{prefix}-{}-{}", g1.replace('0', "O"), g2.replace('0', "O")),
            (7, Some(g2)) => format!("{g1}/{g2}"),
            (8, Some(g2)) if g2.len() >= 4 => {
                format!("{prefix} {g1} {} {}", &g2[..2], &g2[2..])
            }
            (_, Some(g2)) => format!("{} {g1}-{g2}", prefix.to_lowercase()),
            (0..=2, None) => format!("{prefix} {g1}"),
            (3..=4, None) => format!("{}{g1}", prefix.to_lowercase()),
            (5..=6, None) => format!("{prefix}-{}", strip_zeros(&g1)),
            (7, None) => g1.replace('0', "O"),
            (_, None) => strip_zeros(&g1),
        }
    }

    fn fmt_typo(&mut self, number: &str) -> String {
        let mut chars: Vec<char> = number.chars().collect();
        // Only the last digit group gets the typo: the year is copied right.
        let digits: Vec<usize> = (0..chars.len())
            .rev()
            .take_while(|&k| chars[k].is_ascii_digit())
            .collect();
        if digits.len() < 2 {
            return number.to_string();
        }
        let roll = self.rng.random_range(0..10);
        let k = digits[self.rng.random_range(0..digits.len())];
        if roll < 5 {
            let old = chars[k];
            let mut new = old;
            while new == old {
                new = char::from(b'0' + self.rng.random_range(0..10u8));
            }
            chars[k] = new;
        } else if roll < 8 {
            let j = if k + 1 < chars.len() && chars[k + 1].is_ascii_digit() {
                k + 1
            } else {
                k.saturating_sub(1)
            };
            if chars[j] == chars[k] {
                chars[k] = if chars[k] == '9' { '8' } else { '9' };
            } else {
                chars.swap(j, k);
            }
        } else {
            chars.remove(k);
        }
        chars.into_iter().collect()
    }

    fn e2e(&mut self) -> Option<String> {
        let roll = self.rng.random_range(0..100);
        match roll {
            0..=59 => Some("NOTPROVIDED".to_string()),
            60..=69 => None,
            _ => Some(format!("{:016X}", self.rng.random::<u64>())),
        }
    }

    fn ref_text(&mut self, c: usize, refs: &[String], i: usize) -> (String, Option<String>) {
        let cu = self.customers[c].clone();
        let joined = if refs.len() == 1 {
            refs[0].clone()
        } else {
            let sep = *pick(
                &mut self.rng,
                match cu.lang {
                    Lang::De => &[", ", " und ", " + ", " / "],
                    Lang::Nl => &[", ", " en ", " + ", " "],
                },
            );
            refs.join(sep)
        };
        let issue = self.invoices[i].issue_date;
        let date = format!(
            "{:02}.{:02}.{}",
            issue.day(),
            u8::from(issue.month()),
            issue.year()
        );
        let short = strip_form(&cu.name);
        let e2e = self.e2e();
        let roll = self.rng.random_range(0..8);
        let text = match cu.lang {
            Lang::De => match roll {
                0 => format!("Rechnung Nr. {joined}, Kd-Nr {}", cu.kd),
                1 => format!(
                    "SVWZ+{joined} EREF+{}",
                    e2e.clone().unwrap_or_else(|| "NOTPROVIDED".into())
                ),
                2 => format!("Re.-Nr. {joined} vom {date}"),
                3 => joined.clone(),
                4 => format!("Zahlung {joined} Danke"),
                5 => format!("Rechnung {joined} {short}"),
                6 => format!("RG {joined}"),
                _ => format!("Ihre Rechnung {joined} Kunde {}", cu.kd),
            },
            Lang::Nl => match roll {
                0 => format!("Betaling factuur {joined}"),
                1 => format!("Omschrijving: factuur {joined}"),
                2 => format!("Factuurnummer {joined} klantnr {}", cu.kd),
                3 => format!("Factuur {joined}"),
                4 => format!("Betalingskenmerk {joined}"),
                5 => format!("{joined} {short}"),
                6 => format!("Invoice {joined}"),
                _ => format!("Omschrijving: {joined} bedankt"),
            },
        };
        (text, e2e)
    }

    fn plain_text(&mut self, c: usize) -> String {
        let cu = self.customers[c].clone();
        let roll = self.rng.random_range(0..7);
        match cu.lang {
            Lang::De => match roll {
                0 => "Zahlung".into(),
                1 => "Überweisung".into(),
                2 => "Vielen Dank".into(),
                3 => format!("Kd-Nr {}", cu.kd),
                4 => cu.name.clone(),
                5 => String::new(),
                _ => "SVWZ+Zahlung offene Posten EREF+NOTPROVIDED".into(),
            },
            Lang::Nl => match roll {
                0 => "Betaling".into(),
                1 => "Bedankt".into(),
                2 => format!("klantnummer {}", cu.kd),
                3 => "Omschrijving: betaling".into(),
                4 => cu.name.clone(),
                5 => String::new(),
                _ => "Omschrijving: openstaande posten".into(),
            },
        }
    }

    // -------------------------------------------------------------- output

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        amount: Decimal,
        date: Date,
        name: Option<String>,
        iban: Option<String>,
        text: String,
        structured: Option<String>,
        e2e: Option<String>,
        expected: Vec<usize>,
        scenario: Scenario,
    ) -> usize {
        let id = format!("T{:07}", self.txs.len() + 1);
        let value_date = if self.chance(0.5) { Some(date) } else { None };
        self.txs.push(Transaction {
            id: id.clone(),
            amount,
            currency: "EUR".to_string(),
            booking_date: date,
            value_date,
            counterparty_name: name,
            counterparty_iban: iban,
            remittance_unstructured: (!text.is_empty()).then_some(text),
            remittance_structured: structured,
            end_to_end_id: e2e,
        });
        let mut expected: Vec<String> = expected
            .into_iter()
            .map(|i| self.invoices[i].id.clone())
            .collect();
        expected.sort();
        self.labels.push(Label {
            transaction_id: id,
            expected,
            scenario,
        });
        self.txs.len() - 1
    }

    /// A standard incoming payment of invoice `i` with the given reference text style.
    fn pay_with_ref(
        &mut self,
        i: usize,
        shown: String,
        known_iban: bool,
        paid: Decimal,
        s: Scenario,
    ) {
        let c = self.cust_of(i);
        let (text, e2e) = self.ref_text(c, &[shown], i);
        let name = self.payer_name(c);
        let iban = self.payer_iban(c, known_iban);
        let date = self.pay_date(i);
        self.push(paid, date, Some(name), iban, text, None, e2e, vec![i], s);
    }

    fn cust_of(&self, i: usize) -> usize {
        self.inv_cust[i]
    }

    // -------------------------------------------------------------- scenarios

    fn scenario(&mut self, s: Scenario) {
        match s {
            Scenario::Clean => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let known = self.chance(0.85);
                let paid = self.invoices[i].open_amount;
                self.pay_with_ref(i, n, known, paid, s);
            }
            Scenario::Mangled => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let shown = self.fmt_mangled(&n);
                let known = self.chance(0.7);
                let paid = self.invoices[i].open_amount;
                self.pay_with_ref(i, shown, known, paid, s);
            }
            Scenario::Typo => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let shown = self.fmt_typo(&n);
                let known = self.chance(0.7);
                let paid = self.invoices[i].open_amount;
                self.pay_with_ref(i, shown, known, paid, s);
            }
            Scenario::Rf => {
                let c = self.customer();
                let i = self.invoice(c);
                let body: String = self.invoices[i]
                    .number
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect();
                let rf = make_rf(&body);
                self.invoices[i].creditor_reference = rf.clone();
                let name = self.payer_name(c);
                let known = self.chance(0.6);
                let iban = self.payer_iban(c, known);
                let date = self.pay_date(i);
                let text = if self.chance(0.5) {
                    String::new()
                } else {
                    self.plain_text(c)
                };
                let paid = self.invoices[i].open_amount;
                let structured = if self.chance(0.8) {
                    rf
                } else {
                    rf.map(|r| r.replace(' ', ""))
                };
                self.push(
                    paid,
                    date,
                    Some(name),
                    iban,
                    text,
                    structured,
                    None,
                    vec![i],
                    s,
                );
            }
            Scenario::EndToEnd => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let name = self.payer_name(c);
                let known = self.chance(0.5);
                let iban = self.payer_iban(c, known);
                let date = self.pay_date(i);
                let text = self.plain_text(c);
                let paid = self.invoices[i].open_amount;
                self.push(
                    paid,
                    date,
                    Some(name),
                    iban,
                    text,
                    None,
                    Some(n),
                    vec![i],
                    s,
                );
            }
            Scenario::NoReference | Scenario::NoReferenceTwin => {
                let c = self.customer_with_iban();
                let i = self.invoice(c);
                if s == Scenario::NoReferenceTwin {
                    let amount = self.invoices[i].open_amount;
                    let issue = self.issue_date();
                    self.new_item(c, InvoiceKind::Invoice, amount, issue);
                }
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, true);
                let date = self.pay_date(i);
                let text = self.plain_text(c);
                let paid = self.invoices[i].open_amount;
                let e2e = self.e2e();
                self.push(paid, date, Some(name), iban, text, None, e2e, vec![i], s);
            }
            Scenario::NameOnly => {
                let c = self.customer();
                let i = self.invoice(c);
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, false);
                let date = self.pay_date(i);
                let text = self.plain_text(c);
                let paid = self.invoices[i].open_amount;
                self.push(paid, date, Some(name), iban, text, None, None, vec![i], s);
            }
            Scenario::Fee => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let shown = if self.chance(0.5) {
                    n
                } else {
                    self.fmt_mangled(&n)
                };
                let fee = if self.chance(0.7) {
                    money(self.rng.random_range(10i64..250))
                } else {
                    money(self.rng.random_range(250i64..1500))
                };
                let open = self.invoices[i].open_amount;
                let paid = (open - fee).max(money(1));
                let known = self.chance(0.8);
                self.pay_with_ref(i, shown, known, paid, s);
            }
            Scenario::CashDiscount => {
                let c = self.customer_with_iban();
                let i = self.invoice(c);
                let open = self.invoices[i].open_amount;
                let paid = discounted(open, &self.cfg);
                let issue = self.invoices[i].issue_date;
                let late = self.chance(0.2);
                let date = if late {
                    issue + Duration::days(self.rng.random_range(15..26))
                } else {
                    issue + Duration::days(self.rng.random_range(1..14))
                }
                .min(self.today);
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, true);
                let (text, e2e) = if self.chance(0.7) {
                    let n = self.invoices[i].number.clone();
                    let (t, e) = self.ref_text(c, &[n], i);
                    (format!("{t} abzgl. 2% Skonto"), e)
                } else {
                    (self.plain_text(c), None)
                };
                self.push(paid, date, Some(name), iban, text, None, e2e, vec![i], s);
            }
            Scenario::MultiNamed => {
                let c = self.customer();
                let k = self.rng.random_range(2..5);
                let items: Vec<usize> = (0..k).map(|_| self.invoice(c)).collect();
                let mut shown = Vec::new();
                for &i in &items {
                    let n = self.invoices[i].number.clone();
                    let v = if self.chance(0.7) {
                        n
                    } else {
                        self.fmt_mangled(&n)
                    };
                    shown.push(v);
                }
                let sum: Decimal = items.iter().map(|&i| self.invoices[i].open_amount).sum();
                let paid = if self.chance(0.1) {
                    sum - money(self.rng.random_range(10i64..300))
                } else {
                    sum
                };
                let (text, e2e) = self.ref_text(c, &shown, items[0]);
                let name = self.payer_name(c);
                let known = self.chance(0.7);
                let iban = self.payer_iban(c, known);
                let date = items
                    .iter()
                    .map(|&i| self.invoices[i].issue_date)
                    .max()
                    .unwrap_or(self.today)
                    + Duration::days(self.rng.random_range(1..20));
                let date = date.min(self.today);
                self.push(paid, date, Some(name), iban, text, None, e2e, items, s);
            }
            Scenario::MultiUnnamed => {
                let c = self.customer_with_iban();
                let k = self.rng.random_range(2..4);
                let items: Vec<usize> = (0..k).map(|_| self.invoice(c)).collect();
                for _ in 0..self.rng.random_range(1..3) {
                    self.invoice(c);
                }
                let sum: Decimal = items.iter().map(|&i| self.invoices[i].open_amount).sum();
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, true);
                let date = items
                    .iter()
                    .map(|&i| self.invoices[i].issue_date)
                    .max()
                    .unwrap_or(self.today)
                    + Duration::days(self.rng.random_range(1..20));
                let date = date.min(self.today);
                let text = self.plain_text(c);
                self.push(sum, date, Some(name), iban, text, None, None, items, s);
            }
            Scenario::Partial => {
                let c = self.customer();
                let amount = money(self.rng.random_range(200i64..5000) * 100);
                let issue = self.issue_date();
                let i = self.new_item(c, InvoiceKind::Invoice, amount, issue);
                let pct = self.rng.random_range(20i64..71);
                let first = (amount * Decimal::new(pct, 2)).round_dp(0);
                let n = self.invoices[i].number.clone();
                let announce = self.chance(0.7);
                let lang = self.customers[c].lang;
                let word = match (lang, self.rng.random_range(0..3)) {
                    (Lang::De, 0) => "Teilzahlung",
                    (Lang::De, 1) => "1. Rate",
                    (Lang::De, _) => "Anzahlung",
                    (Lang::Nl, 0) => "deelbetaling",
                    (Lang::Nl, 1) => "termijn 1",
                    (Lang::Nl, _) => "Aanbetaling",
                };
                let (t, e2e) = self.ref_text(c, std::slice::from_ref(&n), i);
                let text = if announce { format!("{word} {t}") } else { t };
                let name = self.payer_name(c);
                let known = self.chance(0.8);
                let iban = self.payer_iban(c, known);
                let date = self.pay_date(i);
                self.push(
                    first,
                    date,
                    Some(name.clone()),
                    iban.clone(),
                    text,
                    None,
                    e2e,
                    vec![i],
                    s,
                );
                if self.chance(0.4) {
                    let rest = amount - first;
                    let word = match lang {
                        Lang::De => "Restzahlung",
                        Lang::Nl => "restant",
                    };
                    let later =
                        (date + Duration::days(self.rng.random_range(3..20))).min(self.today);
                    self.push(
                        rest,
                        later,
                        Some(name),
                        iban,
                        format!("{word} {n}"),
                        None,
                        None,
                        vec![i],
                        s,
                    );
                }
            }
            Scenario::Overpayment => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let paid =
                    self.invoices[i].open_amount + money(self.rng.random_range(1000i64..10000));
                self.pay_with_ref(i, n, true, paid, s);
            }
            Scenario::PaymentService => {
                let c = self.customer();
                let (psp, country, bban) = *pick(&mut self.rng, PSPS);
                let psp_iban = make_iban(country, bban).unwrap_or_default();
                if self.chance(0.3) && !self.customers[c].ibans.contains(&psp_iban) {
                    // Master data polluted by an earlier PSP payment booked to this customer.
                    self.customers[c].ibans.push(psp_iban.clone());
                }
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let order = self.rng.random_range(10_000_000u64..99_999_999);
                let text = match self.rng.random_range(0..3) {
                    0 => format!("{order} {n}"),
                    1 => format!("Bestellung {n} {}", strip_form(&self.customers[c].name)),
                    _ => format!("PP.{order}.PP {n}"),
                };
                let open = self.invoices[i].open_amount;
                let paid = if self.chance(0.3) {
                    open - (open * Decimal::new(19, 3)).round_dp(2) - money(35)
                } else {
                    open
                };
                let date = self.pay_date(i);
                self.push(
                    paid,
                    date,
                    Some(psp.to_string()),
                    Some(psp_iban),
                    text,
                    None,
                    None,
                    vec![i],
                    s,
                );
            }
            Scenario::OtherPayer => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let other = self.new_customer();
                let payer = if self.chance(0.5) {
                    format!("{} Holding GmbH", self.customers[other].surname)
                } else {
                    self.customers[other].name.clone()
                };
                // The helper customer exists only to make a name; forget it.
                self.customers.pop();
                let lang = self.customers[c].lang;
                let iban = self.iban(lang);
                let (text, e2e) = self.ref_text(c, &[n], i);
                let date = self.pay_date(i);
                let paid = self.invoices[i].open_amount;
                self.push(
                    paid,
                    date,
                    Some(payer),
                    Some(iban),
                    text,
                    None,
                    e2e,
                    vec![i],
                    s,
                );
            }
            Scenario::Refund => {
                let c = self.customer_with_iban();
                let amount = self.amount();
                let issue = self.issue_date();
                let i = self.new_item(c, InvoiceKind::CreditNote, amount, issue);
                let n = self.invoices[i].number.clone();
                let lang = self.customers[c].lang;
                let text = if self.chance(0.6) {
                    match lang {
                        Lang::De => format!("Erstattung Gutschrift {n}"),
                        Lang::Nl => format!("Terugbetaling creditnota {n}"),
                    }
                } else {
                    match lang {
                        Lang::De => "Erstattung".to_string(),
                        Lang::Nl => "Terugbetaling".to_string(),
                    }
                };
                let name = self.customers[c].name.clone();
                let iban = self.payer_iban(c, true);
                let date = (issue + Duration::days(self.rng.random_range(1..10))).min(self.today);
                self.push(
                    -amount,
                    date,
                    Some(name),
                    iban,
                    text,
                    None,
                    None,
                    vec![i],
                    s,
                );
            }
            Scenario::Netting => {
                let c = self.customer_with_iban();
                let i = self.invoice(c);
                let open = self.invoices[i].open_amount;
                let cn_amount =
                    (open * Decimal::new(self.rng.random_range(5i64..40), 2)).round_dp(2);
                let issue = self.issue_date();
                let cn = self.new_item(c, InvoiceKind::CreditNote, cn_amount, issue);
                let paid = open - cn_amount;
                let (ni, nc) = (
                    self.invoices[i].number.clone(),
                    self.invoices[cn].number.clone(),
                );
                let text = if self.chance(0.6) {
                    match self.customers[c].lang {
                        Lang::De => format!("Rechnung {ni} abzgl. Gutschrift {nc}"),
                        Lang::Nl => format!("Factuur {ni} minus creditnota {nc}"),
                    }
                } else {
                    self.plain_text(c)
                };
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, true);
                let date = self.pay_date(i);
                self.push(
                    paid,
                    date,
                    Some(name),
                    iban,
                    text,
                    None,
                    None,
                    vec![i, cn],
                    s,
                );
            }
            Scenario::PaidAgain => {
                let c = self.customer_with_iban();
                let amount = money(*pick(&mut self.rng, PRICE_LIST));
                // The paid invoice is not open: create it and take it out again.
                let issue = self.issue_date();
                let paid_inv = self.new_item(c, InvoiceKind::Invoice, amount, issue);
                let old = self.invoices.remove(paid_inv);
                self.inv_cust.pop();
                self.used_amounts.pop();
                // The open one was issued a month or so later: other invoices came between.
                let gap = self.rng.random_range(20..300);
                self.re.1 = (self.re.1 + gap).min(9999);
                self.inv_seq += gap;
                let issue2 = self.issue_date();
                self.new_item(c, InvoiceKind::Invoice, amount, issue2);
                let (text, e2e) = self.ref_text(
                    c,
                    std::slice::from_ref(&old.number),
                    self.invoices.len() - 1,
                );
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, true);
                let date = (old.issue_date + Duration::days(20)).min(self.today);
                self.push(amount, date, Some(name), iban, text, None, e2e, vec![], s);
            }
            Scenario::Duplicate => {
                let c = self.customer_with_iban();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let (text, e2e) = self.ref_text(c, &[n], i);
                let name = self.payer_name(c);
                let iban = self.payer_iban(c, true);
                let date = self.pay_date(i);
                let paid = self.invoices[i].open_amount;
                self.push(
                    paid,
                    date,
                    Some(name.clone()),
                    iban.clone(),
                    text.clone(),
                    None,
                    e2e.clone(),
                    vec![i],
                    s,
                );
                self.push(paid, date, Some(name), iban, text, None, e2e, vec![], s);
            }
            Scenario::ForeignCurrency => {
                let c = self.customer();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let open = self.invoices[i].open_amount;
                self.pay_with_ref(i, n, true, (open * Decimal::new(108, 2)).round_dp(2), s);
                if let Some(tx) = self.txs.last_mut() {
                    tx.currency = "USD".to_string();
                }
            }
            Scenario::WrongDirection => {
                let c = self.customer_with_iban();
                let i = self.invoice(c);
                let n = self.invoices[i].number.clone();
                let name = self.customers[c].name.clone();
                let iban = self.payer_iban(c, true);
                let date = self.pay_date(i);
                let open = self.invoices[i].open_amount;
                let text = format!("Rückzahlung Überzahlung {n}");
                self.push(-open, date, Some(name), iban, text, None, None, vec![], s);
            }
            Scenario::UnrelatedIncoming => {
                let texts = [
                    "Erstattung Krankenkasse",
                    "Zinsen 2. Quartal",
                    "Rückerstattung Versicherung",
                    "Einzahlung Kasse",
                    "Teruggave belasting",
                    "Refund order 88412",
                ];
                let text = pick(&mut self.rng, &texts).to_string();
                let payer = self.new_customer();
                let name = self.customers[payer].name.clone();
                let iban = self.customers[payer].ibans.first().cloned();
                self.customers.pop();
                let amount = self.amount() + money(self.rng.random_range(1i64..99));
                let date = self.today - Duration::days(self.rng.random_range(0..30));
                self.push(amount, date, Some(name), iban, text, None, None, vec![], s);
            }
            Scenario::UnrelatedOutgoing => {
                let supplier_no = self.rng.random_range(1000..9999);
                let texts = [
                    "Miete Juli Büro".to_string(),
                    "Lohn Juni".to_string(),
                    format!("Lieferant Rechnung 2024-{supplier_no}"),
                    "Versicherung Beitrag 3/2024".to_string(),
                    "Telekom Rechnung 123456789".to_string(),
                    "Finanzamt USt 05/2024".to_string(),
                    format!("Huur kantoor juni factuur {supplier_no}"),
                ];
                let text = pick(&mut self.rng, &texts).clone();
                let amount = self.amount();
                let date = self.today - Duration::days(self.rng.random_range(0..30));
                let lang = if self.chance(0.5) { Lang::De } else { Lang::Nl };
                let iban = self.iban(lang);
                self.push(
                    -amount,
                    date,
                    Some("Lieferant GmbH".into()),
                    Some(iban),
                    text,
                    None,
                    None,
                    vec![],
                    s,
                );
            }
        }
    }

    /// One more open item that no transaction of the batch pays: another item of an existing
    /// customer, or an item whose amount equals one already used (the decoy that an
    /// amount-only matcher falls for).
    fn decoy(&mut self) {
        let roll = self.rng.random_range(0..10);
        let c = if roll < 5 && !self.customers.is_empty() {
            self.rng.random_range(0..self.customers.len())
        } else {
            self.new_customer()
        };
        let amount = if roll >= 7 && !self.used_amounts.is_empty() {
            let k = self.rng.random_range(0..self.used_amounts.len());
            self.used_amounts[k]
        } else {
            self.amount()
        };
        let issue = self.issue_date();
        let kind = if self.chance(0.05) {
            InvoiceKind::CreditNote
        } else {
            InvoiceKind::Invoice
        };
        self.new_item(c, kind, amount, issue);
    }
}

/// `Müller Haustechnik GmbH` → `Müller Haustechnik`.
fn strip_form(name: &str) -> String {
    let forms = [
        " GmbH & Co. KG",
        " UG (haftungsbeschränkt)",
        " GmbH",
        " AG",
        " e.K.",
        " KG",
        " OHG",
        " SE",
        " B.V.",
        " BV",
        " N.V.",
        " V.O.F.",
    ];
    for f in forms {
        if let Some(s) = name.strip_suffix(f) {
            return s.to_string();
        }
    }
    name.to_string()
}

/// `RE-2024-0815` → (`RE`, [`2024`, `0815`]).
fn split_number(n: &str) -> (String, Vec<String>) {
    let prefix: String = n.chars().take_while(char::is_ascii_alphabetic).collect();
    let groups = n[prefix.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect();
    (prefix, groups)
}

fn strip_zeros(g: &str) -> String {
    let s = g.trim_start_matches('0');
    if s.is_empty() { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_batch_other_seed_other_batch() {
        let a = generate(&GenConfig::standard(7, 300));
        let b = generate(&GenConfig::standard(7, 300));
        let c = generate(&GenConfig::standard(8, 300));
        assert_eq!(a, b);
        assert_ne!(a.transactions, c.transactions);
        assert_eq!(a.transactions.len(), 300);
        assert_eq!(a.labels.len(), 300);
        assert!(a.invoices.len() >= 450);
    }

    #[test]
    fn labels_name_existing_open_items() {
        let d = generate(&GenConfig::standard(3, 500));
        let ids: std::collections::HashSet<&str> =
            d.invoices.iter().map(|i| i.id.as_str()).collect();
        for l in &d.labels {
            for e in &l.expected {
                assert!(ids.contains(e.as_str()), "{e} of {l:?}");
            }
        }
        assert!(d.invoices.iter().all(|i| i.open_amount > Decimal::ZERO));
    }

    #[test]
    fn typos_change_exactly_one_thing() {
        let mut g = Gen::new(1);
        for _ in 0..200 {
            let t = g.fmt_typo("RE-2024-0815");
            assert_ne!(t, "RE-2024-0815");
            assert!(strsim::osa_distance(&t, "RE-2024-0815") == 1, "{t}");
        }
    }
}
