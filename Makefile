# The two commands a user needs: `make demo` and `make test`.
# Everything runs from a local virtualenv built from the pinned requirements.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# A DuckDB 1.x reader in its own virtualenv, for the test that opens the
# database the way DuckDB 1.x tools (CLI, DBeaver, Node) would.
DUCKDB1_VENV := .venv-duckdb1
DUCKDB1_INSTALLED := $(DUCKDB1_VENV)/.installed
# The Spark target's dbt-spark and PySpark, in their own virtualenv (about
# 490 MB), for make test-spark and make bench ENGINE=spark.
SPARK_VENV := .venv-spark
SPARK_INSTALLED := $(SPARK_VENV)/.installed

DEMO_DIR := data/demo
DEMO_MESSAGES ?= 2000
DEMO_SEED ?= 42
# No setting defaults to the demo's sample: the targets that build or read the
# demo name its files themselves.
DEMO_VARS := {ses_events_path: $(DEMO_DIR)/ses_events, ses_requests_path: $(DEMO_DIR)/ses_requests.csv}
# What `make build` builds: the demo's sample unless given, e.g.
# make build BUILD_VARS='{ses_events_path: /data/ses/**, ses_requests_path: /data/requests.csv}'
BUILD_VARS ?= $(DEMO_VARS)
export SES_DUCKDB_PATH ?= ses_analytics.duckdb

.PHONY: demo test test-spark java lint data build docs dashboard notebook metrics images bench clean help

help:
	@echo "make demo   generate sample SES data, build every model, print what was built"
	@echo "make test   lint the SQL and run the whole test suite"
	@echo "make test-spark build the fixtures and a generated set on Spark (local session) and compare every table with DuckDB's"
	@echo "make data   (re)generate the sample data only"
	@echo "make build  dbt build on the demo data, or on BUILD_VARS='{ses_events_path: ...}'"
	@echo "make docs   dbt docs site (and target/static_index.html), served on 127.0.0.1:$(DOCS_PORT)"
	@echo "make dashboard  deliverability dashboard built from the database, served on 127.0.0.1:$(DASHBOARD_PORT)"
	@echo "make notebook  JupyterLab with notebooks/ses_analytics.ipynb and the project's kernel, on 127.0.0.1:$(NOTEBOOK_PORT)"
	@echo "make metrics example semantic-layer queries (mf query) on the demo database"
	@echo "make images redraw the README pictures in docs/images/ from the demo data"
	@echo "make bench  benchmark the production dbt build at SIZE events (default 1000000) against the floor script (ENGINE=spark: on Spark)"
	@echo "make clean  remove the virtualenvs, build artifacts, the Spark warehouse, Jupyter's state (.jupyter), the dashboard's node_modules and page, the demo's sample data ($(DEMO_DIR)) and database"

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DUCKDB1_INSTALLED): requirements-duckdb1.txt
	$(PYTHON) -m venv $(DUCKDB1_VENV)
	$(DUCKDB1_VENV)/bin/pip install --quiet -r requirements-duckdb1.txt
	touch $@

$(SPARK_INSTALLED): requirements-spark.txt
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --upgrade pip
	$(SPARK_VENV)/bin/pip install --quiet -r requirements-spark.txt
	touch $@

# PySpark needs a Java runtime (17): installed from Debian's packages when
# missing and make runs as root (CI), otherwise asked for.
java:
	@command -v java >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openjdk-17-jre-headless; \
		else \
			echo "make test-spark needs Java 17: install openjdk-17-jre-headless (Debian/Ubuntu) or set JAVA_HOME"; exit 1; \
		fi; }

$(DEMO_DIR)/ground_truth.json: | $(INSTALLED)
	$(BIN)/python scripts/generate_ses_data.py --out $(DEMO_DIR) --messages $(DEMO_MESSAGES) --seed $(DEMO_SEED)

data: $(INSTALLED)
	rm -rf $(DEMO_DIR)
	$(MAKE) $(DEMO_DIR)/ground_truth.json

build: $(INSTALLED)
	$(BIN)/dbt build --profiles-dir . --vars '$(BUILD_VARS)'

demo: $(INSTALLED) $(DEMO_DIR)/ground_truth.json
	$(BIN)/dbt build --profiles-dir . --vars '$(DEMO_VARS)'
	$(BIN)/python scripts/print_build_summary.py --ground-truth $(DEMO_DIR)/ground_truth.json

DOCS_PORT ?= 8080

# The catalog (column types, row counts) comes from the database: build the
# demo first if there is none.
docs: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/dbt docs generate --profiles-dir . --static --vars '$(DEMO_VARS)'
	$(BIN)/python scripts/ses_docs_site.py --port $(DOCS_PORT)

