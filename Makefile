# The two commands that matter: `make serve` and `make test`. Both install what is missing
# and are quiet when it is there. See README.md.
.PHONY: serve test dist size size-breakdown bench bench-crypto bench-browser bench-server mock-server coverage fuzz fuzz-all screenshot

serve:
	@scripts/serve.sh

test:
	@scripts/test.sh

# The release build to copy onto any static server: `make dist PUBLIC_URL=/path/` for a
# build served under /path/ (README, "Deploy"); DIST picks the folder (default dist).
PUBLIC_URL ?= /
DIST ?= dist
dist:
	@scripts/dist.sh "$(PUBLIC_URL)" "$(DIST)"

# The mock authorization server as a native HTTP server on http://127.0.0.1:9000, with the
# example clients (README "Testing your own client"); `make mock-server ARGS="--profile strict"`.
mock-server:
	@cargo run --release --locked --bin mock-server -- --clients examples/clients.json $(ARGS)

size:
	@scripts/size-report.sh

# The README's screenshot, retaken from the release build.
screenshot:
	@scripts/screenshot.sh

# The wasm's bytes by crate (twiggy on a build without wasm-opt); see BENCHMARKS.md.
size-breakdown:
	@scripts/wasm-breakdown.sh

# WebCrypto vs pure-Rust signing and key generation medians in Chromium (not part of `make test`).
bench-crypto:
	@scripts/bench-crypto.sh

# The app in Chromium: time to interactive (cold/warm), a full flow per delivery, raw WebCrypto
# from JS, longest main-thread tasks (release build; `make bench-browser RUNS=50` for more runs).
bench-browser:
	@scripts/bench-browser.sh $(RUNS)

# Load test of the native mock-server: 10,000 PAR + JAR requests from 50 concurrent clients per
# variant on loopback (release build; not part of `make test`). See BENCHMARKS.md.
bench-server:
	@cargo build --release --locked --bin mock-server
	@node scripts/load-mock-server.mjs target/release/mock-server $(REQUESTS) $(CONCURRENCY)

# Native benchmarks: JWS per algorithm, mock PAR + JAR throughput, cost against request-object
# size and replay-cache size (release build; `make bench FILTER=replay` runs one group).
bench:
	@cargo bench --locked --bench native -- $(FILTER)

# Line, region and branch coverage of the native tests, per layer, + coverage/html (not part of `make test`).
coverage:
	@scripts/coverage.sh

# Fuzzing (nightly + cargo-fuzz, not part of `make test`): one target for SECONDS, then its
# corpus's slowest input in a release build; `fuzz-all` runs every target in turn. FUZZING.md.
SECONDS ?= 60
fuzz:
	@scripts/fuzz.sh $(TARGET) $(SECONDS)

fuzz-all:
	@for target in $$(grep -oP '^name = "\K[a-z_]+(?="$$)' fuzz/Cargo.toml); do \
		scripts/fuzz.sh $$target $(SECONDS) || exit 1; \
	done
