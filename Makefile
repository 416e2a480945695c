# localproof: `make audit` audits this machine, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: audit test test-integration lint typecheck layers unit bench demo clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

audit: $(STAMP)
	$(BIN)/localproof audit
	$(BIN)/localproof audit --format json --output localproof-report.json
	$(BIN)/localproof audit --format markdown --output localproof-report.md
	$(BIN)/localproof audit --format html --output localproof-report.html
	@echo "Reports written: localproof-report.json, .md and .html (mode 0600)"

demo: $(STAMP)
	$(BIN)/python examples/build_demo_host.py examples/demo-host
	$(BIN)/localproof audit --root examples/demo-host

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/ruff check src tests bench examples

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

layers: $(STAMP)
	$(BIN)/lint-imports

# The HTML report is tested in Debian's Chromium, driven by Playwright (no browser download).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && \
		apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; }

unit: $(STAMP) browser
	$(BIN)/pytest -q

test: lint typecheck layers unit

# Heavier real subjects (Gradio) under the witness, in a virtualenv of their own.
INTEGRATION_VENV := .venv-integration

$(INTEGRATION_VENV)/.installed:
	$(PYTHON) -m venv $(INTEGRATION_VENV)
	$(INTEGRATION_VENV)/bin/pip install --quiet gradio
	touch $@

test-integration: $(STAMP) $(INTEGRATION_VENV)/.installed
	LOCALPROOF_GRADIO_PYTHON=$(INTEGRATION_VENV)/bin/python $(BIN)/pytest -q -m integration tests/integration

# Comparable figures, recorded in bench/README.md. The census is compared with Presidio,
# RE2, Hyperscan and ripgrep, installed in a virtualenv of their own (never the project's).
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet -e . presidio-analyzer google-re2 hyperscan
	@command -v rg >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep; }
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python bench/audit.py
	$(BENCH_VENV)/bin/python bench/scan.py --mb 20
	$(BIN)/python bench/witness.py
	$(BIN)/python bench/watch.py

clean:
	rm -rf $(VENV) localproof-report.json localproof-report.md localproof-report.html examples/demo-host
