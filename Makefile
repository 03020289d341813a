# GovSocial Academy. The README's two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run test setup system-packages system-packages-test lint check bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Reinstall the Python packages only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

system-packages:
	@scripts/install-system-packages.sh

system-packages-test:
	@scripts/install-system-packages.sh --test

setup: system-packages $(VENV)/.installed
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_courses

## run: install what is missing, migrate, load the demo course, serve on http://127.0.0.1:8000
run: setup
	@echo "GovSocial Academy on http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@# The certificate PDF worker runs beside the server and stops with it.
	$(BIN)/python manage.py db_worker --backend certificates & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite (SQLite by default; PostgreSQL when DATABASE_URL is set)
test: system-packages-test $(VENV)/.installed
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/test.sqlite3 .pytest_cache

## bench: speed and memory figures (certificate render, quiz submit, page latency and queries,
## peak memory), then requests per second on the public pages under gunicorn
bench: $(VENV)/.installed
	@scripts/install-system-packages.sh --bench
	$(BIN)/python bench/run.py
	$(BIN)/python bench/quiz_bench.py
	bash bench/throughput.sh
