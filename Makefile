# The two commands a user needs: `make demo` and `make test`.
# Everything runs from a local virtualenv built from the pinned requirements.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

DEMO_DIR := data/demo
DEMO_MESSAGES ?= 2000
DEMO_SEED ?= 42
export SES_DUCKDB_PATH ?= ses_analytics.duckdb

.PHONY: demo test lint data build docs dashboard images bench clean help

help:
	@echo "make demo   generate sample SES data, build every model, print what was built"
	@echo "make test   lint the SQL and run the whole test suite"
	@echo "make data   (re)generate the sample data only"
	@echo "make build  dbt build on the configured data"
	@echo "make docs   dbt docs site (and target/static_index.html), served on 127.0.0.1:$(DOCS_PORT)"
	@echo "make dashboard  deliverability dashboard built from the database, served on 127.0.0.1:$(DASHBOARD_PORT)"
	@echo "make images redraw the README pictures in docs/images/ from the demo data"
	@echo "make bench  benchmark the production dbt build at SIZE events (default 1000000) against the floor script"
	@echo "make clean  remove the virtualenv, build artifacts (dashboard's node_modules and page included), the demo's sample data ($(DEMO_DIR)) and database"

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DEMO_DIR)/ground_truth.json: | $(INSTALLED)
	$(BIN)/python scripts/generate_ses_data.py --out $(DEMO_DIR) --messages $(DEMO_MESSAGES) --seed $(DEMO_SEED)

data: $(INSTALLED)
	rm -rf $(DEMO_DIR)
	$(MAKE) $(DEMO_DIR)/ground_truth.json

build: $(INSTALLED)
	$(BIN)/dbt build --profiles-dir .

demo: $(INSTALLED) $(DEMO_DIR)/ground_truth.json
	$(BIN)/dbt build --profiles-dir .
	$(BIN)/python scripts/print_build_summary.py --ground-truth $(DEMO_DIR)/ground_truth.json

DOCS_PORT ?= 8080

# The catalog (column types, row counts) comes from the database: build the
# demo first if there is none.
docs: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/dbt docs generate --profiles-dir . --static
	$(BIN)/python scripts/ses_docs_site.py --port $(DOCS_PORT)

DASHBOARD_PORT ?= 8081

# One HTML page from the marts (scripts/ses_dashboard.py; `npm ci` in
# dashboard/ first if its node_modules is missing): build the demo first if
# there is no database.
dashboard: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/python scripts/ses_dashboard.py --port $(DASHBOARD_PORT)

images: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/dbt docs generate --profiles-dir . --static
	$(BIN)/python scripts/render_readme_images.py
	$(BIN)/python scripts/ses_dashboard.py --screenshot docs/images/dashboard.png

# macros/ holds no models: the SQL its macros generate is linted where models
# and tests call them (ignore_templated_areas = False in .sqlfluff).
lint: $(INSTALLED)
	SES_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests

test: $(INSTALLED) lint
	$(BIN)/pytest

# Of data/ only the demo's own sample goes: other files there are the user's.
# The folder itself goes only when that leaves it empty.
clean:
	rm -rf $(VENV) target logs $(DEMO_DIR) tests/screenshots .bench dashboard/node_modules dashboard/build ses_analytics.duckdb ses_analytics.duckdb.wal ses_analytics.duckdb.tmp
	if [ -d data ]; then rmdir --ignore-fail-on-non-empty data; fi

SIZE ?= 1000000
MEMORY_LIMIT ?= 1200MB

# Needs ../shared/bench/floor_reference.py, the floor it compares with.
bench: $(INSTALLED)
	$(BIN)/python scripts/benchmark/run.py --events $(SIZE) --memory-limit $(MEMORY_LIMIT)
