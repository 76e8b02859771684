# Two commands do everything: `make run` (the demo portal) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# 127.0.0.1 keeps the demo (DEBUG on, a published password) off the network; HOST=0.0.0.0 opens it.
HOST ?= 127.0.0.1
# Installs again only when the dependency lists change.
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed

.PHONY: run test faults bench lint format messages install system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(NODE_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(INSTALLED) $(NODE_INSTALLED)

# Debian packages the suite needs beyond Python and npm: Chromium for the browser tests (no tool
# downloads a browser of its own), a CJK font so screenshots show Chinese, gettext's msgfmt for
# the translation checks, systemd-analyze for the check of the production units. Installed
# with apt-get when missing and running as root; otherwise stops with one line naming them. (A
# package removed but not purged still answers `dpkg -s`: its status is read instead.)
SYSTEM_PACKAGES_CHECK := \
	missing=(); \
	[ -x /usr/bin/chromium ] || missing+=(chromium); \
	dpkg-query -W -f='$${Status}' fonts-wqy-microhei 2>/dev/null | grep -q 'ok installed' \
	  || missing+=(fonts-wqy-microhei); \
	command -v msgfmt >/dev/null || missing+=(gettext); \
	command -v systemd-analyze >/dev/null || missing+=(systemd)
system-packages:
	@$(SYSTEM_PACKAGES_CHECK); \
	if [ $${#missing[@]} -eq 0 ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
	  echo "make test needs these Debian packages: $${missing[*]} (as root: apt-get install $${missing[*]})" >&2; \
	  exit 1; \
	fi; \
	echo "Installing $${missing[*]} with apt-get"; \
	apt-get -o DPkg::Lock::Timeout=600 update -q && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "$${missing[@]}"

# The demo: SQLite under var/ and a file-system Celery broker unless DATABASE_URL / REDIS_URL
# are set. Starts the web server and one Celery worker with an embedded beat; Ctrl-C stops both.
run: install
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Portal: http://127.0.0.1:$(PORT)/  (demo accounts in README.md)"
	$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2 & worker=$$!; \
	trap 'trap - INT TERM EXIT; kill -TERM $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

test: install system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/djlint templates parks grievances reforms --lint
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/pytest -m "not bench and not faults" -n 2 --dist loadfile

# Kills a worker mid-build, crashes a private Redis, cuts PostgreSQL off (tests/faults/); one at
# a time, as each test runs the portal's own processes. About three minutes.
faults: install
	$(BIN)/pytest -m faults tests/faults -p no:xdist

# The portal under gunicorn against hand-written raw-SQL floors, at 10k/100k and 100k/1M
# (tests/bench/run.py; about 25 minutes on 2 cores), then the report benchmarks. BENCH_ARGS
# passes options, e.g. BENCH_ARGS="--sizes small --samples 50".
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m tests.bench.run $(BENCH_ARGS)
	$(BIN)/pytest -m bench tests/bench -p no:xdist -s

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo
	$(BIN)/djlint templates parks grievances reforms --lint
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the translation catalogue after changing strings; then translate and compile.
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*'
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore='.venv/*' --ignore='node_modules/*'

clean:
	rm -rf $(VENV) node_modules var
