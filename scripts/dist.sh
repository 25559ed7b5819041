#!/usr/bin/env bash
# `make dist [PUBLIC_URL=/path/] [DIST=folder]`: the release build for a static server, every
# URL in it under PUBLIC_URL (default /), with the callback route as a real file
# (callback/index.html). Copy the folder to that path of any web server; no rewrite rules.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
public_url="${1:-/}"
dist="${2:-dist}"
case "$public_url" in
  /*/ | /) ;;
  *) die "PUBLIC_URL must start and end with / (e.g. /oauth-playground/), got '$public_url'" ;;
esac
ensure_build_tools
trunk build --release --offline --quiet --public-url "$public_url" --dist "$dist"
say "built $dist/ for $public_url"
