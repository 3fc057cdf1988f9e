"""Where the passphrase comes from: ``MSP_PASSPHRASE``, ``--passphrase-file`` or a prompt.

The prompt never echoes. A passphrase file must be readable only by its owner,
because anyone who can read it can open the workspace (mode bits on POSIX, the DACL
on Windows: ``msp_desktop.owner_only``).
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from msp_desktop.errors import InvalidInput
from msp_desktop.input_files import read_input_text
from msp_desktop.owner_only import how_to_make_private, readable_by_others

# A passphrase is a line of text; a file far longer is the wrong file, not read whole.
MAX_PASSPHRASE_FILE = 64 * 1024


def _from_file(path: Path) -> str:
    text = read_input_text(path, "a passphrase file", MAX_PASSPHRASE_FILE)
    try:
        shared = readable_by_others(path)
    except OSError as exc:
        raise InvalidInput(f"Cannot read the passphrase file {path}: {exc.strerror}.") from exc
    if shared:
        raise InvalidInput(
            f"The passphrase file {path} can be read by other users; "
            f"make it private first ({how_to_make_private(path)})."
        )
    return text.rstrip("\r\n")


def _interactive() -> bool:
    """True when a person can be asked: stdin is a terminal (on Windows, a console).

    On Windows ``isatty`` is true for the NUL device too (``stdin=DEVNULL``), and
    ``getpass`` reads the console, not stdin, so it would wait for keys that never come.
    """
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():  # None: started without any stdin (pythonw)
        return False
    if sys.platform == "win32":
        import ctypes
        import msvcrt
        from ctypes import wintypes

        mode = wintypes.DWORD()
        handle = wintypes.HANDLE(msvcrt.get_osfhandle(stdin.fileno()))
        return bool(ctypes.windll.kernel32.GetConsoleMode(handle, ctypes.byref(mode)))
    return True


def _prompt(label: str) -> str:
    if not _interactive():
        raise InvalidInput(
            "No passphrase given: set MSP_PASSPHRASE, use --passphrase-file, "
            "or run the command in a terminal to be asked."
        )
    return getpass.getpass(f"{label}: ")


def current_passphrase(passphrase_file: Path | None, *, prompt: str = "Passphrase") -> str:
    """The passphrase for an existing workspace."""
    if passphrase_file is not None:
        return _from_file(passphrase_file)
    env = os.environ.get("MSP_PASSPHRASE")
    if env is not None:
        return env
    return _prompt(prompt)


def can_prompt_again(passphrase_file: Path | None) -> bool:
    """True when a wrong passphrase can be retried at a prompt."""
    return passphrase_file is None and "MSP_PASSPHRASE" not in os.environ and _interactive()


def new_passphrase(
    passphrase_file: Path | None, *, env_name: str = "MSP_PASSPHRASE", label: str = "New passphrase"
) -> str:
    """A passphrase being chosen: from the file or env, else asked twice."""
    if passphrase_file is not None:
        return _from_file(passphrase_file)
    env = os.environ.get(env_name)
    if env is not None:
        return env
    first = _prompt(label)
    second = _prompt(f"{label} (again)")
    if first != second:
        raise InvalidInput("The two passphrases are different; nothing was changed.")
    return first
