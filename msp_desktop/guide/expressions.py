"""The guide's small condition language: read into a tree, never run as Python.

A practice lead writes conditions such as ``capacity == 'lacks_capacity'`` or
``answered(present) and not spoken_to_alone`` in the guide file (``show_if``,
``required_if``, ``check``). This module turns such text into a tree of the
dataclasses below, or raises ``ExpressionError`` saying where the text stops making
sense. Nothing here looks at answers: ``msp_desktop.guide.expression_types`` checks
the tree against the guide's questions when the guide loads, and
``msp_desktop.guide.conditions`` works out its value for a visit.

The grammar (also in docs/guide-conditions.md, for the people who write guides)::

    condition  = either
    either     = both { "or" both }
    both       = negation { "and" negation }
    negation   = "not" negation | comparison
    comparison = operand [ ( "==" | "!=" | "<" | ">" | "in" ) operand ]
    operand    = text | number | "true" | "false" | list | call | name
               | "(" condition ")"
    list       = "[" [ operand { "," operand } ] "]"
    call       = ( "answered" | "count" ) "(" name ")" | "today" "(" ")"
    name       = a question id: a lower-case letter, then letters, digits, "_" or "-"
    text       = '...' or "..." (no escapes; use the other quote inside)
    number     = digits, with an optional leading "-"

Words are lower case, so ``True`` or ``AND`` is an error rather than a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "Call",
    "Compare",
    "Expression",
    "ExpressionError",
    "Literal",
    "Logical",
    "Name",
    "Not",
    "Sequence",
    "names_in",
    "parse_expression",
]

FUNCTIONS = ("answered", "count", "today")
"""The functions a condition may call."""

_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false"})
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<text>'[^']*'|"[^"]*")
  | (?P<number>-?\d+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>==|!=|<|>|\(|\)|\[|\]|,)
    """,
    re.VERBOSE,
)
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
_LONGEST = 2000  # a condition is a line or two; far longer is a mistake, not a rule
_DEEPEST = 32


class ExpressionError(ValueError):
    """A condition that cannot be read; ``column`` (from 1) is where it goes wrong."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class Literal:
    """A value written in the condition: text, a whole number, true or false."""

    value: str | int | bool
    column: int


@dataclass(frozen=True, slots=True)
class Name:
    """An answer, by the id of the question (or item part) that holds it."""

    id: str
    column: int


@dataclass(frozen=True, slots=True)
class Sequence:
    """A list written in the condition, for ``in``: ``['family', 'friend']``."""

    items: tuple[Expression, ...]
    column: int


@dataclass(frozen=True, slots=True)
class Call:
    """``answered(id)``, ``count(id)`` or ``today()``."""

    function: str
    argument: Name | None
    column: int


@dataclass(frozen=True, slots=True)
class Compare:
    """``left <operator> right`` for ``==``, ``!=``, ``<``, ``>`` and ``in``."""

    operator: str
    left: Expression
    right: Expression
    column: int


@dataclass(frozen=True, slots=True)
class Logical:
    """``and`` / ``or`` over two or more parts, evaluated left to right."""

    operator: str
    parts: tuple[Expression, ...]
    column: int


@dataclass(frozen=True, slots=True)
class Not:
    """``not <part>``."""

    part: Expression
    column: int


Expression = Literal | Name | Sequence | Call | Compare | Logical | Not
"""Any part of a condition."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "text", "number", "word", "op" or "end"
    text: str
    column: int


