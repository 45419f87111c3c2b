# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
BANDIT := $(BIN)/bandit --quiet --configfile pyproject.toml --recursive leernetwerk migrations wsgi.py gunicorn.conf.py

.PHONY: translations-update run test test-fast test-sqlite test-postgres lint security install install-dev translations chromium migrate seed bench bench-steps bench-inprocess clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime translations
install-dev: $(VENV)/.dev translations

# Compiled catalogues are build output (not in git).
translations: $(VENV)/.runtime
	@$(BIN)/pybabel compile --use-fuzzy -d translations > /dev/null

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# The dev server runs the scheduler too (reminders, mail, weekly digest); SCHEDULER_ENABLED=false turns it off.
run: seed
	@echo "Leernetwerk draait op http://127.0.0.1:5000 (stoppen met Ctrl+C)"
	SCHEDULER_ENABLED=$${SCHEDULER_ENABLED:-true} $(FLASK) run --host 127.0.0.1 --port 5000

chromium:
	@scripts/ensure-chromium

# The whole suite on SQLite; `make test-postgres` runs it again on PostgreSQL.
test: install-dev chromium
	$(BIN)/python -m pytest

test-postgres: install-dev chromium
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest

# The suite without the browser tests (no Chromium needed): quick feedback while working.
test-fast: install-dev
	$(BIN)/python -m pytest -m "not e2e"

# Ruff and bandit with their settings in pyproject.toml; CI runs them before the tests.
lint: install-dev
	$(BIN)/ruff check .
	$(BANDIT)

# Bandit alone: any finding fails; pyproject.toml says why each accepted one (`# nosec`) is fine.
security: install-dev
	$(BANDIT)

clean:
	rm -rf $(VENV) .pytest_cache

# After changing user-facing text: refresh the catalogue, then translate the new English entries.
translations-update: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Leernetwerk -o translations/messages.pot leernetwerk templates
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations

# Speed at national scale over real HTTP (gunicorn + wrk): public and logged-in pages against a
# bare Flask route in the same run, on SQLite and (with BENCH_DATABASE_URL) PostgreSQL. The data is
# built once into bench/.data/ (or that database) and reused; results go to bench/results/.
bench: install-dev
	$(BIN)/python bench/pages.py

# What every request pays, step by step, in-process (the profile behind `make bench`).
bench-steps: install-dev
	$(BIN)/python bench/steps.py

# In-process timings of library searches, and a reminder sweep at national scale (this one
# empties its database first: give it its own BENCH_DATABASE_URL, not the one `make bench` uses).
bench-inprocess: install-dev
	$(BIN)/python bench/library.py
	$(BIN)/python bench/reminders.py
