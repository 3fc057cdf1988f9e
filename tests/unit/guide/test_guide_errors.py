"""A broken guide is refused with the file, the line and the key to fix.

Each case edits a small valid guide. The edit puts the marker ``#!`` (a TOML comment)
on the line the error must name, so the expected line is read from the broken text
itself rather than counted by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from msp_desktop.guide import GuideError, load_guide, parse_guide
from msp_desktop.guide.locate import map_lines

TINY = '''\
# A small guide for tests.
id = "tiny"
version = "1.0.0"
title = "Tiny guide"
languages = ["en"]

[[steps]]
id = "check-in"
title = "Checking in"
intro = """
Make sure it is a safe time to talk.
[[steps]]
id = "not-a-step"
"""
stages = [
    "beginning",
    "middle",
]

[[steps.questions]]
id = "consent"
prompt = "Is it all right if I make some notes?"
kind = "yes_no"
field = "consent_to_record"

[[steps]]
id = "support"
title = "Support to decide"
intro = "Check what support the person needs."
stages = ["beginning", "middle"]
findings = ["advocacy"]

[[steps.questions]]
id = "capacity"
prompt = "Capacity for this decision"
kind = "choice"
field = "support_to_decide.capacity"
choices = "CapacityStatus"
option_labels = { not_assessed = "Not assessed", has_capacity = "Has it", lacks_capacity = "No" }

[[steps.questions]]
id = "risks"
prompt = "Is there anything that makes you feel unsafe?"
kind = "repeating"
field = "risks"

[[steps.questions.item_fields]]
id = "risk_type"
prompt = "Type of risk"
kind = "choice"
field = "risk_type"
choices = "RiskType"

[[steps.questions.item_fields]]
id = "source_detail"
prompt = "Who or what is it?"
kind = "text"
field = "source_detail"
visibility = "third_party"

[[steps]]
id = "closing"
title = "Closing"
intro = "Ask about the person's experience."
stages = ["end"]

[[steps.questions]]
id = "asked_by"
prompt = "Who is asking?"
kind = "choice"
field = "experience.asked_by"
choices = "AskedBy"
option_labels.lead_worker = "The lead worker"
option_labels.independent = "Someone independent"

[[steps.questions]]
id = "feel_safer"
prompt = "Do you feel safer now because of the help from people dealing with your concern?"
kind = "scale"
field = "experience.answers.feel_safer"

[[steps.questions]]
id = "risk_outcome"
prompt = "What happened to the risk?"
kind = "choice"
field = "concern.risk_outcome"
choices = "RiskOutcome"
'''


@dataclass(frozen=True)
class Broken:
    name: str
    old: str
    new: str
    path: str
    says: str
    # The line the error must name, when it cannot carry the ``#!`` marker.
    at: str | None = None

    def text(self) -> str:
        assert TINY.count(self.old) >= 1, self.old
        return TINY.replace(self.old, self.new, 1)

    def expected_line(self) -> int:
        lines = self.text().splitlines()
        wanted = [n for n, line in enumerate(lines, start=1) if line.endswith("#!")]
        if self.at is not None:
            wanted = [n for n, line in enumerate(lines, start=1) if line == self.at]
        assert len(wanted) == 1, wanted
        return wanted[0]


CASES = [
    Broken(
        "toml syntax",
        'kind = "yes_no"',
        "kind = yes_no  #!",
        "steps[0].questions[0].kind",
        "not valid TOML",
    ),
    Broken(
        "unclosed table header",
        '[[steps]]\nid = "closing"',
        '[[steps]  #!\nid = "closing"',
        "steps[2]",
        "not valid TOML",
    ),
    Broken(
        "unknown field",
        'field = "support_to_decide.capacity"',
        'field = "support_to_decide.capasity"  #!',
        "steps[1].questions[0].field",
        "'support_to_decide.capasity' is not a field of a visit.",
    ),
    Broken(
        "unknown field of an item",
        'field = "risk_type"',
        'field = "risk_typ"  #!',
        "steps[1].questions[1].item_fields[0].field",
        "'risk_typ' is not a field of a risk.",
    ),
    Broken(
        "unknown concern field",
        'field = "concern.risk_outcome"',
        'field = "concern.outcome"  #!',
        "steps[2].questions[2].field",
        "'concern.outcome' is not a field of a concern.",
    ),
    Broken(
        "wrong kind for the field",
        'kind = "yes_no"',
        'kind = "text"  #!',
        "steps[0].questions[0].kind",
        "the kind that fits is 'yes_no'",
    ),
    Broken(
        "a list bound without repeating",
        'kind = "repeating"',
        'kind = "text"  #!',
        "steps[1].questions[1].kind",
        "'repeating'",
    ),
    Broken(
        "duplicate step id",
        'id = "support"',
        'id = "check-in"  #!',
        "steps[1].id",
        "'check-in' is used more than once",
    ),
    Broken(
        "duplicate question id",
        'id = "risks"',
        'id = "consent"  #!',
        "steps[1].questions[1].id",
        "'consent' is used more than once",
    ),
    Broken(
        "unknown list of choices",
        'choices = "CapacityStatus"',
        'choices = "CapacityState"  #!',
        "steps[1].questions[0].choices",
        "'CapacityState' is not a list of choices the app knows",
    ),
    Broken(
        "choices that do not match the field",
        'choices = "RiskType"',
        'choices = "RiskSource"  #!',
        "steps[1].questions[1].item_fields[0].choices",
        "'risk_type' holds RiskType, not RiskSource",
    ),
    Broken(
        "unknown stage",
        'stages = ["beginning", "middle"]',
        'stages = ["beginning", "midle"]  #!',
        "steps[1].stages[1]",
        "'midle'",
    ),
    Broken(
        "unknown stage in a list over several lines",
        '    "middle",\n]',
        '    "muddle",\n]',
        "steps[0].stages[1]",
        "'muddle'",
        at="stages = [",
    ),
    Broken(
        "unknown findings name",
        'findings = ["advocacy"]',
        'findings = ["advocasy"]  #!',
        "steps[1].findings[0]",
        "'advocasy' is not a practice rule the app knows",
    ),
    Broken(
        "missing required key",
        '[[steps]]\nid = "support"\ntitle = "Support to decide"\n',
        '[[steps]]  #!\nid = "support"\n',
        "steps[1].title",
        "the key 'title' is missing",
    ),
    Broken(
        "misspelt key",
        'prompt = "Who is asking?"',
        'promt = "Who is asking?"  #!',
        "steps[2].questions[0].promt",
        "'promt' is not a key a guide can have; did you mean 'prompt'?",
    ),
    Broken(
        "visibility that disagrees with the record",
        'visibility = "third_party"',
        'visibility = "person"  #!',
        "steps[1].questions[1].item_fields[1].visibility",
        "'third_party' text by default",
    ),
    Broken(
        "a national list relabelled",
        'choices = "RiskOutcome"',
        'choices = "RiskOutcome"\noption_labels.removed = "All gone"  #!',
        "steps[2].questions[2].option_labels",
        "word for word",
    ),
    Broken(
        "app choices without words",
        'option_labels.independent = "Someone independent"',
        "",
        "steps[2].questions[0].option_labels",
        "words are missing for: independent",
        at='option_labels.lead_worker = "The lead worker"',
    ),
    Broken(
        "an experience question reworded",
        'prompt = "Do you feel safer now because',
        'prompt = "Do you now feel safer because',
        "steps[2].questions[1].prompt",
        "word for word",
        at='prompt = "Do you now feel safer because of the help from people dealing with your '
        'concern?"',
    ),
    Broken(
        "a translation for a language not listed",
        'prompt = "Who is asking?"',
        'prompt = { en = "Who is asking?", cy = "Pwy sy\'n gofyn?" }  #!',
        "steps[2].questions[0].prompt.cy",
        "'cy' is not listed",
    ),
    Broken(
        "a version that is not semver",
        'version = "1.0.0"',
        'version = "1.0"  #!',
        "version",
        "'1.0'",
    ),
]


def test_the_tiny_guide_is_valid() -> None:
    guide = parse_guide(TINY, "tiny.toml")
    assert [step.id for step in guide.steps] == ["check-in", "support", "closing"]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_broken_guide_names_the_line_and_key(case: Broken) -> None:
    text = case.text()
    with pytest.raises(GuideError) as raised:
        parse_guide(text, "tiny.toml")
    problem = raised.value.problems[0]
    expected_line = case.expected_line()
    assert problem.line == expected_line, raised.value.message
    assert problem.path == case.path, raised.value.message
    assert case.says in raised.value.message
    where = f" ({case.path})" if case.path else ""
    assert raised.value.message.startswith(
        f"The guide tiny.toml has a problem at line {expected_line}{where}: "
    )


def test_the_first_problem_in_the_file_is_reported_first() -> None:
    text = TINY.replace('choices = "RiskType"', 'choices = "Nope"').replace(
        'kind = "yes_no"', 'kind = "date"'
    )
    with pytest.raises(GuideError) as raised:
        parse_guide(text, "tiny.toml")
    assert [problem.path for problem in raised.value.problems] == [
        "steps[0].questions[0].kind",
        "steps[1].questions[1].item_fields[0].choices",
    ]


def test_an_unknown_key_with_nothing_missing_is_named() -> None:
    text = TINY.replace('kind = "yes_no"', 'kind = "yes_no"\ncolour = "blue"  #!')
    with pytest.raises(GuideError) as raised:
        parse_guide(text, "tiny.toml")
    assert raised.value.problems[0].path == "steps[0].questions[0].colour"
    assert "'colour' is not a key a guide can have here." in raised.value.message


def test_the_error_is_a_known_error_with_an_exit_code() -> None:
    with pytest.raises(GuideError) as raised:
        parse_guide(TINY.replace("1.0.0", "one"), "tiny.toml")
    assert raised.value.exit_code != 0
    assert str(raised.value) == raised.value.message


def test_a_multi_line_string_is_not_read_as_tables() -> None:
    lines = map_lines(TINY)
    assert ("steps", 3) not in lines
    assert lines[("steps", 0, "stages")] == TINY.splitlines().index("stages = [") + 1
    assert lines[("steps", 2, "questions", 0, "option_labels", "independent")] > 0


def test_load_guide_refuses_a_guide_whose_id_is_not_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "other.toml").write_text(TINY, encoding="utf-8")
    monkeypatch.setattr(
        "msp_desktop.guide.loader.resource", lambda *parts: tmp_path.joinpath(parts[-1])
    )
    with pytest.raises(GuideError, match=r"at line 2 \(id\): the id 'tiny' must be"):
        load_guide("other")
    (tmp_path / "tiny.toml").write_text(TINY, encoding="utf-8")
    assert load_guide("tiny").ref == ("tiny", "1.0.0")
