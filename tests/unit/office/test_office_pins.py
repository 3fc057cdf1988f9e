"""The office's pinned dependencies (packaging/requirements-office.in and .txt) match what
pyproject.toml asks for, and every pin carries its hashes.

``make office-install-test`` installs them with ``--require-hashes`` in a fresh
environment and runs ``pip check``; this checks, without a network, that the files
were not left behind when pyproject changed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
IN_FILE = ROOT / "packaging" / "requirements-office.in"
TXT_FILE = ROOT / "packaging" / "requirements-office.txt"


def _asked() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    asked = [*project["dependencies"], *project["optional-dependencies"]["office"]]
    return {canonicalize_name(r.name): r for r in map(Requirement, asked)}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text("utf-8").splitlines():
        found = re.match(r"^([A-Za-z0-9_.\[\]-]+)==([^ \\]+)", line)
        if found:
            pins[canonicalize_name(Requirement(found[1]).name)] = found[2]
    return pins


def test_the_pins_name_exactly_what_pyproject_asks_within_its_ranges() -> None:
    asked = _asked()
    pinned = _pins(IN_FILE)
    assert set(pinned) == set(asked)
    for name, version in pinned.items():
        assert asked[name].specifier.contains(version), (name, version, str(asked[name]))
    # An office on Windows needs the time zones of its calendar (Europe/London) from
    # PyPI: Windows has no tz database for zoneinfo to find.
    assert str(asked["tzdata"].marker) == 'sys_platform == "win32"'
    for path in (IN_FILE, TXT_FILE):  # pinned for Windows only, there too
        line = next(x for x in path.read_text("utf-8").splitlines() if x.startswith("tzdata=="))
        assert str(Requirement(line.rstrip(" \\")).marker) == str(asked["tzdata"].marker)


def test_the_lock_file_pins_the_same_versions_each_with_hashes() -> None:
    locked = _pins(TXT_FILE)
    for name, version in _pins(IN_FILE).items():
        assert locked.get(name) == version, name
    assert "psycopg-binary" in locked  # the extra psycopg[binary] is resolved too
    blocks = re.split(r"\n(?=[A-Za-z0-9])", TXT_FILE.read_text("utf-8").split("\n\n", 1)[-1])
    packages = [b for b in blocks if re.match(r"^[A-Za-z0-9_.-]+==", b)]
    assert len(packages) == len(locked)
    for block in packages:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", block), block.splitlines()[0]
