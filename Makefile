# Set-up is part of the targets: on a fresh machine `make run` and
# `make test` install what they need (Debian packages, npm packages).
GO      ?= go
PORT    ?= 4000
NPM_OK  := assets/node_modules/.ci-stamp
export PORT

.PHONY: e2e-upstream db-migrate db-seed db-generate db-explain db-refresh run run-cluster run-status run-standin test lint unit e2e fuzz bench bench-vs-phoenix soak doctor assets deps-system generate release clean

# --- set-up -----------------------------------------------------------------

# Debian packages the tests need: Chromium for the browser tests (and its
# headless shell, the build Playwright's own "chromium" runs headless, for
# phoenix_live_view's suite as upstream runs it), the
# PostgreSQL server binaries for the throwaway clusters, and Caddy and nginx
# for the TLS proxy tests. Installed only when
# missing; needs root (CI and these machines run as root).
deps-system:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromium-headless-shell >/dev/null 2>&1 || missing="$$missing chromium-headless-shell"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing="$$missing pgbouncer"; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	command -v caddy >/dev/null 2>&1 || missing="$$missing caddy"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	command -v systemd-analyze >/dev/null 2>&1 || missing="$$missing systemd"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "need root to apt-get install$$missing" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(NPM_OK): assets/package.json assets/package-lock.json
	cd assets && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The browser bundle, built from the npm packages with esbuild and embedded
# into the Go binaries.
assets: $(NPM_OK)
	cd assets && node build.mjs

# templ components -> Go, then the recording calls that make them live
# (cmd/templlive). The generated files are committed; lint checks they are
# current.
generate:
	$(GO) tool templ generate -log-level error
	$(GO) run ./cmd/templlive ./...

# --- run --------------------------------------------------------------------

run: assets
	$(GO) run ./cmd/server

# Three movies server nodes on PORT+1.. sharing one PostgreSQL (the
# embedded one unless DATABASE_URL), behind a round-robin proxy on PORT.
run-cluster: assets
	$(GO) run ./cmd/cluster

run-status: assets
	$(GO) run ./cmd/status

# The Symbiont API stand-in (not the real API), for demos of run-status.
run-standin:
	$(GO) run ./cmd/symbiont-standin

doctor:
	$(GO) run ./cmd/doctor $(URL)

# --- test -------------------------------------------------------------------

test: deps-system assets lint unit fuzz e2e-upstream

lint: generate
	@git diff --quiet -- '*_templ.go' 2>/dev/null || { echo "generated *_templ.go files were stale: run make generate and commit"; git diff --stat -- '*_templ.go'; exit 1; }
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './assets/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

# Unit, integration and browser end-to-end tests (the e2e tests start their
# own servers, Chromium and PostgreSQL on loopback).
unit:
	$(GO) test -count=1 -timeout 25m ./...
	@echo "--- the movies tests again, on cinegraph's real schema (movies/testdata/cinegraph)"
	MOVIES_SCHEMA=cinegraph $(GO) test -count=1 -timeout 10m ./movies/...
	MOVIES_SCHEMA=cinegraph $(GO) test -count=1 -timeout 10m -run '^(TestMoviesBrowser|TestMoviesRoutes|TestOpenStoreWarmsPrimarySearches|TestProxyMoviesWalk)$$' ./cmd/server

# phoenix_live_view's own end-to-end suite (specs vendored unmodified in
# assets/upstream-e2e, checked against their SHA-256 sums) against
# cmd/e2eapp on 127.0.0.1:4004, in Debian's Chromium; the per-file table
# goes into docs/UPSTREAM-SUITE.md. report.mjs decides: any failure not in
# known-failures.txt (or a listed one that passes) fails the target, and
# in CI so does a table that differs from the committed one.
UPSTREAM := assets/upstream-e2e
e2e-upstream: assets
	cd $(UPSTREAM) && sha256sum -c --quiet SHA256SUMS
	mkdir -p var/upstream-e2e
	$(GO) build -o var/upstream-e2e/e2eapp ./cmd/e2eapp
	cd assets && E2E_FILES=ALL E2E_NO_SKIPS=1 npx playwright test -c upstream-e2e/playwright.config.js --list --reporter=json >../var/upstream-e2e/list.json
	rm -f var/upstream-e2e/results.json var/upstream-e2e/results-alone.json
	cd assets && E2E_PHASE=shared npx playwright test -c upstream-e2e/playwright.config.js || true
	cd assets && E2E_PHASE=alone npx playwright test -c upstream-e2e/playwright.config.js || true
	node $(UPSTREAM)/report.mjs var/upstream-e2e/list.json var/upstream-e2e/results.json var/upstream-e2e/results-alone.json docs/UPSTREAM-SUITE.md
	@if [ -n "$$CI" ] && ! git diff --quiet -- docs/UPSTREAM-SUITE.md; then echo "docs/UPSTREAM-SUITE.md does not match this run's results (run make e2e-upstream and commit it):"; git diff -- docs/UPSTREAM-SUITE.md; exit 1; fi

