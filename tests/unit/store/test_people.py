"""People and concerns: add, update, search-as-you-type."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.model import Stage
from msp_desktop.store import Workspace
from msp_desktop.store.people import search_query
from tests import builders
from tests.sync_helpers import close


@pytest.fixture
def caseload(workspace: Workspace) -> dict[str, str]:
    people = {
        "ada": builders.person("Ada Example", local_id="LC-10023", date_of_birth=date(1941, 5, 2)),
        "bryn": builders.person("Bryn Sample", preferred_name="Bry", local_id="LC-20001"),
        "sian": builders.person("Siân Prawf", local_id="LC-30077"),
        "margaret": builders.person("Margaret Exampleton", preferred_name="Peggy"),
    }
    for p in people.values():
        workspace.people.add(p)
    return {k: p.id for k, p in people.items()}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", {"ada", "bryn", "sian", "margaret"}),
        ("ada", {"ada"}),
        ("exam", {"ada", "margaret"}),
        ("ADA EXA", {"ada"}),
        ("sian", {"sian"}),  # diacritics removed: "Sian" finds "Siân"
        ("siân", {"sian"}),
        ("peggy", {"margaret"}),
        ("LC-100", {"ada"}),
        ("20001", {"bryn"}),
        ('"; DROP TABLE people; --', set()),
        ("NEAR(a b) OR *", set()),
        ("zzz", set()),
    ],
)
def test_search_as_you_type(
    workspace: Workspace, caseload: dict[str, str], typed: str, expected: set[str]
) -> None:
    found = {p.id for p in workspace.people.search(typed)}
    assert found == {caseload[k] for k in expected}
    assert workspace.people.count() == 4


def test_search_query_quotes_every_word() -> None:
    assert search_query("  ") is None
    assert search_query('mar "ex') == '"mar"* "ex"*'


def test_update_changes_details_and_search_index(
    workspace: Workspace, caseload: dict[str, str]
) -> None:
    ada = workspace.people.get(caseload["ada"])
    workspace.people.update(ada.model_copy(update={"preferred_name": "Addie"}))
    assert workspace.people.get(ada.id).preferred_name == "Addie"
    assert [p.id for p in workspace.people.search("addie")] == [ada.id]
    summary = workspace.people.summary(ada.id)
    assert summary.date_of_birth == date(1941, 5, 2)


def test_unknown_and_duplicate_people(workspace: Workspace, caseload: dict[str, str]) -> None:
    with pytest.raises(RecordNotFound):
        workspace.people.get("nobody")
    with pytest.raises(RecordNotFound):
        workspace.people.update(builders.person("Nobody Here"))
    with pytest.raises(InvalidInput, match="already on the caseload"):
        workspace.people.add(workspace.people.get(caseload["ada"]))
    assert workspace.people.count() == 4


def test_concern_stage_shows_on_the_caseload(
    workspace: Workspace, caseload: dict[str, str]
) -> None:
    ada = workspace.people.get(caseload["ada"])
    concern = builders.concern(ada)
    changes = workspace.concerns.add(concern)
    assert changes.concerns == {concern.id}
    assert changes.people == {ada.id}
    assert workspace.people.summary(ada.id).open_stage == "beginning"
    workspace.concerns.update(concern.model_copy(update={"stage": Stage.MIDDLE}))
    assert workspace.people.summary(ada.id).open_stage == "middle"
    workspace.concerns.update(concern.revised(stage=Stage.END))
    close(workspace, concern.id)
    assert workspace.people.summary(ada.id).open_stage is None
    assert [c.id for c in workspace.concerns.for_person(ada.id)] == [concern.id]


def test_concern_needs_a_person_and_cannot_move(
    workspace: Workspace, caseload: dict[str, str]
) -> None:
    orphan = builders.concern(builders.person("Not On Caseload"))
    with pytest.raises(RecordNotFound):
        workspace.concerns.add(orphan)
    concern = builders.concern(workspace.people.get(caseload["ada"]))
    workspace.concerns.add(concern)
    with pytest.raises(InvalidInput, match="another person"):
        workspace.concerns.update(concern.model_copy(update={"person_id": caseload["bryn"]}))
    assert workspace.concerns.count() == 1


def test_visit_due_is_the_earliest_across_open_concerns(
    workspace: Workspace, caseload: dict[str, str]
) -> None:
    today = date.today()
    ada = workspace.people.get(caseload["ada"])
    assert workspace.people.summary(ada.id).visit_due is None  # no concern: nothing due

    older = builders.concern(ada, raised_on=today - timedelta(days=60))
    workspace.concerns.add(older)
    # Raised with no conversation yet: the first one is due a week after raising.
    assert workspace.people.summary(ada.id).visit_due == today - timedelta(days=53)

    held = builders.draft_visit(older, visit_date=today - timedelta(days=10))
    workspace.visits.start(held)
    # A planned visit (dated after today) is not a conversation held.
    workspace.visits.start(builders.draft_visit(older, visit_date=today + timedelta(days=3)))
    assert workspace.people.summary(ada.id).visit_due == today + timedelta(days=18)

    newer = builders.concern(ada, raised_on=today - timedelta(days=2))
    workspace.concerns.add(newer)
    # Two open concerns: the one that needs a conversation soonest wins.
    assert workspace.people.summary(ada.id).visit_due == today + timedelta(days=5)
    found = {p.id: p for p in workspace.people.search("ada")}
    assert found[ada.id].visit_due == today + timedelta(days=5)
    everyone = {p.id: p for p in workspace.people.search("")}
    assert everyone[ada.id].visit_due == today + timedelta(days=5)
    assert everyone[caseload["bryn"]].visit_due is None

    close(workspace, newer.id)
    assert workspace.people.summary(ada.id).visit_due == today + timedelta(days=18)
    close(workspace, older.id)
    assert workspace.people.summary(ada.id).visit_due is None
