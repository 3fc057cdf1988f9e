"""Every window and every control is on the screen at every text size the app offers.

WCAG 2.2 1.4.4 (resize text), 1.4.10 (reflow), 2.4.11 (focus not obscured) and 2.5.8
(target size), on the small laptop screens workers have: 1,366 × 768 and 1,280 × 720.
The offscreen platform's screen size is fixed when Qt starts, so each screen runs the
cases in ``tests/ui/fits_screen_cases.py`` in a fresh pytest with the platform given a
configuration file saying the size (Qt's ``offscreen:configfile=``). Those cases open the
main window (caseload, a person's record, a visit step, the sync page), every dialog and
the print preview at 100, 150 and 200 % text, and in high contrast at 150 and 200 %, and
list whatever is off the screen's available area, too small to aim at, or a caseload
cell cut short.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CASES = Path(__file__).with_name("fits_screen_cases.py")
ROOT = Path(__file__).resolve().parents[2]
SCREENS = ((1366, 768), (1280, 720))


@pytest.mark.xdist_group("load")  # a whole app per screen: not beside another heavy test
@pytest.mark.interactive_desktop(
    "the screen size reaches the child only through QT_QPA_PLATFORM's offscreen options, "
    "and Wine drops every QT_* variable; real Windows and the Linux run measure it"
)
@pytest.mark.parametrize(("width", "height"), SCREENS, ids=["1366x768", "1280x720"])
def test_every_window_fits_the_screen(tmp_path: Path, width: int, height: int) -> None:
    config = tmp_path / "screen.json"
    screen = {"name": "Laptop", "x": 0, "y": 0, "width": width, "height": height}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    env["MSP_FIT_SCREEN"] = f"{width}x{height}"
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", str(CASES), "-q", "--basetemp", tmp_path / "cases"),
            *("-p", "no:randomly", "-p", "no:xdist", "-p", "no:cacheprovider"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-12_000:] + run.stderr[-4_000:]
    assert "10 passed" in run.stdout, run.stdout[-4_000:]
