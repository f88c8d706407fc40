# Geletterd: `make run` sets up and serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
export FLASK_APP := app:create_app

.PHONY: run install db content demo test test-sqlite test-postgres lint format translations clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: export GELETTERD_ENV := development
run: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	-$(BIN)/flask content sync  # a module with errors is reported and skipped; the rest still loads
	$(BIN)/flask demo load
	@# One background worker beside the web server (exports, ZIPs, imports, reminders); it stops
	@# with the server (Ctrl-C).
	$(BIN)/flask jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint test-sqlite test-postgres

test-sqlite: install
	@echo "== tests on SQLite =="
	env -u TEST_DATABASE_URL $(BIN)/pytest

# PostgreSQL: TEST_DATABASE_URL if set, else a local server if one answers; says so when skipped.
test-postgres: install
	@url="$${TEST_DATABASE_URL:-postgresql:///geletterd_test}"; \
	if $(BIN)/python -m tests.pg_available "$$url"; then \
		echo "== tests on PostgreSQL ($$url) =="; \
		TEST_DATABASE_URL="$$url" $(BIN)/pytest; \
	else \
		echo "== PostgreSQL NOT reachable at $$url: PostgreSQL tests SKIPPED =="; \
	fi

# The README's pictures, of the real course and demo organisation, taken on purpose (not by make test).
screenshots: install
	SCREENSHOT_DIR=docs/screenshots GELETTERD_README_SCREENSHOTS=1 $(BIN)/pytest -q tests/browser/test_readme_screenshots.py

translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o app/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -i app/translations/messages.pot -d app/translations
	$(BIN)/pybabel compile -d app/translations

clean:
	rm -rf $(VENV) instance/*.db
