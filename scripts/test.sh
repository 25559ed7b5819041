#!/usr/bin/env bash
# `make test`: install what is missing, then every check there is, in order of speed:
# format, lints (native and wasm32), native tests, browser tests (wasm-bindgen-test in
# Chromium, Firefox and WebKit), the release build, Playwright against it (Chromium), the
# WebDriver smoke suite against it (Firefox, WebKit), and the size report.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_test_tools

# Incremental caches are for editing, not for one pass over every target: in a cold run they
# were about a third of target/ (4.7 GB of 16), and a CI run once failed with ENOSPC.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
say "disk: $(df -h --output=avail "$ROOT" | tail -1 | tr -d ' ') free where target/ lives"

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
# Every tests/web*.rs but the benchmark, in each engine; --nocapture shows the cross-backend
# matrix. wasm-bindgen's runner drives the first of GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER it
# finds set, so each run sets one and unsets the others. Its Safari mode speaks plain W3C
# WebDriver, which WebKitGTK's WebKitWebDriver serves (MiniBrowser, on an Xvfb display).
browser_tests=()
for f in tests/web*.rs; do
  name="$(basename "$f" .rs)"
  [ "$name" = web_bench ] || browser_tests+=(--test "$name")
done
# The runner's limit is for a whole test binary (20 s by default): web_crypto generates RSA keys,
# which WebKit on a loaded machine does slower.
wasm_tests=(env WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --locked --target wasm32-unknown-unknown "${browser_tests[@]}" -- --nocapture)
step "browser tests in Chromium (wasm-bindgen-test, headless)" \
  env -u GECKODRIVER -u SAFARIDRIVER "${wasm_tests[@]}"
step "browser tests in Firefox (wasm-bindgen-test, geckodriver, headless)" \
  env -u SAFARIDRIVER GECKODRIVER="$FIREFOX_GECKODRIVER" "${wasm_tests[@]}"
# WebKit (issue 23; README, "Browsers"): WebKitGTK 2.50.6's JavaScriptCore now and then gets
# RustCrypto's big-integer arithmetic wrong in the debug test build — an impossible overflow
# panic in p384 (3 of 19 web_crypto runs with checks on), and once, in a full make test, a P-521
# d × G that did not match a key WebKit's own WebCrypto had just made (the same test passed in
# the runs before and after). The tests without big-integer crypto gate; web_crypto and web_p384
# run there too and print their matrix, but a failure there is reported as the engine fault,
# not fatal, since no change of ours decides it. p384's overflow checks stay off for WebKit
# (fewer false alarms); Chromium and Firefox run and gate all of them. The same fault once made
# web_flow's PAR + JAR + JARM run fail in WebKit (the in-page server's RustCrypto check refused a
# request object WebKit's WebCrypto had signed, jar.signature_invalid; 1 of 13 runs, the next 12
# passed), so that one test moves to the reported step too, and the rest of web_flow gates.
# web_jwe (the JWE cross-backend matrix) is big-integer crypto too (RSA-OAEP, ECDH on P-256/
# P-384/P-521 in RustCrypto): reported in WebKit, gating in Chromium and Firefox.
webkit_flow_test=par_jar_jarm_flow_completes_in_the_browser_with_webcrypto_keys_and_signatures
webkit_build=(env WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --locked --target wasm32-unknown-unknown
  --config 'profile.dev.package.p384.overflow-checks=false')
webkit_gating=()
for t in "${browser_tests[@]}"; do
  case "$t" in --test | web_crypto | web_p384 | web_jwe) ;; *) webkit_gating+=(--test "$t") ;; esac
done
step "browser tests in WebKit (wasm-bindgen-test, WebKitWebDriver, Xvfb; no big-integer crypto)" \
  env -u GECKODRIVER SAFARIDRIVER="$WEBKIT_WEBDRIVER" xvfb-run --auto-servernum \
  "${webkit_build[@]}" "${webkit_gating[@]}" -- --nocapture --skip "$webkit_flow_test"
webkit_crypto_report() {
  local failed=0
  env -u GECKODRIVER SAFARIDRIVER="$WEBKIT_WEBDRIVER" xvfb-run --auto-servernum \
    "${webkit_build[@]}" --test web_crypto --test web_p384 --test web_jwe -- --nocapture || failed=1
  env -u GECKODRIVER SAFARIDRIVER="$WEBKIT_WEBDRIVER" xvfb-run --auto-servernum \
    "${webkit_build[@]}" --test web_flow -- --nocapture "$webkit_flow_test" || failed=1
  if [ "$failed" = 1 ]; then
    say "WebKit crypto matrix: FAILED above — the known JavaScriptCore arithmetic fault (README, \"Browsers\"); reported, not fatal"
  fi
}
step "browser tests in WebKit: the crypto matrix (reported, not fatal: engine fault, README)" \
  webkit_crypto_report
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
