"""Where every record stands on its way to the office: draft, finalised, in a bundle,
acknowledged.

Visits are listed per revision. People, concerns, agreed actions and contact notes
are kept as their current state, so they are listed once: "finalised" when their
current content has not been sent yet (it goes into the next bundle), otherwise the
state of the bundle that carried it. A revision the office's receipt lists as kept
aside (another device's record, or newer data there) is acknowledged, and marked
``kept_aside``: the office holds it but did not take it. A record whose content is the
revision an office pack brought is the office's already: acknowledged, ``from_office``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

from msp_desktop.bundles.records import record_sha256
from msp_desktop.store.database import Database
from msp_desktop.store.leaving import Leaving, leaving_status
from msp_desktop.store.sync_keys import device_identity, office_keys

__all__ = ["BundleState", "PackState", "RecordState", "SyncState", "SyncStatus", "sync_status"]

SyncState = Literal["draft", "finalised", "in-bundle", "acknowledged"]
STATES: tuple[SyncState, ...] = ("draft", "finalised", "in-bundle", "acknowledged")


@dataclass(frozen=True)
class RecordState:
    """One record (one revision, for visits) and how far it has got."""

    kind: str
    record_id: str
    revision: int | None
    state: SyncState
    bundle: int | None
    kept_aside: bool = False
    """The office's receipt says it kept this revision aside instead of taking it."""
    from_office: bool = False
    """This revision came from the office in a pack (it has it already)."""


@dataclass(frozen=True)
class PackState:
    """One office pack this device took."""

    sequence: int
    received_at: str
    changes: int
    records: int
    """Records it brought (written here)."""


@dataclass(frozen=True)
class BundleState:
    """One sealed bundle."""

    sequence: int
    bundle_id: str
    sha256: str
    file_name: str
    created_at: str
    records: int
    written_to: str | None
    written_at: str | None
    acknowledged_at: str | None


