"""``msp-office migrate``: take the office database to the schema this msp-office uses.

The steps are the backends' ``UPGRADES`` (one per schema version, the same on SQLite
and PostgreSQL); ``STEPS`` says in words what each one changes, for ``--dry-run``. A
real run first writes a backup of the office (``backup.make_backup``, into
``OFFICE/backups/`` unless told where) and verifies it (``backup.verify_backup``:
decrypted, restored into a scratch database, every table compared), and changes
nothing if either fails. Then each step runs in its own transaction that records its
version, so an interrupted run leaves the database whole at the last finished version,
and running ``migrate`` again goes on from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from msp_desktop.office.backup import BACKUPS_FOLDER, BackupSummary, make_backup, verify_backup
from msp_desktop.office.db.backends import schema_version, upgrade_store
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.files import make_private_folder
from msp_desktop.office.keys import OfficeLayout

__all__ = ["STEPS", "Migration", "migrate", "plan"]

STEPS: dict[int, str] = {
    2: "record_revisions also takes agreed actions and contact notes (bundle format 2)",
    3: "a returned_forms table for the feedback forms posted back (msp-office feedback record)",
    4: "record ownership: each record belongs to the device that sent its first revision; "
    "revisions other devices sent become conflicts and never current "
    "(msp-office records transfer)",
    5: "a lost_device_keys table: keys enrolled for a lost device without the old key's "
    "signature (msp-office devices replace-lost)",
    6: "the caseload from the council's system, records made at the office, the queue "
    "of changes for devices' office packs, the packs issued and the decisions on "
    "conflicts (msp-office caseload import, allocate, packs issue, conflicts resolve); "
    "nothing is queued for what happened before",
    7: "shared cases: a person's case another device may read, and the records already "
    "sent to it; the queue for office packs takes shared records too (msp-office records "
    "share); nothing is shared until the office shares a case",
    8: "device resyncs: the ledger of bundles takes a resync epoch, every bundle held "
    "kept in the first, so a device restored from a backup can carry on after the office "
    "has looked at its replay alert (msp-office devices resync)",
}
"""What the step to each schema version changes, in words."""


@dataclass(frozen=True)
class Migration:
    """Where the database is, its version, the steps to take, and (after a real run)
    the verified backup made first."""

    where: str
    before: int
    steps: list[tuple[int, str]]
    backup: BackupSummary | None = None


def plan(layout: OfficeLayout, url: str | None) -> Migration:
    """The steps from the database's version to ``SCHEMA_VERSION``; writes nothing."""
    where, version = schema_version(layout.root, url)
    steps = [(n, STEPS[n]) for n in range(version + 1, SCHEMA_VERSION + 1)]
    return Migration(where, version, steps)


def default_backup(layout: OfficeLayout, version: int) -> Path:
    """``OFFICE/backups/before-migrate-v<version>-<UTC time>.mspbackup``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return layout.root / BACKUPS_FOLDER / f"before-migrate-v{version}-{stamp}.mspbackup"


def migrate(layout: OfficeLayout, url: str | None, backup_to: Path | None) -> Migration:
    """Back up and verify, then take every step; a current database is left untouched
    (and no backup is made)."""
    planned = plan(layout, url)
    if not planned.steps:
        return planned
    out = backup_to or default_backup(layout, planned.before)
    if backup_to is None:
        make_private_folder(out.parent)
    make_backup(layout, url, out)
    checked = verify_backup(layout, url, out)
    upgrade_store(layout.root, url)
    return Migration(planned.where, planned.before, planned.steps, checked)
