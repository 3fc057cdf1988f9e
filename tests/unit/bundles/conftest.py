"""Keys and a valid bundle for the bundle tests, plus builders for hostile ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from msp_desktop.bundles import (
    AgeIdentity,
    KeyPair,
    PublicKey,
    SealedBundle,
    write_bundle,
)

CREATED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
BUNDLE_ID = "0b6f3c1e-8a55-4f1c-9d5e-2f8a7c3b1d42"
DEVICE_ID = "laptop-7"


def sample_files() -> dict[str, bytes]:
    """Two record files and one audit file, as the device export will write them."""
    visit = {"kind": "visit", "record": {"id": "v1", "notes": "Mrs Jones said “no”."}}
    person = {"kind": "person", "record": {"id": "p1", "name": "Gwen ap Rhys"}}
    audit = {"entries": [{"seq": 1, "action": "finalise"}]}
    return {
        "records/visit.v1.r1.json": json.dumps(visit).encode(),
        "records/person.p1.r1.json": json.dumps(person).encode(),
        "audit/entries.json": json.dumps(audit).encode(),
    }


@pytest.fixture(scope="session")
def device_key() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="session")
def inbox() -> AgeIdentity:
    return AgeIdentity.generate()


@pytest.fixture(scope="session")
def trusted(device_key: KeyPair) -> dict[str, PublicKey]:
    return {device_key.key_id: device_key.public_key}


def seal(device_key: KeyPair, inbox: AgeIdentity, **changes: object) -> SealedBundle:
    """A valid bundle; ``changes`` override the arguments of ``write_bundle``."""
    arguments: dict[str, object] = {
        "device_id": DEVICE_ID,
        "worker": "Siân Evans",
        "sequence": 1,
        "previous_bundle_sha256": None,
        "signing_key": device_key,
        "recipient": inbox.recipient,
        "bundle_id": BUNDLE_ID,
        "created": CREATED,
    }
    arguments.update(changes)
    files = arguments.pop("files", sample_files())
    return write_bundle(files, **arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def sealed(device_key: KeyPair, inbox: AgeIdentity) -> SealedBundle:
    return seal(device_key, inbox)
