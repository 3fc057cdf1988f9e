"""'Sync now' when the office refuses this laptop's key: the page says what the worker
and the office must do, in the app's translatable words, and changes nothing; once the
new key is enrolled, the next Sync now seals again what the old key signed and the
office takes it. A real office inbox, workspace and main window (``test_sync_now``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.office import devices
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from tests.ui.helpers import on_worker
from tests.ui.sync.test_sync_now import Net, make_net

NOW = "2026-11-20T10:00:00Z"


@pytest.fixture
def net(qtbot: QtBot, tmp_path: Path) -> Iterator[Net]:
    yield from make_net(qtbot, tmp_path / "net")


def _queued(qtbot: QtBot, net: Net) -> list[tuple[object, ...]]:
    return on_worker(
        qtbot,
        net.worker,
        lambda ws: ws.db.all("SELECT sequence, sha256, acknowledged_at FROM bundles_sent"),
    )


def test_a_revoked_key_is_explained_and_the_new_key_sends_the_same_records(
    qtbot: QtBot, net: Net
) -> None:
    store = SqliteOfficeStore.open(net.office.layout.database)
    try:
        (old,) = store.device_keys()
        devices.revoke(store, old.device_id, reason="laptop reported lost", now=NOW)
    finally:
        store.close()

    said = net.sync(qtbot)

    assert (
        f"The office has revoked this laptop's key {old.key_id}, so it did not take bundle 1. "
        "On this laptop, run msp enrol --new-key --out FILE in a terminal"
    ) in said
    assert "msp-office devices replace-lost FILE --confirm-key-id KEY_ID" in said
    assert "msp enrol --out" not in said  # never the plain enrolment: the same refused key
    assert net.page.status_line.text() == said
    queued = _queued(qtbot, net)
    assert [(row[0], row[2]) for row in queued] == [(1, None)]
    assert net.office.imported() == []

    enrolment = on_worker(qtbot, net.worker, lambda ws: ws.sync.enrol(new_key=True))
    new_key = read_enrolment(enrolment).key_id
    store = SqliteOfficeStore.open(net.office.layout.database)
    try:
        devices.replace_lost(
            store, enrolment, confirm_key_id=new_key, reason="laptop found", now=NOW
        )
    finally:
        store.close()

    said = net.sync(qtbot)

    assert said.startswith("Bundle 1 was sealed again with this laptop's new key: the same records")
    assert net.office.imported() == [1]
    (row,) = _queued(qtbot, net)
    assert row[1] != queued[0][1]
    assert row[2] is not None  # the office's receipt for the new bundle
