"""A concern's journey on its card: the buttons that record a visit that did not happen,
move it to another stage and close it; for a closed concern, how it closed and "Reopen…".

Each button asks for a dialog through ``ask(kind, story)``; ``ui.person.journey_controller``
opens it. Built from the ``ConcernStory`` alone: nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from msp_desktop.model import Concern
from ui.a11y import named
from ui.date_text import date_text
from ui.i18n import tr
from ui.person.flow_layout import FlowLayout
from ui.person.person_file import ConcernStory
from ui.person.sections import button, text
from ui.person.stage_dialog import stage_button_words

ConcernRequest = Callable[[str, ConcernStory], None]
"""Asks for one of the dialogs: "not_held", "stage", "close" or "reopen", for a story."""

NOT_HELD, STAGE, CLOSE, REOPEN = "not_held", "stage", "close", "reopen"


def _push(
    words: str,
    name: str,
    tip: str,
    kind: str,
    story: ConcernStory,
    parent: QWidget,
    ask: ConcernRequest,
) -> QPushButton:
    push = button(words, parent)
    push.setObjectName(f"concern.{kind}")
    named(push, name, tip)
    push.clicked.connect(lambda: ask(kind, story))
    return push


def place_rows(concern: Concern) -> list[tuple[str, str]]:
    """Where the risk is, its source and what the concern is about, as raised."""
    missing = tr("Not recorded")
    rows = [
        (tr("Location of risk"), concern.risk_location.value if concern.risk_location else missing),
        (tr("Source of risk"), concern.risk_source.value if concern.risk_source else missing),
    ]
    if concern.summary is not None:
        rows.append((tr("Summary"), concern.summary.text))
    return rows


def closure_text(concern: Concern) -> str:
    """How a closed concern closed: "Closed on 3 Dec 2026: <the SG2c result>"."""
    result = concern.action_result.value if concern.action_result else tr("no result recorded")
    return tr("Closed on {date}: {result}", date=date_text(concern.closed_on), result=result)


def journey_buttons(story: ConcernStory, parent: QWidget, ask: ConcernRequest) -> QWidget:
    """For an open concern: a visit that did not happen, the stage, and closing (on as
    many lines as the text size needs)."""
    concern = story.concern
    raised = date_text(concern.raised_on)
    box = QWidget(parent)
    box.setObjectName("concern.journey_buttons")
    row = FlowLayout(box)
    row.setContentsMargins(0, 0, 0, 4)
    row.addWidget(
        _push(
            tr("Record a visit that did not happen…"),
            tr("Record a visit that did not happen, for the concern raised {date}", date=raised),
            tr("No access, declined to talk, not safe to talk, or not there."),
            NOT_HELD,
            story,
            box,
            ask,
        )
    )
    words = stage_button_words(concern)
    row.addWidget(
        _push(
            words,
            tr(
                "{action}, for the concern raised {date}",
                action=words.removesuffix("…"),
                date=raised,
            ),
            tr("Asks before anything changes."),
            STAGE,
            story,
            box,
            ask,
        )
    )
    row.addWidget(
        _push(
            tr("Close the concern…"),
            tr("Close the concern raised {date}", date=raised),
            tr("Record its result; a closed concern is read-only until reopened."),
            CLOSE,
            story,
            box,
            ask,
        )
    )
    return box


def closure_block(story: ConcernStory, parent: QWidget, ask: ConcernRequest) -> QWidget:
    """For a closed concern: how and why it closed, then "Reopen…"."""
    concern = story.concern
    box = QWidget(parent)
    box.setObjectName("concern.closure")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 4)
    layout.setSpacing(4)
    closed = text(closure_text(concern), box, bold=True)
    closed.setObjectName("concern.closed")
    layout.addWidget(closed)
    if concern.risk_outcome is not None:
        layout.addWidget(
            text(tr("Risk outcome: {outcome}", outcome=concern.risk_outcome.value), box)
        )
    if concern.close_reason is not None:
        reason = text(tr("Reason: {reason}", reason=concern.close_reason.text), box)
        reason.setObjectName("concern.close_reason")
        layout.addWidget(reason)
    row = QHBoxLayout()
    row.setContentsMargins(0, 4, 0, 4)
    row.addWidget(
        _push(
            tr("Reopen…"),
            tr("Reopen the concern raised {date}", date=date_text(concern.raised_on)),
            tr("Give the reason; the closure is kept in its history."),
            REOPEN,
            story,
            box,
            ask,
        )
    )
    row.addStretch(1)
    layout.addLayout(row)
    return box


def reopened_text(concern: Concern) -> str | None:
    """The newest reopening of an open concern, in words (None if never reopened)."""
    if not concern.reopenings:
        return None
    last = concern.reopenings[-1]
    return tr("Reopened on {date}: {reason}", date=date_text(last.on), reason=last.reason.text)


def journey_part(story: ConcernStory, parent: QWidget, ask: ConcernRequest) -> QWidget:
    """The concern's journey on its card: how it closed and "Reopen…" when closed; when
    open, its last reopening (if any) and the buttons that move it along."""
    if not story.is_open:
        return closure_block(story, parent, ask)
    box = QWidget(parent)
    box.setObjectName("concern.journey")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    reopened = reopened_text(story.concern)
    if reopened is not None:
        line = text(reopened, box)
        line.setObjectName("concern.reopened")
        layout.addWidget(line)
    layout.addWidget(journey_buttons(story, box, ask))
    return box
