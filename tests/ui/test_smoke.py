"""``msp-desktop --smoke``: the check CI runs on the frozen build.

The whole run is tested as CI runs it, in a subprocess, with every per-user folder
pointed into ``tmp_path`` so the test also proves nothing outside the run's own
temporary folder is written. Failures are real ones: a module missing from the
build (shadowed on ``PYTHONPATH``), a step that never gets its answer, no display.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ui import app, smoke

REPO = Path(__file__).resolve().parents[2]
STEP_NAMES = ("platform", "workspace", "records", "window", "pdf", "bundle", "close")
# Variables that would lead the run to a real display, workspace, log or settings.
CLEARED = ("DISPLAY", "WAYLAND_DISPLAY", "PYTHONPATH", *smoke.REDIRECTED)


def _folders(tmp_path: Path) -> dict[str, Path]:
    folders = {
        "HOME": tmp_path / "home",
        "XDG_CONFIG_HOME": tmp_path / "xdg-config",
        "XDG_DATA_HOME": tmp_path / "xdg-data",
        "XDG_CACHE_HOME": tmp_path / "xdg-cache",
        "XDG_STATE_HOME": tmp_path / "xdg-state",
        "XDG_RUNTIME_DIR": tmp_path / "xdg-runtime",
        "TMPDIR": tmp_path / "tmp",
        "TEMP": tmp_path / "tmp",
        "TMP": tmp_path / "tmp",
        "APPDATA": tmp_path / "appdata",
        "LOCALAPPDATA": tmp_path / "localappdata",
        "USERPROFILE": tmp_path / "home",
    }
    for folder in folders.values():
        folder.mkdir(mode=0o700, exist_ok=True)
    return folders


def _run_smoke(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update({name: str(folder) for name, folder in _folders(tmp_path).items()})
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return subprocess.run(
        [sys.executable, "-m", "ui.app", "--smoke"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _written(tmp_path: Path) -> list[str]:
    """Everything left in the fake per-user folders after a run."""
    return sorted(
        str(path.relative_to(tmp_path))
        for folder in set(_folders(tmp_path).values())
        for path in folder.rglob("*")
    )


def test_smoke_passes_every_step_and_leaves_nothing_behind(tmp_path: Path) -> None:
    result = _run_smoke(tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines] == list(STEP_NAMES)
    for line, name in zip(lines, STEP_NAMES, strict=True):
        assert line.startswith(f"smoke: {name} ok (")
        assert line.endswith(")")
    assert "FAILED" not in result.stderr
    assert _written(tmp_path) == []  # no settings, log, cache or leftover temporary folder


def test_a_module_missing_from_the_build_fails_at_its_step(tmp_path: Path) -> None:
    fakes = tmp_path / "fakes"
    fakes.mkdir()
    (fakes / "pyrage.py").write_text(
        'raise ImportError("pyrage was left out of the build")\n', encoding="utf-8"
    )
    result = _run_smoke(tmp_path, PYTHONPATH=str(fakes))
    assert result.returncode == 1
    [line] = result.stdout.splitlines()  # the platform step, then nothing
    assert line.startswith("smoke: platform ok (")
    assert result.stderr.splitlines()[-1] == (
        "smoke: FAILED at workspace: ImportError: pyrage was left out of the build"
    )
    assert _written(tmp_path) == []


def _never_answered(run: smoke.Smoke) -> str:
    run.wait(lambda: False, "an answer that never comes")
    return "unreachable"


def test_a_step_that_hangs_fails_at_the_time_limit(
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for name in smoke.REDIRECTED:
        monkeypatch.setenv(name, f"/nonexistent/{name}")
    steps = (*smoke.STEPS[:2], ("hang", _never_answered))
    assert smoke.run_smoke(steps, time_limit=3.0) == 1
    out, err = capsys.readouterr()
    assert [line.split()[1] for line in out.splitlines()] == ["platform", "workspace"]
    assert err.splitlines()[-1] == (
        "smoke: FAILED at hang: TimeoutError: gave up waiting for an answer that never comes"
    )
    assert list(tmp_path.iterdir()) == []  # the workspace left open was closed and deleted
    assert {name: os.environ[name] for name in smoke.REDIRECTED} == {
        name: f"/nonexistent/{name}" for name in smoke.REDIRECTED
    }


def test_smoke_without_a_display_exits_16_with_the_platform_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert app.main(["--smoke"]) == 16
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("msp-desktop: no display found;")
    assert err.count("\n") == 1


def test_help_names_the_smoke_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        app.main(["--help"])
    assert exit_info.value.code == 0
    assert "--smoke" in capsys.readouterr().out
