""" "My passphrase may be known": a new database key and passphrase (``msp rekey``).

The command line and the app's action both come here. The input is checked first
(the new passphrase strong enough and different, the current one right), so the app
can refuse without closing the workspace it holds; ``Workspace.rekey`` then does the
work while nobody has the workspace open. The sentences that report it are here too,
so the command and the app say the same.
"""

from __future__ import annotations

from pathlib import Path

from msp_desktop.errors import InvalidInput, WorkspaceMissing
from msp_desktop.store import Workspace
from msp_desktop.store.keyslots import check_passphrase_strength, load_key_file
from msp_desktop.store.rekey import MUST_DIFFER, RekeyResult

__all__ = [
    "OLD_FILES_STILL_OPEN",
    "RekeyResult",
    "check_rekey",
    "rekey_workspace",
    "rekeyed_report",
]

OLD_FILES_STILL_OPEN = (
    "Older key files and backups still open with the old passphrase: this changed only "
    "the passphrase, not the database key. If the old passphrase may be known to "
    "someone else, run: msp rekey"
)


def check_rekey(folder: Path, old: str, new: str) -> None:
    """Refuse bad input in one sentence before anything is closed or written: a weak or
    unchanged new passphrase, or a wrong current one (``WrongPassphrase``)."""
    check_passphrase_strength(new)
    if new == old:
        raise InvalidInput(MUST_DIFFER)
    keys_path = Workspace.keys_path(Path(folder))
    if not keys_path.is_file():
        raise WorkspaceMissing(f"There is no workspace in {folder}.")
    load_key_file(keys_path).unwrap(old)


def rekey_workspace(folder: Path, old: str, new: str) -> RekeyResult:
    """Give the workspace a new random database key under ``new`` (``Workspace.rekey``).

    Nobody may have the workspace open meanwhile (``WorkspaceBusy`` names who has).
    """
    return Workspace.rekey(Path(folder), old, new)


def rekeyed_report(folder: Path, result: RekeyResult) -> list[str]:
    """What a finished re-key means for the worker, one sentence a line."""
    lines = [
        f"The workspace in {folder} has a new database key and your new passphrase. "
        "No older key file and no old passphrase opens it now; every record was kept.",
    ]
    if result.backups_marked == 1:
        lines.append(
            "The 1 backup made before still opens only with the old passphrase and the old "
            "key; make a new backup now, and destroy the old one when it is safe to."
        )
    elif result.backups_marked:
        lines.append(
            f"The {result.backups_marked} backups made before still open only with the old "
            "passphrase and the old key; make a new backup now, and destroy the old ones "
            "when it is safe to."
        )
    if result.recovery_renewed:
        lines.append("The office recovery key opens the new key, as before.")
    elif result.recovery_dropped:
        lines.append(
            "The office recovery key could not be renewed: this workspace holds no "
            "signed office keys. Import them again (msp office-keys import FILE "
            "--office-key-id ID) so the office can recover it."
        )
    return lines
