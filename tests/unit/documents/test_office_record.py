"""The office record: a case record a manager can read, every note marked in words."""

from __future__ import annotations

import enum
import re
import subprocess
from dataclasses import replace

import pytest

from msp_desktop import model
from msp_desktop.documents import office_record
from msp_desktop.model import Visit, iter_notes
from msp_desktop.practice import Finding, Severity, check_visit
from tests.unit.documents import pdftools
from tests.unit.documents.office_case import (
    ADVOCATE_REASON,
    CLOSING_WORDS,
    CONTACT_TEXT,
    POSITIVE_CHOICE,
    PROGRESS_WORDS,
    SAFETY_PLAN,
    WholeCase,
    make_whole_case,
)
from tests.unit.documents.records import (
    ACTION_WHAT,
    AMEND_REASON,
    GUIDE_ID,
    GUIDE_VERSION,
    HOUSEHOLD_CANARY,
    OUTCOME_WORDS,
    PLACE_CANARY,
    PRESENT_CANARY,
    SERVICE,
    Case,
)

pytestmark = pdftools.needs_poppler

MARK = {"third_party": "[Third party] ", "internal": "[Internal] "}


@pytest.fixture(scope="module")
def whole() -> WholeCase:
    return make_whole_case()


@pytest.fixture(scope="module")
def whole_pdf(whole: WholeCase) -> bytes:
    return office_record(
        whole.case.person,
        whole.case.concern,
        whole.revisions,
        service=SERVICE,
        contacts=whole.contacts,
    )


def _page_text(pdf: bytes, page: int) -> str:
    result = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return " ".join(result.stdout.decode("utf-8").split())


def _assert_notes_marked(text: str, records: list[model.RecordModel]) -> None:
    for record in records:
        for _path, note in iter_notes(record):
            mark = MARK.get(note.visibility.value, "")
            # The person's words are quoted as said; the mark comes before the quote.
            found = f"{mark}{note.text}" in text or f"{mark}“{note.text}”" in text
            assert found, note


def test_everything_is_there_and_marked(case: Case) -> None:
    text = pdftools.text(office_record(case.person, case.concern, case.revisions))
    _assert_notes_marked(text, [case.person, case.concern, case.visit])
    assert f"[Third party] {PRESENT_CANARY}" in text
    assert f"[Third party] {HOUSEHOLD_CANARY}" in text
    assert "[Internal] The person seems fearful" in text  # undue-influence signs
    assert PLACE_CANARY in text


def test_every_note_of_a_whole_concern_is_there_and_marked(
    whole: WholeCase, whole_pdf: bytes
) -> None:
    text = pdftools.text(whole_pdf)
    _assert_notes_marked(text, [whole.case.person, whole.case.concern, *whole.visits])
    assert f"[Internal] {CONTACT_TEXT}" in text  # a phone call in the chronology


def test_revisions_say_who_when_why_and_what_changed_in_words(case: Case) -> None:
    made_up = Finding("made_up", Severity.WARNING, "A finding passed in by the caller.", "x.y")
    pdf = office_record(case.person, case.concern, case.revisions, {case.visit.id: [made_up]})
    text = pdftools.text(pdf)
    assert "Revisions of this visit" in text
    assert "1 Finalised Started by Sam Worker on Monday 3 March 2025 at 10:00 UTC" in text
    assert "Finalised by Sam Worker on Monday 3 March 2025 at 11:05 UTC" in text
    assert "2 Draft (not finalised) Started by Sam Worker on Wednesday 5 March 2025" in text
    assert AMEND_REASON in text
    assert f"Conversation guide {GUIDE_ID}, version {GUIDE_VERSION}" in text
    assert "[Warning] A finding passed in by the caller." in text
    assert "x.y" not in text  # where a finding points is for the app, not the reader
    # What revision 2 changed (it added the risk), in words, before and after.
    assert "What revision 2 changed" in text
    assert "Risk 1, the worker's view (nothing recorded) [Internal] Quillon-internal-canary" in text
    assert "Risk 1, type (nothing recorded) Financial or Material Abuse" in text


def test_findings_are_checked_when_not_given(case: Case) -> None:
    text = pdftools.text(office_record(case.person, case.concern, case.revisions))
    assert "checked when this record was printed" in text
    for finding in check_visit(case.visit, case.concern.stage, concern=case.concern):
        assert " ".join(finding.message.split()) in text


def test_findings_name_the_steps_of_the_guide_the_visit_was_held_with(case: Case) -> None:
    # Held with the shipped MSP guide: a manager reads its step titles, not the rules' own.
    revisions = [
        replace(
            revision, visit=revision.visit.revised(guide_id="msp-visit", consent_to_record=None)
        )
        for revision in case.revisions
    ]
    text = " ".join(pdftools.text(office_record(case.person, case.concern, revisions)).split())
    assert "Record whether the person agreed to notes being made (Checking in)." in text
    assert "(Check in)" not in text
    assert "Conversation guide Making Safeguarding Personal visit, version" in text


