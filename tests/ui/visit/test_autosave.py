"""Autosave: every change reaches the database within a second; "Saved" after commit."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msp_desktop.model import Visit
from msp_desktop.store import Workspace
from tests import builders
from tests.conftest import snapshot
from tests.ui.helpers import PASSPHRASE, WORKER_NAME, on_worker, wait_idle
from ui.db_worker import DbWorker
from ui.visit.autosave import RETRY_MS, Autosaver


def _workspace_with_visit(folder: Path, complete: bool = False) -> Visit:
    with Workspace.create(folder, PASSPHRASE, WORKER_NAME) as ws:
        person = builders.person()
        concern = builders.concern(person)
        ws.people.add(person)
        ws.concerns.add(concern)
        visit = builders.complete_visit(concern) if complete else builders.draft_visit(concern)
        ws.visits.start(visit)
    return visit


def _open(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    worker.open_workspace(folder, PASSPHRASE, lambda _: None, lambda exc: None)
    wait_idle(qtbot, worker)
    assert worker.workspace is not None


def _stored(qtbot: QtBot, worker: DbWorker, visit_id: str) -> Visit:
    return on_worker(qtbot, worker, lambda ws: ws.visits.get(visit_id).visit)


def test_typing_is_committed_within_a_second(qtbot: QtBot, worker: DbWorker, folder: Path) -> None:
    visit = _workspace_with_visit(folder)
    _open(qtbot, worker, folder)
    saver = Autosaver(worker)
    saver.start_from(visit)
    assert not saver.unsaved

    with qtbot.waitSignal(saver.saved, timeout=1000):
        for text in ("K", "Ki", "Kit", "Kitchen"):
            saver.changed(visit.revised(place=text))
        last_change = time.monotonic()
    qtbot.waitUntil(lambda: not saver.unsaved and not worker.busy, timeout=1000)
    assert time.monotonic() - last_change < 1.0
    assert _stored(qtbot, worker, visit.id).place == "Kitchen"


def test_saved_is_reported_only_after_the_commit(
    qtbot: QtBot, worker: DbWorker, folder: Path
) -> None:
    visit = _workspace_with_visit(folder)
    _open(qtbot, worker, folder)
    saver = Autosaver(worker)
    saver.start_from(visit)
    events: list[str] = []
    saver.saving.connect(lambda: events.append("saving"))
    saver.saved.connect(lambda when: events.append(f"saved {when}"))
    saver.changed(visit.revised(place="Front room"))
    assert events == []  # nothing is claimed before the save even starts
    with qtbot.waitSignal(saver.saved, timeout=2000):
        pass
    assert events[0] == "saving"
    assert events[-1].startswith("saved ")
    assert _stored(qtbot, worker, visit.id).place == "Front room"


def test_flush_before_locking_keeps_the_last_keystroke(
    qtbot: QtBot, worker: DbWorker, folder: Path
) -> None:
    visit = _workspace_with_visit(folder)
    _open(qtbot, worker, folder)
    saver = Autosaver(worker)
    saver.start_from(visit)
    saver.changed(visit.revised(place="Garden"))
    saver.flush()
    worker.stop()  # locking: the save sent before this still runs first
    with Workspace.open(folder, PASSPHRASE) as ws:
        assert ws.visits.get(visit.id).visit.place == "Garden"


def test_a_refused_save_says_why_and_keeps_the_text(
    qtbot: QtBot, worker: DbWorker, folder: Path
) -> None:
    visit = _workspace_with_visit(folder, complete=True)
    _open(qtbot, worker, folder)
    worker.submit(lambda ws: ws.visits.finalise(visit.id))
    wait_idle(qtbot, worker)
    saver = Autosaver(worker)
    saver.start_from(visit)
    with qtbot.waitSignal(saver.failed, timeout=2000) as failed:
        saver.changed(visit.revised(place="Changed after finalising"))
    assert "Amend" in failed.args[0]
    assert saver.unsaved
    assert _stored(qtbot, worker, visit.id) == visit


@pytest.mark.posix_only(
    "Windows refuses to move a file another program has open (a sharing violation), "
    "so a workspace's files cannot be replaced under the app there"
)
def test_files_replaced_under_the_app_stop_the_saves_with_a_sentence(
    qtbot: QtBot, worker: DbWorker, folder: Path, tmp_path: Path
) -> None:
    visit = _workspace_with_visit(folder)
    _open(qtbot, worker, folder)
    saver = Autosaver(worker)
    saver.start_from(visit)
    # Another program (one that ignores the owner lock) moves the open files aside and
    # puts others in their place: saving on would write where no one looks.
    aside = tmp_path / "moved-aside"
    aside.mkdir()
    for name in ("workspace.db-wal", "workspace.db-shm", "workspace.db", "workspace.keys.json"):
        if (folder / name).exists():
            os.replace(folder / name, aside / name)
            shutil.copyfile(aside / name, folder / name)
    moved = snapshot(aside)

    with qtbot.waitSignal(saver.failed, timeout=2000) as failed:
        saver.changed(visit.revised(place="Typed after the files changed"))

    assert failed.args[0] == (
        f"The workspace files in {folder} were replaced by another program (for example a "
        "restore) while they were open here, so nothing more is saved. Copy any unsaved "
        "text, then close MSP Desktop and unlock again."
    )
    assert saver.unsaved  # the text is kept on screen
    again: list[str] = []
    saver.failed.connect(again.append)
    qtbot.wait(RETRY_MS + 500)
    assert again == []  # and it is not sent again and again
    assert snapshot(aside) == moved


def test_a_flush_while_a_save_is_running_still_goes_before_what_follows(
    qtbot: QtBot, worker: DbWorker, folder: Path
) -> None:
    """Finalise flushes, then asks the store to finalise: if a save was already running,
    the latest change must still be queued before the finalise, never after it."""
    visit = _workspace_with_visit(folder)
    _open(qtbot, worker, folder)
    saver = Autosaver(worker)
    saver.start_from(visit)
    release = threading.Event()
    # Something slow on the database thread, so the first save is still in flight.
    worker.submit(lambda _ws: release.wait(10), lambda _r: None, lambda _e: None)
    saver.changed(visit.revised(place="Kitchen"))
    saver.flush()  # the first save: queued behind the slow operation
    saver.changed(visit.revised(place="Kitchen table"))
    saver.flush()  # what finalise does, while that save is in flight
    seen: list[str | None] = []
    worker.submit(lambda ws: ws.visits.get(visit.id).visit.place, seen.append, lambda _e: None)
    release.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == ["Kitchen table"]  # the operation after the flush saw the latest words
    qtbot.waitUntil(lambda: not saver.unsaved and not worker.busy, timeout=5000)
    assert _stored(qtbot, worker, visit.id).place == "Kitchen table"
