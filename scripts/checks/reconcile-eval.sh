#!/usr/bin/env bash
# Measures the reconcile crate on the seeded synthetic standard mix (2,000 transactions) beside
# the original system's rules, and fails when automatic-match precision, recall or top-3
# suggestion accuracy falls below the targets of issue 6.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run -q -p reconcile --bin reconcile-eval -- --seed 7 --transactions 2000 --min-precision 0.995 --min-recall 0.90 --min-top3 0.98
