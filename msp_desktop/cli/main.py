"""``msp``: the device command line. Thin: parse, call the core, print.

Errors a worker can act on print one line, ``msp: <sentence>``, and exit non-zero;
anything else is a bug, logged as a scrubbed traceback (no personal data) and
reported in one line pointing at the log.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from msp_desktop import __version__
from msp_desktop.arg_types import arguments_problem
from msp_desktop.cli import commands, document_commands, sync_commands
from msp_desktop.cli.guide_commands import add_guide_commands
from msp_desktop.cli.journey_commands import add_journey_commands
from msp_desktop.cli.recovery_commands import add_recovery_parser
from msp_desktop.command_guard import run_guarded
from msp_desktop.crash_dumps import no_crash_dumps
from msp_desktop.logs import configure_logging
from msp_desktop.model import SAFETY_QUESTION
from msp_desktop.terminal_text import escaped_output

log = logging.getLogger("msp.cli")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        help="workspace folder (default: $MSP_WORKSPACE, else your local data folder)",
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        type=Path,
        help="read the passphrase from FILE (owner-only); else $MSP_PASSPHRASE, else ask",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full ``msp`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="msp",
        description="MSP Desktop: Making Safeguarding Personal records in an encrypted "
        "workspace on this device.",
    )
    parser.add_argument("--version", action="version", version=f"msp {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, help_text: str, run: Callable[[argparse.Namespace], int]
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        _add_common(p)
        p.set_defaults(run=run)
        return p

    p = command("init", "Create a new encrypted workspace.", commands.init)
    p.add_argument("--worker", default=None, help="your name as it appears on records")
    p.add_argument(
        "--office-keys",
        type=Path,
        metavar="FILE",
        help="also trust this office (its signed office-keys.json)",
    )
    p.add_argument("--office-key-id", metavar="ID", help="the key id the office read out")

    p = command(
        "demo",
        "Create a new workspace filled with a fictional caseload, for training and trials.",
        commands.demo,
    )
    p.add_argument("--worker", default="Demo Worker", help="the demo worker's name")

    add_journey_commands(sub, _add_common)

    visits = sub.add_parser("visits", help="List and show visits.")
    visits_sub = visits.add_subparsers(dest="visits_command", required=True, metavar="ACTION")
    p = visits_sub.add_parser("list", help="List visits, newest first.")
    _add_common(p)
    p.add_argument("--person", default=None, metavar="ID", help="only this person's visits")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=commands.visits_list)
    p = visits_sub.add_parser("show", help="Show one visit with its revisions.")
    _add_common(p)
    p.add_argument("id", metavar="ID", help="the visit id")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=commands.visits_show)

    command(
        "check",
        "Check the workspace: encrypted pages, structure, links, audit chain. "
        "Exit 0 only when healthy.",
        commands.check,
    )
    command(
        "passwd",
        "Change the passphrase (new one from $MSP_NEW_PASSPHRASE or asked twice). "
        "Only the key file is rewritten.",
        commands.passwd,
    )
    command(
        "rekey",
        "My passphrase may be known: give the workspace a new database key and a new "
        "passphrase ($MSP_NEW_PASSPHRASE or asked twice), so no older key file or old "
        "passphrase opens it. Backups made before keep the old passphrase and key.",
        commands.rekey,
    )
    p = command("backup", "Write a verified, encrypted backup.", commands.backup)
    p.add_argument("--to", required=True, type=Path, metavar="FILE", help="the backup file")
    p = command(
        "restore",
        "Put a verified backup in place; the current files are moved aside, not deleted.",
        commands.restore,
    )
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="FILE")
    add_recovery_parser(sub)
    add_guide_commands(sub)

    _add_document_commands(sub, command)
    sync_commands.add_sync_commands(sub, command, _add_common)

    p = sub.add_parser("schema", help="Write the JSON Schemas of the records (for the office).")
    p.add_argument("--out", required=True, type=Path, metavar="DIR")
    p.set_defaults(run=commands.schema)
    return parser


def _add_document_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    command: Callable[[str, str, Callable[[argparse.Namespace], int]], argparse.ArgumentParser],
) -> None:
    docs = document_commands

    def out_options(p: argparse.ArgumentParser, required: bool = True) -> None:
        p.add_argument(
            "--out", required=required, type=Path, metavar="FILE.pdf", help="the PDF to write"
        )
        p.add_argument("--force", action="store_true", help="replace FILE.pdf if it exists")

    p = command(
        "summary",
        f"Write the person's summary of a finalised visit. --copy is required: it is the "
        f'answer to "{SAFETY_QUESTION}" and is recorded; no-copy writes no file.',
        docs.summary,
    )
    p.add_argument("id", metavar="VISIT_ID", help="the visit id")
    p.add_argument(
        "--copy",
        required=True,
        choices=docs.COPY_OPTIONS,
        help="the person's answer: a copy to keep; no copy (told verbally); a copy held by "
        "someone they trust; a copy to collect later",
    )
    p.add_argument(
        "--style",
        choices=docs.STYLE_OPTIONS,
        help="the format of the copy (default: the format the person asked for, else plain)",
    )
    p.add_argument(
        "--lang",
        choices=docs.LANG_OPTIONS,
        help="English or Welsh (default: the person's preferred language)",
    )
    p.add_argument(
        "--neutral-title",
        action="store_true",
        help='a title without the words "safeguarding" or "abuse"',
    )
    out_options(p, required=False)

    p = command(
        "record",
        "Write the office record of a visit's concern: every visit and revision, drafts "
        "marked, third-party and internal text marked.",
        docs.record,
    )
    p.add_argument("id", metavar="VISIT_ID", help="a visit of the concern")
    out_options(p)

    p = command(
        "feedback-form",
        "Write the easy-read feedback form of a concern (no name on it).",
        docs.feedback_form,
    )
    p.add_argument("id", metavar="CONCERN_ID", help="the concern id")
    p.add_argument(
        "--lang",
        choices=docs.LANG_OPTIONS,
        help="English or Welsh (default: the person's preferred language)",
    )
    out_options(p)

    service = sub.add_parser("service", help="The team named on the person's copies.")
    service_sub = service.add_subparsers(dest="service_command", required=True, metavar="ACTION")
    p = service_sub.add_parser(
        "set",
        help="Set the team's name, phone, email and return address printed on the person's copies.",
    )
    _add_common(p)
    p.add_argument("--name", required=True, help='the team, e.g. "Adult Social Care"')
    p.add_argument("--phone", required=True, help="the number the person can ring")
    p.add_argument("--email", default=None, help="an email address (optional)")
    p.add_argument(
        "--return-address",
        default=None,
        metavar="ADDRESS",
        help="where the person posts the feedback form, lines separated by commas, e.g. "
        '"Freepost RTXX-ABCD, Adult Social Care, Town Hall, Town AB1 2CD" (the feedback form '
        "needs it)",
    )
    p.set_defaults(run=docs.service_set)
    p = service_sub.add_parser("show", help="Show the team printed on the person's copies.")
    _add_common(p)
    p.set_defaults(run=docs.service_show)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``msp``; returns the exit code (also used as the console script)."""
    no_crash_dumps()  # first: nothing of a key or a record may reach a dump file
    log_path = configure_logging()
    with escaped_output():
        args = build_parser().parse_args(argv)
        return run_guarded(
            "msp",
            lambda: int(args.run(args)),
            log,
            log_path,
            kept="anything already saved is kept",
            safe="saved records are safe",
            refused=arguments_problem(sys.argv[1:] if argv is None else argv, vars(args)),
        )


if __name__ == "__main__":
    sys.exit(main())
