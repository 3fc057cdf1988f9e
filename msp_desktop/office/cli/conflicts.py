"""``msp-office conflicts show ID [--json]`` and ``conflicts resolve ID --keep
current|incoming [--reason TEXT]`` (``office.conflicts``)."""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import UTC, datetime

from msp_desktop.bundles.manifest import format_time
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.conflicts import Comparison, compare, resolve
from msp_desktop.office.db.backends import open_store
from msp_desktop.text_table import table

__all__ = [
    "RESOLVE_HELP",
    "SHOW_HELP",
    "add_resolve_arguments",
    "add_show_arguments",
    "settle",
    "show",
]

SHOW_HELP = (
    "Compare a conflict's two revisions with the one they started from, field by field: "
    "what the office keeps (current), what was kept aside (incoming), and who changed what."
)
RESOLVE_HELP = (
    "Decide a conflict: keep the office's revision (current) or the one kept aside "
    "(incoming). Audited; the decision is queued for the devices' office packs."
)
_WIDTH = 40


def add_show_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``conflicts show``."""
    parser.add_argument("conflict_id", type=int, metavar="ID", help="from msp-office conflicts")
    parser.add_argument("--json", action="store_true", help="print JSON")


def add_resolve_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``conflicts resolve``."""
    parser.add_argument("conflict_id", type=int, metavar="ID", help="from msp-office conflicts")
    parser.add_argument("--keep", required=True, choices=("current", "incoming"))
    parser.add_argument("--reason", metavar="TEXT", help="why, for the audit")


def _value(value: object) -> str:
    text = "—" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _lines(found: Comparison) -> list[str]:
    c = found.conflict
    owner = f"; the record belongs to device {c.owner_device_id}" if c.owner_device_id else ""
    base = f"revision {found.base_revision}" if found.base_revision else "none held"
    current = f"revision {found.current_revision}" if found.current_revision else "none"
    lines = [
        f"Conflict {c.id}: {c.kind} {c.record_id} revision {c.revision}, sent by device "
        f"{c.device_id}{owner}.",
        f"Kept aside because: {c.reason}.",
        f"Base: {base}; current (the office's): {current}; incoming (kept aside): "
        f"revision {c.revision}.",
        "",
    ]
    if found.fields:
        rows = [[f.name, _value(f.base), _value(f.current), _value(f.incoming), f.changed_by]
                for f in found.fields]  # fmt: skip
        lines.append(table(["FIELD", "BASE", "CURRENT", "INCOMING", "CHANGED BY"], rows))
    else:
        lines.append("The two revisions hold the same content.")
    d = found.decision
    if d is None:
        lines.append(f"Not resolved yet: msp-office conflicts resolve {c.id} --keep "
                     "current|incoming --reason TEXT")  # fmt: skip
    else:
        lines.append(f"Resolved on {d.decided_at} by {d.decided_by}: kept the {d.keep} "
                     f"revision ({d.reason}).")  # fmt: skip
    return lines


def show(args: argparse.Namespace) -> int:
    """``conflicts show ID``."""
    store = open_store(office_layout(args).root, database_url(args), read_only=True)
    try:
        found = compare(store, args.conflict_id)
    finally:
        store.close()
    if args.json:
        value = dataclasses.asdict(found)
        value["fields"] = [
            {**dataclasses.asdict(f), "changed_by": f.changed_by} for f in found.fields
        ]
        print(json.dumps(value, indent=2, ensure_ascii=False))
    else:
        print("\n".join(_lines(found)))
    return 0


def settle(args: argparse.Namespace) -> int:
    """``conflicts resolve ID --keep current|incoming``."""
    store = open_store(office_layout(args).root, database_url(args), read_only=False)
    try:
        decided = resolve(
            store, args.conflict_id, args.keep, reason=args.reason,
            now=format_time(datetime.now(UTC)),
        )  # fmt: skip
    finally:
        store.close()
    if decided.keep == "incoming":
        print(f"Conflict {decided.conflict_id} resolved: the office keeps the incoming "
              f"revision, as its revision {decided.office_revision}, queued for the record's "
              "device as a correction.")  # fmt: skip
    else:
        print(f"Conflict {decided.conflict_id} resolved: the office keeps its current "
              "revision; the device that sent the other is told.")  # fmt: skip
    return 0
