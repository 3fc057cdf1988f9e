"""A broken condition is refused when the guide loads, with the file, line and key.

The cases edit the same small guide as ``test_guide_errors`` and mark the line the
error must name with ``#!``.
"""

from __future__ import annotations

import pytest

from msp_desktop.guide import GuideError, parse_guide
from tests.unit.guide.test_guide_errors import TINY, Broken

CAPACITY = (
    'option_labels = { not_assessed = "Not assessed", has_capacity = "Has it", '
    'lacks_capacity = "No" }'
)
SOURCE_DETAIL = 'visibility = "third_party"'


def _after(anchor: str, line: str) -> tuple[str, str]:
    return anchor, f"{anchor}\n{line}"


CASES = [
    Broken(
        "unknown id",
        *_after(CAPACITY, "show_if = \"capacty == 'has_capacity'\"  #!"),
        "steps[1].questions[0].show_if",
        "there is no question 'capacty' here. (column 1)",
    ),
    Broken(
        "a value the choice does not have",
        *_after(CAPACITY, "required_if = \"capacity == 'lacks'\"  #!"),
        "steps[1].questions[0].required_if",
        "'lacks' is not one of CapacityStatus: 'not_assessed', 'has_capacity', 'lacks_capacity'.",
    ),
    Broken(
        "not a yes-or-no condition",
        *_after(CAPACITY, 'show_if = "capacity"  #!'),
        "steps[1].questions[0].show_if",
        "a condition must be yes or no, but this is choice (one of CapacityStatus)",
    ),
    Broken(
        "comparing a yes/no with text",
        *_after(CAPACITY, "show_if = \"consent == 'yes'\"  #!"),
        "steps[1].questions[0].show_if",
        "'==' cannot compare yes/no with the text 'yes'. (column 9)",
    ),
    Broken(
        "ordering choices",
        *_after(CAPACITY, 'show_if = "capacity > 1"  #!'),
        "steps[1].questions[0].show_if",
        "'>' compares two numbers or two dates",
    ),
    Broken(
        "counting a yes/no",
        *_after(CAPACITY, 'show_if = "count(consent) > 0"  #!'),
        "steps[1].questions[0].show_if",
        "count() counts a list, items or choices; 'consent' is yes/no.",
    ),
    Broken(
        "syntax",
        *_after(CAPACITY, 'show_if = "consent = true"  #!'),
        "steps[1].questions[0].show_if",
        "write '==' to compare (one '=' is not used). (column 9)",
    ),
    Broken(
        "python is not run",
        *_after(CAPACITY, "show_if = \"__import__('os')\"  #!"),
        "steps[1].questions[0].show_if",
        "__import__() is not a function of the condition language",
    ),
    Broken(
        "an item part used outside its item",
        *_after(CAPACITY, "show_if = \"risk_type == 'Physical Abuse'\"  #!"),
        "steps[1].questions[0].show_if",
        "there is no question 'risk_type' here.",
    ),
    Broken(
        "check without its message",
        *_after(CAPACITY, "check = \"capacity != 'not_assessed'\"  #!"),
        "steps[1].questions[0].check",
        "'check' and 'check_message' go together",
    ),
    Broken(
        "a step shown only by its own question",
        *_after('findings = ["advocacy"]', "show_if = \"capacity == 'has_capacity'\"  #!"),
        "steps[1].show_if",
        "show_if goes round in a circle (support -> capacity -> support)",
    ),
    Broken(
        "two questions shown by each other",
        *_after(
            SOURCE_DETAIL,
            'show_if = "answered(location)"  #!\n'
            '[[steps.questions.item_fields]]\nid = "location"\nprompt = "Where?"\n'
            'kind = "choice"\nfield = "location"\nchoices = "RiskLocation"\n'
            'show_if = "answered(source_detail)"',
        ),
        "steps[1].questions[1].item_fields[1].show_if",
        "show_if goes round in a circle (source_detail -> location -> source_detail)",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_broken_condition_names_the_line_and_key(case: Broken) -> None:
    text = case.text()
    with pytest.raises(GuideError) as raised:
        parse_guide(text, "tiny.toml")
    problem = raised.value.problems[0]
    assert problem.line == case.expected_line(), raised.value.message
    assert problem.path == case.path, raised.value.message
    assert case.says in raised.value.message


def test_sound_conditions_load() -> None:
    text = TINY.replace(CAPACITY, CAPACITY + '\nshow_if = "consent == true"').replace(
        SOURCE_DETAIL,
        SOURCE_DETAIL
        + "\nshow_if = \"risk_type in ['Neglect and Acts of Omission', 'Self-Neglect']"
        ' and answered(capacity)"\nrequired_if = "count(risks) > 1 or not consent"'
        '\ncheck = "capacity != \'not_assessed\'"\ncheck_message = "Say who."',
    )
    guide = parse_guide(text, "tiny.toml")
    assert guide.step("support").questions[0].show_if == "consent == true"


def test_a_field_the_record_always_needs_cannot_be_hidden() -> None:
    text = TINY + (
        '\n[[steps]]\nid = "wants"\ntitle = "What matters"\nintro = "Ask."\n'
        'stages = ["beginning"]\n\n[[steps.questions]]\nid = "outcomes"\n'
        'prompt = "What would you like to happen?"\nkind = "repeating"\n'
        'field = "desired_outcomes"\n\n[[steps.questions.item_fields]]\nid = "words"\n'
        'prompt = "In your own words"\nkind = "text"\nfield = "words"\n'
        'visibility = "person"\nshow_if = "consent == true"\n'
    )
    with pytest.raises(GuideError) as raised:
        parse_guide(text, "tiny.toml")
    problem = raised.value.problems[0]
    assert problem.path == "steps[3].questions[0].item_fields[0].show_if"
    assert problem.line == len(text.splitlines())
    assert "'words' is always needed in the record, so it cannot be hidden." in problem.message


@pytest.mark.parametrize(
    "condition",
    ["(" * 600 + "consent" + ")" * 600, "not " * 400 + "consent", "capacity in " + "[" * 600],
)
def test_a_pathological_condition_is_refused_with_a_sentence(condition: str) -> None:
    text = TINY.replace(CAPACITY, f'{CAPACITY}\nshow_if = "{condition}"')
    with pytest.raises(GuideError) as raised:
        parse_guide(text, "tiny.toml")
    assert "nests more than 32 brackets or 'not's deep" in raised.value.message


def test_thirty_levels_are_still_read() -> None:
    condition = "(" * 30 + "consent == true" + ")" * 30
    text = TINY.replace(CAPACITY, f'{CAPACITY}\nshow_if = "{condition}"')
    assert parse_guide(text, "tiny.toml").step("support").questions[0].show_if == condition
