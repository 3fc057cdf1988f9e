"""The national labels of the Safeguarding Adults Collection (SAC), letter for letter.

The office system and the national return match these strings exactly, so each enum's
*value* is the label as published (see ``docs/practice.md``, "National labels"). Never
reword, re-case or "fix" a value here: a changed letter is a record the national return
cannot count.
Member names are ours and may be read in code; values are theirs.
"""

from __future__ import annotations

import enum


class SG4aAsked(enum.StrEnum):
    """SG4a: was the person (or their representative) asked about desired outcomes?"""

    EXPRESSED = "Yes they were asked and outcomes were expressed"
    ASKED_NONE_EXPRESSED = "Yes they were asked but no outcomes were expressed"
    NO = "No"
    DONT_KNOW = "Don't Know"
    NOT_RECORDED = "Not Recorded"


class OutcomeAchieved(enum.StrEnum):
    """SG4a: how far an expressed outcome was achieved, rated at the end."""

    FULLY_ACHIEVED = "Fully Achieved"
    PARTIALLY_ACHIEVED = "Partially Achieved"
    NOT_ACHIEVED = "Not Achieved"


class SG2cActionResult(enum.StrEnum):
    """SG2c: whether a risk was identified and whether action was taken."""

    RISK_IDENTIFIED_ACTION_TAKEN = "Risk identified and action taken"
    RISK_IDENTIFIED_NO_ACTION = "Risk identified and no action taken"
    INCONCLUSIVE_ACTION_TAKEN = "Risk Assessment inconclusive and action taken"
    INCONCLUSIVE_NO_ACTION = "Risk Assessment inconclusive and no action taken"
    NO_RISK_ACTION_TAKEN = "No risk identified and action taken"
    NO_RISK_NO_ACTION = "No risk identified and no action taken"
    CEASED_AT_REQUEST = "Enquiry ceased at individual's request and no action taken"


class RiskOutcome(enum.StrEnum):
    """The risk outcome, recorded only where a risk was identified and action taken."""

    REMAINED = "Risk remained"
    REDUCED = "Risk reduced"
    REMOVED = "Risk removed"


class SG3aCapacity(enum.StrEnum):
    """SG3a: did the person lack capacity (derived from the support-to-decide record)."""

    LACKED = "Yes, they lacked capacity"
    DID_NOT_LACK = "No, they did not lack capacity"
    DONT_KNOW = "Don't know"
    NOT_RECORDED = "Not recorded"


class RiskType(enum.StrEnum):
    """SG2a: type of risk."""

    PHYSICAL = "Physical Abuse"
    SEXUAL = "Sexual Abuse"
    PSYCHOLOGICAL = "Psychological Abuse"
    FINANCIAL_OR_MATERIAL = "Financial or Material Abuse"
    DISCRIMINATORY = "Discriminatory Abuse"
    ORGANISATIONAL = "Organisational Abuse"
    NEGLECT = "Neglect and Acts of Omission"
    DOMESTIC = "Domestic Abuse"
    SEXUAL_EXPLOITATION = "Sexual Exploitation"
    MODERN_SLAVERY = "Modern Slavery"
    SELF_NEGLECT = "Self-Neglect"


class RiskLocation(enum.StrEnum):
    """SG2b: location of risk."""

    OWN_HOME = "Own Home"
    IN_THE_COMMUNITY = "In the Community"
    COMMUNITY_SERVICE = "Community Service"
    CARE_HOME_NURSING = "Care Home - Nursing"
    CARE_HOME_RESIDENTIAL = "Care Home - Residential"
    HOSPITAL_ACUTE = "Hospital - Acute"
    HOSPITAL_MENTAL_HEALTH = "Hospital - Mental Health"
    HOSPITAL_COMMUNITY = "Hospital - Community"
    OTHER = "Other"


class RiskSource(enum.StrEnum):
    """SG2b: source of risk."""

    SERVICE_PROVIDER = "Service Provider"
    KNOWN_TO_INDIVIDUAL = "Other - Known to individual"
    UNKNOWN_TO_INDIVIDUAL = "Other - Unknown to individual"
