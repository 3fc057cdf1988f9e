"""Make the worked example of ``docs/bundle-format.md``: keys, one bundle and its receipt.

Run from the repository root::

    .venv/bin/python docs/samples/make_bundle_example.py OUTDIR

OUTDIR gets the office's inbox identity ``inbox.key`` and public key ``office.pub``,
the device's public key ``device.pub``, the bundle (format version 2)
``laptop-7-000001-0b6f3c1e-8a55-4f1c-9d5e-2f8a7c3b1d42.mspbundle`` and the office's
receipt for it, ``receipt.json``. The records are fictional (Ada Example, seen by
the worker Siân Evans: her details, the concern, the first visit, the action agreed
at it and a phone call the day after) and fixed, as are the bundle id and times, so
the record files and the manifest's file list are the same on every run; the keys
are fresh each run, so the key ids, signatures and the bundle hash are not.

Everything is made by the reference code exactly as the device and the office make
it (``RecordEnvelope.wrap``, ``AuditBatch``, ``write_bundle``, ``make_receipt``), and
then read back from OUTDIR with the reference reader (``open_bundle``,
``parse_record_file``, ``parse_audit_file``, ``verify_receipt``): the script fails
if the example would not be accepted, so the document cannot drift from the code.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from msp_desktop.bundles import (
    FORMAT_VERSION,
    AgeIdentity,
    KeyPair,
    PublicKey,
    make_receipt,
    open_bundle,
    verify_receipt,
    write_bundle,
)
from msp_desktop.bundles.records import (
    AuditBatch,
    AuditItem,
    RecordEnvelope,
    RecordKind,
    audit_entry_hash,
    parse_audit_file,
    parse_record_file,
)
from msp_desktop.model import (
    Action,
    ActionChange,
    ActionOwner,
    ActionStatus,
    AgreedAction,
    Concern,
    ConsentDecision,
    ConsentToShare,
    ContactKind,
    ContactNote,
    DesiredOutcome,
    Note,
    Person,
    RecordModel,
    RiskType,
    SG4aAsked,
    Stage,
    UndueInfluence,
    Visit,
)
from msp_desktop.practice import finalise_blockers

DEVICE_ID = "laptop-7"
WORKER = "Siân Evans"
BUNDLE_ID = "0b6f3c1e-8a55-4f1c-9d5e-2f8a7c3b1d42"
CREATED = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
RECEIVED = datetime(2025, 3, 15, 8, 0, 0, tzinfo=UTC)
GENESIS = "0" * 64

# Fixed ids (random UUIDs once) so the record files are the same on every run.
PERSON_ID = "3c9e7a52-1d84-4b6f-a0e3-5f2b8c71d946"
CONCERN_ID = "a41f6b08-92c5-4e3d-b7a1-0c8d2e5f7193"
VISIT_ID = "6f1d2c3a-0b4e-4c5d-9e8f-1a2b3c4d5e6f"
OUTCOME_ID = "8e2b4d6f-1a3c-4e5b-9d7f-2c4e6a8b0d13"
ACTION_ID = "d5c7e9a1-3b5d-4f7a-8c9e-1b3d5f7a9c24"
CONTACT_ID = "b7d9f1a3-5c7e-4a9b-8d1f-3a5c7e9b1d35"

# When each change happened on the device (the store's time text, with microseconds).
PERSON_AT = "2025-03-12T10:02:11.482913Z"
CONCERN_AT = "2025-03-12T10:04:37.105526Z"
VISIT_AT = "2025-03-12T10:31:02.318840Z"
FINALISED_AT = "2025-03-12T11:15:40.730284Z"
CONTACT_AT = "2025-03-13T14:20:09.906177Z"


def records() -> tuple[Person, Concern, Visit, AgreedAction, ContactNote]:
    """Fictional records: one person, one open concern, its finalised first visit, the
    action agreed at it and a phone call the day after, as the device keeps them."""
    person = Person(id=PERSON_ID, name="Ada Example")
    raised = Concern(
        id=CONCERN_ID,
        person_id=person.id,
        raised_on=date(2025, 3, 3),
        risk_types=[RiskType.FINANCIAL_OR_MATERIAL],
        stage=Stage.BEGINNING,
    )
    outcome = DesiredOutcome(id=OUTCOME_ID, words=Note(text="I want to feel safe at home."))
    action = Action(
        id=ACTION_ID,
        what=Note(text="Ask the bank about a second signatory."),
        owner=ActionOwner.WORKER,
        by_when=date(2025, 3, 26),
        outcome_ids=[outcome.id],
    )
    visit = Visit(
        id=VISIT_ID,
        concern_id=raised.id,
        person_id=person.id,
        visit_date=date(2025, 3, 12),
        stage=Stage.BEGINNING,
        consent_to_record=True,
        consent_to_share=ConsentToShare(decision=ConsentDecision.YES),
        could_speak_privately=True,
        sg4a_asked=SG4aAsked.EXPRESSED,
        desired_outcomes=[outcome],
        undue_influence=UndueInfluence(person_declined_help=False),
        actions=[action],
    )
    blockers = finalise_blockers(visit, raised.stage, concern=raised, today=date(2025, 3, 12))
    if blockers:
        raise SystemExit(f"The example visit could not be finalised: {blockers}")
    # Finalising the first visit keeps its action as a record of its own and moves the
    # concern on to the middle stage (msp_desktop.store.visits.finalise).
    agreed = AgreedAction(
        id=ACTION_ID,
        person_id=person.id,
        concern_id=raised.id,
        what=action.what,
        owner=action.owner,
        by_when=action.by_when,
        outcome_ids=list(action.outcome_ids),
        status=ActionStatus.OPEN,
        agreed_on=visit.visit_date,
        agreed_in_visit=visit.id,
        history=[ActionChange(on=date(2025, 3, 12), status=ActionStatus.OPEN, visit_id=visit.id)],
    )
    call = ContactNote(
        id=CONTACT_ID,
        person_id=person.id,
        concern_id=raised.id,
        on=date(2025, 3, 13),
        kind=ContactKind.PHONE,
        text=Note.internal("Rang the bank's safeguarding team: they will call her on Tuesday."),
    )
    return person, raised.revised(stage=Stage.MIDDLE), visit, agreed, call


def audit_items(visit: Visit) -> list[AuditItem]:
    """The device's first audit entries, chained from 64 zeros as the store chains them."""
    # The store hashes the finalised revision's stored text (``model_dump_json``).
    content_sha256 = hashlib.sha256(visit.model_dump_json().encode("utf-8")).hexdigest()
    stage = {"because": "visit_finalised", "from_stage": "beginning", "stage": "middle"}
    changes: list[tuple[str, str, str, str, int | None, dict[str, Any]]] = [
        (PERSON_AT, "create", "person", PERSON_ID, None, {}),
        (CONCERN_AT, "create", "concern", CONCERN_ID, None, {"stage": "beginning"}),
        (VISIT_AT, "create", "visit", VISIT_ID, 1, {}),
        (FINALISED_AT, "finalise", "visit", VISIT_ID, 1, {"content_sha256": content_sha256}),
        (FINALISED_AT, "create", "action", ACTION_ID, None,
         {"status": "open", "visit_id": VISIT_ID}),
        (FINALISED_AT, "stage", "concern", CONCERN_ID, None, {**stage, "status": "open"}),
        (CONTACT_AT, "create", "contact", CONTACT_ID, None, {"kind": "phone"}),
    ]  # fmt: skip
    items: list[AuditItem] = []
    prev_hash = GENESIS
    for seq, (at, action, entity, entity_id, revision, detail) in enumerate(changes, start=1):
        digest = audit_entry_hash(
            seq, at, WORKER, action, entity, entity_id, revision, detail, prev_hash
        )
        items.append(
            AuditItem(
                seq=seq,
                at=at,
                actor=WORKER,
                action=action,
                entity=entity,
                entity_id=entity_id,
                revision=revision,
                detail=detail,
                prev_hash=prev_hash,
                hash=digest,
            )
        )
        prev_hash = digest
    return items


