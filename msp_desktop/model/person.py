"""The adult at risk and the people they live with."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from msp_desktop.model.base import (
    NotFutureDate,
    OptionalShortText,
    RecordId,
    RecordModel,
    ShortText,
    UniqueList,
    blank_to_none,
    new_id,
)
from msp_desktop.model.choices import CommunicationNeed, CopyFormat, Language, Visibility
from msp_desktop.model.safe_text import check_nhs_number
from msp_desktop.model.text import PersonNote, ThirdPartyNote

NhsNumber = Annotated[str, AfterValidator(check_nhs_number)]
"""An NHS number, stored as its ten digits; the modulus 11 check digit must match."""
OptionalNhsNumber = Annotated[NhsNumber | None, BeforeValidator(blank_to_none)]

__all__ = ["HouseholdMember", "Person"]


class HouseholdMember(RecordModel):
    """Someone in the person's household or life (``lives_with_person`` says which).

    They are third parties by default: the whole entry, including the plain-text name
    and relationship, stays out of the person's copy, because a copy left at home may
    be read by the very person it describes. ``may_be_source_of_risk`` marks someone
    who may cause harm, so a copy and a visit plan take care around them.
    """

    name: ShortText
    relationship: ShortText
    note: ThirdPartyNote | None = None
    lives_with_person: bool = True
    may_be_source_of_risk: bool = False
    visibility: Visibility = Visibility.THIRD_PARTY


class Person(RecordModel):
    """The adult at risk, as the worker knows them."""

    id: RecordId = Field(default_factory=new_id)
    name: ShortText
    preferred_name: OptionalShortText = None
    date_of_birth: NotFutureDate | None = None
    address: PersonNote | None = None
    phone: OptionalShortText = None
    local_id: OptionalShortText = None
    nhs_number: OptionalNhsNumber = None
    communication_needs: UniqueList[CommunicationNeed] = Field(default_factory=list)
    # Needs in the person's or worker's words, beyond the list above ("hearing loop").
    communication_notes: PersonNote | None = None
    preferred_language: Language = Language.EN
    other_language: OptionalShortText = None
    # None: not asked yet, so copies fall back to plain English (or the person's needs).
    preferred_format: CopyFormat | None = None
    household: list[HouseholdMember] = Field(default_factory=list)

    @model_validator(mode="after")
    def _other_language_only_when_other(self) -> Person:
        # A language named while English or Welsh is chosen is a contradiction the
        # documents could not resolve (which language should the copy be in?).
        if self.other_language is not None and self.preferred_language is not Language.OTHER:
            raise ValueError("other_language is only recorded when preferred_language is other")
        return self

    @property
    def display_name(self) -> str:
        """The name to use when speaking to or about the person."""
        return self.preferred_name or self.name
