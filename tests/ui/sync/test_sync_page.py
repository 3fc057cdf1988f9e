"""The sync page: what it shows, export to a folder, and the office's receipts, on a
real workspace with real bundles and receipts (see ``conftest``)."""

from __future__ import annotations

import errno
import os
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from msp_desktop.bundles import KeyPair, open_bundle
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.receipt import ReceiptConflict
from tests.disk_faults import full_disk_under
from tests.platforms import assert_mode
from tests.ui.helpers import wait_idle
from tests.ui.sync.conftest import (
    OFFICE_NAME,
    Sync,
    choose_files,
    choose_folder,
    export,
    receipt_for,
)
from tests.ui.test_accessibility import unnamed
from ui import actions, messages
from ui.sync.sync_text import count_sentences

# -- what the page shows ----------------------------------------------------------------


def test_counts_and_rows_match_the_status(qtbot: QtBot, sync: Sync) -> None:
    status = sync.status(qtbot)
    page = sync.page
    assert status.counts == {"draft": 1, "finalised": 6, "in-bundle": 0, "acknowledged": 0}
    sentences = count_sentences(status.counts)
    assert {state: label.text() for state, label in page.counts.labels.items()} == sentences
    assert sentences["finalised"] == "6 finalised records are waiting to be sent."
    assert sentences["draft"] == "1 draft stays on this device until it is finalised."
    assert sync.states() == Counter(r.state for r in status.records)
    assert OFFICE_NAME in page.office_line.text()
    assert str(status.device_id) in page.office_line.text()
    assert not page.setup.isVisibleTo(page)
    assert page.export_button.isEnabled()


