# «Опора»: the two quick-start commands are `make run` and `make test` (`make dev` for developers).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run dev loadtest test test-dates test-fast test-browser schemathesis lint check messages deps clean

# The environment: a virtualenv from the lock file and the front-end packages from npm.
$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Нужен Python 3.11 ($(PYTHON))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

deps: $(VENV)/.installed node_modules/.installed

# The demo region goes into an empty database, unless the development-only demo app is
# turned off (OPORA_DEMO_APP=0, read as opora/settings.py reads it; a bad value stops migrate).
LOAD_DEMO = case "$$(printf '%s' "$${OPORA_DEMO_APP:-1}" | tr '[:upper:]' '[:lower:]')" in \
	0|false|no|off) echo "OPORA_DEMO_APP=$${OPORA_DEMO_APP}: демо-регион не загружается";; \
	*) $(PY) manage.py load_demo --if-empty;; \
	esac

# Creates the environment if missing, migrates, loads the demo region into an empty
# database, and serves a team on http://127.0.0.1:$(PORT): gunicorn (processes × threads,
# opora/gunicorn_conf.py), static files from the app (WhiteNoise), DEBUG off.
run: deps staticfiles/staticfiles.json
	$(PY) manage.py migrate --noinput
	@$(LOAD_DEMO)
	PORT=$(PORT) $(VENV)/bin/gunicorn -c python:opora.gunicorn_conf

# The collected, hashed and compressed static files WhiteNoise serves; collected again only when
# a source changed (compressing takes a while).
STATIC_SOURCES := $(shell find opora -path '*/static/*' -type f 2>/dev/null)
staticfiles/staticfiles.json: $(STATIC_SOURCES) $(VENV)/.installed node_modules/.installed
	$(PY) manage.py collectstatic --noinput -v0
	touch $@

# For developers: Django's runserver with DEBUG (tracebacks, reload on change).
dev: deps
	$(PY) manage.py migrate --noinput
	@$(LOAD_DEMO)
	OPORA_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# 20 users for 60 s (loadtest/run.py) against a fresh database with the demo region, served
# as `make run` serves; fails on any error. PostgreSQL: DATABASE_URL=postgres://…/opora make loadtest
LOADTEST_ARGS ?=
loadtest: deps staticfiles/staticfiles.json
	$(PY) loadtest/run.py $(LOADTEST_ARGS)

# The whole test suite (unit, integration and real-browser tests) on the configured
# database: SQLite by default, PostgreSQL when DATABASE_URL points at it.
test: deps
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Модели и миграции расходятся: выполните makemigrations"; exit 1; }
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite runs at one fixed moment (opora/conftest.py); OPORA_TEST_NOW moves it. These are the
# days that once broke it: year's end and start, 28 and 29 February, a quarter's last day.
TEST_DATES ?= 2026-12-01 2026-12-31 2027-01-01 2027-02-28 2028-02-29 2028-09-30
test-dates: deps
	@set -e; for day in $(TEST_DATES); do \
		echo "== make test, OPORA_TEST_NOW=$$day"; \
		OPORA_TEST_NOW=$$day $(MAKE) --no-print-directory test; \
	done

test-fast: deps
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

test-browser: deps
	$(PY) -m pytest -m browser $(PYTEST_ARGS)

# A bounded schemathesis pass over the whole API schema (every operation, valid and invalid requests,
# a fixed seed) as specialist1 and the regional centre, on a throw-away test database with the demo
# region: 0 server errors and 0 answers that break the schema (opora/core/tests/test_schemathesis.py).
SCHEMATHESIS_EXAMPLES ?= 10
schemathesis: deps
	OPORA_SCHEMATHESIS=1 OPORA_SCHEMATHESIS_EXAMPLES=$(SCHEMATHESIS_EXAMPLES) $(PY) -m pytest -m schemathesis -p no:cacheprovider opora/core/tests/test_schemathesis.py $(PYTEST_ARGS)

lint: deps
	$(VENV)/bin/ruff check opora
	$(VENV)/bin/ruff format --check opora

check: deps
	$(PY) manage.py check
	OPORA_DEBUG=0 OPORA_HTTPS=1 SECRET_KEY=check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz ALLOWED_HOSTS=opora.example.ru $(PY) manage.py check --deploy --fail-level WARNING

messages:
	cd opora && ../$(PY) ../manage.py compilemessages -l ru

clean:
	rm -rf $(VENV) node_modules staticfiles
