"""The suite's one allowance for Wine: a child process Wine failed to make is started again."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.platforms import WINE_SPAWN_FAILURE, WINE_SPAWN_TRIES, under_wine

pytestmark = pytest.mark.skipif(
    not under_wine(), reason="the retry exists only under Wine; elsewhere Popen is untouched"
)


def failing_create_process(monkeypatch: pytest.MonkeyPatch, failures: int, code: int) -> list[int]:
    import _winapi  # type: ignore[import-not-found]

    real = _winapi.CreateProcess
    calls: list[int] = []

    def create(*args: object) -> object:
        calls.append(1)
        if len(calls) <= failures:
            raise OSError(None, "Internal error", None, code)
        return real(*args)

    monkeypatch.setattr(subprocess._winapi, "CreateProcess", create)  # type: ignore[attr-defined]
    return calls


def test_a_start_wine_failed_is_made_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = failing_create_process(monkeypatch, WINE_SPAWN_TRIES - 1, WINE_SPAWN_FAILURE)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdin.read().upper())"],
        input="made once", capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "MADE ONCE"
    assert len(calls) == WINE_SPAWN_TRIES


def test_wine_failing_every_time_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = failing_create_process(monkeypatch, WINE_SPAWN_TRIES, WINE_SPAWN_FAILURE)
    with pytest.raises(OSError, match="Internal error") as failed:
        subprocess.run([sys.executable, "-c", "pass"], timeout=60, check=False)
    assert failed.value.winerror == WINE_SPAWN_FAILURE
    assert len(calls) == WINE_SPAWN_TRIES


def test_any_other_failure_is_raised_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = failing_create_process(monkeypatch, 1, 2)  # ERROR_FILE_NOT_FOUND
    with pytest.raises(FileNotFoundError):
        subprocess.run([sys.executable, "-c", "pass"], timeout=60, check=False)
    assert len(calls) == 1
