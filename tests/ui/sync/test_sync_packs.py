"""The sync page takes office packs (issue 17, item 3): "Import office packs…" brings the
people and concerns the office gave this laptop, says so, and the page says what came
from the office; a pack for another laptop is refused and changes nothing. Real
workspace, real packs sealed to the device's pack key (see ``conftest``)."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from msp_desktop.bundles import AgeIdentity
from msp_desktop.bundles.pack import Change, write_pack
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.store.leaving import Leaving
from msp_desktop.store.packs import PackResult
from msp_desktop.store.sync_status import PackState, SyncStatus
from tests import builders
from tests.ui.sync.conftest import Sync, choose_files, choose_folder
from tests.ui.test_accessibility import unnamed
from ui import messages
from ui.caseload.caseload_model import PERSON_ID_ROLE, CaseloadModel
from ui.date_text import date_text
from ui.person.office_version_dialog import OfficeVersionDialog
from ui.sync.sync_text import from_office_line, pack_lines

SAVED_AT = "2026-12-06T09:00:00Z"


def _pack(
    sync: Sync, folder: Path, *, to_another_laptop: bool = False, change: str = "allocate"
) -> tuple[Path, str]:
    """An office pack giving this laptop one new person with one concern (``change``
    ``shared``: to read only); the person's name."""
    assert sync.enrolment is not None
    enrolled = read_enrolment(sync.enrolment)
    assert enrolled.pack_key is not None
    person = builders.person("Bryn Sample", local_id="M-1002")
    concern = builders.concern(person)
    records = [
        RecordEnvelope.wrap(kind, 1, record.model_dump(mode="json"), saved_at=SAVED_AT,
                            saved_by="the office", reason="from the council's caseload export")
        for kind, record in (("person", person), ("concern", concern))
    ]  # fmt: skip
    changes = [
        Change.model_validate({"change": change, "kind": r.kind, "id": r.id, "revision": 1})
        for r in records
    ]
    pack = write_pack(
        changes,
        records,
        office_id="example-office",
        device_id=enrolled.device_id,
        sequence=1,
        previous_pack_sha256=None,
        office_key=sync.office.key,
        recipient=AgeIdentity.generate().recipient if to_another_laptop else enrolled.pack_key,
    )
    path = folder / pack.file_name
    path.write_bytes(pack.data)
    return path, person.name


