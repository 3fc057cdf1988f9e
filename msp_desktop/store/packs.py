"""Taking an office pack on the device: checked whole, applied in one transaction.

``bundles.pack.open_pack`` makes every check the pack alone allows (sealed to this
device's pack key, signed by the office key this workspace trusts, for this device,
every file whole). Then, against what this workspace has applied before
(``packs_received``):

- the same pack again is a no-op that says so;
- a pack numbered at or below the last one applied, with another hash, is refused (a
  replay or a rollback), and so is one that skips a number or does not name the last
  pack applied as the one before it (the packs between must come first);

and every change is applied in one transaction with the pack's own row, so a pack is
taken whole or not at all.

**The worker's words are never overwritten.** The office's revision of a record is
written only when the device has no unsent change to it: the record as it is on the
device is the last revision the office knows (sent from here, or brought by a pack).
Otherwise the office's revision is kept aside in ``pack_conflicts``, shown on the
person's page, and the worker's record stays as it is.

A person the office gave to another device is noted in ``people_leaving``; they stay
on the device until everything of theirs has reached the office (``store.leaving``).

A **shared** case (a colleague's, that the office lets this device read) arrives as
``shared`` changes: the records are written as an allocation's are, and the person is
noted in ``shared_people``, which makes every record of theirs read only here (the
workspace's triggers, ``migrations._to_v7``; a pack marks itself in ``pack_applying``
to write them). When the office stops sharing, a ``remove`` lets them go: everything
of theirs came from the office, so at once.

A **decision** settles a revision the office kept aside from this device. ``incoming``
(the office took the device's words) needs nothing here. ``current`` brings the
office's revision, which stands: it takes the place of the device's own unless the
worker changed the record since the revision the office kept aside (then it is kept
beside theirs, as above). It is recorded at the higher of its own number and the one
the device sent, so the worker's next change follows both. A visit keeps every
revision as it was finalised, so a decision on one is only noted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.bundles.canonical import canonical_json
from msp_desktop.bundles.errors import DecryptionRejected
from msp_desktop.bundles.minisign import PublicKey
from msp_desktop.bundles.pack import Change, VerifiedPack, open_pack
from msp_desktop.bundles.pack_receipt import make_pack_receipt, pack_receipt_name
from msp_desktop.bundles.pack_request import make_pack_request
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database
from msp_desktop.store.leaving import release_leaving
from msp_desktop.store.pack_records import (
    KINDS,
    PackRefused,
    changed_here,
    held,
    write_office_record,
)
from msp_desktop.store.sync_keys import (
    NotReadyToSync,
    device_identity,
    old_pack_identities,
    pack_identity,
    ready_to_sync,
)

__all__ = [
    "PackRefused",
    "PackResult",
    "apply_pack",
    "last_known",
    "mark_pack_receipt_written",
    "pack_receipts_to_write",
    "pack_request",
]


@dataclass
class PackResult:
    """What applying one pack did."""

    sequence: int
    already: bool = False
    taken: dict[str, int] = field(default_factory=dict)
    """Records written, by kind."""
    kept_aside: list[tuple[str, str]] = field(default_factory=list)
    """``(kind, id)`` of each office revision kept aside: the worker had changed the record."""
    leaving: list[str] = field(default_factory=list)
    """People the office gave to another device."""
    released: list[str] = field(default_factory=list)
    """People who left this device as the pack was applied: everything of theirs was
    at the office already (``leaving``); any of ``leaving`` not here stay for now."""
    shared: list[str] = field(default_factory=list)
    """People whose case the office now shares with this device, to read."""
    settled: list[tuple[str, str, str]] = field(default_factory=list)
    """``(kind, id, keep)`` of each revision the office had kept aside and has now
    decided about (``keep``: ``current``, the office's stands; ``incoming``, yours)."""


def last_known(db: Database, kind: str, record_id: str) -> tuple[int, str] | None:
    """``(revision, record_sha256)`` of the record's latest revision the office knows:
    the highest sent from here or brought by a pack; None if the office knows none."""
    # At one revision number, what the office sent comes first: the worker chose the
    # office's version over their own of that number (``office_versions``).
    row = db.one(
        "SELECT revision, record_sha256 FROM (SELECT revision, record_sha256, 1 AS later"
        " FROM records_sent WHERE kind = ? AND record_id = ? UNION ALL SELECT revision,"
        " record_sha256, 0 FROM records_received WHERE kind = ? AND record_id = ?)"
        " ORDER BY revision DESC, later LIMIT 1",
        (kind, record_id, kind, record_id),
    )
    return None if row is None else (int(row[0]), str(row[1]))


def _sha(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(record)).hexdigest()


def _check_order(db: Database, verified: VerifiedPack) -> bool:
    """True when this exact pack was applied before; ``PackRefused`` when it is out of order."""
    m = verified.manifest
    same = db.one("SELECT sequence FROM packs_received WHERE sha256 = ?", (verified.sha256,))
    if same is not None:
        return True
    last = db.one("SELECT sequence, sha256 FROM packs_received ORDER BY sequence DESC LIMIT 1")
    last_sequence, last_sha = (0, None) if last is None else (int(last[0]), str(last[1]))
    if m.sequence <= last_sequence:
        raise PackRefused(
            f"This is office pack {m.sequence}, but pack {last_sequence} has been applied "
            "here already and this one is not the pack of that number this device took: a "
            "pack sent again from an old copy, or not from the office. Nothing was changed."
        )
    if m.sequence != last_sequence + 1 or m.previous_pack_sha256 != last_sha:
        raise PackRefused(
            f"This is office pack {m.sequence}; the next this device can take is pack "
            f"{last_sequence + 1}. Import the packs in order (ask the office to write the "
            "missing ones again: msp-office packs issue --again). Nothing was changed."
        )
    return False


class _Applier:
    def __init__(self, db: Database, actor: str, verified: VerifiedPack) -> None:
        self.db, self.actor, self.verified = db, actor, verified
        self.sequence = verified.manifest.sequence
        self.result = PackResult(self.sequence)

    def change(self, change: Change) -> None:
        if change.change == "remove":
            self.db.execute(
                "INSERT OR IGNORE INTO people_leaving (person_id, pack_sequence, reason, noted_at)"
                " VALUES (?, ?, ?, ?)",
                (change.id, self.sequence, change.reason, utc_now()),
            )
            self.result.leaving.append(change.id)
            return
        if change.change == "decision" and change.kind in KINDS:
            self._decision(change)
            return
        if change.change not in ("allocate", "correct", "shared") or change.kind not in KINDS:
            raise PackRefused(
                f"The office pack asks for a change this version of the app cannot make "
                f"({change.change} of a {change.kind} record); update the app, then import it "
                "again. Nothing was changed."
            )
        assert change.revision is not None  # allocate, correct and shared carry a revision
        envelope = self.verified.records[(change.kind, change.id, change.revision)]
        if change.change == "shared" and change.kind == "person":
            self._share(change)
        self._record(change, envelope)

    def _share(self, change: Change) -> None:
        """Note a shared person (read only here), unless they are this device's own."""
        db = self.db
        leaving = db.scalar("SELECT 1 FROM people_leaving WHERE person_id = ?", (change.id,))
        # Shared now, so not leaving: a share stopped and made again before the device
        # heard of either brings a removal and then the case (the removal must not win).
        db.execute("DELETE FROM people_leaving WHERE person_id = ?", (change.id,))
        own = (
            held(db, "person", change.id) is not None
            and not leaving
            and not db.scalar("SELECT 1 FROM shared_people WHERE person_id = ?", (change.id,))
        )
        if own:
            return  # the office shares a case with the device that holds it: nothing to mark
        self.db.execute(
            "INSERT OR IGNORE INTO shared_people (person_id, pack_sequence, reason, shared_at)"
            " VALUES (?, ?, ?, ?)",
            (change.id, self.sequence, change.reason, utc_now()),
        )
        self.result.shared.append(change.id)

    def _record(self, change: Change, envelope: RecordEnvelope) -> None:
        kind, record_id = change.kind, change.id
        known = last_known(self.db, kind, record_id)
        if known is not None and known[0] >= envelope.revision:
            return  # this device has that revision, or a later one, already
        local = held(self.db, kind, record_id)
        if local is not None and changed_here(self.db, kind, record_id, local, known):
            # The worker changed it since the office last heard: keep both, overwrite nothing.
            self._keep_aside(change, envelope, local)
            return
        write_office_record(self.db, self.actor, envelope, exists=local is not None)
        if kind == "person" and change.change == "allocate":
            # Given (back) to this device: no longer leaving it, nor only shared with it.
            self.db.execute("DELETE FROM people_leaving WHERE person_id = ?", (record_id,))
            self.db.execute("DELETE FROM shared_people WHERE person_id = ?", (record_id,))
        # The hash of the record as this device now holds it: a record from an older
        # device may gain default fields when read, and must not then count as changed
        # here (sent back again, or an office correction taken for a conflict).
        stored = held(self.db, kind, record_id)
        assert stored is not None  # just written
        self.db.execute(
            "INSERT INTO records_received (kind, record_id, revision, record_sha256,"
            " pack_sequence, change, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, record_id, envelope.revision, _sha(stored),
             self.sequence, change.change, change.reason or envelope.reason),
        )  # fmt: skip
        self.result.taken[kind] = self.result.taken.get(kind, 0) + 1

    def _decision(self, change: Change) -> None:
        """The office decided about a revision it kept aside from this device."""
        self.result.settled.append((change.kind, change.id, str(change.keep)))
        audit.append(self.db, actor=self.actor, action="office_decision", entity=change.kind,
                     entity_id=change.id, revision=change.revision,
                     detail={"keep": change.keep, "pack": self.sequence})  # fmt: skip
        local = held(self.db, change.kind, change.id)
        if change.keep != "current" or change.kind == "visit" or local is None:
            return  # nothing here to bring into line (see the module's docstring)
        assert change.revision is not None  # a decision to keep current carries it
        envelope = self.verified.records[(change.kind, change.id, change.revision)]
        known = last_known(self.db, change.kind, change.id)
        if _sha(local) == _sha(envelope.record):
            pass  # the same words on both sides: only the numbering to bring into line
        elif changed_here(self.db, change.kind, change.id, local, known):
            self._keep_aside(change, envelope, local)
            return
        else:
            write_office_record(self.db, self.actor, envelope, exists=True)
            self.result.taken[change.kind] = self.result.taken.get(change.kind, 0) + 1
        stored = held(self.db, change.kind, change.id)
        assert stored is not None  # held above, and rewritten at most
        revision = max(envelope.revision, known[0] if known else 0)
        self.db.execute(
            "INSERT OR REPLACE INTO records_received (kind, record_id, revision, record_sha256,"
            " pack_sequence, change, reason) VALUES (?, ?, ?, ?, ?, 'decision', ?)",
            (change.kind, change.id, revision, _sha(stored), self.sequence, change.reason),
        )
        self._settle_kept_beside(change.kind, change.id, envelope.revision)

    def _settle_kept_beside(self, kind: str, record_id: str, revision: int) -> None:
        """Office versions kept beside the record, up to ``revision``, are moot now that
        the office's revision ``revision`` is the record here."""
        self.db.execute(
            "UPDATE pack_conflicts SET settled_at = ? WHERE kind = ? AND record_id = ?"
            " AND revision <= ? AND settled_at IS NULL",
            (utc_now(), kind, record_id, revision),
        )

    def _keep_aside(self, change: Change, envelope: RecordEnvelope, local: dict[str, Any]) -> None:
        person_id = local.get("person_id") if change.kind != "person" else change.id
        self.db.execute(
            "INSERT INTO pack_conflicts (pack_sequence, kind, record_id, person_id, revision,"
            " envelope, reason, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.sequence, change.kind, change.id, person_id, envelope.revision,
             envelope.to_bytes().decode("utf-8"),
             f"the office's {change.change} arrived after this device changed the record",
             utc_now()),
        )  # fmt: skip
        self.result.kept_aside.append((change.kind, change.id))