def test_sections_come_in_the_order_of_a_case_record(whole_pdf: bytes) -> None:
    text = pdftools.text(whole_pdf)
    headings = [
        "Case record: Ada Example",
        "The person",
        "Household and people in their life",
        "The concern",
        "Chronology",
        "Visit 1: Monday 3 March 2025",
        "What matters to the person, in their words",
        "What is working and what is not",
        "Decisions and capacity",
        "Positive risk decision (risk 1)",
        "Risks and the safety plan",
        "What was agreed: actions",
        "Advocacy",
        "Consent to share",
        "Making their own choices (undue influence)",
        "Their experience",
        "Practice findings",
        "Revisions of this visit",
        "What revision 2 changed",
        "Visit 2: Thursday 13 March 2025",
        "Visit 3: Thursday 20 March 2025",
        "The plan from the last visit, reviewed",
        "Reflecting on the six principles",
        "Their experience at the close",
        "Closing the concern",
    ]
    where = 0
    for heading in headings:
        found = text.find(heading, where)
        assert found >= 0, f"{heading!r} missing or out of order"
        where = found + len(heading)


def test_the_concern_and_its_chronology(whole_pdf: bytes) -> None:
    text = pdftools.text(whole_pdf)
    # National labels word for word.
    assert "Type of risk (SG2a) Financial or Material Abuse" in text
    assert "Location of risk (SG2b) Own Home" in text
    assert "Source of risk (SG2b) Other - Known to individual" in text
    assert "Status Closed on Friday 21 March 2025" in text
    assert "Result (SG2c) Risk identified and action taken" in text
    assert "Risk outcome Risk reduced" in text
    assert "Monday 10 March 2025 Phone call" in text
    assert "Visit 2 did not happen: no access (nobody answered, or we could not get in)" in text
    assert "Friday 21 March 2025 Concern closed" in text


def test_the_persons_words_are_quoted(whole_pdf: bytes) -> None:
    text = pdftools.text(whole_pdf)
    assert f"“{OUTCOME_WORDS}”" in text
    assert f"“{PROGRESS_WORDS}”" in text
    assert "National rating: Partially Achieved" in text
    assert "Reviewed: It has already happened" in text
    assert f"“{POSITIVE_CHOICE}”" in text
    assert f"Their view on closing “{CLOSING_WORDS}”" in text


def test_visit_headings_say_what_happened_and_who_was_there(whole_pdf: bytes) -> None:
    text = pdftools.text(whole_pdf)
    assert "Stage Beginning stage What happened Held" in text
    assert "Who was there [Third party] Pat Advocate-present (Advocate)" in text
    assert "Did not happen: no access" in text
    assert "Rearranged for Thursday 20 March 2025" in text
    assert "Conversation guide Making Safeguarding Personal visit, version 1.0.0" in text


def test_risks_actions_and_decisions_in_words(whole_pdf: bytes) -> None:
    text = pdftools.text(whole_pdf)
    assert "Risk How serious The person's view The worker's view" in text
    assert "Financial or Material Abuse Money goes missing after visits" in text
    assert "High “I worry about money”" in text
    assert f"Safety plan {SAFETY_PLAN}" in text
    assert "What Who By when For Status" in text
    assert f"{ACTION_WHAT}" in text
    assert "Outcome 1 Done" in text
    assert "Not done Friend was ill" in text
    assert "Still to do" in text  # the first visit's open action, in the guide's words
    assert "Capacity for this decision Has capacity for this decision" in text
    assert "Assessed by Sam Worker on Monday 3 March 2025" in text
    assert "Care Act advocate Advocacy Hub Referred 3 March 2025" in text
    assert ADVOCATE_REASON in text
    assert "Their decision Partly With whom The bank and the GP" in text
    assert "Basis for sharing A risk to the person; A crime" in text
    assert "The person was told Yes" in text
    assert "Do you feel safer now because of the help from people dealing with your " in text
    assert "Quite a bit" in text


def test_every_page_is_marked_and_numbered(whole_pdf: bytes) -> None:
    pages = int(pdftools.info(whole_pdf)["Pages"])
    assert pages >= 3
    for page in range(1, pages + 1):
        text = _page_text(whole_pdf, page)
        assert text.startswith("OFFICIAL-SENSITIVE"), page  # the header
        assert text.count("OFFICIAL-SENSITIVE") >= 2, page  # and the footer
        assert f"Page {page} of {pages}" in text


def _identifiers() -> set[str]:
    """Every stored value of the app's own choices (national labels are words)."""
    found: set[str] = set()
    for name in model.__all__:
        value = getattr(model, name)
        if isinstance(value, type) and issubclass(value, enum.Enum):
            found.update(str(member.value) for member in value if "_" in str(member.value))
    return found


@pytest.mark.parametrize("which", ["whole", "canaries"])
def test_no_field_paths_or_stored_values(which: str, whole_pdf: bytes, case: Case) -> None:
    pdf = (
        whole_pdf if which == "whole" else office_record(case.person, case.concern, case.revisions)
    )
    text = pdftools.text(pdf)
    assert "›" not in text
    assert "_" not in text
    assert not re.findall(r"\b[a-z]+\.[a-z]+\b", text)  # dotted field paths
    for field in ("support_to_decide", "desired_outcomes", "workers_view", *Visit.model_fields):
        assert f"{field}:" not in text.lower()
        assert f"{field}." not in text
    assert not {value for value in _identifiers() if value in text}
    assert "care act advocate" not in text  # the stored value made into words, lower case
