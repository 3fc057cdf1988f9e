"""The condition language itself: precedence, what it refuses, and that no text, however
odd, makes it fail other than with a sentence (checked with generated input)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msp_desktop.guide.conditions import _value
from msp_desktop.guide.expression_types import ConditionTypeError, ValueType, type_of
from msp_desktop.guide.expressions import (
    Compare,
    ExpressionError,
    Logical,
    Not,
    names_in,
    parse_expression,
)

TODAY = date(2026, 12, 5)
SCOPE = {
    "consent": ValueType("yes/no"),
    "capacity": ValueType("choice", ("has_capacity", "lacks_capacity"), "CapacityStatus"),
    "signs": ValueType("choices", ("isolation", "seems_fearful"), "UndueInfluenceIndicator"),
    "risks": ValueType("items"),
    "visit_date": ValueType("date"),
}


def test_and_binds_tighter_than_or_and_not_tighter_than_both() -> None:
    tree = parse_expression("not consent or consent and answered(risks)")
    assert isinstance(tree, Logical)
    assert tree.operator == "or"
    assert isinstance(tree.parts[0], Not)
    assert isinstance(tree.parts[1], Logical)
    assert tree.parts[1].operator == "and"
    assert [name.id for name in names_in(tree)] == ["consent", "consent", "risks"]


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        ("consent or consent and false", {"consent": True}, True),
        ("(consent or consent) and false", {"consent": True}, False),
        ("'isolation' in signs", {"signs": ["isolation"]}, True),
        ("'seems_fearful' in signs", {"signs": ["isolation"]}, False),
        ("capacity in ['has_capacity']", {"capacity": "has_capacity"}, True),
        ("count(risks) > 1", {"risks": [1, 2]}, True),
        ("visit_date < today()", {"visit_date": date(2026, 12, 4)}, True),
        ("visit_date > today()", {"visit_date": date(2026, 12, 4)}, False),
        ("not consent", {"consent": None}, True),  # not answered is not yes
        ("consent == false", {"consent": None}, False),  # ...nor no
    ],
)
def test_what_a_condition_is_worth(
    condition: str, answers: dict[str, object], expected: bool
) -> None:
    tree = parse_expression(condition)
    assert type_of(tree, SCOPE).name == "yes/no"
    assert _value(tree, answers.get, TODAY) is expected


@pytest.mark.parametrize(
    ("condition", "column"),
    [
        ("", 1),
        ("consent ==", 11),
        ("consent == 'yes", 12),
        ("consent === true", 11),
        ("capacity in ['has_capacity'", 28),
        ("AND", 1),
        ("answered()", 10),
        ("today(consent)", 7),
        ("consent; drop", 8),
    ],
)
def test_unreadable_text_says_where(condition: str, column: int) -> None:
    with pytest.raises(ExpressionError) as raised:
        parse_expression(condition)
    assert raised.value.column == column, str(raised.value)
    assert str(raised.value).endswith(".")


def test_a_comparison_is_not_chained() -> None:
    # "a == b == c" reads oddly to people and is ambiguous: it is refused.
    with pytest.raises(ExpressionError):
        parse_expression("consent == true == true")
    assert isinstance(parse_expression("(consent == true) == true"), Compare)


_PIECES = st.sampled_from(
    [
        "consent",
        "capacity",
        "signs",
        "risks",
        "visit_date",
        "nobody",
        "and",
        "or",
        "not",
        "in",
        "==",
        "!=",
        "<",
        ">",
        "(",
        ")",
        "[",
        "]",
        ",",
        "'has_capacity'",
        "'x'",
        '"y"',
        "1",
        "-2",
        "true",
        "false",
        "True",
        "answered(",
        "count(",
        "today()",
        "=",
        "'",
        " ",
        "é",
        "__import__('os')",
        "\n",
        "\t",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=25).map(" ".join))
def test_any_text_is_read_or_refused_with_a_sentence(text: str) -> None:
    answers = {"consent": None, "capacity": "has_capacity", "signs": [], "risks": [1]}
    outcome: object
    try:
        tree = parse_expression(text)
        outcome = type_of(tree, SCOPE)
    except (ExpressionError, ConditionTypeError) as refused:
        outcome = refused
    if isinstance(outcome, ExpressionError | ConditionTypeError):
        assert outcome.column >= 1
        assert str(outcome).endswith(".")
        return
    assert isinstance(outcome, ValueType)
    # Whatever was read and type-checked can be worked out, answered or not.
    assert _value(tree, answers.get, TODAY) in (True, False, None) or outcome.name != "yes/no"