# Short fuzzing runs of the frame and LongPoll decoders. Budgets are
# execution counts, not durations: Go 1.26's fuzz coordinator can fail a
# duration-bounded run with a bare "context deadline exceeded" when its
# deadline fires (go.dev/issue/75804, fixed in Go 1.27). About 10 s each
# here.
FUZZN   ?= 250000x
FUZZNLP ?= 30000x
fuzz:
	$(GO) test ./transport -run '^$$' -fuzz '^FuzzDecodeText$$' -fuzztime $(FUZZN)
	$(GO) test ./transport -run '^$$' -fuzz '^FuzzDecodeBinary$$' -fuzztime $(FUZZN)
	$(GO) test ./transport -run '^$$' -fuzz '^FuzzLongPollBody$$' -fuzztime $(FUZZNLP)

# --- database (movies) --------------------------------------------------------
N ?= 100000
db-migrate:  ; $(GO) run ./cmd/moviesdb migrate
db-seed:     ; $(GO) run ./cmd/moviesdb seed -reset
db-generate: ; $(GO) run ./cmd/moviesdb generate -n $(N) -reset
db-explain:  ; $(GO) run ./cmd/moviesdb explain -check
db-refresh:  ; $(GO) run ./cmd/moviesdb refresh

# --- release ------------------------------------------------------------------

# One static binary per app, assets embedded (under digested names), in
# RELEASE_DIR: golive-movies (cmd/server) and golive-status (cmd/status).
# Nothing else is needed at run time; docs/deploy has their systemd units.
RELEASE_DIR ?= release
RELEASE_FLAGS = -trimpath -ldflags '-s -w'
release: assets
	mkdir -p $(RELEASE_DIR)
	CGO_ENABLED=0 $(GO) build $(RELEASE_FLAGS) -o $(RELEASE_DIR)/golive-movies ./cmd/server
	CGO_ENABLED=0 $(GO) build $(RELEASE_FLAGS) -o $(RELEASE_DIR)/golive-status ./cmd/status
	@ls -l $(RELEASE_DIR)/golive-movies $(RELEASE_DIR)/golive-status

# --- bench ------------------------------------------------------------------

bench:
	$(GO) run ./cmd/bench

# golive vs real Phoenix 1.7 / LiveView 1.0 on the same counter page, both
# transports, in one run (issue 14; ~5 min): copies /work/shared/phoenix-ref
# to var/phoenix-ref and builds it once from the git mirrors in MIRRORS
# (it says which are missing and how to fetch them), then measures both
# servers. Sizes by flags, e.g. BENCH_VS_FLAGS="-vp-clients 5000".
MIRRORS ?= /work/.mirror
bench-vs-phoenix:
	@command -v mix >/dev/null || { echo "installing Elixir/OTP (Debian)"; apt-get install -y -q elixir erlang erlang-dev erlang-src; }
	$(GO) run ./cmd/bench -scenarios vs-phoenix -mirrors $(MIRRORS) -timeout 20m $(BENCH_VS_FLAGS)

# Endurance and faults under load (issue 14 §3; ~40 min): cmd/server on a
# throwaway PostgreSQL, loopback only — 30 min of mixed traffic, 10,000
# connect/disconnect cycles, slow consumers, PostgreSQL stopped for 30 s,
# 1,000 malformed frames/s. Exits non-zero when a check is not met. Shorter:
# SOAK_FLAGS="-soak-duration 2m -soak-cycles 1000".
SOAK_FLAGS ?=
soak: assets
	$(GO) run ./cmd/bench -scenarios soak $(SOAK_FLAGS)

clean:
	rm -rf assets/dist/*.js assets/dist/*.css var/ release/
