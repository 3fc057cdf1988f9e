"""Office packs in a network sync: fetch each waiting pack, apply it, send its receipt.

After the bundles have gone (``network_sync``), the device asks the office's inbox for
the pack after the last it applied, with a request signed by its device key
(``bundles.pack_request``); each pack that comes is checked and applied whole
(``store.packs``), then the next is asked for, until the office says nothing waits.
Then every pack receipt the office has not yet taken is sent, and marked delivered
only on the office's answer naming it; one not delivered goes with the next sync (or
the next export). A refused pack stops the fetching and changes nothing; the packs
applied before it stay applied, and their receipts are still sent.

The steps are passed in as functions, as ``upload_all``'s are: ``msp sync`` calls the
workspace directly, the desktop app hands each one to its database thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from msp_desktop.bundles.errors import BundleRejected
from msp_desktop.errors import KnownError
from msp_desktop.network.pack_fetch import (
    FetchedPack,
    NoPacksAtOffice,
    PacksRefused,
    fetch_next_pack,
    send_pack_receipt,
)
from msp_desktop.network.uploader import OfficeUnreachable, SyncCancelled, Uploader
from msp_desktop.store.packs import PackRefused, PackResult
from msp_desktop.store.workspace import Workspace

__all__ = ["MAX_PACKS_PER_SYNC", "PackSteps", "PacksReport", "fetch_packs", "workspace_steps"]

MAX_PACKS_PER_SYNC = 100
"""Packs taken in one sync; more wait for the next (a caseload comes in one or two)."""


@dataclass(frozen=True)
class PackSteps:
    """The workspace's part: the signed request (None: no pack key yet), applying a
    pack, the receipts not yet delivered, and marking one delivered."""

    request: Callable[[], str | None]
    apply: Callable[[bytes], PackResult]
    receipts: Callable[[], list[tuple[int, str, bytes]]]
    delivered: Callable[[int], None]


def workspace_steps(ws: Workspace) -> PackSteps:
    """The steps run directly on ``ws`` (``msp sync``)."""
    return PackSteps(
        request=ws.sync.pack_request,
        apply=ws.sync.import_pack,
        receipts=ws.sync.pack_receipts_to_write,
        delivered=ws.sync.mark_pack_receipt_written,
    )


@dataclass
class PacksReport:
    """What the pack part of a sync did."""

    taken: list[PackResult] = field(default_factory=list)
    receipts_sent: int = 0
    no_pack_key: bool = False
    """The device has no key for office packs yet (enrolled before them): none asked for."""
    office_without_packs: bool = False
    """The office's inbox gives out no packs (an msp-office from before them)."""
    errors: list[KnownError] = field(default_factory=list)

    @property
    def new(self) -> list[PackResult]:
        """Packs applied in this sync (not ones already held)."""
        return [result for result in self.taken if not result.already]


def _applied(steps: PackSteps, fetched: FetchedPack) -> PackResult:
    """Apply a fetched pack; a refusal restated as coming from the office's inbox."""
    try:
        return steps.apply(fetched.data)
    except (BundleRejected, PackRefused) as exc:
        which = f"pack {fetched.sequence}" if fetched.sequence else "a pack"
        raise PacksRefused(
            f"The office sent {which} that this device cannot take: {exc.message} Nothing "
            "was changed; tell the office.",
            status=200,
            reason=type(exc).__name__,
        ) from None


def fetch_packs(uploader: Uploader, steps: PackSteps) -> PacksReport:
    """Fetch and apply every waiting pack, then send the receipts not yet delivered."""
    report = PacksReport()
    try:
        for _ in range(MAX_PACKS_PER_SYNC):
            header = steps.request()
            if header is None:
                report.no_pack_key = True
                break
            try:
                fetched = fetch_next_pack(uploader, header)
            except NoPacksAtOffice:
                report.office_without_packs = True
                return report  # nor does it take pack receipts: they go on a stick
            if fetched is None:
                break
            result = _applied(steps, fetched)
            report.taken.append(result)
            if result.already:
                break  # the office sent a pack this device holds: asking again would loop
    except KnownError as exc:
        report.errors.append(exc)
        if isinstance(exc, OfficeUnreachable | SyncCancelled):
            return report  # the receipts would meet the same; they go with the next sync
    try:
        for sequence, _name, receipt in steps.receipts():
            if send_pack_receipt(uploader, sequence, receipt):
                steps.delivered(sequence)
                report.receipts_sent += 1
    except KnownError as exc:
        report.errors.append(exc)
    return report
