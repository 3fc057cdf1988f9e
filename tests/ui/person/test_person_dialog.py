"""Adding a person and changing their details: one dialog, nothing pre-answered, saved
through the service on the database thread, refusals keep every typed value."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from msp_desktop.model import (
    CommunicationNeed,
    CopyFormat,
    HouseholdMember,
    Language,
    Note,
    Visibility,
)
from tests.ui.helpers import PEOPLE, on_worker, type_text, wait_idle
from tests.ui.person.journey_helpers import current_dialog, open_person, records
from tests.ui.test_accessibility import unnamed
from ui import actions, messages
from ui.db_worker import DbWorker
from ui.main_window import MainWindow
from ui.person.person_dialog import PersonDialog, nhs_problem

NHS = "943 476 5919"  # a made-up number whose check digit is right
WRONG_NHS = "943 476 5910"
BIDI = "\u202e"  # right-to-left override: would print the name backwards


def add_dialog(qtbot: QtBot, window: MainWindow) -> PersonDialog:
    """Open "Add a person" with its shortcut, as a worker would."""
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.person_dialog is not None and window.person_dialog.isVisible())
    dialog = window.person_dialog
    assert isinstance(dialog, PersonDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def page_texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.person.findChildren(QLabel) if label.text()]


def save_and_wait(qtbot: QtBot, worker: DbWorker, dialog: PersonDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, worker)


def test_the_shortcut_and_the_button_open_the_same_dialog(qtbot: QtBot, app: MainWindow) -> None:
    action = app.action(actions.ADD_PERSON.id)
    assert action.shortcut().toString() == "Ctrl+Shift+N"
    assert app.caseload.add_button.accessibleName() == "Add a person"
    dialog = add_dialog(qtbot, app)
    assert dialog.windowTitle() == "Add a person"
    assert dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: app.person_dialog is None)
    qtbot.mouseClick(app.caseload.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.person_dialog is not None)


def test_nothing_is_pre_answered(qtbot: QtBot, app: MainWindow) -> None:
    dialog = add_dialog(qtbot, app)
    assert dialog.name.hasFocus()
    assert dialog.language.value() is None
    assert dialog.format.value() is None
    assert not any(box.isChecked() for box in dialog.need_boxes.values())
    assert dialog.birth.line.text() == ""
    assert dialog.household.rows == []
    assert not dialog.other_language.isEnabled()
    row = dialog.household.add(None)
    assert row.lives_with.value() is None
    assert row.risk.value() is None
    assert row.lives_with.currentText() == row.risk.currentText() == "Not answered yet"
    assert row.visibility.value() is Visibility.THIRD_PARTY
    assert unnamed(dialog) == []
    mnemonic = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    assert len(mnemonic) >= 10
    assert all(label.buddy() is not None for label in mnemonic)


def test_add_a_person_with_every_detail_opens_their_page(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    dialog = add_dialog(qtbot, app)
    type_text(qtbot, dialog.name, "Gwen Fictional")
    type_text(qtbot, dialog.preferred_name, "Gwen")
    qtbot.keyClicks(dialog.birth.line, "17/05/1944")
    qtbot.keyClicks(dialog.local_id, "LC-2001")
    qtbot.keyClicks(dialog.nhs, NHS)
    dialog.address.setPlainText("12 Example Lane\nSampletown")
    qtbot.keyClicks(dialog.phone, "01234 567890")
    dialog.language.button_for(Language.OTHER).click()
    assert dialog.other_language.isEnabled()
    qtbot.keyClicks(dialog.other_language, "Polish")
    dialog.need_boxes[CommunicationNeed.HEARING].click()
    dialog.need_boxes[CommunicationNeed.INTERPRETER].click()
    dialog.need_notes.setPlainText("Hearing loop in the front room")
    dialog.format.button_for(CopyFormat.LARGE_PRINT).click()
    qtbot.mouseClick(dialog.household.add_button, Qt.MouseButton.LeftButton)
    son = dialog.household.rows[0]
    assert son.name.hasFocus()
    qtbot.keyClicks(son.name, "Relative Specimen")
    qtbot.keyClicks(son.relationship, "son")
    son.lives_with.set_value(True)
    son.risk.set_value(True)
    dialog.household.add(None)
    neighbour = dialog.household.rows[1]
    qtbot.keyClicks(neighbour.name, "Neighbour Example")
    qtbot.keyClicks(neighbour.relationship, "neighbour")
    neighbour.lives_with.set_value(False)
    neighbour.risk.set_value(False)
    neighbour.visibility.set_value(Visibility.PERSON)

    with qtbot.waitSignal(app.person.loaded, timeout=5_000) as loaded:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    person_id = loaded.args[0]
    assert app.pages.currentWidget() is app.person
    assert app.person_dialog is None

    person = on_worker(qtbot, worker, lambda ws: ws.people.get(person_id))
    assert person.name == "Gwen Fictional"
    assert person.preferred_name == "Gwen"
    assert person.date_of_birth == date(1944, 5, 17)
    assert person.local_id == "LC-2001"
    assert person.nhs_number == "9434765919"
    assert person.address == Note(text="12 Example Lane\nSampletown")
    assert person.phone == "01234 567890"
    assert person.preferred_language is Language.OTHER
    assert person.other_language == "Polish"
    assert person.communication_needs == [CommunicationNeed.INTERPRETER, CommunicationNeed.HEARING]
    assert person.communication_notes == Note(text="Hearing loop in the front room")
    assert person.preferred_format is CopyFormat.LARGE_PRINT
    assert person.household == [
        HouseholdMember(
            name="Relative Specimen",
            relationship="son",
            lives_with_person=True,
            may_be_source_of_risk=True,
            visibility=Visibility.THIRD_PARTY,
        ),
        HouseholdMember(
            name="Neighbour Example",
            relationship="neighbour",
            lives_with_person=False,
            may_be_source_of_risk=False,
            visibility=Visibility.PERSON,
        ),
    ]
    created = on_worker(qtbot, worker, lambda ws: ws.audit_entries(person_id))
    assert [(e.action, e.entity) for e in created] == [("create", "person")]

    # Their page shows the new details, the NHS number as it is written on letters.
    texts = page_texts(app)
    for shown in (
        "943 476 5919",
        "01234 567890",
        "Polish",
        "Needs an interpreter; Support with hearing; Hearing loop in the front room",
        "Large print",
        "Relative Specimen (son): lives with the person; may be a source of risk",
        "Neighbour Example (neighbour): lives elsewhere",
    ):
        assert shown in texts
    risky = app.person.findChildren(QLabel, "person.household.member")
    assert [label.font().bold() for label in risky] == [True, False]
    qtbot.waitUntil(lambda: app.caseload.model.rowCount() == 4, timeout=5_000)


def test_a_refusal_keeps_every_typed_value_and_changes_nothing(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    before = records(qtbot, worker)
    dialog = add_dialog(qtbot, app)
    type_text(qtbot, dialog.name, f"Ada {BIDI}elpmaxE")
    qtbot.keyClicks(dialog.phone, "01234 567890")
    dialog.language.button_for(Language.CY).click()
    dialog.need_notes.setPlainText("Speak slowly")
    messages.answer_next(messages.Button.Ok)
    save_and_wait(qtbot, worker, dialog)

    assert messages.shown[-1].kind == "error"
    assert messages.shown[-1].text == (
        "The name holds a control or text-direction character that could hide or reorder "
        "what it says; type it again without it. Nothing was saved."
    )
    assert app.person_dialog is dialog
    assert dialog.isVisible()
    assert dialog.ok_button.isEnabled()
    assert dialog.name.text() == f"Ada {BIDI}elpmaxE"
    assert dialog.phone.text() == "01234 567890"
    assert dialog.language.value() is Language.CY
    assert dialog.need_notes.toPlainText() == "Speak slowly"
    assert records(qtbot, worker) == before

    # Typed again without it, the same dialog saves.
    dialog.name.setText("Ada Newperson")
    with qtbot.waitSignal(app.person.loaded, timeout=5_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert len(records(qtbot, worker).people) == len(before.people) + 1


def test_a_date_of_birth_far_back_gets_a_note_and_is_still_saved(
    qtbot: QtBot, app: MainWindow, worker: DbWorker, spoken: list[tuple[QObject, str]]
) -> None:
    dialog = add_dialog(qtbot, app)
    note = dialog.birth.note
    type_text(qtbot, dialog.name, "Old Typo")
    qtbot.keyClicks(dialog.birth.line, "17/05/1844")  # 1944 meant
    assert note.isVisible()
    said = (
        "Check the date of birth 17/05/1844: it is more than 120 years ago. It is saved as given."
    )
    assert note.text() == said
    assert note.accessibleName() == said
    assert (note, said) in spoken  # a screen reader hears it as it appears
    dialog.birth.line.clear()
    qtbot.keyClicks(dialog.birth.line, "17/05/1944")
    assert not note.isVisible()
    dialog.birth.line.clear()
    qtbot.keyClicks(dialog.birth.line, "17/05/1844")
    # Never a refusal: the worker may be right.
    dialog.language.button_for(Language.EN).click()
    with qtbot.waitSignal(app.person.loaded, timeout=5_000) as loaded:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    person = on_worker(qtbot, worker, lambda ws: ws.people.get(loaded.args[0]))
    assert person.date_of_birth == date(1844, 5, 17)


def test_the_nhs_number_check_digit_is_said_in_words(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    assert nhs_problem(NHS) is None
    assert nhs_problem("") is None
    assert nhs_problem("12345") == "An NHS number is 10 digits, for example 943 476 5919."
    before = records(qtbot, worker)
    dialog = add_dialog(qtbot, app)
    qtbot.keyClicks(dialog.name, "Ada Newperson")
    dialog.language.button_for(Language.EN).click()
    dialog.nhs.setFocus()
    qtbot.keyClicks(dialog.nhs, WRONG_NHS)
    qtbot.keyClick(dialog.nhs, Qt.Key.Key_Tab)  # leaving the field checks it
    assert dialog.nhs_note.isVisible()
    assert dialog.nhs_note.text() == (
        "The last digit of this NHS number does not match the other nine (it is a check "
        "digit): check it was copied right."
    )
    messages.answer_next(messages.Button.Ok)
    save_and_wait(qtbot, worker, dialog)
    assert messages.shown[-1].text == (
        "The NHS number is not right: its last digit does not match the others; check it "
        "was copied right. Nothing was saved."
    )
    assert dialog.nhs.text() == WRONG_NHS
    assert records(qtbot, worker) == before
    qtbot.keyClick(dialog.nhs, Qt.Key.Key_Backspace)
    assert not dialog.nhs_note.isVisible()  # editing takes the old sentence away


def test_the_dialog_says_what_it_still_needs_before_sending_anything(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    before = records(qtbot, worker)
    dialog = add_dialog(qtbot, app)

    def refused(sentence: str, field: QWidget) -> None:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert not worker.busy  # nothing was sent to the database
        assert dialog.error.text() == sentence
        assert dialog.error.isVisible()
        assert field.hasFocus()
        assert dialog.isVisible()

    refused("Give the person's full name.", dialog.name)
    qtbot.keyClicks(dialog.name, "Ada Newperson")
    qtbot.keyClicks(dialog.birth.line, "31/02/1950")
    refused("Date of birth: “31/02/1950” is not a date like 26/11/2026.", dialog.birth.line)
    dialog.birth.line.clear()
    refused(
        "Choose the language the person prefers: English, Welsh or another.",
        dialog.language.buttons[0],
    )
    dialog.language.button_for(Language.EN).click()
    row = dialog.household.add(None)
    qtbot.keyClicks(row.name, "Relative Specimen")
    refused(
        "Say how Relative Specimen is related to the person (for example son, neighbour).",
        row.relationship,
    )
    qtbot.keyClicks(row.relationship, "son")
    refused("Say whether Relative Specimen lives with the person.", row.lives_with)
    row.lives_with.set_value(True)
    refused("Say whether Relative Specimen may be a source of risk.", row.risk)
    assert records(qtbot, worker) == before
    # A row left empty is not a person: removing or leaving it changes nothing.
    dialog.household.add(None)
    dialog.household.remove(dialog.household.rows[0])
    assert dialog.household.entries() == []
    assert dialog.household.rows[0].name.accessibleName() == "Other person 1: name"


def test_change_details_from_the_page_keeps_what_the_dialog_does_not_show(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    ada = PEOPLE[0]
    kept_member = HouseholdMember(
        name="Relative Specimen",
        relationship="son",
        note=Note.third_party("Stays some nights."),
        lives_with_person=True,
    )

    def prepare(ws: object) -> None:
        from msp_desktop.store import Workspace

        assert isinstance(ws, Workspace)
        person = ws.people.get(ada.id)
        ws.people.update(
            person.revised(
                address=Note.internal("Refuge address: not for letters"),
                household=[kept_member],
            )
        )

    on_worker(qtbot, worker, prepare)
    open_person(qtbot, app, ada.id)
    page = app.person
    assert page.edit_button.isEnabled()
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    dialog = current_dialog(qtbot, app)
    assert isinstance(dialog, PersonDialog)
    assert dialog.windowTitle() == "Change details"
    assert dialog.name.text() == "Ada Example"
    assert dialog.birth.line.text() == "03/02/1941"
    assert dialog.language.value() is Language.EN
    assert dialog.format.value() is None  # never asked: still unanswered
    assert dialog.household.rows[0].lives_with.value() is True
    qtbot.keyClicks(dialog.phone, "07700 900123")

    with qtbot.waitSignal(page.loaded, timeout=5_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    # The keyboard carries on where it was (offscreen, with no window manager, the window
    # is made active again by hand).
    app.activateWindow()
    qtbot.waitUntil(page.edit_button.hasFocus)
    person = on_worker(qtbot, worker, lambda ws: ws.people.get(ada.id))
    assert person.phone == "07700 900123"
    assert person.address == Note.internal("Refuge address: not for letters")
    assert person.household == [kept_member]  # its note and visibility kept
    assert "07700 900123" in page_texts(app)
    changes = on_worker(qtbot, worker, lambda ws: ws.audit_entries(ada.id))
    assert [e.action for e in changes] == ["create", "update", "update"]


def test_locking_closes_the_dialog_without_saving(
    qtbot: QtBot, app: MainWindow, worker: DbWorker
) -> None:
    before = records(qtbot, worker)
    dialog = add_dialog(qtbot, app)
    qtbot.keyClicks(dialog.name, "Ada Newperson")
    dialog.language.button_for(Language.EN).click()
    app.detach()
    assert app.person_dialog is None
    assert dialog.closed
    assert not app.action(actions.ADD_PERSON.id).isEnabled()
    app.attach(worker)
    assert records(qtbot, worker) == before
