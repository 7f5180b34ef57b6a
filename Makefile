# Two commands for a fresh machine: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTEST_WORKERS ?= 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The W3C Nu HTML checker for tests/core/test_html_validity.py, from the npm package vnu-jar (needs Java).
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar

.PHONY: run test test-pg lint bench clean help vnu

help:
	@echo "make run      portal met demogegevens op http://127.0.0.1:5000 (SQLite)"
	@echo "make test     alle tests (SQLite)"
	@echo "make test-pg  alle tests tegen een tijdelijke PostgreSQL 15"
	@echo "make bench    benchmark met demo load --scale 50"

# The venv is rebuilt only when a requirements file changes (make compares timestamps).
$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt requirements-redis.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Into .tools/ (gitignored). Without npm the HTML test is skipped locally (CI installs it and fails without it).
$(VNU_JAR):
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --prefix .tools vnu-jar@$(VNU_VERSION); \
	else echo "warning: npm not found; the Nu HTML checker test will be skipped" >&2; fi

vnu: $(VNU_JAR)

run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) demo load-if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# Unit and HTTP tests in parallel; browser journeys (Chromium, one Playwright per process) after them.
PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider
test: $(VENV)/.dev vnu
	$(PYTEST) -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)
	$(PYTEST) -m browser $(PYTEST_ARGS)

test-pg: $(VENV)/.dev vnu
	bash .ci/with-postgres sh -c '$(PYTEST) -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS) && $(PYTEST) -m browser $(PYTEST_ARGS)'

lint: $(VENV)/.dev
	$(BIN)/ruff check wijkmakers tests benchmarks
	$(BIN)/bandit -q -c pyproject.toml -r wijkmakers --severity-level high
	$(BIN)/lint-imports --no-cache

bench: $(VENV)/.dev
	command -v wrk >/dev/null || (test "$$(id -u)" = 0 && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .tools
