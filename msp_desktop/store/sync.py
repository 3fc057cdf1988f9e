"""Sync with the office, as one object on the workspace: ``ws.sync``.

Thin: each method runs one operation of ``sync_keys``, ``outbox``, ``uploader``,
``sync_status`` or ``purge`` on the workspace's one database connection. Export and
sending over the network check the workspace first (S7): a damaged workspace never
seals a bundle.
"""

from __future__ import annotations

from pathlib import Path

from msp_desktop.bundles.provisioning import Provisioning
from msp_desktop.errors import InvalidInput
from msp_desktop.store import outbox, purge, sync_keys, sync_status, uploader
from msp_desktop.store.database import Database
from msp_desktop.store.outbox import ExportResult, NothingToExport, ReceiptResult

__all__ = ["SyncRepository"]


class SyncRepository:
    """Office keys, enrolment, export, receipts, status and purge for one workspace."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor

    def office_keys(self) -> Provisioning | None:
        """The office this workspace sends to, if provisioned."""
        return sync_keys.office_keys(self._db)

    def device_id(self) -> str | None:
        """This device's id, once enrolled."""
        identity = sync_keys.device_identity(self._db)
        return identity.device_id if identity else None

    def enrol(self, device_id: str | None = None, *, new_key: bool = False) -> bytes:
        """The signed enrolment file for the office (makes the device key the first time)."""
        return sync_keys.enrol(self._db, self._actor, device_id=device_id, new_key=new_key)

    def export(self, folder: Path, *, again: bool = False) -> ExportResult:
        """Check the workspace, seal what is waiting, write every unwritten bundle.

        ``again`` writes every bundle the office has not acknowledged (say the stick
        was lost). Raises ``NothingToExport`` when there was nothing to seal or write.
        """
        sync_keys.ready_to_sync(self._db)
        if not Path(folder).is_dir():
            # Before sealing: a bundle sealed for a folder that is not there would only
            # wait in the database, showing as sent while it is nowhere.
            raise InvalidInput(
                f"The folder {folder} does not exist (is the USB stick plugged in?). "
                "Nothing was exported."
            )
        sealed = outbox.check_and_seal(self._db, self._actor, nothing_was="Nothing was exported")
        written = outbox.write_pending(self._db, Path(folder), again=again)
        if sealed is None and not written:
            raise NothingToExport(
                "Nothing to export: every finalised record is already in a bundle."
            )
        return ExportResult(sealed=sealed, written=written)

    def prepare_upload(self) -> uploader.Outgoing:
        """Check the workspace, seal what is waiting (as ``export`` does, writing no
        file), and list every bundle the office has not acknowledged, to send it."""
        return uploader.prepare_upload(self._db, self._actor)

    def import_receipt(self, data: bytes) -> ReceiptResult:
        """Mark a bundle's records acknowledged on the office's signed receipt (S25)."""
        return outbox.acknowledge_receipt(self._db, self._actor, data)

    def status(self) -> sync_status.SyncStatus:
        """Every record's state and every bundle."""
        return sync_status.sync_status(self._db)

    def purge(self, older_than_days: int) -> purge.PurgeResult:
        """Remove closed, acknowledged records after the grace period (S25)."""
        return purge.purge_acknowledged(self._db, self._actor, older_than_days)
