"""People added and changed through the service the app and ``msp`` share (real SQLCipher)."""

from __future__ import annotations

import pytest

from msp_desktop.errors import InvalidInput
from msp_desktop.model import CommunicationNeed, CopyFormat, Note
from msp_desktop.services.people import add_person, edit_person, parse_needs
from msp_desktop.store import Workspace


def test_a_person_with_every_detail_is_kept_and_audited(workspace: Workspace) -> None:
    person = add_person(
        workspace,
        {
            "name": "Eira Example",
            "nhs_number": "943 476 5919",
            "phone": "01234 567890",
            "address": Note(text="1 Example Road"),
            "communication_needs": [CommunicationNeed.LARGE_PRINT],
            "preferred_format": CopyFormat.LARGE_PRINT,
            "household": [
                {"name": "Gwyn Example", "relationship": "son", "may_be_source_of_risk": True}
            ],
        },
    )
    stored = workspace.people.get(person.id)
    assert stored.nhs_number == "9434765919"
    assert stored.preferred_format is CopyFormat.LARGE_PRINT
    (member,) = stored.household
    assert member.may_be_source_of_risk
    assert member.visibility == "third_party"
    assert [e.action for e in workspace.audit_entries(person.id)] == ["create"]


@pytest.mark.parametrize(
    ("details", "sentence"),
    [
        (
            {"name": "Eira Example", "nhs_number": "943 476 5918"},
            "The NHS number is not right: its last digit does not match the others; check it "
            "was copied right. Nothing was saved.",
        ),
        (
            {"name": "Eira Example", "nhs_number": "12345"},
            "The NHS number is not right: it should be 10 digits, for example 943 476 5919. "
            "Nothing was saved.",
        ),
        (
            {"name": "Eira\u202eelpmaxE"},
            "The name holds a control or text-direction character that could hide or reorder "
            "what it says; type it again without it. Nothing was saved.",
        ),
        (
            {"name": "Eira Example", "address": Note(text="1 Road\x07")},
            "The address holds a control or text-direction character that could hide or "
            "reorder what it says; type it again without it. Nothing was saved.",
        ),
    ],
    ids=["nhs-check-digit", "nhs-length", "bidi-override-in-name", "control-in-address"],
)
def test_bad_details_are_refused_in_one_sentence_and_nothing_changes(
    workspace: Workspace, details: dict[str, object], sentence: str
) -> None:
    before = len(workspace.audit_entries())
    with pytest.raises(InvalidInput) as refused:
        add_person(workspace, details)
    assert refused.value.message == sentence
    assert workspace.people.count() == 0
    assert len(workspace.audit_entries()) == before


def test_a_note_keeps_its_line_breaks(workspace: Workspace) -> None:
    person = add_person(
        workspace, {"name": "Eira Example", "address": Note(text="1 Example Road\nSampletown")}
    )
    assert workspace.people.get(person.id).address == Note(text="1 Example Road\nSampletown")


def test_editing_changes_only_what_is_given_and_is_audited(workspace: Workspace) -> None:
    person = add_person(workspace, {"name": "Eira Example", "phone": "01234 567890"})
    edit_person(workspace, person.id, {"phone": None, "preferred_format": CopyFormat.EASY_READ})
    stored = workspace.people.get(person.id)
    assert (stored.name, stored.phone, stored.preferred_format) == (
        "Eira Example",
        None,
        CopyFormat.EASY_READ,
    )
    assert [e.action for e in workspace.audit_entries(person.id)] == ["create", "update"]
    assert not edit_person(workspace, person.id, {"phone": None})  # nothing different


def test_needs_typed_in_words_keep_every_word() -> None:
    needs, rest = parse_needs("Large print; BSL, hearing loop in the front room")
    assert needs == [CommunicationNeed.LARGE_PRINT, CommunicationNeed.BSL]
    assert rest == "hearing loop in the front room"
    assert parse_needs("") == ([], None)
