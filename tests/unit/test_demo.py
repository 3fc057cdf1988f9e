"""The demo caseload shows the journey: every finalised visit fully answered, the plan
and actions brought forward, open and overdue actions, closed concerns (one ceased at
the person's request), visits that did not happen, contact notes, and people's full
details, all fictional and the same every time."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from msp_desktop.demo import CEASED, CLOSED, NOT_HELD, fill_demo_caseload, nhs_number
from msp_desktop.model import (
    ActionStatus,
    ConcernStatus,
    ContactKind,
    CopyFormat,
    NotHeldReason,
    SG2cActionResult,
    Stage,
)
from msp_desktop.model.safe_text import check_nhs_number
from msp_desktop.practice.finalise import check_visit
from msp_desktop.practice.findings import Severity
from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "workspace"
    with Workspace.create(folder, PASSPHRASE, "Demo Worker") as ws:
        assert fill_demo_caseload(ws) == 25
    return folder


@pytest.fixture
def ws(demo: Path) -> Workspace:
    workspace = Workspace.open(demo, PASSPHRASE)
    yield workspace  # type: ignore[misc]
    workspace.close()


def _by_name(ws: Workspace) -> dict[str, str]:
    return {p.name: p.id for p in ws.people.search("", limit=100)}


def test_every_finalised_visit_held_answers_every_question(ws: Workspace) -> None:
    finalised = 0
    for summary in ws.visits.list(limit=1000):
        if summary.status != "finalised":
            continue
        visit = ws.visits.get(summary.id).visit
        concern = ws.concerns.get(visit.concern_id)
        assert visit.stage is not None
        findings = check_visit(
            visit,
            visit.stage,
            concern=concern if visit.stage is Stage.END else None,
            today=visit.visit_date,
        )
        asked = [f.code for f in findings if f.severity in (Severity.REQUIRED, Severity.WARNING)]
        assert asked == [], (summary.person_name, visit.stage, asked)
        finalised += 1
    # 3 not held; 12's first visit; middle: 6 first + 3 middle; end: 7 x 2 + 6 closing.
    assert finalised == 3 + 1 + 9 + 20


def test_later_visits_were_begun_with_the_plan_and_actions_brought_forward(
    ws: Workspace,
) -> None:
    ids = _by_name(ws)
    (concern,) = ws.concerns.for_person(ids["Kit Testcase"])  # i = 10, middle, finalised
    first, middle = sorted(
        (ws.visits.get(s.id).visit for s in ws.visits.list(concern_id=concern.id)),
        key=lambda v: v.visit_date or date.min,
    )
    assert [o.id for o in middle.desired_outcomes] == [o.id for o in first.desired_outcomes]
    assert set(middle.plan_carried) == {
        "risks",
        "safety_plan",
        "capacity",
        "undue_influence",  # 10 % 5 == 0: she declined help; support was planned
        "consent",
    }
    assert {a.id for a in first.actions} <= {a.id for a in middle.actions}
    carried = [a for a in middle.actions if a.carried]
    assert {a.what.text[:13]: a.status for a in carried if a.what} == {
        "Ring the bank": ActionStatus.DONE,
        "Ask the chape": ActionStatus.OPEN,
    }
    # The draft middle visit of Bryn Sample (i = 1) lists them still to review.
    (bryn,) = ws.concerns.for_person(ids["Bryn Sample"])
    drafts = [s for s in ws.visits.list(concern_id=bryn.id) if s.status == "draft"]
    draft = ws.visits.get(drafts[0].id).visit
    assert [a.status for a in draft.actions if a.carried] == [None, None]
    assert [o.words.text for o in draft.desired_outcomes]  # the person's words are there


def test_the_caseload_has_open_and_overdue_actions(ws: Workspace) -> None:
    today = date.today()
    actions = ws.actions.listed()
    overdue = ws.actions.listed(overdue_on=today)
    assert len(actions) == 36
    assert len(overdue) == 11  # see the module docstring of demo.py: 6 + 3 + 2
    assert all(a.is_overdue(today) for a in overdue)
    still_open = [a for a in actions if a.is_open and not a.is_overdue(today)]
    assert len(still_open) == 3  # the GP actions agreed at the finalised middle visits
    assert Counter(a.status for a in actions)[ActionStatus.NO_LONGER_NEEDED] == 1


def test_closed_concerns_one_ceased_at_the_persons_request(ws: Workspace) -> None:
    closed = {}
    for person in ws.people.search("", limit=100):
        for concern in ws.concerns.for_person(person.id):
            if concern.status is ConcernStatus.CLOSED:
                closed[person.local_id] = concern
    assert sorted(closed) == sorted(f"DEMO-{1000 + i}" for i in [*CLOSED, CEASED])
    ceased = closed[f"DEMO-{1000 + CEASED}"]
    assert ceased.action_result is SG2cActionResult.CEASED_AT_REQUEST
    assert ceased.close_reason is not None
    assert "asked for the enquiry to stop" in ceased.close_reason.text
    assert ceased.stage is Stage.MIDDLE  # ceased before the end: its stage is kept
    for i, (result, risk_outcome) in CLOSED.items():
        concern = closed[f"DEMO-{1000 + i}"]
        assert (concern.stage, concern.action_result, concern.risk_outcome) == (
            Stage.END,
            result,
            risk_outcome,
        )
        assert concern.closed_on is not None


def test_visits_that_did_not_happen_and_contact_notes(ws: Workspace) -> None:
    reasons = []
    for summary in ws.visits.list(limit=1000):
        visit = ws.visits.get(summary.id).visit
        if visit.not_held is not None:
            assert summary.status == "finalised"
            assert visit.not_held.rearranged_for is not None
            reasons.append(visit.not_held.reason)
    assert sorted(reasons) == sorted(reason for reason, _ in NOT_HELD.values())
    assert NotHeldReason.NO_ACCESS in reasons
    contacts = [c for p in ws.people.search("", limit=100) for c in ws.contacts.for_person(p.id)]
    assert len(contacts) == 10
    assert {c.kind for c in contacts} == {
        ContactKind.PHONE,
        ContactKind.LETTER,
        ContactKind.EMAIL,
    }
    assert sum(1 for c in contacts if c.concern_id is None) == 5


def test_people_have_their_full_details_all_fictional(ws: Workspace) -> None:
    people = [ws.people.get(p.id) for p in ws.people.search("", limit=100)]
    assert len(people) == 25
    numbers = [p.nhs_number for p in people if p.nhs_number]
    assert len(numbers) == 19  # everyone but i % 4 == 3
    for number in numbers:
        assert check_nhs_number(number) == number
        assert 9_990_000_000 <= int(number) <= 9_999_999_999  # the range kept for tests
    assert len(set(numbers)) == len(numbers)
    assert all(
        p.phone and (p.phone.startswith("01632 960") or p.phone.startswith("07700 900"))
        for p in people
    )
    formats = Counter(p.preferred_format for p in people)
    assert formats[CopyFormat.LARGE_PRINT] == 5  # i % 6 == 0
    assert formats[CopyFormat.EASY_READ] == 4  # i % 6 == 3
    assert formats[CopyFormat.PLAIN] == 8  # i % 6 in (1, 4)
    assert formats[None] == 8  # not asked yet
    risky = [m for p in people for m in p.household if m.may_be_source_of_risk]
    assert risky


def test_the_same_numbers_every_time() -> None:
    assert [nhs_number(i) for i in range(3)] == [nhs_number(i) for i in range(3)]
    assert all(check_nhs_number(nhs_number(i)) for i in range(200))
    assert all(nhs_number(i).startswith("999") for i in range(200))
