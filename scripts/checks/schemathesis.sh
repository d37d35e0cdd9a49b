#!/usr/bin/env bash
# The API keeps its own contract: schemathesis (property-based tests generated from the OpenAPI
# document, https://schemathesis.readthedocs.io) runs every check against a freshly started
# server in `local` mode, with the API token, and must report 0 server errors and 0 contract
# failures. The venv is kept in target/ so later runs do not download schemathesis again.
#   SCHEMATHESIS_EXAMPLES  examples per operation and phase (default 120: ~2,500 cases, ~30 s
#                          of testing after the build)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
version=4.32.5
examples=${SCHEMATHESIS_EXAMPLES:-120}

venv="$root/target/schemathesis-$version"
if [ ! -x "$venv/bin/schemathesis" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi

# The workspace's own feature set (what nextest built), as scripts/checks/setup-guide.sh.
cargo build -q --workspace --all-targets
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000)); sandbox_port=$((port + 1))
token="schemathesis-check-$(date +%s)-token"
# Schemathesis tries wrong tokens on purpose: the throttle must not answer its later cases 429.
(cd "$work" && PSD2_ENVIRONMENT=local PSD2_API_TOKEN=$token PSD2_AUTH_FAILURES_PER_MINUTE=1000000 PSD2_LISTEN=127.0.0.1:$port \
   PSD2_SANDBOX_PORT=$sandbox_port PSD2_DATA_DIR="$work/data" PSD2_CERT_PATH="$work/certs" \
   DATABASE_URL="sqlite://$work/psd2.sqlite?mode=rwc" RUST_LOG=warn \
   "$root/target/debug/psd2-server" >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 150); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "FAIL - server not ready"; cat "$work/server.log"; exit 1; }

# Excluded, each for a reason:
# - consent/initiate and consent/callback: every accepted call starts or completes a consent at
#   the bank (here the sandbox); tests/contract.rs and tests/e2e.rs run them with real consents.
# - DELETE /api/connections/{id}: revokes at the bank.
# - The statement-file endpoints (POST /api/accounts, POST /api/accounts/{id}/statements,
#   GET /api/accounts/{id}/statement, GET /api/exports/datev): their refusals of schema-valid
#   input are not yet expressed in the document (an IBAN's checksum, a body that is no statement
#   file, an export without a stored balance, DATEV without the adviser's numbers);
#   tests/statements_api.rs and tests/banking_statements.rs cover them. To be brought in (the
#   path filter also leaves out GET /api/accounts, which shares the path).
# The stateful phase follows links inferred from location headers only: schemathesis 4.32.5's
# dependency analysis also links a payer's `match_id` to /api/reconciliation/matches/{id}/...,
# and where that field is null (an uploaded payer has no match) it sends the text "None" as the
# id, which no integer parameter can take.
cat >"$work/schemathesis.toml" <<'TOML'
[phases.stateful.inference]
algorithms = ["location-headers"]
TOML
set +e
(cd "$work" && timeout 900 "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" run "http://127.0.0.1:$port/api/openapi.json" \
  --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $token" \
  --checks all --max-examples "$examples" --workers 2 \
  --exclude-path-regex '^(.*/consent/(initiate|callback)|/api/connections/\{id\}|/api/accounts|/api/accounts/\{id\}/statements?|/api/exports/datev)$' \
  --generation-database none --suppress-health-check all --no-color) >"$work/schemathesis.out" 2>&1
status=$?
set -e
cat "$work/schemathesis.out"
cases=$(grep -oE '[0-9]+ generated' "$work/schemathesis.out" | tail -1 | grep -oE '[0-9]+' || echo 0)
echo "schemathesis: $cases cases generated (exit $status)"
if [ "$status" -ne 0 ]; then
  echo "FAIL - schemathesis found failures against /api/openapi.json"; tail -20 "$work/server.log"; exit 1
fi
if [ "${cases:-0}" -lt 2000 ]; then
  echo "FAIL - only ${cases:-0} cases: raise SCHEMATHESIS_EXAMPLES"; exit 1
fi
echo "ok   - schemathesis: 0 failures in $cases cases"
