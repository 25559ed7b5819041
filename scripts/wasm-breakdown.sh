#!/usr/bin/env bash
# `make size-breakdown`: where the wasm's bytes go, by crate. Builds the release wasm without
# wasm-opt (so function names survive), runs wasm-bindgen, then `twiggy top` and sums the
# rows by crate. Installs twiggy from crates.io when missing.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_build_tools
command -v twiggy >/dev/null || { say "installing twiggy"; cargo install twiggy --locked --quiet; }
# Cargo's target directory, wherever CARGO_TARGET_DIR puts it.
target="${CARGO_TARGET_DIR:-target}"
out="$target/size-breakdown"
mkdir -p "$out"
cargo build --release --offline --target wasm32-unknown-unknown --bin oauth-playground --quiet
wasm-bindgen --target web --out-dir "$out" "$target/wasm32-unknown-unknown/release/oauth-playground.wasm"
twiggy top -n 1000000 --format csv "$out/oauth-playground_bg.wasm" > "$out/top.csv"
node - "$out/top.csv" <<'JS'
const fs = require('fs');
const rows = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').slice(1);
const sums = new Map();
let total = 0;
for (const row of rows) {
  // Name,ShallowSize,…: the name is quoted when it holds commas or quotes.
  const m0 = row.match(/^("(?:[^"]|"")*"|[^,]*),(\d+),/);
  if (!m0) continue;
  const name = m0[1].replace(/^"|"$/g, '').replace(/""/g, '"');
  const size = Number(m0[2]);
  if (name.includes('subsection') || name.startsWith('custom section')) continue;
  let key;
  const m = name.match(/(?:^|[<\s&(*])(?:_?<)?([a-z_][a-z0-9_]*)::([a-z_][a-z0-9_]*)/);
  if (name.startsWith('data[') || name.startsWith('data segment')) key = 'data segments (strings, tables)';
  else if (m && m[1] === 'oauth_playground') key = `oauth_playground::${m[2]}`;
  else if (m) key = m[1];
  else key = '(unnamed: wasm-bindgen glue, tables, elements)';
  sums.set(key, (sums.get(key) ?? 0) + size);
  total += size;
}
const sorted = [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
console.log('| crate / module | size | share |');
console.log('|---|---:|---:|');
for (const [k, v] of sorted) console.log(`| \`${k}\` | ${(v / 1000).toFixed(1)} KB | ${(100 * v / total).toFixed(1)} % |`);
console.log(`| total (code and data) | ${(total / 1000).toFixed(1)} KB | |`);
JS
