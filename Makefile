# The two commands that matter: `make serve` and `make test`. Both install what is missing
# and are quiet when it is there. See README.md.
.PHONY: serve test size

serve:
	@scripts/serve.sh

test:
	@scripts/test.sh

size:
	@scripts/size-report.sh
