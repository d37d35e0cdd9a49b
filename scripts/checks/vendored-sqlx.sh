#!/usr/bin/env bash
# vendor/sqlx-core is sqlx-core 0.9.0 from crates.io with one change (TCP_NODELAY, see the patch
# note in Cargo.toml). This check proves it: it downloads the released crate, checks its SHA-256
# against the crates.io index, and compares the trees — any difference beyond the expected one
# (scripts/lib/sqlx-core-expected.diff) fails. It also fails once crates.io lists a newer
# sqlx-core 0.9.x or later, so the patch is reviewed and removed when a release carries the fix.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

index=$(curl -fsS --retry 3 https://index.crates.io/sq/lx/sqlx-core) || {
  echo "cannot reach the crates.io index to check vendor/sqlx-core" >&2; exit 1; }

newest=$(printf '%s\n' "$index" | python3 -c '
import json, sys
def key(v):
    core = v.split("+")[0].split("-")[0]
    return tuple(int(x) for x in core.split("."))
released = [json.loads(l) for l in sys.stdin if l.strip()]
stable = [r["vers"] for r in released if not r.get("yanked") and "-" not in r["vers"]]
print(max(stable, key=key))')
if [ "$newest" != "0.9.0" ]; then
  echo "sqlx-core $newest is released: check whether it sets TCP_NODELAY (transact-rs/sqlx#4336);" >&2
  echo "if so, remove [patch.crates-io] sqlx-core and vendor/sqlx-core; otherwise re-vendor it." >&2
  exit 1
fi

cksum=$(printf '%s\n' "$index" | python3 -c '
import json, sys
for l in sys.stdin:
    r = json.loads(l)
    if r["vers"] == "0.9.0":
        print(r["cksum"])')
curl -fsS --retry 3 -o "$work/sqlx-core.crate" \
  https://static.crates.io/crates/sqlx-core/sqlx-core-0.9.0.crate
echo "$cksum  $work/sqlx-core.crate" | sha256sum -c --quiet -
tar xzf "$work/sqlx-core.crate" -C "$work"

# Packaging files differ by nature: cargo writes .cargo-ok on unpacking, the crate carries a lock.
mv "$work/sqlx-core-0.9.0" "$work/released"
{ diff -r -x .cargo-ok -x Cargo.lock "$work/released" vendor/sqlx-core || true; } \
  | sed "s|$work/||" > "$work/actual.diff"
if ! diff -u scripts/lib/sqlx-core-expected.diff "$work/actual.diff"; then
  echo "vendor/sqlx-core differs from the released 0.9.0 by more than the TCP_NODELAY line" >&2
  exit 1
fi
echo "ok   - vendor/sqlx-core is sqlx-core 0.9.0 plus the TCP_NODELAY line only"
