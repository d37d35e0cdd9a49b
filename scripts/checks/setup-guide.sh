#!/usr/bin/env bash
# Runs step 4 of docs/setup-ing.md — the shell blocks between <!-- flow:start --> and
# <!-- flow:end --> — against a freshly started server in local mode, and checks that it ends
# with reconciled transactions. The German guide must carry the same commands.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

extract() { # the sh blocks of the flow section of $1
  awk '/<!-- flow:start -->/{on=1} /<!-- flow:end -->/{on=0}
       on && /^```sh$/{code=1; next} on && /^```$/{code=0; next} code' "$1"
}
if ! diff <(extract docs/setup-ing.md) <(extract docs/setup-ing.de.md) >/dev/null; then
  echo "FAIL - docs/setup-ing.de.md's commands differ from docs/setup-ing.md's"
  diff <(extract docs/setup-ing.md) <(extract docs/setup-ing.de.md) || true
  exit 1
fi

# The workspace's own feature set (what nextest built): `-p psd2-server` would resolve features
# for that package alone and rebuild ~70 dependencies beside the ones the tests built.
cargo build -q --workspace --all-targets
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000)); sandbox_port=$((port + 1))
token="guide-check-$(date +%s)-token"
(cd "$work" && PSD2_API_TOKEN=$token PSD2_LISTEN=127.0.0.1:$port PSD2_SANDBOX_PORT=$sandbox_port \
   RUST_LOG=warn "$root/target/debug/psd2-server" >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/healthz" >/dev/null || { echo "FAIL - server did not start"; cat "$work/server.log"; exit 1; }

script="$work/flow.sh"
{
  echo 'set -euo pipefail'
  extract docs/setup-ing.md
  # What the guide promises at the end: matched transactions and a filled review queue.
  echo 'test "$(echo "$MATCHED" | jq .total)" -gt 0 || { echo "no transaction was reconciled"; exit 1; }'
} >"$script"
if BASE="http://127.0.0.1:$port" TOKEN=$token bash "$script" >"$work/flow.out" 2>&1; then
  cat "$work/flow.out"
  echo "ok   - docs/setup-ing.md step 4 runs against a fresh server"
else
  cat "$work/flow.out"
  echo "FAIL - docs/setup-ing.md step 4"; tail -20 "$work/server.log"; exit 1
fi
