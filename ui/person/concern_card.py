"""One concern on the person page: visit buttons, timeline, facts and outcomes.

Built from a ``ConcernStory`` (``ui.person.person_file``), in reading order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from msp_desktop.model import Stage
from ui.a11y import mark_heading, named
from ui.date_text import date_text, is_overdue
from ui.i18n import tr, tr_marked
from ui.person.concern_buttons import ConcernRequest, journey_part, place_rows
from ui.person.person_file import ConcernStory, OutcomeHistory
from ui.person.person_text import (
    MARKERS,
    NOW,
    STAGE_MEANING,
    concern_title,
    due_text,
    risks_text,
    stage_state_text,
    stage_states,
    step_text,
    timeline_sentence,
    visit_text,
)
from ui.person.sections import button, card, facts, page_font, text

VisitRequest = Callable[[str, str | None], None]
DocumentRequest = Callable[[str, str], None]  # "office_record" or "feedback_form", concern id


def timeline(story: ConcernStory, parent: QWidget) -> QWidget:
    """Beginning → middle → end, the current stage marked in words and by a marker."""
    box = QWidget(parent)
    box.setObjectName("concern.timeline")
    sentence = timeline_sentence(story.concern)
    named(box, sentence)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 4, 0, 4)
    row.setSpacing(8)
    for position, (stage, state) in enumerate(stage_states(story.concern)):
        if position:
            row.addWidget(text("→", box, scale=1.2))
        words = (
            f"{MARKERS[state]} {stage_state_text(stage, state)}\n{tr_marked(STAGE_MEANING[stage])}"
        )
        point = text(words, box)
        point.setObjectName(f"stage.{stage.value}")
        point.setProperty("stage", "current" if state == NOW else state.replace(" ", "_"))
        point.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        point.setFont(page_font(bold=state == NOW))
        row.addWidget(point, 1)
    return box


def outcome_block(history: OutcomeHistory, parent: QWidget) -> QWidget:
    """The person's words verbatim, then how the outcome stood at each visit."""
    box = QWidget(parent)
    box.setObjectName("outcome")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 6, 0, 6)
    layout.setSpacing(2)
    words = text(tr("“{words}”", words=history.words), box, scale=1.15)
    words.setObjectName("outcome.words")
    layout.addWidget(words)
    for earlier in history.earlier_words:
        layout.addWidget(text(tr("Earlier words: “{words}”", words=earlier), box, scale=0.9))
    for step in history.steps:
        step_label = text(step_text(step), box)
        step_label.setObjectName("outcome.step")
        step_label.setContentsMargins(18, 0, 0, 0)
        layout.addWidget(step_label)
    return box


def concern_card(
    story: ConcernStory,
    today: date,
    parent: QWidget,
    ask: VisitRequest,
    documents: DocumentRequest | None = None,
    journey: ConcernRequest | None = None,
) -> QFrame:
    """One concern: title, visit buttons, timeline, facts and what the person wants.

    The visit buttons come straight after the title, so they are in sight without
    scrolling past every outcome (and first in the tab order after the title); then,
    with ``journey``, how it closed or the buttons that move it along.
    """
    concern = story.concern
    frame, layout = card(f"concern.{concern.id}", parent)
    title = mark_heading(text(concern_title(concern), frame, scale=1.3, bold=True), 3)
    title.setObjectName("concern.title")
    layout.addWidget(title)
    if story.is_open:
        layout.addLayout(visit_buttons(story, frame, ask))
    if journey is not None:
        layout.addWidget(journey_part(story, frame, journey))
    layout.addWidget(timeline(story, frame))

    visits = " · ".join(visit_text(v.visit_date, v.draft, v.held) for v in story.visits)
    rows = [
        (
            tr("Visit due"),
            tr("Their own worker's to arrange (shared with you to read)")
            if story.shared
            else due_text(story.visit_due, today),
        ),
        (tr("Types of risk"), risks_text(concern)),
        *place_rows(concern),
        (tr("Lead worker"), concern.lead_worker or tr("Not recorded")),
        (tr("Visits"), visits or tr("No visits yet")),
    ]
    details = facts(rows, frame, "concern.detail")
    if is_overdue(story.visit_due, today):
        due_label = details.findChild(QLabel, "concern.detail.0")
        if due_label is not None:
            font = due_label.font()
            font.setBold(True)
            due_label.setFont(font)
    layout.addWidget(details)
    if documents is not None:
        layout.addLayout(document_buttons(story, frame, documents))

    wants = mark_heading(text(tr("What the person wants"), frame, scale=1.1, bold=True), 4)
    wants.setObjectName("concern.wants_title")
    layout.addWidget(wants)
    if not story.outcomes:
        layout.addWidget(text(tr("No desired outcomes recorded yet."), frame))
    for history in story.outcomes:
        layout.addWidget(outcome_block(history, frame))
    return frame


def visit_buttons(story: ConcernStory, parent: QWidget, ask: VisitRequest) -> QHBoxLayout:
    """ "Resume visit" when the newest visit is a draft, then "Start a visit"."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 4, 0, 8)
    row.setSpacing(12)
    concern = story.concern
    raised = date_text(concern.raised_on)
    draft_id = story.draft_visit_id
    if draft_id is not None:
        resume = button(tr("Resume visit"), parent)
        resume.setObjectName("concern.resume_visit")
        named(
            resume,
            tr("Resume visit for the concern raised {date}", date=raised),
            tr("Carry on with the draft visit of this concern."),
        )
        resume.clicked.connect(lambda: ask(concern.id, draft_id))
        row.addWidget(resume)
    start = button(tr("Start a visit"), parent)
    start.setObjectName("concern.start_visit")
    named(
        start,
        tr("Start a visit for the concern raised {date}", date=raised),
        tr("Begin a new conversation with the person about this concern."),
    )
    start.clicked.connect(lambda: ask(concern.id, None))
    row.addWidget(start)
    row.addStretch(1)
    return row


def document_buttons(story: ConcernStory, parent: QWidget, ask: DocumentRequest) -> QHBoxLayout:
    """ "Office record…", and "Feedback form…" once the concern is at its end stage."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 4)
    row.setSpacing(12)
    concern = story.concern
    raised = date_text(concern.raised_on)
    wanted = [
        (
            "office_record",
            tr("Office record…"),
            tr("Office record of the concern raised {date}", date=raised),
        )
    ]
    if concern.stage is Stage.END:  # the experience questions are asked at the end
        wanted.append(
            (
                "feedback_form",
                tr("Feedback form…"),
                tr("Feedback form for the concern raised {date}", date=raised),
            )
        )
    for kind, words, name in wanted:
        push = button(words, parent)
        push.setObjectName(f"concern.{kind}")
        named(push, name, tr("Opens a preview; you can print it or save it from there."))
        push.clicked.connect(lambda _checked=False, kind=kind: ask(kind, concern.id))
        row.addWidget(push)
    row.addStretch(1)
    return row
