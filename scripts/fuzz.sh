#!/usr/bin/env bash
# `make fuzz TARGET=<name> SECONDS=<n>`: runs one cargo-fuzz target (fuzz/, FUZZING.md) for n
# seconds, then replays its whole corpus through the same function in a release build and
# reports the slowest input (budget: 10 ms). `make fuzz-all SECONDS=<n>` runs every target in
# turn. Not part of `make test`: fuzzing needs nightly and takes the machine.
#
# The corpus grows in fuzz/corpus/<target> (git-ignored) from the seeds in fuzz/seeds/<target>.
# A crash stops the run and is left in fuzz/artifacts/<target>/; once fixed, copy it into
# fuzz/regressions/<target>/ so `cargo test` replays it for good.
#
# Environment: FUZZ_RUNS=<n> stops after n executions instead of the time; FUZZ_SANITIZER
# (default none: the crate forbids unsafe code, so AddressSanitizer mostly costs speed; set
# `address` to run with it); FUZZ_MAX_LEN (largest input, default 4096); FUZZ_TARGET_DIR
# (default fuzz/target).
set -euo pipefail
source "$(dirname "$0")/tools.sh"
cd "$(dirname "$0")/.."

target=${1:-}
seconds=${2:-60}
if [[ -z "$target" ]]; then
  echo "usage: make fuzz TARGET=<$(tr '\n' '|' < <(grep -oP '^name = "\K[a-z_]+(?="$)' fuzz/Cargo.toml) | sed 's/|$//')> SECONDS=<n>" >&2
  exit 2
fi
rustup toolchain list | grep -q '^nightly' || { echo "cargo-fuzz needs the nightly toolchain (rustup toolchain install nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || {
  say "installing cargo-fuzz from crates.io (a few minutes)"
  cargo install cargo-fuzz --locked --quiet
}

sanitizer=${FUZZ_SANITIZER:-none}
target_dir=${FUZZ_TARGET_DIR:-fuzz/target}
corpus=fuzz/corpus/$target
mkdir -p "$corpus" "fuzz/artifacts/$target"
limit=(-max_total_time="$seconds")
[[ -n "${FUZZ_RUNS:-}" ]] && limit=(-runs="$FUZZ_RUNS")
# libFuzzer's default keeps inputs under 4 KB; a larger FUZZ_MAX_LEN hunts for work that grows
# faster than the input (a 1 MB paste must stay quick).
[[ -n "${FUZZ_MAX_LEN:-}" ]] && limit+=(-max_len="$FUZZ_MAX_LEN")
# The target's vocabulary (parameter names, JSON members, PEM armour) for the mutator.
[[ -f fuzz/dictionaries/$target.dict ]] && limit+=(-dict="fuzz/dictionaries/$target.dict")
log=fuzz/artifacts/$target/last-run.log

budget="$seconds s"
[[ -n "${FUZZ_RUNS:-}" ]] && budget="$FUZZ_RUNS runs"
say "fuzzing $target ($budget, sanitizer $sanitizer); full log in $log"
started=$(date +%s)
status=0
# One job on one core, niced: the machine has two and other work runs beside it.
nice -n 10 cargo +nightly fuzz run --sanitizer "$sanitizer" --target-dir "$target_dir" "$target" \
  "$corpus" "fuzz/seeds/$target" -- \
  "${limit[@]}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
elapsed=$(( $(date +%s) - started ))

grep -E '^#[0-9]+ +DONE|^stat::number_of_executed_units|^stat::peak_rss_mb|^stat::new_units_added' "$log" || true
if [[ $status -ne 0 ]]; then
  grep -E 'panicked at|SUMMARY|Test unit written to|ERROR:' "$log" >&2 || tail -n 30 "$log" >&2
  echo "fuzz $target: crash after ${elapsed}s (input in fuzz/artifacts/$target/); fix it, then copy the input into fuzz/regressions/$target/" >&2
  exit "$status"
fi
executions=$(grep -oP '^stat::number_of_executed_units: \K[0-9]+' "$log" || echo '?')
say "fuzz $target: $executions executions in ${elapsed}s, no crash; corpus $(ls "$corpus" | wc -l) inputs"

# The slowest input of the whole corpus, timed in the release profile the app ships (opt-level
# "z", LTO; fuzzing builds carry coverage instrumentation and overstate), with two changes a
# native test needs: panic=unwind (the test harness), and curve25519-dalek's 32-bit backend,
# the one it picks on wasm32 — its 64-bit one at opt-level "z" on x86_64 is ten times slower
# than anything the browser runs. Its own target dir, so these flags never force a rebuild of
# the ordinary one.
timing_dir=${CARGO_TARGET_DIR:-target}/fuzz-timing
FUZZ_TIMING_TARGET="$target" \
FUZZ_TIMING_DIRS="$corpus:fuzz/seeds/$target:fuzz/regressions/$target" \
RUSTFLAGS='--cfg curve25519_dalek_bits="32"' CARGO_TARGET_DIR="$timing_dir" \
  nice -n 10 cargo test --release --config 'profile.release.panic="unwind"' --quiet \
    --test fuzz_regressions -- --ignored --nocapture corpus_timing 2>&1 |
  grep -E '^timing|panicked|over the budget'
