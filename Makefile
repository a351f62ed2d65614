# The two commands a newcomer needs: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Demo mode shows the demo sign-in links on the start page; `make run` is for trying Ons Plan locally.
RUN_ENV := ONSPLAN_DEMO_MODE=true ONSPLAN_ORIGIN=http://localhost:$(PORT) ONSPLAN_RP_ID=localhost

.PHONY: help install pdf-deps system-deps bench-deps run test lint unit test-sqlite test-postgres e2e bench messages clean

help:
	@echo "make run    install, migrate, load the demo when the database is empty, serve on http://localhost:$(PORT)"
	@echo "           (with the notification worker beside it)"
	@echo "make test   install, lint and type-check, run all tests on SQLite and PostgreSQL, then in Chromium"

# Python packages in .venv, refreshed when pyproject.toml changes.
$(BIN)/onsplan: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Front-end packages from the npm registry, pinned by package-lock.json; htmx is copied into the ignored
# web/static/vendor/ so that it is served (fingerprinted) like our own files.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p web/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

install: $(BIN)/onsplan web/static/vendor/htmx.min.js

# What the PDF export needs from Debian: Pango (used by WeasyPrint) and a font.
pdf-deps:
	@missing=""; \
	ldconfig -p | grep -q "libpangoft2-1.0.so.0" || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	test -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# What the browser tests and the PostgreSQL run need from Debian: Chromium and PostgreSQL.
system-deps: pdf-deps
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

run: install pdf-deps
	$(RUN_ENV) $(BIN)/onsplan db upgrade
	$(RUN_ENV) $(BIN)/onsplan demo --if-empty
	@echo
	@echo "Ons Plan draait op http://localhost:$(PORT), met de worker voor meldingen (stoppen: Ctrl+C)"
	$(RUN_ENV) $(BIN)/onsplan run --host $(HOST) --port $(PORT) --with-worker

lint: install
	$(BIN)/ruff check server tests e2e tools
	$(BIN)/ruff format --check server tests e2e tools
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test-sqlite: install
	@echo "== unit and integration tests on SQLite =="
	$(BIN)/pytest -q -p no:cacheprovider tests

test-postgres: install system-deps
	@echo "== unit and integration tests on PostgreSQL =="
	tools/with_postgres.sh $(BIN)/pytest -q -p no:cacheprovider tests

e2e: install system-deps
	@echo "== end-to-end tests in Chromium =="
	$(BIN)/pytest -q -p no:cacheprovider e2e

test: install system-deps lint test-sqlite test-postgres e2e

# What `make bench` needs from Debian: the load generator wrk, and PostgreSQL for the run with the bulk set.
bench-deps:
	@missing=""; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Speed of the pages, measured from outside with wrk (not part of `make test`): SQLite with the demo, then
# PostgreSQL with 100,000 households (made once, kept under var/bench/). JSON under var/bench/.
# Options go through BENCH_ARGS, e.g. make bench BENCH_ARGS="--households 2000 --rounds 1 --seconds 3".
bench: install bench-deps
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

# Refresh the message catalogues after changing interface text (Dutch is the source language).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -o server/locale/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i server/locale/messages.pot -d server/locale --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) node_modules web/static/vendor var .mypy_cache .ruff_cache
