"""The records of an MSP conversation, as immutable pydantic values.

No Qt and no I/O here (apart from writing the published JSON Schemas on request).
National labels are enums whose values are the exact published wording (``labels``);
the app's own choices are snake_case identifiers (``choices``). Every free-text field
is a ``Note`` with a visibility, so a person's copy can leave out what is not theirs.
"""

from msp_desktop.model.actions import ActionChange, AgreedAction
from msp_desktop.model.attendance import PresentPerson, VisitNotHeld
from msp_desktop.model.base import RecordModel, new_id
from msp_desktop.model.choices import (
    ActionOwner,
    ActionStatus,
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    CapacityStatus,
    CommunicationNeed,
    ConcernStatus,
    ConsentDecision,
    ContactKind,
    CopyFormat,
    ExperienceAnswer,
    ExperienceQuestion,
    Language,
    NotHeldReason,
    OutcomeStatus,
    PlanReview,
    PresentRole,
    Principle,
    RiskSeriousness,
    ShareBasis,
    Stage,
    SubstantialDifficultyArea,
    UndueInfluenceIndicator,
    Visibility,
)
from msp_desktop.model.concern import Concern, Reopening
from msp_desktop.model.consent import ConsentToShare
from msp_desktop.model.contacts import ContactNote
from msp_desktop.model.copies import SAFETY_QUESTION, CopyChoice
from msp_desktop.model.deciding import Advocate, SupportToDecide
from msp_desktop.model.influence import UndueInfluence
from msp_desktop.model.labels import (
    OutcomeAchieved,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
    SG3aCapacity,
    SG4aAsked,
)
from msp_desktop.model.outcomes import Action, DesiredOutcome, OutcomeReview
from msp_desktop.model.person import HouseholdMember, Person
from msp_desktop.model.plan import PLAN_PARTS, PlanReviews
from msp_desktop.model.reflection import ExperienceFeedback, PrinciplesReflection
from msp_desktop.model.risks import PositiveRiskDecision, Risk
from msp_desktop.model.schema import RECORD_MODELS, json_schemas, write_json_schemas
from msp_desktop.model.text import (
    InternalNote,
    Note,
    PersonNote,
    ThirdPartyNote,
    visible_to_person,
)
from msp_desktop.model.visit import Visit
from msp_desktop.model.walk import iter_notes

__all__ = [
    "PLAN_PARTS",
    "RECORD_MODELS",
    "SAFETY_QUESTION",
    "Action",
    "ActionChange",
    "ActionOwner",
    "ActionStatus",
    "Advocate",
    "AdvocateStatus",
    "AdvocateType",
    "AgreedAction",
    "AskedBy",
    "CapacityStatus",
    "CommunicationNeed",
    "Concern",
    "ConcernStatus",
    "ConsentDecision",
    "ConsentToShare",
    "ContactKind",
    "ContactNote",
    "CopyChoice",
    "CopyFormat",
    "DesiredOutcome",
    "ExperienceAnswer",
    "ExperienceFeedback",
    "ExperienceQuestion",
    "HouseholdMember",
    "InternalNote",
    "Language",
    "NotHeldReason",
    "Note",
    "OutcomeAchieved",
    "OutcomeReview",
    "OutcomeStatus",
    "Person",
    "PersonNote",
    "PlanReview",
    "PlanReviews",
    "PositiveRiskDecision",
    "PresentPerson",
    "PresentRole",
    "Principle",
    "PrinciplesReflection",
    "RecordModel",
    "Reopening",
    "Risk",
    "RiskLocation",
    "RiskOutcome",
    "RiskSeriousness",
    "RiskSource",
    "RiskType",
    "SG2cActionResult",
    "SG3aCapacity",
    "SG4aAsked",
    "ShareBasis",
    "Stage",
    "SubstantialDifficultyArea",
    "SupportToDecide",
    "ThirdPartyNote",
    "UndueInfluence",
    "UndueInfluenceIndicator",
    "Visibility",
    "Visit",
    "VisitNotHeld",
    "iter_notes",
    "json_schemas",
    "new_id",
    "visible_to_person",
    "write_json_schemas",
]
