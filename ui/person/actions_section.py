"""The actions agreed with the person, on their page: what, who, by when, for which
concern and outcome. Open ones first, soonest first; overdue is said in words and in
bold, never by colour alone. Finished ones (done, not done, no longer needed) wait
behind a button, so what is still to do leads.

Built from a ``PersonFile`` (``ui.person.person_file``); nothing here reads the database.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from msp_desktop.model import ActionOwner, ActionStatus, AgreedAction, Person
from msp_desktop.services.actions import finished_on
from ui.a11y import StatusLabel, mark_heading, named
from ui.date_text import date_text
from ui.i18n import N_, Message, tr, tr_marked, tr_n
from ui.person.person_file import PersonFile
from ui.person.person_text import concern_title
from ui.person.sections import button, card, page_font, text

STATUS_WORDS: dict[ActionStatus, Message] = {
    ActionStatus.OPEN: N_("Still to do"),
    ActionStatus.DONE: N_("Done"),
    ActionStatus.NOT_DONE: N_("Not done"),
    ActionStatus.NO_LONGER_NEEDED: N_("No longer needed"),
}


def who_text(action: AgreedAction, person: Person) -> str:
    """Who does it, in words: a name where one was given, and whose action it is."""
    if action.owner is ActionOwner.PERSON:
        return tr("{name} (the person)", name=person.preferred_name or person.name)
    if action.owner is ActionOwner.WORKER:
        return tr("{name} (worker)", name=action.who) if action.who else tr("The worker")
    if action.who:
        return action.who
    if action.owner is ActionOwner.SOMEONE_ELSE:
        return tr("Someone else (not named)")
    return tr("Not recorded")


def due_words(action: AgreedAction, today: date) -> str:
    """By when an open action is due; overdue is said in words."""
    if action.by_when is None:
        return tr("No date agreed")
    if action.is_overdue(today):
        return tr("Overdue: it was due by {date}", date=date_text(action.by_when))
    if action.by_when == today:
        return tr("Due today")
    return tr("Due by {date}", date=date_text(action.by_when))


def finished_words(action: AgreedAction) -> str:
    """Where a finished action stands: "Done (3 Dec 2026)"."""
    status = tr_marked(STATUS_WORDS[action.status])
    when = finished_on(action)
    return tr("{status} ({date})", status=status, date=date_text(when)) if when else status


def summary_words(record: PersonFile, today: date) -> str:
    """How many actions are open, and how many of those are overdue."""
    open_count = len(record.actions.open)
    if not open_count:
        if record.actions.finished:
            return tr("Nothing is outstanding: every action agreed is finished.")
        return tr("No actions agreed yet.")
    overdue = len(record.actions.overdue(today))
    opened = tr_n("{count} action to do", "{count} actions to do", open_count)
    if not overdue:
        return tr("{opened}; none overdue.", opened=opened)
    return tr("{opened}; {overdue} overdue.", opened=opened, overdue=overdue)


def _about(action: AgreedAction, record: PersonFile) -> str:
    """Who does it, which concern, and which of the person's outcomes it serves."""
    who = tr("Who: {who}", who=who_text(action, record.person))
    parts = [who]
    for story in record.concerns:
        if story.concern.id == action.concern_id:
            parts.append(concern_title(story.concern))
            words = [h.words for h in story.outcomes if h.id in action.outcome_ids]
            parts.extend(tr("For “{words}”", words=w) for w in words)
    return " · ".join(parts)


def _what(action: AgreedAction) -> str:
    return action.what.text if action.what else tr("(No words recorded)")


def open_block(action: AgreedAction, record: PersonFile, today: date, parent: QWidget) -> QWidget:
    """One action still to do: when first (bold when overdue), what, then who and why."""
    box = QWidget(parent)
    box.setObjectName("action.open")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 6, 0, 6)
    layout.setSpacing(2)
    overdue = action.is_overdue(today)
    due = text(due_words(action, today), box, bold=overdue)
    due.setObjectName("action.due")
    due.setProperty("overdue", overdue)
    layout.addWidget(due)
    what = text(_what(action), box, scale=1.1)
    what.setObjectName("action.what")
    layout.addWidget(what)
    about = text(_about(action, record), box, scale=0.9)
    about.setObjectName("action.about")
    layout.addWidget(about)
    return box


