"""What the workspace keeps about sending records to the office: ``ws.sync``.

Thin: each method runs one operation of ``sync_keys``, ``outbox``, ``sync_status`` or
``purge`` on the workspace's one database connection. Writing bundle files and sending
them over the network are operations of ``msp_desktop.services``, built on these.
"""

from __future__ import annotations

from msp_desktop.bundles.provisioning import Provisioning
from msp_desktop.store import office_versions, outbox, packs, purge, sync_keys, sync_status
from msp_desktop.store.database import Database
from msp_desktop.store.outbox import OutgoingBundle, ReceiptResult, Sealing

__all__ = ["SyncRepository"]


class SyncRepository:
    """Office keys, enrolment, sealed bundles, receipts, status and purge for one workspace."""

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

    def device_key_id(self) -> str | None:
        """The id of this device's signing key (the one the office enrols), once made."""
        identity = sync_keys.device_identity(self._db)
        return identity.key.key_id if identity else None

    def enrol(self, device_id: str | None = None, *, new_key: bool = False) -> bytes:
        """The signed enrolment file for the office (makes the device key the first time)."""
        return sync_keys.enrol(self._db, self._actor, device_id=device_id, new_key=new_key)

    def require_ready(self) -> None:
        """Raise ``NotReadyToSync`` unless the office keys are in and this device enrolled."""
        sync_keys.ready_to_sync(self._db)

    def check_and_seal(self, *, nothing_was: str) -> int | None:
        """Check the workspace (S7), then seal what is waiting into the next bundle: its
        sequence, or None when nothing was waiting. ``nothing_was`` starts the sentence
        should the check fail ("Nothing was exported")."""
        return outbox.check_and_seal(self._db, self._actor, nothing_was=nothing_was)

    def seal_waiting(self, *, nothing_was: str) -> Sealing:
        """``check_and_seal``, after sealing again with this device's new key every bundle
        not acknowledged that its replaced key signed (``outbox``): what was done."""
        return outbox.seal_waiting(self._db, self._actor, nothing_was=nothing_was)

    def replaced_key(self) -> bool:
        """True when this device has made a new key since its first (``msp enrol
        --new-key``): the office enrols its key with ``devices add --replace``."""
        return sync_keys.has_rotations(self._db)

    def bundles_to_write(self, *, again: bool = False) -> list[OutgoingBundle]:
        """Sealed bundles not yet written to a folder (``again``: all not acknowledged)."""
        return outbox.bundles_to_write(self._db, again=again)

    def mark_written(self, sequence: int, path: str) -> None:
        """Record where bundle ``sequence`` was written."""
        outbox.mark_written(self._db, sequence, path)

    def unacknowledged(self) -> list[OutgoingBundle]:
        """Every sealed bundle the office has not acknowledged, in sequence order."""
        return outbox.unacknowledged_bundles(self._db)

    def import_pack(self, data: bytes) -> packs.PackResult:
        """Check an office pack for this device and apply it whole (docs/bundle-format §9)."""
        return packs.apply_pack(self._db, self._actor, data)

    def pack_receipts_to_write(self, *, again: bool = False) -> list[tuple[int, str, bytes]]:
        """The signed receipts for office packs not yet written for the office."""
        return packs.pack_receipts_to_write(self._db, again=again)

    def pack_request(self) -> str | None:
        """The signed request for the office packs after the last applied (None: this
        device has no pack key yet)."""
        return packs.pack_request(self._db)

    def mark_pack_receipt_written(self, sequence: int) -> None:
        """Note that a pack receipt was written for the office, or taken by its inbox."""
        packs.mark_pack_receipt_written(self._db, sequence)

    def is_shared(self, person_id: str) -> bool:
        """Whether the office shares this person's case with this device to read only."""
        return bool(
            self._db.scalar("SELECT 1 FROM shared_people WHERE person_id = ?", (person_id,))
        )

    def office_changes(self, person_id: str) -> list[office_versions.OfficeChange]:
        """The office's corrections and decisions taken into this person's records."""
        return office_versions.office_changes(self._db, person_id)

    def office_versions(self, person_id: str) -> list[office_versions.OfficeVersion]:
        """The office's versions kept beside this person's records the worker changed."""
        return office_versions.office_versions(self._db, person_id)

    def keep_mine(self, conflict_id: int) -> None:
        """Keep the worker's record; set the office's version beside it aside."""
        office_versions.keep_mine(self._db, self._actor, conflict_id)

    def use_office_version(self, conflict_id: int) -> None:
        """Make the office's version the record here (once the worker's is at the office)."""
        office_versions.use_office_version(self._db, self._actor, conflict_id)

    def import_receipt(self, data: bytes) -> ReceiptResult:
        """Mark a bundle's records acknowledged on the office's signed receipt (S25)."""
        return outbox.acknowledge_receipt(self._db, self._actor, data)

    def status(self) -> sync_status.SyncStatus:
        """Every record's state and every bundle."""
        return sync_status.sync_status(self._db)

    def purge(self, older_than_days: int) -> purge.PurgeResult:
        """Remove closed, acknowledged records after the grace period (S25)."""
        return purge.purge_acknowledged(self._db, self._actor, older_than_days)
