"""No crash dump of this process: its memory holds the workspace's key while unlocked.

A core dump (Linux, macOS) or a Windows Error Reporting dump writes the whole process
memory to disk, and with it the database key and whatever records were on screen, in
the clear, somewhere no one thinks of clearing. The desktop app and ``msp`` turn them
off for themselves first thing (docs/security.md, S2):

- Linux and macOS: the core size limit is set to 0 (soft and hard, so nothing in the
  process can raise it again);
- Linux: the process is also made not dumpable (``prctl(PR_SET_DUMPABLE, 0)``), which
  also stops other processes of the same user from attaching a debugger to read it;
- Windows: the program is excluded from Windows Error Reporting for this user
  (``WerAddExcludedApplication``), so a crash writes no report with memory in it.
"""

from __future__ import annotations

import ctypes
import logging
import sys

__all__ = ["no_crash_dumps"]

log = logging.getLogger("msp.security")

_PR_SET_DUMPABLE = 4  # linux/prctl.h


def _no_core_file() -> bool:
    if sys.platform == "win32":
        return False
    import resource  # POSIX only

    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        return False
    return True


def _not_dumpable() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    return int(libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)) == 0


def _no_error_report() -> bool:
    if sys.platform != "win32":
        return False
    wer = ctypes.WinDLL("wer.dll")
    excluded = wer.WerAddExcludedApplication(ctypes.c_wchar_p(sys.executable), False)
    return int(excluded) == 0  # S_OK


def no_crash_dumps() -> list[str]:
    """Turn off this process's crash dumps; the measures taken, in words (for logs and
    the smoke test). A measure the system refuses is logged and the rest still apply."""
    taken: list[str] = []
    checks = []
    if sys.platform == "win32":
        checks.append(("excluded from Windows Error Reporting", _no_error_report))
    else:
        checks.append(("core dump size 0", _no_core_file))
        if sys.platform.startswith("linux"):
            checks.append(("not dumpable", _not_dumpable))
    for words, measure in checks:
        try:
            done = measure()
        # ImportError, TypeError: a measure of another system (``resource`` and
        # ``CDLL(None)`` do not exist on Windows), should the platform be misreported.
        except (OSError, AttributeError, ImportError, TypeError) as exc:
            log.warning("could not turn off crash dumps (%s): %s", words, exc)
            continue
        if done:
            taken.append(words)
        else:
            log.warning("could not turn off crash dumps (%s)", words)
    return taken
