"""Re-keying the workspace: a new random database key, for a passphrase that may be known.

Changing the passphrase (S13) rewraps the same database key, so an older key file
(beside a backup, say) opened with the old passphrase still yields a key that opens
the current database. ``msp rekey`` replaces the key itself:

```
<folder>/.rekeying/workspace.db          the database exported under the new key, verified
<folder>/.rekeying/workspace.keys.json   the new key under the new passphrase (+ recovery)
<folder>/.rekeying/plan.json             written last: "swap now"
<folder>/.rekeyed-old/                   the old files, until the new ones open and verify
```

The export is SQLCipher's ``sqlcipher_export`` into an attached file (as a backup,
``msp_desktop.store.backup``), checked with both integrity checks and equal row
counts before anything else moves. The swap is the restore's
(``msp_desktop.store.restore.swap_in``): only renames, each repeatable, so a crash
leaves the old workspace (before the plan) or the new one (after). Once the plan is
durable every backup listed in ``backups.json`` is marked as opening with the old
passphrase and key. The old files are deleted only after the new workspace has
opened with the new passphrase and passed its checks (here, or at the next unlock
after a crash): keeping them would keep the old key's reach.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msp_desktop import fault_points
from msp_desktop.atomic import fsync_directory, write_atomic
from msp_desktop.errors import WorkspaceDamaged
from msp_desktop.owner_only import create_private_file, make_private_folder
from msp_desktop.store import audit, sync_keys
from msp_desktop.store import backup as backups
from msp_desktop.store.connection import open_encrypted
from msp_desktop.store.database import Database
from msp_desktop.store.key_memory import KeyBuffer, wipe
from msp_desktop.store.keyslots import (
    KeyFile,
    load_key_file,
    new_raw_key,
    seal_passphrase_slot,
)
from msp_desktop.store.layout import DB_COMPANIONS, DB_NAME, KEYS_NAME
from msp_desktop.store.recovery import seal_recovery_slot
from msp_desktop.store.restore import swap_in

__all__ = [
    "ASIDE",
    "MUST_DIFFER",
    "PLAN",
    "STAGING",
    "RekeyResult",
    "commit_rekey",
    "finish_interrupted_rekey",
    "prepare_rekey",
    "remove_old_files",
    "stage_rekey",
]

MUST_DIFFER = (
    "The new passphrase must differ from the current one, which may be known. Nothing was changed."
)
STAGING = ".rekeying"
ASIDE = ".rekeyed-old"
PLAN = "plan.json"


@dataclass(frozen=True)
class RekeyResult:
    """What a re-key did, for the sentence that reports it."""

    backups_marked: int
    """Backups listed before the re-key: each opens only with the old passphrase and key."""
    recovery_renewed: bool
    """The new key is sealed to the office recovery key too (S14)."""
    recovery_dropped: bool = False
    """The old key file had a recovery slot but the workspace keeps no signed office
    keys to renew it for (the slot's own recipient is never trusted): none now."""


def prepare_rekey(
    folder: Path, db: Database, key_file: KeyFile, new_passphrase: str, actor: str
) -> RekeyResult:
    """Make a new random key and stage the workspace under it (``stage_rekey``).

    ``db`` is the workspace open with its current key, ``key_file`` its key file. The
    office recovery slot is renewed for the office recovery key this workspace trusts
    (the signed office keys kept in the database, never the slot's own word), so
    ``msp recover`` keeps working; a workspace without office keys gets none
    (``RekeyResult.recovery_dropped`` says when one is lost that way).
    """
    new_key = new_raw_key()
    try:
        return _prepare_rekey(folder, db, key_file, new_key, new_passphrase, actor)
    finally:
        wipe(new_key)  # sealed into the new key file; the workspace reopens from that


def _prepare_rekey(
    folder: Path,
    db: Database,
    key_file: KeyFile,
    new_key: KeyBuffer,
    new_passphrase: str,
    actor: str,
) -> RekeyResult:
    workspace_id = key_file.workspace_id
    slots: list[dict[str, Any]] = [seal_passphrase_slot(new_key, new_passphrase, workspace_id)]
    provisioning = sync_keys.office_keys(db)
    if provisioning is not None:
        slots.append(seal_recovery_slot(new_key, provisioning.recovery, workspace_id))
    new_key_file = KeyFile(Path(folder) / STAGING / KEYS_NAME, workspace_id, tuple(slots))
    result = RekeyResult(
        backups_marked=len(backups.list_backups(Path(folder))),
        recovery_renewed=provisioning is not None,
        recovery_dropped=provisioning is None and key_file.recovery_slot() is not None,
    )
    stage_rekey(
        folder,
        db,
        new_key,
        new_key_file,
        new_passphrase=new_passphrase,
        actor=actor,
        detail={
            "backups_marked": result.backups_marked,
            "recovery_key_id": provisioning.recovery.key_id if provisioning else None,
        },
    )
    return result


def _clear_staging(folder: Path) -> None:
    shutil.rmtree(folder / STAGING, ignore_errors=True)


def stage_rekey(
    folder: Path,
    db: Database,
    new_key: bytes | bytearray,
    new_key_file: KeyFile,
    *,
    new_passphrase: str,
    actor: str,
    detail: dict[str, object],
) -> None:
    """Export ``db`` under ``new_key`` into the staging folder, verify it, audit the
    re-key inside the copy and write the new key file beside it.

    Nothing in the workspace itself changes; on any failure the staging folder is
    removed. ``new_key_file`` must wrap ``new_key`` under ``new_passphrase`` (its path
    is ignored); that is proven from the written file before anything is swapped.
    """
    folder = Path(folder)
    staging = folder / STAGING
    _clear_staging(folder)  # a re-key stopped before its plan
    staged_db = staging / DB_NAME
    try:
        make_private_folder(staging)
        create_private_file(staged_db)
        counts, user_version = backups.copy_snapshot(db, staged_db, new_key)
        fault_points.reached("rekey-exported")
        backups.verify_copy(staged_db, new_key, counts, user_version, shown="the re-keyed copy")
        copy = Database(open_encrypted(staged_db, new_key))
        try:
            stored_id = copy.scalar("SELECT value FROM meta WHERE key = 'workspace_id'")
            if stored_id != new_key_file.workspace_id:
                raise WorkspaceDamaged(
                    "The re-keyed copy does not belong to this workspace; nothing was changed."
                )
            # Recorded in the copy, so the audit says so exactly when the re-key happened.
            with copy.transaction():
                audit.append(
                    copy,
                    actor=actor,
                    action="rekeyed",
                    entity="workspace",
                    entity_id=new_key_file.workspace_id,
                    detail=detail,
                )
        finally:
            copy.close()
        backups.verify_copy(staged_db, new_key, None, user_version, shown="the re-keyed copy")
        for leftover in DB_COMPANIONS:  # the checks' own, already checkpointed
            (staging / leftover).unlink(missing_ok=True)
        with open(staged_db, "rb+") as handle:
            os.fsync(handle.fileno())
        fault_points.reached("rekey-write-keys")
        write_atomic(staging / KEYS_NAME, new_key_file.to_json())
        if load_key_file(staging / KEYS_NAME).unwrap(new_passphrase) != new_key:
            raise WorkspaceDamaged("The new key file did not verify; nothing was changed.")
        fault_points.reached("rekey-fsync-staging")
        fsync_directory(staging)
    except BaseException:
        _clear_staging(folder)
        raise


def commit_rekey(folder: Path) -> None:
    """Write the plan (the point of no return), then mark the backups and swap.

    The caller has closed every connection to the workspace's database and holds
    the exclusive owner lock.
    """
    staging = Path(folder) / STAGING
    fault_points.reached("rekey-write-plan")
    write_atomic(staging / PLAN, json.dumps({"replaced": ASIDE}).encode())
    finish_interrupted_rekey(folder)


def finish_interrupted_rekey(folder: Path) -> bool:
    """Complete a re-key stopped after its plan, or clear what one stopped before it
    left. Returns True when a re-key was completed (its old files wait in ``ASIDE``
    until the new workspace opens). The caller holds the exclusive owner lock.
    """
    folder = Path(folder)
    plan_path = folder / STAGING / PLAN
    try:
        plan = json.loads(plan_path.read_bytes())
        if plan.get("replaced") != ASIDE:
            raise ValueError("not a re-key plan")
    except FileNotFoundError:
        _clear_staging(folder)
        return False
    except (OSError, ValueError, AttributeError):
        # The plan is written atomically, so this is not a crash: leave it for a person.
        raise WorkspaceDamaged(
            f"An interrupted re-key in {folder} left a plan that cannot be read "
            f"({plan_path}). Nothing has been changed; contact support."
        ) from None
    # Every backup listed now was made under the old key (none can be made while the
    # re-key holds the workspace); marking is repeatable, so it comes before the swap.
    fault_points.reached("rekey-mark-backups")
    backups.mark_old_passphrase(folder)
    swap_in(folder, folder / STAGING, folder / ASIDE)
    return True


def remove_old_files(folder: Path) -> None:
    """Delete the files a re-key moved aside: call only once the new workspace has
    opened with its passphrase and passed its checks.

    The old key file is overwritten before it is unlinked (best effort: a disk may
    keep the old blocks), since with the old passphrase it is what opens the old key.
    """
    aside = Path(folder) / ASIDE
    if not aside.is_dir():
        return
    fault_points.reached("rekey-remove-old")
    old_keys = aside / KEYS_NAME
    with contextlib.suppress(OSError):
        size = old_keys.stat().st_size
        with open(old_keys, "rb+") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
    shutil.rmtree(aside, ignore_errors=True)
    with contextlib.suppress(OSError):
        fsync_directory(Path(folder))
