"""An appropriate person who is also named where a risk comes from raises a finding."""

from __future__ import annotations

from msp_desktop.model import Note, Risk, Stage, SupportToDecide, UndueInfluence, Visit
from msp_desktop.practice import Severity, appropriate_person_conflict, check_visit
from tests import builders


def _visit(appropriate: str | None, *sources: str, noticed: str | None = None) -> Visit:
    return builders.draft_visit(
        builders.concern(builders.person()),
        support_to_decide=SupportToDecide(
            appropriate_person_available=appropriate is not None,
            appropriate_person=Note.third_party(appropriate) if appropriate else None,
        ),
        risks=[Risk(source_detail=Note.third_party(source)) for source in sources],
        undue_influence=UndueInfluence(notes=Note.third_party(noticed) if noticed else None),
    )


def test_the_same_name_as_a_source_of_risk_is_a_warning() -> None:
    visit = _visit("Sam Sample, her nephew", "Her nephew Sam takes her pension")
    (finding,) = appropriate_person_conflict(visit)
    assert finding.code == "appropriate_person_named_in_risk"
    assert finding.severity is Severity.WARNING
    assert finding.where == "support_to_decide.appropriate_person"
    assert "Sam" not in finding.message  # no third party's name in the message
    assert finding in check_visit(visit, Stage.BEGINNING)


def test_a_name_in_what_was_noticed_counts_too() -> None:
    visit = _visit("Alex Example", noticed="Alex answered every question for her")
    assert [f.code for f in appropriate_person_conflict(visit)] == [
        "appropriate_person_named_in_risk"
    ]


def test_different_names_titles_and_no_appropriate_person_raise_nothing() -> None:
    assert appropriate_person_conflict(_visit("Sam Sample", "A man from the door club")) == []
    assert appropriate_person_conflict(_visit("Mrs Sample", "Mrs Jones next door")) == []
    assert appropriate_person_conflict(_visit(None, "Sam takes her pension")) == []
