#!/usr/bin/env bash
# `make test`: install what is missing, then every check there is, in order of speed:
# format, lints (native and wasm32), native tests, browser tests (wasm-bindgen-test in
# headless Chromium), the release build, Playwright against it (Chromium), the
# WebDriver smoke suite against it (Firefox, WebKit), and the size report.
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
# The native mock-server the Playwright specs start (oauth4webapi, external mode): the debug
# build `cargo test` already made for tests/mock_server_bin.rs, so this step only checks it.
step "mock-server binary (cargo build --bin mock-server)" cargo build --quiet --locked --bin mock-server
export MOCK_SERVER_BIN="$ROOT/target/debug/mock-server"
step "end-to-end tests (Playwright, Chromium, dist/ on loopback)" playwright test
step "end-to-end smoke (WebDriver: Firefox headless, WebKit on Xvfb)" \
  env FIREFOX_GECKODRIVER="$FIREFOX_GECKODRIVER" WEBKIT_WEBDRIVER="$WEBKIT_WEBDRIVER" \
  xvfb-run --auto-servernum node --test --test-reporter=spec tests/webdriver/smoke.mjs
step "size report" scripts/size-report.sh --no-build
say "all checks passed in $((SECONDS - started))s"
