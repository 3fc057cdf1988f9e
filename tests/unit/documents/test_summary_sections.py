"""What the person's copy says, section by section: the order, what is left out when
there is nothing to say, and the facts said in plain words (pictures named for easy read).
The PDF checks read the copy back with poppler."""

from __future__ import annotations

import subprocess
from datetime import date
from typing import get_args

import pytest

from msp_desktop.documents import person_summary
from msp_desktop.documents.summary import StyleName
from msp_desktop.documents.summary_sections import Section, ServiceDetails, sections
from msp_desktop.i18n import translator
from msp_desktop.model import (
    Action,
    ActionOwner,
    ActionStatus,
    Advocate,
    AdvocateStatus,
    AdvocateType,
    ConcernStatus,
    ConsentDecision,
    ConsentToShare,
    DesiredOutcome,
    Note,
    OutcomeAchieved,
    PositiveRiskDecision,
    PresentPerson,
    PresentRole,
    Risk,
    RiskType,
    Stage,
    SupportToDecide,
    Visit,
)
from tests import builders
from tests.unit.documents import pdftools

SERVICE = ServiceDetails("Sampletown Adult Social Care", "01632 960 111")
EN = translator("en")


def _sections(visit: Visit, **concern: object) -> list[Section]:
    person = builders.person()
    raised = builders.concern(person, **concern)
    return sections(person, raised, visit, EN, "Jo Worker", SERVICE)


def _visit(**fields: object) -> Visit:
    person = builders.person()
    return builders.draft_visit(builders.concern(person), visit_date=date(2026, 11, 2), **fields)


def _headings(found: list[Section]) -> list[str]:
    return [section.heading for section in found]


def _lines(found: list[Section], heading: str) -> list[str]:
    (section,) = [s for s in found if s.heading == heading]
    return [line for point in section.points for line in point.lines]


def test_a_full_visit_says_everything_in_order() -> None:
    visit = _visit(
        present=[PresentPerson(name="Alex Example", role=PresentRole.INTERPRETER)],
        desired_outcomes=[DesiredOutcome(words=Note(text="I want my money back."))],
        working_well=[Note(text="My neighbour helps.")],
        not_working=[Note(text="The post goes missing.")],
        safety_plan=Note(text="Keep the bank card in the safe."),
        support_to_decide=SupportToDecide(
            advocates=[
                Advocate(
                    type=AdvocateType.CARE_ACT_ADVOCATE,
                    status=AdvocateStatus.IN_PLACE,
                    name="Sam Advocate",
                )
            ]
        ),
        consent_to_share=ConsentToShare(decision=ConsentDecision.YES),
        actions=[Action(what=Note(text="Ring the bank."), owner=ActionOwner.WORKER)],
        next_visit_on=date(2026, 11, 30),
    )
    found = _sections(visit)
    assert _headings(found) == [
        "",
        "Why we talked",
        "Who was there",
        "What matters to you",
        "What is working well",
        "What is not working",
        "Staying safe",
        "Someone to help you speak up",
        "Who we will tell",
        "What we agreed",
        "What happens next",
        "How to contact us",
    ]
    assert "The worry was about: your money or your things." in _lines(found, "Why we talked")
    assert _lines(found, "Who was there") == [
        "You and your social worker: Jo Worker",
        "Alex Example: an interpreter",
    ]
    assert "Your advocate: Sam Advocate" in _lines(found, "Someone to help you speak up")
    assert "The next time we will see you: Monday 30\u00a0November\u00a02026" in _lines(
        found, "What happens next"
    )
    staying = [p.picture for s in found if s.heading == "Staying safe" for p in s.points]
    assert staying == ["staying_safe", "emergency"]  # 999 with the plan, not at the end
    assert "In an emergency, phone 999." not in _lines(found, "How to contact us")
    assert "If you are not happy with what we did, you can complain." in _lines(
        found, "How to contact us"
    )


def test_sections_with_nothing_to_say_are_left_out() -> None:
    found = _sections(_visit())
    assert _headings(found) == [
        "",
        "Why we talked",
        "Who was there",
        "Someone to help you speak up",  # the right to an advocate is always said
        "What happens next",
        "How to contact us",
    ]
    text = " ".join(line for section in found for p in section.points for line in p.lines)
    assert "not agreed" not in text  # never an empty "we have not agreed anything"
    assert "In an emergency, phone 999." in _lines(found, "How to contact us")


