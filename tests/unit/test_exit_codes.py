"""One table of exit codes: every known error takes its number from it, no two meanings
share a number, and the README's table says exactly what the code says."""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from pathlib import Path

import msp_desktop
from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode

README = Path(__file__).resolve().parents[2] / "README.md"
# Modules that import only on Windows, like the standard library's winreg (advapi32).
WINDOWS_ONLY = {"msp_desktop.windows_acl"}


def _all_known_errors() -> list[type[KnownError]]:
    for module in pkgutil.walk_packages(msp_desktop.__path__, "msp_desktop."):
        if module.name not in WINDOWS_ONLY or sys.platform == "win32":
            importlib.import_module(module.name)
    found: list[type[KnownError]] = []
    pending: list[type[KnownError]] = [KnownError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_no_two_meanings_share_a_number() -> None:
    # An IntEnum quietly turns a repeated value into an alias of the first name.
    assert len(ExitCode.__members__) == len(list(ExitCode))


def test_every_known_error_exits_with_a_code_from_the_table() -> None:
    errors = _all_known_errors()
    assert len(errors) > 20  # the walk found the errors of every package
    for cls in errors:
        assert cls.exit_code in {int(code) for code in ExitCode}, cls
        assert isinstance(cls.exit_code, ExitCode), f"{cls.__qualname__} uses a bare number"


def test_the_readme_table_is_the_code_table() -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Exit codes") :]
    section = section[: section.index("\n## ")]
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|$", section, flags=re.MULTILINE)
    assert [int(number) for number, _meaning in rows] == [int(code) for code in ExitCode]
