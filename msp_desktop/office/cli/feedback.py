"""``msp-office feedback record CODE --answers A1,A2,A3,A4``: a form posted back.

The person posts their feedback form to the office; someone there types in the
reference code printed on it and the four boxes ticked, in the order of the form's
questions. The office report counts these answers apart from the ones asked at visits.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from msp_desktop.bundles.manifest import format_time
from msp_desktop.model import ExperienceQuestion
from msp_desktop.office.cli.commands import database_url, office_layout
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.feedback import answer_words, record_returned_form

__all__ = ["HELP", "add_record_arguments", "record"]

HELP = (
    "Record a feedback form the person posted back: its reference code and the four "
    "answers ticked. Its answers are counted in the report apart from those asked at visits."
)


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``feedback record``."""
    parser.add_argument(
        "code", metavar="CODE", help="the reference printed on the form, e.g. K7QM-3RXD"
    )
    parser.add_argument(
        "--answers",
        required=True,
        metavar="A1,A2,A3,A4",
        help="the answer ticked for each question, in the form's order, separated by "
        f"commas; each one of: {', '.join(answer_words())} (blank: no box ticked, or more "
        "than one). E.g. --answers a-lot,quite-a-bit,blank,a-little",
    )


def record(args: argparse.Namespace) -> int:
    """Record the form; one sentence and nothing written when it cannot be."""
    layout = office_layout(args)
    store = open_store(layout.root, database_url(args), read_only=False)
    try:
        done = record_returned_form(
            store, args.code, args.answers, now=format_time(datetime.now(UTC))
        )
    finally:
        store.close()
    print(
        f"Recorded the returned feedback form {done.form.code} (the {done.language} form): "
        f"{done.answered} of {len(ExperienceQuestion)} questions answered."
    )
    return 0
