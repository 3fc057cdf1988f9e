"""``msp-office caseload import --csv FILE [--dry-run]`` and ``msp-office allocate``.

The council's people and open concerns come in from its case system's export
(``office.caseload``; the columns are in docs/caseload-csv.md), and the office gives
each person to a worker's device (``office.ownership``); both queue the change for the
device's next office pack. One sentence, and nothing changed, when it cannot be done.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

from msp_desktop.bundles.manifest import format_time
from msp_desktop.input_files import read_input
from msp_desktop.office.caseload import CaseloadImport, import_caseload
from msp_desktop.office.caseload_csv import MAX_BYTES
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.cli.records import give_person, moved_kinds
from msp_desktop.office.dates import latest_record_date
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.keys import load_config
from msp_desktop.office.ownership import ALLOCATE_REASON, UNALLOCATED

__all__ = [
    "ALLOCATE_HELP",
    "IMPORT_HELP",
    "add_allocate_arguments",
    "add_import_arguments",
    "allocate",
    "caseload_import",
]

IMPORT_HELP = (
    "Read the people and open concerns exported from the council's case system (CSV; "
    "columns in docs/caseload-csv.md). Every row is checked first: any problem, named by "
    "row and column, and nothing is imported. People already held are left as they are."
)
ALLOCATE_HELP = (
    "Give a person, with their concerns and records, to a worker's device; queued for "
    "the device's next office pack. Kept in the office's transfer audit."
)


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``caseload import``."""
    parser.add_argument("--csv", required=True, type=Path, metavar="FILE", help="the export")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and say what would change; change nothing",
    )
    parser.add_argument("--json", action="store_true", help="print JSON, one entry per row")


def add_allocate_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``allocate``."""
    parser.add_argument(
        "--person",
        required=True,
        metavar="ID",
        help="the person's record id, or their local id from the caseload import",
    )
    parser.add_argument("--to", required=True, metavar="DEVICE", help="the enrolled device")
    parser.add_argument(
        "--reason", metavar="TEXT", help=f"why, for the audit (default: {ALLOCATE_REASON!r})"
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _summary(done: CaseloadImport, source: Path) -> list[str]:
    would = "would be " if done.dry_run else ""
    lines = [
        f"{'Checked' if done.dry_run else 'Imported'} {source}: "
        f"{_count(len(done.entries), 'row', 'rows')}, no problems.",
        f"People: {_count(done.people_added, 'new person', 'new people')} {would}added, "
        f"{_count(done.people_held, 'person', 'people')} already held (left as they are).",
        f"Concerns: {_count(done.concerns_added, 'new concern', 'new concerns')} {would}added, "
        f"{_count(done.concerns_held, 'concern', 'concerns')} already held.",
    ]
    for device, n in sorted(done.allocated.items()):
        lines.append(
            f"{'Would give' if done.dry_run else 'Given'} to device {device}: "
            f"{_count(n, 'person', 'people')}, queued for its next office pack."
        )
    if done.unallocated:
        lines.append(
            f"Not allocated to any device: {_count(done.unallocated, 'person', 'people')} "
            "(msp-office allocate --person ID --to DEVICE)."
        )
    lines.extend(done.notes)
    if done.dry_run:
        lines.append("Dry run: nothing was changed.")
    return lines


def caseload_import(args: argparse.Namespace) -> int:
    """Import (or with ``--dry-run`` check) a caseload export, then say what changed."""
    layout = office_layout(args)
    config = load_config(layout)
    data = read_input(args.csv, "a caseload export", MAX_BYTES)
    now = datetime.now(UTC)
    store = open_store(layout.root, database_url(args), read_only=args.dry_run)
    try:
        done = import_caseload(
            store,
            data,
            today=latest_record_date(now, config.time_zone),
            now=format_time(now),
            dry_run=args.dry_run,
        )
    finally:
        store.close()
    if args.json:
        print(json.dumps(
            {
                "dry_run": done.dry_run,
                "people_added": done.people_added,
                "people_held": done.people_held,
                "concerns_added": done.concerns_added,
                "concerns_held": done.concerns_held,
                "allocated": done.allocated,
                "unallocated": done.unallocated,
                "notes": done.notes,
                "rows": [dataclasses.asdict(e) for e in done.entries],
            },
            indent=2,
            ensure_ascii=False,
        ))  # fmt: skip
    else:
        print("\n".join(_summary(done, args.csv)))
    return 0


def allocate(args: argparse.Namespace) -> int:
    """Give the person to the device, then say what moved and what was queued."""
    done = give_person(args, ALLOCATE_REASON)
    if done is None:
        return 0
    t = done.transfer
    print(
        f"Allocated person {t.person_id} to device {t.to_device_id}: "
        f"{_count(t.records, 'record', 'records')} ({moved_kinds(done)}), queued for its next "
        "office pack."
    )
    if t.from_device_id != UNALLOCATED:
        print(
            f"They belonged to {t.from_device_id}; that device is told in its next office "
            "pack, and lets them go once the office holds everything of theirs."
        )
    return 0
