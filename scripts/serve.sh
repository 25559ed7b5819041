#!/usr/bin/env bash
# `make serve`: install what is missing, build the release app and serve it on
# http://127.0.0.1:8080 (rebuilding when a source changes; reload the page to see it).
# SERVE_PORT picks another port (parallel test runs on one machine use it).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_build_tools
port="${SERVE_PORT:-8080}"
say "serving the release build on http://127.0.0.1:$port (Ctrl-C stops)"
# SERVE_DIST lets the test suite run this command beside a dist/ it is already serving.
# No auto-reload: Trunk would inject an inline script, which the page's Content-Security-Policy
# refuses (it still rebuilds on change; reload the page yourself).
exec trunk serve --release --offline --no-autoreload --port "$port" --dist "${SERVE_DIST:-dist}"
