"""The safety question asked before the person is given a copy of what was agreed.

docs/practice.md, "Giving the person a copy": before printing, ask "Is it safe for you to
keep a copy?". The stored value is a snake_case identifier; the words shown to the
worker and the person come from ``label``, so the stored value never changes when
the wording is improved or translated.
"""

from __future__ import annotations

import enum

from msp_desktop.i18n import N_, Message

__all__ = ["SAFETY_QUESTION", "CopyChoice"]

SAFETY_QUESTION = N_("Is it safe for you to keep a copy?")
"""Asked, in these words, before any copy of the person's summary is produced."""


class CopyChoice(enum.StrEnum):
    """The person's answer to the safety question."""

    KEEP = "keep"
    NO_COPY = "no_copy"
    TRUSTED_PERSON = "trusted_person"
    COLLECT_LATER = "collect_later"

    @property
    def label(self) -> Message:
        """The answer in plain words (``tr_marked`` translates them)."""
        return _COPY_CHOICE_LABEL[self]

    @property
    def makes_document(self) -> bool:
        """False only for "no copy": the person is told verbally and nothing is printed."""
        return self is not CopyChoice.NO_COPY


_COPY_CHOICE_LABEL: dict[CopyChoice, Message] = {
    CopyChoice.KEEP: N_("A copy to keep"),
    CopyChoice.NO_COPY: N_("No copy (told verbally)"),
    CopyChoice.TRUSTED_PERSON: N_("A copy held by someone they trust (such as an advocate or GP)"),
    CopyChoice.COLLECT_LATER: N_("A copy to collect later"),
}
