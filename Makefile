# `make run` serves the demo portal on http://127.0.0.1:8000; `make test` runs every check.
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# The suite runs on PostgreSQL: DATABASE_URL when set, else the server on 127.0.0.1:5432.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL="$${DATABASE_URL:-$$($(PY) tests/database_url.py)}" $(VENV)/bin/pytest
