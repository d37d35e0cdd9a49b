#!/usr/bin/env bash
# The statements crate's exports, read by parsers that share no code with ours: camt.053.001.08
# and .001.02 through pyiso20022's schema-generated classes with xsdata (unknown elements
# refused), MT940 through the mt-940 package; entry counts, sums and balances must match.
# Installs pinned versions into a throw-away venv (PyPI); takes well under a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check \
  mt-940==5.1.1 pyiso20022==1.6.2 xsdata==26.10

mkdir "$work/out"
# The test writes the exports when STATEMENTS_EXPORT_DIR is set (the workspace's feature set:
# no `-p`, which would rebuild dependencies).
if command -v cargo-nextest >/dev/null 2>&1; then
  STATEMENTS_EXPORT_DIR="$work/out" cargo nextest run --workspace \
    -E 'package(statements) & binary(round_trip) & test(write_exports_for_independent_readers)'
else
  STATEMENTS_EXPORT_DIR="$work/out" cargo test -q --workspace --test round_trip \
    write_exports_for_independent_readers
fi
[ -s "$work/out/expected.json" ] || { echo "the export test wrote nothing"; exit 1; }
"$work/venv/bin/python" scripts/lib/statements_check.py "$work/out"
