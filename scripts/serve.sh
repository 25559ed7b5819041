#!/usr/bin/env bash
# `make serve`: install what is missing, build the release app and serve it on
# http://127.0.0.1:8080 (rebuilding when a source changes).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_build_tools
say "serving the release build on http://127.0.0.1:8080 (Ctrl-C stops)"
# SERVE_DIST lets the test suite run this command beside a dist/ it is already serving.
exec trunk serve --release --offline --dist "${SERVE_DIST:-dist}"
