"""The encrypted workspace: a folder holding the database and its key file.

```
<folder>/workspace.db          SQLCipher 4, random 256-bit raw key
<folder>/workspace.keys.json   the raw key wrapped by the passphrase (Argon2id + AES-GCM)
<folder>/backups.json          where the verified backups are (no personal data)
```

Opening never writes before the passphrase is proven right, so a wrong passphrase
leaves every file byte-identical (S5); nothing here ever deletes or recreates a
workspace that exists.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from msp_desktop import fault_points
from msp_desktop.atomic import fsync_directory
from msp_desktop.bundles.age import AgeIdentity, AgeRecipient
from msp_desktop.bundles.provisioning import Provisioning
from msp_desktop.errors import (
    InvalidInput,
    WorkspaceBusy,
    WorkspaceDamaged,
    WorkspaceExists,
    WorkspaceMissing,
    WorkspaceReadOnly,
    WorkspaceReplaced,
)
from msp_desktop.model import new_id
from msp_desktop.owner_only import (
    PRIVATE_FOLDER,
    create_private_file,
    make_private,
    make_private_folder,
)
from msp_desktop.store import audit, rekey, service_details, sync_keys
from msp_desktop.store import backup as backups
from msp_desktop.store.actions import ActionsRepository
from msp_desktop.store.clock import utc_now
from msp_desktop.store.concerns import ConcernsRepository
from msp_desktop.store.connection import DatabaseErrors, cipher_integrity_problems, open_encrypted
from msp_desktop.store.contacts import ContactsRepository
from msp_desktop.store.copies import CopiesRepository, audit_document
from msp_desktop.store.database import Database
from msp_desktop.store.folder_state import (
    damaged_message,
    file_identity,
    finish_interrupted,
    has_plan,
    on_read_only_media,
    refuse_on_read_only_media,
)
from msp_desktop.store.health import HealthReport, check_workspace
from msp_desktop.store.key_memory import KeyBuffer, wipe
from msp_desktop.store.keyslots import (
    KeyFile,
    check_passphrase_strength,
    load_key_file,
    new_raw_key,
    seal_passphrase_slot,
)
from msp_desktop.store.layout import DB_NAME, KEYS_NAME
from msp_desktop.store.migrations import LATEST_VERSION, migrate, schema_version
from msp_desktop.store.owner_lock import Holder, OwnerLock
from msp_desktop.store.people import PeopleRepository
from msp_desktop.store.recovery import seal_recovery_slot
from msp_desktop.store.restore import STAGING, restore_backup
from msp_desktop.store.space import disk_full_error, is_disk_error
from msp_desktop.store.sync import SyncRepository
from msp_desktop.store.visits import VisitsRepository

PLACE_KEY = "resume_place"
__all__ = ["DB_NAME", "KEYS_NAME", "Holder", "Workspace"]


def _worker_name(text: str) -> str:
    """The worker's name as records, bundles and enrolment carry it (trimmed, plain)."""
    name = " ".join(text.split())
    if not name or len(name) > 200 or not name.isprintable():
        raise InvalidInput("Give the worker's name: 1 to 200 letters, without control characters.")
    return name


