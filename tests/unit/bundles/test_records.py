"""Record envelopes and audit batches: the files a bundle carries besides its manifest."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from msp_desktop.bundles import BundleRejected, ContentRejected, JsonRejected, canonical_json
from msp_desktop.bundles.canonical import MAX_SAFE_INTEGER
from msp_desktop.bundles.manifest import FORMAT_VERSION, format_time
from msp_desktop.bundles.records import (
    AuditBatch,
    AuditItem,
    RecordEnvelope,
    RecordKind,
    audit_entry_hash,
    audit_file_name,
    parse_audit_file,
    parse_record_file,
    record_file_name,
)
from msp_desktop.model import Concern, Person, Visit
from msp_desktop.store import Workspace, audit
from tests import builders
from tests.unit.bundles.test_fuzz import mutated

VISIT_ID = "6f1d2c3a-0b4e-4c5d-9e8f-1a2b3c4d5e6f"
VISIT = {"id": VISIT_ID, "notes": "Mrs Jones said “no”.", "stage": 2, "done": False, "x": None}
SAVED_AT = "2025-03-14T09:26:53Z"
ENVELOPE = RecordEnvelope.wrap(
    "visit", 2, VISIT, saved_at=SAVED_AT, saved_by="Siân Evans", reason="Wrong date"
)
NAME = f"records/visit.{VISIT_ID}.r2.json"
GENESIS = "0" * 64
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _document(envelope: RecordEnvelope = ENVELOPE) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(envelope.to_bytes())
    return document


def _bytes(document: dict[str, Any]) -> bytes:
    # Canonical, as the device writes them, so the checks past the canonical form run;
    # what canonical JSON cannot hold (fractions, huge integers) as plain JSON.
    try:
        return canonical_json(document)
    except ValueError:
        return json.dumps(document, ensure_ascii=False).encode()


# --- record envelopes ---------------------------------------------------------------------


def test_wrap_takes_the_id_from_the_record_and_hashes_its_canonical_form() -> None:
    assert ENVELOPE.format_version == FORMAT_VERSION == 2
    assert (ENVELOPE.kind, ENVELOPE.id, ENVELOPE.revision) == ("visit", VISIT_ID, 2)
    assert (ENVELOPE.saved_at, ENVELOPE.saved_by, ENVELOPE.reason) == (
        SAVED_AT,
        "Siân Evans",
        "Wrong date",
    )
    # RFC 8785 of the record, written out by hand: sorted keys, no spaces, UTF-8.
    canonical = (
        '{"done":false,"id":"6f1d2c3a-0b4e-4c5d-9e8f-1a2b3c4d5e6f",'
        '"notes":"Mrs Jones said “no”.","stage":2,"x":null}'
    ).encode()
    assert ENVELOPE.record_sha256 == _sha256(canonical)
    assert ENVELOPE.record == VISIT


def test_file_name() -> None:
    assert ENVELOPE.file_name == NAME
    assert record_file_name("person", "p1", 12) == "records/person.p1.r12.json"
    assert audit_file_name(1, 40) == "audit/entries.1-40.json"


def test_to_bytes_is_canonical_with_exactly_the_envelope_fields() -> None:
    data = ENVELOPE.to_bytes()
    document = json.loads(data)
    assert canonical_json(document) == data
    assert set(document) == {
        "format_version",
        "kind",
        "id",
        "revision",
        "saved_at",
        "saved_by",
        "reason",
        "record_sha256",
        "record",
    }
    assert document["reason"] == "Wrong date"
    first = RecordEnvelope.wrap("person", 1, {"id": "p1"}, saved_at=SAVED_AT, saved_by="x")
    assert json.loads(first.to_bytes())["reason"] is None  # present, as null


def test_round_trip() -> None:
    parsed = parse_record_file(NAME, ENVELOPE.to_bytes())
    assert parsed == ENVELOPE
    assert parsed.to_bytes() == ENVELOPE.to_bytes()


def _round_trip(kind: RecordKind, record: dict[str, Any]) -> dict[str, Any]:
    envelope = RecordEnvelope.wrap(kind, 1, record, saved_at=SAVED_AT, saved_by="Test Worker")
    assert envelope.file_name == f"records/{kind}.{record['id']}.r1.json"
    return parse_record_file(envelope.file_name, envelope.to_bytes()).record


def test_real_records_round_trip_and_still_validate_as_their_models() -> None:
    person = builders.person()
    concern = builders.concern(person)
    visit = builders.complete_visit(concern)
    assert Person.model_validate(_round_trip("person", person.model_dump(mode="json"))) == person
    assert (
        Concern.model_validate(_round_trip("concern", concern.model_dump(mode="json"))) == concern
    )
    assert Visit.model_validate(_round_trip("visit", visit.model_dump(mode="json"))) == visit


@pytest.mark.parametrize(
    ("record", "revision", "reason"),
    [
        ({"id": "V1"}, 1, "id"),  # upper case: not a record id
        ({"id": 7}, 1, "the record's id is not the envelope's id"),  # wrap makes "7"
        ({"id": "v1", "f": 1.5}, 1, "float is not allowed"),
        ({"id": "v1"}, 0, "revision"),
        ({"id": "v1"}, MAX_SAFE_INTEGER + 1, "revision"),
    ],
)
def test_wrap_refuses_what_could_not_travel(
    record: dict[str, Any], revision: int, reason: str
) -> None:
    # Writer-side mistakes are bugs, so a ValueError (ValidationError is one), not a rejection.
    with pytest.raises(ValueError, match=reason):
        RecordEnvelope.wrap("visit", revision, record, saved_at=SAVED_AT, saved_by="x")


@pytest.mark.parametrize(
    "name",
    [
        "",
        f"records/visit.{VISIT_ID}.r2.JSON",
        f"records/visit.{VISIT_ID}.r2.json.bak",
        f"records/visit.{VISIT_ID}.json",
        f"records/visit.{VISIT_ID}.r02.json",
        f"records/visit.{VISIT_ID}.r0.json",
        f"records/visit.{VISIT_ID}.r-2.json",
        f"records/visit.{VISIT_ID}.r1000000000.json",  # ten digits
        f"records/Visit.{VISIT_ID}.r2.json",
        f"records/note.{VISIT_ID}.r2.json",
        f"records/visit.{VISIT_ID.upper()}.r2.json",
        "records/visit.-v1.r2.json",
        f"records/visit.{'a' * 65}.r2.json",
        f"audit/visit.{VISIT_ID}.r2.json",
        f"/records/visit.{VISIT_ID}.r2.json",
        f"x/records/visit.{VISIT_ID}.r2.json",
        f"records/../records/visit.{VISIT_ID}.r2.json",
        f"records\\visit.{VISIT_ID}.r2.json",
        f"records/visit.{VISIT_ID}.r2.json\x00",
        f"records/visit.{VISIT_ID}.r٢.json",  # an Arabic-Indic digit is a \d, not [0-9]
        f"records/visit.{VISIT_ID}.r2.json\n",
    ],
)
def test_names_that_are_not_record_file_names_are_refused(name: str) -> None:
    with pytest.raises(ContentRejected) as caught:
        parse_record_file(name, ENVELOPE.to_bytes())
    assert caught.value.message == f"{name!r} is not a record file name."


@pytest.mark.parametrize(
    "name",
    [
        f"records/person.{VISIT_ID}.r2.json",
        f"records/concern.{VISIT_ID}.r2.json",
        "records/visit.6f1d2c3a-0b4e-4c5d-9e8f-1a2b3c4d5e6e.r2.json",
        f"records/visit.{VISIT_ID}.r1.json",
        f"records/visit.{VISIT_ID}.r3.json",
    ],
)
def test_an_envelope_under_another_records_name_is_refused(name: str) -> None:
    with pytest.raises(ContentRejected) as caught:
        parse_record_file(name, ENVELOPE.to_bytes())
    assert caught.value.message == f"The record in {name!r} is not the one its name says."


def _changed(**changes: Any) -> bytes:
    document = _document()
    document.update(changes)
    return _bytes(document)


def _without(field: str) -> bytes:
    document = _document()
    del document[field]
    return _bytes(document)


def _other_record(record: dict[str, Any]) -> bytes:
    """The envelope carrying ``record`` with a correct hash of it (only the id can be off)."""
    return _changed(record=record, record_sha256=_sha256(canonical_json(record)))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(
            _changed(record_sha256="0" * 64),
            "file: Value error, record_sha256 is not the hash of the record",
            id="hash wrong",
        ),
        pytest.param(
            _changed(record={**VISIT, "notes": "edited"}),
            "record_sha256 is not the hash of the record",
            id="record edited, hash kept",
        ),
        pytest.param(
            _changed(record_sha256=ENVELOPE.record_sha256.upper()),
            "record_sha256: String should match pattern",
            id="hash in upper case",
        ),
        pytest.param(
            _other_record({**VISIT, "id": "6f1d2c3a-0b4e-4c5d-9e8f-000000000000"}),
            "file: Value error, the record's id is not the envelope's id",
            id="record id not the envelope id",
        ),
        pytest.param(
            _other_record({k: v for k, v in VISIT.items() if k != "id"}),
            "the record's id is not the envelope's id",
            id="record without an id",
        ),
        pytest.param(
            _changed(record=[VISIT]),
            "record: Input should be a valid dictionary",
            id="record a list",
        ),
        pytest.param(_changed(extra=1), "extra: Extra inputs are not permitted", id="extra field"),
        pytest.param(_without("reason"), "reason: Field required", id="missing reason"),
        pytest.param(_without("record_sha256"), "record_sha256: Field required", id="missing hash"),
        pytest.param(
            _changed(revision="2"),
            "revision: Input should be a valid integer",
            id="revision as string",
        ),
        pytest.param(
            _changed(revision=True), "revision: Input should be a valid integer", id="revision true"
        ),
        pytest.param(_changed(format_version=3), "format_version", id="format version 3"),
        pytest.param(_changed(format_version=0), "format_version", id="format version 0"),
        pytest.param(_changed(format_version="2"), "format_version", id="format version as string"),
        pytest.param(
            _changed(kind="note"),
            "kind: Input should be 'person', 'concern', 'visit', 'action' or 'contact'",
            id="kind",
        ),
        pytest.param(
            _changed(id=VISIT_ID.upper()), "id: String should match pattern", id="id upper case"
        ),
        pytest.param(_changed(saved_by=""), "saved_by", id="saved_by empty"),
        pytest.param(_changed(saved_by=None), "saved_by", id="saved_by null"),
        pytest.param(_changed(reason=""), "reason", id="reason empty"),
        pytest.param(
            _changed(saved_at="2025-03-14T09:26:53+00:00"), "saved_at", id="saved_at offset"
        ),
        pytest.param(
            _changed(saved_at="2025-03-14T09:26:53.5Z"), "saved_at", id="saved_at fraction"
        ),
        pytest.param(b"[]", "file: Input should be a valid dictionary", id="array"),
        pytest.param(b"null", "file: Input should be a valid dictionary", id="null"),
    ],
)
def test_invalid_envelopes_are_refused(content: bytes, reason: str) -> None:
    with pytest.raises(ContentRejected) as caught:
        parse_record_file(NAME, content)
    assert caught.value.message.startswith(f"{NAME!r} is not valid: ")
    assert reason in caught.value.message


def test_format_version_must_be_an_integer_not_true() -> None:
    with pytest.raises(ContentRejected, match="format_version"):
        parse_record_file(NAME, _changed(format_version=True))


def test_a_version_1_envelope_of_the_first_kinds_still_reads() -> None:
    for kind in ("person", "concern", "visit"):
        old = RecordEnvelope.wrap(
            kind, 1, {"id": "r1"}, saved_at=SAVED_AT, saved_by="x", format_version=1
        )
        assert parse_record_file(old.file_name, old.to_bytes(), 1) == old
        assert old.format_version == 1


def _action_or_contact(kind: RecordKind, version: int) -> bytes:
    document = _document(
        RecordEnvelope.wrap(kind, 1, {"id": "a1"}, saved_at=SAVED_AT, saved_by="x")
    )
    document["format_version"] = version
    return _bytes(document)


@pytest.mark.parametrize("kind", ["action", "contact"])
def test_actions_and_contacts_travel_from_version_2_only(kind: RecordKind) -> None:
    name = f"records/{kind}.a1.r1.json"
    assert parse_record_file(name, _action_or_contact(kind, 2), 2).kind == kind
    with pytest.raises(ContentRejected) as caught:
        parse_record_file(name, _action_or_contact(kind, 1))
    assert caught.value.message == (
        f"{name!r} is not valid: file: Value error, a format version 1 envelope cannot carry "
        f"the record kind {kind!r}, which came with version 2."
    )


@pytest.mark.parametrize(("envelope", "manifest"), [(1, 2), (2, 1)])
def test_a_record_in_another_format_version_than_its_manifest_is_refused(
    envelope: int, manifest: int
) -> None:
    content = _changed(format_version=envelope)
    with pytest.raises(ContentRejected) as caught:
        parse_record_file(NAME, content, manifest)
    assert caught.value.message == (
        f"{NAME!r} is in format version {envelope}, but the bundle's manifest says {manifest}."
    )
    assert parse_record_file(NAME, content, envelope).format_version == envelope


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(_changed(record={**VISIT, "stage": 2.5}), id="float in the record"),
        pytest.param(_changed(record={**VISIT, "n": 2**53}), id="integer out of range"),
        pytest.param(_changed(revision=2.0), id="revision 2.0"),
        pytest.param(_changed(format_version=1.0), id="format_version 1.0"),
    ],
)
def test_numbers_canonical_json_cannot_hold_are_refused(content: bytes) -> None:
    with pytest.raises(ContentRejected, match=r"is not in canonical JSON \(RFC 8785\) form"):
        parse_record_file(NAME, content)


def test_an_audit_revision_of_1_0_is_refused() -> None:
    document = _batch_document(entries=[BATCH.entries[0].model_dump() | {"revision": 1.0}])
    with pytest.raises(ContentRejected, match="not in canonical JSON"):
        parse_audit_file("audit/entries.5-5.json", _bytes(document))


def test_record_files_that_are_not_strict_json_are_refused_as_json() -> None:
    # The archive reader already refuses these for every .json entry of a bundle; the
    # record parser, given them directly, says so with the JSON reader's own error.
    with pytest.raises(JsonRejected, match="repeats the JSON key 'kind'"):
        parse_record_file(NAME, ENVELOPE.to_bytes()[:-1] + b',"kind":"visit"}')
    with pytest.raises(JsonRejected, match="not valid UTF-8"):
        parse_record_file(NAME, b"\xff")
    with pytest.raises(JsonRejected, match="not valid JSON"):
        parse_record_file(NAME, b"")


# --- audit batches ------------------------------------------------------------------------

ACTOR = "Siân Evans"


def _chain(first_seq: int, count: int, prev_hash: str = GENESIS) -> list[AuditItem]:
    items = []
    for seq in range(first_seq, first_seq + count):
        fields: dict[str, Any] = {
            "seq": seq,
            "at": f"2025-03-14T09:{seq % 60:02d}:00Z",
            "actor": ACTOR,
            "action": "finalise" if seq % 2 else "amend",
            "entity": "visit",
            "entity_id": VISIT_ID,
            "revision": seq if seq % 3 else None,
            "detail": {"reason": f"change {seq}", "n": [seq, None]},
            "prev_hash": prev_hash,
        }
        digest = audit_entry_hash(**fields)
        items.append(AuditItem(**fields, hash=digest))
        prev_hash = digest
    return items


BATCH = AuditBatch(format_version=1, device_id="laptop-7", entries=_chain(5, 3))


def _batch_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(BATCH.to_bytes())
    document.update(changes)
    return document


def test_audit_batch_round_trip() -> None:
    assert BATCH.file_name == "audit/entries.5-7.json"
    data = BATCH.to_bytes()
    assert canonical_json(json.loads(data)) == data
    parsed = parse_audit_file(BATCH.file_name, data)
    assert parsed == BATCH
    assert [entry.seq for entry in parsed.entries] == [5, 6, 7]
    assert parsed.entries[1].prev_hash == parsed.entries[0].hash
    assert parsed.entries[2].prev_hash == parsed.entries[1].hash


def test_an_audit_batch_in_another_format_version_than_its_manifest_is_refused() -> None:
    assert BATCH.format_version == 1
    assert parse_audit_file(BATCH.file_name, BATCH.to_bytes(), 1) == BATCH
    with pytest.raises(ContentRejected) as caught:
        parse_audit_file(BATCH.file_name, BATCH.to_bytes(), 2)
    assert caught.value.message == (
        "'audit/entries.5-7.json' is in format version 1, but the bundle's manifest says 2."
    )


def test_one_entry_batch() -> None:
    batch = AuditBatch(format_version=1, device_id="laptop-7", entries=_chain(1, 1))
    assert batch.file_name == "audit/entries.1-1.json"
    assert parse_audit_file(batch.file_name, batch.to_bytes()) == batch


@pytest.mark.parametrize(
    ("seqs", "reason"),
    [
        ([5, 7], "audit entries must be consecutive"),
        ([6, 5], "audit entries must be consecutive"),
        ([5, 5], "audit entries must be consecutive"),
    ],
)
def test_audit_entries_must_be_consecutive(seqs: list[int], reason: str) -> None:
    entries = [
        entry.model_dump() | {"seq": seq} for entry, seq in zip(_chain(5, 2), seqs, strict=True)
    ]
    document = _batch_document(entries=entries)
    name = audit_file_name(min(seqs), max(seqs))
    with pytest.raises(ContentRejected, match=reason):
        parse_audit_file(name, _bytes(document))
    with pytest.raises(ValidationError, match=reason):
        AuditBatch.model_validate(document)


def test_a_broken_chain_is_refused() -> None:
    entries = [entry.model_dump() for entry in BATCH.entries]
    entries[2]["prev_hash"] = entries[0]["hash"]  # entry 6 left out of the chain
    with pytest.raises(ContentRejected, match="audit entry 7 does not follow entry 6"):
        parse_audit_file(BATCH.file_name, _bytes(_batch_document(entries=entries)))


def test_a_chain_from_another_start_is_still_a_batch() -> None:
    # The batch checks its own links; whether it continues the office's chain from the
    # previous bundle is the office's check, with the hash of its last entry.
    batch = AuditBatch(format_version=1, device_id="laptop-7", entries=_chain(8, 2, "a" * 64))
    assert parse_audit_file(batch.file_name, batch.to_bytes()).entries[0].prev_hash == "a" * 64


@pytest.mark.parametrize(
    "name",
    [
        "audit/entries.5-6.json",
        "audit/entries.4-7.json",
        "audit/entries.6-7.json",
        "audit/entries.5-8.json",
    ],
)
def test_an_audit_file_name_must_give_its_range(name: str) -> None:
    with pytest.raises(ContentRejected) as caught:
        parse_audit_file(name, BATCH.to_bytes())
    assert caught.value.message == f"The audit entries in {name!r} are not the ones its name says."


@pytest.mark.parametrize(
    "name",
    [
        "audit/entries.json",
        "audit/entries.0-7.json",
        "audit/entries.05-7.json",
        "audit/entries.5-7.JSON",
        "audit/entries.5.json",
        "audit/entries.5-.json",
        "records/entries.5-7.json",
        "audit/other.5-7.json",
        f"audit/entries.{'9' * 17}-{'9' * 17}.json",
        "audit/entries.5-7.json\n",
    ],
)
def test_names_that_are_not_audit_file_names_are_refused(name: str) -> None:
    with pytest.raises(ContentRejected) as caught:
        parse_audit_file(name, BATCH.to_bytes())
    assert caught.value.message == f"{name!r} is not an audit file name."


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (_batch_document(entries=[]), "entries: List should have at least 1 item"),
        (_batch_document(device_id="laptop 7"), "device_id"),
        (_batch_document(extra=1), "extra: Extra inputs are not permitted"),
        (_batch_document(format_version=3), "format_version"),
        (_batch_document(format_version=0), "format_version"),
        (
            _batch_document(entries=[BATCH.entries[0].model_dump() | {"hash": "X" * 64}]),
            "entries.0.hash",
        ),
        (
            _batch_document(entries=[BATCH.entries[0].model_dump() | {"seq": "5"}]),
            "entries.0.seq: Input should be a valid integer",
        ),
        (
            _batch_document(entries=[BATCH.entries[0].model_dump() | {"extra": 1}]),
            "entries.0.extra: Extra inputs are not permitted",
        ),
        (
            _batch_document(
                entries=[{k: v for k, v in BATCH.entries[0].model_dump().items() if k != "detail"}]
            ),
            "entries.0.detail: Field required",
        ),
    ],
)
def test_invalid_audit_batches_are_refused(document: dict[str, Any], reason: str) -> None:
    name = "audit/entries.5-5.json"
    with pytest.raises(ContentRejected) as caught:
        parse_audit_file(name, _bytes(document))
    assert caught.value.message.startswith(f"{name!r} is not valid: ")
    assert reason in caught.value.message


# --- the audit hash rule ------------------------------------------------------------------

# Known answers: the documented text, hashed with coreutils (printf %s TEXT | sha256sum).
KNOWN_FIRST = (
    '[1,"2025-03-14T09:26:53Z","Siân Evans","finalise","visit","v1",1,'
    '{"a":[1,null],"z":"“no”"},'
    '"0000000000000000000000000000000000000000000000000000000000000000"]'
)
KNOWN_FIRST_HASH = "3a3655a566e061bb4ca2a663f0b5b5143344c7c370625e557968fb244538d0e5"
KNOWN_SECOND = (
    '[2,"2025-03-14T09:27:00Z","Siân Evans","export","bundle","b1",null,{},'
    '"3a3655a566e061bb4ca2a663f0b5b5143344c7c370625e557968fb244538d0e5"]'
)
KNOWN_SECOND_HASH = "710abffaa0b01d404aca6fbc1623b4c8a3d847382017ada64f12601b8abf933d"


def test_audit_hash_known_answers() -> None:
    assert hashlib.sha256(KNOWN_FIRST.encode("utf-8")).hexdigest() == KNOWN_FIRST_HASH
    assert hashlib.sha256(KNOWN_SECOND.encode("utf-8")).hexdigest() == KNOWN_SECOND_HASH
    first = audit_entry_hash(
        1,
        "2025-03-14T09:26:53Z",
        "Siân Evans",
        "finalise",
        "visit",
        "v1",
        1,
        {"z": "“no”", "a": [1, None]},  # keys out of order: the rule sorts them
        GENESIS,
    )
    assert first == KNOWN_FIRST_HASH
    second = audit_entry_hash(
        2, "2025-03-14T09:27:00Z", "Siân Evans", "export", "bundle", "b1", None, {}, first
    )
    assert second == KNOWN_SECOND_HASH


def test_the_store_uses_the_published_rule() -> None:
    arguments = (
        1,
        "2025-03-14T09:26:53Z",
        "Siân Evans",
        "finalise",
        "visit",
        "v1",
        1,
        {"z": "“no”", "a": [1, None]},
        GENESIS,
    )
    assert audit.entry_hash(*arguments) == audit_entry_hash(*arguments) == KNOWN_FIRST_HASH


def test_the_stores_own_entries_make_a_valid_batch(workspace: Workspace) -> None:
    person = builders.person()
    concern = builders.concern(person)
    workspace.people.add(person)
    workspace.concerns.add(concern)
    visit = builders.complete_visit(concern)
    workspace.visits.start(visit)
    workspace.visits.finalise(visit.id)
    entries = audit.entries(workspace.db)
    # person, concern, visit created; visit finalised; its action kept; the concern moved on
    assert len(entries) == 6
    for entry in entries:
        fields = dataclasses.asdict(entry)
        stored = fields.pop("hash")
        assert audit_entry_hash(**fields) == stored
        assert stored == _documented_hash(**fields)
    batch = AuditBatch(
        format_version=1,
        device_id="laptop-7",
        entries=[AuditItem(**dataclasses.asdict(entry)) for entry in entries],
    )
    assert batch.entries[0].prev_hash == GENESIS
    assert parse_audit_file(batch.file_name, batch.to_bytes()) == batch


def _documented_hash(  # the docstring's rule, written out again
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    revision: int | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    text = json.dumps(
        [seq, at, actor, action, entity, entity_id, revision, detail, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 2},
        {"at": "2025-03-14T09:26:54Z"},
        {"actor": "Sian Evans"},
        {"action": "amend"},
        {"entity": "person"},
        {"entity_id": "v2"},
        {"revision": 2},
        {"revision": None},
        {"detail": {"z": "“no”", "a": [1]}},
        {"detail": {"z": "“no”", "a": [1, None], "b": 0}},
        {"prev_hash": "1" + "0" * 63},
    ],
)
def test_every_field_is_in_the_audit_hash(change: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "seq": 1,
        "at": "2025-03-14T09:26:53Z",
        "actor": "Siân Evans",
        "action": "finalise",
        "entity": "visit",
        "entity_id": "v1",
        "revision": 1,
        "detail": {"z": "“no”", "a": [1, None]},
        "prev_hash": GENESIS,
    }
    assert audit_entry_hash(**fields) == KNOWN_FIRST_HASH
    assert audit_entry_hash(**(fields | change)) != KNOWN_FIRST_HASH


# --- properties and fuzzing ---------------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
record_ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,63}", fullmatch=True)
records = st.builds(
    lambda rest, record_id: {**rest, "id": record_id},
    st.dictionaries(TEXT, json_values, max_size=5),
    record_ids,
)
envelopes = st.builds(
    RecordEnvelope.wrap,
    st.sampled_from(["person", "concern", "visit"]),
    st.integers(1, 999_999_999),  # the revision's digits in the file name: at most nine
    records,
    saved_at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)
    ).map(format_time),
    saved_by=st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=200),
    reason=st.none() | st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=2000),
)


def _depth(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


@settings(deadline=None)
@given(envelopes)
def test_any_envelope_round_trips(envelope: RecordEnvelope) -> None:
    data = envelope.to_bytes()
    if _depth(json.loads(data)) > 32:
        with pytest.raises(JsonRejected, match="nested too deeply"):
            parse_record_file(envelope.file_name, data)
        return
    parsed = parse_record_file(envelope.file_name, data)
    assert parsed == envelope
    assert parsed.to_bytes() == data
    assert parsed.record_sha256 == _sha256(canonical_json(envelope.record))


# Anything JSON can say, including floats and lone surrogates (as \ud800 escapes).
any_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def altered_envelopes(draw: st.DrawFn) -> bytes:
    """The envelope's JSON with a few fields replaced, added or removed (still valid JSON)."""
    document = _document()
    for _ in range(draw(st.integers(1, 3))):
        field = draw(st.sampled_from([*document, "record.id", "record.new", "extra"]))
        if field.startswith("record.") and isinstance(document.get("record"), dict):
            document["record"][field[7:]] = draw(any_json)
        elif draw(st.booleans()) and field in document:
            del document[field]
        else:
            document[field] = draw(any_json)
    try:
        return canonical_json(document)  # reaches the envelope checks
    except ValueError:  # fractions or huge integers: not canonical JSON at all
        return json.dumps(document, ensure_ascii=True).encode()


