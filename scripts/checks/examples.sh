#!/usr/bin/env bash
# Runs every example against the local sandbox it starts itself; each must exit 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
passed=0; failed=0
for example in $(sed -n 's/^name = "\(.*\)"$/\1/p' examples/Cargo.toml | grep -v '^psd2-examples$'); do
  # No `-p`: the workspace's feature set, as the tests built it, so no dependency is rebuilt.
  if cargo run -q --example "$example" >/tmp/example-$example.log 2>&1; then
    passed=$((passed+1)); echo "ok   - example $example"
  else
    failed=$((failed+1)); echo "FAIL - example $example"; tail -20 /tmp/example-$example.log
  fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