def _tokens(source: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(source):
        found = _TOKEN.match(source, index)
        if found is None:
            char = source[index]
            if char in "'\"":
                raise ExpressionError(f"the text starting {char} is never closed.", index + 1)
            if char == "=":
                raise ExpressionError("write '==' to compare (one '=' is not used).", index + 1)
            raise ExpressionError(f"{char!r} is not part of the condition language.", index + 1)
        kind = found.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, found.group(), index + 1))
        index = found.end()
    tokens.append(_Token("end", "", len(source) + 1))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.at = 0
        self.depth = 0

    def deeper(self, column: int) -> None:
        # Each bracket or "not" is a level of the tree; a rule needs a handful, and a
        # limit keeps a pathological file from exhausting the stack.
        self.depth += 1
        if self.depth > _DEEPEST:
            raise ExpressionError(
                f"the condition nests more than {_DEEPEST} brackets or 'not's deep.", column
            )

    @property
    def token(self) -> _Token:
        return self.tokens[self.at]

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def is_word(self, word: str) -> bool:
        return self.token.kind == "word" and self.token.text == word

    def is_op(self, op: str) -> bool:
        return self.token.kind == "op" and self.token.text == op

    def expect_op(self, op: str, after: str) -> None:
        if not self.is_op(op):
            raise ExpressionError(
                f"expected {op!r} {after}, found {self._found()}.", self.token.column
            )
        self.take()

    def _found(self) -> str:
        return "the end" if self.token.kind == "end" else repr(self.token.text)

    def condition(self) -> Expression:
        return self.logical("or", self.both)

    def both(self) -> Expression:
        return self.logical("and", self.negation)

    def logical(self, word: str, part: Callable[[], Expression]) -> Expression:
        column = self.token.column
        parts = [part()]
        while self.is_word(word):
            self.take()
            parts.append(part())
        return parts[0] if len(parts) == 1 else Logical(word, tuple(parts), column)

    def negation(self) -> Expression:
        if self.is_word("not"):
            column = self.take().column
            self.deeper(column)
            part = self.negation()
            self.depth -= 1
            return Not(part, column)
        return self.comparison()

    def comparison(self) -> Expression:
        left = self.operand()
        token = self.token
        if (token.kind == "op" and token.text in ("==", "!=", "<", ">")) or self.is_word("in"):
            self.take()
            return Compare(token.text, left, self.operand(), token.column)
        return left

    def operand(self) -> Expression:
        token = self.take()
        if token.kind == "text":
            return Literal(token.text[1:-1], token.column)
        if token.kind == "number":
            return Literal(int(token.text), token.column)
        if token.kind == "op" and token.text == "(":
            self.deeper(token.column)
            inner = self.condition()
            self.expect_op(")", "to close the bracket")
            self.depth -= 1
            return inner
        if token.kind == "op" and token.text == "[":
            self.deeper(token.column)
            found = self.sequence(token.column)
            self.depth -= 1
            return found
        if token.kind == "word":
            return self.word(token)
        shown = "the end" if token.kind == "end" else repr(token.text)
        raise ExpressionError(f"expected an answer or a value, found {shown}.", token.column)

    def sequence(self, column: int) -> Sequence:
        items: list[Expression] = []
        if not self.is_op("]"):
            items.append(self.operand())
            while self.is_op(","):
                self.take()
                items.append(self.operand())
        self.expect_op("]", "to close the list")
        return Sequence(tuple(items), column)

    def word(self, token: _Token) -> Expression:
        text = token.text
        if text in ("true", "false"):
            return Literal(text == "true", token.column)
        if text.lower() in _KEYWORDS and text != text.lower():
            raise ExpressionError(f"write {text.lower()!r} in lower case.", token.column)
        if text in _KEYWORDS:
            raise ExpressionError(f"{text!r} cannot start an answer or a value.", token.column)
        if self.is_op("("):
            return self.call(token)
        if not _NAME.match(text):
            raise ExpressionError(
                f"{text!r} is not a question id (ids are lower case).", token.column
            )
        return Name(text, token.column)

    def call(self, token: _Token) -> Call:
        if token.text not in FUNCTIONS:
            known = ", ".join(f"{name}()" for name in FUNCTIONS)
            raise ExpressionError(
                f"{token.text}() is not a function of the condition language (known: {known}).",
                token.column,
            )
        self.take()  # "("
        argument: Name | None = None
        if token.text != "today":
            inside = self.token
            if inside.kind != "word" or not _NAME.match(inside.text) or inside.text in _KEYWORDS:
                raise ExpressionError(
                    f"{token.text}() takes the id of a question, e.g. {token.text}(risks).",
                    inside.column,
                )
            self.take()
            argument = Name(inside.text, inside.column)
        self.expect_op(")", f"to close {token.text}(")
        return Call(token.text, argument, token.column)


def parse_expression(source: str) -> Expression:
    """The tree of the condition written in ``source``.

    Raises ``ExpressionError`` (with the column) if it is empty, too long, or not
    written in the condition language.
    """
    if not source.strip():
        raise ExpressionError("the condition is empty.", 1)
    if len(source) > _LONGEST:
        raise ExpressionError(f"the condition is longer than {_LONGEST} characters.", 1)
    parser = _Parser(source)
    tree = parser.condition()
    if parser.token.kind != "end":
        raise ExpressionError(
            f"expected 'and', 'or' or the end, found {parser._found()}.", parser.token.column
        )
    return tree


def names_in(tree: Expression) -> list[Name]:
    """Every answer ``tree`` reads, in the order written (calls' ids included)."""
    if isinstance(tree, Name):
        return [tree]
    if isinstance(tree, Call):
        return [tree.argument] if tree.argument is not None else []
    if isinstance(tree, Compare):
        return [*names_in(tree.left), *names_in(tree.right)]
    if isinstance(tree, Logical):
        return [name for part in tree.parts for name in names_in(part)]
    if isinstance(tree, Not):
        return names_in(tree.part)
    if isinstance(tree, Sequence):
        return [name for item in tree.items for name in names_in(item)]
    return []
