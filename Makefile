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

.PHONY: demo test lint data build bench clean help

help:
	@echo "make demo   generate sample SES data, build every model, print what was built"
	@echo "make test   lint the SQL and run the whole test suite"
	@echo "make data   (re)generate the sample data only"
	@echo "make build  dbt build on the configured data"
	@echo "make bench  benchmark at SIZE events (default 1000000): full, no-op, +1% incremental, reference script"
	@echo "make clean  remove the virtualenv, build artifacts, sample data and database"

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
	$(BIN)/python scripts/print_build_summary.py

lint: $(INSTALLED)
	SES_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests

test: $(INSTALLED) lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) target logs data .bench ses_analytics.duckdb ses_analytics.duckdb.wal ses_analytics.duckdb.tmp

SIZE ?= 1000000

bench: $(INSTALLED)
	$(BIN)/python scripts/benchmark/run.py --events $(SIZE)
