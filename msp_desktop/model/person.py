"""The adult at risk and the people they live with."""

from __future__ import annotations

from pydantic import Field, model_validator

from msp_desktop.model.base import (
    NotFutureDate,
    OptionalShortText,
    RecordId,
    RecordModel,
    ShortText,
    UniqueList,
    new_id,
)
from msp_desktop.model.choices import CommunicationNeed, Language
from msp_desktop.model.text import PersonNote, ThirdPartyNote

__all__ = ["HouseholdMember", "Person"]


class HouseholdMember(RecordModel):
    """Someone who lives with the person.

    Household members are third parties: the whole entry, including the plain-text
    name and relationship, stays out of the person's copy, because a copy left at home
    may be read by the very person it describes.
    """

    name: ShortText
    relationship: ShortText
    note: ThirdPartyNote | None = None


class Person(RecordModel):
    """The adult at risk, as the worker knows them."""

    id: RecordId = Field(default_factory=new_id)
    name: ShortText
    preferred_name: OptionalShortText = None
    date_of_birth: NotFutureDate | None = None
    address: PersonNote | None = None
    local_id: OptionalShortText = None
    communication_needs: UniqueList[CommunicationNeed] = Field(default_factory=list)
    preferred_language: Language = Language.EN
    other_language: OptionalShortText = None
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
