"""Office packs in a network sync (``services.pack_sync`` on ``network.pack_fetch``): a
real encrypted workspace against the test inbox (``tests.inbox_server``), whose pack
answers each test queues. What must hold: a pack is applied only when it is this
device's, whole, from the office; a refusal or a failure changes nothing and says one
sentence; a receipt counts as delivered only on the office's answer naming it; an
office from before packs costs the worker nothing."""

from __future__ import annotations

import json

import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.pack import Change, SealedPack, write_pack
from msp_desktop.bundles.pack_request import PACK_REQUEST_HEADER
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.cli.output import pack_sync_lines
from msp_desktop.exit_codes import ExitCode
from msp_desktop.network.uploader import ATTEMPTS, OfficeUnreachable
from msp_desktop.services.network_sync import sync_now
from msp_desktop.store import Workspace
from tests import builders
from tests.inbox_server import Canned, InboxServer, NetOffice
from tests.sync_helpers import DEVICE_ID
from tests.unit.services.test_network_sync import Sleeps

OCTET = {"Content-Type": "application/octet-stream"}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def enrolment(workspace: Workspace, office: NetOffice, server: InboxServer) -> bytes:
    """The workspace trusts the office at the test inbox and is enrolled there."""
    workspace.import_office_keys(office.provisioning(server.url), office.key_id)
    enrolled = workspace.sync.enrol(DEVICE_ID)
    office.enrol(enrolled)
    return enrolled


def _person() -> tuple[RecordEnvelope, RecordEnvelope]:
    person = builders.person("Ada Example", local_id="M-1001")
    concern = builders.concern(person)
    return tuple(  # type: ignore[return-value]
        RecordEnvelope.wrap(kind, 1, record.model_dump(mode="json"),
                            saved_at="2026-12-06T09:00:00Z", saved_by="the office")
        for kind, record in (("person", person), ("concern", concern))
    )  # fmt: skip


def _pack(office: NetOffice, enrolment: bytes, *, signer: KeyPair | None = None,
          device_id: str | None = None) -> tuple[SealedPack, RecordEnvelope]:  # fmt: skip
    enrolled = read_enrolment(enrolment)
    assert enrolled.pack_key is not None
    person, concern = _person()
    changes = [Change(change="allocate", kind=r.kind, id=r.id, revision=1)
               for r in (person, concern)]  # fmt: skip
    sealed = write_pack(
        changes, [person, concern], office_id=office.config.office_id,
        device_id=device_id or enrolled.device_id, sequence=1, previous_pack_sha256=None,
        office_key=signer or office.keys.signing, recipient=enrolled.pack_key,
    )  # fmt: skip
    return sealed, person


def _taken(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.db.all("SELECT sequence, receipt_written_at IS NOT NULL FROM packs_received")


def test_a_pack_is_fetched_applied_and_its_receipt_delivered(
    workspace: Workspace, office: NetOffice, server: InboxServer, enrolment: bytes
) -> None:
    pack, person = _pack(office, enrolment)
    server.pack_answers.extend([Canned(200, pack.data, {**OCTET, "MSP-Pack-Sequence": "1"}),
                                Canned(204)])  # fmt: skip
    acknowledged = {"status": "acknowledged", "device_id": DEVICE_ID, "sequence": 1}
    server.pack_receipt_answers.append(Canned(200, json.dumps(acknowledged).encode(), JSON))

    report = sync_now(workspace, sleep=Sleeps())

    assert report.ok, report.errors
    assert report.packs is not None
    assert [(r.sequence, r.taken) for r in report.packs.new] == [(1, {"person": 1, "concern": 1})]
    assert workspace.people.get(person.id).name == "Ada Example"
    assert _taken(workspace) == [(1, 1)]
    # Asked twice (the second time after pack 1); the receipt is the device's own, signed.
    asks = [r for r in server.requests if r.path == "/v1/packs/next"]
    assert len(asks) == 2
    assert all(PACK_REQUEST_HEADER.lower() in r.header_names for r in asks)
    [receipt] = server.pack_receipts
    assert json.loads(receipt)["pack_receipt"]["pack_sha256"] == pack.sha256
    assert pack_sync_lines(report.packs) == [
        "Office pack 1 taken: 1 person and 1 concern from the office.",
        "The office was told which packs this device took (1 receipt sent).",
    ]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda o, e: _pack(o, e, signer=KeyPair.generate())[0].data, "not by the office key"),
        (lambda o, e: _pack(o, e, device_id="laptop-other")[0].data, "laptop-other"),
        (lambda o, e: b"age-encryption.org/v1\n-> X25519 junk\n", "office pack"),
    ],
)
def test_a_pack_that_is_not_this_devices_from_the_office_changes_nothing(
    workspace: Workspace,
    office: NetOffice,
    server: InboxServer,
    enrolment: bytes,
    make: object,
    says: str,
) -> None:
    data = make(office, enrolment)  # type: ignore[operator]
    server.pack_answers.append(Canned(200, data, OCTET))

    report = sync_now(workspace, sleep=Sleeps())

    assert report.packs is not None
    [error] = report.errors
    assert report.exit_code == ExitCode.REFUSED
    assert error.message.startswith("The office sent a pack that this device cannot take: ")
    assert says in error.message
    assert error.message.endswith(" Nothing was changed; tell the office.")
    assert workspace.people.count() == 0
    assert _taken(workspace) == []
    assert server.pack_receipts == []


