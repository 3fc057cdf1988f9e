"""Shared test fixtures: isolated folders and logs, the test-only Argon2id cost, and a
real workspace; and every test fails on an error it logged without declaring it."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from msp_desktop.store import Workspace, keyslots
from tests.platforms import apply_platform_markers, retry_wine_spawn_failures

PASSPHRASE = "correct horse battery staple"

# msp-office refuses to run as root unless allowed (the office's one admin model), and
# CI runs as root: every msp-office this suite runs, in this process or a child, is
# allowed to. Tests of the refusal itself take the variable away.
os.environ["MSP_OFFICE_ALLOW_ROOT"] = "1"
# Alerts go to syslog at /dev/log when it exists: never the real one from a test. Tests
# of syslog delivery point this variable at a socket of their own.
os.environ["MSP_OFFICE_SYSLOG"] = "off"
retry_wine_spawn_failures()

# Argon2id at 64 MiB and 3 passes takes some 0.15 s (more on a busy machine) for every
# workspace made, opened or re-keyed: about 40 % of the unit and UI tests' time. In
# this process the suite seals and accepts slots at a token cost instead. Only this
# in-process patch sets it; the app reads no file or variable that could, and another
# process (``msp``, ``msp-office``, a test's child) always has the shipped cost and
# refuses such a slot.
TEST_KDF_COST = {
    "ARGON2_MEMORY_KIB": 8,
    "ARGON2_ITERATIONS": 1,
    "ARGON2_LANES": 1,
    "ARGON2_MIN_MEMORY_KIB": 8,
    "ARGON2_MIN_ITERATIONS": 1,
}
SHIPPED_KDF_COST = {name: getattr(keyslots, name) for name in TEST_KDF_COST}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``posix_only``, ``interactive_desktop`` and ``windows_bug`` skip or xfail where they
    must, with their reason (tests/platforms.py); a marker without a reason is an error."""
    for item in items:
        apply_platform_markers(item)


@pytest.fixture(scope="session", autouse=True)
def token_kdf_cost() -> Iterator[None]:
    """Every test seals and opens passphrase slots at the token ``TEST_KDF_COST``."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in TEST_KDF_COST.items():
            patch.setattr(keyslots, name, value)
        yield


@pytest.fixture
def real_kdf_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped Argon2id cost for one test (``usefixtures("real_kdf_cost")``).

    For the tests of S4's cost itself, and for every test whose workspace (or backup)
    another process opens: the real ``msp`` program or a child cannot open a workspace
    sealed at the test cost, by design. Such a test makes its workspace after this.
    """
    for name, value in SHIPPED_KDF_COST.items():
        monkeypatch.setattr(keyslots, name, value)


@pytest.fixture(autouse=True)
def isolated_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real workspace, log or settings of this machine."""
    base = tmp_path_factory.mktemp("isolated")
    monkeypatch.setenv("MSP_WORKSPACE", str(base / "default-workspace"))
    monkeypatch.setenv("MSP_LOG_DIR", str(base / "logs"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("MSP_CONFIG_DIR", str(base / "config"))
    monkeypatch.delenv("MSP_PASSPHRASE", raising=False)
    monkeypatch.delenv("MSP_NEW_PASSPHRASE", raising=False)


@dataclass
class LoggedErrors:
    """Records at ERROR or above logged during one test, and the ones it expects."""

    records: list[logging.LogRecord] = field(default_factory=list)
    expected: list[tuple[str, str]] = field(default_factory=list)
    settled: bool = False  # the test's outcome already says what went wrong, or all is well
    ran: bool = False  # its body ran (not skipped in set-up, as a PostgreSQL test on Windows)

    def allows(self, record: logging.LogRecord, logger: str, text: str) -> bool:
        """Whether ``record`` is one the test expects from ``logger``, holding ``text``."""
        from_logger = record.name == logger or record.name.startswith(logger + ".")
        return from_logger and text in record.getMessage()

    def problems(self) -> list[str]:
        """Unexpected records, and expectations no record met; empty when all is well."""
        found = [
            f"unexpected {r.levelname} from {r.name}: {r.getMessage()}"
            for r in self.records
            if not any(self.allows(r, logger, text) for logger, text in self.expected)
        ]
        found += [
            f"expected an error from {logger} holding {text!r}; none was logged"
            for logger, text in self.expected
            if self.ran and not any(self.allows(r, logger, text) for r in self.records)
        ]
        return found


LOGGED_ERRORS = pytest.StashKey[LoggedErrors]()


@pytest.fixture(autouse=True)
def fail_on_logged_error(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LoggedErrors]:
    """A test fails if it logged an error it did not declare with ``expect_logged_error``.

    Every record passes through ``Logger.handle`` once, so this sees records of loggers
    that do not propagate to the root (the app's ``msp`` log once configured, the office
    service's log) as well as records from other threads, which ``caplog`` would miss.
    """
    seen = LoggedErrors()
    handle = logging.Logger.handle

    def noting(self: logging.Logger, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR and not self.disabled:
            seen.records.append(record)
        handle(self, record)

    monkeypatch.setattr(logging.Logger, "handle", noting)
    request.node.stash[LOGGED_ERRORS] = seen
    yield seen
    # Errors logged while the test's fixtures were torn down (a worker thread stopping).
    if not seen.settled and (problems := seen.problems()):
        pytest.fail("Logged errors: " + "; ".join(problems), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail the test itself (not its teardown) when its body logged an undeclared error."""
    seen = item.stash.get(LOGGED_ERRORS, None)
    if seen is not None:
        seen.ran = True
    try:
        result = yield
    except BaseException:
        if seen is not None:
            seen.settled = True  # failed or skipped already; an expected error may not come
        raise
    if seen is not None and (problems := seen.problems()):
        seen.settled = True
        pytest.fail("Logged errors: " + "; ".join(problems), pytrace=False)
    return result


@pytest.fixture
def expect_logged_error(fail_on_logged_error: LoggedErrors) -> Callable[..., None]:
    """Declare an error this test means to log: ``expect_logged_error("msp.cli", "text")``.

    Records at ERROR or above from that logger (or its children) whose message holds
    the text are then allowed, and the test fails if none was logged.
    """

    def expect(logger: str, text: str = "") -> None:
        fail_on_logged_error.expected.append((logger, text))

    return expect


@pytest.fixture(autouse=True)
def isolated_logging() -> Iterator[None]:
    """A test that configures the app's log (an in-process ``msp`` run) leaves none behind."""
    logger = logging.getLogger("msp")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    for handler in logger.handlers:
        if handler not in saved[0]:
            handler.close()
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.fixture
def workspace_dir(tmp_path: Path) -> Path:
    """A folder for a workspace that does not exist yet."""
    return tmp_path / "workspace"


@pytest.fixture
def workspace(workspace_dir: Path) -> Iterator[Workspace]:
    """A fresh, real, encrypted workspace, closed after the test."""
    ws = Workspace.create(workspace_dir, PASSPHRASE, "Test Worker")
    yield ws
    ws.close()


def snapshot(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (relative path -> hash)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
