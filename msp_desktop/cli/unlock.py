"""Unlocking the workspace from the command line: which folder, which passphrase, three tries."""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from msp_desktop.cli.passphrase import can_prompt_again, current_passphrase
from msp_desktop.errors import WrongPassphrase
from msp_desktop.paths import workspace_folder
from msp_desktop.store import Workspace
from msp_desktop.store.throttle import unlock_delay

__all__ = ["default_worker", "folder_of", "open_workspace"]

PROMPT_TRIES = 3


def default_worker() -> str:
    """The signed-in user's name, as the worker name when none is given."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "worker"


def folder_of(args: argparse.Namespace) -> Path:
    """The workspace folder: ``--workspace``, else ``$MSP_WORKSPACE``, else the default."""
    return workspace_folder(getattr(args, "workspace", None))


def open_workspace(args: argparse.Namespace) -> Workspace:
    """Unlock the workspace; at a terminal prompt, allow three tries (S5 wait between)."""
    folder = folder_of(args)
    passphrase_file = getattr(args, "passphrase_file", None)
    failures = 0
    while True:
        passphrase = current_passphrase(passphrase_file)
        try:
            ws = Workspace.open(folder, passphrase)
        except WrongPassphrase as exc:
            failures += 1
            if failures >= PROMPT_TRIES or not can_prompt_again(passphrase_file):
                raise
            print(f"msp: {exc.message}", file=sys.stderr)
            time.sleep(unlock_delay(failures))
            continue
        if ws.read_only:
            print(
                f"msp: the workspace in {folder} is on read-only media: it is open to read "
                "only, and nothing can be changed.",
                file=sys.stderr,
            )
        return ws
