# The two commands of README.md. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt constraints.txt | sha1sum | cut -c1-12)

.PHONY: run test venv deps system-deps check lint messages bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements-dev.txt -c constraints.txt
	rm -f $(VENV)/.installed-*; touch $@

venv: $(STAMP)

# make run [PORT=8000]: venv, install, migrate, demo data, web server and job runner on 127.0.0.1:$(PORT).
PORT ?= 8000
run: export DGOV_PUBLIC_URL ?= http://127.0.0.1:$(PORT)
run: $(STAMP)
	mkdir -p var
	$(PY) manage.py compilemessages -v0 --ignore=.venv
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py load_demo
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py run_jobs & \
	$(VENV)/bin/gunicorn dgov.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - --capture-output

# Debian packages the tests need: PostgreSQL 15, Chromium, poppler (pdfsig), NSS tools (pdfsig's
# trust store), gettext; nginx, pgBackRest and systemd-analyze for deploy/ and the backup drills.
system-deps:
	@missing=""; \
	test -x /usr/lib/postgresql/15/bin/initdb || missing="$$missing postgresql-15"; \
	command -v nginx >/dev/null || missing="$$missing nginx"; \
	command -v pgbackrest >/dev/null || missing="$$missing pgbackrest"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list :lang=zh | grep -q . || missing="$$missing fonts-wqy-zenhei"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v pdfsig >/dev/null || missing="$$missing poppler-utils"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v certutil >/dev/null || missing="$$missing libnss3-tools"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The tooling gate (STYLE.md habit 10).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy dgov
	$(PY) manage.py makemigrations --check --dry-run -v1
	DGOV_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n') ALLOWED_HOSTS=gov.example \
	  DB_ENGINE=postgres DB_HOST=db.gov.example DGOV_PUBLIC_URL=https://gov.example DGOV_AUDIT_SYSLOG=udp://logs.internal:514 \
	  DGOV_AUDIT_CHECKPOINT_DIR=/srv/audit/checkpoints DGOV_AUDIT_KEY_FILE=/etc/dgov/audit-ed25519.pem \
	  DGOV_AUDIT_SEAL_KEY_FILE=/etc/dgov/audit-seal.key \
	  $(PY) manage.py check --deploy --fail-level WARNING

messages: $(STAMP)
	$(PY) manage.py compilemessages -v0 --ignore=.venv

# make test: the gate, then the whole suite on SQLite and on a throwaway PostgreSQL, each
# spread over one pytest-xdist worker per core (TEST_WORKERS=1 for one process).
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: system-deps $(STAMP) messages lint
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist worksteal
	bin/throwaway-postgres $(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist worksteal

bench: $(STAMP)
	@echo "see bench/README.md"

clean:
	rm -rf $(VENV) var staticfiles
