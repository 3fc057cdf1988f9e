"""The published JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from msp_desktop.model import (
    RECORD_MODELS,
    OutcomeAchieved,
    RiskLocation,
    RiskSource,
    RiskType,
    SG2cActionResult,
    SG4aAsked,
    json_schemas,
    write_json_schemas,
)


def test_each_record_has_an_id_and_title() -> None:
    schemas = json_schemas()
    assert sorted(schemas) == ["action", "concern", "contact", "person", "visit"]
    for name, schema in schemas.items():
        assert schema["$id"] == f"https://msp-desktop.example/schemas/v1/{name}.json"
        assert schema["title"] == RECORD_MODELS[name].__name__
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["additionalProperties"] is False


def test_visit_schema_carries_nested_models_and_national_labels() -> None:
    visit = json_schemas()["visit"]
    assert {"DesiredOutcome", "Risk", "SupportToDecide", "Note", "Action"} <= set(visit["$defs"])
    text = json.dumps(visit, ensure_ascii=False)
    for labels in (SG4aAsked, OutcomeAchieved, RiskType, RiskLocation, RiskSource):
        for member in labels:
            assert json.dumps(member.value) in text, member.value


def test_concern_schema_carries_action_results() -> None:
    text = json.dumps(json_schemas()["concern"], ensure_ascii=False)
    for member in SG2cActionResult:
        assert json.dumps(member.value) in text


def test_written_schemas_are_sorted_json_with_a_trailing_newline(tmp_path: Path) -> None:
    paths = write_json_schemas(tmp_path / "schemas")
    assert [path.name for path in paths] == [
        "person.schema.json",
        "concern.schema.json",
        "visit.schema.json",
        "action.schema.json",
        "contact.schema.json",
    ]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        schema = json.loads(text)
        assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        assert schema["$id"].endswith(path.name.replace(".schema", ""))


def test_writing_twice_gives_identical_bytes(tmp_path: Path) -> None:
    first = [path.read_bytes() for path in write_json_schemas(tmp_path)]
    second = [path.read_bytes() for path in write_json_schemas(tmp_path)]
    assert first == second


@pytest.mark.parametrize("name", sorted(RECORD_MODELS))
def test_schema_matches_the_model(name: str) -> None:
    assert json_schemas()[name]["properties"].keys() == RECORD_MODELS[name].model_fields.keys()