@dataclass(frozen=True)
class SyncStatus:
    """Everything the sync page and ``msp sync status`` show."""

    office: str | None
    office_key_id: str | None
    device_id: str | None
    records: list[RecordState] = field(default_factory=list)
    bundles: list[BundleState] = field(default_factory=list)
    packs: list[PackState] = field(default_factory=list)
    office_versions_kept: int = 0
    """Office revisions kept beside records the worker had changed (not yet settled)."""
    leaving: list[Leaving] = field(default_factory=list)
    """People the office moved to another device, still here until all of theirs is
    at the office (``store.leaving``)."""

    @property
    def counts(self) -> dict[str, int]:
        """How many records are in each state (every state present, zeros included)."""
        counts: dict[str, int] = dict.fromkeys(STATES, 0)
        for record in self.records:
            counts[record.state] += 1
        return counts

    @property
    def waiting_bundles(self) -> int:
        """Bundles sealed but without a receipt yet."""
        return sum(1 for b in self.bundles if b.acknowledged_at is None)

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (for ``--json``)."""
        return {
            "office": self.office,
            "office_key_id": self.office_key_id,
            "device_id": self.device_id,
            "counts": self.counts,
            "records": [asdict(r) for r in self.records],
            "bundles": [asdict(b) for b in self.bundles],
            "packs": [asdict(p) for p in self.packs],
            "office_versions_kept": self.office_versions_kept,
            "leaving": [asdict(person) for person in self.leaving],
        }


def _bundle_states(db: Database) -> dict[int, bool]:
    return {
        int(seq): ack is not None
        for seq, ack in db.all("SELECT sequence, acknowledged_at FROM bundles_sent")
    }


def _kept_aside(db: Database) -> set[tuple[str, str, int]]:
    """(kind, id, revision) of every revision a stored receipt lists as kept aside (the
    receipts were verified when taken; only those that list any are read)."""
    kept: set[tuple[str, str, int]] = set()
    for (text,) in db.all("SELECT receipt FROM bundles_sent WHERE receipt LIKE '%\"conflicts\"%'"):
        for item in json.loads(text)["receipt"].get("conflicts", []):
            kept.add((str(item["kind"]), str(item["id"]), int(item["revision"])))
    return kept


def _sent_state(acknowledged: dict[int, bool], bundle: int) -> SyncState:
    return "acknowledged" if acknowledged[bundle] else "in-bundle"


def sync_status(db: Database) -> SyncStatus:
    """The state of every record and bundle (reads only)."""
    acknowledged = _bundle_states(db)
    kept = _kept_aside(db)
    sent = {
        (kind, record_id, int(revision)): (sha, int(bundle))
        for kind, record_id, revision, sha, bundle in db.all(
            "SELECT kind, record_id, revision, record_sha256, bundle_sequence FROM records_sent"
        )
    }
    # The latest revision the office knows of each record: sent in a bundle, or brought
    # by an office pack (bundle None).
    latest: dict[tuple[str, str], tuple[int, str, int | None]] = {}
    for (kind, record_id, revision), (sha, bundle) in sent.items():
        if (kind, record_id) not in latest or latest[(kind, record_id)][0] < revision:
            latest[(kind, record_id)] = (revision, sha, bundle)
    received: set[tuple[str, str, int]] = set()
    for kind, record_id, revision, sha in db.all(
        "SELECT kind, record_id, revision, record_sha256 FROM records_received"
    ):
        received.add((str(kind), str(record_id), int(revision)))
        # At one revision number the office's comes first: the worker chose it over
        # their own of that number (``store.office_versions``).
        if (kind, record_id) not in latest or latest[(kind, record_id)][0] <= int(revision):
            latest[(kind, record_id)] = (int(revision), str(sha), None)

    def snapshots(kind: str, table: str) -> list[RecordState]:
        found: list[RecordState] = []
        for record_id, data in db.all(f"SELECT id, data FROM {table} ORDER BY created_at, id"):  # noqa: S608
            last = latest.get((kind, record_id))
            if last is None or last[1] != record_sha256(json.loads(data)):
                found.append(RecordState(kind, record_id, None, "finalised", None))
            elif last[2] is None:
                found.append(
                    RecordState(kind, record_id, last[0], "acknowledged", None, from_office=True)
                )
            else:
                state = _sent_state(acknowledged, last[2])
                aside = (kind, record_id, last[0]) in kept
                found.append(RecordState(kind, record_id, last[0], state, last[2], aside))
        return found

    records = snapshots("person", "people") + snapshots("concern", "concerns")
    for visit_id, revision, status in db.all(
        "SELECT visit_id, revision, status FROM visit_revisions ORDER BY visit_id, revision"
    ):
        key = ("visit", visit_id, int(revision))
        if status == "draft":
            records.append(RecordState("visit", visit_id, int(revision), "draft", None))
        elif key in received:  # a colleague's, brought by an office pack
            records.append(
                RecordState("visit", visit_id, int(revision), "acknowledged", None,
                            from_office=True)
            )  # fmt: skip
        elif key not in sent:
            records.append(RecordState("visit", visit_id, int(revision), "finalised", None))
        else:
            bundle = sent[key][1]
            state = _sent_state(acknowledged, bundle)
            aside = key in kept
            records.append(RecordState("visit", visit_id, int(revision), state, bundle, aside))
    records += snapshots("action", "actions") + snapshots("contact", "contacts")

    bundles = [
        BundleState(
            sequence=int(r[0]),
            bundle_id=r[1],
            sha256=r[2],
            file_name=r[3],
            created_at=r[4],
            records=int(r[5]),
            written_to=r[6],
            written_at=r[7],
            acknowledged_at=r[8],
        )
        for r in db.all(
            "SELECT sequence, bundle_id, sha256, file_name, created_at, records, written_to,"
            " written_at, acknowledged_at FROM bundles_sent ORDER BY sequence"
        )
    ]
    packs = [
        PackState(int(sequence), str(received_at), int(changes), int(records))
        for sequence, received_at, changes, records in db.all(
            "SELECT p.sequence, p.received_at, p.changes, (SELECT count(*) FROM records_received"
            " r WHERE r.pack_sequence = p.sequence) FROM packs_received p ORDER BY p.sequence"
        )
    ]
    kept_beside = int(db.scalar("SELECT count(*) FROM pack_conflicts WHERE settled_at IS NULL"))
    provisioning = office_keys(db)
    identity = device_identity(db)
    return SyncStatus(
        office=provisioning.office_name if provisioning else None,
        office_key_id=provisioning.office_key_id if provisioning else None,
        device_id=identity.device_id if identity else None,
        records=records,
        bundles=bundles,
        packs=packs,
        office_versions_kept=kept_beside,
        leaving=leaving_status(db),
    )
