"""'Sync now' also fetches the office's packs (issue 17, item 3): against the test inbox
over https with a pinned certificate, on a real workspace in a real main window. The
worker sees what came from the office; a pack the laptop cannot take is said in one
sentence and changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.pack import Change, write_pack
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.records import RecordEnvelope
from tests import builders
from tests.inbox_server import Canned
from tests.ui.helpers import on_worker
from tests.ui.sync.test_sync_now import Net, make_net
from ui import messages

OCTET = {"Content-Type": "application/octet-stream"}


@pytest.fixture
def net(qtbot: QtBot, tmp_path: Path) -> Iterator[Net]:
    yield from make_net(qtbot, tmp_path / "net")


def _pack(qtbot: QtBot, net: Net, signer: KeyPair | None = None) -> tuple[bytes, str]:
    """Pack 1 for the laptop: Ada and her concern, allocated by the office."""
    enrolment = read_enrolment(on_worker(qtbot, net.worker, lambda ws: ws.sync.enrol()))
    assert enrolment.pack_key is not None
    person = builders.person("Ada Example", local_id="M-1001")
    records = [
        RecordEnvelope.wrap(kind, 1, record.model_dump(mode="json"),
                            saved_at="2026-12-06T09:00:00Z", saved_by="the office")
        for kind, record in (("person", person), ("concern", builders.concern(person)))
    ]  # fmt: skip
    changes = [Change(change="allocate", kind=r.kind, id=r.id, revision=1) for r in records]
    sealed = write_pack(
        changes, records, office_id=net.office.config.office_id,
        device_id=enrolment.device_id, sequence=1, previous_pack_sha256=None,
        office_key=signer or net.office.keys.signing, recipient=enrolment.pack_key,
    )  # fmt: skip
    return sealed.data, person.id


def test_sync_now_brings_what_the_office_allocated(qtbot: QtBot, net: Net) -> None:
    data, ada = _pack(qtbot, net)
    net.server.pack_answers.extend([Canned(200, data, OCTET), Canned(204)])
    taken = {"status": "acknowledged", "device_id": net.status(qtbot).device_id, "sequence": 1}
    net.server.pack_receipt_answers.append(
        Canned(200, json.dumps(taken).encode(), {"Content-Type": "application/json"})
    )

    said = net.sync(qtbot)

    assert "Office pack 1 taken: 1 person and 1 concern from the office." in said.splitlines()
    assert on_worker(qtbot, net.worker, lambda ws: ws.people.get(ada).name) == "Ada Example"
    assert len(net.server.pack_receipts) == 1
    assert net.page.from_office.text().startswith("From the office: 1 office pack taken")
    assert not net.page.progress.isVisible()


def test_a_pack_the_laptop_cannot_take_is_said_and_changes_nothing(
    qtbot: QtBot, net: Net, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(messages, "show_error", lambda _parent, exc: shown.append(exc.message))
    data, _ada = _pack(qtbot, net, signer=KeyPair.generate())
    net.server.pack_answers.append(Canned(200, data, OCTET))
    people = on_worker(qtbot, net.worker, lambda ws: ws.people.count())

    said = net.sync(qtbot)

    assert "The office sent a pack that this device cannot take" in said
    assert shown == [said]
    assert on_worker(qtbot, net.worker, lambda ws: ws.people.count()) == people
    assert net.server.pack_receipts == []
