"""Consent to share as a decision, and the basis for sharing without it.

The government's information-sharing advice for safeguarding practitioners: share with
consent where it can be asked for; without it only on a recorded basis (a risk to the
person or others, a crime, a legal duty or court order, vital interests), and say
whether the person was told. This appears in the office record, never in the person's
copy.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from msp_desktop.model.base import OptionalShortText, RecordModel, UniqueList
from msp_desktop.model.choices import ConsentDecision, ShareBasis
from msp_desktop.model.text import InternalNote

__all__ = ["ConsentToShare", "read_consent"]


class ConsentToShare(RecordModel):
    """The person's decision about sharing, and any sharing without their consent."""

    decision: ConsentDecision | None = None
    # With whom information may be shared (or, for "partly", what and with whom).
    with_whom: OptionalShortText = None
    shared_without_consent: bool | None = None
    basis: UniqueList[ShareBasis] = Field(default_factory=list)
    basis_detail: InternalNote | None = None
    person_told: bool | None = None

    @property
    def answered(self) -> bool:
        """Whether the decision has been recorded."""
        return self.decision is not None


def read_consent(value: Any) -> Any:
    """Read a visit's ``consent_to_share`` as recorded before it was a decision (yes/no)."""
    if isinstance(value, bool):
        return {"decision": ConsentDecision.YES if value else ConsentDecision.NO}
    return value
