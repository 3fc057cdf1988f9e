"""Support to decide: capacity, substantial difficulty and advocacy."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from msp_desktop.model.base import (
    NotFutureDate,
    OptionalShortText,
    RecordModel,
    UniqueList,
)
from msp_desktop.model.choices import (
    AdvocateStatus,
    AdvocateType,
    CapacityStatus,
    SubstantialDifficultyArea,
)
from msp_desktop.model.labels import SG3aCapacity
from msp_desktop.model.text import PersonNote, ThirdPartyNote

__all__ = ["Advocate", "SupportToDecide"]


class Advocate(RecordModel):
    """Someone offered or providing support to take part, and where the offer stands.

    ``on`` is the date of the status (e.g. the referral date); ``reason`` says why,
    especially when the person declined.
    """

    # Optional while the visit is a draft (finalising asks for both), so a name or a
    # reason typed first is kept.
    type: AdvocateType | None = None
    status: AdvocateStatus | None = None
    on: date | None = None
    reason: PersonNote | None = None
    name: OptionalShortText = None


class SupportToDecide(RecordModel):
    """What the person needs to take part in one specific decision.

    An empty value (the default) means nothing has been recorded yet.
    """

    decision: PersonNote | None = None
    # None: the question has not been answered (not the same as "not assessed").
    capacity: CapacityStatus | None = None
    capacity_assessed_by: OptionalShortText = None
    capacity_assessed_on: NotFutureDate | None = None
    substantial_difficulty: UniqueList[SubstantialDifficultyArea] = Field(default_factory=list)
    # None means "not yet known", which the practice rules treat differently from "no".
    appropriate_person_available: bool | None = None
    # Usually a relative or friend: third party by default.
    appropriate_person: ThirdPartyNote | None = None
    advocates: list[Advocate] = Field(default_factory=list)
    # Whether the MCA criteria for an IMCA apply; the worker confirms, the app cannot.
    imca_criteria_apply: bool | None = None

    def sg3a(self) -> SG3aCapacity:
        """The SG3a capacity label derived from this record.

        Not assessed with a decision recorded means the question arose but was not
        answered ("Don't know"); not assessed with no decision means nothing was
        recorded ("Not recorded").
        """
        if self.capacity is CapacityStatus.LACKS_CAPACITY:
            return SG3aCapacity.LACKED
        if self.capacity is CapacityStatus.HAS_CAPACITY:
            return SG3aCapacity.DID_NOT_LACK
        if self.decision is not None:
            return SG3aCapacity.DONT_KNOW
        return SG3aCapacity.NOT_RECORDED

    def support_by_advocate_family_or_friend(self) -> bool:
        """Whether support was provided by an advocate, family or friend (the SAC figure).

        The national return does not split a Care Act advocate from an IMCA, so any
        advocate of any type counts once it is in place. An appropriate person who is
        available and named counts too: that is family or friend support.
        """
        if any(advocate.status is AdvocateStatus.IN_PLACE for advocate in self.advocates):
            return True
        return self.appropriate_person_available is True and self.appropriate_person is not None
