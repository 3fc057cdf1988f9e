"""Moving a concern to another stage because the worker chooses to.

The stage moves on by itself when a visit of a later stage is finalised; this dialog is
for the worker's own choice, and it asks before anything changes. Moving back is never
the dialog's suggestion: it is offered only as a choice of its own, worded as moving
back, and the button then says so too. Saving calls ``services.concerns.move_stage``.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from msp_desktop.model import Concern, Stage
from msp_desktop.services.concerns import move_stage
from msp_desktop.store import Workspace
from ui.a11y import plain
from ui.db_worker import DbWorker
from ui.i18n import tr, tr_marked
from ui.person.form_parts import Choices, WorkspaceDialog
from ui.person.person_text import STAGE_MEANING, STAGE_WORDS

ORDER = (Stage.BEGINNING, Stage.MIDDLE, Stage.END)


def next_stage(stage: Stage) -> Stage | None:
    """The stage after ``stage`` (None at the end)."""
    position = ORDER.index(stage)
    return ORDER[position + 1] if position + 1 < len(ORDER) else None


def stage_button_words(concern: Concern) -> str:
    """The words of the concern's stage button: where it would move on to."""
    following = next_stage(concern.stage)
    if following is Stage.MIDDLE:
        return tr("Move on to the middle stage…")
    if following is Stage.END:
        return tr("Move on to the end stage…")
    return tr("Move back to an earlier stage…")


class StageDialog(WorkspaceDialog):
    """Moves ``concern`` to the stage chosen; ``saved(stage)``.

    The stage after the current one is chosen already when there is one (the worker
    pressed "Move on to …"); earlier stages are there to correct a mistake.
    """

    def __init__(self, worker: DbWorker, concern: Concern, parent: QWidget | None = None) -> None:
        super().__init__(worker, tr("Change the concern's stage"), "dialog.stage", parent)
        self.concern = concern
        current = ORDER.index(concern.stage)
        self.intro(
            tr(
                "The concern is at the {stage} stage ({meaning}). Finalising the first "
                "visit moves it on to the middle by itself; the end is chosen here.",
                stage=tr_marked(STAGE_WORDS[concern.stage]).lower(),
                meaning=tr_marked(STAGE_MEANING[concern.stage]).lower(),
            )
        )
        options: list[tuple[Stage, str]] = []
        for position, stage in enumerate(ORDER):
            name = tr_marked(STAGE_WORDS[stage]).lower()
            if position > current:
                words = tr(
                    "Move on to the {stage} stage: {meaning}",
                    stage=name,
                    meaning=tr_marked(STAGE_MEANING[stage]).lower(),
                )
            elif position < current:
                words = tr("Move back to the {stage} stage (to correct a mistake)", stage=name)
            else:
                continue
            options.append((stage, words))
        self.choice = Choices[Stage](tr("Stage"), options, self.body, object_name="stage.choice")
        self.form.addWidget(self.choice)
        self.choice.changed.connect(self._chosen)
        self.finish(tr("&Move on"))
        following = next_stage(concern.stage)
        if following is not None:
            self.choice.set_value(following)
        self._chosen()
        (self.choice.group.checkedButton() or self.choice.buttons[0]).setFocus()

    def moving_back(self) -> bool:
        """Whether the stage chosen comes before the current one."""
        chosen = self.choice.value()
        return chosen is not None and ORDER.index(chosen) < ORDER.index(self.concern.stage)

    def _chosen(self) -> None:
        self.ok_button.setText(tr("&Move back") if self.moving_back() else tr("&Move on"))
        self.ok_button.setAccessibleName(plain(self.ok_button.text()))

    def save(self) -> None:
        """Move the concern through the service; back only when chosen in so many words."""
        stage = self.choice.value()
        if stage is None:
            self.refuse(tr("Choose the stage to move the concern to."), self.choice.buttons[0])
            return
        concern_id, back = self.concern.id, self.moving_back()

        def move(ws: Workspace) -> Stage:
            move_stage(ws, concern_id, stage, back=back)
            return stage

        self.send(move)
