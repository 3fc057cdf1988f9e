"""Records to the office over the network: seal, send each bundle, take each receipt.

The office keys name the inbox (``inbox_url``) and pin its certificate
(``tls_sha256``). A sync settles the address first (without one, nothing changes),
checks the workspace and seals what is waiting (S7), then sends every bundle the office
has not acknowledged, oldest first. A bundle is acknowledged only on the office's
signed receipt for exactly that bundle (S25); anything else leaves it queued for the
next sync.

Then the device fetches the office packs waiting for it and sends their receipts
(``pack_sync``). ``msp sync`` runs ``sync_now``. The desktop app runs the same steps
apart, because the network waits must not hold its database thread: ``prepare``,
``take_receipt`` and the pack steps on the database thread, the requests on a thread
of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from msp_desktop.bundles import verify_receipt
from msp_desktop.bundles.errors import ReceiptRejected
from msp_desktop.bundles.provisioning import Provisioning, check_inbox_url
from msp_desktop.errors import InvalidInput, KnownError
from msp_desktop.network.proxy import proxy_for
from msp_desktop.network.uploader import (
    Endpoint,
    KeyRefused,
    OfficeRefused,
    OfficeUnreachable,
    ReplayRefused,
    SyncCancelled,
    Uploader,
)
from msp_desktop.services.key_refusal import explain_key_refusal, resealed_sentence
from msp_desktop.services.pack_sync import PacksReport, fetch_packs, workspace_steps
from msp_desktop.services.replay_refusal import explain_replay
from msp_desktop.store.outbox import OutgoingBundle, ReceiptResult
from msp_desktop.store.sync_keys import NO_OFFICE_KEYS, NotReadyToSync
from msp_desktop.store.workspace import Workspace

__all__ = [
    "BundleOutcome",
    "NoInboxAddress",
    "Prepared",
    "SyncReport",
    "endpoint_for",
    "prepare",
    "sync_now",
    "take_receipt",
    "upload_all",
]


class NoInboxAddress(NotReadyToSync):
    """The office keys name no inbox address and none was given (exit 12)."""


def endpoint_for(provisioning: Provisioning | None, url: str | None = None) -> Endpoint:
    """The office's inbox: ``url`` if given, else the provisioned address; the provisioned
    certificate pin applies to either (an office's certificate is its own, whatever
    address reaches it)."""
    if provisioning is None:
        raise NotReadyToSync(NO_OFFICE_KEYS)
    if url is None:
        if provisioning.inbox_url is None:
            raise NoInboxAddress(
                f"{provisioning.office_name} takes records on a USB stick or in a folder, "
                "not over the network: use msp export --to DIR (or msp sync --url URL if "
                "the office gave you an address)."
            )
        url = provisioning.inbox_url
    else:
        try:
            check_inbox_url(url)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
    pin = provisioning.tls_sha256 if url.startswith("https://") else None
    return Endpoint(url, pin)


@dataclass(frozen=True)
class Prepared:
    """What one sync sends, and where: the bundle sealed now (if anything was waiting)
    and every bundle not yet acknowledged, in sequence order; the bundles sealed again
    with this device's new key first (``resealed``, with ``key_id``), and whether this
    device has replaced its key (``replacing``: how the office enrols it)."""

    endpoint: Endpoint
    sealed: int | None
    bundles: list[OutgoingBundle]
    resealed: tuple[int, ...] = ()
    key_id: str | None = None
    replacing: bool = False
    device_id: str | None = None
    """This device's id: a replay refusal names it in the office's command."""


def prepare(ws: Workspace, url: str | None = None) -> Prepared:
    """The office's address first (without one nothing is sealed), then check the
    workspace, seal what is waiting and read every bundle not yet acknowledged.

    The same checks as an export (S7): a damaged workspace seals and sends nothing;
    nor does a proxy setting that cannot be used (``network.proxy``).
    """
    endpoint = endpoint_for(ws.sync.office_keys(), url)
    proxy_for(endpoint.url)  # a proxy setting that cannot work is said before sealing
    ws.sync.require_ready()
    sealing = ws.sync.seal_waiting(nothing_was="Nothing was sent")
    return Prepared(
        endpoint,
        sealing.sealed,
        ws.sync.unacknowledged(),
        resealed=sealing.resealed,
        key_id=sealing.key_id,
        replacing=ws.sync.replaced_key(),
        device_id=ws.sync.device_id(),
    )


def take_receipt(ws: Workspace, bundle: OutgoingBundle, answer: bytes) -> ReceiptResult:
    """The office's answer for ``bundle``: acknowledged only if it is the office's signed
    receipt for exactly that bundle; ``ReceiptRejected`` otherwise (it stays queued)."""
    provisioning = ws.sync.office_keys()
    if provisioning is None:
        raise NotReadyToSync("This workspace has no office keys any more; nothing was changed.")
    try:
        verify_receipt(answer, provisioning.office_key, bundle_sha256=bundle.sha256)
        return ws.sync.import_receipt(answer)
    except ReceiptRejected as exc:
        raise ReceiptRejected(
            f"The office's answer for bundle {bundle.sequence} is not a receipt this device "
            f"can trust ({exc.message.rstrip('.')}); it stays queued. Tell the office."
        ) from None


@dataclass(frozen=True)
class BundleOutcome:
    """What happened to one bundle: confirmed (``result``) or the ``error`` that stopped it."""

    sequence: int
    records: int
    result: ReceiptResult | None = None
    error: KnownError | None = None

    @property
    def confirmed(self) -> bool:
        """The office's receipt was verified and the records are acknowledged."""
        return self.result is not None


def _bundles(numbers: Sequence[int]) -> str:
    items = [str(n) for n in numbers]
    joined = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
    return f"bundle {joined}" if len(items) == 1 else f"bundles {joined}"


