"""``msp-office alerts list [--json]`` and ``msp-office alerts ack ID [--note TEXT]``.

Alerts are listed from ``OFFICE/alerts.log`` with their acknowledgements from
``OFFICE/alerts-acks.log`` (``office.alerts``); acknowledging appends one line there,
saying who (the account running the command), when, and the note. ``status`` counts
only the alerts not yet acknowledged.
"""

from __future__ import annotations

import argparse
import dataclasses
import json

from msp_desktop.office.alerts import MAX_NOTE_CHARS, acknowledge, list_alerts
from msp_desktop.office.cli.commands import PROG, office_layout
from msp_desktop.office.keys import load_config
from msp_desktop.text_table import table

__all__ = ["ACK_HELP", "HELP", "LIST_HELP", "ack", "add_ack_arguments", "list_command"]

HELP = "List security alerts and acknowledge them."
LIST_HELP = (
    "List every alert in alerts.log: its id, time, kind, what happened, and whether it was "
    "acknowledged (by whom, when, with what note)."
)
ACK_HELP = (
    "Acknowledge an alert once it is dealt with: it stops counting as open (status, metrics). "
    "The alert stays in alerts.log; who acknowledged it, when and the note are kept."
)


def add_ack_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``alerts ack``."""
    parser.add_argument("alert_id", metavar="ID", help="the alert's id, from: alerts list")
    parser.add_argument(
        "--note",
        metavar="TEXT",
        help=f"what was found or done (one line, at most {MAX_NOTE_CHARS} characters)",
    )


def list_command(args: argparse.Namespace) -> int:
    """``msp-office alerts list [--json]``."""
    layout = office_layout(args)
    load_config(layout)  # an office folder, or one sentence saying it is not
    alerts = list_alerts(layout.alerts)
    if args.json:
        print(json.dumps([dataclasses.asdict(a) for a in alerts], indent=2, ensure_ascii=False))
        return 0
    if not alerts:
        print("There are no alerts.")
        return 0
    rows = [
        [
            a.id,
            a.time,
            a.kind,
            f"by {a.acknowledged_by} {a.acknowledged_at}" if a.acknowledged else "OPEN",
            a.summary + (f" [note: {a.note}]" if a.note else ""),
        ]
        for a in alerts
    ]
    print(table(["ID", "TIME", "KIND", "ACKNOWLEDGED", "WHAT"], rows))
    still_open = sum(1 for a in alerts if not a.acknowledged)
    if still_open:
        print(f"{still_open} open; once one is dealt with: {PROG} alerts ack ID --note TEXT")
    return 0


def ack(args: argparse.Namespace) -> int:
    """``msp-office alerts ack ID [--note TEXT]``."""
    layout = office_layout(args)
    load_config(layout)
    alert, now = acknowledge(layout.alerts, args.alert_id, note=args.note)
    if now:
        print(
            f"Alert {alert.id} ({alert.kind}, {alert.time}) acknowledged "
            f"by {alert.acknowledged_by}."
        )
    else:
        print(
            f"Alert {alert.id} was already acknowledged by {alert.acknowledged_by} "
            f"on {alert.acknowledged_at}; nothing was changed."
        )
    return 0