def _opened(
    db: Database, data: bytes, key: AgeIdentity, office_key: PublicKey, device_id: str
) -> VerifiedPack:
    """The pack opened with this device's pack key, or else with one it had before its
    last key change (a pack the office sealed before it enrolled the new key)."""
    try:
        return open_pack(data, identity=key, office_key=office_key, device_id=device_id)
    except DecryptionRejected as refused:
        for old in old_pack_identities(db):
            try:
                return open_pack(data, identity=old, office_key=office_key, device_id=device_id)
            except DecryptionRejected:
                continue
        raise refused from None


def apply_pack(db: Database, actor: str, data: bytes) -> PackResult:
    """Check an office pack for this device and apply it whole, in one transaction.

    Raises ``BundleRejected`` subclasses (from ``open_pack``) or ``PackRefused``, with
    nothing changed, for a pack this workspace cannot take; ``NotReadyToSync`` before
    the device is enrolled with a pack key.
    """
    provisioning, identity = ready_to_sync(db)
    packs_key = pack_identity(db)
    if packs_key is None:
        raise NotReadyToSync(
            "This device has no key for office packs yet. Make a new enrolment file with "
            "msp enrol --out FILE and give it to the office, then import the pack again."
        )
    verified = _opened(db, data, packs_key, provisioning.office_key, identity.device_id)
    with db.transaction():
        if _check_order(db, verified):
            return PackResult(verified.manifest.sequence, already=True)
        # The pack's own row first: what it brings refers to it.
        db.execute(
            "INSERT INTO packs_received (sequence, pack_id, sha256, received_at, changes)"
            " VALUES (?, ?, ?, ?, ?)",
            (verified.manifest.sequence, verified.manifest.pack_id, verified.sha256, utc_now(),
             len(verified.changes)),
        )  # fmt: skip
        applier = _Applier(db, actor, verified)
        # Only a pack writes a shared person's records; the mark goes with the transaction.
        db.execute(
            "INSERT INTO pack_applying (pack_sequence) VALUES (?)", (verified.manifest.sequence,)
        )
        for change in verified.changes:
            applier.change(change)
        db.execute("DELETE FROM pack_applying")
        applier.result.released = release_leaving(db, actor)
        # The device's signed receipt, kept until written out for the office (msp export).
        receipt = make_pack_receipt(
            device_id=identity.device_id,
            device_key=identity.key,
            sequence=verified.manifest.sequence,
            pack_sha256=verified.sha256,
            kept_aside=len(applier.result.kept_aside),
        )
        db.execute(
            "UPDATE packs_received SET receipt = ? WHERE sequence = ?",
            (receipt.decode("utf-8"), verified.manifest.sequence),
        )
        audit.append(
            db,
            actor=actor,
            action="pack_applied",
            entity="pack",
            entity_id=str(verified.manifest.sequence),
            detail={
                "changes": len(verified.changes),
                "taken": sum(applier.result.taken.values()),
                "kept_aside": len(applier.result.kept_aside),
            },
        )
    return applier.result


