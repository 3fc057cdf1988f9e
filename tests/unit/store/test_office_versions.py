"""The worker chooses between their version of a record and the one the office sent
(issue 17, item 3), with a real encrypted workspace and real packs: keeping theirs sends
it on as before; using the office's is refused, changing nothing, until the worker's
own version is at the office, and then the office's becomes the record here without
being sent back."""

from __future__ import annotations

from pathlib import Path

import pytest

from msp_desktop.errors import RecordNotFound
from msp_desktop.store import Workspace
from msp_desktop.store.office_versions import NotYetAtOffice
from msp_desktop.store.outbox import pending_records
from msp_desktop.store.packs import last_known
from tests.sync_helpers import Office, ready, send_and_acknowledge
from tests.unit.store.test_sync_packs import _allocate, _correction, _office_records, _state


def _set_up(workspace: Workspace) -> tuple[Office, bytes, str]:
    """Ada from the office, changed here ("Addie"), then the office's correction of her
    (a new phone number) kept beside the worker's version. Ada's id."""
    office = Office()
    enrolment = ready(workspace, office)
    person, concern = _office_records()
    first = office.pack(enrolment, _allocate(person, concern), [person, concern])
    workspace.sync.import_pack(first.data)
    ada = workspace.people.get(person.id)
    workspace.people.update(ada.revised(preferred_name="Addie"))
    second = _correction(office, enrolment, first, person, "new phone number",
                         phone="01632 960009")  # fmt: skip
    assert workspace.sync.import_pack(second.data).kept_aside == [("person", person.id)]
    return office, enrolment, person.id


def test_keeping_mine_sets_the_offices_version_aside_and_mine_goes_on(
    workspace: Workspace,
) -> None:
    _office, _enrolment, ada = _set_up(workspace)
    [version] = workspace.sync.office_versions(ada)
    assert version.fields == ("phone", "preferred_name")
    assert (version.mine["preferred_name"], version.theirs["phone"]) == ("Addie", "01632 960009")
    assert not version.mine_at_office

    workspace.sync.keep_mine(version.conflict_id)

    assert workspace.sync.office_versions(ada) == []
    assert workspace.people.get(ada).preferred_name == "Addie"
    assert [(r.kind, r.record_id) for r in pending_records(workspace.db)] == [("person", ada)]
    [(detail,)] = workspace.db.all("SELECT detail FROM audit WHERE action = 'office_version'")
    assert "mine" in str(detail)
    with pytest.raises(RecordNotFound, match="settled already"):
        workspace.sync.keep_mine(version.conflict_id)


def test_the_offices_version_waits_until_mine_is_at_the_office(
    workspace: Workspace, tmp_path: Path
) -> None:
    office, enrolment, ada = _set_up(workspace)
    [version] = workspace.sync.office_versions(ada)
    before = _state(workspace)

    with pytest.raises(NotYetAtOffice, match="Sync \\(or export\\) first") as refused:
        workspace.sync.use_office_version(version.conflict_id)

    assert refused.value.message.endswith("Nothing was changed.")
    assert _state(workspace) == before
    # Once "Addie" is at the office, the office's version may be chosen.
    send_and_acknowledge(workspace, office, enrolment, tmp_path / "out")
    [version] = workspace.sync.office_versions(ada)
    assert version.mine_at_office

    workspace.sync.use_office_version(version.conflict_id)

    person = workspace.people.get(ada)
    assert person.model_dump(mode="json") == version.theirs  # the office's, whole
    assert (person.preferred_name, person.phone) == (None, "01632 960009")
    assert workspace.sync.office_versions(ada) == []
    assert pending_records(workspace.db) == []  # the office has it: nothing to send back
    known = last_known(workspace.db, "person", ada)
    assert known is not None
    assert known[0] == 2
