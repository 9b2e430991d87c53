# Two entry points, as the README says: `make serve` (the site) and `make test` (the whole suite).
# Each installs what it needs into .venv and node_modules on first use, and again when the
# dependency files change.
VENV    ?= .venv
PY      := $(VENV)/bin/python
PIP     := $(PY) -m pip install --quiet --disable-pip-version-check
HOST    ?= 127.0.0.1:8000
# Material prints an end-of-life banner on every build; it says nothing about this site.
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test test-fast chromium clean

serve: $(VENV)/.site node_modules/.installed
	$(VENV)/bin/mkdocs serve --dev-addr $(HOST)

build: $(VENV)/.site node_modules/.installed
	$(VENV)/bin/mkdocs build --strict

# The suite is mostly single-threaded Python (site builds, Chromium driving, small torch runs): one
# pytest-xdist worker per core, up to 4 (each holds its own Chromium). --dist loadfile keeps a test
# file on one worker, so a module's shared build (test_site_build, test_quiz_browser) happens once;
# tests/conftest.py hands out the files with slow tests first, so that the workers end together.
# (--dist loadgroup would be finer, but does not group on pytest 9.2: pytest-xdist issue #1386.)
# `make test XDIST=` runs everything in one process.
XDIST   ?= -n auto --maxprocesses 4 --dist loadfile --no-loadscope-reorder

test: $(VENV)/.test node_modules/.installed chromium
	$(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# The quick loop while editing: no browser, no slow tests.
test-fast: $(VENV)/.test node_modules/.installed
	$(PY) -m pytest $(XDIST) -m "not slow and not browser" $(PYTEST_ARGS)

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.site: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[site]'
	touch $@

$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.site

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Browser tests drive the system Chromium (never a downloaded one); CHROMIUM=/path picks another.
chromium:
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Chromium: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

clean:
	rm -rf site build dist .pytest_cache
