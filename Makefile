# sharelog — the first two targets are the README's two commands.
#   make run    set everything up on a fresh machine (Python 3.11 + make) and run the demo
#   make test   the whole test suite (what CI runs, through .ci/run)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
# constraints.txt pins every package so a fresh install is reproducible (refresh with `make lock`)
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
# the GOV.UK Frontend styles, scripts, fonts and images the web app serves, and Swagger UI for the API docs page
# (npm, pinned by package-lock.json; axe-core, for the browser tests, stays in node_modules)
ASSETS  := src/sharelog/web/static/govuk
SWAGGER := src/sharelog/web/static/swagger-ui

.PHONY: run test golden lint typecheck bench reliability mutation format lock clean help

run: $(VENV)/.installed-run $(ASSETS)/.copied
	$(BIN)/sharelog demo
	@echo
	@echo "To look at the demo ledger in a browser:  $(BIN)/sharelog serve --demo   (then open http://localhost:8000)"

# one pytest worker a core (at most 4), each module's tests kept on one worker so its fixtures are built once
test: $(VENV)/.installed-test $(ASSETS)/.copied
	$(BIN)/pytest --numprocesses auto --maxprocesses 4 --dist loadscope

# rewrite tests/reports/golden from the golden ledger after a deliberate change to a report (review the git diff);
# the golden test itself only compares
golden: $(VENV)/.installed-test
	$(BIN)/python -m tests.reports.regenerate_golden

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# the benchmarks of docs/benchmarks.md (about 30 minutes; run on a quiet machine)
bench: $(VENV)/.installed-test
	$(PIP) -e ".[bench]"
	$(BIN)/python bench/bench_synth.py
	$(BIN)/python bench/bench_febrl.py
	$(BIN)/python bench/bench_synthetic.py
	$(BIN)/python bench/bench_grid.py
	$(BIN)/python bench/bench_speed.py

# The long variants of the reliability tests (figures in docs/reliability.md): 100 SIGKILLs of exchange run,
# outcomes import and retention apply on SQLite and PostgreSQL (`make test`: 12); 50 API clients for 60 s on each
# backend (`make test`: 10 s); fuzzing with 1,000 examples a property (`make test`: 40).
reliability: $(VENV)/.installed-test
	SHARELOG_RELIABILITY_KILLS=100 $(BIN)/pytest -m reliability -p no:cacheprovider tests/reliability
	SHARELOG_LOAD_SECONDS=60 $(BIN)/pytest -m reliability -p no:cacheprovider -s tests/load
	SHARELOG_FUZZ_EXAMPLES=1000 $(BIN)/pytest -p no:cacheprovider tests/fuzz

# Mutation testing (mutmut) of the rules that protect people: disclosure control, the minimal return, the access
# table, the audit chain, the FOI calendar and the match decision, each rule's functions against its own focused
# tests (tests/mutation.py says which; scores in docs/reliability.md). CPU-heavy — about an hour on two cores — so
# not part of `make test` or CI. `make mutation RULES="audit-chain foi-calendar"` runs only those rules; results
# stay in .mutation/<rule>/, and a second run tests only the mutants of functions that changed.
mutation: $(VENV)/.installed-test
	$(PIP) -e ".[mutation]"
	$(BIN)/python -m tests.mutation $(RULES)

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "sharelog needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run
	$(PIP) -e ".[test,dev,spark]"
	@touch $@

$(ASSETS)/.copied: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(ASSETS) $(SWAGGER) && mkdir -p $(ASSETS) $(SWAGGER)
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(ASSETS)/
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(ASSETS)/assets
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(SWAGGER)/
	@touch $@

# Re-pin constraints.txt to what the current venv holds (run after changing dependencies in pyproject.toml).
lock: $(VENV)/.installed-test
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^sharelog' > constraints.txt

clean:
	rm -rf $(VENV) node_modules $(ASSETS) $(SWAGGER) sharelog-data .pytest_cache .mypy_cache .ruff_cache .mutation mutants

help:
	@sed -n '1,4p' Makefile
