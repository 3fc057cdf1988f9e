"""``make package``: build the frozen app, smoke-test it, and (on Linux) make the .deb.

Steps, each stopping the build with one clear line if it fails:

1. a build environment ``.venv-build`` from ``packaging/requirements-build.txt``,
   installed with ``--require-hashes`` (every file checked against its pinned hash);
2. the icons (PNG from ``resources/icons/app.svg``; ``.ico`` on Windows);
3. PyInstaller with ``packaging/msp-desktop.spec`` into ``dist/msp-desktop/`` (onedir);
4. ``dist/msp-desktop/msp-desktop --smoke`` and ``msp --version`` on what was built;
5. the size against the 200 MB budget;
6. on Linux, ``dist/msp-desktop_<version>_amd64.deb`` (``packaging/linux/make_deb.py``).

Run with Python 3.11 (the version the pinned wheels are for); the build itself runs
inside ``.venv-build``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_VENV = ROOT / ".venv-build"
REQUIREMENTS = ROOT / "packaging" / "requirements-build.txt"
DIST = ROOT / "dist"
APP = DIST / "msp-desktop"
WORK = ROOT / "build"
BUDGET_MB = 200
WINDOWS = os.name == "nt"


def say(text: str) -> None:
    print(f"package: {text}", flush=True)


def fail(text: str) -> None:
    print(f"package: FAILED: {text}", file=sys.stderr, flush=True)
    sys.exit(1)


def venv_python() -> Path:
    return BUILD_VENV / ("Scripts/python.exe" if WINDOWS else "bin/python")


def run(command: list[str | Path], env: dict[str, str] | None = None) -> None:
    """Run a step; a non-zero exit stops the build, naming the step."""
    result = subprocess.run([str(c) for c in command], check=False, env=env)
    if result.returncode != 0:
        step = " ".join(str(c) for c in command[:3])
        fail(f"{step} … exited {result.returncode}")


def build_environment() -> None:
    """Create or refresh .venv-build when the pinned requirements changed."""
    stamp = BUILD_VENV / ".requirements-sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted and venv_python().exists():
        say("build environment is up to date")
        return
    say("making the build environment (hash-pinned requirements)")
    shutil.rmtree(BUILD_VENV, ignore_errors=True)
    venv.create(BUILD_VENV, with_pip=True)
    run(
        [
            venv_python(),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--require-hashes",
            "--no-deps",
            "-r",
            REQUIREMENTS,
        ]
    )
    stamp.write_text(wanted + "\n")


def make_icons() -> Path:
    """Render the app icon for the desktop entry (and the .ico on Windows)."""
    icons = WORK / "icons"
    icons.mkdir(parents=True, exist_ok=True)
    script = ROOT / "packaging" / "render_icons.py"
    run(
        [venv_python(), script, ROOT / "resources" / "icons" / "app.svg", icons],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return icons


def freeze(icons: Path) -> None:
    say("freezing with PyInstaller (onedir)")
    shutil.rmtree(APP, ignore_errors=True)
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # a reproducible module archive
    if WINDOWS:
        env["MSP_ICON"] = str(icons / "msp-desktop.ico")
    run(
        [
            venv_python(),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            DIST,
            "--workpath",
            WORK / "pyinstaller",
            ROOT / "packaging" / "msp-desktop.spec",
        ],
        env=env,
    )


def smoke() -> None:
    """The frozen program must really start: workspace, window, PDF, bundle."""
    suffix = ".exe" if WINDOWS else ""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    say(f"smoke test of the frozen app (QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']})")
    run([APP / f"msp-desktop{suffix}", "--smoke"], env=env)
    run([APP / f"msp{suffix}", "--version"], env=env)


def folder_size(folder: Path) -> int:
    """Bytes of every file under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def check_size() -> None:
    size_mb = folder_size(APP) / 1_000_000
    say(f"dist/msp-desktop is {size_mb:.0f} MB (budget {BUDGET_MB} MB)")
    if size_mb > BUDGET_MB:
        fail(f"the build is {size_mb:.0f} MB, over the {BUDGET_MB} MB budget")


def main() -> int:
    started = time.monotonic()
    build_environment()
    icons = make_icons()
    freeze(icons)
    smoke()
    check_size()
    if sys.platform.startswith("linux"):
        run([venv_python(), ROOT / "packaging" / "linux" / "make_deb.py", APP, icons, DIST])
    say(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
