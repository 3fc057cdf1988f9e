"""``msp recover``: the office opens a workspace with its recovery key (S14).

The office keeps the age identity file (``AGE-SECRET-KEY-1...``) whose public half
every workspace's key is also sealed to. With it, a workspace whose passphrase is
lost gets a new one; the records themselves are not touched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.bundles.errors import DecryptionRejected
from msp_desktop.cli.passphrase import new_passphrase
from msp_desktop.errors import InvalidInput
from msp_desktop.input_files import read_input
from msp_desktop.paths import workspace_folder
from msp_desktop.store import Workspace

__all__ = ["add_recovery_parser", "read_recovery_identity", "recover"]

# An age identity file is a few hundred bytes; anything far bigger is the wrong file.
MAX_IDENTITY_BYTES = 64 * 1024

RECOVER_HELP = (
    "The office opens a device workspace with its recovery key and sets a new passphrase, "
    "read from $MSP_NEW_PASSPHRASE (or asked twice on a terminal). Only the key file is "
    "rewritten; the recovery is recorded in the audit log."
)


def add_recovery_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``msp recover`` on the ``msp`` subcommands."""
    p = sub.add_parser("recover", help=RECOVER_HELP, description=RECOVER_HELP)
    p.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $MSP_WORKSPACE, else your local data folder)",
    )
    p.add_argument(
        "--recovery-identity",
        required=True,
        type=Path,
        metavar="FILE",
        help="the office's age recovery identity file (AGE-SECRET-KEY-1...)",
    )
    p.set_defaults(run=recover)


def read_recovery_identity(path: Path) -> AgeIdentity:
    """Read the office's recovery identity file; one plain sentence if it is not one."""
    not_one = InvalidInput(
        f"{path} is not an age identity file (one AGE-SECRET-KEY-1... line). Nothing was changed."
    )
    data = read_input(
        path, "the recovery identity file", MAX_IDENTITY_BYTES, too_large=lambda: not_one
    )
    try:
        return AgeIdentity.from_text(data.decode("utf-8"))
    except (UnicodeDecodeError, DecryptionRejected):
        raise not_one from None


def recover(args: argparse.Namespace) -> int:
    """``msp recover --recovery-identity FILE``."""
    folder = workspace_folder(args.workspace)
    identity = read_recovery_identity(args.recovery_identity)
    passphrase = new_passphrase(None, env_name="MSP_NEW_PASSPHRASE")
    Workspace.recover(folder, identity, passphrase)
    print(
        f"The workspace in {folder} was opened with the office recovery key and has a new "
        "passphrase. The records were not changed; the recovery is in the audit log."
    )
    return 0
