"""The guide table tests: every case in tests/guide_cases, and every condition covered.

See tests/guide_cases/README.md for the case format. Cases walk the shipped guides with
the same code as ``msp guide walk``; the coverage test reads the guides themselves, so
a new condition without a case fails here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from msp_desktop.guide import Guide, Question, load_guide
from msp_desktop.guide.walk import Walk, answers_visit, walk
from msp_desktop.model import Stage
from msp_desktop.resources import resource_root

CASES = Path(__file__).resolve().parents[2] / "guide_cases"
_KEYS = {"shown", "hidden", "shown_steps", "hidden_steps", "findings", "not_findings"}


@dataclass(frozen=True)
class Case:
    guide_id: str
    path: Path
    data: dict[str, Any]

    @property
    def expect(self) -> dict[str, Any]:
        expect: dict[str, Any] = self.data.get("expect", {})
        return expect


def _cases() -> list[Case]:
    return [
        Case(path.parent.name, path, tomllib.loads(path.read_text(encoding="utf-8")))
        for path in sorted(CASES.glob("*/*.toml"))
    ]


ALL = _cases()


def _walked(case: Case) -> Walk:
    guide = load_guide(case.guide_id)
    stage = Stage(case.data["stage"])
    visit, concern, today = answers_visit(guide, case.data.get("answers", {}), stage)
    return walk(guide, stage, visit, concern, today=today)


def _general(label: str) -> str:
    return re.sub(r"\[\d+\]", "", label)


def _findings(result: Walk) -> list[str]:
    return sorted({f"{finding.code}@{finding.where}" for finding in result.findings})


def test_there_are_cases_for_every_shipped_guide() -> None:
    folder = resource_root() / "guides"
    shipped = {
        item.name.removesuffix(".toml") for item in folder.iterdir() if item.name.endswith(".toml")
    }
    assert shipped
    assert shipped <= {case.guide_id for case in ALL}


@pytest.mark.parametrize("case", ALL, ids=[f"{c.guide_id}/{c.path.stem}" for c in ALL])
def test_case(case: Case) -> None:
    unknown = set(case.expect) - _KEYS - {"hidden_answers"}
    assert not unknown, f"{case.path.name}: unknown expectations {unknown}"
    assert case.expect, f"{case.path.name} expects nothing"
    result = _walked(case)
    visible = result.visible()
    steps = [step.id for step in result.state.shown_steps]
    findings = _findings(result)
    for label in case.expect.get("shown", []):
        assert label in visible, f"{label} should show; shown: {visible}"
    for label in case.expect.get("hidden", []):
        assert label not in visible, f"{label} should be hidden"
    for step in case.expect.get("shown_steps", []):
        assert step in steps
    for step in case.expect.get("hidden_steps", []):
        assert step not in steps
    for finding in case.expect.get("findings", []):
        assert finding in findings, f"{finding} expected; found {findings}"
    for finding in case.expect.get("not_findings", []):
        assert finding not in findings, f"{finding} not expected"
    if "hidden_answers" in case.expect:
        paths = [answer.path for answer in result.state.hidden_answers]
        assert paths == case.expect["hidden_answers"]


def _conditions(guide: Guide) -> Iterator[tuple[str, str, str]]:
    """(kind of condition, label, the finding's where, question) for every condition."""

    def walk_parts(question: Question, label: str, where: str) -> Iterator[Any]:
        for key in ("show_if", "required_if", "check"):
            if getattr(question, key) is not None:
                yield key, label, where
        for part in question.item_fields:
            yield from walk_parts(part, f"{label}.{part.id}", f"{where}.<n>.{part.field}")

    for step in guide.steps:
        for key in ("show_if", "required_if", "check"):
            if getattr(step, key) is not None:
                where = step.questions[0].field if step.questions else ""
                yield key, f"step:{step.id}", where
        for question in step.questions:
            yield from walk_parts(question, question.id, question.field)


def _covers(where_pattern: str, finding: str, code: str) -> bool:
    wanted = re.escape(f"{code}@{where_pattern}").replace(re.escape("<n>"), r"\d+")
    # A group's parts are not numbered: its "<n>." is absent.
    wanted = wanted.replace(r"\d+\.", r"(\d+\.)?")
    return re.fullmatch(wanted, finding) is not None


@pytest.mark.parametrize("guide_id", sorted({case.guide_id for case in ALL}))
def test_every_condition_of_the_guide_has_a_case(guide_id: str) -> None:
    guide = load_guide(guide_id)
    cases = [case for case in ALL if case.guide_id == guide_id]
    shown = {_general(label) for c in cases for label in c.expect.get("shown", [])}
    hidden = {_general(label) for c in cases for label in c.expect.get("hidden", [])}
    shown |= {f"step:{step}" for c in cases for step in c.expect.get("shown_steps", [])}
    hidden |= {f"step:{step}" for c in cases for step in c.expect.get("hidden_steps", [])}
    findings = [finding for c in cases for finding in c.expect.get("findings", [])]
    missing: list[str] = []
    for key, label, where in _conditions(guide):
        if key == "show_if":
            if label not in shown or label not in hidden:
                missing.append(f"{label}.show_if needs a case showing it and one hiding it")
            continue
        code = "guide_required" if key == "required_if" else "guide_check"
        if not any(_covers(where, finding, code) for finding in findings):
            missing.append(f"{label}.{key} needs a case where it fires ({code}@{where})")
    assert not missing, "\n".join(missing)
