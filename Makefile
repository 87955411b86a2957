# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install install-dev translations migrate demo lint format bench soak faults clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: install
	$(BIN)/pybabel compile -d app/translations >/dev/null

migrate: install
	$(BIN)/flask db upgrade

# The demo data is loaded once; delete instance/.demo-loaded to load it again.
instance/.demo-loaded: | migrate
	$(BIN)/flask demo load > instance/.demo-load.log 2>&1 || { cat instance/.demo-load.log; exit 1; }
	mv instance/.demo-load.log instance/.demo-loaded

demo: migrate instance/.demo-loaded

run: translations demo
	@echo ""
	@echo "onestop-assess: http://127.0.0.1:5000"
	@cat instance/.demo-loaded
	$(BIN)/gunicorn --bind 127.0.0.1:5000 --workers 2 --threads 4 --timeout 60 wsgi:app

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -c pyproject.toml -r app -lll

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

TEST_WORKERS ?= 2
test: install-dev translations lint
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m bench.run_all

# Mixed soak through gunicorn: 30 minutes (QUICK=1: 2 minutes); bench/soak.py.
# Fault injection under the same load (worker kill -9, PostgreSQL restart, Redis stop,
# SQLite full/read-only, backup and restore): `make faults` (bench/faults/, needs root
# for the private PostgreSQL cluster, tmpfs and chattr).
soak: install-dev translations
	$(BIN)/python -m bench.soak $(if $(QUICK),--quick,) $(SOAK_ARGS)

faults: install-dev translations
	$(BIN)/python -m bench.faults

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
