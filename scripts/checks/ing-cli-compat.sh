#!/usr/bin/env bash
# Drives the local ING sandbox with curl and openssl exactly the way ING's own bash scripts
# (ing-bank/ing-open-banking-cli, scripts/bash/psd2_01…05) drive ING's sandbox: application token,
# authorization URL, authorization code via grantssupport, customer token, accounts. Then checks
# that tampering is refused the way ING refuses it. Written for this project; no code of ING's.
set -euo pipefail
cd "$(dirname "$0")/../.."

passed=0; failed=0
ok()   { passed=$((passed+1)); echo "ok   - $*"; }
fail() { failed=$((failed+1)); echo "FAIL - $*"; }

# The workspace's feature set, as the tests built it (`-p` would rebuild dependencies).
cargo build -q --workspace --all-targets
bin="${CARGO_TARGET_DIR:-target}/debug/ing-sandbox"
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" certs --out "$work/certs" >/dev/null
"$bin" serve --certs "$work/certs" --port 0 >"$work/out" 2>"$work/log" &
pid=$!
for _ in $(seq 1 100); do grep -q '^ing-sandbox api=' "$work/out" 2>/dev/null && break; sleep 0.1; done
line=$(grep '^ing-sandbox api=' "$work/out") || { echo "sandbox did not start"; cat "$work/log"; exit 1; }
baseURL=$(sed -E 's/.*api=([^ ]+).*/\1/' <<<"$line")
myAccountBaseURL=$(sed -E 's/.*consent=([^ ]+).*/\1/' <<<"$line")

certs="$work/certs"
tls=(--cacert "$certs/ca.cer" --cert "$certs/example_client_tls.cer" --key "$certs/example_client_tls.key")
signingKey="$certs/example_client_signing.key"
keyId="SN=$(openssl x509 -in "$certs/example_client_signing.cer" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')"
signingCertificate=$(tr -d '\r\n' <"$certs/example_client_signing.cer")

