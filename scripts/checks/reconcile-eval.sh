#!/usr/bin/env bash
# Measures the reconcile crate on the seeded synthetic standard mix (2,000 transactions) beside
# the original system's rules (both in the reconcile-eval crate), and fails when automatic-match
# precision falls below 99.5 %, recall below 90 % or top-3 suggestion accuracy below 98 %.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo run -q -p reconcile-eval --bin reconcile-eval -- --seed 7 --transactions 2000 --min-precision 0.995 --min-recall 0.90 --min-top3 0.98
