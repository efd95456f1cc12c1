# Two commands do everything: `make run` (pipeline end to end) and `make test` (whole test suite).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DBT_DIR := dbt

export SI_DATA_DIR ?= $(CURDIR)/data
export SI_DUCKDB_PATH ?= $(SI_DATA_DIR)/warehouse.duckdb
export DAGSTER_HOME ?= $(SI_DATA_DIR)/dagster_home
export GX_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1

.PHONY: install manifest run recover dbt-unit-tests test test-unit test-integration test-browser dev webserver daemon lint \
	bench docs clean browser-deps postgres-deps postgres-start postgres-stop FORCE

$(BIN)/.installed: pyproject.toml requirements.lock
	@echo "==> creating $(VENV) and installing pinned dependencies (first run only)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

install: $(BIN)/.installed

# Dagster's storage: SQLite files in DAGSTER_HOME (the default, one machine) or PostgreSQL for a shared instance
# (SI_DAGSTER_STORAGE=postgres, with the SI_PG_* settings; README "A shared warehouse"). The warehouse writer
# pool's limit is written in from SI_WAREHOUSE_WRITERS (Dagster takes no environment variable there).
SI_DAGSTER_STORAGE ?= sqlite
DAGSTER_CONFIG := config/$(if $(filter postgres,$(SI_DAGSTER_STORAGE)),dagster_postgres,dagster).yaml
$(DAGSTER_HOME)/dagster.yaml: $(DAGSTER_CONFIG) $(BIN)/.installed FORCE
	@mkdir -p $(DAGSTER_HOME)
	@$(BIN)/python -m dagster_project.lib.operations.instance_config $(DAGSTER_CONFIG) > $@.new || { rm -f $@.new; exit 1; }
	@cmp -s $@.new $@ && rm $@.new || mv $@.new $@

# dbt's manifest.json is what Dagster builds its dbt assets from; parsed again only when the dbt project changed.
DBT_MANIFEST := $(DBT_DIR)/target/manifest.json
DBT_INPUTS := $(shell find $(DBT_DIR)/models $(DBT_DIR)/macros $(DBT_DIR)/seeds $(DBT_DIR)/tests -type f 2>/dev/null) \
	$(DBT_DIR)/dbt_project.yml $(DBT_DIR)/profiles.yml
$(DBT_MANIFEST): $(BIN)/.installed $(DBT_INPUTS)
	@cd $(DBT_DIR) && SI_DUCKDB_PATH=$(SI_DUCKDB_PATH) ../$(BIN)/dbt parse --quiet --profiles-dir .
	@touch $@

manifest: $(DBT_MANIFEST)

# umask 077: everything created is owner-only (restricted data); the published site is opened up explicitly.
run: manifest $(DAGSTER_HOME)/dagster.yaml
	umask 077 && $(BIN)/python -m dagster_project run

# dbt's unit tests (model logic on fixed inputs; the test suite runs them too). They need the models' parents
# built, so run `make run` first.
dbt-unit-tests: manifest
	cd $(DBT_DIR) && SI_DUCKDB_PATH=$(SI_DUCKDB_PATH) ../$(BIN)/dbt test --select test_type:unit --profiles-dir .

# Release what a killed or crashed run held (make run does this first anyway); see README "If a run is interrupted".
recover: install
	umask 077 && $(BIN)/python -m dagster_project recover

# $(call debian_package,<package>,<shell test that it is installed>): a Debian package some tests need, installed
# only when missing and when running as root (CI); otherwise the message says to install it yourself.
define debian_package
	@if ! { $(2); } >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "==> installing Debian's $(1) for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
		else \
			echo "!! $(1) is not installed and this is not root: install it (apt-get install $(1))"; \
		fi; \
	fi
endef

# The browser tests (tests/browser) need Debian's chromium and the npm packages in tests/browser/package-lock.json.
BROWSER_DIR := tests/browser
browser-deps: $(BROWSER_DIR)/node_modules/.installed
	$(call debian_package,chromium,command -v chromium)

$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

test: manifest browser-deps postgres-deps
	$(BIN)/python -m pytest

# The suite in tiers, for a quicker loop while working; `make test` (CI) runs all three.
#   unit: parsers, rules, renders of fixed inputs; no pipeline run, no dbt build (a few minutes)
#   integration: the pipeline materialised (once per session for most modules), dbt, Dagster, kills and reruns
#   browser: the published site in headless chromium
test-unit: manifest
	$(BIN)/python -m pytest tests/unit tests/test_definitions.py

test-integration: manifest postgres-deps
	$(BIN)/python -m pytest tests/integration

test-browser: manifest browser-deps
	$(BIN)/python -m pytest tests/browser

dev: manifest $(DAGSTER_HOME)/dagster.yaml
	umask 077 && $(BIN)/dagster dev -h 127.0.0.1 -p 3000 -m dagster_project.definitions

# A shared instance's two long-running services, one each (a systemd unit or container per service: README "A shared
# warehouse"), both on the instance DAGSTER_HOME's dagster.yaml describes (SI_DAGSTER_STORAGE=postgres).
# SI_WEBSERVER_HOST is 127.0.0.1 unless set: put a proxy with sign-in in front before opening it wider.
SI_WEBSERVER_HOST ?= 127.0.0.1
SI_WEBSERVER_PORT ?= 3000
webserver: manifest $(DAGSTER_HOME)/dagster.yaml
	umask 077 && exec $(BIN)/dagster-webserver -h $(SI_WEBSERVER_HOST) -p $(SI_WEBSERVER_PORT) -m dagster_project.definitions

daemon: manifest $(DAGSTER_HOME)/dagster.yaml
	umask 077 && exec $(BIN)/dagster-daemon run -m dagster_project.definitions

lint: install
	$(BIN)/ruff check dagster_project synthetic_la tests bench

# --static writes target/static_index.html with the manifest and catalog inside it: one file that opens from file://
# (target/index.html fetches manifest.json, which browsers refuse from file://, so it stays on "loading").
docs: manifest
	cd $(DBT_DIR) && ../$(BIN)/dbt docs generate --static --profiles-dir .
	@echo "==> dbt docs: open $(CURDIR)/$(DBT_DIR)/target/static_index.html in a browser"

bench: install
	$(BIN)/python bench/refresh.py

# A local PostgreSQL 15 for the shared warehouse's development and tests (tests/integration/test_postgres.py):
# Debian's server (debian_package above). The cluster
# lives in SI_PG_DIR (as root, under /var/lib/postgresql: the server runs as the postgres user, which cannot
# enter the owner-only data folder) and listens on 127.0.0.1:SI_PG_LOCAL_PORT only.
SI_PG_DIR ?= $(if $(filter 0,$(shell id -u)),/var/lib/postgresql/school_improvement,$(SI_DATA_DIR)/postgres)
SI_PG_LOCAL_PORT ?= 55432
postgres-deps:
	$(call debian_package,postgresql,command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl)

postgres-start: install postgres-deps
	$(BIN)/python -m dagster_project.lib.warehouse.local_postgres start --dir $(SI_PG_DIR) --port $(SI_PG_LOCAL_PORT)

postgres-stop: install
	$(BIN)/python -m dagster_project.lib.warehouse.local_postgres stop --dir $(SI_PG_DIR)

clean:
	rm -rf $(DBT_DIR)/target $(DBT_DIR)/logs