def bundle_files() -> dict[str, bytes]:
    """The bundle's files (name -> canonical JSON), as the device's export makes them."""
    person, concern, visit, action, contact = records()
    snapshots: list[tuple[RecordKind, RecordModel, str]] = [
        ("person", person, PERSON_AT),
        ("concern", concern, FINALISED_AT),  # last changed when the visit moved it on
        ("visit", visit, FINALISED_AT),
        ("action", action, FINALISED_AT),
        ("contact", contact, CONTACT_AT),
    ]
    # The envelope's saved_at is the store's time to the second.
    envelopes = [
        RecordEnvelope.wrap(
            kind, 1, record.model_dump(mode="json"), saved_at=at[:19] + "Z", saved_by=WORKER
        )
        for kind, record, at in snapshots
    ]
    files = {envelope.file_name: envelope.to_bytes() for envelope in envelopes}
    batch = AuditBatch(
        format_version=FORMAT_VERSION, device_id=DEVICE_ID, entries=audit_items(visit)
    )
    files[batch.file_name] = batch.to_bytes()
    return files


def make(out: Path) -> Path:
    """Write the example into ``out``; returns the bundle's path."""
    out.mkdir(parents=True, exist_ok=True)
    inbox = AgeIdentity.generate()
    office_key = KeyPair.generate()
    device_key = KeyPair.generate()

    key_file = out / "inbox.key"
    key_file.touch(mode=0o600)
    key_file.chmod(0o600)
    key_file.write_text(inbox.to_text(), encoding="ascii")
    (out / "office.pub").write_text(office_key.public_key.to_text(), encoding="ascii")
    (out / "device.pub").write_text(device_key.public_key.to_text(), encoding="ascii")

    sealed = write_bundle(
        bundle_files(),
        device_id=DEVICE_ID,
        worker=WORKER,
        sequence=1,
        previous_bundle_sha256=None,
        signing_key=device_key,
        recipient=inbox.recipient,
        bundle_id=BUNDLE_ID,
        created=CREATED,
    )
    bundle = out / f"{DEVICE_ID}-{sealed.manifest.sequence:06d}-{BUNDLE_ID}.mspbundle"
    bundle.write_bytes(sealed.data)
    receipt = make_receipt(
        bundle_sha256=sealed.sha256,
        manifest=sealed.manifest,
        office_key=office_key,
        received=RECEIVED,
    )
    (out / "receipt.json").write_bytes(receipt)
    return bundle


