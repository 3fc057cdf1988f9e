"""The undue-influence warning: a refusal of help is not always the person's own."""

from __future__ import annotations

from msp_desktop.model import UndueInfluence, UndueInfluenceIndicator
from msp_desktop.practice.findings import Finding, Severity
from msp_desktop.practice.wording import plain_list

__all__ = ["INDICATOR_WORDS", "undue_influence_warning"]

INDICATOR_WORDS: dict[UndueInfluenceIndicator, str] = {
    UndueInfluenceIndicator.SOMEONE_ELSE_ANSWERS: "someone else answers for them",
    UndueInfluenceIndicator.SEEMS_FEARFUL: "they seem fearful",
    UndueInfluenceIndicator.CHANGES_VIEW_WHEN_OTHER_PRESENT: (
        "they change their view when someone else is there"
    ),
    UndueInfluenceIndicator.FINANCIAL_DEPENDENCY: "they depend on someone else for money",
    UndueInfluenceIndicator.ISOLATION: "they are isolated",
}
"""Each indicator in plain words, as it reads inside a sentence about the person."""


def undue_influence_warning(ui: UndueInfluence) -> list[Finding]:
    """Warn when the person declines help while there are signs of undue influence.

    Nothing is reported unless help was declined *and* at least one indicator is
    marked. Without a plan the finding is *required*: the choice must not be taken at
    face value, so the visit cannot be finalised until the planned support is written
    down. Once a plan is recorded the finding drops to *info*, a reminder that it is in
    hand (the plan itself is the worker's next step, not something the app can check).
    """
    if not ui.person_declined_help or not ui.indicators:
        return []
    signs = plain_list([INDICATOR_WORDS[indicator] for indicator in ui.indicators])
    if ui.planned_support is None:
        return [
            Finding(
                "undue_influence_support_not_planned",
                Severity.REQUIRED,
                f"The person declined help while there are signs of undue influence "
                f"({signs}). This choice should not be taken at face value: record what "
                "support is planned, for example speaking alone, another visit or a "
                "discussion with your manager.",
                "undue_influence.planned_support",
            )
        ]
    return [
        Finding(
            "undue_influence_support_planned",
            Severity.INFO,
            f"The person declined help while there are signs of undue influence ({signs}); "
            "the support planned is recorded, so make sure it happens.",
            "undue_influence.planned_support",
        )
    ]
