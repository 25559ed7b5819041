# The two commands that matter: `make serve` and `make test`. Both install what is missing
# and are quiet when it is there. See README.md.
.PHONY: serve test size size-breakdown bench bench-crypto coverage

serve:
	@scripts/serve.sh

test:
	@scripts/test.sh

size:
	@scripts/size-report.sh

# The wasm's bytes by crate (twiggy on a build without wasm-opt); see BENCHMARKS.md.
size-breakdown:
	@scripts/wasm-breakdown.sh

# WebCrypto vs pure-Rust signing and key generation medians in Chromium (not part of `make test`).
bench-crypto:
	@scripts/bench-crypto.sh

# Native benchmarks: JWS per algorithm, mock PAR + JAR throughput, cost against request-object
# size and replay-cache size (release build; `make bench FILTER=replay` runs one group).
bench:
	@cargo bench --locked --bench native -- $(FILTER)

# Line, region and branch coverage of the native tests, per layer, + coverage/html (not part of `make test`).
coverage:
	@scripts/coverage.sh