def finished_block(action: AgreedAction, record: PersonFile, parent: QWidget) -> QWidget:
    """One finished action: where it stands, what it was, and the note given."""
    box = QWidget(parent)
    box.setObjectName("action.finished")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 4)
    layout.setSpacing(2)
    status = text(finished_words(action), box, bold=True)
    status.setObjectName("action.status")
    layout.addWidget(status)
    layout.addWidget(text(_what(action), box))
    if action.status_note is not None:
        layout.addWidget(text(tr("Note: {note}", note=action.status_note.text), box, scale=0.9))
    layout.addWidget(text(_about(action, record), box, scale=0.9))
    return box


def status_text(words: str, parent: QWidget, bold: bool = False) -> StatusLabel:
    """A count of actions in the page's type, named by its words. Built with the record,
    before it is shown, so it is not announced then; the person's page announces the
    note when reading the record again changes it."""
    label = StatusLabel(tr("Actions to do"), parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFont(page_font(1.0, bold))
    label.set_status(words)
    return label


def actions_note(record: PersonFile, today: date, parent: QWidget) -> QLabel:
    """One line under the person's details saying what is still to do (bold when some
    is overdue), so it is read before the concerns; hidden when nothing is open."""
    overdue = bool(record.actions.overdue(today))
    words = ""
    if record.actions.open:
        words = tr(
            "{summary} They are under “Agreed actions”, after the concerns.",
            summary=summary_words(record, today),
        )
    note = status_text(words, parent, bold=overdue)
    note.setObjectName("person.actions_note")
    note.setVisible(bool(words))
    return note


def actions_section(record: PersonFile, today: date, parent: QWidget) -> QFrame:
    """The card of agreed actions: a count, each open action, then the finished ones
    behind a "Show" button."""
    frame, layout = card("person.actions", parent)
    title = mark_heading(text(tr("Agreed actions"), frame, scale=1.3, bold=True), 2)
    title.setObjectName("actions.title")
    layout.addWidget(title)
    summary = status_text(summary_words(record, today), frame)
    summary.setObjectName("actions.summary")
    layout.addWidget(summary)
    for action in record.actions.open:
        layout.addWidget(open_block(action, record, today, frame))
    finished = record.actions.finished
    if finished:
        layout.addWidget(finished_list(finished, record, frame))
    return frame


def finished_list(
    actions: tuple[AgreedAction, ...], record: PersonFile, parent: QWidget
) -> QWidget:
    """A button that shows or hides the finished actions listed under it."""
    box = QWidget(parent)
    box.setObjectName("actions.finished")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 8, 0, 0)
    layout.setSpacing(4)
    toggle = button("", box)
    toggle.setObjectName("actions.show_finished")
    toggle.setCheckable(True)
    shelf = QWidget(box)
    shelf.setObjectName("actions.finished_list")
    shelf_layout = QVBoxLayout(shelf)
    shelf_layout.setContentsMargins(0, 0, 0, 0)
    for action in actions:
        shelf_layout.addWidget(finished_block(action, record, shelf))
    shelf.hide()
    count = len(actions)

    def show(shown: bool) -> None:
        shelf.setVisible(shown)
        if shown:
            words = tr_n("Hide the finished action", "Hide the {count} finished actions", count)
        else:
            words = tr_n("Show the finished action", "Show the {count} finished actions", count)
        toggle.setText(words)
        named(toggle, words, tr("Done, not done or no longer needed."))

    show(False)
    toggle.toggled.connect(show)
    layout.addWidget(toggle, 0, Qt.AlignmentFlag.AlignLeft)
    layout.addWidget(shelf)
    return box
