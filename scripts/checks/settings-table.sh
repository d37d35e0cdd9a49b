#!/usr/bin/env bash
# Every setting the binaries read from the environment (clap's `env = "…"`) has a row in the
# README's settings table, so the table a newcomer configures from cannot fall behind the code.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=0
for name in $(grep -rhoE 'env = "[A-Z_0-9]+"' bins crates --include=*.rs | sed -E 's/env = "(.*)"/\1/' | sort -u); do
  if ! grep -qE "^\| \`$name\` \|" README.md; then
    echo "README.md's settings table has no row for $name" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] && echo "ok   - every environment setting is in the README's table"
exit "$missing"
