"""``msp-office records share`` (issue 17, item 2: a colleague's device reads a shared
case), on SQLite and PostgreSQL: sharing queues the person's case for the colleague's
device in order, a newer revision follows the share when the device's next pack is
planned (once), stopping queues the person's removal, and every refusal is one
sentence and changes nothing.

Until the pack format carries ``shared`` for every kind (``bundles.pack``, being changed
beside this), a pack holding a shared person cannot be sealed: the tests that seal and
open packs run once it can; the others read the queue and what ``issue_packs`` reports
for a colleague's device without a pack key (issuing plans, follows the share, and stops
before sealing).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from msp_desktop.bundles.pack import open_pack
from msp_desktop.office.admin import login_name
from msp_desktop.office.packs import Issued, NoPackKey, issue_packs
from msp_desktop.office.sharing import follow_shares
from tests import builders
from tests.office_helpers import Caseload, FakeDevice, caseload, envelope
from tests.unit.office.conftest import Office
from tests.unit.office.test_caseload import ADA, CAI, _file
from tests.unit.office.test_import_journey import _action, _contact

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
REASON = "covering while the worker is on leave"


def _whole_case(office: Office, device: FakeDevice) -> tuple[Caseload, str, str]:
    """A case of ``device``'s with a person, concern, visit, agreed action and contact
    note, imported; the action's and contact note's ids."""
    case = caseload()
    action = _action(case.visit)
    contact = _contact(case.person.id, case.concern.id)
    records = [envelope("contact", contact), envelope("action", action), *case.envelopes()]
    office.import_(device.bundle(office.inbox, records))
    return case, action.id, contact.id


def _queued(office: Office, device_id: str) -> list[tuple[str, str, str]]:
    return [(q.change, q.kind, q.record_id) for q in office.store.queued(device_id)]


def _share_row(office: Office, person_id: str, device_id: str) -> tuple[object, ...]:
    [row] = office.sql(
        "SELECT reason, shared_by, stopped_at IS NULL, stopped_by, stopped_reason "
        "FROM shared_cases WHERE person_id = ? AND device_id = ?",
        person_id,
        device_id,
    )
    return tuple(row)


def _issue(office: Office, device_id: str | None = None) -> list[Issued | NoPackKey]:
    return issue_packs(office.store, office.config, office.keys, device_id=device_id, now=NOW)


def test_sharing_queues_the_whole_case_for_the_colleagues_device_in_order(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case, action_id, contact_id = _whole_case(office, device)
    person = case.person.id
    capsys.readouterr()

    assert office.run("records", "share", "--person", person, "--with", "laptop-b",
                      "--reason", REASON) == 0  # fmt: skip

    assert capsys.readouterr().out == (
        f"Shared person {person}'s case (device laptop-7's) with device laptop-b, to read: "
        "5 records (1 person, 1 concern, 1 visit, 1 action, 1 contact) queued for its next "
        "office pack; newer revisions follow until the share is stopped.\n"
    )
    # Parents first: the person, their concerns, visits, agreed actions, contact notes.
    assert _queued(office, "laptop-b") == [
        ("shared", "person", person),
        ("shared", "concern", case.concern.id),
        ("shared", "visit", case.visit.id),
        ("shared", "action", action_id),
        ("shared", "contact", contact_id),
    ]
    assert {q.reason for q in office.store.queued("laptop-b")} == {REASON}
    assert _queued(office, "laptop-7") == []
    # The case stays laptop-7's; the share is audited by its row, each revision noted.
    assert office.store.owner("person", person) == "laptop-7"
    assert _share_row(office, person, "laptop-b") == (REASON, login_name(), True, None, None)
    assert office.store.shared_revisions("laptop-b") == {
        ("person", person): 1, ("concern", case.concern.id): 1, ("visit", case.visit.id): 1,
        ("action", action_id): 1, ("contact", contact_id): 1,
    }  # fmt: skip
    [share] = office.store.shares()
    assert (share.person_id, share.device_id, share.active) == (person, "laptop-b", True)


def test_a_caseload_person_is_named_by_their_local_id_and_their_concern_goes_too(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    assert office.run("caseload", "import", "--csv", _file(office, ADA, CAI)) == 0
    ada, cai = office.store.caseload_people()["M-1001"], office.store.caseload_people()["M-1003"]
    saf1 = office.store.caseload_concerns()["SAF-1"][0]
    capsys.readouterr()

    assert office.run("records", "share", "--person", "M-1001", "--with", "laptop-b") == 0
    assert office.run("records", "share", "--person", "M-1003", "--with", "laptop-b") == 0

    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"Shared person {ada}'s case (device laptop-7's) with device ")
    assert out[1].startswith(f"Shared person {cai}'s case (a case no device holds yet) with ")
    assert _queued(office, "laptop-b") == [
        ("shared", "person", ada),
        ("shared", "concern", saf1),
        ("shared", "person", cai),
    ]
    assert {q.reason for q in office.store.queued("laptop-b")} == {"shared by the office"}


def test_a_later_visit_from_the_owner_follows_the_share_at_the_next_issue_once(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    colleague = FakeDevice(device_id="laptop-c", worker="Cover Worker", pack=None)
    office.enrol(colleague)
    case = caseload()
    office.import_(device.bundle(office.inbox, case.envelopes()))
    assert office.run("records", "share", "--person", case.person.id, "--with", "laptop-c") == 0
    assert _issue(office, "laptop-c") == [NoPackKey("laptop-c", 3)]

    later = builders.complete_visit(case.concern, "I feel safer now the locks are changed.")
    office.import_(device.bundle(office.inbox, [envelope("visit", later)]))
    assert _queued(office, "laptop-c")[3:] == []  # not yet: it joins when a pack is planned

    # Issuing to every device: laptop-c has nothing new queued, but its share does.
    assert NoPackKey("laptop-c", 4) in _issue(office)
    assert _queued(office, "laptop-c")[3:] == [("shared", "visit", later.id)]
    assert office.store.shared_revisions("laptop-c")[("visit", later.id)] == 1
    # Exactly once: planning again finds nothing newer.
    assert _issue(office, "laptop-c") == [NoPackKey("laptop-c", 4)]
    assert follow_shares(office.store, "laptop-c", now="2026-12-07T10:00:00Z") == 0
    # A correction made at the office is a newer revision too, and follows.
    assert office.run("records", "correct", "person", case.person.id, "--set",
                      "phone=01632 960222", "--reason", "the council's record") == 0  # fmt: skip
    capsys.readouterr()
    assert office.run("packs", "issue", "--out", str(Path(office.root).parent)) == 0
    assert "Device laptop-c has 5 change(s) waiting but no pack key yet" in (
        capsys.readouterr().out
    )
    assert _queued(office, "laptop-c")[4:] == [("shared", "person", case.person.id)]
    assert office.store.shared_revisions("laptop-c")[("person", case.person.id)] == 2


def test_stopping_queues_the_removal_and_nothing_follows_until_shared_again(
    office: Office, device: FakeDevice, other: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    case = caseload()
    person = case.person.id
    office.import_(device.bundle(office.inbox, case.envelopes()))
    assert office.run("records", "share", "--person", person, "--with", "laptop-b") == 0
    capsys.readouterr()

    assert office.run("records", "share", "--stop", "--person", person, "--with", "laptop-b",
                      "--reason", "the worker is back") == 0  # fmt: skip

    assert capsys.readouterr().out == (
        f"Stopped sharing person {person}'s case with device laptop-b; its next office pack "
        "tells it to let the case go.\n"
    )
    # What no pack carried yet is not sent at all; the device lets the person go.
    assert _queued(office, "laptop-b") == [("remove", "person", person)]
    assert office.store.queued("laptop-b")[0].reason == "the worker is back"
    assert _share_row(office, person, "laptop-b") == (
        "shared by the office", login_name(), False, login_name(), "the worker is back",
    )  # fmt: skip
    assert office.store.shared_revisions("laptop-b") == {}
    later = builders.complete_visit(case.concern, "Another visit.")
    office.import_(device.bundle(office.inbox, [envelope("visit", later)]))
    assert follow_shares(office.store, "laptop-b", now="2026-12-07T10:00:00Z") == 0

    # Sharing again makes the same row active, with the new reason, and sends it whole.
    assert office.run("records", "share", "--person", person, "--with", "laptop-b",
                      "--reason", REASON) == 0  # fmt: skip
    assert _share_row(office, person, "laptop-b") == (REASON, login_name(), True, None, None)
    visits = sorted([case.visit.id, later.id])  # each kind in id order
    assert _queued(office, "laptop-b") == [
        ("remove", "person", person),
        ("shared", "person", person),
        ("shared", "concern", case.concern.id),
        *(("shared", "visit", visit) for visit in visits),
    ]
    assert len(office.store.shares()) == 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--person", "no-such-person", "--with", "laptop-b"), 8,
         "The office holds no person with the id 'no-such-person' (a record id, or the local "
         "id from the caseload import)."),
        (("--person", "PERSON", "--with", "laptop-z"), 8, "No device 'laptop-z' is enrolled here."),
        (("--person", "PERSON", "--with", "laptop-r"), 9,
         "Device laptop-r was revoked on 2026-11-21T09:00:00Z (stolen); records cannot be "
         "given to a revoked device."),
        (("--person", "PERSON", "--with", "laptop-7"), 9,
         "Person PERSON belongs to device laptop-7, which has their case already; nothing was "
         "shared."),
        (("--person", "PERSON", "--with", "laptop-b", "--reason", "covering\nfor Ann"), 2,
         "The reason must be one line of plain text, at most 500 characters."),
        (("--person", "PERSON", "--with", "laptop-b", "--reason", "again"), 9,
         "Person PERSON's case is shared with device laptop-b already; nothing changed (to "
         "share it for another reason, stop it first: --stop)."),
        (("--stop", "--person", "PERSON", "--with", "laptop-c"), 9,
         "Person PERSON's case is not shared with device laptop-c; nothing changed "
         "(msp-office records share --person ID --with DEVICE shares it)."),
        (("--stop", "--person", "OTHER", "--with", "laptop-b"), 9,
         "Person OTHER's case is not shared with device laptop-b; nothing changed "
         "(msp-office records share --person ID --with DEVICE shares it)."),
    ],
)  # fmt: skip
def test_a_share_is_refused_in_one_sentence_and_changes_nothing(
    office: Office,
    device: FakeDevice,
    other: FakeDevice,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    case, second = caseload(), caseload("Bea Example")
    office.import_(device.bundle(office.inbox, [*case.envelopes(), *second.envelopes()]))
    office.enrol(FakeDevice(device_id="laptop-c", worker="Cover Worker"))
    revoked = FakeDevice(device_id="laptop-r", worker="Gone Worker")
    office.enrol(revoked)
    office.store.revoke_key(revoked.key.key_id, at="2026-11-21T09:00:00Z", reason="stolen")
    assert office.run("records", "share", "--person", case.person.id, "--with", "laptop-b") == 0
    # The second person's share was stopped: stopping it again is refused too.
    assert office.run("records", "share", "--person", second.person.id, "--with", "laptop-b") == 0
    assert office.run("records", "share", "--stop", "--person", second.person.id,
                      "--with", "laptop-b") == 0  # fmt: skip
    capsys.readouterr()
    names = {"PERSON": case.person.id, "OTHER": second.person.id}
    before = office.db_hash()

    assert office.run("records", "share", *(names.get(a, a) for a in args)) == code

    for name, person_id in names.items():
        message = message.replace(name, person_id)
    assert capsys.readouterr().err == f"msp-office: {message}\n"
    assert office.db_hash() == before


def test_the_shared_case_and_what_follows_reach_the_device_in_its_packs(
    office: Office, device: FakeDevice, other: FakeDevice
) -> None:
    case = caseload()
    person = case.person.id
    office.import_(device.bundle(office.inbox, case.envelopes()))
    assert office.run("records", "share", "--person", person, "--with", "laptop-b") == 0

    def opened() -> list[tuple[str, str, str, int | None]]:
        [done] = [d for d in _issue(office, "laptop-b") if isinstance(d, Issued)]
        assert other.pack is not None
        key = office.keys.signing.public_key
        pack = open_pack(
            done.sealed.data, identity=other.pack, office_key=key, device_id="laptop-b"
        )
        return [(c.change, c.kind, c.id, c.revision) for c in pack.changes]

    assert opened() == [
        ("shared", "person", person, 1),
        ("shared", "concern", case.concern.id, 1),
        ("shared", "visit", case.visit.id, 1),
    ]
    later = builders.complete_visit(case.concern, "A later visit.")
    office.import_(device.bundle(office.inbox, [envelope("visit", later)]))
    assert opened() == [("shared", "visit", later.id, 1)]
    assert _issue(office, "laptop-b") == []
    assert office.run("records", "share", "--stop", "--person", person, "--with", "laptop-b") == 0
    assert opened() == [("remove", "person", person, None)]
