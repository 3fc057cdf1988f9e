"""``msp-office packs issue``: the changes queued for each device, sealed into its next pack.

The queue (``pack_queue``) fills as the office allocates people, transfers them,
corrects records, resolves conflicts and shares cases (``sharing``: before a device's
pack is planned, the newer revisions on the cases shared with it join its queue).
Issuing takes what waits for a device, in order, and seals it into the device's next
office pack (``bundles.pack``, docs/bundle-format.md §9): each ``allocate``, ``correct``,
``decision`` and ``shared`` carries the record's revision the office holds now (the
higher of what devices sent and what the office made), each ``remove`` names the person.
The pack is sealed to the pack key in the enrolment of the device's active key and
signed by the office key.

One pack per device per issue, kept whole in ``packs`` (its bytes too: a pack lost on
the way is written again, never made again, so a device never sees two packs with one
number). The pack and the marking of the changes it carries are one transaction; if
another ``msp-office`` issued to the device first, this one plans again from what is
left, so every change goes in exactly one pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from msp_desktop.bundles.manifest import format_time
from msp_desktop.bundles.pack import Change, SealedPack, write_pack
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.office.db.store import IssuedPack, OfficeStore, QueuedChange
from msp_desktop.office.errors import OfficeBusy
from msp_desktop.office.keys import OfficeConfig, OfficeKeys
from msp_desktop.office.sharing import follow_shares

__all__ = ["Issued", "NoPackKey", "issue_packs"]

PACK_KINDS = ("person", "concern", "visit", "action", "contact")
"""The record kinds packs carry: everything about a person, so that a case moved to
another worker arrives whole (visits as the colleague finalised them)."""
CARRYING = ("allocate", "correct", "decision", "shared")
"""The queued changes that carry the record's current revision."""
MAX_TRIES = 5
"""Plans made again when another msp-office issues to the same device meanwhile."""


@dataclass(frozen=True)
class Issued:
    """One pack issued now, with its bytes to write."""

    pack: IssuedPack
    sealed: SealedPack


@dataclass(frozen=True)
class NoPackKey:
    """A device with changes waiting but no pack key yet (enrolled before office packs)."""

    device_id: str
    waiting: int


def _packable(store: OfficeStore, device_id: str | None) -> list[QueuedChange]:
    """The waiting changes a pack of this version carries (``PACK_KINDS``, removals)."""
    return [
        q
        for q in store.queued(device_id)
        if q.change == "remove" or (q.change in CARRYING and q.kind in PACK_KINDS)
    ]


def _changes(
    store: OfficeStore, waiting: list[QueuedChange]
) -> tuple[list[Change], list[RecordEnvelope], list[int]]:
    """The pack's changes (duplicates folded, order kept), the envelopes they carry, and
    the queue rows they use up."""
    changes: list[Change] = []
    envelopes: list[RecordEnvelope] = []
    seen: set[tuple[str, str, str]] = set()
    for queued in waiting:
        key = (queued.change, queued.kind, queued.record_id)
        if key in seen:
            continue
        seen.add(key)
        if queued.change == "remove":
            changes.append(Change(change="remove", kind="person", id=queued.record_id))
            continue
        revision = store.latest_revision(queued.kind, queued.record_id)
        text = (
            store.revision_envelope(queued.kind, queued.record_id, revision)
            if revision is not None
            else None
        )
        if text is None:
            continue  # nothing held to send (cannot happen: allocation needs a record)
        fields: dict[str, object] = {"change": queued.change, "kind": queued.kind,
                                     "id": queued.record_id, "revision": revision}  # fmt: skip
        if queued.change in ("correct", "decision"):
            fields["reason"] = queued.reason[:500]
        if queued.change == "decision":
            # Only "keep current" is queued: the office's revision stands, and goes with it.
            fields["keep"] = "current"
        changes.append(Change.model_validate(fields))
        envelopes.append(RecordEnvelope.model_validate_json(text))
    return changes, envelopes, [q.id for q in waiting if q.id is not None]


def _issue_one(
    store: OfficeStore, config: OfficeConfig, keys: OfficeKeys, device_id: str, now: datetime
) -> Issued | NoPackKey | None:
    # Newer revisions on the cases shared with the device join its queue first, so this
    # pack carries them (a visit the worker finalised since the case was shared).
    follow_shares(store, device_id, now=format_time(now))
    for _ in range(MAX_TRIES):
        waiting = _packable(store, device_id)
        if not waiting:
            return None
        active = [k for k in store.device_keys() if k.device_id == device_id and k.active]
        enrolment = store.enrolment(active[0].key_id) if active else None
        pack_key = read_enrolment(enrolment).pack_key if enrolment else None
        if not active or pack_key is None:
            return NoPackKey(device_id, len(waiting))
        changes, envelopes, queue_ids = _changes(store, waiting)
        if not changes:
            return None  # only allocations of records no longer held: nothing to send
        before = store.packs(device_id)
        last = before[-1] if before else None
        sequence = 1 if last is None else last.sequence + 1
        sealed = write_pack(
            changes,
            envelopes,
            office_id=config.office_id,
            device_id=device_id,
            sequence=sequence,
            previous_pack_sha256=None if last is None else last.sha256,
            office_key=keys.signing,
            recipient=pack_key,
            created=now,
        )
        issued = IssuedPack(
            sha256=sealed.sha256,
            pack_id=sealed.manifest.pack_id,
            device_id=device_id,
            sequence=sequence,
            previous_sha256=sealed.manifest.previous_pack_sha256,
            key_id=active[0].key_id,
            recipient_key_id=pack_key.key_id,
            changes=len(changes),
            issued_at=format_time(now),
        )
        if store.add_pack(issued, sealed.data, queue_ids):
            return Issued(issued, sealed)
    raise OfficeBusy(
        f"Other msp-office processes kept issuing packs to device {device_id}; try again shortly."
    )


def issue_packs(
    store: OfficeStore,
    config: OfficeConfig,
    keys: OfficeKeys,
    *,
    device_id: str | None,
    now: datetime,
) -> list[Issued | NoPackKey]:
    """Issue one pack to each device with changes waiting (or only to ``device_id``);
    devices without a pack key yet are listed, not issued to."""
    waiting = {
        q.device_id for q in store.queued(device_id) if q.change == "remove" or q.kind in PACK_KINDS
    }
    # A device with a case shared with it may have nothing queued yet but a newer revision
    # of that case to follow (``_issue_one`` queues it).
    sharing = {s.device_id for s in store.shares(device_id) if s.active}
    devices = sorted(waiting | sharing)
    done = [_issue_one(store, config, keys, device, now) for device in devices]
    return [d for d in done if d is not None]
