"""``msp-office packs issue --out DIR [--device ID] [--again]`` and ``packs list``.

Issuing seals what is queued for each device into its next office pack
(``office.packs``) and writes each pack into DIR (a USB stick for the worker's
laptop, which takes it with ``msp packs import``). ``--again`` also writes every pack
issued but not yet acknowledged, byte for byte as first issued, for a stick that was
lost. One sentence, and nothing changed, when it cannot be done.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

from msp_desktop.bundles.pack import pack_file_name
from msp_desktop.errors import InvalidInput
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.files import write_atomic
from msp_desktop.office.keys import load_config, load_keys
from msp_desktop.office.packs import Issued, NoPackKey, issue_packs

__all__ = [
    "ISSUE_HELP",
    "LIST_HELP",
    "add_issue_arguments",
    "add_list_arguments",
    "issue",
    "list_packs",
]

ISSUE_HELP = (
    "Seal the changes queued for each device (allocations, transfers) into its next office "
    "pack and write it into DIR, for the laptop to take with 'msp packs import'."
)
LIST_HELP = "List the office packs issued, and whether each device acknowledged its own."


def add_issue_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``packs issue``."""
    parser.add_argument(
        "--out", required=True, type=Path, metavar="DIR", help="where to write packs"
    )
    parser.add_argument("--device", metavar="ID", help="only this device")
    parser.add_argument(
        "--again",
        action="store_true",
        help="also write the packs issued before that the device has not acknowledged",
    )


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``packs list``."""
    parser.add_argument("--device", metavar="ID", help="only this device")
    parser.add_argument("--json", action="store_true", help="print JSON")


def issue(args: argparse.Namespace) -> int:
    """Issue the waiting packs and write them (and with ``--again`` the unacknowledged ones)."""
    layout = office_layout(args)
    config = load_config(layout)
    keys = load_keys(layout, config)
    out: Path = args.out
    if not out.is_dir():
        raise InvalidInput(
            f"{out} is not a folder; name the folder (a USB stick) to write packs into."
        )
    store = open_store(layout.root, database_url(args), read_only=False)
    try:
        done = issue_packs(store, config, keys, device_id=args.device, now=datetime.now(UTC))
        issued = [d for d in done if isinstance(d, Issued)]
        again: list[tuple[str, bytes]] = []
        if args.again:
            fresh = {i.pack.sha256 for i in issued}
            for pack in store.packs(args.device):
                data = store.pack_data(pack.sha256)
                if pack.acknowledged_at is None and pack.sha256 not in fresh and data is not None:
                    name = pack_file_name(pack.device_id, pack.sequence, pack.pack_id)
                    again.append((name, data))
    finally:
        store.close()
    # The packs are kept in the database first: a failed write loses nothing (--again).
    for made in issued:
        write_atomic(out / made.sealed.file_name, made.sealed.data, mode=0o644)
        p = made.pack
        print(f"Issued pack {p.sequence} to device {p.device_id} ({p.changes} "
              f"change{'s' if p.changes != 1 else ''}): {out / made.sealed.file_name}")  # fmt: skip
    for name, data in again:
        write_atomic(out / name, data, mode=0o644)
        print(f"Wrote again, not yet acknowledged: {out / name}")
    for skipped in (d for d in done if isinstance(d, NoPackKey)):
        print(
            f"Device {skipped.device_id} has {skipped.waiting} change(s) waiting but no pack key "
            "yet (enrolled before office packs): ask the worker to run msp enrol --out FILE "
            "and add the file with msp-office devices add FILE; then issue again."
        )
    if not done and not again:
        print(
            "Nothing is waiting for any device" + (f" {args.device}" if args.device else "") + "."
        )
    return 0


def list_packs(args: argparse.Namespace) -> int:
    """``packs list``: each pack, its device and sequence, and its acknowledgement."""
    layout = office_layout(args)
    store = open_store(layout.root, database_url(args), read_only=True)
    try:
        packs = store.packs(args.device)
    finally:
        store.close()
    if args.json:
        print(json.dumps([dataclasses.asdict(p) for p in packs], indent=2))
        return 0
    if not packs:
        print("No office packs issued yet.")
        return 0
    for p in packs:
        state = f"acknowledged {p.acknowledged_at}" if p.acknowledged_at else "not yet acknowledged"
        print(
            f"{p.device_id}  pack {p.sequence}  {p.changes} changes  issued {p.issued_at}  {state}"
        )
    return 0
