"""The office record: everything, with third-party and internal text marked in words."""

from __future__ import annotations

from dataclasses import replace

from msp_desktop.documents import office_record
from msp_desktop.model import iter_notes
from msp_desktop.practice import Finding, Severity, check_visit
from tests.unit.documents import pdftools
from tests.unit.documents.records import (
    AMEND_REASON,
    GUIDE_ID,
    GUIDE_VERSION,
    HOUSEHOLD_CANARY,
    PLACE_CANARY,
    PRESENT_CANARY,
    Case,
)

pytestmark = pdftools.needs_poppler


def test_everything_is_there_and_marked(case: Case) -> None:
    text = pdftools.text(office_record(case.person, case.concern, case.revisions))
    for record in (case.person, case.concern, case.visit):
        for _path, note in iter_notes(record):
            mark = {"third_party": "[Third party] ", "internal": "[Internal] "}.get(
                note.visibility.value, ""
            )
            assert f"{mark}{note.text}" in text, note
    assert f"[Third party] {PRESENT_CANARY}" in text
    assert f"[Third party] {HOUSEHOLD_CANARY}" in text
    assert "[Internal] seems fearful" in text  # undue-influence indicators
    assert PLACE_CANARY in text


def test_revisions_guide_and_findings(case: Case) -> None:
    made_up = Finding("made_up", Severity.WARNING, "A finding passed in by the caller.", "x")
    pdf = office_record(case.person, case.concern, case.revisions, {case.visit.id: [made_up]})
    text = pdftools.text(pdf)
    assert "Revision 1: finalised" in text
    assert "Revision 2: draft" in text
    assert f"Reason for the change {AMEND_REASON}" in text
    assert "Finalised 2025-03-03T11:05:00Z" in text
    assert f"Conversation guide: {GUIDE_ID}, version {GUIDE_VERSION}" in text
    assert "[Warning] A finding passed in by the caller." in text
    # What revision 2 changed (it added the risk) is listed with the old and new value.
    assert "Changed in revision 2" in text
    assert "[Internal] was: (none); now: Quillon-internal-canary analysis" in text


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
