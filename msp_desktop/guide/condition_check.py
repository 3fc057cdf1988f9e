"""Checking every condition of a guide when it loads.

Each ``show_if``, ``required_if`` and ``check`` is read (``parse_expression``) and
type-checked (``type_of``) in the scope of the question that holds it: every question
of the guide by its id, and inside a repeating question or a group, the other parts of
the same item by theirs (they mean this item's answers). Then ``show_if`` conditions
must not go round in a circle (a question shown only if another is, which is shown
only if the first is), since whether one shows would then have no answer.

Problems carry the location of the key (``("steps", 3, "questions", 1, "show_if")``)
like every other guide check, so the loader can name the file, line and field. This
runs only on a guide whose fields all resolve (``check_guide`` found nothing else).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

from msp_desktop.guide.check import Location, Problem
from msp_desktop.guide.expression_types import (
    ConditionTypeError,
    ValueType,
    answer_type,
    type_of,
)
from msp_desktop.guide.expressions import ExpressionError, names_in, parse_expression
from msp_desktop.guide.fields import choice_list, item_record, resolve, root_for
from msp_desktop.guide.schema import AnswerKind, Guide, Question, Step

__all__ = ["NodeKey", "check_conditions"]

NodeKey = tuple[str, ...]
"""A step (``("step", id)``) or a question by its ids from the top
(``("q", "risks", "positive_risk", "choice")``)."""

_LIST_KINDS = frozenset(
    {
        AnswerKind.TEXT_LIST,
        AnswerKind.SHORT_TEXT_LIST,
        AnswerKind.MULTI_CHOICE,
        AnswerKind.REPEATING,
        AnswerKind.OUTCOME_LINKS,
    }
)


@dataclass
class _Scope:
    """The names a condition at one place may use: id -> (type, node)."""

    names: dict[str, tuple[ValueType, NodeKey]] = field(default_factory=dict)

    def types(self) -> Mapping[str, ValueType]:
        return {name: found[0] for name, found in self.names.items()}

    def with_items(self, items: Mapping[str, tuple[ValueType, NodeKey]]) -> _Scope:
        return _Scope({**self.names, **items})


@dataclass
class _Walk:
    problems: list[Problem] = field(default_factory=list)
    # show_if dependencies, for the circle check: node -> (nodes it reads, where).
    depends: dict[NodeKey, tuple[list[NodeKey], Location | None]] = field(default_factory=dict)


def check_conditions(guide: Guide) -> list[Problem]:
    """Every problem with the conditions of ``guide`` (empty: all of them are sound)."""
    walk = _Walk()
    top = _Scope()
    for step in guide.steps:
        for question in step.questions:
            top.names.setdefault(question.id, (_type(question), ("q", question.id)))
    for s, step in enumerate(guide.steps):
        at: Location = ("steps", s)
        node: NodeKey = ("step", step.id)
        _conditions(walk, at, node, step, top, parent=None)
        for q, question in enumerate(step.questions):
            _question(walk, (*at, "questions", q), ("q", question.id), question, top, node)
    walk.problems.extend(_circles(walk.depends))
    return walk.problems


def _type(question: Question, record: type[BaseModel] | None = None) -> ValueType:
    base, path = root_for(question.field) if record is None else (record, question.field)
    target = resolve(base, path)
    return answer_type(question.kind, choice_list(target))


def _question(
    walk: _Walk,
    where: Location,
    node: NodeKey,
    question: Question,
    scope: _Scope,
    parent: NodeKey,
    record: type[BaseModel] | None = None,
) -> None:
    _conditions(walk, where, node, question, scope, parent)
    if question.show_if is not None:
        walk.problems.extend(_can_hide(where, question, record))
    if not question.item_fields:
        return
    base, path = root_for(question.field) if record is None else (record, question.field)
    items_record = item_record(resolve(base, path))
    inner = scope.with_items(
        {item.id: (_type(item, items_record), (*node, item.id)) for item in question.item_fields}
    )
    for i, item in enumerate(question.item_fields):
        _question(
            walk, (*where, "item_fields", i), (*node, item.id), item, inner, node, items_record
        )


def _conditions(
    walk: _Walk,
    where: Location,
    node: NodeKey,
    holder: Step | Question,
    scope: _Scope,
    parent: NodeKey | None,
) -> None:
    reads: list[NodeKey] = [parent] if parent is not None else []
    for key in ("show_if", "required_if", "check"):
        source = getattr(holder, key)
        if source is None:
            continue
        try:
            tree = parse_expression(source)
            found = type_of(tree, scope.types())
        except (ExpressionError, ConditionTypeError) as exc:
            walk.problems.append(Problem((*where, key), f"{exc} (column {exc.column})"))
            continue
        if found.name != "yes/no":
            walk.problems.append(
                Problem(
                    (*where, key),
                    f"a condition must be yes or no, but this is {found.shown()}; "
                    "compare it with something, e.g. answered(...) or == '...'.",
                )
            )
            continue
        if key == "show_if":
            reads += [scope.names[name.id][1] for name in names_in(tree)]
    walk.depends[node] = (reads, (*where, "show_if") if holder.show_if is not None else None)
    if (holder.check is None) != (holder.check_message is None):
        walk.problems.append(
            Problem(
                (*where, "check" if holder.check is not None else "check_message"),
                "'check' and 'check_message' go together: the message says what to put right.",
            )
        )


def _can_hide(
    where: Location, question: Question, record: type[BaseModel] | None
) -> Iterator[Problem]:
    # A hidden answer is left out of the finalised visit, so its field must be one the
    # record can be without.
    if question.kind in _LIST_KINDS:
        return
    base, path = root_for(question.field) if record is None else (record, question.field)
    if not resolve(base, path).optional:
        yield Problem(
            (*where, "show_if"),
            f"{question.field!r} is always needed in the record, so it cannot be hidden.",
        )


def _circles(depends: Mapping[NodeKey, tuple[list[NodeKey], Location | None]]) -> Iterator[Problem]:
    done: set[NodeKey] = set()
    reported: set[frozenset[NodeKey]] = set()
    for start in depends:
        path: list[NodeKey] = []
        yield from _visit(start, depends, path, done, reported)


def _visit(
    node: NodeKey,
    depends: Mapping[NodeKey, tuple[list[NodeKey], Location | None]],
    path: list[NodeKey],
    done: set[NodeKey],
    reported: set[frozenset[NodeKey]],
) -> Iterator[Problem]:
    if node in done:
        return
    if node in path:
        circle = [*path[path.index(node) :], node]
        if frozenset(circle) not in reported:
            reported.add(frozenset(circle))
            shown = " -> ".join(key[-1] for key in circle)
            # Reported at the first condition of the circle written in the file.
            where = next(found for key in circle if (found := depends[key][1]) is not None)
            yield Problem(
                where,
                f"show_if goes round in a circle ({shown}): whether these show "
                "cannot depend on each other.",
            )
        return
    path.append(node)
    for needed in depends.get(node, ([], ()))[0]:
        yield from _visit(needed, depends, path, done, reported)
    path.pop()
    done.add(node)
