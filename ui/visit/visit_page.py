"""The guided visit: a step list, one page per step, autosave, finalise and amend.

Pages come from the guide for the stage the visit is held at. Every change is applied to the
visit (and, for closing answers, the concern) and handed to the autosaver; "Saved"
shows only after the commit. Finalising runs the practice checks in the store and
explains what is missing, naming each step as this guide titles it; from then on
each step also lists what is still needed on it. A finalised visit is read-only until
"Amend", with a reason, opens a new revision. The next visit date is offered from the
practice rule (``services.visits.suggested_next_date``) on a button, never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.guide import Guide, Step, findings_for, guide_for
from msp_desktop.guide.conditions import GuideState, evaluate, without_hidden
from msp_desktop.guide.findings import named_step, step_for
from msp_desktop.guide.progress import StepProgress, step_progress
from msp_desktop.model import Concern, Person, Stage, Visit
from msp_desktop.practice import Finding, by_severity, check_visit
from msp_desktop.services.visits import suggested_next_date
from msp_desktop.store import CannotFinalise, VisitRecord, Workspace
from ui import messages
from ui.a11y import StatusLabel, mark_heading, plain
from ui.db_worker import DbWorker
from ui.i18n import N_, tr, tr_marked
from ui.screen_fit import wrapping_row
from ui.visit.amend_dialog import AmendDialog
from ui.visit.autosave import Autosaver
from ui.visit.step_page import StepPage
from ui.visit.tab_order import chain, reading_order
from ui.visit.visit_context import context_text


@dataclass(frozen=True)
class LoadedVisit:
    """Everything the page needs, read in one go on the database thread."""

    record: VisitRecord
    concern: Concern
    person: Person


def load_visit(ws: Workspace, visit_id: str) -> LoadedVisit:
    """Read a visit with its concern and person (runs on the database thread)."""
    record = ws.visits.get(visit_id)
    concern = ws.concerns.get(record.visit.concern_id)
    return LoadedVisit(record, concern, ws.people.get(concern.person_id))


NEXT_VISIT_FIELD = "next_visit_on"
"""The date question that is offered the practice rule's suggestion."""

PROGRESS_WORDS = {
    StepProgress.NOT_STARTED: N_("not started"),
    StepProgress.IN_PROGRESS: N_("in progress"),
    StepProgress.NEEDS_ATTENTION: N_("needs attention"),
    StepProgress.DONE: N_("done"),
}


