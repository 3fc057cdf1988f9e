"""The hash-chained audit log: every change is recorded and tampering is detected."""

from __future__ import annotations

import pytest

from msp_desktop.store import Workspace, audit
from tests import builders


@pytest.fixture
def busy(workspace: Workspace) -> Workspace:
    p = builders.person()
    c = builders.concern(p)
    workspace.people.add(p)
    workspace.concerns.add(c)
    v = builders.complete_visit(c)
    workspace.visits.start(v)
    workspace.visits.finalise(v.id)
    workspace.visits.amend(v.id, "Wrong date")
    return workspace


def _drop_guards(ws: Workspace) -> None:
    # An attacker with the key can remove the triggers; the chain must still tell.
    for name in (
        "audit_is_append_only_update",
        "audit_is_append_only_delete",
        "finalised_revisions_are_read_only",
    ):
        ws.db.execute(f"DROP TRIGGER {name}")


def test_every_change_is_recorded_in_order(busy: Workspace) -> None:
    actions = [(e.entity, e.action) for e in audit.entries(busy.db)]
    assert actions == [
        ("person", "create"),
        ("concern", "create"),
        ("visit", "create"),
        ("visit", "finalise"),
        ("action", "create"),  # the agreed action, kept as a record of its own
        ("concern", "stage"),  # the beginning visit moved the concern on
        ("visit", "amend"),
    ]
    amend = audit.entries(busy.db)[-1]
    assert amend.detail == {"reason": "Wrong date", "from_revision": 1}
    assert amend.actor == "Test Worker"
    assert busy.check().healthy


def test_the_log_is_append_only(busy: Workspace) -> None:
    with pytest.raises(Exception, match="append-only"):
        busy.db.execute("DELETE FROM audit WHERE seq = 2")
    with pytest.raises(Exception, match="append-only"):
        busy.db.execute("UPDATE audit SET actor = 'x' WHERE seq = 2")


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        ("DELETE FROM audit WHERE seq = 2", "missing"),
        ("UPDATE audit SET actor = 'Someone Else' WHERE seq = 3", "altered"),
        ("UPDATE audit SET detail = '{}' WHERE seq = 5", "altered"),
        ("DELETE FROM audit WHERE seq = 7", "removed"),
        (
            "UPDATE visit_revisions SET data = replace(data, 'safe', 'unsafe') WHERE revision = 1",
            "changed after it was finalised",
        ),
    ],
    ids=["removed-middle", "edited-actor", "edited-detail", "removed-last", "edited-record"],
)
def test_tampering_is_detected(busy: Workspace, tamper: str, problem: str) -> None:
    _drop_guards(busy)
    busy.db.execute(tamper)
    report = busy.check()
    assert not report.healthy
    assert any(problem in p for p in report.problems), report.problems
