"""The JSON Schemas the office uses to read records exported from a device."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from msp_desktop.atomic import write_atomic
from msp_desktop.model.actions import AgreedAction
from msp_desktop.model.base import RecordModel
from msp_desktop.model.concern import Concern
from msp_desktop.model.contacts import ContactNote
from msp_desktop.model.person import Person
from msp_desktop.model.visit import Visit

__all__ = ["RECORD_MODELS", "SCHEMA_BASE_URL", "json_schemas", "write_json_schemas"]

# The version in the URL changes only when a record changes incompatibly.
SCHEMA_BASE_URL = "https://msp-desktop.example/schemas/v1/"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

RECORD_MODELS: dict[str, type[RecordModel]] = {
    "person": Person,
    "concern": Concern,
    "visit": Visit,
    "action": AgreedAction,
    "contact": ContactNote,
}
"""The top-level records, by the name used in schema file names and bundles."""


def json_schemas() -> dict[str, dict[str, Any]]:
    """Each top-level record's JSON Schema, by record name.

    Nested models (outcomes, risks, ...) are included in each schema's ``$defs``,
    so every schema stands alone.
    """
    schemas: dict[str, dict[str, Any]] = {}
    for name, model in RECORD_MODELS.items():
        schema = model.model_json_schema()
        schemas[name] = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": f"{SCHEMA_BASE_URL}{name}.json",
            **schema,
            "title": model.__name__,
        }
    return schemas


def write_json_schemas(out_dir: Path) -> list[Path]:
    """Write ``<name>.schema.json`` for every record into ``out_dir``; return the paths.

    Keys are sorted and the text ends with a newline, so regenerating an unchanged
    schema leaves the file byte for byte the same (reviewable diffs).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, schema in json_schemas().items():
        path = out_dir / f"{name}.schema.json"
        text = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        # Whole or not at all, readable by the office; "\n" line ends on Windows too.
        write_atomic(path, text.encode("utf-8"), mode=0o644)
        written.append(path)
    return written
