"""``msp-office migrate``, ``backup`` and ``backup verify``: keeping an office going."""

from __future__ import annotations

import argparse
from pathlib import Path

from msp_desktop.errors import InvalidInput
from msp_desktop.office.admin import check_writable
from msp_desktop.office.backup import BackupSummary, make_backup, verify_backup
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.migrate import migrate as run_migration
from msp_desktop.office.migrate import plan

__all__ = ["add_arguments", "backup", "backup_verify", "migrate"]

MIGRATE_HELP = (
    "Take the office database to the version this msp-office uses, keeping everything it "
    "holds: first a backup (OFFICE/backups/, or --backup FILE), verified, then each step "
    "in its own transaction. Run it once after installing a newer msp-office; the other "
    "commands refuse an older database. --dry-run lists the steps and changes nothing."
)
BACKUP_HELP = (
    "Write the office database and folder to FILE, encrypted to the office's inbox and "
    "recovery keys, owner-only; needs no prompt, so cron can run it. Check it with: "
    "msp-office backup verify FILE"
)
VERIFY_HELP = (
    "Decrypt a backup with the office's inbox key, check that this office signed it, check "
    "every file, restore the database into a scratch database and compare every table's "
    "rows and content with what the backup recorded. Exit 0 only if all match."
)


def add_migrate_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dry-run`` and ``--backup FILE``."""
    parser.add_argument("--dry-run", action="store_true", help="list the steps; change nothing")
    parser.add_argument(
        "--backup",
        type=Path,
        metavar="FILE",
        help="where to write the backup made first (default: OFFICE/backups/)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--out FILE`` of ``backup``."""
    parser.add_argument("--out", type=Path, metavar="FILE", help="the backup file to write")


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    """``FILE`` and ``--identity`` of ``backup verify``."""
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "--identity",
        type=Path,
        metavar="KEYFILE",
        help="decrypt with this age identity (e.g. the recovery key) instead of the inbox key",
    )
    parser.add_argument(
        "--allow-unsigned",
        action="store_true",
        help="check a backup made before backups were signed (anyone holding the office's "
        "public keys could have made it: trust it only if you know where it came from)",
    )


def migrate(args: argparse.Namespace) -> int:
    """``msp-office migrate [--dry-run] [--backup FILE]``."""
    layout = office_layout(args)
    url = database_url(args)
    if args.dry_run:
        planned = plan(layout, url)
        if not planned.steps:
            print(f"The office database ({planned.where}) is at version {SCHEMA_VERSION}; "
                  "there is nothing to migrate.")  # fmt: skip
            return 0
        print(f"The office database ({planned.where}) is at version {planned.before}; this "
              f"msp-office uses version {SCHEMA_VERSION}. Migrating would:")  # fmt: skip
        print("  1. write a backup of the office and verify it")
        for number, (version, what) in enumerate(planned.steps, start=2):
            print(f"  {number}. to version {version}: {what}")
        print("Nothing was changed (--dry-run).")
        return 0
    check_writable(layout)
    done = run_migration(layout, url, args.backup)
    if done.backup is None:
        print(f"The office database ({done.where}) is already at version {SCHEMA_VERSION}; "
              "nothing changed.")  # fmt: skip
        return 0
    print(f"Backed up the office to {done.backup.path} and verified it "
          f"({_held(done.backup)}).")  # fmt: skip
    for version, what in done.steps:
        print(f"Version {version}: {what}.")
    print(f"Migrated the office database ({done.where}) from version {done.before} to "
          f"{SCHEMA_VERSION}; everything it held is kept.")  # fmt: skip
    return 0


def _held(summary: BackupSummary) -> str:
    return (
        f"{summary.tables} tables, {summary.rows} rows, {summary.files} files of the office folder"
    )


def backup(args: argparse.Namespace) -> int:
    """``msp-office backup --out FILE``."""
    if args.out is None:
        raise InvalidInput("Say where to write the backup: msp-office backup --out FILE.")
    made = make_backup(office_layout(args), database_url(args), args.out)
    print(f"Wrote the backup of office {made.office_id} to {made.path} (owner-only, "
          f"encrypted to the office's inbox and recovery keys): {_held(made)}.")  # fmt: skip
    print(f"Check it with: msp-office backup verify {made.path}")
    return 0


def backup_verify(args: argparse.Namespace) -> int:
    """``msp-office backup verify FILE [--identity KEYFILE]``."""
    checked = verify_backup(office_layout(args), database_url(args), args.file, args.identity,
                            allow_unsigned=args.allow_unsigned)  # fmt: skip
    signed = "signed by this office" if checked.signed else "NOT SIGNED"
    print(f"{checked.path}: a sound backup of office {checked.office_id} made {checked.made_at} "
          f"({signed}; database version {checked.version}, {checked.backend}): restored and "
          f"matched {_held(checked)}.")  # fmt: skip
    if not checked.signed:
        print(
            "It was made before backups were signed: anyone holding the office's public "
            "keys could have made it. Restore it only if you know where it came from."
        )
    return 0
