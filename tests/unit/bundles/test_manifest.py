"""The manifest model: every field checked, canonical bytes round trip."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from msp_desktop.bundles.canonical import parse_json_strict
from msp_desktop.bundles.manifest import Manifest

SHA = "a" * 64


def fields(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "format_version": 1,
        "bundle_id": "0b6f3c1e-8a55-4f1c-9d5e-2f8a7c3b1d42",
        "device_id": "laptop-7",
        "key_id": "9563ADB5640C2789",
        "worker": "Siân Evans",
        "sequence": 2,
        "previous_bundle_sha256": SHA,
        "created": "2025-03-14T09:26:53Z",
        "recipient_key_id": "42DC3D00A4727E2C",
        "files": [
            {"name": "audit/entries.json", "size": 3, "sha256": SHA},
            {"name": "records/visit.v1.r1.json", "size": 0, "sha256": SHA},
        ],
    }
    base.update(changes)
    return base


def test_valid_manifest_round_trips_through_canonical_bytes() -> None:
    manifest = Manifest.model_validate(fields(), strict=True)
    data = manifest.to_bytes()
    assert data.startswith(b'{"bundle_id":"0b6f3c1e')
    assert Manifest.model_validate_json(data, strict=True) == manifest
    assert parse_json_strict(data, what="m") == fields()
    assert manifest.created_at.isoformat() == "2025-03-14T09:26:53+00:00"


@pytest.mark.parametrize("version", [1, 2])
def test_both_format_versions_are_valid_manifests(version: int) -> None:
    manifest = Manifest.model_validate(fields(format_version=version), strict=True)
    assert manifest.trusted_comment().startswith(f"msp-bundle:{version} bundle:")


def _file(name: str) -> dict[str, Any]:
    return {"name": name, "size": 1, "sha256": SHA}


BAD = [
    ("version 3", {"format_version": 3}),
    ("version 0", {"format_version": 0}),
    ("sequence 0", {"sequence": 0}),
    ("sequence as text", {"sequence": "2"}),
    ("sequence as float", {"sequence": 2.0}),
    ("sequence as bool", {"sequence": True}),
    ("first without null", {"sequence": 1}),
    ("later with null", {"previous_bundle_sha256": None}),
    ("short hash", {"previous_bundle_sha256": "a" * 63}),
    ("upper hash", {"previous_bundle_sha256": "A" * 64}),
    ("local time", {"created": "2025-03-14T09:26:53+01:00"}),
    ("fractional time", {"created": "2025-03-14T09:26:53.5Z"}),
    ("impossible date", {"created": "2025-02-30T09:26:53Z"}),
    ("bad key id", {"key_id": "9563adb5640c2789"}),
    ("bad bundle id", {"bundle_id": "not-a-uuid"}),
    ("bad device", {"device_id": "../x"}),
    ("empty worker", {"worker": ""}),
    ("control in worker", {"worker": "a\nb"}),
    ("no files", {"files": []}),
    ("unknown field", {"office": "x"}),
    ("unsorted", {"files": [_file("records/b.json"), _file("records/a.json")]}),
    ("duplicate", {"files": [_file("records/a.json"), _file("records/a.json")]}),
    ("upper case", {"files": [_file("records/A.json")]}),
    ("other folder", {"files": [_file("secrets/a.json")]}),
    ("no folder", {"files": [_file("a.json")]}),
    ("traversal", {"files": [_file("records/../a.json")]}),
    ("not json", {"files": [_file("records/a.pdf")]}),
    ("too long", {"files": [_file("records/" + "a" * 86 + ".json")]}),
    ("negative size", {"files": [{"name": "records/a.json", "size": -1, "sha256": SHA}]}),
    ("file extra key", {"files": [{**_file("records/a.json"), "mode": 420}]}),
]


@pytest.mark.parametrize("changes", [b[1] for b in BAD], ids=[b[0] for b in BAD])
def test_invalid_manifests_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Manifest.model_validate(fields(**changes), strict=True)


names = st.from_regex(r"\A(records|audit)/[a-z0-9][a-z0-9._-]{0,20}\.json\Z")


@given(
    st.lists(names, min_size=1, max_size=10, unique=True),
    st.integers(1, 2**53 - 1),
    # Lone surrogates are not text UTF-8 can carry; canonical JSON refuses them (test_canonical).
    st.text(
        st.characters(min_codepoint=0xA0, exclude_categories=("Cs",)), min_size=1, max_size=50
    ).map(str.strip),
)
def test_manifests_round_trip(names: list[str], sequence: int, worker: str) -> None:
    files = [_file(name) for name in sorted(names)]
    previous = None if sequence == 1 else SHA
    manifest = Manifest.model_validate(
        fields(
            files=files, sequence=sequence, previous_bundle_sha256=previous, worker=worker or "w"
        ),
        strict=True,
    )
    again = Manifest.model_validate_json(manifest.to_bytes(), strict=True)
    assert again == manifest
    assert again.to_bytes() == manifest.to_bytes()
