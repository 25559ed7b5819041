#!/usr/bin/env bash
# `make bench-browser`: builds the release app, then scripts/bench-browser.mjs measures it on
# loopback; then scripts/bench-load.mjs measures time to interactive under network emulation,
# side by side with authlete/oauth-playground built from source in the same run.
#
# The peer's source comes from a git directory (PEER_GIT_DIR; the default is where the
# project's search tool puts its snapshot), is archived into a temporary folder and built
# there with its own npm scripts (npm ci, npm run build); nothing of it enters this repository.
set -euo pipefail
source "$(dirname "$0")/tools.sh"
ensure_test_tools
runs="${1:-20}"
TRUNK_SKIP_VERSION_CHECK=true trunk build --release --offline --dist target/bench-dist >/dev/null 2>&1 ||
  die "the release build failed; run 'trunk build --release --offline' to see why"
node scripts/bench-browser.mjs target/bench-dist "$runs"

peer_git="${PEER_GIT_DIR:-/work/.mirror/authlete+oauth-playground/repo}"
peer_dist=-
if git --git-dir="$peer_git" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  peer_dir="$(mktemp -d /tmp/peer-oauth-playground.XXXXXX)"
  trap 'rm -rf "$peer_dir"' EXIT
  say "building authlete/oauth-playground $(git --git-dir="$peer_git" rev-parse --short HEAD) from source in $peer_dir"
  git --git-dir="$peer_git" archive HEAD | tar -x -C "$peer_dir"
  if (cd "$peer_dir" && npm ci --no-audit --no-fund >build.log 2>&1 && npm run build >>build.log 2>&1); then
    peer_dist="$peer_dir/dist"
  else
    tail -20 "$peer_dir/build.log" >&2
    say "the peer's build failed (above); measuring this app alone"
  fi
else
  say "no git directory of authlete/oauth-playground at $peer_git (set PEER_GIT_DIR); measuring this app alone"
fi
node scripts/bench-load.mjs target/bench-dist "$peer_dist" "${LOAD_RUNS:-7}"
