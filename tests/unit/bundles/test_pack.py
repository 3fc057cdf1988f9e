"""Office packs (issue 17, item 2; docs/bundle-format.md §9): sealed to the device's pack
key, signed by the office key; every hostile pack is refused in one sentence."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from msp_desktop.bundles import AgeIdentity, KeyPair, canonical_json
from msp_desktop.bundles.age import decrypt, encrypt
from msp_desktop.bundles.archive import read_archive
from msp_desktop.bundles.errors import (
    BundleRejected,
    ContentRejected,
    DecryptionRejected,
    ManifestRejected,
    SignatureRejected,
)
from msp_desktop.bundles.pack import (
    Change,
    PackChanges,
    PackManifest,
    SealedPack,
    open_pack,
    write_pack,
)
from msp_desktop.bundles.records import RecordEnvelope
from tests.office_helpers import caseload, envelope
from tests.unit.bundles.hostile import archive, entry

OFFICE = KeyPair.generate()
DEVICE = AgeIdentity.generate()
CREATED = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CASE = caseload()
PERSON = envelope("person", CASE.person)
CONCERN = envelope("concern", CASE.concern)


def _changes() -> list[Change]:
    return [
        Change(change="allocate", kind="person", id=CASE.person.id, revision=1),
        Change(change="allocate", kind="concern", id=CASE.concern.id, revision=1),
        Change(change="remove", kind="person", id="someone-else"),
    ]


def _seal(
    changes: list[Change] | None = None,
    records: list[RecordEnvelope] | None = None,
    *,
    sequence: int = 1,
    previous: str | None = None,
    key: KeyPair = OFFICE,
    device_id: str = "laptop-7",
) -> SealedPack:
    return write_pack(
        changes if changes is not None else _changes(),
        records if records is not None else [PERSON, CONCERN],
        office_id="north-council",
        device_id=device_id,
        sequence=sequence,
        previous_pack_sha256=previous,
        office_key=key,
        recipient=DEVICE.recipient,
        created=CREATED,
    )


def _open(data: bytes, device_id: str = "laptop-7") -> object:
    return open_pack(data, identity=DEVICE, office_key=OFFICE.public_key, device_id=device_id)


def test_a_pack_opens_on_its_device_with_its_changes_in_order() -> None:
    sealed = _seal()
    verified = open_pack(
        sealed.data, identity=DEVICE, office_key=OFFICE.public_key, device_id="laptop-7"
    )
    assert verified.sha256 == sealed.sha256
    assert [(c.change, c.kind, c.id) for c in verified.changes] == [
        ("allocate", "person", CASE.person.id),
        ("allocate", "concern", CASE.concern.id),
        ("remove", "person", "someone-else"),
    ]
    assert verified.records[("person", CASE.person.id, 1)] == PERSON
    assert verified.manifest.trusted_comment() == (
        f"msp-pack:1 pack:{sealed.manifest.pack_id} device:laptop-7 sequence:1"
    )
    assert sealed.file_name == f"laptop-7-pack-000001-{sealed.manifest.pack_id}.msppack"
    # What does not apply to a change is left out of changes.json, never null.
    inner = read_archive(decrypt(sealed.data, DEVICE))
    changes = json.loads(inner["changes.json"])
    assert changes["changes"][2] == {"change": "remove", "id": "someone-else", "kind": "person"}
    second = _seal(sequence=2, previous=sealed.sha256)
    assert _open(second.data) is not None


def test_the_office_never_writes_what_a_device_refuses() -> None:
    with pytest.raises(ContentRejected, match="names a record the office pack does not hold"):
        _seal(records=[PERSON])
    with pytest.raises(ContentRejected, match="which no change names"):
        _seal(changes=_changes()[:1])
    with pytest.raises(ValidationError, match="only the first pack"):
        _seal(sequence=2)
    with pytest.raises(ValidationError, match="a correct change says why"):
        Change(change="correct", kind="person", id="p-1", revision=2)
    with pytest.raises(ValidationError, match="a remove change names a person"):
        Change(change="remove", kind="visit", id="v-1")
    with pytest.raises(ValidationError, match="keep belongs to a decision"):
        Change(change="decision", kind="person", id="p-1", reason="agreed")


Case = Callable[[SealedPack], bytes]


def _inner(
    sealed: SealedPack,
    *,
    manifest: dict[str, object] | None = None,
    manifest_bytes: bytes | None = None,
    key: KeyPair = OFFICE,
    files: dict[str, bytes] | None = None,
    comment: str | None = None,
) -> bytes:
    """The pack rebuilt with any manifest, signer or files, sealed to the device."""
    entries = read_archive(decrypt(sealed.data, DEVICE))
    original = {n: c for n, c in entries.items() if not n.startswith("manifest.json")}
    value = {**sealed.manifest.model_dump(mode="json"), **(manifest or {})}
    data = manifest_bytes if manifest_bytes is not None else canonical_json(value)
    signature = key.sign(data, comment or sealed.manifest.trusted_comment()).encode()
    parts = [entry("manifest.json", data), entry("manifest.json.minisig", signature)]
    parts += [entry(n, c) for n, c in (files if files is not None else original).items()]
    return encrypt(archive(*parts), [DEVICE.recipient])


def _listed(files: dict[str, bytes]) -> list[dict[str, object]]:
    import hashlib

    return [
        {"name": n, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()}
        for n, c in sorted(files.items())
    ]


def _with_changes(changes: dict[str, object]) -> Case:
    """The pack with another changes.json, listed and signed properly."""

    def build(sealed: SealedPack) -> bytes:
        entries = read_archive(decrypt(sealed.data, DEVICE))
        files = {n: c for n, c in entries.items() if not n.startswith("manifest.json")}
        files["changes.json"] = canonical_json(changes)
        return _inner(sealed, manifest={"files": _listed(files)}, files=files)

    return build


def _other_key(sealed: SealedPack) -> bytes:
    return encrypt(decrypt(sealed.data, DEVICE), [AgeIdentity.generate().recipient])


def _other_device(sealed: SealedPack) -> bytes:
    comment = sealed.manifest.trusted_comment().replace("laptop-7", "laptop-8")
    return _inner(sealed, manifest={"device_id": "laptop-8"}, comment=comment)


def _spaced_manifest(sealed: SealedPack) -> bytes:
    data = canonical_json(sealed.manifest.model_dump(mode="json"))
    return _inner(sealed, manifest_bytes=data.replace(b'{"created"', b'{ "created"'))


def _extra_file(sealed: SealedPack) -> bytes:
    return _inner(sealed, files={**_files_of(sealed), "records/person.x.r1.json": b"{}"})


def _missing_file(sealed: SealedPack) -> bytes:
    return _inner(sealed, files={k: v for k, v in _files_of(sealed).items() if "concern" not in k})


def _changed_record(sealed: SealedPack) -> bytes:
    files = {
        k: v.replace(b"Ada", b"Eve") if "person" in k else v for k, v in _files_of(sealed).items()
    }
    return _inner(sealed, files=files)


_ALLOCATE = {"change": "allocate", "kind": "person", "id": CASE.person.id, "revision": 1}
_CONCERN = {"change": "allocate", "kind": "concern", "id": CASE.concern.id, "revision": 1}
_ELSEWHERE = {**_ALLOCATE, "id": "not-in-the-pack"}
_NULL = {"change": "remove", "kind": "person", "id": "p", "reason": None}
_UNKNOWN = {"change": "delete", "kind": "person", "id": "p"}

CORPUS: list[tuple[str, Case, type[BundleRejected], str]] = [
    ("sealed to another key", _other_key, DecryptionRejected,
     "not sealed to this device's pack key: it is for another device"),
    ("signed by a stranger", lambda s: _inner(s, key=KeyPair.generate()), SignatureRejected,
     "not by the office key"),
    ("for another device", _other_device, ManifestRejected,
     "is for device laptop-8, not this device"),
    ("trusted comment of another pack",
     lambda s: _inner(s, comment="msp-pack:1 pack:x device:laptop-7 sequence:9"),
     ManifestRejected, "trusted comment does not match"),
    ("manifest not canonical", _spaced_manifest, ManifestRejected, "not in canonical JSON"),
    ("manifest with an extra field", lambda s: _inner(s, manifest={"note": "hi"}),
     ManifestRejected, "not valid"),
    ("sealed for another key of the device",
     lambda s: _inner(s, manifest={"recipient_key_id": "0" * 16}),
     ManifestRejected, "sealed for another key"),
    ("a file not listed", _extra_file, ContentRejected, "does not list"),
    ("a listed file missing", _missing_file, ContentRejected, "lacks"),
    ("a record changed", _changed_record, ContentRejected, "does not match"),
    ("a change naming a record not there",
     _with_changes({"format_version": 1, "changes": [_ALLOCATE, _CONCERN, _ELSEWHERE]}),
     ContentRejected, "does not hold"),
    ("a record no change names", _with_changes({"format_version": 1, "changes": [_ALLOCATE]}),
     ContentRejected, "which no change names"),
    ("a null where a field is left out",
     _with_changes({"format_version": 1, "changes": [_ALLOCATE, _CONCERN, _NULL]}),
     ContentRejected, "never null"),
    ("an unknown change",
     _with_changes({"format_version": 1, "changes": [_ALLOCATE, _CONCERN, _UNKNOWN]}),
     ContentRejected, "changes are not valid"),
    ("a later pack format", _with_changes({"format_version": 2, "changes": [_ALLOCATE, _CONCERN]}),
     ContentRejected, "changes are not valid"),
]  # fmt: skip


def _files_of(sealed: SealedPack) -> dict[str, bytes]:
    entries = read_archive(decrypt(sealed.data, DEVICE))
    return {n: c for n, c in entries.items() if not n.startswith("manifest.json")}


@pytest.mark.parametrize(
    ("build", "error", "reason"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_hostile_packs_are_refused_in_one_sentence(
    build: Case, error: type[BundleRejected], reason: str
) -> None:
    data = build(_seal())
    with pytest.raises(error, match=reason) as caught:
        _open(data)
    assert caught.value.message.endswith(".")
    assert "\n" not in caught.value.message


def test_a_pack_is_only_for_the_device_it_names() -> None:
    with pytest.raises(
        ManifestRejected, match="is for device laptop-7, not this device \\(laptop-8\\)"
    ):
        _open(_seal().data, device_id="laptop-8")


def test_the_manifest_and_changes_models_refuse_what_the_format_does() -> None:
    manifest = _seal().manifest.model_dump(mode="json")
    with pytest.raises(ValidationError, match=r"changes\.json"):
        PackManifest.model_validate({**manifest, "files": [manifest["files"][1]]})
    with pytest.raises(ValidationError):
        PackChanges.model_validate({"format_version": 1, "changes": []})
