"""What the sync page asks of the workspace: plain functions run on the database thread.

Each is one operation composed from the public store API (``ws.sync``, ``ws.people``,
``ws.concerns``, ``ws.visits``, ``ws.import_office_keys``) and returns plain values, so
the GUI thread never touches the workspace. File reads and writes happen here too, off
the GUI thread: a USB stick or a network share can be slow.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from msp_desktop.atomic import write_atomic
from msp_desktop.bundles.provisioning import Provisioning, read_provisioning
from msp_desktop.errors import InvalidInput, KnownError, StorageFull
from msp_desktop.store import Workspace
from msp_desktop.store.outbox import BundleNotWritten, ExportResult, ReceiptResult
from msp_desktop.store.sync_status import SyncState, SyncStatus
from msp_desktop.store.uploader import (
    Endpoint,
    Outgoing,
    OutgoingBundle,
    accept_receipt,
    endpoint_for,
)
from ui.i18n import tr, tr_marked
from ui.sync.sync_words import KEPT

# A keys file or a receipt is a few kilobytes; anything far larger is not one.
MAX_SMALL_FILE = 64 * 1024
KIND_ORDER = {"person": 0, "concern": 1, "visit": 2}


class WriteFailed(KnownError):
    """A file could not be written for a reason other than a full disk."""


@dataclass(frozen=True)
class SyncRow:
    """One row of the sync table: one record (one revision, for visits)."""

    kind: str
    record_id: str
    person: str
    on: date | None  # the day a concern was raised, or of the visit
    revision: int | None
    state: SyncState
    bundle: int | None
    written: bool  # False while its bundle has not been written to any folder yet


@dataclass(frozen=True)
class SyncView:
    """Everything the page shows, read in one operation."""

    status: SyncStatus
    rows: list[SyncRow]
    inbox_url: str | None = None
    """Where the office takes bundles over the network; None: on a stick or in a folder."""

    @property
    def ready(self) -> bool:
        """Office keys imported and this device enrolled: export and receipts work."""
        return self.status.office is not None and self.status.device_id is not None

    @property
    def unwritten(self) -> list[int]:
        """Bundles sealed but not yet written to any folder (say the disk was full)."""
        return [
            b.sequence
            for b in self.status.bundles
            if b.written_at is None and b.acknowledged_at is None
        ]


@dataclass(frozen=True)
class ReceiptOutcome:
    """What one receipt file did: a result, or the error that stopped it."""

    name: str
    result: ReceiptResult | None = None
    error: KnownError | None = None


def load_view(ws: Workspace) -> SyncView:
    """The status, with each record named by its person and dated (a few queries)."""
    status = ws.sync.status()
    provisioning = ws.sync.office_keys()
    inbox_url = provisioning.inbox_url if provisioning is not None else None
    names = {p.id: p.name for p in ws.people.search("", limit=max(ws.people.count(), 1))}
    visits = {v.id: v for v in ws.visits.list(limit=max(ws.visits.count(), 1))}
    concerns: dict[str, tuple[str, date | None]] = {}
    if any(r.kind == "concern" for r in status.records):
        for person_id in names:
            for concern in ws.concerns.for_person(person_id):
                concerns[concern.id] = (concern.person_id, concern.raised_on)
    unwritten = {b.sequence for b in status.bundles if b.written_at is None}
    rows: list[SyncRow] = []
    for record in status.records:
        person_id, on = record.record_id, None
        if record.kind == "concern" and record.record_id in concerns:
            person_id, on = concerns[record.record_id]
        elif record.kind == "visit" and record.record_id in visits:
            visit = visits[record.record_id]
            person_id, on = visit.person_id, visit.visit_date
        rows.append(
            SyncRow(
                kind=record.kind,
                record_id=record.record_id,
                person=names.get(person_id, "—"),
                on=on,
                revision=record.revision,
                state=record.state,
                bundle=record.bundle,
                # Over the network there is no folder: a bundle waits for its receipt.
                written=inbox_url is not None or record.bundle not in unwritten,
            )
        )
    # Grouped by person, so a worker finds someone's records together.
    rows.sort(
        key=lambda r: (
            r.person.casefold(),
            KIND_ORDER.get(r.kind, 3),
            r.on or date.min,
            r.record_id,
            r.revision or 0,
        )
    )
    return SyncView(status, rows, inbox_url)


def _could_not_write(folder: Path, exc: OSError) -> WriteFailed:
    if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        reason = tr(
            "Could not write to {folder}: it cannot be written to "
            "(is the USB stick locked or read-only?).",
            folder=folder,
        )
    else:
        reason = tr(
            "Could not write to {folder} ({why}).", folder=folder, why=exc.strerror or "error"
        )
    return WriteFailed(reason)


def _kept(ws: Workspace) -> bool:
    """Whether a sealed bundle is waiting on this device to be written."""
    return any(b.written_at is None and b.acknowledged_at is None for b in ws.sync.status().bundles)


def export_to(ws: Workspace, folder: Path, again: bool) -> ExportResult:
    """``ws.sync.export``, with every OS failure said in words, and whether the bundle
    is safe on this device when it could not be written."""
    if not folder.is_dir():
        # Asked before anything is sealed, so a missing stick changes nothing.
        raise InvalidInput(
            tr("The folder {folder} does not exist (is the USB stick plugged in?).", folder=folder)
        )
    try:
        return ws.sync.export(folder, again=again)
    except StorageFull as exc:
        if not _kept(ws):
            raise
        raise StorageFull(f"{exc.message} {tr_marked(KEPT)}") from exc
    except BundleNotWritten as exc:  # said again in the page's words (translatable)
        failed = _could_not_write(folder, exc.cause)
        if _kept(ws):
            failed = WriteFailed(f"{failed.message} {tr_marked(KEPT)}")
        raise failed from exc


def read_small(path: Path, what: str) -> bytes:
    """The bytes of a small file (a receipt, a keys file), or one sentence why not."""
    try:
        if path.stat().st_size > MAX_SMALL_FILE:
            raise InvalidInput(tr("The file is far too large to be {what}.", what=what))
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(tr("The file is no longer there.")) from None
    except IsADirectoryError:
        raise InvalidInput(tr("That is a folder, not {what}.", what=what)) from None
    except OSError as exc:
        raise InvalidInput(
            tr("The file could not be read ({why}).", why=exc.strerror or "error")
        ) from None


def import_receipts(ws: Workspace, paths: list[Path]) -> list[ReceiptOutcome]:
    """Each receipt on its own: one refused file never stops the others."""
    outcomes: list[ReceiptOutcome] = []
    for path in paths:
        try:
            result = ws.sync.import_receipt(read_small(path, tr("a receipt")))
        except KnownError as exc:
            outcomes.append(ReceiptOutcome(path.name, error=exc))
        else:
            outcomes.append(ReceiptOutcome(path.name, result=result))
    return outcomes


def check_keys_file(path: Path) -> tuple[bytes, Provisioning]:
    """Read an office keys file and check its signature; changes nothing."""
    data = read_small(path, tr("an office keys file"))
    return data, read_provisioning(data)


def trust_office(ws: Workspace, data: bytes, key_id: str) -> Provisioning:
    """Import the keys file whose key id the worker has checked with the office."""
    return ws.import_office_keys(data, key_id)


def write_enrolment(ws: Workspace, path: Path) -> str:
    """Write this device's enrolment file to ``path``; returns the device id."""
    data = ws.sync.enrol()
    try:
        # Public data only (device id, worker's name, public key): the office reads it.
        write_atomic(path, data, mode=0o644)
    except OSError as exc:
        raise _could_not_write(path.parent, exc) from exc
    return ws.sync.device_id() or ""


@dataclass(frozen=True)
class Prepared:
    """What "Sync now" sends, and where: read and sealed on the database thread."""

    endpoint: Endpoint
    outgoing: Outgoing


def prepare_sync(ws: Workspace) -> Prepared:
    """The office's address first (without one nothing is sealed), then check the
    workspace, seal what is waiting and read every bundle not yet acknowledged."""
    endpoint = endpoint_for(ws.sync.office_keys())
    return Prepared(endpoint, ws.sync.prepare_upload())


def take_receipt(ws: Workspace, bundle: OutgoingBundle, answer: bytes) -> ReceiptResult:
    """The office's answer for ``bundle``: acknowledged only if it is the office's
    signed receipt for exactly that bundle."""
    return accept_receipt(ws.sync, bundle, answer)