def pack_receipts_to_write(db: Database, *, again: bool) -> list[tuple[int, str, bytes]]:
    """``(sequence, file name, bytes)`` of each pack receipt not yet written for the office
    (``again``: every one, for a lost stick; the office takes one twice harmlessly)."""
    identity = device_identity(db)
    if identity is None:
        return []
    where = "" if again else " AND receipt_written_at IS NULL"
    return [
        (int(sequence), pack_receipt_name(identity.device_id, int(sequence)), str(text).encode())
        for sequence, text in db.all(
            "SELECT sequence, receipt FROM packs_received WHERE receipt IS NOT NULL"  # noqa: S608 - a fixed condition
            + where
            + " ORDER BY sequence"
        )
    ]


def pack_request(db: Database) -> str | None:
    """This device's signed request for the office packs after the last it applied
    (``bundles.pack_request``), or None when it has no pack key to open them with."""
    provisioning, identity = ready_to_sync(db)
    if pack_identity(db) is None:
        return None
    last = db.scalar("SELECT MAX(sequence) FROM packs_received")
    return make_pack_request(
        office_id=provisioning.office_id,
        device_id=identity.device_id,
        device_key=identity.key,
        after=int(last or 0),
    )


def mark_pack_receipt_written(db: Database, sequence: int) -> None:
    """Note that the receipt for pack ``sequence`` reached the office: written for it with
    an export, or taken by its inbox over the network."""
    with db.transaction():
        db.execute(
            "UPDATE packs_received SET receipt_written_at = ? WHERE sequence = ?",
            (utc_now(), sequence),
        )
