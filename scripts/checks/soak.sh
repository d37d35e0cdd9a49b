#!/usr/bin/env bash
# Months of bank activity against the real worker binary (bins/worker/tests/soak.rs): the local
# sandbox's living ledger over SOAK_DAYS simulated days (default 30: two consent renewals), once
# undisturbed on SQLite and once with three workers on PostgreSQL (when DATABASE_URL points at
# one), random SIGKILLs and injected faults. Fails unless both stores equal the sandbox's ledger
# (no duplicate, missing or stale entry, equal sums), no account saw more than four unattended
# requests a day, no run was left running, and both runs made the same matches.
#   SOAK_DAYS=400 scripts/checks/soak.sh     # the long run (figures in docs/operations.md)
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/postgres.sh
ensure_postgres
export SOAK_DAYS="${SOAK_DAYS:-30}"
# nextest over the workspace: the build the test suite made (`cargo test -p` would rebuild the
# dependencies with that package's features alone, doubling the target folder).
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace -E 'binary(soak)' --run-ignored only --no-capture
else
  cargo test -q --workspace --test soak -- --ignored --nocapture
fi
