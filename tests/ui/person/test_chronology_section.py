"""The chronology on the person's page: newest first, searched as the worker types, and
"Add a contact note…" with its dialog (real workspace, real widgets, qtbot)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import ContactKind, Visibility
from tests.ui.helpers import on_worker, type_text, wait_idle
from tests.ui.person.journey_story import (
    LETTER,
    PHONE,
    TODAY,
    JourneyStory,
    ago,
    make_journey,
    open_window,
)
from tests.ui.test_accessibility import unnamed
from ui import actions, messages
from ui.date_text import date_text
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.chronology_section import COUNT_PAUSE_MS, ChronologySection, count_words
from ui.person.contact_dialog import ContactDialog, day_words
from ui.security.privacy_screen import PrivacyScreen

NOTE = "Spoke to Ada's daughter: the bank has written."


@pytest.fixture
def story(folder: Path) -> JourneyStory:
    return make_journey(folder)


@pytest.fixture
def window(qtbot: QtBot, worker: DbWorker, story: JourneyStory) -> Iterator[MainWindow]:
    main = open_window(qtbot, worker, story)
    yield main
    main.detach()


def chronology(window: MainWindow) -> ChronologySection:
    found = window.person.findChild(ChronologySection)
    assert found is not None
    return found


def headings(section: ChronologySection) -> list[str]:
    """The first line of each entry the search lets through, top to bottom."""
    return [
        label.text()
        for label in section.findChildren(QLabel, "chronology.heading")
        if label.parentWidget() is not None and not label.parentWidget().isHidden()
    ]


def open_dialog(qtbot: QtBot, section: ChronologySection) -> ContactDialog:
    section.add_button.setFocus()
    qtbot.keyClick(section.add_button, Qt.Key.Key_Space)
    dialog = section.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()  # the offscreen platform has no window manager to do it
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def contact_count(qtbot: QtBot, worker: DbWorker) -> int:
    return on_worker(qtbot, worker, lambda ws: ws.contacts.count())


def test_newest_first_with_who_may_read_each_note(window: MainWindow) -> None:
    section = chronology(window)
    assert headings(section) == [
        f"{date_text(ago(2))} · Letter",
        f"{date_text(ago(5))} · Phone call",
        f"{date_text(ago(9))} · Visit did not happen: no access",
        f"{date_text(ago(20))} · Visit (finalised)",
        f"{date_text(ago(50))} · Visit (finalised)",
    ]
    footnotes = [label.text() for label in section.findChildren(QLabel, "chronology.footnote")]
    concern = f"Concern raised {date_text(ago(60))} (open)"
    assert footnotes[:2] == [
        f"The person can read this · {concern}",
        "For workers only: never in the person's copy",
    ]
    texts = [label.text() for label in section.findChildren(QLabel, "chronology.text")]
    assert texts[:2] == [LETTER, PHONE]
    assert section.count_note.text() == "5 entries"


def test_the_search_keeps_what_matches_as_it_is_typed(qtbot: QtBot, window: MainWindow) -> None:
    section = chronology(window)
    section.search_edit.setFocus()
    qtbot.keyClicks(section.search_edit, "BANK")
    assert headings(section) == [f"{date_text(ago(5))} · Phone call"]
    assert section.count_note.text() == "1 of 5 entries match “BANK”"
    section.search_edit.clear()
    qtbot.keyClicks(section.search_edit, "no access")
    assert [e.kind for e in section.shown_entries()] == ["not_held"]
    section.search_edit.clear()
    qtbot.keyClicks(section.search_edit, "nothing like this")
    assert section.shown_entries() == []
    assert section.count_note.text() == "Nothing in the chronology matches “nothing like this”."
    section.search_edit.clear()
    assert len(section.shown_entries()) == 5


def test_the_count_is_announced_once_typing_pauses(
    qtbot: QtBot, window: MainWindow, spoken: list[tuple[QObject, str]]
) -> None:
    # WCAG 4.1.3: the count says what the search left, without moving the focus.
    section = chronology(window)
    assert section.count_note.accessibleName() == "5 entries"
    assert section.count_note.accessibleDescription() == "Chronology count"
    section.search_edit.setFocus()
    qtbot.keyClicks(section.search_edit, "BANK")
    said = [words for thing, words in spoken if thing is section.count_note]
    assert said == []  # not at every letter
    qtbot.waitUntil(lambda: any(thing is section.count_note for thing, _ in spoken), timeout=3000)
    qtbot.wait(COUNT_PAUSE_MS + 200)
    said = [words for thing, words in spoken if thing is section.count_note]
    assert said == ["1 of 5 entries match “BANK”"]
    assert section.count_note.accessibleName() == said[0]
    section.search_edit.clear()
    qtbot.waitUntil(lambda: len([t for t, _ in spoken if t is section.count_note]) == 2)
    assert spoken[-1][1] == "5 entries"


def test_a_note_added_by_keyboard_is_kept_and_listed_first(
    qtbot: QtBot, window: MainWindow, worker: DbWorker, story: JourneyStory
) -> None:
    section = chronology(window)
    qtbot.keyClicks(section.search_edit, "bank")
    dialog = open_dialog(qtbot, section)
    assert unnamed(dialog) == []
    assert dialog.date_edit.text() == TODAY.strftime("%d/%m/%Y")
    assert dialog.date_words.text() == f"Today, {date_text(TODAY)}"
    assert dialog.chosen_visibility() is Visibility.INTERNAL
    assert dialog.chosen_kind() is None  # how it happened is chosen, never assumed
    assert dialog.concern.currentData() is None
    # By keyboard: Space on the first choice, then Tab along the fields.
    qtbot.keyClick(dialog.kinds.button(0), Qt.Key.Key_Space)
    assert dialog.chosen_kind() is ContactKind.PHONE
    dialog.text_edit.setFocus()
    type_text(qtbot, dialog.text_edit, NOTE)
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Tab)
    assert dialog.visibility.hasFocus()
    qtbot.keyClick(dialog.visibility, Qt.Key.Key_Tab)
    assert dialog.concern.hasFocus()
    qtbot.keyClick(dialog.concern, Qt.Key.Key_Down)
    assert dialog.concern.currentData() == story.concern_id
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        qtbot.keyClick(dialog.concern, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)

    kept = on_worker(qtbot, worker, lambda ws: ws.contacts.for_person(story.person_id))
    newest = kept[0]
    assert (newest.kind, newest.on, newest.text.text, newest.text.visibility) == (
        ContactKind.PHONE,
        TODAY,
        NOTE,
        Visibility.INTERNAL,
    )
    assert newest.concern_id == story.concern_id
    assert section.dialog is None  # closed, and let go
    assert section.search_edit.text() == ""  # cleared, so the new note is in sight
    assert headings(section)[0] == f"{date_text(TODAY)} · Phone call"
    assert section.status_note.text() == f"Saved the contact note of {date_text(TODAY)}."
    assert section.count_note.text() == "6 entries"


@pytest.mark.parametrize(
    ("kind", "when", "words", "sentence"),
    [
        (
            None,
            None,
            NOTE,
            "Choose how the contact happened: phone call, letter, email or meeting.",
        ),
        (2, "31/02/2026", NOTE, "“31/02/2026” is not a date: type it like 26/11/2026."),
        (2, "", NOTE, "Type the date of the contact, like 26/11/2026."),
        (3, None, "   ", "Write what the contact was about."),
        (
            1,
            None,
            "Wrote to \u202eAda",
            "The text holds a control or text-direction character that could hide or "
            "reorder what it says; type it again without it. Nothing was saved.",
        ),
        (0, "future", NOTE, "A contact is recorded once it has happened, not before."),
    ],
    ids=["no kind", "not a date", "no date", "no words", "direction override", "future"],
)
def test_a_refusal_says_why_and_keeps_every_word(
    qtbot: QtBot,
    window: MainWindow,
    worker: DbWorker,
    kind: int | None,
    when: str | None,
    words: str,
    sentence: str,
) -> None:
    section = chronology(window)
    dialog = open_dialog(qtbot, section)
    if kind is not None:
        dialog.kinds.button(kind).click()
    if when == "future":
        when = ago(-1).strftime("%d/%m/%Y")
    if when is not None:
        dialog.date_edit.setText(when)
    dialog.text_edit.setPlainText(words)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error.text() == sentence, timeout=5_000)
    wait_idle(qtbot, worker)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.text_edit.toPlainText() == words
    assert contact_count(qtbot, worker) == 2
    assert len(section.shown_entries()) == 5


def test_cancel_asks_before_words_are_lost(
    qtbot: QtBot, window: MainWindow, worker: DbWorker
) -> None:
    section = chronology(window)
    dialog = open_dialog(qtbot, section)
    dialog.text_edit.setPlainText(NOTE)
    messages.answer_next(messages.Button.Cancel)
    qtbot.keyClick(dialog.text_edit, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    assert dialog.text_edit.toPlainText() == NOTE
    assert [shown.text for shown in messages.shown] == [
        "Discard this contact note? What you typed will not be kept."
    ]
    messages.answer_next(messages.Button.Discard)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: section.dialog is None)
    assert contact_count(qtbot, worker) == 2
    # With nothing typed, Cancel just closes.
    empty = open_dialog(qtbot, section)
    qtbot.keyClick(empty.text_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: section.dialog is None)
    assert len(messages.shown) == 2  # the two questions above, none more


def test_the_dialog_hides_under_the_privacy_screen(qtbot: QtBot, window: MainWindow) -> None:
    privacy = PrivacyScreen(window, window.action(actions.PRIVACY.id))
    dialog = open_dialog(qtbot, chronology(window))
    dialog.text_edit.setPlainText(NOTE)
    assert window.action(actions.PRIVACY.id) in dialog.actions()  # F12 works from the dialog
    assert window.action(actions.LOCK.id) in dialog.actions()
    privacy.set_on(True)
    assert dialog.private
    assert not dialog.isVisible()
    privacy.set_on(False)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.text_edit.toPlainText() == NOTE


def test_leaving_the_page_while_a_note_is_saved_is_safe(
    qtbot: QtBot, window: MainWindow, worker: DbWorker, story: JourneyStory
) -> None:
    section = chronology(window)
    dialog = open_dialog(qtbot, section)
    dialog.kinds.button(3).click()
    dialog.text_edit.setPlainText(NOTE)
    dialog.saved.connect(lambda _contact: window.show_caseload())
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        dialog.save_button.click()
    wait_idle(qtbot, worker)
    assert window.person.record is None
    assert contact_count(qtbot, worker) == 3
    with qtbot.waitSignal(window.person.loaded, timeout=5_000):
        window.open_person(story.person_id)
    assert headings(chronology(window))[0] == f"{date_text(TODAY)} · Meeting"


def test_words_for_dates_and_counts() -> None:
    assert day_words(TODAY, TODAY) == f"Today, {date_text(TODAY)}"
    assert day_words(ago(1), TODAY) == f"Yesterday, {date_text(ago(1))}"
    assert day_words(ago(3), TODAY) == f"3 days ago, {date_text(ago(3))}"
    assert day_words(ago(-2), TODAY) == (
        f"{date_text(ago(-2))} is in the future: record a contact once it has happened."
    )
    assert count_words(0, 0, "") == "Nothing recorded yet."
    assert count_words(1, 1, " ") == "1 entry"
    assert count_words(1, 1, "bank") == "1 of 1 entry matches “bank”"


def test_the_add_button_needs_an_open_workspace(qtbot: QtBot, window: MainWindow) -> None:
    record = window.person.record
    assert record is not None
    section = ChronologySection(record, None)
    qtbot.addWidget(section)
    assert not section.add_button.isEnabled()
    assert section.open_dialog() is None
    assert isinstance(section.entries, QWidget)


def test_tab_order_follows_reading_order_and_alt_n_adds_a_note(
    qtbot: QtBot, window: MainWindow
) -> None:
    section = chronology(window)
    toggle = window.person.findChild(QPushButton, "actions.show_finished")
    assert toggle is not None

    def after(widget: QWidget) -> QWidget:
        nxt = widget.nextInFocusChain()
        while not (nxt.focusPolicy() & Qt.FocusPolicy.TabFocus) or not nxt.isVisible():
            nxt = nxt.nextInFocusChain()
        return nxt

    assert after(toggle) is section.add_button
    assert after(section.add_button) is section.search_edit
    section.search_edit.setFocus()
    qtbot.keyClick(section.search_edit, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: section.dialog is not None and section.dialog.isVisible())


def test_locking_closes_the_dialog_with_the_record(
    qtbot: QtBot, window: MainWindow, worker: DbWorker
) -> None:
    dialog = open_dialog(qtbot, chronology(window))
    dialog.text_edit.setPlainText(NOTE)
    window.detach()  # what the session does when the workspace is locked
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))
    assert messages.shown == []  # nothing asked: the lock does not wait for an answer
    assert window.person.record is None
    assert contact_count(qtbot, worker) == 2
