# stdtrack — every target creates .venv itself; a fresh machine needs only Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export STDTRACK_HOME ?= $(CURDIR)/var
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-sqlite test-postgres bench bench-scale lint clean browser i18n

# Debian's Chromium and CJK fonts for the browser tests (never a test tool's own download)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BROWSER_PACKAGES := chromium fonts-noto-cjk

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## run: set up, migrate the embedded SQLite default, load the bundled data once, serve on :8000
run: $(STAMP)
	env -u DATABASE_URL $(BIN)/stdtrack db upgrade
	env -u DATABASE_URL $(BIN)/stdtrack demo
	env -u DATABASE_URL $(BIN)/stdtrack serve --host $(HOST) --port $(PORT)

## browser: install Debian's chromium and fonts-noto-cjk when missing (the browser tests need them)
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "CJK"; then :; else \
	  echo "== installing $(BROWSER_PACKAGES) (apt-get) for the browser tests =="; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    $(BROWSER_PACKAGES) >/dev/null; \
	fi

## test: the whole suite on SQLite, and again on PostgreSQL when DATABASE_URL names one
test: $(STAMP) browser
	$(MAKE) --no-print-directory test-sqlite
	@case "$${DATABASE_URL:-}" in \
	  postgres://*|postgresql://*) $(MAKE) --no-print-directory test-postgres ;; \
	  *) echo "DATABASE_URL is not PostgreSQL: suite ran on SQLite only" ;; \
	esac

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/python -m pytest -q

test-postgres: $(STAMP)
	@echo "== test suite on PostgreSQL ($${DATABASE_URL##*@}) =="
	$(BIN)/python -m pytest -q

BENCH_STAMP := $(VENV)/.bench-stamp
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	touch $(BENCH_STAMP)

## bench: speed figures as JSON with a calibration figure and ratios to limits measured in the
## same run (bench/out/*.json, one summary in bench/out/summary.json, and stdout)
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench.run

## bench-scale: a province on PostgreSQL (BENCH_PG_URL; BENCH_SCALE=0.05 for a twentieth;
## NATION=1 for the nation: hours, never in CI), targets as ratios, bench/out/scale-*.json
bench-scale: $(BENCH_STAMP)
	NATION=$(NATION) $(BIN)/python -m bench.scale

## i18n: extract the pages' strings and merge them into the English catalog (then translate the
## new entries in api/web/locale/en/LC_MESSAGES/messages.po; tests/api/test_i18n.py lists any missing)
I18N := api/web/locale
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --no-wrap \
	  --project stdtrack --copyright-holder stdtrack -o $(I18N)/messages.pot .
	$(BIN)/pybabel update -i $(I18N)/messages.pot -d $(I18N) -l en --no-fuzzy-matching \
	  --ignore-obsolete --ignore-pot-creation-date --no-wrap --init-missing
	rm -f $(I18N)/messages.pot

lint: $(STAMP)
	$(BIN)/ruff check standards importers adoption search_index api tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var bench/out
