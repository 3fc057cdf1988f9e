"""The inbox behind ``POST /v1/bundles``: bytes in, the signed receipt out.

``Inbox.receive`` runs on a worker thread, one bundle at a time per process, and does
exactly what ``msp-office import`` does with one bundle (``Importer``): every check,
one transaction, a bundle from an unknown or revoked key copied into quarantine, an
alert line for a replay or a key signing for another device, a quarantined bundle
released once imported. What differs:

- **The receipt is the same every time.** The receipt for a bundle is made from the
  ledger row of its first import: status ``imported``, ``received`` the time the
  ledger records, signed with the office key. Ed25519 signatures are deterministic,
  so the same bundle uploaded again (or twice at once, or after a restart, or on
  another process) gets the receipt bytes it got the first time, and a device can
  retry safely. Nothing new is stored for it, and no receipt file is written.
- **Each device has a rate limit**, taken after the signature has verified (the
  device is known only then) and before anything is written.
- The database is opened per request (``db.backends.open_store``), so a device enrolled
  with ``msp-office devices add`` while the service runs is trusted at once.

Concurrent uploads of the same bundle, here or by ``msp-office import``: the store
refuses a plan made before another import committed, and the bundle is checked again
and found already imported, so both get the same receipt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from msp_desktop.bundles import make_receipt
from msp_desktop.bundles.manifest import format_time
from msp_desktop.bundles.pack_request import PackRequest
from msp_desktop.office.db.backends import open_store
from msp_desktop.office.errors import OfficeBusy
from msp_desktop.office.importer import MAX_ATTEMPTS, Checked, Importer
from msp_desktop.office.inbox.limits import Rate, RateLimited, TokenBuckets
from msp_desktop.office.keys import OfficeConfig, OfficeLayout, load_config, load_keys
from msp_desktop.office.pack_delivery import Delivery, next_pack
from msp_desktop.office.pack_receipts import TakenPackReceipt, take_pack_receipt
from msp_desktop.office.quarantine import release

__all__ = ["MIB", "SOURCE", "Accepted", "Inbox", "InboxSettings", "first_receipt"]

MIB = 1024 * 1024
SOURCE = "uploaded to msp-office serve"
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class InboxSettings:
    """What ``msp-office serve`` was told, less where to listen."""

    office_dir: Path
    db_url: str | None = None
    max_bundle_bytes: int = 64 * MIB
    ip_rate: Rate = field(default_factory=lambda: Rate(per_minute=60, burst=20))
    device_rate: Rate = field(default_factory=lambda: Rate(per_minute=30, burst=30))
    max_pending: int = 8
    """Uploads being read, waiting or importing at once; more are told to retry (503)."""
    max_pending_per_address: int = 2
    """Of those, from one address; more from it are told to retry (429), so a few
    addresses cannot take every place."""
    min_bytes_per_second: int = 4 * 1024
    """The slowest an upload may come, judged over each ``RATE_WINDOW_SECONDS``."""
    min_free_bytes: int | None = None
    """Free space below which ``/v1/health`` fails; None: twice ``max_bundle_bytes``."""

    @property
    def min_free(self) -> int:
        """The free space ``/v1/health`` asks for where quarantine and receipts go."""
        if self.min_free_bytes is not None:
            return self.min_free_bytes
        return 2 * self.max_bundle_bytes


@dataclass(frozen=True)
class Accepted:
    """A bundle imported now or before, and its receipt file's bytes."""

    receipt: bytes
    outcome: Literal["imported", "already-imported"]
    device_id: str
    sequence: int
    sha256: str
    released: bool
    """True when the bundle had been in quarantine and was taken out of it."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


def first_receipt(checked: Checked, importer: Importer) -> bytes:
    """The receipt of the bundle's first import, made again byte for byte.

    Its ``received`` is the ``imported_at`` of the ledger row (the row about to be
    written, or the one written before), its status ``imported``.
    """
    if checked.already is not None:
        ledger = checked.already
    else:
        assert checked.plan is not None  # a bundle not yet imported always has a plan
        ledger = checked.plan.ledger
    received = datetime.strptime(ledger.imported_at, _TIME_FORMAT).replace(tzinfo=UTC)
    return make_receipt(
        bundle_sha256=checked.verified.sha256,
        manifest=checked.verified.manifest,
        office_key=importer.keys.signing,
        status="imported",
        received=received,
    )


class _ServiceImporter(Importer):
    """``Importer.import_bundle`` with a gate before writing, returning the receipt."""

    def receive(
        self, data: bytes, *, source: str, gate: Callable[[Checked], None]
    ) -> tuple[Checked, bytes, bool]:
        """Check (quarantining or alerting as the command does), gate, import once."""
        gated = False
        for _ in range(MAX_ATTEMPTS):
            checked = self._check_for_import(data, source)
            if not gated:
                gate(checked)
                gated = True
            if checked.plan is None or self.store.apply(checked.plan, checked.token):
                break
        else:
            raise OfficeBusy(
                "Other imports kept changing the office database; try this bundle again."
            )
        receipt = first_receipt(checked, self)
        released = release(self.layout.quarantine, checked.verified.sha256)
        return checked, receipt, released


class Inbox:
    """The office's keys and database, taking one bundle at a time."""

    def __init__(
        self, settings: InboxSettings, *, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        """Load the office's keys and check its database opens (``KnownError`` if not)."""
        self.settings = settings
        self.layout = OfficeLayout(settings.office_dir)
        self.config: OfficeConfig = load_config(self.layout)
        self.keys = load_keys(self.layout, self.config)
        self.clock = clock
        self.devices = TokenBuckets(settings.device_rate)
        self._lock = threading.Lock()
        open_store(settings.office_dir, settings.db_url, read_only=True).close()

    def receive(self, data: bytes, *, source: str = SOURCE) -> Accepted:
        """Import ``data`` (or find it imported) and return its receipt.

        Raises what ``msp-office import`` would (``BundleRejected`` subclasses,
        ``OfficeBusy``, ...) and ``RateLimited`` for a device over its limit.
        ``source`` is where a quarantine note says the bundle came from.
        """
        with self._lock:
            store = open_store(self.settings.office_dir, self.settings.db_url, read_only=False)
            try:
                importer = _ServiceImporter(
                    store,
                    self.keys,
                    self.layout,
                    clock=self.clock,
                    time_zone=self.config.time_zone,
                )
                checked, receipt, released = importer.receive(data, source=source, gate=self._gate)
            finally:
                store.close()
        manifest = checked.verified.manifest
        return Accepted(
            receipt=receipt,
            outcome=checked.status,
            device_id=manifest.device_id,
            sequence=manifest.sequence,
            sha256=checked.verified.sha256,
            released=released,
        )

    def next_pack(self, header: str) -> tuple[PackRequest, Delivery | None]:
        """The pack answering a device's signed request (``office.pack_delivery``),
        issued now if changes wait for it; raises what ``next_pack`` raises."""
        with self._lock:
            store = open_store(self.settings.office_dir, self.settings.db_url, read_only=False)
            try:
                return next_pack(store, self.config, self.keys, header, now=self.clock())
            finally:
                store.close()

    def pack_receipt(self, data: bytes) -> TakenPackReceipt:
        """Take a device's signed receipt for a pack, as ``msp-office import`` does."""
        with self._lock:
            store = open_store(self.settings.office_dir, self.settings.db_url, read_only=False)
            try:
                return take_pack_receipt(store, data, now=format_time(self.clock()))
            finally:
                store.close()

    def _gate(self, checked: Checked) -> None:
        device_id = checked.device.device_id
        wait = self.devices.take(device_id)
        if wait:
            rate = self.settings.device_rate
            raise RateLimited(
                f"Device {device_id} sent more than {rate.per_minute:g} bundles a minute; "
                f"nothing was imported, try again in {wait} seconds.",
                retry_after=wait,
            )