def test_an_office_pack_brings_people_and_the_page_says_what_came(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sync.states()
    path, name = _pack(sync, sync.stick)
    choose_files(monkeypatch, path)

    text = sync.click(qtbot, sync.page.packs_button)

    assert text == "Office pack 1 taken: 1 person and 1 concern from the office."
    assert messages.shown[-1].kind == "info"
    # The new records are the office's already: acknowledged, nothing to send.
    assert sync.states() == before + Counter({"acknowledged": 2})
    status = sync.status(qtbot)
    today = date_text(date.fromisoformat(status.packs[0].received_at[:10]))
    assert sync.page.from_office.isVisibleTo(sync.page)
    assert sync.page.from_office.text() == (
        f"From the office: 1 office pack taken on {today}, with 2 records."
    )
    model = sync.page.model
    where = {
        (model.text(row, 0), model.text(row, 1)): model.text(row, 3)
        for row in (model.row_at(n) for n in range(model.rowCount()))
    }
    assert where[(name, "Person's details")] == where[(name, "Concern")] == "From the office"
    people = sync.run(qtbot, lambda ws: [p.name for p in ws.people.search("Bryn")])
    assert people == [name]
    # Again: said, and harmless.
    assert sync.click(qtbot, sync.page.packs_button) == "Office pack 1 was already taken."


def test_a_pack_for_another_laptop_is_refused_and_changes_nothing(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _name = _pack(sync, sync.stick, to_another_laptop=True)
    before = sync.status(qtbot)
    choose_files(monkeypatch, path)
    text = sync.click(qtbot, sync.page.packs_button)
    assert text.splitlines() == [
        "1 file was not taken; nothing was changed by it:",
        f"{path.name}: The office pack is not sealed to this device's pack key: it is for "
        "another device or workspace.",
    ]
    assert messages.shown[-1].kind == "error"
    assert sync.status(qtbot) == before
    assert not sync.page.from_office.isVisibleTo(sync.page)


def _office_correction(qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch) -> str:
    """Bryn from pack 1, changed here ("Bry"), then pack 2 correcting Bryn at the office
    (a new phone number): the office's version is kept beside the worker's. Bryn's id."""
    first, _name = _pack(sync, sync.stick)
    choose_files(monkeypatch, first)
    sync.click(qtbot, sync.page.packs_button)
    [bryn] = sync.run(qtbot, lambda ws: ws.people.search("Bryn"))
    mine = sync.run(qtbot, lambda ws: ws.people.get(bryn.id).revised(preferred_name="Bry"))
    sync.run(qtbot, lambda ws: ws.people.update(mine))  # the worker's change, not yet sent
    assert sync.enrolment is not None
    enrolled = read_enrolment(sync.enrolment)
    assert enrolled.pack_key is not None
    office_person = sync.run(qtbot, lambda ws: ws.people.get(bryn.id)).revised(
        preferred_name=None, phone="01632 960009"
    )
    corrected = RecordEnvelope.wrap(
        "person", 2, office_person.model_dump(mode="json"), saved_at=SAVED_AT,
        saved_by="the office", reason="new phone number from the council's system",
    )  # fmt: skip
    second = write_pack(
        [Change(change="correct", kind="person", id=bryn.id, revision=2,
                reason="new phone number from the council's system")],
        [corrected], office_id="example-office", device_id=enrolled.device_id, sequence=2,
        previous_pack_sha256=hashlib.sha256(first.read_bytes()).hexdigest(),
        office_key=sync.office.key, recipient=enrolled.pack_key,
    )  # fmt: skip
    path = sync.stick / second.file_name
    path.write_bytes(second.data)
    choose_files(monkeypatch, path)
    text = sync.click(qtbot, sync.page.packs_button)
    assert "Yours is kept as you wrote it; the office's version is kept beside it." in text

    return str(bryn.id)


def test_the_persons_page_says_the_office_sent_another_version(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    bryn_id = _office_correction(qtbot, sync, monkeypatch)

    window = sync.window
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.open_person(bryn_id)
    [note] = [n for n in window.person.findChildren(QLabel, "person.office_note") if n.text()]
    assert note.isVisibleTo(window.person)
    day = date_text(date.today())
    assert note.text() == (
        f"On {day} the office sent another version of Bry's details (new phone number "
        "from the council's system), after you had changed it here. Your version is kept as "
        "you wrote it, and the office's is kept beside it: compare them and choose which "
        "to keep."
    )
    assert sync.run(qtbot, lambda ws: ws.people.get(bryn_id)).preferred_name == "Bry"


def test_the_worker_compares_the_two_versions_and_keeps_theirs(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    bryn_id = _office_correction(qtbot, sync, monkeypatch)
    window = sync.window
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.open_person(bryn_id)
    [compare] = window.person.findChildren(QPushButton, "person.compare_office.0")
    assert compare.isVisibleTo(window.person)

    compare.click()

    dialog = window.person.journey.dialog
    assert isinstance(dialog, OfficeVersionDialog)
    shown = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)
             if label.objectName().startswith("office_version.")}  # fmt: skip
    assert shown == {
        "office_version.mine.phone": "—", "office_version.theirs.phone": "01632 960009",
        "office_version.mine.preferred_name": "Bry",
        "office_version.theirs.preferred_name": "—",
    }  # fmt: skip
    # Bry's version has not reached the office: the office's cannot be chosen yet.
    assert not dialog.use_button.isEnabled()
    [wait] = dialog.findChildren(QLabel, "dialog.office_version.sync_first")
    assert wait.text().startswith("Your version has not reached the office yet.")
    assert unnamed(dialog) == []

    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        dialog.ok_button.click()  # Keep mine

    assert sync.run(qtbot, lambda ws: ws.people.get(bryn_id)).preferred_name == "Bry"
    assert sync.run(qtbot, lambda ws: ws.sync.office_versions(bryn_id)) == []
    assert not [n for n in window.person.findChildren(QLabel, "person.office_note") if n.text()]


def test_the_next_export_writes_the_receipt_for_the_pack(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path, _name = _pack(sync, sync.stick)
    choose_files(monkeypatch, path)
    sync.click(qtbot, sync.page.packs_button)
    folder = tmp_path / "back"
    folder.mkdir()
    choose_folder(monkeypatch, folder)
    text = sync.click(qtbot, sync.page.export_button)
    assert text.endswith(" With it, 1 receipt for an office pack.")
    assert [p.name for p in folder.glob("*.pack-receipt.json")] == [
        path.name.split("-pack-")[0] + "-pack-000001.pack-receipt.json"
    ]
    # Nothing else waiting: the next export writes nothing, and says so.
    again = sync.click(qtbot, sync.page.export_button)
    assert again.startswith("Nothing to export")


def test_the_page_says_who_left_and_who_stays_until_their_words_reach_the_office() -> None:
    moved = PackResult(2, leaving=["ada", "bryn"], released=["ada"])
    assert pack_lines([moved]) == [
        "Office pack 2 taken.",  # it brought no records: only who moved
        "The office has given 1 person to another worker. They stay on this laptop until "
        "everything about them has reached the office.",
        "1 person the office gave to another worker has left this laptop: everything about "
        "them is at the office.",
    ]


def test_the_sync_page_says_who_is_still_here_before_leaving_and_why() -> None:
    status = SyncStatus(
        office="North", office_key_id=None, device_id="laptop-7",
        packs=[PackState(1, "2026-12-06T09:00:00Z", 2, 2)],
        leaving=[Leaving("ada", drafts=1, not_yet_at_office=0),
                 Leaving("bryn", drafts=0, not_yet_at_office=2)],
    )  # fmt: skip
    assert from_office_line(status) == (
        "From the office: 1 office pack taken on 6 Dec 2026, with 2 records. 2 people the "
        "office gave to another worker are still here until everything about them has "
        "reached the office. Finalise their draft visit, then send it."
    )


def test_the_page_says_what_the_office_decided_about_words_it_had_set_aside() -> None:
    decided = PackResult(4, taken={"person": 1},
                         settled=[("person", "p-1", "current"), ("concern", "c-1", "current"),
                                  ("action", "a-1", "incoming")])  # fmt: skip
    assert pack_lines([decided])[1:] == [
        "After comparing, the office kept its own versions of 2 records you had sent. Your "
        "versions are kept at the office.",
        "After comparing, the office took your version of 1 record it had set aside.",
    ]


def test_a_shared_case_reads_as_shared_and_offers_nothing_that_changes_it(
    qtbot: QtBot, sync: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, name = _pack(sync, sync.stick, change="shared")
    choose_files(monkeypatch, path)
    sync.click(qtbot, sync.page.packs_button)
    [bryn] = sync.run(qtbot, lambda ws: ws.people.search("Bryn"))

    window = sync.window
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.open_person(bryn.id)

    page = window.person
    [note] = page.findChildren(QLabel, "person.shared_note")
    assert note.isVisibleTo(page)
    assert note.text() == (
        f"The office shared {name}'s case with you to read. It belongs to another worker's "
        "laptop: you can read it and print its office record, but not change it here."
    )
    for hidden in ("person.edit", "person.raise_concern", "concern.start_visit"):
        [push] = page.findChildren(QPushButton, hidden)
        assert not push.isVisibleTo(page), hidden
    [add] = page.findChildren(QPushButton, "chronology.add")
    assert not add.isVisibleTo(page)
    [office_record] = page.findChildren(QPushButton, "concern.office_record")
    assert office_record.isVisibleTo(page)
    [due] = page.findChildren(QLabel, "concern.detail.0")
    assert due.text() == "Their own worker's to arrange (shared with you to read)"
    # The caseload, read again after the pack, says the same in place of a visit due.
    model = window.caseload.model
    qtbot.waitUntil(lambda: bryn.id in _caseload_ids(model), timeout=5_000)
    row = _caseload_ids(model).index(bryn.id)
    assert model.data(model.index(row, model.VISIT_DUE_COLUMN)) == "Shared to read"
    assert unnamed(page) == []


def _caseload_ids(model: CaseloadModel) -> list[str]:
    return [model.data(model.index(row, 0), PERSON_ID_ROLE) for row in range(model.rowCount())]