DASHBOARD_PORT ?= 8081

# One HTML page from the marts (scripts/ses_dashboard.py; `npm ci` in
# dashboard/ first if its node_modules is missing): build the demo first if
# there is no database.
dashboard: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/python scripts/ses_dashboard.py --port $(DASHBOARD_PORT)

NOTEBOOK_PORT ?= 8888
# Extra `jupyter lab` options, e.g. NOTEBOOK_OPTIONS=--no-browser.
NOTEBOOK_OPTIONS ?=
# JupyterLab's and IPython's own files (workspaces, runtime and connection
# files, history, trust database) stay in the project, not in your home.
NOTEBOOK_STATE ?= .jupyter
KERNEL_NAME := ses-analytics

# The notebook reads the database: build the demo first if there is none.
# The project's kernel is registered inside .venv (where .venv's jupyter looks
# first, and nothing is written to your home), again at each start so that it
# always runs this .venv's Python.
notebook: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL_NAME) --display-name "Python (SES analytics, .venv)"
	JUPYTER_RUNTIME_DIR="$(abspath $(NOTEBOOK_STATE))/runtime" IPYTHONDIR="$(abspath $(NOTEBOOK_STATE))/ipython" \
	$(BIN)/jupyter lab notebooks/ses_analytics.ipynb --ip 127.0.0.1 --port $(NOTEBOOK_PORT) \
		--ServerApp.port_retries=0 --LabApp.workspaces_dir="$(abspath $(NOTEBOOK_STATE))/workspaces" \
		--NotebookNotary.data_dir="$(abspath $(NOTEBOOK_STATE))" $(NOTEBOOK_OPTIONS)

# The semantic layer (models/marts/semantic/): mf reads target/semantic_manifest.json
# (written by dbt parse) and the database through profiles.yml, from this folder.
METRICS_QUERY ?= --metrics messages,deliveries,delivery_rate,bounce_rate,complaint_rate,open_rate,click_rate --group-by metric_time__day --order metric_time__day

metrics: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/dbt parse --profiles-dir . --quiet --vars '$(DEMO_VARS)'
	$(BIN)/mf query $(METRICS_QUERY) --decimals 4

images: $(INSTALLED)
	test -f "$(SES_DUCKDB_PATH)" || $(MAKE) demo
	$(BIN)/dbt docs generate --profiles-dir . --static --vars '$(DEMO_VARS)'
	$(BIN)/python scripts/render_readme_images.py
	$(BIN)/python scripts/ses_dashboard.py --screenshot docs/images/dashboard.png

# macros/ holds no models: the SQL its macros generate is linted where models
# and tests call them (ignore_templated_areas = False in .sqlfluff).
lint: $(INSTALLED)
	SES_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests

test: $(INSTALLED) $(DUCKDB1_INSTALLED) lint
	$(BIN)/pytest

# The same models on Spark, compared table by table with DuckDB's build of
# the same files (tests/spark; pytest's `spark` marker, which make test leaves out).
test-spark: $(INSTALLED) $(SPARK_INSTALLED) java
	$(BIN)/pytest -m spark tests/spark

# Of data/ only the demo's own sample goes: other files there are the user's.
# integration_tests/ loses what `dbt deps && dbt build` made there.
# The folder itself goes only when that leaves it empty.
clean:
	rm -rf $(VENV) $(DUCKDB1_VENV) $(SPARK_VENV) spark-warehouse metastore_db derby.log target logs .jupyter notebooks/.ipynb_checkpoints $(DEMO_DIR) tests/screenshots .bench dashboard/node_modules dashboard/build ses_analytics.duckdb ses_analytics.duckdb.wal ses_analytics.duckdb.tmp
	rm -rf integration_tests/target integration_tests/logs integration_tests/dbt_packages integration_tests/package-lock.yml integration_tests/integration_tests.duckdb integration_tests/integration_tests.duckdb.wal
	if [ -d data ]; then rmdir --ignore-fail-on-non-empty data; fi

SIZE ?= 1000000
MEMORY_LIMIT ?= 1200MB

# Needs ../shared/bench/floor_reference.py, the floor it compares with.
ENGINE ?= duckdb

# ENGINE=spark: the same steps with dbt on the spark target (needs .venv-spark and Java).
bench: $(INSTALLED) $(if $(filter spark,$(ENGINE)),$(SPARK_INSTALLED) java)
	$(BIN)/python scripts/benchmark/run.py --events $(SIZE) --memory-limit $(MEMORY_LIMIT) --engine $(ENGINE)
