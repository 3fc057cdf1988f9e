"""Office packs over the network: the next pack for a device that asks, issued on demand.

Behind the inbox's ``GET /v1/packs/next`` (``inbox.pack_routes``). The device sends a
signed request (``bundles.pack_request``) saying the last pack number it holds; the
office checks the request against the device's enrolled, unrevoked key and its own
clock, then answers with:

- the pack after that number, byte for byte as first issued, when it was issued
  before (by ``msp-office packs issue`` or an earlier request whose answer was lost);
- else, when changes are queued for the device, a pack issued now, exactly as
  ``packs issue --device ID`` would (``office.packs``: one transaction, every change in
  exactly one pack, however many processes serve);
- else nothing (the device is up to date).

A device that says it holds a pack the office never issued is refused: the office
database was restored from a backup older than the device's packs, and an office
administrator must look before more packs are numbered (``DeviceAheadOfOffice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from msp_desktop.bundles import minisign
from msp_desktop.bundles.pack_request import PackRequest, PackRequestRejected, read_pack_request
from msp_desktop.errors import KnownError
from msp_desktop.office.db.store import OfficeStore
from msp_desktop.office.keys import OfficeConfig, OfficeKeys
from msp_desktop.office.packs import Issued, NoPackKey, issue_packs

__all__ = [
    "Delivery",
    "DeviceAheadOfOffice",
    "NoPackKeyAtOffice",
    "enrolled_key_of",
    "next_pack",
]


class DeviceAheadOfOffice(KnownError):
    """The device holds a pack number the office never issued (a restored office)."""


class NoPackKeyAtOffice(KnownError):
    """Changes wait for the device, but its enrolment at the office has no pack key."""


@dataclass(frozen=True)
class Delivery:
    """The pack a device gets: its number, its sealed bytes, and whether it was issued now."""

    sequence: int
    data: bytes
    issued_now: bool


def enrolled_key_of(store: OfficeStore, device_id: str, key_id: str) -> minisign.PublicKey | None:
    """The enrolled, unrevoked key ``key_id`` of ``device_id``, or None."""
    for key in store.device_keys():
        if key.key_id == key_id and key.device_id == device_id and key.active:
            return minisign.PublicKey.from_text(key.public_key)
    return None


def _check_request(
    store: OfficeStore, config: OfficeConfig, header: str, now: datetime
) -> PackRequest:
    def device_key(body: PackRequest) -> minisign.PublicKey:
        key = enrolled_key_of(store, body.device_id, body.key_id)
        if key is None:
            raise PackRequestRejected(
                f"The pack request is signed by key {body.key_id}, which is not an enrolled, "
                f"unrevoked key of device {body.device_id} at this office."
            )
        return key

    return read_pack_request(header, office_id=config.office_id, device_key=device_key, now=now)


def next_pack(
    store: OfficeStore,
    config: OfficeConfig,
    keys: OfficeKeys,
    header: str,
    *,
    now: datetime,
) -> tuple[PackRequest, Delivery | None]:
    """The checked request and the pack that answers it (None: nothing waits).

    Raises ``PackRequestRejected`` (``RequestClockSkew``) for a request the office cannot
    trust, ``DeviceAheadOfOffice`` and ``NoPackKeyAtOffice`` as above, and what issuing
    raises (``OfficeBusy``).
    """
    request = _check_request(store, config, header, now)
    issued = store.packs(request.device_id)
    last = issued[-1].sequence if issued else 0
    if request.after > last:
        raise DeviceAheadOfOffice(
            f"This device holds office pack {request.after}, but the office has issued only "
            f"{last} to device {request.device_id}. Nothing was sent; tell the office (its "
            "database may have been restored from an older backup)."
        )
    waiting = _issued(store, request)
    if waiting is not None:
        return request, waiting
    for done in issue_packs(store, config, keys, device_id=request.device_id, now=now):
        if isinstance(done, NoPackKey):
            raise NoPackKeyAtOffice(
                f"The office has {done.waiting} changes waiting for device {done.device_id} "
                "but no key to seal them to: this device was enrolled before office packs. "
                "Make a new enrolment file (msp enrol --out FILE) and give it to the office."
            )
        if isinstance(done, Issued) and done.pack.sequence == request.after + 1:
            return request, Delivery(done.pack.sequence, done.sealed.data, issued_now=True)
    # Another office process may have issued the pack meanwhile, with the same changes.
    return request, _issued(store, request)


def _issued(store: OfficeStore, request: PackRequest) -> Delivery | None:
    """The pack after ``request.after`` if the office issued it before."""
    wanted = {p.sequence: p for p in store.packs(request.device_id)}.get(request.after + 1)
    data = store.pack_data(wanted.sha256) if wanted is not None else None
    if wanted is None or data is None:
        return None
    return Delivery(wanted.sequence, data, issued_now=False)
