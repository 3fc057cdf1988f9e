# The two commands of the README's quick start are `make run` and `make test`;
# both set up the virtual environment first when it is missing or stale.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint typecheck contracts pytest bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MSP Desktop needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/msp-desktop

lint: $(STAMP)
	$(BIN)/ruff check msp_desktop ui tests
	$(BIN)/ruff format --check msp_desktop ui tests

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports --no-cache

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

test: lint typecheck contracts pytest

# Each benchmark writes its own JSON in bench-results/ (app.json: the real app, offscreen Qt).
bench: $(STAMP)
	$(BIN)/python -m tests.bench.bench_store --out bench-results
	$(BIN)/python -m tests.bench.bench_app --out bench-results
	$(BIN)/python -m tests.bench.bench_documents --out bench-results
	$(BIN)/python -m tests.bench.bench_bundles --out bench-results

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache bench-results
