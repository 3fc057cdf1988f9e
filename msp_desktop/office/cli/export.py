"""``msp-office export --format fhir|csv --out DIR [--since DATE]``.

Hands the office's current records to the council's other systems: a FHIR R4 Bundle
per person, or CSV files for a council without a FHIR endpoint. Only what the office
may share goes out (docs/office-export.md). ``DIR`` must be new or empty; the files are
written owner-only. Reads the database only.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from msp_desktop.bundles.manifest import format_time
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.export.output import (
    FORMATS,
    check_out_folder,
    export_files,
    write_files,
)
from msp_desktop.office.export.select import parse_since, select_people
from msp_desktop.office.keys import load_config

__all__ = ["HELP", "add_arguments", "run"]

HELP = (
    "Export the people held here, with their concerns, visits, desired outcomes and "
    "agreed actions, for the council's other systems: a FHIR R4 Bundle per person, or "
    "CSV files (docs/office-export.md). Only what may be shared; DIR must be new or empty."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``export``."""
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="only people with a record that arrived or changed at the office on or after "
        "DATE (YYYY-MM-DD, the council's calendar); default: everyone",
    )
    parser.add_argument(
        "--format",
        required=True,
        choices=FORMATS,
        help="fhir (a FHIR R4 Bundle per person, JSON) or csv (people, concerns, visits, "
        "outcomes and actions)",
    )
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="a new or empty folder"
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def run(args: argparse.Namespace) -> int:
    """Select, build every file in memory, then write them; print what was written."""
    layout = office_layout(args)
    config = load_config(layout)
    since = parse_since(args.since, config.time_zone) if args.since is not None else None
    out: Path = args.out
    check_out_folder(out)
    store = open_store(layout.root, database_url(args), read_only=True)
    try:
        chosen = select_people(store, since[1] if since else None)
    finally:
        store.close()
    files = export_files(chosen.people, args.format, timestamp=format_time(datetime.now(UTC)))
    write_files(out, files)
    people = _count(len(chosen.people), "person", "people")
    which = f" with changes on or after {since[0].isoformat()}" if since else ""
    if args.format == "fhir":
        print(f"Wrote {_count(len(files), 'FHIR bundle', 'FHIR bundles')} to {out}: "
              f"{people}{which}, one bundle each.")  # fmt: skip
    else:
        print(f"Wrote {_count(len(files), 'CSV file', 'CSV files')} to {out}: {people}{which}.")
    if chosen.left_out:
        print(
            f"Not exported: {_count(chosen.left_out, 'record', 'records')} whose person or "
            "concern is not held here."
        )
    print("Only what may be shared is exported: see docs/office-export.md.")
    return 0