def check(out: Path, bundle: Path) -> None:
    """Read the example back from disk with the reference reader; raise if anything is off."""
    inbox = AgeIdentity.from_text((out / "inbox.key").read_text(encoding="ascii"))
    device = PublicKey.from_text((out / "device.pub").read_text(encoding="ascii"))
    office = PublicKey.from_text((out / "office.pub").read_text(encoding="ascii"))
    data = bundle.read_bytes()
    verified = open_bundle(data, identity=inbox, trusted_keys={device.key_id: device})
    manifest = verified.manifest
    expected = (2, BUNDLE_ID, DEVICE_ID, WORKER, 1, None, "2025-03-14T09:26:53Z")
    actual = (
        manifest.format_version,
        manifest.bundle_id,
        manifest.device_id,
        manifest.worker,
        manifest.sequence,
        manifest.previous_bundle_sha256,
        manifest.created,
    )
    if actual != expected:
        raise AssertionError(f"unexpected manifest: {actual}")
    models: dict[str, type[RecordModel]] = {
        "person": Person,
        "concern": Concern,
        "visit": Visit,
        "action": AgreedAction,
        "contact": ContactNote,
    }
    kinds: list[str] = []
    for name, content in verified.files.items():
        if name.startswith("records/"):
            envelope = parse_record_file(name, content, manifest.format_version)
            models[envelope.kind].model_validate(envelope.record)
            kinds.append(envelope.kind)
        elif name.startswith("audit/"):
            batch = parse_audit_file(name, content, manifest.format_version)
            prev_hash = GENESIS
            for e in batch.entries:
                fields = (e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.revision)
                digest = audit_entry_hash(*fields, e.detail, prev_hash)
                if e.prev_hash != prev_hash or e.hash != digest:
                    raise AssertionError(f"audit entry {e.seq} breaks the chain")
                prev_hash = e.hash
            kinds.append("audit")
        else:
            raise AssertionError(f"unexpected file {name!r}")
    if sorted(kinds) != ["action", "audit", "concern", "contact", "person", "visit"]:
        raise AssertionError(f"unexpected files: {sorted(kinds)}")
    receipt = verify_receipt(
        (out / "receipt.json").read_bytes(), office, bundle_sha256=verified.sha256
    )
    if (receipt.bundle_id, receipt.status) != (BUNDLE_ID, "imported"):
        raise AssertionError(f"unexpected receipt: {receipt}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder to write the example into")
    out = parser.parse_args().outdir
    bundle = make(out)
    check(out, bundle)
    for path in sorted(out.iterdir()):
        print(path)


if __name__ == "__main__":
    main()