now()    { LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT"; }
digest() { echo "SHA-256=$(echo -n "$1" | openssl dgst -binary -sha256 | openssl base64)"; }
sign()   { echo -n "(request-target): $1 $2
date: $3
digest: $4" | openssl dgst -sha256 -sign "$signingKey" | openssl base64 -A; }

# 1. Application token (psd2_01).
payload="grant_type=client_credentials"
reqDate=$(now); dig=$(digest "$payload"); sig=$(sign post /oauth2/token "$reqDate" "$dig")
response=$(curl -s "${tls[@]}" -X POST "$baseURL/oauth2/token" \
  -H "Accept: application/json" -H "Content-Type: application/x-www-form-urlencoded" \
  -H "Digest: $dig" -H "Date: $reqDate" -H "TPP-Signature-Certificate: $signingCertificate" \
  -H "Authorization: Signature keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$sig\"" \
  -d "$payload")
appToken=$(jq -r '.access_token // empty' <<<"$response")
clientId=$(jq -r '.client_id // empty' <<<"$response")
[ -n "$appToken" ] && [ "$clientId" = "5ca1ab1e-c0ca-c01a-cafe-154deadbea75" ] && ok "application token" || fail "application token: $response"

# 2. Authorization URL (psd2_02).
reqPath="/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview&redirect_uri=https://www.example.com&country_code=NL"
reqDate=$(now); dig=$(digest ""); sig=$(sign get "$reqPath" "$reqDate" "$dig")
response=$(curl -s "${tls[@]}" -X GET "$baseURL$reqPath" -H "Accept: application/json" -H "Content-Type: application/json" \
  -H "Digest: $dig" -H "Date: $reqDate" -H "Authorization: Bearer $appToken" \
  -H "Signature: keyId=\"$clientId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$sig\"")
location=$(jq -r '.location // empty' <<<"$response")
referenceId=$(jq -r '.location | split("/") | map(select(length > 0)) | .[-2]' <<<"$response" 2>/dev/null || true)
[[ "$location" == "$myAccountBaseURL/granting/"*"/NL" ]] && ok "authorization URL" || fail "authorization URL: $response"

# 3. Authorization code via grantssupport (psd2_03).
accounts=$(curl -s -k -X GET "$myAccountBaseURL/grantssupport/accounts" -H 'Content-Type: application/json' -H "Authorization: Bearer $appToken")
profile=$(jq '.accounts[] | select((.name == "Popescu Corina") and (.scopes[0] == "payment-accounts:balances:view") and (.country_code == "RO"))' <<<"${accounts:6}")
profileId=$(jq -r '.id' <<<"$profile"); scopes=$(jq -r '.scopes | join(" ")' <<<"$profile")
xsrf="t7oVFHD1d4MKlzKqbqME1QrYGrdWdPtkbPoFBngMR5xlWEYaJPLk-BVvE8Up1CKV"
grant=$(curl -s -k -X POST "$myAccountBaseURL/grantssupport/$referenceId/auth-code" -H "Authorization: Bearer $appToken" \
  -H 'Content-Type: application/json' -H "X-XSRF-Token: $xsrf" -H "Cookie: XSRF-TOKEN=$xsrf" \
  -d "{\"id\":\"$profileId\",\"client_id\":\"$clientId\",\"scopes\":\"$scopes\",\"state\":\"ANY_ARBITRARY_VALUE\",\"redirectURL\":\"https://example.com\"}")
code=$(jq -r '.location | split("=") | map(select(length > 0)) | .[-1]' <<<"${grant:6}" 2>/dev/null || true)
[[ "$code" =~ ^[0-9a-f-]{36}$ ]] && ok "authorization code via grantssupport" || fail "authorization code: $grant"

# 4. Customer token (psd2_04).
payload="grant_type=authorization_code&code=$code"
reqDate=$(now); dig=$(digest "$payload"); sig=$(sign post /oauth2/token "$reqDate" "$dig")
response=$(curl -s "${tls[@]}" -X POST "$baseURL/oauth2/token" -H "Accept: application/json" \
  -H "Content-Type: application/x-www-form-urlencoded" -H "Digest: $dig" -H "Date: $reqDate" \
  -H "Authorization: Bearer $appToken" \
  -H "Signature: keyId=\"$clientId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$sig\"" -d "$payload")
customerToken=$(jq -r '.access_token // empty' <<<"$response")
[ -n "$customerToken" ] && [ -n "$(jq -r '.refresh_token // empty' <<<"$response")" ] && ok "customer token" || fail "customer token: $response"

# 5. Accounts (psd2_05).
reqDate=$(now); dig=$(digest ""); sig=$(sign get /v3/accounts "$reqDate" "$dig")
response=$(curl -s "${tls[@]}" -X GET "$baseURL/v3/accounts" -H "Accept: application/json" -H "Content-Type: application/json" \
  -H "Digest: $dig" -H "Date: $reqDate" -H "X-Request-ID: $(cat /proc/sys/kernel/random/uuid)" -H "Authorization: Bearer $customerToken" \
  -H "Signature: keyId=\"$clientId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$sig\"")
n=$(jq '.accounts | length' <<<"$response" 2>/dev/null || echo 0)
[ "$n" -ge 1 ] && ok "accounts ($n)" || fail "accounts: $response"

# 6. Tampering: one byte of the body changed after signing.
payload="grant_type=client_credentials"
reqDate=$(now); dig=$(digest "$payload"); sig=$(sign post /oauth2/token "$reqDate" "$dig")
tamper() { curl -s -o "$work/body" -w '%{http_code}' "${tls[@]}" -X POST "$baseURL/oauth2/token" \
  -H "Content-Type: application/x-www-form-urlencoded" -H "Digest: $1" -H "Date: $reqDate" \
  -H "TPP-Signature-Certificate: $signingCertificate" \
  -H "Authorization: Signature keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$sig\"" -d "$2"; }
status=$(tamper "$dig" "grant_type=client_credentialz")
[ "$status" = 400 ] && grep -q "Digest" "$work/body" && ok "changed body with the old digest: 400" || fail "changed body: $status $(cat "$work/body")"
status=$(tamper "$(digest grant_type=client_credentialz)" "grant_type=client_credentialz")
[ "$status" = 401 ] && [ "$(cat "$work/body")" = "Signature could not be successfully verified" ] \
  && ok "changed body with a matching digest: 401 Signature could not be successfully verified" || fail "changed body + digest: $status $(cat "$work/body")"

# 7. A Date ten minutes old: refused as ING refuses a stale request.
payload="grant_type=client_credentials"
reqDate=$(LC_TIME=en_US.UTF-8 date -u -d '-10 minutes' "+%a, %d %b %Y %H:%M:%S GMT"); dig=$(digest "$payload"); sig=$(sign post /oauth2/token "$reqDate" "$dig")
status=$(tamper "$dig" "$payload")
[ "$status" = 400 ] && grep -q "Date" "$work/body" && ok "stale Date: 400" || fail "stale Date: $status $(cat "$work/body")"

# 8. No client certificate: the TLS handshake fails.
if curl -s --cacert "$certs/ca.cer" -X POST "$baseURL/oauth2/token" -d x >/dev/null 2>&1; then
  fail "a request without client certificate got through"
else
  ok "no client certificate: handshake refused"
fi

echo
echo "ing-cli-compat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
