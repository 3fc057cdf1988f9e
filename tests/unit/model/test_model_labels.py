"""The national labels, letter for letter.

The expected strings below are copied by hand from docs/practice.md ("National labels"),
not derived from the enums: a change to either side shows up here as a failure.
"""

from __future__ import annotations

import enum

import pytest

from msp_desktop.model import (
    AdvocateStatus,
    AdvocateType,
    AskedBy,
    CapacityStatus,
    CommunicationNeed,
    ConcernStatus,
    ExperienceAnswer,
    ExperienceQuestion,
    Language,
    OutcomeAchieved,
    OutcomeStatus,
    Principle,
    RiskLocation,
    RiskOutcome,
    RiskSource,
    RiskType,
    SG2cActionResult,
    SG3aCapacity,
    SG4aAsked,
    Stage,
    SubstantialDifficultyArea,
    UndueInfluenceIndicator,
    Visibility,
)

NATIONAL_LABELS: list[tuple[type[enum.StrEnum], list[str]]] = [
    (
        SG4aAsked,
        [
            "Yes they were asked and outcomes were expressed",
            "Yes they were asked but no outcomes were expressed",
            "No",
            "Don't Know",
            "Not Recorded",
        ],
    ),
    (OutcomeAchieved, ["Fully Achieved", "Partially Achieved", "Not Achieved"]),
    (
        SG2cActionResult,
        [
            "Risk identified and action taken",
            "Risk identified and no action taken",
            "Risk Assessment inconclusive and action taken",
            "Risk Assessment inconclusive and no action taken",
            "No risk identified and action taken",
            "No risk identified and no action taken",
            "Enquiry ceased at individual's request and no action taken",
        ],
    ),
    (RiskOutcome, ["Risk remained", "Risk reduced", "Risk removed"]),
    (
        SG3aCapacity,
        [
            "Yes, they lacked capacity",
            "No, they did not lack capacity",
            "Don't know",
            "Not recorded",
        ],
    ),
    (
        RiskType,
        [
            "Physical Abuse",
            "Sexual Abuse",
            "Psychological Abuse",
            "Financial or Material Abuse",
            "Discriminatory Abuse",
            "Organisational Abuse",
            "Neglect and Acts of Omission",
            "Domestic Abuse",
            "Sexual Exploitation",
            "Modern Slavery",
            "Self-Neglect",
        ],
    ),
    (
        RiskLocation,
        [
            "Own Home",
            "In the Community",
            "Community Service",
            "Care Home - Nursing",
            "Care Home - Residential",
            "Hospital - Acute",
            "Hospital - Mental Health",
            "Hospital - Community",
            "Other",
        ],
    ),
    (
        RiskSource,
        ["Service Provider", "Other - Known to individual", "Other - Unknown to individual"],
    ),
]

APP_CHOICES: list[tuple[type[enum.StrEnum], list[str]]] = [
    (Stage, ["beginning", "middle", "end"]),
    (ConcernStatus, ["open", "closed"]),
    (Visibility, ["person", "third_party", "internal"]),
    (CapacityStatus, ["not_assessed", "has_capacity", "lacks_capacity"]),
    (
        SubstantialDifficultyArea,
        ["understanding", "retaining", "using_or_weighing", "communicating"],
    ),
    (AdvocateType, ["care_act_advocate", "imca", "family", "friend", "other"]),
    (AdvocateStatus, ["offered", "accepted", "declined", "referred", "in_place"]),
    (
        UndueInfluenceIndicator,
        [
            "someone_else_answers",
            "seems_fearful",
            "changes_view_when_other_present",
            "financial_dependency",
            "isolation",
        ],
    ),
    (OutcomeStatus, ["still_wanted", "changed", "no_longer_wanted", "achieved"]),
    (ExperienceQuestion, ["understood_why", "listened_to", "happy_with_result", "feel_safer"]),
    (
        ExperienceAnswer,
        ["not_at_all", "a_little", "quite_a_bit", "a_lot", "prefer_not_to_say"],
    ),
    (AskedBy, ["lead_worker", "independent"]),
    (
        Principle,
        [
            "empowerment",
            "prevention",
            "proportionality",
            "protection",
            "partnership",
            "accountability",
        ],
    ),
    (
        CommunicationNeed,
        ["interpreter", "bsl", "easy_read", "large_print", "hearing", "sight"],
    ),
    (Language, ["en", "cy", "other"]),
]


@pytest.mark.parametrize(
    ("labels", "expected"), NATIONAL_LABELS, ids=[e.__name__ for e, _ in NATIONAL_LABELS]
)
def test_national_labels_match_practice_letter_for_letter(
    labels: type[enum.StrEnum], expected: list[str]
) -> None:
    assert [member.value for member in labels] == expected


@pytest.mark.parametrize(
    ("choices", "expected"), APP_CHOICES, ids=[e.__name__ for e, _ in APP_CHOICES]
)
def test_app_choices_are_stable_identifiers(
    choices: type[enum.StrEnum], expected: list[str]
) -> None:
    assert [member.value for member in choices] == expected


def test_experience_questions_are_the_seed_questions_word_for_word() -> None:
    assert [question.text for question in ExperienceQuestion] == [
        "Did you understand why people did what they did to try and keep you safe?",
        "Do you feel listened to during conversations and meetings with people about "
        "helping you feel safe?",
        "How happy are you with the end result of what people did to keep you safe?",
        "Do you feel safer now because of the help from people dealing with your concern?",
    ]


def test_experience_answers_have_the_words_a_person_can_point_at() -> None:
    assert [answer.label for answer in ExperienceAnswer] == [
        "Not at all",
        "A little",
        "Quite a bit",
        "A lot",
        "Prefer not to say",
    ]


def test_principles_carry_the_published_i_statements() -> None:
    assert {principle.label: principle.i_statement for principle in Principle} == {
        "Empowerment": "I am asked what I want and this directly informs what happens.",
        "Prevention": "I get help before harm happens.",
        "Proportionality": "I am sure the response is the least intrusive for the risk.",
        "Protection": "I get help and support to report abuse and to take part.",
        "Partnership": "Services work together, and with my community, to help me.",
        "Accountability": "I understand the role of everyone involved in my life.",
    }


def test_a_national_label_is_parsed_from_its_exact_text_only() -> None:
    assert SG4aAsked("Don't Know") is SG4aAsked.DONT_KNOW
    with pytest.raises(ValueError, match="not a valid"):
        SG4aAsked("Don't know")
