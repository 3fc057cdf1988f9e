"""Checking a condition against the guide's questions before any visit uses it.

Every name in a condition must be a question the guide has, and every comparison must
make sense for the kinds of answer involved: a choice is compared with one of its own
values (so ``capacity == 'lacks_capacty'`` is refused, with the values it could be),
``<`` and ``>`` compare numbers or dates, ``and`` / ``or`` / ``not`` join yes-or-no
parts. ``type_of`` returns the type of a tree or raises ``ConditionTypeError`` naming
the column of the part that is wrong.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from msp_desktop.guide.expressions import (
    Call,
    Compare,
    Expression,
    Literal,
    Logical,
    Name,
    Not,
    Sequence,
)
from msp_desktop.guide.schema import AnswerKind

__all__ = ["ConditionTypeError", "ValueType", "answer_type", "type_of"]


@dataclass(frozen=True, slots=True)
class ValueType:
    """The type of an answer or of part of a condition.

    ``name`` is one of: ``yes/no``, ``text``, ``number``, ``date``, ``choice`` (one value
    of ``values``), ``choices`` (any number of ``values``), ``list`` (several pieces of
    text or links), ``items`` (repeating items), ``group`` (a record answered together),
    ``values`` (a list written in the condition). ``literal`` is the text itself when
    the part is written text, so it can be checked against a choice's values.
    """

    name: str
    values: tuple[str, ...] = ()
    list_name: str = ""
    literal: str | None = None
    items: tuple[ValueType, ...] = ()

    def shown(self) -> str:
        """How the type is named in a message."""
        if self.literal is not None:
            return f"the text {self.literal!r}"
        if self.name in ("choice", "choices") and self.list_name:
            many = "any of" if self.name == "choices" else "one of"
            return f"{self.name} ({many} {self.list_name})"
        return self.name


YES_NO = ValueType("yes/no")
NUMBER = ValueType("number")
DATE = ValueType("date")

_COUNTABLE = frozenset({"list", "items", "choices"})


class ConditionTypeError(ValueError):
    """A condition whose parts do not fit together; ``column`` (from 1) is where."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


def answer_type(kind: AnswerKind, choices: type[enum.Enum] | None) -> ValueType:
    """The type a question of ``kind`` gives its answer in a condition."""
    values = tuple(str(member.value) for member in choices) if choices is not None else ()
    list_name = choices.__name__ if choices is not None else ""
    match kind:
        case AnswerKind.YES_NO:
            return YES_NO
        case AnswerKind.TEXT | AnswerKind.SHORT_TEXT:
            return ValueType("text")
        case AnswerKind.TEXT_LIST | AnswerKind.SHORT_TEXT_LIST | AnswerKind.OUTCOME_LINKS:
            return ValueType("list")
        case AnswerKind.CHOICE | AnswerKind.SCALE:
            return ValueType("choice", values, list_name)
        case AnswerKind.MULTI_CHOICE:
            return ValueType("choices", values, list_name)
        case AnswerKind.DATE:
            return DATE
        case AnswerKind.REPEATING:
            return ValueType("items")
        case AnswerKind.GROUP:
            return ValueType("group")
    raise AssertionError(kind)  # pragma: no cover - every kind is matched above


def type_of(tree: Expression, scope: Mapping[str, ValueType]) -> ValueType:
    """The type of ``tree`` when its names mean the answers in ``scope``.

    Raises ``ConditionTypeError`` for a name not in ``scope`` or parts that do not fit.
    """
    if isinstance(tree, Literal):
        if isinstance(tree.value, bool):
            return YES_NO
        if isinstance(tree.value, int):
            return NUMBER
        return ValueType("text", literal=tree.value)
    if isinstance(tree, Name):
        found = scope.get(tree.id)
        if found is None:
            raise ConditionTypeError(f"there is no question {tree.id!r} here.", tree.column)
        return found
    if isinstance(tree, Sequence):
        return ValueType("values", items=tuple(type_of(item, scope) for item in tree.items))
    if isinstance(tree, Call):
        return _call(tree, scope)
    if isinstance(tree, Not):
        _yes_no(tree.part, scope, "'not'")
        return YES_NO
    if isinstance(tree, Logical):
        for part in tree.parts:
            _yes_no(part, scope, repr(tree.operator))
        return YES_NO
    return _compare(tree, scope)


def _yes_no(tree: Expression, scope: Mapping[str, ValueType], used_with: str) -> None:
    found = type_of(tree, scope)
    if found.name != "yes/no":
        raise ConditionTypeError(
            f"{used_with} needs a yes-or-no part, but this is {found.shown()}.", _column(tree)
        )


def _call(tree: Call, scope: Mapping[str, ValueType]) -> ValueType:
    if tree.function == "today":
        return DATE
    assert tree.argument is not None  # the parser requires one for these
    found = type_of(tree.argument, scope)
    if tree.function == "answered":
        return YES_NO
    if found.name not in _COUNTABLE:
        raise ConditionTypeError(
            f"count() counts a list, items or choices; {tree.argument.id!r} is {found.shown()}.",
            tree.argument.column,
        )
    return NUMBER


def _compare(tree: Compare, scope: Mapping[str, ValueType]) -> ValueType:
    left = type_of(tree.left, scope)
    right = type_of(tree.right, scope)
    if tree.operator == "in":
        _membership(tree, left, right)
    elif tree.operator in ("<", ">"):
        if not (left.name == right.name and left.name in ("number", "date")):
            raise ConditionTypeError(
                f"{tree.operator!r} compares two numbers or two dates, "
                f"not {left.shown()} and {right.shown()}.",
                tree.column,
            )
    else:
        _equality(tree, left, right)
    return YES_NO


def _equality(tree: Compare, left: ValueType, right: ValueType) -> None:
    for one, other, side in ((left, right, tree.right), (right, left, tree.left)):
        if one.name == "choice" and other.literal is not None:
            _is_value(one, other.literal, _column(side))
            return
        if one.name == "choice" and other.name == "choice":
            if one.list_name != other.list_name:
                break
            return
    if left.name == right.name and left.name in ("yes/no", "number", "date", "text"):
        return
    raise ConditionTypeError(
        f"{tree.operator!r} cannot compare {left.shown()} with {right.shown()}.", tree.column
    )


def _membership(tree: Compare, left: ValueType, right: ValueType) -> None:
    if right.name == "choices":
        if left.literal is not None:
            _is_value(right, left.literal, _column(tree.left))
            return
        if left.name == "choice" and left.list_name == right.list_name:
            return
    if right.name == "values" and left.name == "choice":
        items = tree.right.items if isinstance(tree.right, Sequence) else ()
        for item, item_type in zip(items, right.items, strict=True):
            if item_type.literal is None:
                raise ConditionTypeError(
                    "a list after 'in' holds written values, e.g. ['family', 'friend'].",
                    _column(item),
                )
            _is_value(left, item_type.literal, _column(item))
        return
    raise ConditionTypeError(
        f"'in' asks whether a value is among several: {left.shown()} in {right.shown()} "
        "does not fit.",
        tree.column,
    )


def _is_value(choice: ValueType, value: str, column: int) -> None:
    if value not in choice.values:
        raise ConditionTypeError(
            f"{value!r} is not one of {choice.list_name}: "
            + ", ".join(repr(known) for known in choice.values)
            + ".",
            column,
        )


def _column(tree: Expression) -> int:
    if isinstance(tree, Compare | Logical):
        return _column(tree.left if isinstance(tree, Compare) else tree.parts[0])
    return tree.column
