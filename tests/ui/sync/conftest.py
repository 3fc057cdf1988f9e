"""A real workspace for the sync page tests, set up for an office made here.

The office's keys are made in the test; the page's file dialogs (an edge to the OS) are
answered by replacing ``QFileDialog``'s static methods; everything else is real.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QAbstractButton, QFileDialog
from pytestqt.qtbot import QtBot

from msp_desktop.bundles import AgeIdentity, KeyPair, make_receipt, open_bundle
from msp_desktop.bundles.provisioning import make_provisioning, read_enrolment
from msp_desktop.bundles.receipt import ReceiptConflict
from msp_desktop.model import ContactKind, Person
from msp_desktop.services.contacts import add_contact
from msp_desktop.store import Workspace
from msp_desktop.store.sync_status import SyncStatus
from tests import builders
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, wait_idle
from ui import actions
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.sync.sync_model import STATE_ROLE
from ui.sync.sync_page import SyncPage

T = TypeVar("T")
OFFICE_NAME = "Example Borough adult social care"


@dataclass
class Office:
    """The office's keys, made for the test, and its signed keys file."""

    inbox: AgeIdentity = field(default_factory=AgeIdentity.generate)
    recovery: AgeIdentity = field(default_factory=AgeIdentity.generate)
    key: KeyPair = field(default_factory=KeyPair.generate)

    @property
    def keys_file(self) -> bytes:
        return make_provisioning(
            office_id="example-office",
            office_name=OFFICE_NAME,
            inbox=self.inbox.recipient,
            recovery=self.recovery.recipient,
            office_key=self.key,
        )


@dataclass
class Sync:
    """What a sync test works with: the workspace, unlocked, in a main window."""

    worker: DbWorker
    window: MainWindow
    office: Office
    person: Person
    stick: Path
    enrolment: bytes | None

    @property
    def page(self) -> SyncPage:
        return self.window.sync_page

    def run(self, qtbot: QtBot, operation: Callable[[Workspace], T]) -> T:
        return on_worker(qtbot, self.worker, operation)

    def status(self, qtbot: QtBot) -> SyncStatus:
        return self.run(qtbot, lambda ws: ws.sync.status())

    def open(self, qtbot: QtBot) -> None:
        with qtbot.waitSignal(self.page.refreshed, timeout=10_000):
            self.window.action(actions.SYNC.id).trigger()

    def click(self, qtbot: QtBot, button: QAbstractButton) -> str:
        """Click ``button``, wait for the outcome and the refreshed table; the outcome."""
        with qtbot.waitSignal(self.page.reported, timeout=10_000) as outcome:
            button.click()
        wait_idle(qtbot, self.worker)
        return str(outcome.args[0])

    def states(self) -> Counter[str]:
        model = self.page.model
        return Counter(str(model.index(row, 0).data(STATE_ROLE)) for row in range(model.rowCount()))

    def bundles(self) -> list[Path]:
        return sorted(self.stick.glob("*.mspbundle"))


def _fill(ws: Workspace, person: Person) -> None:
    """One person; a concern with a finalised visit (and the action agreed at it),
    another with a draft; a phone call about the first."""
    concern = builders.concern(person)
    visit = builders.complete_visit(concern)
    other = builders.concern(person, raised_on=date(2026, 9, 1))
    ws.people.add(person)
    ws.concerns.add(concern)
    ws.concerns.add(other)
    ws.visits.start(visit)
    ws.visits.finalise(visit.id)
    ws.visits.start(builders.draft_visit(other))
    add_contact(ws, person.id, ContactKind.PHONE, "Rang about the bank.",
                on=date(2026, 11, 9), concern_id=concern.id)  # fmt: skip


def make_sync(qtbot: QtBot, root: Path, provisioned: bool) -> Iterator[Sync]:
    office, person = Office(), builders.person()
    root.mkdir()
    folder = root / "workspace"
    enrolment = None
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        _fill(ws, person)
        if provisioned:
            ws.import_office_keys(office.keys_file, office.key.key_id)
            enrolment = ws.sync.enrol()
    worker = DbWorker()
    worker.open_workspace(folder, PASSPHRASE, lambda _: None, lambda _e: None)
    wait_idle(qtbot, worker)
    window = MainWindow()
    qtbot.addWidget(window)
    window.attach(worker)
    window.resize(1100, 800)
    window.show()
    wait_idle(qtbot, worker)
    stick = root / "stick"
    stick.mkdir()
    sync = Sync(worker, window, office, person, stick, enrolment)
    sync.open(qtbot)
    yield sync
    window.detach()
    worker.stop()
    assert worker.worker_thread.isFinished()


@pytest.fixture
def sync(qtbot: QtBot, tmp_path: Path) -> Iterator[Sync]:
    """Provisioned with the office's keys and enrolled."""
    yield from make_sync(qtbot, tmp_path / "ready", provisioned=True)


@pytest.fixture
def fresh(qtbot: QtBot, tmp_path: Path) -> Iterator[Sync]:
    """Never set up for the office."""
    yield from make_sync(qtbot, tmp_path / "fresh", provisioned=False)


def choose_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))


def choose_files(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(p) for p in paths], "")
    )


def export(qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch) -> str:
    choose_folder(monkeypatch, sync.stick)
    return sync.click(qtbot, sync.page.export_button)


def receipt_for(
    sync: Sync,
    bundle: Path,
    key: KeyPair | None = None,
    conflicts: list[ReceiptConflict] | None = None,
) -> Path:
    """The office's receipt for ``bundle`` (signed by ``key``, by default the office's),
    listing ``conflicts`` as kept aside."""
    assert sync.enrolment is not None
    device = read_enrolment(sync.enrolment)
    data = bundle.read_bytes()
    opened = open_bundle(
        data, identity=sync.office.inbox, trusted_keys={device.key_id: device.public_key}
    )
    receipt = make_receipt(
        bundle_sha256=hashlib.sha256(data).hexdigest(),
        manifest=opened.manifest,
        office_key=key or sync.office.key,
        conflicts=conflicts,
    )
    path = bundle.with_name(bundle.name.removesuffix(".mspbundle") + ".receipt.json")
    path.write_bytes(receipt)
    return path
