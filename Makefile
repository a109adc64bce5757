# The two set-up commands of the README: `make run` and `make test`. Each builds .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint schema fuzz client setup clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when a requirements file changes.
$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## Set up the local database (SQLite unless DATABASE_URL says otherwise) with demo data and accounts.
setup: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_catalog
	$(PY) manage.py create_demo_staff --host $(HOST)

## Run the platform at http://$(HOST)/ with demo data.
run: setup
	$(PY) manage.py runserver $(HOST)

## Run the whole test suite.
test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Format check, lint, and the import layers (docs/architecture.md).
lint: $(VENV)/.dev
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports

## Regenerate the committed OpenAPI schemas (openapi/v1.yaml, openapi/v2.yaml) after an API change.
schema: $(VENV)/.dev
	for version in v1 v2; do \
		DJANGO_SETTINGS_MODULE=bookstore.settings.test $(PY) manage.py spectacular \
			--api-version $$version --validate --fail-on-warn --file openapi/$$version.yaml || exit 1; \
	done

## Fuzz every operation of both versions with schemathesis against a live server.
fuzz: $(VENV)/.dev
	bash scripts/fuzz_api.sh

## Generate a Python client from each version's schema and run scripts/client_script.py with it (as CI does).
client: $(VENV)/.dev
	bash scripts/client_check.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
