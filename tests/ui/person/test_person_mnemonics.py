"""Alt+letter on a person's page and in every dialog it opens: no two controls of a
window share a letter, and each letter, pressed, reaches its control
(tests/ui/mnemonics.py). Ada's page has an open concern with visits, actions, a visit
that did not happen and contact notes, and a closed concern, so every kind of card and
button is there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import Language
from tests.ui.mnemonics import check_window, collect
from tests.ui.person.journey_story import JourneyStory, make_journey, open_window
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.chronology_section import ChronologySection
from ui.person.form_parts import WorkspaceDialog
from ui.person.person_dialog import PersonDialog


@pytest.fixture
def story(folder: Path) -> JourneyStory:
    return make_journey(folder)


@pytest.fixture
def window(qtbot: QtBot, worker: DbWorker, story: JourneyStory) -> Iterator[MainWindow]:
    main = open_window(qtbot, worker, story)
    yield main
    main.detach()


def keys(window: QWidget) -> set[str]:
    return {m.keys for m in collect(window)}


def dialog_from(qtbot: QtBot, window: MainWindow, button: QPushButton) -> WorkspaceDialog:
    """Press ``button`` on the page and return the dialog it opened, active."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = window.person.journey.dialog
    assert dialog is not None, f"{button.text()!r} opened no dialog"
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()  # offscreen there is no window manager to do it
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def card_button(window: MainWindow, concern_id: str, kind: str) -> QPushButton:
    card = window.person.findChild(QWidget, f"concern.{concern_id}")
    assert card is not None
    button = card.findChild(QPushButton, f"concern.{kind}")
    assert button is not None, f"no {kind} button on the card"
    return button


def close_dialog(qtbot: QtBot, window: MainWindow) -> None:
    window.person.journey.close_dialog()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_the_person_page(qtbot: QtBot, window: MainWindow) -> None:
    found = {m.keys for m in check_window(qtbot, window)}
    # The menu, Change details, Raise a concern, the chronology's search and note.
    assert {"Alt+W", "Alt+C", "Alt+R", "Alt+S", "Alt+N"} <= found


def test_the_person_dialog_to_add_someone(qtbot: QtBot, window: MainWindow) -> None:
    window.add_person()
    dialog = window.person_dialog
    assert isinstance(dialog, PersonDialog)
    qtbot.waitUntil(dialog.isVisible)
    check_window(qtbot, dialog)
    # With another language chosen, someone in the household and every field showing.
    dialog.language.button_for(Language.OTHER).click()
    qtbot.mouseClick(dialog.household.add_button, Qt.MouseButton.LeftButton)
    assert dialog.other_language.isEnabled()
    check_window(qtbot, dialog)
    dialog.abandon()


def test_the_person_dialog_to_change_details(qtbot: QtBot, window: MainWindow) -> None:
    dialog = dialog_from(qtbot, window, window.person.edit_button)
    assert isinstance(dialog, PersonDialog)
    assert "Alt+S" in keys(dialog)  # Save
    check_window(qtbot, dialog)
    close_dialog(qtbot, window)


def test_raise_a_concern(qtbot: QtBot, window: MainWindow) -> None:
    check_window(qtbot, dialog_from(qtbot, window, window.person.raise_button))
    close_dialog(qtbot, window)


@pytest.mark.parametrize("kind", ["not_held", "stage", "close"])
def test_the_open_concerns_dialogs(
    qtbot: QtBot, window: MainWindow, story: JourneyStory, kind: str
) -> None:
    dialog = dialog_from(qtbot, window, card_button(window, story.concern_id, kind))
    check_window(qtbot, dialog)
    close_dialog(qtbot, window)


def test_reopen_a_closed_concern(qtbot: QtBot, window: MainWindow, story: JourneyStory) -> None:
    dialog = dialog_from(qtbot, window, card_button(window, story.closed_concern_id, "reopen"))
    check_window(qtbot, dialog)
    close_dialog(qtbot, window)


def test_a_contact_note(qtbot: QtBot, window: MainWindow) -> None:
    section = window.person.findChild(ChronologySection)
    assert section is not None
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    dialog = section.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    check_window(qtbot, dialog)
    dialog.reject()


def test_a_letter_pressed_through_opens_its_dialog(qtbot: QtBot, window: MainWindow) -> None:
    # The checks stop a button's shortcut before it acts; here Alt+R acts.
    window.person.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.person.journey.dialog is not None, timeout=3000)
    dialog = window.person.journey.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.objectName() == "dialog.raise_concern"
    assert QApplication.activeModalWidget() in (dialog, None)
    close_dialog(qtbot, window)


def test_a_visit_inside_the_main_window(
    qtbot: QtBot, window: MainWindow, story: JourneyStory
) -> None:
    # The visit's buttons and the menu bar share one window: every step is checked in
    # tests/ui/visit; here the first step with the menu.
    window.open_visit_for(story.concern_id, None)
    # More than one guide is shipped, so the worker is asked which conversation it is.
    qtbot.waitUntil(lambda: window.guide_dialog is not None, timeout=5_000)
    dialog = window.guide_dialog
    assert dialog is not None
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: bool(window.visit_page.pages), timeout=5_000)
    found = {m.keys for m in check_window(qtbot, window)}
    assert {"Alt+W", "Alt+B", "Alt+N", "Alt+F"} <= found
