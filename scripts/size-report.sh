#!/usr/bin/env bash
# `make size`: the release build's first-load files, raw and gzip -9, as a table.
# With --no-build it reports on the dist/ already there (the test command builds first).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
if [ "${1:-}" != "--no-build" ]; then
  ensure_build_tools
  trunk build --release --offline >/dev/null 2>&1 || trunk build --release --offline
fi
[ -f dist/index.html ] || die "no dist/: run make size (it builds) or trunk build --release first"

row() { printf '| %-6s | %-44s | %9s | %9s |\n' "$@"; }
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
total_raw=0
total_gz=0
echo
row kind file raw gzip
row ------ -------------------------------------------- --------- ---------
for f in dist/*.wasm dist/*.js dist/*.css dist/index.html dist/*.svg; do
  [ -f "$f" ] || continue
  # Fetched after the page is interactive, not for its first render: the service worker
  # (registered by the running app) and the manifest's icon (for installing the app).
  # The lazily loaded parts of the wasm (scripts/wasm-split.mjs) are listed below the total.
  case "${f#dist/}" in sw.js | icon.svg | split_*.wasm | chunk_*.wasm) continue ;; esac
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + gz))
  kind="${f##*.}"
  row "$kind" "${f#dist/}" "$(kb "$raw")" "$(kb "$gz")"
done
row total "first load" "$(kb "$total_raw")" "$(kb "$total_gz")"
# The tools below the five steps (src/ui/lazy_tools.rs), fetched once the first screen is up.
lazy_raw=0
lazy_gz=0
for f in dist/split_*.wasm dist/chunk_*.wasm; do
  [ -f "$f" ] || continue
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  lazy_raw=$((lazy_raw + raw))
  lazy_gz=$((lazy_gz + gz))
  row lazy "${f#dist/}" "$(kb "$raw")" "$(kb "$gz")"
done
if [ "$lazy_raw" -gt 0 ]; then
  row lazy "lazily loaded parts, together" "$(kb "$lazy_raw")" "$(kb "$lazy_gz")"
  row all "first load + lazy parts" "$(kb $((total_raw + lazy_raw)))" "$(kb $((total_gz + lazy_gz)))"
fi
for f in dist/sw.js dist/icon.svg dist/manifest.webmanifest; do
  [ -f "$f" ] || continue
  row after "${f#dist/} (after interactive)" "$(kb "$(wc -c <"$f")")" "$(kb "$(gzip -9 -c "$f" | wc -c)")"
done
echo