class Workspace:
    """An unlocked workspace: the one owner of its database connection."""

    def __init__(
        self,
        folder: Path,
        db: Database,
        raw_key: KeyBuffer,
        key_file: KeyFile,
        *,
        lock: OwnerLock | None = None,
        read_only: bool = False,
    ) -> None:
        self.folder = folder
        self.db = db
        self._lock = lock
        self.read_only = read_only
        # The files this connection writes to; should they be replaced under it (another
        # program restored a backup), saving here would write where no one looks.
        self._opened_as = file_identity(folder)
        db.guard = self._refuse_if_not_ours
        # This object owns the key's one buffer from here on, and wipes it on close.
        self._raw_key: KeyBuffer | None = raw_key
        self._key_file = key_file
        self.worker = str(db.scalar("SELECT value FROM meta WHERE key = 'worker'") or "")
        self.workspace_id = key_file.workspace_id
        self.people = PeopleRepository(db, self.worker)
        self.concerns = ConcernsRepository(db, self.worker)
        self.actions = ActionsRepository(db, self.worker)
        self.contacts = ContactsRepository(db, self.worker)
        self.visits = VisitsRepository(db, self.worker, self.concerns, self.actions)
        self.copies = CopiesRepository(db, self.worker)
        self.sync = SyncRepository(db, self.worker)

    def _refuse_if_not_ours(self) -> None:
        if self.read_only:
            raise WorkspaceReadOnly(
                f"The workspace in {self.folder} is on read-only media, so it is open to "
                "read only and nothing can be changed. Copy the folder to a writable disk "
                "to work in it."
            )
        if file_identity(self.folder) != self._opened_as:
            raise WorkspaceReplaced(
                f"The workspace files in {self.folder} were replaced by another program "
                "(for example a restore) while they were open here, so nothing more is "
                "saved. Copy any unsaved text, then close MSP Desktop and unlock again."
            )

    # -- paths -------------------------------------------------------------------------

    @staticmethod
    def db_path(folder: Path) -> Path:
        """Where the database of a workspace folder is."""
        return Path(folder) / DB_NAME

    @staticmethod
    def keys_path(folder: Path) -> Path:
        """Where the key file of a workspace folder is."""
        return Path(folder) / KEYS_NAME

    @staticmethod
    def exists(folder: Path) -> bool:
        """True when the folder holds any part of a workspace."""
        return Workspace.db_path(folder).exists() or Workspace.keys_path(folder).exists()

    # -- create and open ---------------------------------------------------------------

    @classmethod
    def create(
        cls, folder: Path, passphrase: str, worker: str, holder: Holder = Holder.COMMAND
    ) -> Workspace:
        """Create a new workspace; refuses if any part of one is already there."""
        folder = Path(folder).absolute()
        check_passphrase_strength(passphrase)
        worker = _worker_name(worker)
        if cls.exists(folder):
            raise WorkspaceExists(
                f"A workspace already exists in {folder}; it was left as it is. "
                "Unlock it, or choose another folder."
            )
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        with contextlib.suppress(OSError):  # e.g. a disk that keeps no permissions
            make_private(folder)
        lock = OwnerLock.shared(folder, holder)
        try:
            return cls._create_locked(folder, passphrase, worker, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _build(
        cls, folder: Path, passphrase: str, worker: str, lock: OwnerLock, raw_key: KeyBuffer
    ) -> Workspace:
        workspace_id = new_id()
        # Build the database under a temporary name and move it into place only once
        # its key file is safely written, so a crash never leaves a keyless database.
        building = folder / f".{DB_NAME}.creating"
        for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        create_private_file(building)
        db = Database(open_encrypted(building, raw_key))
        try:
            migrate(db)
            with db.transaction():
                for key, value in (
                    ("workspace_id", workspace_id),
                    ("worker", worker),
                    ("created_at", utc_now()),
                ):
                    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))
        finally:
            db.close()
        key_file = KeyFile(
            cls.keys_path(folder),
            workspace_id,
            (seal_passphrase_slot(raw_key, passphrase, workspace_id),),
        )
        key_file.save()
        os.replace(building, cls.db_path(folder))
        fsync_directory(folder)
        return cls._open_with_key(folder, raw_key, key_file, lock=lock)

    @classmethod
    def _create_locked(
        cls, folder: Path, passphrase: str, worker: str, lock: OwnerLock
    ) -> Workspace:
        raw_key = new_raw_key()
        try:
            return cls._build(folder, passphrase, worker, lock, raw_key)
        except BaseException:
            wipe(raw_key)
            raise

    @classmethod
    def open(cls, folder: Path, passphrase: str, holder: Holder = Holder.COMMAND) -> Workspace:
        """Unlock a workspace; wrong passphrase and damage raise without writing.

        ``holder`` names who opens it (the app or a command) in another process's
        refusal. On read-only media the workspace opens to read only (``read_only``).
        """
        folder = Path(folder).absolute()
        read_only = folder.is_dir() and on_read_only_media(folder)
        if not read_only and ((folder / STAGING).exists() or (folder / rekey.STAGING).exists()):
            try:
                with OwnerLock.exclusive(folder, "finish an interrupted restore or re-key"):
                    finish_interrupted(folder)
            except WorkspaceBusy:
                if has_plan(folder):
                    raise  # half swapped: opening now could see a mixture
                # Only a copy left before a plan: harmless, cleared by the next one alone.
        lock = OwnerLock.shared(folder, holder) if folder.is_dir() else None
        try:
            db_path, keys_path = cls.db_path(folder), cls.keys_path(folder)
            if not db_path.exists() and not keys_path.exists():
                raise WorkspaceMissing(
                    f"There is no workspace in {folder}. Create one with: msp init"
                )
            if not keys_path.exists():
                raise WorkspaceDamaged(damaged_message(folder, "its key file is missing"))
            if not db_path.exists():
                raise WorkspaceDamaged(damaged_message(folder, "its database file is missing"))
            key_file = load_key_file(keys_path)
            raw_key = key_file.unwrap(passphrase)
            try:
                ws = cls._open_with_key(folder, raw_key, key_file, lock=lock, read_only=read_only)
            except BaseException:
                wipe(raw_key)
                raise
            if not read_only:  # a re-key's old files, kept until the new key opened here
                rekey.remove_old_files(folder)
            return ws
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    @classmethod
    def _open_with_key(
        cls,
        folder: Path,
        raw_key: KeyBuffer,
        key_file: KeyFile,
        *,
        lock: OwnerLock | None = None,
        read_only: bool = False,
    ) -> Workspace:
        try:
            db = Database(open_encrypted(cls.db_path(folder), raw_key, read_only=read_only))
        except WorkspaceDamaged:
            raise WorkspaceDamaged(damaged_message(folder, "the database cannot be read")) from None
        try:
            # Every page's HMAC is checked before any write, so a damaged page is
            # found here rather than half-way through a save (S6).
            if cipher_integrity_problems(db.connection):
                raise WorkspaceDamaged(damaged_message(folder, "some pages fail their check"))
            stored_id = db.scalar("SELECT value FROM meta WHERE key = 'workspace_id'")
            if stored_id != key_file.workspace_id:
                raise WorkspaceDamaged(
                    damaged_message(folder, "the key file belongs to another workspace")
                )
            if not read_only:
                cls._upgrade(folder, db, raw_key, key_file)
            elif schema_version(db) != LATEST_VERSION:
                raise WorkspaceReadOnly(
                    f"The workspace in {folder} is on read-only media and was made by "
                    "another version of MSP Desktop; copy the folder to a writable disk "
                    "to open it."
                )
        except DatabaseErrors as exc:
            db.close()
            if is_disk_error(exc):
                raise disk_full_error(folder, "open the workspace") from exc
            raise WorkspaceDamaged(
                damaged_message(folder, f"reading it failed: {type(exc).__name__}")
            ) from None
        except BaseException:
            db.close()
            raise
        return cls(folder, db, raw_key, key_file, lock=lock, read_only=read_only)

    @staticmethod
    def _upgrade(folder: Path, db: Database, raw_key: bytes | bytearray, key_file: KeyFile) -> None:
        """Migrate an older workspace, after a verified backup of it as it was."""
        version = schema_version(db)
        if version > LATEST_VERSION:
            migrate(db)  # raises the plain "newer version" error, changing nothing
        if 0 < version < LATEST_VERSION:
            # An upgrade rewrites tables; keep the workspace as it was, verified, so a
            # failed or faulty upgrade can never cost a saved record.
            stamp = utc_now()[:19].replace(":", "")
            kept = folder / "backups" / f"before-upgrade-from-v{version}-{stamp}.db"
            make_private_folder(kept.parent)
            backups.record_backup(
                folder, backups.make_backup(db, raw_key, key_file.to_json(), kept)
            )
        migrate(db)

    # -- key management ----------------------------------------------------------------

    @classmethod
    def change_passphrase(cls, folder: Path, old: str, new: str) -> None:
        """Rewrap the database key under a new passphrase (S13): the database is untouched."""
        folder = Path(folder).absolute()
        check_passphrase_strength(new)
        keys_path = cls.keys_path(folder)
        if not keys_path.exists():
            raise WorkspaceMissing(f"There is no workspace in {folder}.")
        refuse_on_read_only_media(folder, "change the passphrase")
        with OwnerLock.exclusive(folder, "change the passphrase"):
            finish_interrupted(folder)
            key_file = load_key_file(keys_path)
            raw_key = key_file.unwrap(old)
            try:
                key_file.with_passphrase_slot(
                    seal_passphrase_slot(raw_key, new, key_file.workspace_id)
                ).save()
            finally:
                wipe(raw_key)
            # Each backup's own key file still has the old passphrase: the list says so.
            backups.mark_old_passphrase(folder)

    @classmethod
    def rekey(cls, folder: Path, old: str, new: str) -> rekey.RekeyResult:
        """Replace the database key itself, for a passphrase that may be known
        (``msp_desktop.store.rekey``): afterwards no older key file, with any
        passphrase, opens the workspace. Refuses while anyone has it open.
        """
        folder = Path(folder).absolute()
        check_passphrase_strength(new)
        if new == old:
            raise InvalidInput(rekey.MUST_DIFFER)
        keys_path = cls.keys_path(folder)
        if not keys_path.exists():
            raise WorkspaceMissing(f"There is no workspace in {folder}.")
        refuse_on_read_only_media(folder, "change the database key")
        with OwnerLock.exclusive(folder, "change the database key"):
            finish_interrupted(folder)
            key_file = load_key_file(keys_path)
            old_key = key_file.unwrap(old)  # a wrong passphrase stops here, unchanged
            with cls._open_with_key(folder, old_key, key_file) as ws:
                rekey.remove_old_files(folder)  # an earlier re-key's: this one opened
                result = rekey.prepare_rekey(folder, ws.db, key_file, new, ws.worker)
            rekey.commit_rekey(folder)  # the point of no return
            fault_points.reached("rekey-verify-new")
            placed = load_key_file(keys_path)
            cls._open_with_key(folder, placed.unwrap(new), placed).close()
            rekey.remove_old_files(folder)
        return result

    # -- office recovery ---------------------------------------------------------------

    def add_recovery_slot(self, recipient: AgeRecipient) -> None:
        """Seal the database key to the office recovery recipient too (S14).

        Replaces an earlier recovery slot (the office rotated its key). The key file on
        disk is re-read, so a passphrase changed since unlocking is kept as it is.
        """
        raw_key = self._key()
        on_disk = load_key_file(self.keys_path(self.folder))
        if on_disk.workspace_id != self.workspace_id:
            raise WorkspaceDamaged(
                damaged_message(self.folder, "the key file belongs to another workspace")
            )
        key_file = on_disk.with_recovery_slot(
            seal_recovery_slot(raw_key, recipient, self.workspace_id)
        )
        key_file.save()
        self._key_file = key_file
        self._opened_as = file_identity(self.folder)  # our own new key file
        with self.db.transaction():
            audit.append(
                self.db,
                actor=self.worker,
                action="recovery_key_added",
                entity="workspace",
                entity_id=self.workspace_id,
                detail={"recipient_key_id": recipient.key_id},
            )

    @classmethod
    def recover(cls, folder: Path, identity: AgeIdentity, new_passphrase: str) -> None:
        """Open the workspace with the office recovery identity and set a new passphrase.

        Every check (passphrase strength, the recovery slot, the database opening with
        the key) comes before any write; a failure changes nothing. The recovery is
        audited inside the database, then the key file is rewritten last, atomically.
        """
        folder = Path(folder).absolute()
        check_passphrase_strength(new_passphrase)
        if not folder.is_dir():
            raise WorkspaceMissing(f"There is no workspace in {folder}.")
        refuse_on_read_only_media(folder, "recover the workspace")
        with OwnerLock.exclusive(folder, "recover the workspace"):
            finish_interrupted(folder)
            cls._recover_locked(folder, identity, new_passphrase)

    @classmethod
    def _recover_locked(cls, folder: Path, identity: AgeIdentity, new_passphrase: str) -> None:
        db_path, keys_path = cls.db_path(folder), cls.keys_path(folder)
        if not db_path.exists() and not keys_path.exists():
            raise WorkspaceMissing(f"There is no workspace in {folder}.")
        if not keys_path.exists():
            raise WorkspaceDamaged(damaged_message(folder, "its key file is missing"))
        if not db_path.exists():
            raise WorkspaceDamaged(damaged_message(folder, "its database file is missing"))
        key_file = load_key_file(keys_path)
        raw_key = key_file.unwrap_with_recovery(identity)
        new_slot = seal_passphrase_slot(raw_key, new_passphrase, key_file.workspace_id)
        # Proves the key opens this database, and records the recovery in its audit log.
        with cls._open_with_key(folder, raw_key, key_file) as ws, ws.db.transaction():
            audit.append(
                ws.db,
                actor="office recovery",
                action="recovered",
                entity="workspace",
                entity_id=ws.workspace_id,
                detail={"recipient_key_id": identity.recipient.key_id, "passphrase": "replaced"},
            )
        key_file.with_passphrase_slot(new_slot).save()

    # -- the office this workspace sends to --------------------------------------------

    def import_office_keys(self, data: bytes, expected_key_id: str | None = None) -> Provisioning:
        """Verify and keep the office's keys file, and seal the database key to the
        office's recovery key as well (S14). Nothing changes if the file is refused."""
        provisioning = sync_keys.check_office_keys(self.db, data, expected_key_id)
        # The key file first: should the database write then fail, importing again
        # simply replaces the recovery slot with an identical one.
        self.add_recovery_slot(provisioning.recovery)
        with self.db.transaction():
            sync_keys.store_office_keys(self.db, self.worker, data, provisioning)
        return provisioning

    # -- where the worker was ----------------------------------------------------------

    def remember_place(self, place: dict[str, str] | None) -> None:
        """Store where the worker is (e.g. the open visit and step), inside the encrypted
        database, so unlocking or restarting after a crash returns there."""
        with self.db.transaction():
            if place is None:
                self.db.execute("DELETE FROM meta WHERE key = ?", (PLACE_KEY,))
            else:
                self.db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (PLACE_KEY, json.dumps(place, sort_keys=True)),
                )

    def remembered_place(self) -> dict[str, str] | None:
        """Where the worker was when the workspace was last used, if anywhere."""
        value = self.db.scalar("SELECT value FROM meta WHERE key = ?", (PLACE_KEY,))
        if value is None:
            return None
        try:
            place = json.loads(value)
        except ValueError:
            return None
        if not isinstance(place, dict):
            return None
        return {str(k): str(v) for k, v in place.items()}

    # -- documents and the service printed on them ---------------------------------------

    def audit_document(
        self,
        action: str,
        entity: str,
        entity_id: str,
        detail: dict[str, object] | None = None,
        *,
        revision: int | None = None,
    ) -> audit.AuditEntry:
        """Audit a document made from a visit or concern: "print", "save_pdf",
        "office_record" or "feedback_form". ``detail``: plain values, no personal data."""
        return audit_document(
            self.db, self.worker, action, entity, entity_id, detail, revision=revision
        )

    def audit_entries(self, entity_id: str | None = None) -> list[audit.AuditEntry]:
        """The audit log in order, optionally only the entries about one record."""
        return audit.entries(self.db, entity_id)

    def service(self) -> service_details.ServiceInfo:
        """The team printed on the person's copy (defaults until set)."""
        return service_details.load(self.db)

    def set_service(
        self, name: str, phone: str, email: str | None = None, return_address: str | None = None
    ) -> service_details.ServiceInfo:
        """Keep the team's name, phone, email and return address for the person's copies."""
        return service_details.save(self.db, self.worker, name, phone, email, return_address)

    # -- health and backups ------------------------------------------------------------

    def _key(self) -> KeyBuffer:
        if self._raw_key is None:
            raise RuntimeError("the workspace is locked")
        return self._raw_key  # lent, never copied

    def check(self) -> HealthReport:
        """Cipher pages, structure, links, audit chain, finalised content (S7)."""
        return check_workspace(self.db)

    def backup(self, dest: Path) -> backups.BackupInfo:
        """Write a verified backup to ``dest`` and record it (S12)."""
        info = backups.make_backup(self.db, self._key(), self._key_file.to_json(), Path(dest))
        backups.record_backup(self.folder, info)
        return info

    @classmethod
    def restore(cls, folder: Path, backup_file: Path, passphrase: str) -> Path | None:
        """Put a verified backup in place, crash-safely (``msp_desktop.store.restore``);
        refuses while the app or a command has the workspace open.

        Returns the one folder the previous files were moved into (never deleted), or
        None when there was no workspace to replace.
        """
        folder = Path(folder).absolute()
        refuse_on_read_only_media(folder, "restore a backup")
        make_private_folder(folder)
        with OwnerLock.exclusive(folder, "restore a backup"):
            rekey.finish_interrupted_rekey(folder)
            return restore_backup(folder, backup_file, passphrase)

    # -- locking -----------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        """False once closed (locked)."""
        return self._raw_key is not None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database and drop the key material held in this object."""
        if self._raw_key is None:
            return
        wipe(self._raw_key)
        self._raw_key = None
        try:
            self.db.close()
        finally:
            if self._lock is not None:
                self._lock.release()
