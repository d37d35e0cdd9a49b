#!/usr/bin/env bash
# The server and the worker must build the crates they share with the same features: otherwise
# `cargo run -p psd2-worker` after `cargo run -p psd2-server` (or the reverse) recompiles those
# crates and everything above them. Compares `cargo tree` of both (no build needed).
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for bin in psd2-server psd2-worker; do
  cargo tree --quiet -p "$bin" -e normal,no-proc-macro -f '{p} {f}' --prefix none --no-dedupe \
    | sed 's/ (\*)$//; s/ (proc-macro)//' \
    | awk '{ key = $1 " " $2; $1 = ""; $2 = ""; sub(/^ +/, ""); print key "\t" $0 }' \
    | sort -u > "$tmp/$bin"
done
# Shared packages whose feature lists differ.
diff=$(join -t $'\t' "$tmp/psd2-server" "$tmp/psd2-worker" | awk -F'\t' '$2 != $3 { print "  " $1 ": server [" $2 "], worker [" $3 "]" }')
if [ -n "$diff" ]; then
  echo "feature-parity: the server and the worker build shared crates with different features:"
  echo "$diff"
  echo "Add the missing features to bins/worker/Cargo.toml (or bins/server/Cargo.toml), see the comment there."
  exit 1
fi
echo "feature-parity: psd2-server and psd2-worker share $(join -t $'\t' "$tmp/psd2-server" "$tmp/psd2-worker" | wc -l) crates with equal features"
