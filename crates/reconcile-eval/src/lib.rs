//! The test bench of the `reconcile` matcher: what it is measured on, what it is measured
//! against, and the figures its targets are stated in.
//!
//! No public labelled set of bank transactions and invoices exists, so, like Czekaj et al. ("On
//! the problem of entity matching and its application in automated settlement of receivables",
//! arXiv:2205.10678), the matcher is measured on synthetic data with the noise real remittance
//! texts show, reporting precision at the automatic threshold, recall, and top-3 accuracy of
//! suggestions.
//!
//! - [`generate`] makes a seeded, labelled batch: the same seed gives the same batch on every
//!   machine, so figures and outcome hashes can be compared across changes.
//! - [`measure`] turns outcomes and labels into [`Metrics`].
//! - [`baseline`] is the original system's rules, run on the same batch in the same run so that
//!   every improvement is measured against it.
//!
//! It is a crate of its own so that the matcher carries none of this (nor its dependencies:
//! rand, rand_chacha, clap) into the service. The binary `reconcile-eval` is the CI gate
//! (`scripts/checks/reconcile-eval.sh`), the bench `reconcile` and the example `reconcile_time`
//! time the matcher on generated data (`docs/PERFORMANCE.md`).
#![deny(missing_docs)]

pub mod baseline;
mod generator;
mod measure;

pub use generator::{Dataset, GenConfig, Label, Scenario, generate};
pub use measure::{Counts, Metrics, measure};
