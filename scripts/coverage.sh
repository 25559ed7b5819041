#!/usr/bin/env bash
# `make coverage`: line, region and (on nightly) branch coverage of the native test suite,
# measured with cargo-llvm-cov. Prints one row per protocol layer and writes an HTML report
# to coverage/html (git-ignored). Not part of `make test`: an instrumented build of the whole
# crate takes minutes on 2 cores.
set -euo pipefail
source "$(dirname "$0")/tools.sh"

# Branch coverage (`--branch`, i.e. -Z coverage-options=branch) is unstable: it needs a
# nightly compiler. Use nightly when it is installed; never install it just for this.
toolchain=stable
branch=()
if rustup toolchain list | grep -q '^nightly'; then
  toolchain=nightly
  branch=(--branch)
else
  say "no nightly toolchain: measuring lines and regions only (branch coverage needs nightly)"
fi

rustup component list --installed --toolchain "$toolchain" 2>/dev/null | grep -q '^llvm-tools' || {
  say "adding the rustup component llvm-tools-preview ($toolchain)"
  rustup component add llvm-tools-preview --toolchain "$toolchain" >/dev/null
}
command -v cargo-llvm-cov >/dev/null || {
  say "installing cargo-llvm-cov from crates.io (a few minutes)"
  # --locked builds the dependency versions its authors tested; should its lock file ever name
  # a version the registry has yanked, fall back to a fresh resolution rather than fail.
  cargo install cargo-llvm-cov --locked --quiet || cargo install cargo-llvm-cov --quiet
}

# cargo-llvm-cov's own chatter (the unstable-option warning, the cfg notice, "report saved")
# is dropped; anything else on stderr, errors included, still shows.
llvm_cov() {
  cargo "+$toolchain" llvm-cov "$@" 2> >(grep -v -e 'option is unstable' -e 'setting cfg(coverage)' \
    -e 'report saved to' -e '^$' >&2)
}

llvm_cov clean --workspace >/dev/null 2>&1 || true
say "running the native tests under cargo llvm-cov ($toolchain${branch:+, with branches})"
llvm_cov --no-report --locked --quiet "${branch[@]}" >/dev/null
mkdir -p coverage
llvm_cov report --html --output-dir coverage "${branch[@]}" >/dev/null
llvm_cov report --json --summary-only --output-path coverage/summary.json "${branch[@]}" >/dev/null

# One row per layer: the sums of the per-file counts under src/<layer>/.
jq -r --arg root "$ROOT/" '
  def pct(c; n): if n == 0 then "-" else (c * 1000 / n | floor) as $t | "\($t / 10 | floor).\($t % 10) %" end;
  [.data[0].files[] | .filename |= ltrimstr($root)] as $files
  | ["src/jose", "src/oauth", "src/mock_as"][] as $layer
  | [$files[] | select(.filename | startswith($layer + "/")) | .summary] as $s
  | ($s | map(.lines.covered) | add) as $lc | ($s | map(.lines.count) | add) as $ln
  | ($s | map(.regions.covered) | add) as $rc | ($s | map(.regions.count) | add) as $rn
  | ($s | map(.branches.covered // 0) | add) as $bc | ($s | map(.branches.count // 0) | add) as $bn
  | [$layer, "\($lc) / \($ln)", pct($lc; $ln), "\($rc) / \($rn)", pct($rc; $rn),
     (if $bn == 0 then "-" else "\($bc) / \($bn)" end), pct($bc; $bn)] | @tsv
' coverage/summary.json | {
  row() { printf '| %-11s | %-11s | %7s | %-11s | %7s | %-11s | %7s |\n' "$@"; }
  echo
  row layer lines "%" regions "%" branches "%"
  row ----------- ----------- ------- ----------- ------- ----------- -------
  while IFS=$'\t' read -r layer lines lp regions rp branches bp; do
    row "$layer" "$lines" "$lp" "$regions" "$rp" "$branches" "$bp"
  done
  echo
}
say "HTML report: coverage/html/index.html"
