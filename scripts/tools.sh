# Sourced by the other scripts: puts the project's tools on PATH and installs whatever is
# missing. Silent when everything is already there; each install says what it is doing.
# Versions are pinned here and in Trunk.toml / package.json / Cargo.toml, and
# tests/toolchain.rs checks that the pins agree, so a wrong tool fails loudly.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION=0.21.14
# Firefox's WebDriver server, from crates.io (Debian has none); 0.37 drives Firefox ESR 153.
GECKODRIVER_VERSION=0.37.1
# The splitter of the release build (scripts/wasm-split.mjs); its minor version must match the
# wasm_split_helpers runtime Leptos brings (Cargo.lock), which tests/toolchain.rs checks.
WASM_SPLIT_VERSION=0.2.4
export PATH="$ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The Firefox and WebKit drivers; scripts/test.sh hands one at a time to wasm-bindgen's runner,
# which takes the first of GECKODRIVER, SAFARIDRIVER, CHROMEDRIVER it finds set.
FIREFOX_GECKODRIVER="${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver"
WEBKIT_WEBDRIVER=/usr/bin/WebKitWebDriver

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  is_root || die "missing Debian packages: $*. Install them with: sudo apt-get install $*"
  say "installing Debian packages: $*"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The wasm-bindgen version the crate is locked to; the CLI must be exactly this one.
wasm_bindgen_version() {
  awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  say "adding the Rust wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >/dev/null
}

ensure_trunk() {
  [ "$(trunk --version 2>/dev/null)" = "trunk $TRUNK_VERSION" ] && return
  say "installing Trunk $TRUNK_VERSION from crates.io (about 8 minutes on 2 cores)"
  cargo install trunk --version "$TRUNK_VERSION" --locked --force --quiet
}

ensure_wasm_bindgen() {
  local version
  version="$(wasm_bindgen_version)"
  [ -n "$version" ] || die "wasm-bindgen is not in Cargo.lock"
  [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $version" ] &&
    [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" = "wasm-bindgen-test-runner $version" ] && return
  say "installing wasm-bindgen-cli $version (equal to the wasm-bindgen crate; about 5 minutes)"
  # Not --locked: with it, this version's lock file names a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version "$version" --force --quiet
}

ensure_wasm_split() {
  cargo install --list 2>/dev/null | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:" && return
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (wasm_split_cli_support, the release build's splitter; about 3 minutes)"
  cargo install wasm_split_cli_support --version "$WASM_SPLIT_VERSION" --features build-binary --locked --force --quiet
}

ensure_node() {
  command -v node >/dev/null && command -v npm >/dev/null && return
  apt_install nodejs npm
}

# npm ci when node_modules is missing or older than the lock file. Brings wasm-opt (binaryen)
# and Playwright; never a browser download.
ensure_npm_packages() {
  ensure_node
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
  local want
  want="$(sed -n 's/^wasm_opt = "version_\([0-9]*\)"$/\1/p' Trunk.toml)"
  wasm-opt --version 2>/dev/null | grep -q "version $want " ||
    die "wasm-opt on PATH is not binaryen $want ($(command -v wasm-opt || echo none)); run npm ci"
}

ensure_chromium() {
  command -v chromium >/dev/null && [ -x "$CHROMEDRIVER" ] && return
  apt_install chromium chromium-driver
}

# The three engines `make test` runs in, from Debian, in one apt-get: Chromium, Firefox ESR,
# and WebKitGTK (WebKitWebDriver with its MiniBrowser, which needs an X display: Xvfb).
ensure_browsers() {
  local missing=()
  command -v chromium >/dev/null && [ -x "$CHROMEDRIVER" ] || missing+=(chromium chromium-driver)
  command -v firefox-esr >/dev/null || missing+=(firefox-esr)
  [ -x "$WEBKIT_WEBDRIVER" ] || missing+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || missing+=(xvfb)
  [ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
}

ensure_geckodriver() {
  [ "$("$FIREFOX_GECKODRIVER" --version 2>/dev/null | head -n 1)" = "geckodriver $GECKODRIVER_VERSION" ] && return
  say "installing geckodriver $GECKODRIVER_VERSION from crates.io (about 6 minutes on 2 cores)"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --force --quiet
}

# Everything `make serve` needs.
ensure_build_tools() {
  ensure_wasm_target
  ensure_npm_packages
  ensure_wasm_bindgen
  ensure_wasm_split
  ensure_trunk
  # Offline once set up: when the registry is unreachable, everything must already be cached.
  cargo fetch --locked --quiet 2>/dev/null || cargo fetch --locked --offline --quiet
}

# Everything `make test` needs on top.
ensure_test_tools() {
  ensure_build_tools
  ensure_browsers
  ensure_geckodriver
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null
}
