"""The hostile corpus through the office (S19/S20): refused, said plainly, database untouched.

Every case of ``tests/unit/bundles/test_bundle.py``'s corpus (built with
``tests/unit/bundles/hostile.py``) is run through the importer, for its typed error,
and through ``msp-office import``, for the exit code, the one-line message and an
office database that is byte for byte what it was. Then the cases only the office
can catch: bundles that open and verify but carry records or audit entries it must
not import.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from msp_desktop.bundles import (
    FORMAT_VERSION,
    ArchiveRejected,
    BundleRejected,
    ContentRejected,
    KeyPair,
    SealedBundle,
)
from msp_desktop.bundles.records import AuditBatch, RecordEnvelope
from msp_desktop.office.errors import BundleQuarantined, DeviceMismatch
from tests.office_helpers import FakeDevice, caseload
from tests.unit.bundles import hostile
from tests.unit.bundles.conftest import seal
from tests.unit.bundles.test_bundle import CORPUS, Case
from tests.unit.office.conftest import Office


@pytest.fixture
def device_key(office: Office) -> KeyPair:
    """The corpus's device key, enrolled as laptop-7 (the corpus's device id)."""
    key = KeyPair.generate()
    office.enrol(FakeDevice(device_id="laptop-7", key=key))
    return key


def _refused_through_the_command_line(
    office: Office, data: bytes, reason: str, capsys: pytest.CaptureFixture[str]
) -> str:
    path = office.layout.root.parent / "hostile.mspbundle"
    path.write_bytes(data)
    receipts = office.layout.root.parent / "receipts"
    before_db, before_files = office.db_hash(), office.files()
    capsys.readouterr()

    assert office.run("import", str(path), "--receipts", str(receipts)) == 13

    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"msp-office: {path}: ")
    assert "Traceback" not in captured.err
    assert line.endswith(".")
    assert reason in line or reason == "."
    assert office.db_hash() == before_db
    assert not receipts.exists() or not any(receipts.iterdir())
    new_files = office.files() - before_files
    assert not any("journal" in f or "wal" in f for f in office.files())
    return line if not new_files else line + " " + " ".join(sorted(new_files))


@pytest.mark.parametrize(
    ("build", "error", "reason"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_the_corpus_is_refused_and_the_database_unchanged(
    build: Case,
    error: type[BundleRejected],
    reason: str,
    office: Office,
    device_key: KeyPair,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sealed = seal(device_key, office.keys.inbox)
    data = build(device_key, office.keys.inbox, sealed)
    unknown_key = reason == "not enrolled"
    before = office.db_hash()

    with pytest.raises(BundleQuarantined if unknown_key else error, match=reason):
        office.importer().check(data)
    assert office.db_hash() == before

    line = _refused_through_the_command_line(office, data, reason.rstrip("."), capsys)
    assert ("kept in quarantine" in line) == unknown_key


def _sealed(device: FakeDevice, office: Office, files: dict[str, bytes]) -> SealedBundle:
    return device.bundle(office.inbox, files=files, audit=0)


def _person_envelope(record: dict[str, object], revision: int = 1) -> RecordEnvelope:
    return RecordEnvelope.wrap(
        "person", revision, record, saved_at="2026-11-20T10:00:00Z", saved_by="Test Worker"
    )


OFFICE_CASES: list[tuple[str, str]] = [
    ("placeholder files", "is not an audit file name"),
    ("record that is not a valid person", "is not a valid person: name"),
    ("record file holding another revision", "is not the one its name says"),
    ("record envelope hash mismatch", "record_sha256 is not the hash of the record"),
    ("audit entries of another device", "are from device 'laptop-9', not 'laptop-7'"),
    ("audit entries not chained", "does not follow entry"),
]


def _office_case(name: str, device: FakeDevice, key: KeyPair) -> dict[str, bytes]:
    person = caseload().person.model_dump(mode="json")
    if name == "placeholder files":
        return {"audit/entries.json": b"{}", "records/visit.v1.r1.json": b"{}"}
    if name == "record that is not a valid person":
        bad = _person_envelope({"id": "p-1", "name": ""})
        return {bad.file_name: bad.to_bytes()}
    if name == "record file holding another revision":
        return {"records/person.x.r2.json": _person_envelope({**person, "id": "x"}).to_bytes()}
    if name == "record envelope hash mismatch":
        good = _person_envelope(person)
        value = good.model_dump(mode="json")
        value["record"]["name"] = "Somebody Else"
        from msp_desktop.bundles import canonical_json

        return {good.file_name: canonical_json(value)}
    entries = device.audit_entries(2)
    if name == "audit entries of another device":
        batch = AuditBatch(format_version=FORMAT_VERSION, device_id="laptop-9", entries=entries)
    else:
        broken = [entries[0], entries[1].model_copy(update={"prev_hash": "f" * 64})]
        batch = AuditBatch.model_construct(
            format_version=FORMAT_VERSION, device_id="laptop-7", entries=broken
        )
        from msp_desktop.bundles import canonical_json

        return {batch.file_name: canonical_json(batch.model_dump(mode="json"))}
    return {batch.file_name: batch.to_bytes()}


@pytest.mark.parametrize(("name", "reason"), OFFICE_CASES, ids=[c[0] for c in OFFICE_CASES])
def test_verified_bundles_with_bad_contents_are_refused(
    name: str,
    reason: str,
    office: Office,
    device: FakeDevice,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _sealed(device, office, _office_case(name, device, device.key)).data
    with pytest.raises(ContentRejected, match=reason.replace("(", r"\(")):
        office.importer().check(data)
    _refused_through_the_command_line(office, data, reason, capsys)


def test_a_key_signing_for_another_device_is_refused_and_alerted(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    other = FakeDevice(device_id="laptop-9")
    office.enrol(other)
    impostor = FakeDevice(device_id="laptop-9", key=device.key)  # laptop-7's key, laptop-9's id
    data = impostor.bundle(office.inbox, caseload().envelopes()).data
    with pytest.raises(DeviceMismatch, match="enrolled for device laptop-7"):
        office.importer().check(data)
    assert not office.layout.alerts.exists()  # checking alone writes nothing
    line = _refused_through_the_command_line(office, data, "ALERT: The bundle says", capsys)
    assert "alerts.log" in line  # the one new file in the office folder
    assert '"kind": "device-mismatch"' in office.layout.alerts.read_text()


def test_a_missing_bundle_file_is_one_line_and_the_others_still_import(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = office.write(device.bundle(office.inbox, caseload().envelopes()), "good.mspbundle")
    missing = tmp_path / "missing.mspbundle"
    assert office.run("import", str(missing), str(good)) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"msp-office: {missing}: There is no file {missing}.")
    assert f"{good}: imported: device laptop-7 sequence 1, 3 records, 2 audit entries" in (
        captured.out
    )


def _oversized_entry() -> bytes:
    # The header claims 17 MiB; the cap is read from the header, before any content.
    return hostile.archive(
        hostile.entry("records/x.json", b"", size_field=f"{17 * 1024 * 1024:011o}\x00".encode())
    )


def _entry_bomb() -> bytes:
    # No compression anywhere, so the "bomb" is a flood of entries past the count cap.
    return hostile.archive(*(hostile.entry(f"records/{i}.json", b"") for i in range(20_001)))


@pytest.mark.parametrize(
    ("build", "reason"),
    [
        pytest.param(_oversized_entry, "is larger than allowed", id="oversized entry"),
        pytest.param(_entry_bomb, "holds too many files", id="entry bomb"),
    ],
)
def test_oversized_and_flooding_archives_are_refused_at_the_default_limits(
    build: Callable[[], bytes],
    reason: str,
    office: Office,
    device_key: KeyPair,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = hostile.seal_inner(build(), office.keys.inbox)
    before = office.db_hash()
    with pytest.raises(ArchiveRejected, match=reason):
        office.importer().check(data)
    assert office.db_hash() == before
    _refused_through_the_command_line(office, data, reason, capsys)
