"""``msp-desktop`` (ui/launcher.py): one sentence without Qt, the app with it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ui.launcher import EXIT_NO_QT, NO_QT

ROOT = Path(__file__).resolve().parents[2]


def _launch(*prelude: str, args: str = "[]") -> subprocess.CompletedProcess[str]:
    """``ui.launcher.main`` in a fresh Python, after ``prelude`` statements."""
    code = "; ".join([*prelude, "import sys", "from ui.launcher import main",
                      f"sys.exit(main({args}))"])  # fmt: skip
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_without_qt_it_says_in_one_sentence_how_to_install_the_desktop_app() -> None:
    # PySide6 made unimportable, as in an environment with msp-desktop[office] only.
    done = _launch("import sys", "sys.modules['PySide6'] = None")
    assert done.returncode == EXIT_NO_QT
    assert done.stderr == NO_QT + "\n"
    assert "pip install 'msp-desktop[desktop]'" in done.stderr
    assert done.stdout == ""


def test_with_qt_it_runs_the_desktop_app() -> None:
    done = _launch(args="['--help']")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: msp-desktop")
    assert "--smoke" in done.stdout
