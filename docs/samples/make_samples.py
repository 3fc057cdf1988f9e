"""Render the first page of each document for Ada Example (fictional) as PNGs here.

Run from the repository root: ``.venv/bin/python -m docs.samples.make_samples``
or ``.venv/bin/python docs/samples/make_samples.py``. Needs ``pdftoppm``
(poppler-utils). The PDFs stay in memory; only the PNG previews are written.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from msp_desktop.documents import feedback_form, office_record, person_summary
from msp_desktop.model import OutcomeAchieved, Stage
from tests.unit.documents.records import RETURN_ADDRESS, SERVICE, WORKER, Case, make_case

HERE = Path(__file__).resolve().parent


def feedback(case: Case, lang: str) -> bytes:
    """The feedback form of the sample concern, posted back to the sample address."""
    return feedback_form(
        case.concern,
        lang=lang,  # type: ignore[arg-type]
        service=SERVICE,
        return_address=RETURN_ADDRESS,
    )


def main() -> None:
    case = make_case()

    def summary(style: str, lang: str) -> bytes:
        return person_summary(
            case.person,
            case.concern,
            case.visit,
            style=style,  # type: ignore[arg-type]
            lang=lang,  # type: ignore[arg-type]
            worker_name=WORKER,
            service=SERVICE,
        )

    # The end of the concern: each outcome rated at the closing conversation.
    ratings = [OutcomeAchieved.FULLY_ACHIEVED, OutcomeAchieved.PARTIALLY_ACHIEVED]
    end_visit = case.visit.revised(
        stage=Stage.END,
        desired_outcomes=[
            outcome.revised(achieved=ratings[n % 2])
            for n, outcome in enumerate(case.visit.desired_outcomes)
        ],
    )
    end = person_summary(
        case.person,
        case.concern.revised(stage=Stage.END),
        end_visit,
        style="plain",
        worker_name=WORKER,
        service=SERVICE,
    )
    _render(end, "summary-end-plain", page=_page_with(end, "How it went"))

    documents = {
        "summary-plain": summary("plain", "en"),
        "summary-large-print": summary("large-print", "en"),
        "summary-easy-read": summary("easy-read", "en"),
        "summary-plain-cy": summary("plain", "cy"),
        "summary-large-print-cy": summary("large-print", "cy"),
        "summary-easy-read-cy": summary("easy-read", "cy"),
        "office-record": office_record(case.person, case.concern, case.revisions, service=SERVICE),
        "feedback-form": feedback(case, "en"),
        "feedback-form-cy": feedback(case, "cy"),
    }
    for name, pdf in documents.items():
        _render(pdf, name, page=1)


def _page_with(pdf: bytes, words: str) -> int:
    """The first page of ``pdf`` whose text holds ``words``."""
    page = 1
    while True:
        found = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        if words in " ".join(found.split()):
            return page
        page += 1


def _render(pdf: bytes, name: str, *, page: int) -> None:
    """One page of ``pdf`` as ``docs/samples/<name>.png``."""
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            "-",
            str(HERE / name),
        ],
        input=pdf,
        check=True,
    )
    print(HERE / f"{name}.png")


if __name__ == "__main__":
    main()
