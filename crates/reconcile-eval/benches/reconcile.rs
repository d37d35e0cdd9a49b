//! Reconciling 10,000 and 100,000 generated transactions against as many open items. The target:
//! 100,000 against 100,000 in under 2 s on two cores, and near-linear growth (10x the data in at
//! most 12x the time).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use reconcile::{Config, Matcher};
use reconcile_eval::{Dataset, GenConfig, generate};

fn dataset(n: usize) -> Dataset {
    generate(&GenConfig {
        seed: 7,
        transactions: n,
        open_invoices: Some(n),
    })
}

fn bench(c: &mut Criterion) {
    let matcher = match Matcher::new(Config::default()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("reconcile bench: {e}");
            return;
        }
    };
    let mut group = c.benchmark_group("reconcile");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    for n in [10_000usize, 100_000] {
        let data = dataset(n);
        eprintln!(
            "reconcile/{n}: {} transactions, {} open items",
            data.transactions.len(),
            data.invoices.len()
        );
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| matcher.reconcile(black_box(&data.transactions), black_box(&data.invoices)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
