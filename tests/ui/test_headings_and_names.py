"""Headings and names as Qt's accessibility interface reports them, in this process.

WCAG 1.3.1: titles have the heading role (through ui.a11y.mark_heading's factory).
WCAG 2.5.3 / 4.1.2: the copy dialog's answers are named as they are shown.
tests/ui/test_structure.py reads the same over the AT-SPI bus.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QGroupBox, QLabel
from pytestqt.qtbot import QtBot

from msp_desktop.settings import Settings
from tests.ui.helpers import wait_idle
from tests.ui.test_focus_visible import open_person_with_concern
from ui.a11y import HEADING_LEVEL
from ui.caseload.caseload_page import CaseloadPage
from ui.db_worker import DbWorker
from ui.documents.copy_dialog import CopyDialog
from ui.main_window import MainWindow
from ui.settings_dialog import SettingsDialog
from ui.unlock_dialog import UnlockDialog


def role(widget: QLabel) -> QAccessible.Role:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.role()


def headings(widget: object) -> list[QLabel]:
    assert hasattr(widget, "findChildren")
    return [label for label in widget.findChildren(QLabel) if label.property(HEADING_LEVEL)]


def test_a_dialogs_title_is_a_level_one_heading(
    qtbot: QtBot, worker: DbWorker, existing: Path
) -> None:
    dialog = UnlockDialog(worker, existing)
    qtbot.addWidget(dialog)
    (title,) = headings(dialog)
    assert title.text() == "Unlock your workspace"
    assert role(title) == QAccessible.Role.Heading
    assert title.property(HEADING_LEVEL) == 1
    interface = QAccessible.queryAccessibleInterface(title)
    assert interface.text(QAccessible.Text.Name) == "Unlock your workspace"
    # Body text stays static text: only titles are headings.
    others = [label for label in dialog.findChildren(QLabel) if label is not title]
    assert others
    assert all(role(label) != QAccessible.Role.Heading for label in others)


def test_the_caseload_title_is_a_heading(qtbot: QtBot) -> None:
    page = CaseloadPage()
    qtbot.addWidget(page)
    page.show()
    assert [label.text() for label in headings(page)] == ["Your caseload"]
    assert [role(label) for label in headings(page)] == [QAccessible.Role.Heading]


def test_the_copy_answers_are_named_as_shown(qtbot: QtBot) -> None:
    dialog = CopyDialog()
    qtbot.addWidget(dialog)
    for radio in dialog.choice_buttons.values():
        shown = " ".join(radio.text().replace("&", "").split())
        interface = QAccessible.queryAccessibleInterface(radio)
        assert interface.text(QAccessible.Text.Name) == shown
    keep = dialog.choice_buttons[next(iter(dialog.choice_buttons))]
    assert QAccessible.queryAccessibleInterface(keep).text(QAccessible.Text.Name) == (
        "1 A copy to keep"
    )


def levels(widget: object) -> list[tuple[str, int, QAccessible.Role]]:
    return [(h.text(), h.property(HEADING_LEVEL), role(h)) for h in headings(widget)]


def test_the_sync_pages_titles_are_headings(qtbot: QtBot, window: MainWindow) -> None:
    window.open_sync()
    assert window.worker is not None
    wait_idle(qtbot, window.worker)
    heading = QAccessible.Role.Heading
    assert levels(window.sync_page) == [
        ("Send records to the office", 1, heading),
        ("Before this laptop can send records", 2, heading),
        ("Every record", 2, heading),  # the table's title
    ]


def test_what_the_person_wants_is_a_heading_under_its_concern(
    qtbot: QtBot, window: MainWindow
) -> None:
    open_person_with_concern(qtbot, window)
    wants = window.person.findChild(QLabel, "concern.wants_title")
    assert wants is not None
    assert wants.text() == "What the person wants"
    assert role(wants) == QAccessible.Role.Heading
    card_title = [h for h in headings(window.person) if h.property(HEADING_LEVEL) == 3]
    assert card_title  # the concern's own title, one level up
    assert wants.property(HEADING_LEVEL) == 4


def test_the_settings_dialog_has_its_title_and_no_untitled_groups(qtbot: QtBot) -> None:
    # One form under the dialog's title: no group boxes or group titles to mark.
    dialog = SettingsDialog(Settings(), Path("settings.json"), workspace_open=True)
    qtbot.addWidget(dialog)
    assert levels(dialog) == [("Settings", 1, QAccessible.Role.Heading)]
    assert dialog.findChildren(QGroupBox) == []
