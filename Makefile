# The two commands of the README's quick start are `make run` and `make test`;
# both set up the virtual environment first when it is missing or stale.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-slow lint typecheck contracts pytest bench translations \
	office-install-test office-walkthrough package install-test windows-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "MSP Desktop needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[desktop,dev]'
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/msp-desktop

lint: $(STAMP)
	$(BIN)/ruff check msp_desktop ui tests packaging docs/samples
	$(BIN)/ruff format --check msp_desktop ui tests packaging docs/samples

# Twice: as Linux, and as Windows (code under `sys.platform == "win32"`, such as
# msp_desktop/windows_acl.py, is only type-checked when mypy targets Windows).
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --platform win32 --cache-dir .mypy_cache/win32

contracts: $(STAMP)
	$(BIN)/lint-imports --no-cache

# One xdist worker per core, at most 4 (each is a Python with Qt, its own PostgreSQL
# and the subprocesses of the e2e tests; more adds contention, not speed). --dist
# loadgroup runs the tests of one xdist_group ("load": those that load the machine and
# time themselves) on one worker, one after another. The slow harnesses are left to
# `make test-slow`.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c 'import os; print(max(1, min(4, os.cpu_count() or 1)))')
pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m "not slow" -n $(PYTEST_WORKERS) --dist loadgroup

test: lint typecheck contracts pytest

# The long harnesses (marked slow): kill -9 at random moments, 500 rounds by default
# (MSP_KILL_ROUNDS=N for more). One process: they time their own kills.
test-slow: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -m slow

# Each benchmark writes its own JSON in bench-results/ (app.json: the real app, offscreen Qt).
bench: $(STAMP)
	$(BIN)/python -m tests.bench.bench_store --out bench-results
	$(BIN)/python -m tests.bench.bench_app --out bench-results
	$(BIN)/python -m tests.bench.bench_documents --out bench-results
	$(BIN)/python -m tests.bench.bench_bundles --out bench-results
	$(BIN)/python -m tests.bench.bench_sync --out bench-results
	$(BIN)/python -m tests.bench.bench_packs --out bench-results

# Extracts the messages into build/locale/msp.pot, updates the Welsh catalogue
# (resources/locale/cy/LC_MESSAGES/msp.po) and the table in docs/translation-review.md,
# and lists what has no Welsh yet. The app reads the .po itself: nothing to compile.
translations: $(STAMP)
	$(BIN)/python -m tests.i18n.update

# The office side installed as an office server would, without Qt: a fresh virtual
# environment, pip install '.[office]', then msp-office checked (packaging/office).
office-install-test:
	PYTHON=$(PYTHON) bash packaging/office/check_install.sh

# docs/office-walkthrough.md run as written: from an empty Debian server (packages,
# accounts, PostgreSQL, the systemd unit, nginx) to a receipt on a laptop, then backup,
# an outage, alerts and two recovered laptops. Root on a throwaway machine only: it
# refuses unless CI=true or MSP_WALKTHROUGH_THROWAWAY=1 (packaging/office/walkthrough.py).
office-walkthrough:
	$(PYTHON) packaging/office/walkthrough.py

# The frozen one-folder build in dist/msp-desktop/ (smoke-tested) and, on Debian or
# Ubuntu, dist/msp-desktop_<version>_amd64.deb. Builds in its own .venv-build.
package:
	$(PYTHON) packaging/build.py

# Installs the .deb on this machine, starts it under Xvfb, removes it (root; for CI).
install-test:
	bash packaging/linux/test_install.sh

# The Windows build proven on Linux under Wine (root, as in CI; installs Debian's wine):
# Windows Python runs the smoke test from source, PyInstaller builds the Windows app, the
# Inno Setup installer is compiled, installed, smoke-tested and uninstalled, and the
# Windows test subset runs. packaging/windows/README.md says what this proves and what
# still needs a real Windows machine. Works in build/windows-check/.
windows-check: $(STAMP)
	LINUX_PY=$(BIN)/python bash packaging/windows/wine-check.sh

clean:
	rm -rf $(VENV) .venv-build .mypy_cache .ruff_cache .pytest_cache bench-results build dist
