"""``msp-office``: the office command line. Thin: parse, call the office core, print.

Errors an admin can act on print one line, ``msp-office: <sentence>``, and exit
non-zero (a refused bundle: 11); anything else is a bug, logged as a scrubbed
traceback (no personal data) and reported in one line pointing at the log.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from msp_desktop import __version__
from msp_desktop.arg_types import arguments_problem
from msp_desktop.command_guard import run_guarded
from msp_desktop.logs import configure_logging
from msp_desktop.office.admin import ALLOW_ROOT_VARIABLE, check_writable, refuse_root
from msp_desktop.office.cli import (
    alerts,
    caseload,
    commands,
    conflicts,
    export,
    feedback,
    maintenance,
    packs,
    records,
    report,
    resync,
    serve,
)
from msp_desktop.office.dates import DEFAULT_TIME_ZONE
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.terminal_text import escaped_output

log = logging.getLogger("msp.office")
PROG = commands.PROG

Run = Callable[[argparse.Namespace], int]


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        metavar="OFFICE",
        help="the office folder (default: $MSP_OFFICE_DIR)",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="the office database, if not OFFICE/office.db: postgresql://USER@HOST/DATABASE "
        "or sqlite:///PATH (default: $MSP_OFFICE_DB); keys, quarantine and alerts stay in OFFICE",
    )
    _add_allow_root(parser, default=argparse.SUPPRESS)


def _add_allow_root(parser: argparse.ArgumentParser, *, default: object) -> None:
    # Before or after the command; SUPPRESS on the command's own, so that one does not
    # set False over a --allow-root given before the command.
    parser.add_argument(
        "--allow-root",
        action="store_true",
        default=default,
        help="run as root (containers, CI): files made are given to the office folder's "
        f"owner (also: {ALLOW_ROOT_VARIABLE}=1); otherwise msp-office refuses root",
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    """The full ``msp-office`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="MSP office: enrol devices, and verify and import the signed, encrypted "
        "record bundles they send, with a signed receipt for each.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__} (office database version {SCHEMA_VERSION})",
    )
    _add_allow_root(parser, default=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str,
        help_text: str,
        run: Run,
        where: argparse._SubParsersAction[argparse.ArgumentParser] = sub,
    ) -> argparse.ArgumentParser:
        p = where.add_parser(name, help=help_text, description=help_text)
        _add_common(p)
        p.set_defaults(run=run)
        return p

    p = command(
        "init",
        "Create an office: its keys (inbox, recovery, signing) and an empty database. "
        "Refuses a folder that already holds an office.",
        commands.init,
    )
    p.add_argument("--office-id", required=True, metavar="ID", help="e.g. north-council")
    p.add_argument("--name", required=True, help='e.g. "North Council Adult Safeguarding"')
    p.add_argument(
        "--time-zone",
        default=DEFAULT_TIME_ZONE,
        metavar="ZONE",
        help="the council's time zone, by whose calendar a record's date is judged "
        f"(default: {DEFAULT_TIME_ZONE})",
    )

    p = command("migrate", maintenance.MIGRATE_HELP, maintenance.migrate)
    maintenance.add_migrate_arguments(p)
    # The name of earlier versions, kept so scripts and notes that say it still work.
    p = command("upgrade", "The same as migrate (its earlier name).", maintenance.migrate)
    maintenance.add_migrate_arguments(p)

    p = command("backup", maintenance.BACKUP_HELP, maintenance.backup)
    maintenance.add_arguments(p)
    backup_sub = p.add_subparsers(dest="backup_command", required=False, metavar="verify")
    p = command("verify", maintenance.VERIFY_HELP, maintenance.backup_verify, backup_sub)
    maintenance.add_verify_arguments(p)

    p = command(
        "provisioning",
        "Write the signed office-keys.json that devices install.",
        commands.provisioning,
    )
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument(
        "--inbox-url",
        metavar="URL",
        help="where devices send bundles over the network (https://; msp sync)",
    )
    p.add_argument(
        "--tls-cert",
        type=Path,
        metavar="PEMFILE",
        help="the inbox's TLS certificate: devices pin its SHA-256 instead of trusting CAs",
    )

    devices = sub.add_parser("devices", help="Enrol, list, revoke and resync devices.")
    devices_sub = devices.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    p = command(
        "add",
        "Enrol a device from its enrolment.json (check the printed key id with the worker).",
        commands.devices_add,
        devices_sub,
    )
    p.add_argument("enrolment", type=Path, metavar="ENROLMENT.json")
    p.add_argument(
        "--replace",
        action="store_true",
        help="the device already has a key: revoke it and enrol this one (the file must "
        "carry the change signed by the old key: msp enrol --new-key)",
    )
    p = command(
        "replace-lost",
        "Give a device that lost its key (a lost laptop, a wiped workspace) a new key without "
        "the old key's signature: only with the key id read out by the worker. Alerted.",
        commands.devices_replace_lost,
        devices_sub,
    )
    p.add_argument("enrolment", type=Path, metavar="ENROLMENT.json")
    p.add_argument(
        "--confirm-key-id",
        required=True,
        metavar="ID",
        help="the new key id, as the worker reads it from the new device (not from the file)",
    )
    p.add_argument(
        "--reason", required=True, metavar="TEXT", help="why the old key is gone, for the audit"
    )
    p = command("list", "List enrolled device keys, revoked ones too.", commands.devices_list,
                devices_sub)  # fmt: skip
    _add_json(p)
    p = command(
        "revoke",
        "Revoke a device's key: its bundles are quarantined from now on.",
        commands.devices_revoke,
        devices_sub,
    )
    p.add_argument("device_id", metavar="DEVICE_ID")
    p.add_argument("--reason", default="revoked by the office", metavar="TEXT")
    p = command("resync", resync.HELP, resync.resync, devices_sub)
    resync.add_arguments(p)

    p = command(
        "verify",
        "Check a bundle as import would, without importing or writing anything. "
        "Exit 0 only if it would be imported (or already was).",
        commands.verify,
    )
    p.add_argument("bundle", type=Path, metavar="BUNDLE")

    p = command(
        "import",
        "Verify and import bundles, each in one transaction, and write a signed receipt "
        "for each. Refused bundles are reported and the others still imported.",
        commands.import_bundles,
    )
    p.add_argument("bundles", nargs="+", type=Path, metavar="BUNDLE")
    p.add_argument(
        "--receipts",
        type=Path,
        metavar="DIR",
        help="where to write receipts (default: OFFICE/receipts)",
    )

    p = command("conflicts", "List record revisions kept aside as conflicts.", commands.conflicts)
    _add_json(p)
    c_more = p.add_subparsers(dest="conflicts_command", required=False, metavar="show|resolve")
    conflicts.add_show_arguments(command("show", conflicts.SHOW_HELP, conflicts.show, c_more))
    conflicts.add_resolve_arguments(
        command("resolve", conflicts.RESOLVE_HELP, conflicts.settle, c_more)
    )

    owned = sub.add_parser(
        "records",
        help="Which device records belong to; corrections made at the office; cases shared "
        "with another device to read.",
    )
    owned_sub = owned.add_subparsers(dest="records_command", required=True, metavar="ACTION")
    p = command("transfer", records.TRANSFER_HELP, records.transfer, owned_sub)
    records.add_transfer_arguments(p)
    p = command("correct", records.CORRECT_HELP, records.correct, owned_sub)
    records.add_correct_arguments(p)
    p = command("share", records.SHARE_HELP, records.share, owned_sub)
    records.add_share_arguments(p)

    caseload_parser = sub.add_parser(
        "caseload", help="People and concerns from the council's system."
    )
    c_sub = caseload_parser.add_subparsers(dest="caseload_command", required=True, metavar="ACTION")
    p = command("import", caseload.IMPORT_HELP, caseload.caseload_import, c_sub)
    caseload.add_import_arguments(p)
    p = command("allocate", caseload.ALLOCATE_HELP, caseload.allocate)
    caseload.add_allocate_arguments(p)

    packs_parser = sub.add_parser("packs", help="Office packs: changes sent to the laptops.")
    k_sub = packs_parser.add_subparsers(dest="packs_command", required=True, metavar="ACTION")
    packs.add_issue_arguments(command("issue", packs.ISSUE_HELP, packs.issue, k_sub))
    packs.add_list_arguments(command("list", packs.LIST_HELP, packs.list_packs, k_sub))

    quarantine = sub.add_parser("quarantine", help="Bundles from unknown or revoked keys.")
    q_sub = quarantine.add_subparsers(dest="quarantine_command", required=True, metavar="ACTION")
    p = command(
        "list",
        "List quarantined bundles. After enrolling the device, import the file again.",
        commands.quarantine_list,
        q_sub,
    )
    _add_json(p)
    p = command(
        "remove",
        "Remove a bundle from quarantine (one it is no use keeping, such as the copy a "
        "revoked key signed that the laptop has since re-sealed): recorded in alerts.log, "
        "with the reason, before it is deleted.",
        commands.quarantine_remove,
        q_sub,
    )
    p.add_argument("bundle", metavar="BUNDLE", help="its SHA-256, or the start of it (8+ digits)")
    p.add_argument("--reason", required=True, metavar="TEXT", help="why, for the record (one line)")

    alerts_parser = sub.add_parser("alerts", help=alerts.HELP)
    a_sub = alerts_parser.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    _add_json(command("list", alerts.LIST_HELP, alerts.list_command, a_sub))
    alerts.add_ack_arguments(command("ack", alerts.ACK_HELP, alerts.ack, a_sub))

    p = command("status", "Count devices, bundles, records, conflicts and more.", commands.status)
    _add_json(p)

    p = command("report", report.HELP, report.run)
    report.add_arguments(p)

    p = command("export", export.HELP, export.run)
    export.add_arguments(p)

    forms = sub.add_parser("feedback", help="Feedback forms the person posted back.")
    forms_sub = forms.add_subparsers(dest="feedback_command", required=True, metavar="ACTION")
    p = command("record", feedback.HELP, feedback.record, forms_sub)
    feedback.add_record_arguments(p)

    p = command(
        "serve",
        "Take bundles over HTTPS (POST /v1/bundles) with the same checks and import as "
        "'import', answering each with its signed receipt. Plain HTTP only on loopback, "
        "or with --insecure-http behind a TLS proxy.",
        serve.serve,
    )
    serve.add_serve_arguments(p)
    p = command(
        "openapi",
        "Write the OpenAPI description of the 'serve' API (also served at /openapi.json).",
        serve.openapi,
    )
    serve.add_openapi_arguments(p)
    return parser


WRITES = frozenset(
    {
        "init",
        "migrate",
        "upgrade",
        "devices",
        "import",
        "feedback",
        "records",
        "serve",
        "caseload",
        "allocate",
        "packs",
    }
)
"""The commands that write into the office folder or database: each first checks it can
(``admin.check_writable``), so a root-owned ``receipts/`` refuses before anything changes."""


def _run(args: argparse.Namespace) -> int:
    office = getattr(args, "dir", None) or os.environ.get("MSP_OFFICE_DIR")
    allow_root = bool(getattr(args, "allow_root", False))
    refuse_root(Path(office) if office else None, allow_root=allow_root)
    listing = "list" in (
        getattr(args, "devices_command", None),
        getattr(args, "packs_command", None),
    )
    deciding = getattr(args, "conflicts_command", None) == "resolve"
    removing = getattr(args, "quarantine_command", None) == "remove"
    writes = (args.command in WRITES and not listing) or deciding or removing
    if writes and args.command != "init":
        layout = commands.office_layout(args)
        receipts: Path | None = getattr(args, "receipts", None)
        check_writable(layout, (receipts,) if receipts is not None else ())
    return int(args.run(args))


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``msp-office``; returns the exit code (also used as the console script)."""
    log_path = configure_logging()
    with escaped_output():
        args = build_parser().parse_args(argv)
        return run_guarded(
            PROG,
            lambda: _run(args),
            log,
            log_path,
            kept="bundles already imported are kept",
            # Never "unchanged": the failure may come after a commit (a bundle imported,
            # a device enrolled), and the office must not be told otherwise.
            safe="whatever it finished before (an imported bundle, an enrolled device) is "
            "kept; see what the office holds with: msp-office status",
            refused=arguments_problem(sys.argv[1:] if argv is None else argv, vars(args)),
        )


if __name__ == "__main__":
    sys.exit(main())