def test_a_refused_request_is_said_in_the_offices_words_and_nothing_changes(
    workspace: Workspace, office: NetOffice, server: InboxServer, enrolment: bytes
) -> None:
    server.pack_answers.append(Canned.error(
        403, "The pack request was made 30 minutes behind the office's clock.",
        "RequestClockSkew"))  # fmt: skip

    report = sync_now(workspace, sleep=Sleeps())

    [error] = report.errors
    assert error.message == (
        "The office would not send this device its office packs. The office says: The pack "
        "request was made 30 minutes behind the office's clock."
    )
    assert report.exit_code == ExitCode.REFUSED
    assert _taken(workspace) == []


def test_an_office_from_before_packs_costs_the_worker_nothing(
    workspace: Workspace, office: NetOffice, server: InboxServer, enrolment: bytes
) -> None:
    report = sync_now(workspace, sleep=Sleeps())  # nothing queued: the inbox answers 404

    assert report.ok
    assert report.exit_code == 0
    assert report.packs is not None
    assert report.packs.office_without_packs
    assert pack_sync_lines(report.packs) == []
    assert [r.path for r in server.requests] == ["/v1/packs/next"]


def test_a_receipt_not_taken_stays_to_be_sent_again(
    workspace: Workspace, office: NetOffice, server: InboxServer, enrolment: bytes
) -> None:
    pack, _person_record = _pack(office, enrolment)
    server.pack_answers.extend([Canned(200, pack.data, OCTET), Canned(204)])
    server.pack_receipt_answers.extend([Canned(503, b"", {"Retry-After": "1"})] * ATTEMPTS)
    sleeps = Sleeps()

    first = sync_now(workspace, sleep=sleeps)

    [error] = first.errors
    assert isinstance(error, OfficeUnreachable)
    assert error.message.startswith("Could not send the receipt for office pack 1 to the office")
    assert _taken(workspace) == [(1, 0)]  # applied, its receipt still to send
    # The next sync sends it; an answer naming another pack does not count as delivered.
    server.pack_answers.append(Canned(204))
    wrong = {"status": "acknowledged", "device_id": DEVICE_ID, "sequence": 2}
    server.pack_receipt_answers.append(Canned(200, json.dumps(wrong).encode(), JSON))
    assert sync_now(workspace, sleep=sleeps).ok
    assert _taken(workspace) == [(1, 0)]
    server.pack_answers.append(Canned(204))
    right = {"status": "already-acknowledged", "device_id": DEVICE_ID, "sequence": 1}
    server.pack_receipt_answers.append(Canned(200, json.dumps(right).encode(), JSON))
    assert sync_now(workspace, sleep=sleeps).ok
    assert _taken(workspace) == [(1, 1)]


def test_an_office_that_stays_busy_is_tried_again_then_left_for_next_time(
    workspace: Workspace, office: NetOffice, server: InboxServer, enrolment: bytes
) -> None:
    server.pack_answers.extend([Canned(503, b"", {"Retry-After": "2"})] * ATTEMPTS)
    sleeps = Sleeps()

    report = sync_now(workspace, sleep=sleeps)

    [error] = report.errors
    assert isinstance(error, OfficeUnreachable)
    assert "Could not fetch office packs from the office" in error.message
    assert "they are fetched the next time you sync" in error.message
    assert report.exit_code == ExitCode.OFFICE_UNREACHABLE
    assert len([r for r in server.requests if r.path == "/v1/packs/next"]) == ATTEMPTS
    assert _taken(workspace) == []
