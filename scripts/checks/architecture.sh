#!/usr/bin/env bash
# The architecture's rules, checked: dependencies each crate must not have, the front ends write
# only through bank-sync, no import circle between files, no oversized source file, and the
# production server builds without the bundled sandbox. docs/architecture.md says why.
set -euo pipefail
cd "$(dirname "$0")/../.."
fail=0
say() { printf '%s\n' "$*" >&2; fail=1; }

# 1. Dependencies a crate must not pull in (normal edges only: tests and benches may).
deny_deps() { # crate, cargo-tree flags, regex of forbidden crates, why
  local found
  found=$(cargo tree -p "$1" -e normal --prefix none $2 2>/dev/null | awk '{print $1}' | sort -u | grep -E "^($3)\$" || true)
  [ -z "$found" ] || say "$1${2:+ ($2)} depends on $(echo $found): $4"
}
deny_deps reconcile "" "clap|rand|rand_chacha" "the matcher is pure; its evaluation lives in reconcile-eval"
deny_deps bank-sync "" "clap" "clap belongs to the binaries (feature cli)"
deny_deps psd2-server "--no-default-features" "rsa|rcgen|ing-sandbox" "the production server must not contain the bundled sandbox"

# 2. The front ends change state only through bank-sync (reads may use storage directly).
writes='abort_orphaned_runs|advance_watermark|apply_match|commit_reconciliation|confirm_suggestion|consume_oauth_state|create_connection|expire_unseen_pending|finish_sync_run|import_page|issue_oauth_state|merge_duplicate_accounts|put_secret|record_balances|record_ing_calls?|record_suggestions|refresh_consent_statuses|reject_suggestion|release_lease|renew_lease|restore_listed_pending|set_connection_status|start_sync_run|try_lease|undo_match|upsert_account|upsert_invoices'
hits=$(find bins -path '*/tests' -prune -o -name '*.rs' -print0 \
  | xargs -0 perl -0777 -ne 'while (/\b(?:db\(\)|db)\s*\.\s*('"$writes"')\s*\(/g) { print "$ARGV: $1\n" }')
if [ -n "$hits" ]; then
  printf '%s\n' "$hits" >&2
  say "bins/ call storage writes directly: go through a bank-sync use case"
fi

# 3. No import circle between files.
python3 scripts/lib/import_cycles.py crates/* bins/* || say "import circles (above): move what both use into its own module"

# 4. No source file over 800 lines outside tests and generated data.
while read -r lines file; do
  [ "$file" = total ] && continue
  [ "$lines" -gt 800 ] && say "$file has $lines lines: split it along its seams"
done < <(find crates bins examples -path '*/tests' -prune -o -path '*/migration' -prune -o -name '*.rs' -print0 | xargs -0 wc -l)

# 5. Self-contained: no code or doc points to a document outside the repository.
outside='\.\./shared|shared/(tools|reference|seed)|reliability-scenarios|reconcile-anchors|anchors §|ing-psd2-api\.md|psd2-over-time|statement-formats\.md|rust-stack\.md|design\.md'
if grep -rnE "$outside" crates bins docs examples README.md deny.toml Cargo.toml --include='*' 2>/dev/null; then
  say "references to documents outside the repository (above): write the fact into docs/ with its public source"
fi

# 6. The production server (no bundled sandbox) compiles.
cargo check -q -p psd2-server --no-default-features || say "psd2-server --no-default-features does not build"

[ "$fail" = 0 ] && echo "architecture rules hold"
exit "$fail"
