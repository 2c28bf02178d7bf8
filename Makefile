# hazardloop — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest workers; CI machines have 2 cores
PYTEST_WORKERS ?= 2

.PHONY: run dev worker test lint gate pytest install assets messages migrate demo clean

run: install assets messages migrate demo staticfiles/staticfiles.json ## install, migrate, load the demo province, serve on HOST:PORT
	HAZARDLOOP_STATIC_MANIFEST=1 HOST=$(HOST) PORT=$(PORT) $(PY) -m hazardloop.serve

dev: install assets messages migrate demo ## Django's autoreloading server plus the worker
	HOST=$(HOST) PORT=$(PORT) $(PY) -m hazardloop.serve --dev

worker: install messages migrate ## the background worker alone (tasks + periodic sweeps)
	$(PY) -m hazardloop.serve --worker-only

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

assets: static_vendor/.done

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

static_vendor/.done: node_modules/.package-lock.json scripts/vendor_assets.py
	$(PYTHON) scripts/vendor_assets.py

# Collected (hashed, compressed) static files for the production server; redone when any changes.
STATIC_SOURCES := $(shell find static hazardloop -path '*/static/*' -type f 2>/dev/null)
staticfiles/staticfiles.json: static_vendor/.done requirements.txt $(STATIC_SOURCES)
	HAZARDLOOP_STATIC_MANIFEST=1 $(PY) manage.py collectstatic --noinput -v0

messages: install
	$(PY) scripts/compile_messages.py

migrate: install messages
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

gate: lint assets messages
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

# The whole gate, then the tests on SQLite, and again on PostgreSQL when DATABASE_URL is set.
test: gate
	env -u DATABASE_URL $(VENV)/bin/pytest -q -n $(PYTEST_WORKERS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== again on PostgreSQL ($$DATABASE_URL)"; \
		$(VENV)/bin/pytest -q -n $(PYTEST_WORKERS); \
	fi

clean:
	rm -rf $(VENV) node_modules static_vendor staticfiles
