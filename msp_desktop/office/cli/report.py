"""``msp-office report --year 2025-26 [--format pdf|html|csv] --out FILE [--force]``.

The PDF (print, the board's papers) and the HTML page (the council's website: real
tables a screen reader can follow) hide small numbers alike. The CSV shows every
number, with the exact national labels as column names, for the council's own return.
Both are written atomically and owner-only; an existing file is replaced only with
``--force``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from msp_desktop.errors import InvalidInput
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.files import write_atomic
from msp_desktop.office.keys import load_config
from msp_desktop.office.reports.figures import FinancialYear, build_report, report_csv

__all__ = ["HELP", "add_arguments", "run"]

HELP = (
    "Count the Safeguarding Adults Collection figures of a financial year from the "
    "imported records: a PDF with charts or an accessible web page to publish (numbers "
    "from 1 to 5 hidden in both), or a CSV with every number, under the exact national "
    "labels."
)

FORMATS = ("pdf", "html", "csv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``report``."""
    parser.add_argument(
        "--year",
        required=True,
        metavar="YYYY-YY",
        help="the financial year, e.g. 2025-26 (1 April 2025 to 31 March 2026)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="pdf or html (small numbers hidden; html to publish on a website) or csv "
        "(every number); default: from --out's suffix",
    )
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InvalidInput(
        f"Say which format to write with --format pdf, --format html or --format csv "
        f"(the name {Path(args.out).name} does not end in .pdf, .html or .csv)."
    )


def run(args: argparse.Namespace) -> int:
    """Build the report and write it."""
    year = FinancialYear.parse(args.year)
    fmt = _format(args)
    out: Path = args.out
    if out.exists() and not args.force:
        raise InvalidInput(f"{out} already exists; add --force to replace it.")
    if not out.parent.is_dir():
        raise InvalidInput(f"The folder {out.parent} does not exist; nothing was written.")
    layout = office_layout(args)
    config = load_config(layout)
    store = open_store(layout.root, database_url(args), read_only=True)
    try:
        report = build_report(store, year, office_name=config.name)
    finally:
        store.close()
    if fmt == "pdf":
        from msp_desktop.office.reports.pdf import report_pdf  # reportlab only when needed

        data = report_pdf(report)
    elif fmt == "html":
        from msp_desktop.office.reports.html import report_html

        data = report_html(report)
    else:
        data = report_csv(report)
    write_atomic(out, data)
    count = report.concluded
    print(
        f"Wrote {out}: {count} concern{'' if count == 1 else 's'} concluded in "
        f"{year.label} ({year.span})."
    )
    if fmt == "pdf":
        print("Numbers from 1 to 5 are hidden in the PDF; the CSV shows every number.")
    elif fmt == "html":
        print(
            "Numbers from 1 to 5 are hidden in the page, as in the PDF; this is the version "
            "to publish on a website (its tables are read as tables by screen readers)."
        )
    else:
        print("The CSV shows every number, small ones too: it is for the council's own return.")
    for note in report.notes:
        print(f"Note: {note}")
    return 0
