#!/usr/bin/env bash
# `make bench-crypto`: WebCrypto vs pure-Rust medians in headless Chromium, release build.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_test_tools
# Each table samples for seconds; the runner's default limit (20 s) is for the whole file.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-300}"
cargo test --release --locked --target wasm32-unknown-unknown --test web_bench -- --nocapture 2>&1 |
  grep -E '^\||^runs:|^test result' || die "the benchmark did not run; rerun without the filter to see why"