@FUZZ
@given(altered_envelopes())
def test_valid_json_that_is_not_a_valid_envelope_is_only_ever_content_rejected(data: bytes) -> None:
    # Past the JSON reader, the only failure is ContentRejected: never a ValueError,
    # KeyError or TypeError out of a validator or the hash of an odd record.
    if _depth(json.loads(data)) > 32:
        with pytest.raises(JsonRejected, match="nested too deeply"):
            parse_record_file(NAME, data)
        return
    with contextlib.suppress(ContentRejected):
        parse_record_file(NAME, data)


record_names = (
    st.builds(
        record_file_name,
        st.sampled_from(["person", "concern", "visit", "note"]),
        record_ids | st.text(max_size=70),
        st.integers(-5, 10**12),
    )
    | st.just(NAME)
    | st.text(max_size=120)
)
record_contents = (
    st.binary(max_size=1024)
    | mutated(ENVELOPE.to_bytes())
    | json_values.map(canonical_json)
    | altered_envelopes()
)


@FUZZ
@given(record_names, record_contents)
def test_record_parser_only_ever_raises_typed_rejections(name: str, content: bytes) -> None:
    with contextlib.suppress(BundleRejected):
        parse_record_file(name, content)


audit_names = (
    st.builds(audit_file_name, st.integers(-5, 10**17), st.integers(-5, 10**17))
    | st.just(BATCH.file_name)
    | st.text(max_size=60)
)


@FUZZ
@given(audit_names, st.binary(max_size=1024) | mutated(BATCH.to_bytes()))
def test_audit_parser_only_ever_raises_typed_rejections(name: str, content: bytes) -> None:
    with contextlib.suppress(BundleRejected):
        parse_audit_file(name, content)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"actor": "Test\u0000Worker"}, r"U\+0000", id="nul in a field"),
        pytest.param({"detail": {"reason": "a\u0000b"}}, r"U\+0000", id="nul in the detail"),
        pytest.param({"revision": 2**53}, "not in canonical JSON", id="revision out of range"),
        pytest.param({"revision": -1}, "entries.0.revision", id="negative revision"),
    ],
)
def test_audit_entries_no_database_could_store_the_same_way_are_refused(
    change: dict[str, Any], reason: str
) -> None:
    document = _batch_document(entries=[BATCH.entries[0].model_dump() | change])
    with pytest.raises(ContentRejected, match=reason):
        parse_audit_file("audit/entries.5-5.json", _bytes(document))
