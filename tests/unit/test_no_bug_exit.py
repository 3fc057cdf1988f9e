"""No input makes ``msp`` or ``msp-office`` report a bug (issue 15, item 9).

For every one-shot command of both command lines (read from the real parsers), Hypothesis
feeds generated junk to its arguments and file inputs (tests/unit/cli_junk.py) and runs
the real command in this process, against a real workspace with a fictional caseload
and a real office. Whatever the junk, the command must end with a code from the one
table other than 70 (``ExitCode.BUG``): a sentence, not a traceback. The suite's own
guard (tests/conftest.py) also fails the test if anything was logged as an error.

The examples are derandomised, so that ``make test`` is the same run every time. To
explore further, set ``MSP_FUZZ_EXAMPLES`` (say 500): that many random examples each.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from msp_desktop.cli.main import build_parser as msp_parser
from msp_desktop.cli.main import main as msp_main
from msp_desktop.demo import fill_demo_caseload
from msp_desktop.exit_codes import ExitCode
from msp_desktop.office.cli.main import build_parser as office_parser
from msp_desktop.office.cli.main import main as office_main
from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE
from tests.unit.cli_junk import Command, JunkFiles, commands_of, junk_argv

_EXPLORE = int(os.environ.get("MSP_FUZZ_EXAMPLES", "0"))
JUNK = settings(
    max_examples=_EXPLORE or 15,
    deadline=None,
    derandomize=not _EXPLORE,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KNOWN_CODES = {int(code) for code in ExitCode}


def _run(main: Callable[[Sequence[str]], int], argv: list[str]) -> tuple[int, str]:
    """The exit code of ``main(argv)`` and what it printed to stderr, with no terminal
    to prompt on (stdin is empty, as for a script)."""
    err = io.StringIO()
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(err),
        _stdin_empty(),
    ):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's own refusal (exit 2), --help (0)
            code = stop.code if isinstance(stop.code, int) else 2
    return code, err.getvalue()


@contextlib.contextmanager
def _stdin_empty() -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        yield
    finally:
        sys.stdin = saved


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> JunkFiles:
    """A workspace with the demo caseload, an office, and the junk files; every command
    finds them through its usual variables. The commands run in a scratch folder, so a
    junk relative path (``--dir=0``) is made there, never in the repository."""
    monkeypatch.chdir(tmp_path)
    workspace = tmp_path / "workspace"
    with Workspace.create(workspace, PASSPHRASE, "Junk Tester") as ws:
        fill_demo_caseload(ws, people=4)
    monkeypatch.setenv("MSP_WORKSPACE", str(workspace))
    monkeypatch.setenv("MSP_PASSPHRASE", PASSPHRASE)
    office = tmp_path / "office"
    code, err = _run(office_main, ["init", "--dir", str(office), "--office-id", "junk-office",
                                   "--name", "Junk Office"])  # fmt: skip
    assert code == 0, err
    monkeypatch.setenv("MSP_OFFICE_DIR", str(office))
    return JunkFiles(tmp_path / "junk")


def _check(main: Callable[[Sequence[str]], int], argv: list[str]) -> None:
    code, err = _run(main, argv)
    assert code != ExitCode.BUG, f"{argv!r} was reported as a bug: {err}"
    assert code in KNOWN_CODES, f"{argv!r} exited {code}, which is not in the table"


@pytest.mark.parametrize("command", commands_of(msp_parser()), ids=str)
@JUNK
@given(data=st.data())
def test_msp_never_calls_junk_a_bug(
    places: JunkFiles, command: Command, data: st.DataObject
) -> None:
    _check(msp_main, data.draw(junk_argv(command, places), label="argv"))


@pytest.mark.parametrize("command", commands_of(office_parser()), ids=str)
@JUNK
@given(data=st.data())
def test_msp_office_never_calls_junk_a_bug(
    places: JunkFiles, command: Command, data: st.DataObject
) -> None:
    _check(office_main, data.draw(junk_argv(command, places), label="argv"))


def test_every_command_is_fuzzed() -> None:
    """The parsers give the commands; a new one is fuzzed without being listed here."""
    words = {str(c) for c in commands_of(msp_parser())}
    assert {"people add", "backup", "restore", "guide check", "office-keys import"} <= words
    office = {str(c) for c in commands_of(office_parser())}
    assert {"import", "verify", "devices add", "backup verify"} <= office
    assert "serve" not in office  # a service, fuzzed by its own tests
