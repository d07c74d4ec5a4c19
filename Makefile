# `make run` serves the demo portal on http://127.0.0.1:8000; `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test test-fast install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

PORT ?= 8000

# Background work without Redis: Celery's file-system broker under var/, one worker with the
# beat scheduler embedded, stopped with the web server on Ctrl-C. The first sweep runs at once.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py send_reminders
	export CELERY_BROKER_URL="$${CELERY_BROKER_URL:-filesystem://}"; \
	$(VENV)/bin/celery -A d8portal worker --beat --pool solo --loglevel WARNING \
		--without-mingle --without-gossip & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on PostgreSQL: DATABASE_URL when set, else the server on 127.0.0.1:5432.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL="$${DATABASE_URL:-$$($(PY) tests/database_url.py)}" $(VENV)/bin/pytest

# The inner loop: no browser, worker, production stack, fuzzer or demo, on two processes; the
# test databases are kept between runs (ARGS=--create-db after a migration changes them).
test-fast: install
	DATABASE_URL="$${DATABASE_URL:-$$($(PY) tests/database_url.py)}" $(VENV)/bin/pytest \
		-m "not slow" --reuse-db -n 2 $(ARGS)
