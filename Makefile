# statusads — build, test and benchmark.
#
#   make run     serve the demo on the embedded SQLite database
#   make test    everything CI checks (see README.md)
#   make bench   Go benchmarks and a loopback load test

SHELL := /bin/bash
GO    ?= go

.PHONY: run build generate assets test check-generated vet gotest bench fuzz

run:
	$(GO) run ./cmd/statusads demo

build:
	$(GO) build -o bin/statusads ./cmd/statusads

generate:
	$(GO) tool templ generate

# Front-end assets need node_modules (npm ci).
assets:
	npm run build

test: check-generated vet gotest

# Generated templ code and built assets must match their sources. Without git
# or node_modules the checks that need them are skipped with a notice,
# except under CI=true where a skip is a failure.
check-generated:
	@$(GO) tool templ generate >/dev/null 2>&1 || { echo "templ generate failed"; $(GO) tool templ generate; exit 1; }
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
		git diff --exit-code --stat -- '*_templ.go' || { echo "FAIL: generated templ code is out of date: run 'make generate' and commit"; exit 1; }; \
		untracked=$$(git ls-files --others --exclude-standard -- '*_templ.go'); \
		if [ -n "$$untracked" ]; then echo "FAIL: generated files not committed: $$untracked"; exit 1; fi; \
	else \
		echo "SKIP: not a git checkout, cannot compare generated templ code"; [ "$$CI" != "true" ] || exit 1; \
	fi
	@if [ -d node_modules ]; then \
		npm run --silent build >/dev/null 2>&1 && \
		{ git diff --exit-code --stat -- web/static || { echo "FAIL: built assets are out of date: run 'make assets' and commit"; exit 1; }; }; \
	else \
		echo "SKIP: node_modules missing (run 'npm ci'), built assets not re-checked"; [ "$$CI" != "true" ] || exit 1; \
	fi

vet:
	$(GO) vet ./...

# -race needs cgo; on a machine without a C compiler the tests run without it.
gotest:
	@if [ "$$($(GO) env CGO_ENABLED)" = "1" ] && command -v "$$($(GO) env CC)" >/dev/null 2>&1; then race=-race; \
	else race=; echo "NOTICE: no C compiler, running tests without -race"; fi; \
	skipped=; \
	if [ -z "$$STATUSADS_TEST_DATABASE_URL" ]; then skipped="$$skipped\n  - PostgreSQL storage tests (STATUSADS_TEST_DATABASE_URL is unset; they ran on SQLite only)"; fi; \
	if ! command -v "$${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null 2>&1; then skipped="$$skipped\n  - browser journeys (no Chromium at $${CHROMIUM_PATH:-/usr/bin/chromium})"; fi; \
	if [ -n "$$skipped" ] && [ "$$CI" = "true" ]; then printf "FAIL: under CI=true nothing may be skipped:$$skipped\n"; fi; \
	set -o pipefail; $(GO) test $$race -count=1 -timeout 30m ./... 2>&1 | tee /tmp/statusads-test.log; status=$$?; \
	if [ -n "$$skipped" ]; then printf "\nSkipped on this machine:$$skipped\n"; fi; \
	exit $$status

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	bash internal/loadtest/load.sh

# Run each fuzz target for a short while (FUZZTIME=30s make fuzz).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done
