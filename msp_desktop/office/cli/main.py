"""``msp-office``: the office command line. Thin: parse, call the office core, print.

Errors an admin can act on print one line, ``msp-office: <sentence>``, and exit
non-zero (a refused bundle: 11); anything else is a bug, logged as a scrubbed
traceback (no personal data) and reported in one line pointing at the log.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from msp_desktop import __version__
from msp_desktop.command_guard import run_guarded
from msp_desktop.logs import configure_logging
from msp_desktop.office.cli import commands, feedback, report, serve

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


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    """The full ``msp-office`` argument parser."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="MSP office: enrol devices, and verify and import the signed, encrypted "
        "record bundles they send, with a signed receipt for each.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
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

    command(
        "upgrade",
        "Upgrade the office database to this msp-office's version, keeping everything it "
        "holds (a SQLite database is copied beside itself first). Run it once after "
        "installing a newer msp-office: the other commands refuse an older database.",
        commands.upgrade,
    )

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

    devices = sub.add_parser("devices", help="Enrol, list and revoke devices.")
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
        help="the device already has a key: revoke it and enrol this one",
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

    quarantine = sub.add_parser("quarantine", help="Bundles from unknown or revoked keys.")
    q_sub = quarantine.add_subparsers(dest="quarantine_command", required=True, metavar="ACTION")
    p = command(
        "list",
        "List quarantined bundles. After enrolling the device, import the file again.",
        commands.quarantine_list,
        q_sub,
    )
    _add_json(p)

    p = command("status", "Count devices, bundles, records, conflicts and more.", commands.status)
    _add_json(p)

    p = command("report", report.HELP, report.run)
    report.add_arguments(p)

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


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``msp-office``; returns the exit code (also used as the console script)."""
    log_path = configure_logging()
    args = build_parser().parse_args(argv)
    return run_guarded(
        PROG,
        lambda: int(args.run(args)),
        log,
        log_path,
        kept="bundles already imported are kept",
        safe="the office database is unchanged by it",
    )


if __name__ == "__main__":
    sys.exit(main())
