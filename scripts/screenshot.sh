#!/usr/bin/env bash
# `make screenshot`: rebuilds the release app and retakes the README's screenshot
# (docs/screenshot.png) with scripts/readme-screenshot.mjs.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_build_tools
ensure_chromium
trunk build --release --offline >/dev/null 2>&1 || trunk build --release --offline
node scripts/readme-screenshot.mjs docs/screenshot.png
say "docs/screenshot.png retaken"
