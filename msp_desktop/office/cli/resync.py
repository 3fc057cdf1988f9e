"""``msp-office devices resync DEVICE_ID --from-sequence N [--reason TEXT] [--dry-run]``
(``office.resync``)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from msp_desktop.bundles.manifest import format_time
from msp_desktop.office.admin import login_name
from msp_desktop.office.alerts import acknowledge_replays, list_alerts
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.keys import load_config
from msp_desktop.office.resync import ResyncPlan, plan_resync, resync_device

__all__ = ["HELP", "add_arguments", "resync"]

HELP = (
    "After a replay alert, once the worker confirms the device was restored from a backup "
    "(or re-sealed its bundles): record that the device's history continues from sequence "
    "N as it now numbers it. The bundles held from N on stay as history; its new ones are "
    "imported. Audited; acknowledges the device's replay alerts from N on."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``devices resync``."""
    parser.add_argument("device_id", metavar="DEVICE_ID")
    parser.add_argument(
        "--from-sequence",
        required=True,
        type=int,
        metavar="N",
        help="the first sequence whose bundle the device now holds with other bytes "
        "(the replay alert's sequence)",
    )
    parser.add_argument("--reason", metavar="TEXT", help="why, for the audit (one line)")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="say what it would set aside and which alerts it would acknowledge; change nothing",
    )


def _dry_run(args: argparse.Namespace) -> int:
    layout = office_layout(args)
    load_config(layout)
    store = open_store(layout.root, database_url(args), read_only=True)
    try:
        plan: ResyncPlan = plan_resync(
            store, args.device_id, args.from_sequence, reason=args.reason
        )
    finally:
        store.close()
    print(
        f"Resyncing device {plan.device_id} from sequence {plan.from_sequence} would be its "
        f"resync {plan.epoch}; its last bundle here is "
        f"{f'sequence {plan.last_sequence}' if plan.last_sequence else 'none'}."
    )
    if plan.held:
        kept = ", ".join(f"sequence {s} ({sha[:12]})" for s, sha in plan.held)
        print(f"It would keep in the ledger as history, no longer compared with: {kept}.")
    else:
        print("No bundle the office holds would be set aside.")
    answered = [
        a.id
        for a in list_alerts(layout.alerts)
        if a.kind == "replay" and not a.acknowledged and a.device == plan.device_id
        and a.sequence is not None and a.sequence >= plan.from_sequence
    ]  # fmt: skip
    if answered:
        print(f"It would acknowledge the replay alert(s): {', '.join(answered)}.")
    print("Nothing was changed (--dry-run).")
    return 0


def resync(args: argparse.Namespace) -> int:
    """Record the resync, then acknowledge the replay alerts it answers (``--dry-run``:
    say so, change nothing)."""
    if args.dry_run:
        return _dry_run(args)
    layout = office_layout(args)
    load_config(layout)  # an office folder, or one sentence saying it is not
    store = open_store(layout.root, database_url(args), read_only=False)
    try:
        done = resync_device(
            store,
            args.device_id,
            args.from_sequence,
            reason=args.reason,
            by=login_name(),
            now=format_time(datetime.now(UTC)),
        )
    finally:
        store.close()
    r = done.resync
    print(
        f"Device {r.device_id}'s history now continues from sequence {r.from_sequence} "
        f"(resync {r.epoch}, by {r.resynced_by}; reason: {r.reason})."
    )
    if r.held:
        kept = ", ".join(f"sequence {s} ({sha[:12]})" for s, sha in r.held)
        print(f"Kept in the ledger as history, no longer compared with: {kept}.")
    acked = acknowledge_replays(
        layout.alerts,
        r.device_id,
        r.from_sequence,
        note=f"resolved by msp-office devices resync (resync {r.epoch} from sequence "
        f"{r.from_sequence}): {r.reason}",
    )
    if acked:
        print(f"Acknowledged the replay alert(s) it answers: {', '.join(acked)}.")
    print(
        f"The device's bundles from sequence {r.from_sequence} on are imported as new; "
        "a bundle imported from now on is protected against replay as before."
    )
    return 0
