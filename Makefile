# GovSocial Academy. The README's commands: `make run` (or `make demo`), `make test`, `make doctor`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist worker processes for `make test` (0: one process).
WORKERS ?= 2
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHON
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev
# When make started: `make run` prints how long its set-up took.
STARTED := $(shell date +%s.%N)

.PHONY: run demo test test-postgres doctor setup system-packages system-packages-test lint check bench scale-test clean

# Reinstall the Python packages only when pyproject.toml changes (uv when there is one, else pip).
$(VENV)/.installed: pyproject.toml scripts/install-ralph.sh
	@scripts/install-python-packages.sh
	@scripts/install-ralph.sh
	@touch $@

## doctor: one line for each thing this machine lacks, and how to get it
doctor:
	@scripts/doctor.sh

system-packages:
	@scripts/install-system-packages.sh

system-packages-test:
	@scripts/install-system-packages.sh --test

# The database: migrations, the cache table and the courses (and the demo people with DEMO=1),
# in one Python process.
setup: system-packages $(VENV)/.installed
	@mkdir -p var
	@$(BIN)/python manage.py setup_site $(if $(DEMO),--demo)
	@awk -v a=$(STARTED) -v b=$$(date +%s.%N) 'BEGIN { printf "Set up in %.0f s.\n", b - a }'

## run: install what is missing, migrate, load the courses, serve on http://127.0.0.1:8000
run: _doctor-run setup
	@echo "GovSocial Academy on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@# The queue workers (certificates, emails, xAPI, LTI scores) run beside the server and stop with it;
	@# without the autoreloader, which would poll every source file once a second in each of them.
	$(BIN)/python manage.py db_worker --no-reload --backend certificates & worker=$$!; \
	$(BIN)/python manage.py db_worker --no-reload --backend emails & mailer=$$!; \
	$(BIN)/python manage.py db_worker --no-reload --backend xapi & xapi=$$!; \
	$(BIN)/python manage.py db_worker --no-reload --backend lti & lti=$$!; \
	trap 'kill $$worker $$mailer $$xapi $$lti 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## demo: `make run` plus sample learners, a trainer and an administrator (passwords printed)
demo: export DEMO := 1
demo: run

_doctor-run:
	@scripts/doctor.sh --run

_doctor-test:
	@scripts/doctor.sh --test

## test: the whole suite on SQLite across $(WORKERS) processes (on PostgreSQL when DATABASE_URL is set).
## Not --dist worksteal: a worker that steals tests from the end of another's queue (the browser tests,
## which empty the database when they end) would run its own plain tests after them on an empty database
## --dist loadgroup: as `load` (tests in collection order), but the tests that share a costly fixture
## (xdist_group: the shipped courses, tests/content/conftest.py) run on one worker, which builds it once.
# Bytecode is written even where PYTHONDONTWRITEBYTECODE is set (as on some CI machines): every
# worker, live server and helper process would otherwise compile the project and rewrite the tests'
# asserts again (~5 s of CPU each). The __pycache__ folders are ignored by git.
test: _doctor-test system-packages-test $(VENV)/.installed
	@mkdir -p var
	PYTHONDONTWRITEBYTECODE= DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(if $(filter-out 0,$(WORKERS)),-n $(WORKERS) --dist loadgroup) $(PYTEST_ARGS)
	@scripts/postgres-hint.sh

## test-postgres: the whole suite on the PostgreSQL server at $(PG_URL)
test-postgres:
	@DATABASE_URL=$(PG_URL) $(MAKE) --no-print-directory test

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/test.sqlite3* var/ci .pytest_cache

## bench: speed and memory figures (certificate render, quiz submit, page latency and queries,
## peak memory), the Reports pages and exports on PostgreSQL with generate_load_data's 20,000
## learners, then requests per second on the public pages under gunicorn
bench: $(VENV)/.installed
	@scripts/install-system-packages.sh --bench
	@rm -f bench/results.json
	$(BIN)/python bench/run.py
	$(BIN)/python bench/quiz_bench.py
	PG_URL=$(PG_URL) $(BIN)/python bench/reports_bench.py
	bash bench/throughput.sh

## scale-test: two gunicorn app servers behind HAProxy, two certificate workers, PostgreSQL and
## Redis under Locust's simulated learners for a fixed time, one server and one worker killed
## mid-run, then the database checked (not part of `make test`; README 'Running on several servers')
scale-test: $(VENV)/.installed
	@scripts/install-system-packages.sh --scale
	@scripts/install-python-packages.sh --scale
	PG_URL=$(PG_URL:/test=/postgres) $(BIN)/python scale/run.py $(SCALE_ARGS)
