"""The suite's own guards (tests/conftest.py): errors logged during a test are seen,
undeclared ones and expected ones that never came are problems."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from tests.conftest import LoggedErrors


def _record(name: str, level: int, text: str) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, text, None, None)


def test_an_undeclared_error_is_a_problem_and_a_warning_is_not() -> None:
    seen = LoggedErrors(records=[_record("msp.cli", logging.ERROR, "unexpected error")])
    assert seen.problems() == ["unexpected ERROR from msp.cli: unexpected error"]
    assert LoggedErrors().problems() == []


def test_a_declared_error_is_allowed_only_from_that_logger_and_with_that_text() -> None:
    seen = LoggedErrors(
        records=[
            _record("msp.cli", logging.ERROR, "unexpected error"),
            _record("msp.cli.sub", logging.CRITICAL, "unexpected error, again"),
            _record("msp.clinic", logging.ERROR, "unexpected error"),
            _record("msp.cli", logging.ERROR, "something else"),
        ],
        expected=[("msp.cli", "unexpected error")],
    )
    assert seen.problems() == [
        "unexpected ERROR from msp.clinic: unexpected error",
        "unexpected ERROR from msp.cli: something else",
    ]


def test_an_expected_error_that_never_came_is_a_problem() -> None:
    seen = LoggedErrors(expected=[("msp.ui", "Unexpected error")], ran=True)
    assert seen.problems() == [
        "expected an error from msp.ui holding 'Unexpected error'; none was logged"
    ]


def test_a_test_skipped_in_set_up_owes_no_expected_error() -> None:
    # A PostgreSQL test skipped on Windows never ran, so its declared error cannot come.
    assert LoggedErrors(expected=[("msp.ui", "Unexpected error")]).problems() == []


def test_errors_are_seen_on_loggers_that_do_not_propagate_and_from_other_threads(
    fail_on_logged_error: LoggedErrors, expect_logged_error: Callable[..., None]
) -> None:
    # The app's own log stops propagating once configured, so caplog alone misses it.
    logger = logging.getLogger("msp.suite-guard")
    logger.propagate = False
    try:
        logger.warning("only a warning")
        logger.error("in the test's thread")
        thread = threading.Thread(target=lambda: logger.critical("in another thread"))
        thread.start()
        thread.join()
    finally:
        logger.propagate = True
    assert [r.getMessage() for r in fail_on_logged_error.records] == [
        "in the test's thread",
        "in another thread",
    ]
    expect_logged_error("msp.suite-guard", "thread")
