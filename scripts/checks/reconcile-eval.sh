#!/usr/bin/env bash
# Measures the reconcile crate on the seeded synthetic standard mix at business scale (10,000
# transactions, 15,000 open items, 5,646 customers, dense numbers of four and five digits)
# beside the original system's rules (both in the reconcile-eval crate). Issue 16's targets
# (precision 99.8 %, recall 95 %, top-3 99 %) are not met yet at this scale (measured: 99.43 %,
# 85.81 %, 82.94 %; the gaps are in docs/PERFORMANCE.md); the run is seeded and deterministic, so
# until they are met it fails on any step back from today's figures. 20,000 transactions took 90-105 s in the debug build
# (matching grows faster than the batch there, see docs/PERFORMANCE.md); 10,000 take 6 s. Runs at the workspace root without -p: -p unifies features for one package only
# and rebuilt the dependencies beside the workspace's build (CI's disk once filled up).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run -q --bin reconcile-eval -- --seed 7 --transactions 10000 --min-precision 0.994 --min-recall 0.855 --min-top3 0.825
