#!/usr/bin/env bash
# `make test`: install what is missing, then every check there is, in order of speed:
# format, lints (native and wasm32), native tests, browser tests (wasm-bindgen-test in
# headless Chromium), the release build, Playwright against it, and the size report.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_test_tools

started=$SECONDS
step() {
  local name="$1"
  shift
  local t=$SECONDS
  say "$name"
  "$@"
  printf '    (%ss)\n' $((SECONDS - t)) >&2
}

step "cargo fmt --check" cargo fmt --all --check
step "clippy (native)" cargo clippy --quiet --all-targets --locked -- -D warnings
step "clippy (wasm32)" cargo clippy --quiet --all-targets --locked --target wasm32-unknown-unknown -- -D warnings
step "native tests" cargo test --quiet --locked
# Every tests/web*.rs but the benchmark; --nocapture shows the cross-backend matrix.
browser_tests=()
for f in tests/web*.rs; do
  name="$(basename "$f" .rs)"
  [ "$name" = web_bench ] || browser_tests+=(--test "$name")
done
step "browser tests (wasm-bindgen-test, headless Chromium)" \
  cargo test --locked --target wasm32-unknown-unknown "${browser_tests[@]}" -- --nocapture
step "release build (trunk build --release --offline)" trunk build --release --offline --quiet
# The same build for a sub-path, served under /some/path/ by tests/e2e/subpath.spec.mjs.
step "release build for a sub-path (make dist PUBLIC_URL=/some/path/)" \
  scripts/dist.sh /some/path/ target/subpath-dist
step "end-to-end tests (Playwright, Chromium, dist/ on loopback)" playwright test
step "size report" scripts/size-report.sh --no-build
say "all checks passed in $((SECONDS - started))s"
