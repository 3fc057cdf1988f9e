"""S2: the app and ``msp`` write no crash dump: their memory holds the key while unlocked.

Each entry point runs in a fresh Python process, as the console script would, and the
process reads back its own core size limit and dumpable flag afterwards.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"),
    reason="reads Linux's prctl and core limit; Windows excludes the program from Error "
    "Reporting instead, which writes to the user's registry",
)

READ_BACK = """
import ctypes, resource, sys
{call}
libc = ctypes.CDLL(None)
print(libc.prctl(3, 0, 0, 0, 0), *resource.getrlimit(resource.RLIMIT_CORE))
"""


def _after(call: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", READ_BACK.format(call=call)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.split()[-3:]


def test_a_fresh_process_may_dump_before() -> None:
    # The check below can fail: a plain Python process is dumpable (1) here.
    dumpable = _after("pass")[0]
    assert dumpable == "1"


def test_msp_turns_off_its_crash_dumps_first_thing() -> None:
    call = (
        "from msp_desktop.cli.main import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert _after(call) == ["0", "0", "0"]  # not dumpable, core size 0 (soft and hard)


def test_the_app_turns_off_its_crash_dumps_first_thing() -> None:
    call = "from ui.app import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert _after(call) == ["0", "0", "0"]


def test_it_says_what_it_did() -> None:
    call = "from msp_desktop.crash_dumps import no_crash_dumps\nprint(no_crash_dumps())"
    result = subprocess.run(
        [sys.executable, "-c", call], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "['core dump size 0', 'not dumpable']"
