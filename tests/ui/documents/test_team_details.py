"""Team details in the app: set from the Workspace menu or Settings, asked for when a copy
is wanted without them, and the copy made once they are set (issue 14, item 2).

Real SQLCipher workspaces, real widgets: the details are read back from the workspace.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from msp_desktop.model import CopyChoice, Language
from msp_desktop.services.documents import TEAM_DETAILS_MISSING
from msp_desktop.store.service_details import ServiceInfo
from tests.ui.documents.conftest import RETURN_ADDRESS, TEAM_NAME, TEAM_PHONE, Docs, make_docs
from tests.ui.helpers import wait_idle
from tests.ui.mnemonics import check_window
from ui import actions, messages
from ui.documents.copy_dialog import CopyDialog, CopyRequest
from ui.documents.preview_window import PreviewWindow
from ui.documents.team_dialog import TeamDialog
from ui.settings_dialog import SettingsDialog

from .controls import assert_every_control_named, save_grab

NEW_NAME = "Exampleshire Adult Social Care, North Team"
NEW_PHONE = "01632 960 222"


@pytest.fixture(autouse=True)
def _fresh_messages() -> Iterator[None]:
    messages.reset()
    yield
    messages.reset()


@pytest.fixture
def no_team(qtbot: QtBot, folder: Path) -> Iterator[Docs]:
    """Ada Example's workspace before anyone has set the team's details."""
    yield from make_docs(qtbot, folder, Language.EN, team=False)


def service(qtbot: QtBot, docs: Docs) -> ServiceInfo:
    return docs.run(qtbot, lambda ws: ws.service())


def open_from_menu(qtbot: QtBot, docs: Docs) -> TeamDialog:
    """Workspace › Team details…, and wait until the stored details are shown."""
    documents = docs.window.documents
    with qtbot.waitSignal(documents.team_dialog_opened, timeout=10_000) as opened:
        docs.window.action(actions.TEAM_DETAILS.id).trigger()
    dialog = opened.args[0]
    assert isinstance(dialog, TeamDialog)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    return dialog


def type_into(qtbot: QtBot, dialog: TeamDialog, key: str, text: str) -> None:
    line = dialog.fields[key]
    line.selectAll()
    line.del_()
    qtbot.keyClicks(line, text)


def test_the_menu_opens_the_dialog_filled_and_saving_keeps_the_details(
    qtbot: QtBot, docs: Docs, tmp_path: Path
) -> None:
    menu_texts = [a.text() for a in docs.window.menuBar().actions()[0].menu().actions()]
    assert "&Team details…" in menu_texts
    dialog = open_from_menu(qtbot, docs)
    assert dialog.fields["name"].text() == TEAM_NAME
    assert dialog.fields["phone"].text() == TEAM_PHONE
    assert dialog.fields["email"].text() == ""
    assert dialog.fields["return_address"].text() == RETURN_ADDRESS
    assert "printed on the person's copies" in dialog.why.text()
    assert_every_control_named(dialog)
    save_grab(dialog, tmp_path / "team_dialog.png")
    type_into(qtbot, dialog, "phone", NEW_PHONE)
    type_into(qtbot, dialog, "email", "north.team@example.invalid")
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved.args[0].phone == NEW_PHONE
    assert not dialog.isVisible()
    assert service(qtbot, docs) == ServiceInfo(
        TEAM_NAME, NEW_PHONE, "north.team@example.invalid", True, RETURN_ADDRESS
    )
    assert [a for a, _detail in docs.audit(qtbot, "service")] == ["update", "update"]
    assert docs.window.documents.team_dialog is None


def test_a_new_workspace_starts_with_empty_fields_not_the_defaults(
    qtbot: QtBot, no_team: Docs
) -> None:
    dialog = open_from_menu(qtbot, no_team)
    # "Adult Social Care" and "—" are what an unset workspace prints: no one's details.
    assert [line.text() for line in dialog.fields.values()] == ["", "", "", ""]
    type_into(qtbot, dialog, "name", NEW_NAME)
    type_into(qtbot, dialog, "phone", NEW_PHONE)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    assert service(qtbot, no_team) == ServiceInfo(NEW_NAME, NEW_PHONE, None, True)


@pytest.mark.parametrize(
    ("key", "typed", "sentence"),
    [
        ("name", "   ", "Give the team's name."),
        ("phone", "", "Give the team's phone number."),
        ("phone", "0" * 201, "The team's phone number is longer than 200 characters."),
        ("email", "x" * 201, "The team's email address is longer than 200 characters."),
    ],
)
def test_bad_input_says_so_in_one_sentence_and_changes_nothing(
    qtbot: QtBot, docs: Docs, key: str, typed: str, sentence: str, tmp_path: Path
) -> None:
    before = service(qtbot, docs)
    audited = docs.audit(qtbot, "service")
    dialog = open_from_menu(qtbot, docs)
    type_into(qtbot, dialog, key, typed)
    dialog.save_button.click()
    wait_idle(qtbot, docs.worker)
    qtbot.waitUntil(dialog.error.isVisible, timeout=5_000)
    assert dialog.error.text() == sentence
    save_grab(dialog, tmp_path / "team_refused.png")
    # The field at fault speaks the sentence (and has the focus); the rest is kept.
    assert dialog.fields[key].accessibleDescription() == sentence
    assert dialog.isVisible()
    assert dialog.save_button.isEnabled()
    assert dialog.fields[key].text() == typed
    assert service(qtbot, docs) == before
    assert docs.audit(qtbot, "service") == audited
    assert messages.shown == []  # said under the fields, not in a box on top
    # Typing again takes the sentence away.
    qtbot.keyClicks(dialog.fields[key], "1")
    assert not dialog.error.isVisible()
    dialog.reject()


def test_a_copy_without_team_details_says_so_sets_them_and_the_copy_is_made(
    qtbot: QtBot, no_team: Docs, tmp_path: Path
) -> None:
    documents = no_team.window.documents
    documents.give_copy(no_team.visit_id)
    wait_idle(qtbot, no_team.worker)
    # The sentence, calmly, before the safety question is asked at all.
    assert [(m.kind, m.text) for m in messages.shown] == [("offer", TEAM_DETAILS_MISSING)]
    assert documents.copy_dialog is None
    box = no_team.window.findChild(QMessageBox, "message.offer")
    assert isinstance(box, QMessageBox)
    assert box.icon() is QMessageBox.Icon.Information
    assert box.text() == TEAM_DETAILS_MISSING
    save_grab(box, tmp_path / "team_needed.png")
    go = box.findChild(QPushButton, "message.offer.go")
    assert go is not None
    assert go.text() == "Set &team details…"
    with qtbot.waitSignal(documents.team_dialog_opened, timeout=10_000) as opened:
        go.click()
    dialog = opened.args[0]
    assert isinstance(dialog, TeamDialog)
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    assert no_team.run(qtbot, lambda ws: ws.copies.for_visit(no_team.visit_id)) == []
    type_into(qtbot, dialog, "name", NEW_NAME)
    type_into(qtbot, dialog, "phone", NEW_PHONE)
    # Saved, the copy dialog follows at once: the worker carries on where they were.
    with qtbot.waitSignal(documents.copy_dialog_opened, timeout=10_000) as asked:
        dialog.save_button.click()
    copy_dialog = asked.args[0]
    assert isinstance(copy_dialog, CopyDialog)
    copy_dialog.choice_buttons[CopyChoice.KEEP].click()
    with qtbot.waitSignal(documents.preview_opened, timeout=20_000):
        copy_dialog.ok_button.click()
    copies = no_team.run(qtbot, lambda ws: ws.copies.for_visit(no_team.visit_id))
    assert [c.choice for c in copies] == [CopyChoice.KEEP]
    assert isinstance(documents.preview, PreviewWindow)


def test_not_now_makes_nothing_and_asks_nothing(qtbot: QtBot, no_team: Docs) -> None:
    messages.answer_next(messages.Button.Cancel)
    documents = no_team.window.documents
    documents.give_copy(no_team.visit_id)
    wait_idle(qtbot, no_team.worker)
    qtbot.wait(20)
    assert [m.text for m in messages.shown] == [TEAM_DETAILS_MISSING]
    assert documents.team_dialog is None
    assert documents.copy_dialog is None
    assert no_team.run(qtbot, lambda ws: ws.copies.for_visit(no_team.visit_id)) == []


def test_a_copy_the_store_refuses_is_given_again_once_the_details_are_set(
    qtbot: QtBot, no_team: Docs
) -> None:
    # The store's refusal is the rule, whatever the dialog was told: the answer the
    # person gave is sent as it was once the details are set, and recorded once.
    messages.answer_next(messages.Button.Yes)
    documents = no_team.window.documents
    request = CopyRequest(CopyChoice.KEEP, "large-print", "en", False)
    with qtbot.waitSignal(documents.team_dialog_opened, timeout=10_000) as opened:
        documents._decided(no_team.visit_id, request)
    assert [m.text for m in messages.shown] == [TEAM_DETAILS_MISSING]
    assert no_team.run(qtbot, lambda ws: ws.copies.for_visit(no_team.visit_id)) == []
    dialog = opened.args[0]
    qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
    type_into(qtbot, dialog, "name", NEW_NAME)
    type_into(qtbot, dialog, "phone", NEW_PHONE)
    with qtbot.waitSignal(documents.preview_opened, timeout=20_000):
        dialog.save_button.click()
    copies = no_team.run(qtbot, lambda ws: ws.copies.for_visit(no_team.visit_id))
    assert [(c.choice, c.style) for c in copies] == [(CopyChoice.KEEP, "large-print")]


def test_locking_closes_the_dialog_and_saves_nothing(qtbot: QtBot, no_team: Docs) -> None:
    dialog = open_from_menu(qtbot, no_team)
    type_into(qtbot, dialog, "name", NEW_NAME)
    no_team.window.detach()
    assert not dialog.isVisible()
    assert no_team.window.documents.team_dialog is None
    assert not no_team.window.action(actions.TEAM_DETAILS.id).isEnabled()
    no_team.window.attach(no_team.worker)
    wait_idle(qtbot, no_team.worker)
    assert not service(qtbot, no_team).is_set


def test_every_letter_of_the_dialog_reaches_its_field(qtbot: QtBot, docs: Docs) -> None:
    dialog = open_from_menu(qtbot, docs)
    found = {m.keys for m in check_window(qtbot, dialog)}
    assert found == {"Alt+N", "Alt+P", "Alt+E", "Alt+R", "Alt+S"}
    dialog.reject()


def test_settings_opens_the_same_dialog_while_a_workspace_is_open(
    qtbot: QtBot, existing: Path, tmp_path: Path
) -> None:
    from tests.ui.security.helpers import unlock
    from ui.session import Session

    session = Session(existing, settings_path=tmp_path / "settings.json")
    session.start()
    try:
        window = unlock(qtbot, session)
        window.action(actions.SETTINGS.id).trigger()
        settings = session.settings_dialog
        assert isinstance(settings, SettingsDialog)
        assert settings.team_button.isVisible()
        assert settings.team_button.text() == "Team &details on the person's copies…"
        save_grab(settings, tmp_path / "settings_with_team.png")
        found = {m.keys for m in check_window(qtbot, settings)}
        assert "Alt+D" in found
        with qtbot.waitSignal(window.documents.team_dialog_opened, timeout=10_000) as opened:
            qtbot.mouseClick(settings.team_button, Qt.MouseButton.LeftButton)
        dialog = opened.args[0]
        assert isinstance(dialog, TeamDialog)
        assert dialog.parent() is settings  # on top of Settings, not behind it
        qtbot.waitUntil(dialog.save_button.isEnabled, timeout=10_000)
        type_into(qtbot, dialog, "name", NEW_NAME)
        type_into(qtbot, dialog, "phone", NEW_PHONE)
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            dialog.save_button.click()
        assert session.worker is not None
        results: list[ServiceInfo] = []
        session.worker.submit(lambda ws: ws.service(), results.append)
        wait_idle(qtbot, session.worker)
        assert results == [ServiceInfo(NEW_NAME, NEW_PHONE, None, True)]
        assert settings.isVisible()  # the app's settings are still open, unchanged
    finally:
        session.end()


def test_without_a_workspace_settings_has_no_team_button(qtbot: QtBot, tmp_path: Path) -> None:
    from msp_desktop.settings import Settings

    dialog = SettingsDialog(Settings(), tmp_path / "settings.json")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.team_button.isVisible()
