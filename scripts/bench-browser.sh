#!/usr/bin/env bash
# `make bench-browser`: builds the release app, then scripts/bench-browser.mjs measures it.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_test_tools
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline --dist target/bench-dist >/dev/null 2>&1 ||
  die "the release build failed; run 'trunk build --release --offline' to see why"
node scripts/bench-browser.mjs target/bench-dist "${1:-20}"