def test_each_record_is_named_by_its_person_and_dated(qtbot: QtBot, sync: Sync) -> None:
    model = sync.page.model
    rows = [
        tuple(str(model.index(row, column).data()) for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]
    kinds = [row[1] for row in rows]
    assert kinds == [
        "Person's details",
        "Concern",
        "Concern",
        "Visit",
        "Visit",
        "Agreed action",
        "Contact note",
    ]
    assert {row[0] for row in rows} == {"Ada Example"}
    assert rows[0] == ("Ada Example", "Person's details", "", "Waiting to be sent", "—", "—")
    assert rows[2][:3] == ("Ada Example", "Concern", "1 Oct 2026")
    assert rows[3] == ("Ada Example", "Visit", "—", "Draft: stays on this device", "1", "—")
    assert rows[4] == ("Ada Example", "Visit", "2 Nov 2026", "Waiting to be sent", "1", "—")
    # Agreed at the visit of 2 November; the call of 9 November.
    assert rows[5] == ("Ada Example", "Agreed action", "2 Nov 2026", "Waiting to be sent", "—", "—")
    assert rows[6] == ("Ada Example", "Contact note", "9 Nov 2026", "Waiting to be sent", "—", "—")


def test_the_page_is_reached_by_its_action_and_left_with_back(qtbot: QtBot, sync: Sync) -> None:
    window, page = sync.window, sync.page
    assert window.pages.currentWidget() is page
    window.action(actions.BACK.id).trigger()
    assert window.pages.currentWidget() is window.caseload
    assert page.model.rowCount() == 0  # nothing of the records stays behind the caseload
    sync.open(qtbot)
    assert page.model.rowCount() == 7
    page.back_button.click()
    assert window.pages.currentWidget() is window.caseload


def test_the_shortcut_clashes_with_nothing(qtbot: QtBot, sync: Sync) -> None:
    keys = QKeySequence(actions.SYNC.shortcut or "")
    assert keys.toString() == "Ctrl+Shift+O"
    others = [
        shortcut.toString()
        for spec in actions.ALL
        if spec is not actions.SYNC
        for shortcut in sync.window.action(spec.id).shortcuts()
    ]
    assert keys.toString() not in others
    standard = [
        binding.toString()
        for key in QKeySequence.StandardKey
        for binding in QKeySequence.keyBindings(key)
    ]
    assert keys.toString() not in standard


def test_every_control_has_a_name(qtbot: QtBot, sync: Sync, fresh: Sync) -> None:
    assert unnamed(sync.window) == []
    assert unnamed(fresh.window) == []
    assert fresh.page.setup.import_button.accessibleName() == "Import the office keys…"


# -- export -------------------------------------------------------------------------------


def test_export_writes_a_bundle_the_office_can_open(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = sync.page
    choose_folder(monkeypatch, sync.stick)
    page.export_button.setFocus()
    with qtbot.waitSignal(page.reported, timeout=10_000) as outcome:
        page.export_button.click()
        # While it runs: a busy bar, one line saying what happens, nothing else to click.
        assert page.progress.isVisibleTo(page)
        assert page.progress.maximum() == 0
        assert page.status_line.text() == "Sealing and writing the bundle…"
        assert not page.export_button.isEnabled()
        assert not page.receipts_button.isEnabled()
    wait_idle(qtbot, sync.worker)
    assert outcome.args[0] == f"Bundle 1 written to {sync.stick}: 6 records. Take it to the office."
    assert messages.shown[-1] == messages.Shown("info", "MSP Desktop", outcome.args[0])
    assert not page.progress.isVisibleTo(page)
    assert page.export_button.isEnabled()
    assert page.focusWidget() is page.export_button  # the keyboard is where it was

    (bundle,) = sync.bundles()
    assert_mode(bundle, 0o644)
    assert sync.enrolment is not None
    device = read_enrolment(sync.enrolment)
    opened = open_bundle(
        bundle.read_bytes(),
        identity=sync.office.inbox,
        trusted_keys={device.key_id: device.public_key},
    )
    assert opened.manifest.sequence == 1
    assert sync.states() == Counter({"in-bundle": 6, "draft": 1})
    assert page.counts.labels["in-bundle"].text() == (
        "6 records sent, waiting for the office's receipt."
    )
    assert sync.status(qtbot).counts["in-bundle"] == 6


def test_nothing_to_export_is_said_calmly(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(qtbot, sync, monkeypatch)
    text = export(qtbot, sync, monkeypatch)
    assert text.startswith("Nothing to export")
    assert messages.shown[-1].kind == "info"
    assert len(sync.bundles()) == 1


def test_writing_again_for_a_lost_stick(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(qtbot, sync, monkeypatch)
    lost = sync.bundles()[0]
    lost.unlink()
    sync.page.again_check.setChecked(True)
    text = export(qtbot, sync, monkeypatch)
    assert text.startswith("Bundle 1 written")
    assert [p.name for p in sync.bundles()] == [lost.name]
    assert not sync.page.again_check.isChecked()  # a one-off choice


def test_a_missing_folder_changes_nothing_and_says_so(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    before = sync.status(qtbot)
    choose_folder(monkeypatch, tmp_path / "unplugged")
    text = sync.click(qtbot, sync.page.export_button)
    unplugged = tmp_path / "unplugged"
    assert text == (
        f"The folder {unplugged} does not exist (is the USB stick plugged in?). "
        "Nothing was exported."
    )
    assert messages.shown[-1].kind == "error"
    assert sync.status(qtbot) == before  # nothing sealed


def test_a_full_stick_keeps_the_bundle_for_next_time(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.MonkeyPatch.context() as disk:
        full_disk_under(disk, sync.stick)
        text = export(qtbot, sync, monkeypatch)
    assert "disk is full" in text
    assert "kept safely on this device" in text
    assert messages.shown[-1].kind == "error"
    assert sync.bundles() == []
    page = sync.page
    assert page.counts.unwritten_note.isVisibleTo(page)
    assert page.counts.unwritten_note.text().startswith("Bundle 1 is sealed but not yet written")

    assert export(qtbot, sync, monkeypatch).startswith("Bundle 1 written")
    assert len(sync.bundles()) == 1
    assert not page.counts.unwritten_note.isVisibleTo(page)


def test_a_read_only_stick_is_said_in_words(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open
    stick = str(sync.stick)

    def read_only(path: str | Path, flags: int, mode: int = 0o777) -> int:
        if str(path).startswith(stick):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", read_only)
    text = export(qtbot, sync, monkeypatch)
    monkeypatch.setattr(os, "open", real_open)
    assert "cannot be written to" in text
    assert "kept safely on this device" in text
    assert messages.shown[-1].kind == "error"
    assert sync.bundles() == []


# -- receipts ------------------------------------------------------------------------------


def test_a_receipt_turns_the_records_acknowledged(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(qtbot, sync, monkeypatch)
    choose_files(monkeypatch, receipt_for(sync, sync.bundles()[0]))
    text = sync.click(qtbot, sync.page.receipts_button)
    assert text == "1 receipt imported: bundle 1 acknowledged."
    assert messages.shown[-1].kind == "info"
    assert sync.states() == Counter({"acknowledged": 6, "draft": 1})
    assert sync.page.counts.labels["acknowledged"].text() == "6 records the office has confirmed."
    assert sync.status(qtbot).counts["acknowledged"] == 6

    # The same receipt again: said, and harmless.
    assert sync.click(qtbot, sync.page.receipts_button) == "Bundle 1 was already acknowledged."


def test_changes_the_office_kept_aside_are_named_with_what_to_do(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(qtbot, sync, monkeypatch)
    kept = ReceiptConflict(
        kind="person", id=sync.person.id, revision=1, owner="laptop-8",
        reason="sent by device laptop-7, but the record belongs to device laptop-8",
    )  # fmt: skip
    choose_files(monkeypatch, receipt_for(sync, sync.bundles()[0], conflicts=[kept]))
    text = sync.click(qtbot, sync.page.receipts_button)
    assert text.splitlines() == [
        "1 receipt imported: bundle 1 acknowledged.",
        "The office kept 1 change from bundle 1 aside instead of taking it:",
        f"• {sync.person.display_name}: Person's details (the office holds it for device laptop-8)",
        "Nothing is lost: the office holds these changes. Ask the office which version is "
        "right before you change these records again.",
    ]
    assert messages.shown[-1].kind == "info"
    # The table says it of that record, and only of it.
    model = sync.page.model
    where = {
        (model.text(row, 1), model.text(row, 4)): model.text(row, 3)
        for row in (model.row_at(n) for n in range(model.rowCount()))
    }
    assert where[("Person's details", "1")] == "Kept aside by the office: ask the office"
    assert list(where.values()).count("Kept aside by the office: ask the office") == 1


def test_a_receipt_signed_by_another_key_changes_nothing(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    export(qtbot, sync, monkeypatch)
    forged = receipt_for(sync, sync.bundles()[0], key=KeyPair.generate())
    before = sync.status(qtbot)
    choose_files(monkeypatch, forged)
    text = sync.click(qtbot, sync.page.receipts_button)
    assert text.startswith("1 file was not imported; nothing was changed by it:")
    assert f"{forged.name}: The receipt" in text
    assert messages.shown[-1].kind == "error"
    assert sync.status(qtbot) == before
    assert sync.states() == Counter({"in-bundle": 6, "draft": 1})


def test_good_and_bad_receipts_are_each_reported(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    export(qtbot, sync, monkeypatch)
    good = receipt_for(sync, sync.bundles()[0])
    junk = tmp_path / "shopping.receipt.json"
    junk.write_text("milk, bread")
    choose_files(monkeypatch, junk, good)
    text = sync.click(qtbot, sync.page.receipts_button)
    lines = text.splitlines()
    assert lines[0] == "1 receipt imported: bundle 1 acknowledged."
    assert lines[-1].startswith("shopping.receipt.json: The receipt")
    assert sync.states()["acknowledged"] == 6


def test_locking_forgets_every_row(qtbot: QtBot, sync: Sync) -> None:
    assert sync.page.model.rowCount() == 7
    sync.window.detach()
    assert sync.page.model.rowCount() == 0
    assert sync.window.pages.currentWidget() is sync.window.caseload
    assert not sync.window.action(actions.SYNC.id).isEnabled()
    sync.window.attach(sync.worker)  # for the fixture's own detach
