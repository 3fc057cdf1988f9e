"""``msp-office records share``: let a colleague's device read a case that is not theirs.

Every record at the office belongs to one device (``ownership``). When a colleague covers
for the worker, or works the case with them, the office shares the person's case with
the colleague's device: the person, their concerns, their (finalised) visits, agreed
actions and contact notes go to it as ``shared`` changes in its next office packs, to
read, never to change or send back. The share is kept in ``shared_cases`` (who shared
it, when and why), and each revision queued in ``shared_records``, so that a newer one
(a visit the worker finalised since, a correction made at the office) follows the share
when the device's next pack is planned (``follow_shares``, called by ``office.packs``)
and nothing is sent twice.

Stopping a share (``--stop``) keeps the row with who stopped it, when and why, and
queues a ``remove`` of the person for the device: it lets the shared case go. Sharing
again afterwards makes the same row active again (with the new reason, who and when)
and sends the case whole again; the reasons before stay in the queue's rows.

Refusals are one sentence and change nothing: a person the office does not hold (exit
8), a device never enrolled (8) or revoked (9), the device the person belongs to (it has
the case already, 9), a reason that is not one line (2), stopping a share that is not
active (9).
"""

from __future__ import annotations

from dataclasses import dataclass

from msp_desktop.errors import RecordReadOnly
from msp_desktop.office.admin import login_name
from msp_desktop.office.db.store import OfficeStore, SharedCase, SharedRecord
from msp_desktop.office.devices import one_line_reason
from msp_desktop.office.ownership import PERSON_KINDS, active_device, case_records, find_person

__all__ = [
    "SHARE_REASON",
    "STOP_REASON",
    "Shared",
    "follow_shares",
    "share_case",
    "stop_sharing",
]

SHARE_REASON = "shared by the office"
STOP_REASON = "no longer shared by the office"


@dataclass(frozen=True)
class Shared:
    """What ``share_case`` did: the share and how many records of each kind it queued."""

    share: SharedCase
    owner: str | None
    """The device the person belongs to (None: nobody's yet)."""
    by_kind: dict[str, int]


def _case(store: OfficeStore, person_ids: list[str]) -> list[SharedRecord]:
    """The records of each person's case at the revision to send, in the order a device
    takes them (the person before what refers to them)."""
    records: list[SharedRecord] = []
    for person_id, keys in case_records(store, person_ids).items():
        for kind, record_id in keys:
            revision = store.latest_revision(kind, record_id)
            if revision is not None:  # a caseload concern is held as an office revision
                records.append(SharedRecord(person_id, kind, record_id, revision))
    return records


def share_case(
    store: OfficeStore, person: str, device_id: str, *, reason: str | None, now: str
) -> Shared:
    """Share ``person``'s case with ``device_id`` and queue it for the device's next
    office pack, in one transaction; refusals change nothing (see the module's docstring)."""
    why = one_line_reason(reason or SHARE_REASON)
    person_id = find_person(store, person)
    active_device(store, device_id)
    owner = store.owner("person", person_id)
    if owner == device_id:
        raise RecordReadOnly(
            f"Person {person_id} belongs to device {device_id}, which has their case already; "
            "nothing was shared."
        )
    share = SharedCase(person_id, device_id, why, login_name(), now)
    records = _case(store, [person_id])
    if not store.start_share(share, records):
        raise RecordReadOnly(
            f"Person {person_id}'s case is shared with device {device_id} already; nothing "
            "changed (to share it for another reason, stop it first: --stop)."
        )
    kinds = ("person", *PERSON_KINDS)
    by_kind = {kind: sum(1 for r in records if r.kind == kind) for kind in kinds}
    return Shared(share, owner, by_kind)


def stop_sharing(
    store: OfficeStore, person: str, device_id: str, *, reason: str | None, now: str
) -> str:
    """Stop sharing ``person``'s case with ``device_id`` and queue the person's removal for
    the device, in one transaction; the person's id. Refusals change nothing."""
    why = one_line_reason(reason or STOP_REASON)
    person_id = find_person(store, person)
    active_device(store, device_id)
    if not store.stop_share(person_id, device_id, by=login_name(), reason=why, at=now):
        raise RecordReadOnly(
            f"Person {person_id}'s case is not shared with device {device_id}; nothing "
            "changed (msp-office records share --person ID --with DEVICE shares it)."
        )
    return person_id


def follow_shares(store: OfficeStore, device_id: str, *, now: str) -> int:
    """Queue for ``device_id``, as ``shared``, every record of a case shared with it whose
    latest revision at the office is newer than the one sent (or was never sent: a visit
    the worker finalised since), in one transaction; how many were queued. A case the
    device holds itself now (given to it since) is its own: nothing follows."""
    people = [
        s.person_id
        for s in store.shares(device_id)
        if s.active and store.owner("person", s.person_id) != device_id
    ]
    if not people:
        return 0
    sent = store.shared_revisions(device_id)
    newer = [r for r in _case(store, people) if r.revision > sent.get((r.kind, r.record_id), 0)]
    return store.follow_shares(device_id, newer, at=now) if newer else 0