@dataclass(frozen=True)
class SyncReport:
    """A whole sync: what was sealed, each bundle's outcome, and the bundles not tried."""

    sealed: int | None
    outcomes: list[BundleOutcome]
    not_tried: list[int] = field(default_factory=list)
    packs: PacksReport | None = None
    """The office packs fetched after the bundles (None: not asked for)."""
    resealed: tuple[int, ...] = ()
    """The bundles sealed again with this device's new key before sending."""
    key_id: str | None = None
    """The new key they were sealed with (None when none were)."""

    @property
    def confirmed(self) -> list[BundleOutcome]:
        """Bundles the office confirmed in this sync."""
        return [o for o in self.outcomes if o.confirmed]

    @property
    def records_confirmed(self) -> int:
        """Records acknowledged by this sync (not those acknowledged before)."""
        return sum(o.records for o in self.confirmed if o.result and not o.result.already)

    @property
    def errors(self) -> list[KnownError]:
        """Each failure, in the order met (the bundles', then the office packs')."""
        found = [o.error for o in self.outcomes if o.error is not None]
        return found + (self.packs.errors if self.packs is not None else [])

    @property
    def stops_packs(self) -> bool:
        """A bundle failure that fetching packs would meet too (the office unreachable or
        not trusted, the sync stopped, this device not taken)."""
        return any(
            isinstance(error, OfficeUnreachable | SyncCancelled)
            or (isinstance(error, OfficeRefused) and error.stops_all)
            for error in self.errors
        )

    @property
    def ok(self) -> bool:
        """Every bundle confirmed (or there was nothing to send)."""
        return not self.errors and not self.not_tried

    @property
    def exit_code(self) -> int:
        """0 when everything is confirmed, else the first failure's exit code."""
        errors = self.errors
        return 0 if not errors else errors[0].exit_code

    def done_lines(self) -> list[str]:
        """What went well, in plain sentences (the ``msp sync`` summary)."""
        resealed = resealed_sentence(self.resealed, self.key_id)
        lines: list[str] = [resealed] if resealed else []
        if not self.outcomes:
            return [*lines, "Nothing to send: every finalised record is confirmed by the office."]
        new = [o for o in self.confirmed if o.result and not o.result.already]
        if new:
            count = self.records_confirmed
            lines.append(
                f"{count} {'record' if count == 1 else 'records'} sent and confirmed by the "
                f"office ({_bundles([o.sequence for o in new])})."
            )
        again = [o.sequence for o in self.confirmed if o.result and o.result.already]
        if again:
            were = "was" if len(again) == 1 else "were"
            lines.append(f"{_bundles(again).capitalize()} {were} already confirmed.")
        return lines

    def failure_lines(self) -> list[str]:
        """What failed, one sentence each, and that everything else stays queued."""
        lines = [error.message for error in self.errors]
        if self.not_tried:
            lines.append(f"{_bundles(self.not_tried).capitalize()} not sent this time.")
        if lines:
            lines.append(
                "Everything not confirmed stays queued on this device and is sent the next "
                "time you sync."
            )
        return lines


def upload_all(
    prepared: Prepared,
    uploader: Uploader,
    accept: Callable[[OutgoingBundle, bytes], ReceiptResult],
    *,
    progress: Callable[[int, int, OutgoingBundle], None] | None = None,
) -> SyncReport:
    """Send each bundle in turn and ``accept`` each answer; a report of what happened.

    A refusal of one bundle moves on to the next; a failure that would fail for every
    bundle (unreachable, not the office's certificate, a receipt that does not verify,
    this device not enrolled) stops the sync, leaving the rest untried and queued.
    """
    outcomes: list[BundleOutcome] = []
    total = len(prepared.bundles)
    for index, bundle in enumerate(prepared.bundles, start=1):
        if progress is not None:
            progress(index, total, bundle)
        try:
            answer = uploader.send(bundle.sequence, bundle.data)
            result = accept(bundle, answer)
        except OfficeRefused as exc:
            if isinstance(exc, KeyRefused):
                exc = explain_key_refusal(exc, replacing=prepared.replacing)
            elif isinstance(exc, ReplayRefused):
                exc = explain_replay(exc, prepared.device_id)
            outcomes.append(BundleOutcome(bundle.sequence, bundle.records, error=exc))
            if exc.stops_all:
                break
            continue
        except KnownError as exc:
            outcomes.append(BundleOutcome(bundle.sequence, bundle.records, error=exc))
            break
        outcomes.append(BundleOutcome(bundle.sequence, bundle.records, result=result))
    not_tried = [b.sequence for b in prepared.bundles[len(outcomes) :]]
    return SyncReport(
        prepared.sealed,
        outcomes,
        not_tried,
        resealed=prepared.resealed,
        key_id=prepared.key_id,
    )


def sync_now(
    ws: Workspace,
    url: str | None = None,
    *,
    sleep: Callable[[float], object] | None = None,
    progress: Callable[[int, int, OutgoingBundle], None] | None = None,
    on_retry: Callable[[str, float], None] | None = None,
) -> SyncReport:
    """Seal what is waiting and send every unacknowledged bundle, then fetch and apply
    the office's packs and send their receipts (``msp sync``; ``pack_sync``).

    The address is settled before anything is sealed: without one, nothing changes.
    """
    prepared = prepare(ws, url)
    uploader = Uploader(prepared.endpoint, sleep=sleep, on_retry=on_retry)
    report = upload_all(
        prepared,
        uploader,
        lambda bundle, answer: take_receipt(ws, bundle, answer),
        progress=progress,
    )
    if report.stops_packs:
        return report
    return dataclasses.replace(report, packs=fetch_packs(uploader, workspace_steps(ws)))
