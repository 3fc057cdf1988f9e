"""One admin model: every ``msp-office`` command runs as the account that owns the office
folder.

An office folder belongs to one account (``msp-office`` in the office guide), and the
inbox service runs as it. A command run as root would leave root-owned receipts,
quarantine files or an alerts log behind, and that account's next ``import`` could not
write them. So:

- ``refuse_root`` refuses to run as root, naming the office folder's owner, unless
  ``--allow-root`` is given or ``MSP_OFFICE_ALLOW_ROOT=1`` is set (containers and CI
  run as root);
- when root is allowed, every file and folder the office makes is handed to the office
  folder's owner (``files.hand_over``), so the service account can still write them;
- ``check_writable`` refuses, before anything changes, to run a command that writes
  when a folder or file it writes is not writable by this account (a root-owned
  ``receipts/`` from an earlier mistake), naming the ``chown`` that gives it back.

Windows has no root and no chown: there all three do nothing.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from msp_desktop.errors import InvalidInput
from msp_desktop.office.files import give_files_to
from msp_desktop.office.keys import OfficeLayout
from msp_desktop.paths import expand_home

__all__ = ["ALLOW_ROOT_VARIABLE", "account_name", "check_writable", "login_name", "refuse_root"]

ALLOW_ROOT_VARIABLE = "MSP_OFFICE_ALLOW_ROOT"


def login_name() -> str:
    """Who is running this command, for the office's audit rows ("unknown" in a bare
    container with no login name)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def account_name(uid: int) -> str:
    """The login name of ``uid``, or ``uid N`` when it has none (or on Windows)."""
    if sys.platform == "win32":
        return f"uid {uid}"
    import pwd

    try:
        return str(pwd.getpwuid(uid).pw_name)
    except KeyError:
        return f"uid {uid}"


def _owner_of(folder: Path) -> tuple[int, int] | None:
    """The owner of ``folder``, or of its nearest existing parent (``init`` makes it)."""
    for candidate in (folder, *folder.parents):
        try:
            info = candidate.stat()
        except OSError:
            continue
        return info.st_uid, info.st_gid
    return None


def refuse_root(office: Path | None, *, allow_root: bool) -> None:
    """Refuse to run as root unless allowed; when allowed, hand new files to the office
    folder's owner. ``office`` is the office folder, if the command has one."""
    if sys.platform == "win32" or os.geteuid() != 0:
        return
    owner = _owner_of(expand_home(office).absolute()) if office is not None else None
    allowed = allow_root or os.environ.get(ALLOW_ROOT_VARIABLE, "") == "1"
    if not allowed:
        if owner is not None and owner[0] != 0:
            who = f"the office folder's owner, {account_name(owner[0])}"
            example = f"sudo -u {account_name(owner[0])} msp-office ..."
        else:
            who = "the account that owns the office folder"
            example = "sudo -u msp-office msp-office ..."
        raise InvalidInput(
            f"msp-office does not run as root: run it as {who} ({example}); in a container "
            f"where root owns the office, add --allow-root or set {ALLOW_ROOT_VARIABLE}=1."
        )
    if owner is not None and owner[0] != 0:
        give_files_to(*owner)


def check_writable(layout: OfficeLayout, extra: tuple[Path, ...] = ()) -> None:
    """Refuse, before anything changes, when this account cannot write where a writing
    command will: the office folder, ``quarantine/``, ``receipts/``, ``alerts.log``
    (and ``extra``, e.g. ``--receipts DIR``) as far as they exist."""
    if sys.platform == "win32":
        return
    for path in (
        layout.root,
        layout.quarantine,
        layout.receipts,
        layout.alerts,
        layout.database,
        *extra,
    ):
        if path.exists() and not os.access(path, os.W_OK):
            owner = path.stat().st_uid
            folder_owner = _owner_of(layout.root)
            me = account_name(os.geteuid())
            fix = (
                f"chown -R {account_name(folder_owner[0])}: {path}"
                if folder_owner is not None and folder_owner[0] != owner
                else f"run msp-office as the account that can write {path}"
            )
            raise InvalidInput(
                f"{path} belongs to {account_name(owner)} and {me} cannot write it, so "
                f"nothing was done; give it back to the office folder's owner ({fix})."
            )
