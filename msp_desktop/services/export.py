"""Bundles to a folder (a USB stick or a shared drive), and the office's receipts back.

Export checks the workspace (S7), seals again with this device's new key what its
replaced key signed (``store.outbox``), seals what is waiting, and writes every bundle
not yet written (a bundle sealed again is written again, as a new file). The sealed
bytes stay in the encrypted workspace until the office's receipt, so a missing, full
or read-only stick costs nothing: the bundle is written the next time. Receipts are
taken one file at a time, so one refused file never stops the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from msp_desktop.errors import KnownError, StorageFull
from msp_desktop.services.files import WriteFailed, read_small, require_folder, write_public_file
from msp_desktop.store.outbox import NothingToExport, ReceiptResult
from msp_desktop.store.workspace import Workspace

__all__ = [
    "KEPT",
    "BundleWritten",
    "ExportResult",
    "NothingToExport",
    "ReceiptOutcome",
    "export_bundles",
    "import_receipts",
]

KEPT = "The bundle is kept safely on this device and is written the next time you export."


@dataclass(frozen=True)
class BundleWritten:
    """A bundle file written to the chosen folder."""

    sequence: int
    path: Path
    records: int


@dataclass(frozen=True)
class ExportResult:
    """What one export sealed (if anything new) and wrote."""

    sealed: int | None
    """The sequence number of the new bundle, or None if nothing new was waiting."""
    written: list[BundleWritten]
    pack_receipts: list[Path] = field(default_factory=list)
    """The receipts for office packs taken here, written for the office to import."""
    resealed: tuple[int, ...] = ()
    """Bundles sealed again with this device's new key (written again, as new files)."""
    key_id: str | None = None
    """The new key they were sealed with (None when none were)."""


def export_bundles(ws: Workspace, folder: Path, *, again: bool = False) -> ExportResult:
    """Check the workspace, seal what is waiting, write every unwritten bundle to ``folder``.

    ``again`` writes every bundle the office has not acknowledged (say the stick was
    lost). Raises ``NothingToExport`` when there was nothing to seal or write. A bundle
    whose write fails stays waiting; the error says so, after the bundles before it
    were written and recorded.
    """
    ws.sync.require_ready()
    # Before sealing: a bundle sealed for a folder that is not there would only wait in
    # the database, showing as sent while it is nowhere.
    require_folder(folder, "Nothing was exported.")
    sealing = ws.sync.seal_waiting(nothing_was="Nothing was exported")
    sealed = sealing.sealed
    written: list[BundleWritten] = []
    for bundle in ws.sync.bundles_to_write(again=again):
        path = Path(folder) / bundle.file_name
        try:
            # Readable by the office admin who copies it off the stick: it is encrypted.
            write_public_file(path, bundle.data)
        except (StorageFull, WriteFailed) as exc:
            raise type(exc)(f"{exc.message} {KEPT}") from exc
        ws.sync.mark_written(bundle.sequence, str(path))
        written.append(BundleWritten(bundle.sequence, path, bundle.records))
    # The receipts for office packs taken here go to the office the same way.
    receipts: list[Path] = []
    for sequence, name, data in ws.sync.pack_receipts_to_write(again=again):
        path = Path(folder) / name
        write_public_file(path, data)
        ws.sync.mark_pack_receipt_written(sequence)
        receipts.append(path)
    if sealed is None and not written and not receipts:
        raise NothingToExport("Nothing to export: every finalised record is already in a bundle.")
    return ExportResult(
        sealed=sealed,
        written=written,
        pack_receipts=receipts,
        resealed=sealing.resealed,
        key_id=sealing.key_id,
    )


@dataclass(frozen=True)
class ReceiptOutcome:
    """What one receipt file did: a result, or the error that stopped it."""

    path: Path
    result: ReceiptResult | None = None
    error: KnownError | None = None


def import_receipts(ws: Workspace, paths: Sequence[Path]) -> list[ReceiptOutcome]:
    """Check each receipt and mark its bundle's records acknowledged (S25); each file on
    its own, so one refused file never stops the others."""
    outcomes: list[ReceiptOutcome] = []
    for path in paths:
        try:
            result = ws.sync.import_receipt(read_small(path, "a receipt"))
        except KnownError as exc:
            outcomes.append(ReceiptOutcome(path, error=exc))
        else:
            outcomes.append(ReceiptOutcome(path, result=result))
    return outcomes
