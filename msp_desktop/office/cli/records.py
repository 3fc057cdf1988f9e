"""``msp-office records transfer --person ID --to DEVICE [--reason TEXT]``,
``records correct KIND ID --set FIELD=VALUE… --reason TEXT`` and
``records share [--stop] --person ID --with DEVICE [--reason TEXT]``.

``transfer`` gives a person and every record about them to another device
(``office.ownership``): from then on that device's revisions become current and the
old device's are conflicts. ``correct`` makes the office's corrected revision of a
record and queues it for the record's device (``office.corrections``). ``share`` lets
another device read a person's case, and ``--stop`` ends that (``office.sharing``). One
sentence and nothing changed when it cannot be done.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from msp_desktop.bundles.manifest import format_time
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.corrections import CORRECTABLE, correct_record, read_settings
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.ownership import (
    DEFAULT_REASON,
    UNALLOCATED,
    Transferred,
    transfer_person,
)
from msp_desktop.office.sharing import SHARE_REASON, STOP_REASON, share_case, stop_sharing

__all__ = [
    "CORRECT_HELP",
    "SHARE_HELP",
    "TRANSFER_HELP",
    "add_correct_arguments",
    "add_share_arguments",
    "add_transfer_arguments",
    "correct",
    "give_person",
    "moved_kinds",
    "share",
    "transfer",
]

TRANSFER_HELP = (
    "Give a person and their concerns, visits, actions and contact notes to another "
    "device: its revisions become current from then on, the old device's are conflicts. "
    "Kept in the office's transfer audit."
)

CORRECT_HELP = (
    "Correct a person, concern, agreed action or contact note at the office: a new office "
    "revision with the reason, sent to the record's device in its next office pack (the "
    "worker's own changes are never overwritten)."
)

SHARE_HELP = (
    "Let another device read a person's case (covering a colleague, joint work): the person, "
    "their concerns, finalised visits, actions and contact notes go to it in its office packs, "
    "to read only, and newer revisions follow; --stop ends it and the device lets the case go."
)


def add_transfer_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``records transfer``."""
    parser.add_argument("--person", required=True, metavar="ID", help="the person's record id")
    parser.add_argument(
        "--to", required=True, metavar="DEVICE", help="the enrolled device to give them to"
    )
    parser.add_argument(
        "--reason", metavar="TEXT", help=f"why, for the audit (default: {DEFAULT_REASON!r})"
    )


def give_person(args: argparse.Namespace, default_reason: str) -> Transferred | None:
    """``--person`` to ``--to`` for ``--reason`` (``transfer_person``); None, having said
    so, when they and their records belong to that device already."""
    layout = office_layout(args)
    store = open_store(layout.root, database_url(args), read_only=False)
    try:
        done = transfer_person(
            store, args.person, args.to, reason=args.reason,
            now=format_time(datetime.now(UTC)), default_reason=default_reason,
        )  # fmt: skip
    finally:
        store.close()
    t = done.transfer
    if not t.records:
        print(f"Person {t.person_id} and their records already belong to device "
              f"{t.to_device_id}; nothing changed.")  # fmt: skip
        return None
    return done


def moved_kinds(done: Transferred) -> str:
    """``1 person, 2 concern``: how many records of each kind moved."""
    return ", ".join(f"{n} {kind}" for kind, n in done.by_kind.items() if n)


def transfer(args: argparse.Namespace) -> int:
    """Transfer, then say what moved (or that nothing needed to)."""
    done = give_person(args, DEFAULT_REASON)
    if done is None:
        return 0
    t = done.transfer
    source = "no device" if t.from_device_id == UNALLOCATED else f"device {t.from_device_id}"
    print(
        f"Transferred person {t.person_id} from {source} to device "
        f"{t.to_device_id}: {t.records} records ({moved_kinds(done)}). From now on only "
        f"{t.to_device_id}'s revisions of them become current; the change is queued for "
        "the devices' next office packs."
    )
    return 0


def add_correct_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``records correct``."""
    parser.add_argument("kind", metavar="KIND", help=f"the record's kind: {', '.join(CORRECTABLE)}")
    parser.add_argument("record_id", metavar="ID", help="the record's id")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        required=True,
        metavar="FIELD=VALUE",
        help="a field and its corrected value (repeat for more; empty clears; [..], {..}, "
        "true, false and null are read as JSON)",
    )
    parser.add_argument("--reason", required=True, metavar="TEXT", help="why, kept with it")


def correct(args: argparse.Namespace) -> int:
    """Correct the record, then say what changed and where it goes."""
    settings = read_settings(args.settings)
    store = open_store(office_layout(args).root, database_url(args), read_only=False)
    try:
        done = correct_record(
            store, args.kind, args.record_id, settings, reason=args.reason,
            now=format_time(datetime.now(UTC)),
        )  # fmt: skip
    finally:
        store.close()
    goes = (
        f"queued for device {done.device_id} as a correction in its next office pack"
        if done.device_id
        else "it belongs to no device yet, so it goes with its allocation"
    )
    print(
        f"Corrected {args.kind} {done.revision.record_id} ({', '.join(done.fields)}) as office "
        f"revision {done.revision.revision}; {goes}."
    )
    return 0


def add_share_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``records share``."""
    parser.add_argument(
        "--person", required=True, metavar="ID", help="the person's record id or caseload id"
    )
    parser.add_argument(
        "--with",
        dest="device",
        required=True,
        metavar="DEVICE",
        help="the enrolled device to share the case with (not the one it belongs to)",
    )
    parser.add_argument(
        "--stop", action="store_true", help="stop sharing it: the device lets the case go"
    )
    parser.add_argument(
        "--reason",
        metavar="TEXT",
        help=f"why, kept with the share (default: {SHARE_REASON!r}; with --stop: {STOP_REASON!r})",
    )


def share(args: argparse.Namespace) -> int:
    """Share the case (or stop sharing it), then say what was queued."""
    store = open_store(office_layout(args).root, database_url(args), read_only=False)
    now = format_time(datetime.now(UTC))
    try:
        if args.stop:
            person_id = stop_sharing(store, args.person, args.device, reason=args.reason, now=now)
        else:
            done = share_case(store, args.person, args.device, reason=args.reason, now=now)
    finally:
        store.close()
    if args.stop:
        print(
            f"Stopped sharing person {person_id}'s case with device {args.device}; its next "
            "office pack tells it to let the case go."
        )
        return 0
    owner = f"device {done.owner}'s" if done.owner else "a case no device holds yet"
    kinds = ", ".join(f"{n} {kind}" for kind, n in done.by_kind.items() if n)
    print(
        f"Shared person {done.share.person_id}'s case ({owner}) with device "
        f"{done.share.device_id}, to read: {sum(done.by_kind.values())} records ({kinds}) "
        "queued for its next office pack; newer revisions follow until the share is stopped."
    )
    return 0
