# somedesk: `make demo` to try it, `make test` to run every test. Both start from a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SOMEDESK := $(VENV)/bin/somedesk
STATIC := src/somedesk/static/dist/designsystemet.css
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-sqlite test-postgres install static models evaluate lint messages clean bench system-packages

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

$(STATIC): node_modules/.package-lock.json scripts/build_static.py
	$(PY) scripts/build_static.py

static: $(VENV)/.installed $(STATIC)

# Debian packages the suite needs (chromium for the browser tests, pango for PDF/A documents).
system-packages:
	@bash scripts/ensure-system-packages.sh

demo: static
	$(SOMEDESK) migrate --no-input
	META_GRAPH_URL=http://127.0.0.1:8765 $(SOMEDESK) demo --live --addrport $(HOST):$(PORT)

test: static system-packages
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) scripts/pg_reachable.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL at $(PG_URL) is not reachable: skipping the PostgreSQL pass."; fi

test-sqlite:
	@echo "== test suite on SQLite"
	SOMEDESK_TESTING=true $(VENV)/bin/pytest -q -p no:cacheprovider

test-postgres:
	@echo "== test suite on PostgreSQL"
	SOMEDESK_TESTING=true DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -q -p no:cacheprovider

models: $(VENV)/.installed
	$(PY) scripts/train_models.py

# quality of the shipped models on the two sets no model trains on (docs/triage.md, "Quality")
SHARED_DIR ?= $(or $(SOMEDESK_SHARED),../shared)
evaluate: $(VENV)/.installed
	$(SOMEDESK) evaluate $(SHARED_DIR)/triage/dev.jsonl --worst 0
	$(SOMEDESK) evaluate data/triage/holdout_strandheim.jsonl --worst 0

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts

messages: $(VENV)/.installed
	cd src/somedesk && ../../$(SOMEDESK) makemessages -l nn -l en --no-obsolete && ../../$(SOMEDESK) compilemessages

clean:
	rm -rf $(VENV) node_modules src/somedesk/static/dist var