def test_only_professionals_are_named_among_those_present() -> None:
    visit = _visit(
        present=[
            PresentPerson(name="Robin Relative", role=PresentRole.FAMILY),
            PresentPerson(name="Dr Example", role=PresentRole.PROFESSIONAL),
            PresentPerson(name="Unsaid Person"),
        ]
    )
    lines = _lines(_sections(visit), "Who was there")
    assert lines[1:] == [
        "Also there: a member of your family",
        "Dr Example: a professional",
        "Also there: someone else",
    ]
    assert not any("Robin" in line or "Unsaid" in line for line in lines)


def test_a_tick_only_for_what_is_done() -> None:
    visit = _visit(
        actions=[
            Action(what=Note(text="Done thing."), status=ActionStatus.DONE),
            Action(what=Note(text="Open thing."), status=ActionStatus.OPEN),
            Action(what=Note(text="Missed thing."), status=ActionStatus.NOT_DONE),
            Action(what=Note(text="Dropped thing."), status=ActionStatus.NO_LONGER_NEEDED),
        ]
    )
    (agreed,) = [s for s in _sections(visit) if s.heading == "What we agreed"]
    assert [(p.lines[0], p.lines[-1], p.picture) for p in agreed.points] == [
        ("Done thing.", "This is done.", "done"),
        ("Open thing.", "Still to do.", "not_yet_done"),
        ("Missed thing.", "This was not done.", "not_yet_done"),
    ]


def test_who_we_tell_follows_the_decision_and_sharing_is_said_only_once_told() -> None:
    told = ConsentToShare(
        decision=ConsentDecision.NO, shared_without_consent=True, person_told=True
    )
    lines = _lines(_sections(_visit(consent_to_share=told)), "Who we will tell")
    assert lines[0] == "You said you do not want us to share it."
    assert lines[-1].startswith("We had to share some information")
    untold = told.revised(person_told=False)
    lines = _lines(_sections(_visit(consent_to_share=untold)), "Who we will tell")
    assert not any("We had to share" in line for line in lines)
    partly = ConsentToShare(decision=ConsentDecision.PARTLY, with_whom="The GP")
    assert "What we can share, and with whom: The GP" in _lines(
        _sections(_visit(consent_to_share=partly)), "Who we will tell"
    )


def test_the_end_of_a_concern_says_how_far_each_outcome_happened_and_that_it_closed() -> None:
    outcomes = [
        DesiredOutcome(words=Note(text="To feel safe."), achieved=OutcomeAchieved.FULLY_ACHIEVED),
        DesiredOutcome(words=Note(text="My money."), achieved=OutcomeAchieved.NOT_ACHIEVED),
    ]
    visit = _visit(stage=Stage.END, desired_outcomes=outcomes)
    found = _sections(visit, stage=Stage.END, status=ConcernStatus.CLOSED,
                      closed_on=date(2026, 11, 3))  # fmt: skip
    assert "What matters to you" not in _headings(found)  # said with how far it happened
    assert _lines(found, "How it went") == [
        "“To feel safe.”",
        "This happened.",
        "“My money.”",
        "This did not happen.",
        "Our work on your worry has now finished.",
        "If you are worried again, you can contact us at any time.",
    ]


def test_a_risk_the_person_chose_to_live_with_is_said_in_their_words() -> None:
    risk = Risk(
        description=Note(text="Going out alone at night"),
        risk_type=RiskType.SELF_NEGLECT,
        positive_risk=PositiveRiskDecision(
            choice=Note(text="I will keep walking to the club."),
            harm_reduction=Note(text="a taxi home on dark evenings"),
        ),
    )
    lines = _lines(_sections(_visit(risks=[risk])), "Staying safe")
    assert lines == [
        "We talked about: Going out alone at night",
        "You decided: “I will keep walking to the club.”",
        "To make it safer, we agreed: a taxi home on dark evenings",
        "In an emergency, phone 999.",
    ]


def _page_texts(pdf: bytes) -> list[str]:
    pages = int(pdftools.info(pdf)["Pages"])
    found = []
    for page in range(1, pages + 1):
        read = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), "-", "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=60,
        )
        found.append(" ".join(read.stdout.decode("utf-8").split()))
    return found


@pdftools.needs_poppler
@pytest.mark.parametrize("style", get_args(StyleName))
def test_the_emergency_line_is_on_the_same_page_as_the_plan(style: StyleName) -> None:
    person = builders.person()
    concern = builders.concern(person)
    visit = _visit(
        desired_outcomes=[DesiredOutcome(words=Note(text=f"Wish {n}.")) for n in range(6)],
        safety_plan=Note(text="Keep the bank card in the safe."),
    )
    pdf = person_summary(
        person, concern, visit, style=style, worker_name="Jo Worker", service=SERVICE
    )
    pages = _page_texts(pdf)
    (with_plan,) = [n for n, text in enumerate(pages) if "Keep the bank card" in text]
    assert "In an emergency, phone 999." in pages[with_plan]