class VisitPage(QWidget):
    """Walks the worker through one visit."""

    closed = Signal()
    place_changed = Signal(str, str)  # visit id, step id
    copy_requested = Signal(str)  # a finalised visit id: ask the safety question

    def __init__(self, guide: Guide, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page.visit")
        self.guide = guide
        self.worker: DbWorker | None = None
        self.autosaver: Autosaver | None = None
        self.visit: Visit | None = None
        self.concern: Concern | None = None
        self.final = False
        self._said_saved = False  # whether a save of this visit has been announced
        # After a Finalise that was refused, each step lists what is still needed on it.
        self.checked = False
        self.pages: list[StepPage] = []
        # What the guide shows for the answers so far, worked out once per change.
        self.state: GuideState | None = None
        self._findings: dict[str, list[Finding]] = {}
        self._tab_timer = QTimer(self)
        self._tab_timer.setSingleShot(True)
        self._tab_timer.setInterval(0)
        self._tab_timer.timeout.connect(self._order_tabs)
        self._build()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._size_steps()
        super().changeEvent(event)

    def _size_steps(self) -> None:
        # About 24 characters wide at any text size.
        self.steps.setFixedWidth(self.steps.fontMetrics().horizontalAdvance("M" * 16))

    def attach(self, worker: DbWorker) -> None:
        """Work through ``worker`` (one per unlocked session)."""
        self.worker = worker
        self.autosaver = Autosaver(worker, self)
        self.autosaver.saving.connect(lambda: self.status.set_status(tr("Saving…"), speak=False))
        self.autosaver.saved.connect(self._saved)
        self.autosaver.failed.connect(self._save_failed)

    def _saved(self, at: str) -> None:
        # Said aloud for the first save of the visit and after a failure; the saves
        # that follow every pause in typing only change the words (still read as the
        # line's name), or a screen reader would talk over the worker all visit long.
        self.status.set_status(tr("Saved at {at}", at=at), speak=not self._said_saved)
        self._said_saved = True

    def _save_failed(self, sentence: str) -> None:
        self.status.set_status(sentence)
        self._said_saved = False

    def detach(self) -> None:
        """Locking: send what is typed to the database, then forget the visit."""
        if self.autosaver is not None:
            self.autosaver.flush()  # runs on the database thread before it closes
            self.autosaver.deleteLater()
        self.autosaver = None
        self.worker = None
        self.clear()

    def clear(self) -> None:
        """Remove the visit from the page (nothing of it stays in the widgets)."""
        self.visit = self.concern = None
        self.final = self.checked = False
        self._follow_final()
        self._clear_pages()
        self.heading.clear()
        self.context.clear()
        self.status.clear()

    def _clear_pages(self) -> None:
        for page in self.pages:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.steps.blockSignals(True)
        self.steps.clear()
        self.steps.blockSignals(False)
        self.pages = []
        self.state = None
        self._findings = {}

    def _build(self) -> None:
        self.heading = QLabel(self)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        mark_heading(self.heading, 1)
        self.status = StatusLabel(tr("Save status"), self)
        self.status.setObjectName("visit.status")
        # A refused save is a whole sentence (a full disk, files replaced): it wraps
        # rather than widening the window past the screen.
        self.status.setWordWrap(True)
        # Under the name: how the person wants to talk and what the concern is about,
        # so the worker has both in view through the whole conversation.
        self.context = QLabel(self)
        self.context.setObjectName("visit.context")
        self.context.setWordWrap(True)
        self.context.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.heading)
        heading.addWidget(self.context)
        top = QHBoxLayout()
        top.addLayout(heading, 1)
        top.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        self.steps = QListWidget(self)
        self.steps.setObjectName("visit.steps")
        self.steps.setAccessibleName(tr("Steps of the conversation"))
        self.steps.setWordWrap(True)  # long step titles wrap rather than scroll sideways
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.setSpacing(4)
        self.stack = QStackedWidget(self)
        self.steps.currentRowChanged.connect(self._go_to)
        self._size_steps()
        middle = QHBoxLayout()
        middle.addWidget(self.steps)
        middle.addWidget(self.stack, 1)
        # Alt+letter on every button, so the visit can be walked without a mouse.
        self.back_button = self._button(tr("&Back to the person"), "visit.close", self.leave)
        self.previous_button = self._button(tr("&Previous step"), "visit.previous", self.previous)
        self.next_button = self._button(tr("&Next step"), "visit.next", self.next)
        self.finalise_button = self._button(
            tr("&Finalise the visit"), "visit.finalise", self.finalise
        )
        self.amend_button = self._button(tr("A&mend…"), "visit.amend", self.amend)
        self.copy_button = self._button(tr("&Give the person a copy…"), "visit.copy", self._copy)
        self._follow_final()
        self.shortcuts: list[QShortcut] = []
        for keys, slot in (("Ctrl+PgDown", self.next), ("Ctrl+PgUp", self.previous)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts.append(shortcut)
        # Three groups that wrap onto new lines at large text sizes, so "Give the person
        # a copy…" never runs off the window; finalising is kept apart from the steps.
        bottom = wrapping_row(
            self,
            (
                (self.back_button,),
                (self.previous_button, self.next_button),
                (self.finalise_button, self.amend_button, self.copy_button),
            ),
            spacing=16,
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(bottom)

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        """A button showing ``text`` (already translated), with ``name`` as its object name."""
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(plain(text).rstrip("…"))
        button.clicked.connect(slot)
        return button

    # -- loading -----------------------------------------------------------------------

    def open_visit(self, visit_id: str, step_id: str | None = None) -> None:
        """Load a visit (off the GUI thread) and show it at ``step_id`` or its first step."""
        if self.worker is None:
            return
        self.worker.submit(
            lambda ws: load_visit(ws, visit_id),
            lambda loaded: self._show(loaded, step_id),
            self._load_failed,
        )

    def _load_failed(self, error: BaseException) -> None:
        messages.show_error(self, error)
        self.closed.emit()

    def _show(self, loaded: LoadedVisit, step_id: str | None) -> None:
        if self.autosaver is None:
            return  # locked while loading
        if self.visit is None or self.visit.id != loaded.record.visit.id:
            self.checked = False
        self.visit, self.concern = loaded.record.visit, loaded.concern
        if self.visit.guide_id != self.guide.id:  # walked with the guide it was started with
            self.set_guide(guide_for(self.visit))
        self.final = loaded.record.is_final
        self.autosaver.start_from(self.visit, self.concern)
        person = loaded.person.display_name
        self.heading.setText(tr("Conversation with {person}", person=person))
        self.context.setText(context_text(loaded.person, loaded.concern))
        self._said_saved = False
        self.status.setText(tr("Finalised") if self.final else tr("Draft: saved as you type"))
        self._clear_pages()
        self.steps.blockSignals(True)
        for number, step in enumerate(self.guide.steps_for(self.stage), start=1):
            page = StepPage(step, self._outcomes, self)
            page.show_record(self.visit, self.concern)
            page.set_read_only(self.final)
            page.edited.connect(lambda page=page: self._edited(page))
            page.structure_changed.connect(self._items_changed)
            self.stack.addWidget(page)
            self.pages.append(page)
            self.steps.addItem(tr("{number}. {title}", number=number, title=step.title))
        self.steps.blockSignals(False)
        self._follow_answers()
        self.finalise_button.setVisible(not self.final)
        self.amend_button.setVisible(self.final)
        self._follow_final()
        ids = [p.step.id for p in self.pages]
        self._go_to(ids.index(step_id) if step_id in ids else 0)
        self._focus_first()
        self._suggest_next_date()

    def set_guide(self, guide: Guide) -> None:
        """Walk visits with ``guide`` from the next one shown."""
        self.guide = guide

    def _outcomes(self) -> list[tuple[str, str]]:
        if self.visit is None:
            return []
        return [(o.id, o.words.text) for o in self.visit.desired_outcomes]

    # -- editing -----------------------------------------------------------------------

    def _edited(self, page: StepPage) -> None:
        if self.visit is None or self.final or self.autosaver is None:
            return
        visit, concern = page.apply(self.visit, self.concern)
        outcomes_changed = visit.desired_outcomes != self.visit.desired_outcomes
        date_changed = visit.visit_date != self.visit.visit_date
        self.visit, self.concern = visit, concern
        self.autosaver.changed(visit, concern)
        if outcomes_changed:  # the actions' "serves the outcome" boxes follow the words
            for other in self.pages:
                if other is not page:
                    other.show_record(visit, concern)
        self._follow_answers()
        page.show_findings(self.findings_on(page))
        if date_changed:
            self._suggest_next_date()

    def _suggest_next_date(self) -> None:
        """Ask the practice rule for the next visit date and offer it beside the question."""
        if self.visit is None or self.worker is None or self.final:
            return
        visit = self.visit

        def offer(day: object) -> None:
            if self.visit is None or self.visit.id != visit.id:
                return  # another visit (or none) is shown now
            for page in self.pages:
                editor = page.date_editor(NEXT_VISIT_FIELD)
                if editor is not None:
                    editor.offer(day if isinstance(day, date) else None)
            self._items_changed()  # the button comes (or goes) in the tab order too

        self.worker.submit(
            lambda ws: suggested_next_date(ws, visit), offer, lambda _error: offer(None)
        )

    @property
    def stage(self) -> Stage:
        """The stage the visit is held at (the concern's, while the visit has none)."""
        assert self.visit is not None
        assert self.concern is not None
        return self.visit.stage or self.concern.stage

    def _follow_answers(self) -> None:
        """Work the guide's conditions out once for the answers so far, then show and
        hide questions, parts and steps, gather each step's findings and say where
        each step is up to."""
        if self.visit is None or self.concern is None:
            return
        state = self.state = evaluate(self.guide, self.stage, self.visit, self.concern)
        hidden = {answer.path for answer in state.hidden_answers}
        self._findings = self._gather(state)
        for page in self.pages:
            page.follow(state, hidden)
        self._name_steps()

    def _gather(self, state: GuideState) -> dict[str, list[Finding]]:
        """The findings each step shows. Always: its own practice rules' findings and
        the guide's checks on answers given. Once Finalise has been tried: everything
        still needed, from the practice checks and the guide's ``required_if``."""
        assert self.visit is not None
        # The practice rules see the visit as finalising will keep it: without the
        # answers its conditions hide (so a hidden answer never raises a finding).
        kept = without_hidden(self.visit, state)
        found = {page.step.id: findings_for(page.step, kept) for page in self.pages}
        more = [f for f in state.findings if self.checked or f.code != "guide_required"]
        if self.checked:
            more += check_visit(kept, self.stage, concern=self.concern)
        for finding in more:
            step = step_for(self.guide, self.stage, finding.where, steps=state.shown_steps)
            if step is not None and step.id in found and finding not in found[step.id]:
                found[step.id].append(finding)
        titles = {page.step.id: str(page.step.title) for page in self.pages}
        return {
            step_id: [named_step(finding, titles[step_id]) for finding in by_severity(findings)]
            for step_id, findings in found.items()
        }

    def _name_steps(self) -> None:
        """Number the steps shown and say in words where each is up to; a step hidden
        by the guide's conditions leaves the list."""
        assert self.state is not None
        assert self.visit is not None
        number = 0
        for row, page in enumerate(self.pages):
            shown = self.state.shows_step(page.step.id)
            self.steps.setRowHidden(row, not shown)
            if not shown:
                continue
            number += 1
            progress = step_progress(
                page.step,
                self.visit,
                self.concern,
                self.state,
                self._findings.get(page.step.id, []),
            )
            words = tr_marked(PROGRESS_WORDS[progress])
            item = self.steps.item(row)
            item.setText(
                tr("{number}. {title} — {state}", number=number, title=page.step.title, state=words)
            )
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                tr(
                    "Step {number}, {title}: {state}",
                    number=number,
                    title=page.step.title,
                    state=words,
                ),
            )
        self._enable_moves()

    def findings_on(self, page: StepPage) -> list[Finding]:
        """What the step shows: its own practice rules' findings, the guide's checks
        and, once Finalise has been tried, everything else still needed on it; each
        naming its step as this guide does."""
        return list(self._findings.get(page.step.id, []))

    def page_for(self, path: str) -> StepPage | None:
        """The step shown that asks about ``path`` (a finding's ``where``), if any."""
        if self.visit is None or self.concern is None:
            return None
        shown: list[Step] | None = self.state.shown_steps if self.state is not None else None
        step = step_for(self.guide, self.stage, path, steps=shown)
        return next((page for page in self.pages if page.step == step), None)

    # -- moving around -----------------------------------------------------------------

    def current_step(self) -> StepPage | None:
        """The step page on screen."""
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, StepPage) else None

    def _go_to(self, row: int) -> None:
        if not 0 <= row < len(self.pages) or self.visit is None:
            return
        page = self.pages[row]
        page.show_record(self.visit, self.concern)
        if self.state is not None:
            page.follow(self.state, {answer.path for answer in self.state.hidden_answers})
        page.show_findings(self.findings_on(page))
        self.stack.setCurrentWidget(page)
        if self.steps.currentRow() != row:
            self.steps.blockSignals(True)
            self.steps.setCurrentRow(row)
            self.steps.blockSignals(False)
        self._enable_moves()
        self._order_tabs_soon()
        self.place_changed.emit(self.visit.id, page.step.id)

    def _shown_rows(self) -> list[int]:
        return [row for row in range(len(self.pages)) if not self.steps.isRowHidden(row)]

    def _enable_moves(self) -> None:
        row, shown = self.steps.currentRow(), self._shown_rows()
        self.previous_button.setEnabled(any(r < row for r in shown))
        self.next_button.setEnabled(any(r > row for r in shown))

    def _items_changed(self) -> None:
        page = self.current_step()
        if page is not None and self.state is not None:
            # A new item shows only its parts that do not wait on a condition.
            page.follow(self.state, {answer.path for answer in self.state.hidden_answers})
        self._order_tabs()  # before the next key press
        self._order_tabs_soon()  # and again once Qt has shown everything new

    def _order_tabs_soon(self) -> None:
        # On the next turn of the event loop, when Qt has shown any new item.
        self._tab_timer.start()

    def _order_tabs(self) -> None:
        """Steps list, then the step from top to bottom, then the buttons."""
        page = self.current_step()
        body = page.widget() if page is not None else None
        if body is None:
            return
        buttons = [self.back_button, self.previous_button, self.next_button]
        buttons += [self.amend_button, self.copy_button] if self.final else [self.finalise_button]
        chain([self.steps, *reading_order(body), *buttons])

    def next(self) -> None:
        """Go to the next step and put the keyboard on its first question."""
        row = self.steps.currentRow()
        later = [r for r in self._shown_rows() if r > row]
        if later:
            self._go_to(later[0])
        self._focus_first()

    def previous(self) -> None:
        """Go back a step."""
        row = self.steps.currentRow()
        earlier = [r for r in self._shown_rows() if r < row]
        if earlier:
            self._go_to(earlier[-1])
        self._focus_first()

    def _focus_first(self) -> None:
        page = self.current_step()
        target = page.first_field() if page else None
        if target is not None:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def leave(self) -> None:
        """Save what is pending and go back to the person."""
        if self.autosaver is not None:
            self.autosaver.flush()
        self.closed.emit()

    # -- finalise and amend ------------------------------------------------------------

    def finalise(self) -> None:
        """Save, then ask the store to finalise; explain anything missing."""
        if self.visit is None or self.worker is None or self.autosaver is None:
            return
        visit_id = self.visit.id
        self.autosaver.flush()  # the save runs before the finalise on the same thread
        self.worker.submit(
            lambda ws: ws.visits.finalise(visit_id),
            lambda _changes: self._finalised(visit_id),
            self._not_finalised,
        )

    def _finalised(self, visit_id: str) -> None:
        self.checked = False
        messages.inform(self, tr("The visit is finalised. It can be amended, with a reason."))
        page = self.current_step()
        self.open_visit(visit_id, page.step.id if page else None)

    def _not_finalised(self, error: BaseException) -> None:
        if not isinstance(error, CannotFinalise):
            messages.show_error(self, error)
            return
        self.checked = True
        self._follow_answers()  # each step now lists, and is marked by, what it needs
        named: list[Finding] = []
        for finding in error.findings:
            holder = self.page_for(finding.where)
            named.append(named_step(finding, str(holder.step.title)) if holder else finding)
        lines = "\n".join(f"• {finding.message}" for finding in named)
        messages.inform(self, tr("Some things are still needed:\n{lines}", lines=lines))
        first = self.page_for(error.findings[0].where) if error.findings else None
        if first is not None:
            self._go_to(self.pages.index(first))
            self._focus_first()
        elif (current := self.current_step()) is not None:
            current.show_findings(self.findings_on(current))

    def _follow_final(self) -> None:
        # A draft is not what was agreed yet, so it is never given (docs/practice.md).
        ready = self.final and self.visit is not None
        self.copy_button.setEnabled(ready)
        why = (
            tr("Ask the person whether it is safe to keep a copy, then preview it.")
            if ready
            else tr("Finalise the visit first: the person is given only what was agreed.")
        )
        self.copy_button.setToolTip(why)
        self.copy_button.setAccessibleDescription(why)

    def _copy(self) -> None:
        if self.visit is not None and self.final:
            self.copy_requested.emit(self.visit.id)

    def amend(self) -> None:
        """Ask why, then open a new draft revision of the finalised visit."""
        if self.visit is None:
            return
        visit_id = self.visit.id
        dialog = AmendDialog(self)
        dialog.reason_given.connect(lambda reason: self._amend(visit_id, reason))
        dialog.open()

    def _amend(self, visit_id: str, reason: str) -> None:
        if self.worker is not None:
            self.worker.submit(
                lambda ws: ws.visits.amend(visit_id, reason),
                lambda _changes: self.open_visit(visit_id),
            )
