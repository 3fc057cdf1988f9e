"""Where the passphrase comes from: ``MSP_PASSPHRASE``, ``--passphrase-file`` or a prompt.

The prompt never echoes. A passphrase file must be readable only by its owner,
because anyone who can read it can open the workspace.
"""

from __future__ import annotations

import getpass
import os
import stat
import sys
from pathlib import Path

from msp_desktop.errors import InvalidInput


def _from_file(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text("utf-8")
    except OSError as exc:
        raise InvalidInput(f"Cannot read the passphrase file {path}: {exc.strerror}.") from exc
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InvalidInput(
            f"The passphrase file {path} can be read by other users; "
            f"make it private first (chmod 600 {path})."
        )
    return text.rstrip("\r\n")


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
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
    return passphrase_file is None and "MSP_PASSPHRASE" not in os.environ and sys.stdin.isatty()


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
