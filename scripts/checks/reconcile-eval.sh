#!/usr/bin/env bash
# Measures the reconcile crate on the seeded synthetic standard mix at business scale (20,000
# transactions, 30,000 open items, 11,333 customers, dense numbers of four and five digits)
# beside the original system's rules (both in the reconcile-eval crate). Issue 16's targets are
# precision 99.8 %, recall 95 %, top-3 99 %, all met and gated at the targets (measured
# 2026-12-03: 99.95 %, 96.27 %, 99.25 %; docs/PERFORMANCE.md); the run is seeded and
# deterministic. The whole run takes ~21 s in the debug build on two busy
# cores (the matcher 3 s, the original rules 10-16 s). Runs at the workspace root without -p: -p
# unifies features for one package only and rebuilt the dependencies beside the workspace's
# build (CI's disk once filled up).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run -q --bin reconcile-eval -- --seed 7 --transactions 20000 --min-precision 0.998 --min-recall 0.95 --min-top3 0.99
