"""'Sync now' on the sync page, against a real office inbox on this computer
(``tests.inbox_server``: the real importer behind https with a pinned certificate made
here), on a real workspace in a real main window.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from msp_desktop.bundles import KeyPair
from msp_desktop.services.network_sync import BundleOutcome, SyncReport
from msp_desktop.store import Workspace
from msp_desktop.store.kept_aside import KeptAside
from msp_desktop.store.outbox import ReceiptResult
from msp_desktop.store.sync_status import SyncStatus
from tests import builders
from tests.inbox_server import Canned, InboxServer, NetOffice, TlsFiles, make_tls
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, wait_idle
from tests.ui.sync.conftest import Sync, _fill
from tests.ui.test_accessibility import unnamed
from ui import actions, messages
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.sync.sync_model import STATE_ROLE
from ui.sync.sync_page import SyncPage
from ui.sync.sync_text import sync_sentence


@dataclass
class Net:
    """A workspace whose office takes bundles over https, open in a main window."""

    worker: DbWorker
    window: MainWindow
    office: NetOffice
    server: InboxServer
    tls: TlsFiles

    @property
    def page(self) -> SyncPage:
        return self.window.sync_page

    def status(self, qtbot: QtBot) -> SyncStatus:
        return on_worker(qtbot, self.worker, lambda ws: ws.sync.status())

    def open(self, qtbot: QtBot) -> None:
        with qtbot.waitSignal(self.page.refreshed, timeout=10_000):
            self.window.action(actions.SYNC.id).trigger()

    def sync(self, qtbot: QtBot) -> str:
        """Click Sync now; wait for what it says and for the page to be read again."""
        with qtbot.waitSignal(self.page.reported, timeout=20_000) as outcome:
            self.page.sync_button.click()
        wait_idle(qtbot, self.worker)
        qtbot.waitUntil(lambda: not self.page.progress.isVisible(), timeout=5_000)
        return str(outcome.args[0])

    def states(self) -> Counter[str]:
        model = self.page.model
        return Counter(str(model.index(row, 0).data(STATE_ROLE)) for row in range(model.rowCount()))


def make_net(qtbot: QtBot, root: Path, pin: str | None = None) -> Iterator[Net]:
    office = NetOffice.create(root / "office")
    tls = make_tls(root / "tls")
    with InboxServer(office, tls) as server:
        folder = root / "workspace"
        with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
            _fill(ws, builders.person())
            ws.import_office_keys(office.provisioning(server.url, pin or tls.sha256), office.key_id)
            office.enrol(ws.sync.enrol())
        worker = DbWorker()
        worker.open_workspace(folder, PASSPHRASE, lambda _: None, lambda _e: None)
        wait_idle(qtbot, worker)
        window = MainWindow()
        qtbot.addWidget(window)
        window.attach(worker)
        window.resize(1100, 800)
        window.show()
        wait_idle(qtbot, worker)
        net = Net(worker, window, office, server, tls)
        net.page.sync_sleep = lambda _seconds: None  # tries again at once
        net.open(qtbot)
        yield net
        window.detach()
        worker.stop()
        assert worker.worker_thread.isFinished()


@pytest.fixture
def net(qtbot: QtBot, tmp_path: Path) -> Iterator[Net]:
    yield from make_net(qtbot, tmp_path / "net")


# -- what the page offers -----------------------------------------------------------------


def test_sync_now_is_offered_when_the_office_takes_bundles_over_the_network(
    qtbot: QtBot, net: Net
) -> None:
    page = net.page
    button = page.sync_button
    assert button.isVisibleTo(page)
    assert button.isEnabled()
    assert button.accessibleName() == "Sync now"
    assert "receipt" in button.accessibleDescription()
    assert not page.by_hand_note.isVisibleTo(page)
    assert unnamed(net.window) == []
    # The keyboard reaches it: first thing to do on the page, and Tab goes on to export.
    assert page.focusWidget() is button
    assert button.nextInFocusChain() is page.export_button
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_an_office_that_takes_sticks_only_is_said_so(qtbot: QtBot, sync: Sync) -> None:
    page = sync.page
    assert not page.sync_button.isVisibleTo(page)
    assert page.by_hand_note.isVisibleTo(page)
    assert page.by_hand_note.text().startswith(
        "This office takes records on a USB stick or in a folder: choose Export to folder…"
    )


def test_nothing_is_offered_before_the_set_up(qtbot: QtBot, fresh: Sync) -> None:
    page = fresh.page
    assert not page.sync_button.isVisibleTo(page)
    assert not page.by_hand_note.isVisibleTo(page)


# -- sending ------------------------------------------------------------------------------


def test_sync_now_sends_and_says_what_the_office_confirmed(qtbot: QtBot, net: Net) -> None:
    page = net.page
    assert net.states() == Counter({"finalised": 6, "draft": 1})
    page.sync_button.setFocus()
    with qtbot.waitSignal(page.reported, timeout=20_000) as outcome:
        page.sync_button.click()
        # While it runs: a busy bar, one line saying what happens, nothing else to click.
        assert page.progress.isVisibleTo(page)
        assert page.status_line.text() == "Checking the workspace and sealing what is waiting…"
        assert not page.sync_button.isEnabled()
        assert not page.export_button.isEnabled()
    wait_idle(qtbot, net.worker)
    qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=5_000)

    assert outcome.args[0] == "6 records sent and confirmed by the office."
    assert messages.shown[-1] == messages.Shown("info", "MSP Desktop", outcome.args[0])
    assert page.status_line.text() == outcome.args[0]
    assert not page.progress.isVisibleTo(page)
    assert net.states() == Counter({"acknowledged": 6, "draft": 1})
    assert net.status(qtbot).counts["acknowledged"] == 6
    assert net.office.imported() == [1]
    assert page.focusWidget() is page.sync_button  # the keyboard is where it was
    assert not page.counts.unwritten_note.isVisibleTo(page)


def test_progress_counts_the_bundles(qtbot: QtBot, net: Net) -> None:
    page = net.page
    said: list[str] = []
    page.status_line.setText("")
    original = page.status_line.setText

    def record(text: str) -> None:
        said.append(text)
        original(text)

    page.status_line.setText = record  # type: ignore[method-assign]
    net.sync(qtbot)
    assert "Sending bundle 1 of 1…" in said
    assert page.progress.maximum() == 0  # busy again for the next operation


def test_nothing_to_send_is_said_calmly(qtbot: QtBot, net: Net) -> None:
    net.sync(qtbot)
    text = net.sync(qtbot)
    assert text == "Nothing to send: every finalised record is confirmed by the office."
    assert messages.shown[-1].kind == "info"
    assert len(net.server.posts) == 1


def test_a_busy_office_is_tried_again(qtbot: QtBot, net: Net) -> None:
    net.server.script.append(Canned.error(503, "Busy.", "Busy", **{"Retry-After": "2"}))
    waits: list[float] = []
    net.page.sync_sleep = waits.append
    text = net.sync(qtbot)
    assert text == "6 records sent and confirmed by the office."
    assert waits == [2.0]
    assert len(net.server.posts) == 2


def test_a_server_that_is_not_the_office_gets_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    other = make_tls(tmp_path / "other")
    for net in make_net(qtbot, tmp_path / "mitm", pin=other.sha256):
        text = net.sync(qtbot)
        assert "is not the office: its certificate is not the one in the office keys" in text
        assert text.endswith(
            "Everything not confirmed stays safely on this device and is sent the next time "
            "you choose Sync now."
        )
        assert messages.shown[-1].kind == "error"
        assert net.server.requests == []
        assert net.states() == Counter({"in-bundle": 6, "draft": 1})
        page = net.page
        assert page.counts.unwritten_note.isVisibleTo(page)
        assert page.counts.unwritten_note.text() == (
            "Bundle 1 is not confirmed by the office yet: choose Sync now to send it."
        )
        # The table says where the records are without talking about folders.
        assert "In a bundle, waiting for the office's receipt" in {
            page.model.index(row, 3).data() for row in range(page.model.rowCount())
        }


def test_an_unreachable_office_leaves_everything_queued(qtbot: QtBot, net: Net) -> None:
    net.server.script.extend([Canned.error(503, "Down for maintenance.", "Busy")] * 4)
    text = net.sync(qtbot)
    assert text.startswith("Could not send bundle 1 to the office at https://127.0.0.1:")
    assert "Tried 4 times" in text
    assert messages.shown[-1].kind == "error"
    assert net.states() == Counter({"in-bundle": 6, "draft": 1})
    # Once the office is back, the same bundle goes.
    assert net.sync(qtbot) == "6 records sent and confirmed by the office."
    assert net.office.imported() == [1]


def test_a_replay_refusal_says_what_the_worker_and_the_office_must_do(
    qtbot: QtBot, net: Net
) -> None:
    net.server.script.append(
        Canned.error(409, "Device laptop-7 sequence 1 was already imported.", "SequenceReplayed")
    )
    text = net.sync(qtbot)
    device = on_worker(qtbot, net.worker, lambda ws: ws.sync.device_id())
    assert text.startswith(
        "The office refused bundle 1: it already has another bundle 1 from this laptop, and "
        "has raised an alert. Sending again will not help. Tell the office at once, and say "
        "whether this laptop was restored from a backup. Once the office has looked at the "
        "alert and agrees this laptop's bundles are the ones to keep, it runs msp-office "
        f"devices resync {device} --from-sequence 1 --reason TEXT. Then choose Sync now "
        "again: bundle 1 and the ones after it stay queued until then."
    )
    assert messages.shown[-1].kind == "error"
    assert net.states() == Counter({"in-bundle": 6, "draft": 1})


def test_a_receipt_signed_by_another_key_confirms_nothing(qtbot: QtBot, net: Net) -> None:
    net.server.receipt_signer = KeyPair.generate()
    text = net.sync(qtbot)
    assert text.startswith(
        "The office's answer for bundle 1 is not a receipt this device can trust"
    )
    assert messages.shown[-1].kind == "error"
    assert net.status(qtbot).counts["acknowledged"] == 0


def test_locking_while_waiting_to_try_again_stops_at_once(qtbot: QtBot, net: Net) -> None:
    page = net.page
    page.sync_sleep = None  # the real wait: the office asks for 30 seconds
    net.server.script.extend([Canned.error(503, "Busy.", "Busy", **{"Retry-After": "30"})] * 2)
    page.sync_button.click()
    qtbot.waitUntil(lambda: "Trying again in 30 seconds" in page.status_line.text(), timeout=10_000)
    run = page.sync_run
    assert run is not None
    assert run.network_thread is not None
    shown = len(messages.shown)

    net.window.detach()  # the workspace locks
    run.network_thread.join(5)

    assert not run.network_thread.is_alive()  # the wait was cut short
    assert run.cancelled
    assert page.sync_run is None
    assert len(net.server.posts) == 1  # and nothing more was sent
    qtbot.wait(50)
    assert len(messages.shown) == shown  # nothing said to a locked screen
    net.window.attach(net.worker)  # unlocked again (and for the fixture's own detach)
    assert net.status(qtbot).counts["in-bundle"] == 6  # sealed, queued for next time


def test_a_sync_says_what_the_office_kept_aside() -> None:
    kept = KeptAside("visit", "v-1", 2, "Ada Example", None)
    confirmed = ReceiptResult(3, 4, already=False, kept_aside=(kept,), kept_aside_total=2)
    report = SyncReport(sealed=3, outcomes=[BundleOutcome(3, 4, result=confirmed)])
    assert sync_sentence(report, []).splitlines() == [
        "4 records sent and confirmed by the office.",
        "The office kept 2 changes from bundle 3 aside instead of taking them:",
        "• Ada Example: Visit",
        "• and 1 more",
        "Nothing is lost: the office holds these changes. Ask the office which version is "
        "right before you change these records again.",
    ]
