//! Times `Matcher::reconcile` on the benchmark's data (seed 7, as many open items as
//! transactions) outside criterion, to compare sizes and thread counts quickly:
//!
//! `cargo run --release -p reconcile-eval --example reconcile_time -- N THREADS REPS`
//!
//! Prints the best wall time and the best CPU time of the calling thread (with `THREADS` 1 all
//! the work runs there, so the CPU time is what the matcher costs even on a busy machine).
//! With `DIGEST=1` in the environment it prints a hash of the JSON outcomes instead (the
//! outcome digest), to check that a change to the matcher's speed or structure changed none of
//! its output.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use reconcile::{Config, Matcher};
use reconcile_eval::{GenConfig, generate};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg =
        |k: usize, default: usize| args.get(k).and_then(|s| s.parse().ok()).unwrap_or(default);
    let (n, threads, reps) = (arg(1, 10_000), arg(2, 0), arg(3, 5));
    let data = generate(&GenConfig {
        seed: 7,
        transactions: n,
        open_invoices: Some(n),
    });
    let matcher = match Matcher::new(Config {
        threads,
        ..Config::default()
    }) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("reconcile_time: {e}");
            return;
        }
    };
    if std::env::var_os("DIGEST").is_some() {
        let out = matcher.reconcile(&data.transactions, &data.invoices);
        let json = serde_json::to_string(&out).unwrap_or_default();
        // FNV-1a: any change in the output changes it.
        let h = json.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        println!("n={n} digest {h:016x} ({} bytes of JSON)", json.len());
        return;
    }
    let (mut best, mut best_cpu) = (f64::MAX, f64::MAX);
    for _ in 0..reps {
        let c0 = thread_cpu();
        let t = Instant::now();
        let out = matcher.reconcile(&data.transactions, &data.invoices);
        let wall = t.elapsed().as_secs_f64();
        let cpu = thread_cpu() - c0;
        std::hint::black_box(out);
        best = best.min(wall);
        best_cpu = best_cpu.min(cpu);
        eprintln!(
            "n={n} threads={threads}: {:.1} ms (calling thread's CPU {:.1} ms)",
            wall * 1e3,
            cpu * 1e3
        );
    }
    println!(
        "n={n} threads={threads} best {:.1} ms, best CPU of the calling thread {:.1} ms",
        best * 1e3,
        best_cpu * 1e3
    );
}

/// CPU time of the calling thread in seconds, from the scheduler's statistics (Linux; 0
/// elsewhere).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|x| x.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
        / 1e9
}
