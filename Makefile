# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install install-dev migrate seeds run run-worker test test-fast lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	# Old pip breaks trafilatura's lxml extra: upgrade before anything else.
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	$(PY) manage.py migrate --noinput

seeds: migrate
	$(PY) manage.py load_seeds

run: seeds
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# One background worker (production path: PostgreSQL + the database task backend).
run-worker: migrate
	TASK_BACKEND=$${TASK_BACKEND:-django_tasks_db.DatabaseBackend} $(PY) manage.py db_worker

# The layering contracts (pyproject.toml) first: they take a second.
test: install-dev
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

test-fast: install-dev
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not slow and not browser"

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

bench: install-dev
	$(PY) bench/run.py
