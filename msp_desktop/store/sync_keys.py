"""The device's side of the key exchange: the office's keys and the device's own key.

Both live inside the encrypted database (``meta``), never in plain files: the office
keys file as received (re-verified on every read, so an edited row is caught), and
the device's Ed25519 signing key, whose public half the office enrols, with the age
X25519 identity office packs for the device are sealed to (its recipient is in the
enrolment file, signed by the device key). The office's
recovery key is also added to the workspace's key file (S14); that part is
``Workspace.import_office_keys``, which owns both files.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import socket
from datetime import UTC, datetime

from msp_desktop.bundles import minisign
from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.bundles.errors import DecryptionRejected
from msp_desktop.bundles.provisioning import (
    Provisioning,
    make_enrolment,
    read_provisioning,
)
from msp_desktop.bundles.rotation import MAX_LINKS, RotationLink, make_link
from msp_desktop.errors import InvalidInput, KnownError, WorkspaceDamaged
from msp_desktop.exit_codes import ExitCode
from msp_desktop.store import audit
from msp_desktop.store.database import Database

__all__ = [
    "FIRST_KEYS_NEED_KEY_ID",
    "DeviceIdentity",
    "NotReadyToSync",
    "check_office_keys",
    "device_identity",
    "enrol",
    "has_rotations",
    "office_keys",
    "old_pack_identities",
    "pack_identity",
    "store_office_keys",
]

_OFFICE_KEYS = "office_keys"
_DEVICE_ID = "device_id"
_DEVICE_KEY = "device_signing_key"
_ROTATIONS = "device_key_rotations"
_PACK_IDENTITY = "device_pack_identity"
_OLD_PACK_IDENTITIES = "device_pack_identities_before"
NO_OFFICE_KEYS = (
    "This workspace has no office keys yet. Ask the office for its keys file "
    "and its key id, and import it: msp office-keys import FILE --office-key-id ID"
)
_DEVICE_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class NotReadyToSync(KnownError):
    """The device lacks the office's keys or has not been enrolled yet."""

    exit_code = ExitCode.NOT_READY_TO_SYNC


class DeviceIdentity:
    """The enrolled device: its id and its bundle-signing key."""

    def __init__(self, device_id: str, key: minisign.KeyPair) -> None:
        self.device_id = device_id
        self.key = key


def _meta(db: Database, key: str) -> str | None:
    value = db.scalar("SELECT value FROM meta WHERE key = ?", (key,))
    return None if value is None else str(value)


def _set_meta(db: Database, key: str, value: str) -> None:
    db.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def office_keys(db: Database) -> Provisioning | None:
    """The office keys this workspace was provisioned with, verified again; or None."""
    text = _meta(db, _OFFICE_KEYS)
    if text is None:
        return None
    try:
        return read_provisioning(text.encode("utf-8"))
    except KnownError:
        raise WorkspaceDamaged(
            "The office keys stored in this workspace no longer verify. "
            "Import the office keys file again (msp office-keys import FILE)."
        ) from None


FIRST_KEYS_NEED_KEY_ID = (
    "The first office keys file needs the office key id the office read out to you: "
    "run again with --office-key-id ID. Nothing was changed."
)


def check_office_keys(db: Database, data: bytes, expected_key_id: str | None) -> Provisioning:
    """Verify an office keys file for this workspace, changing nothing.

    A workspace trusts one office: a file from another office key is refused, so a
    file swapped on the way cannot redirect bundles to someone else's inbox. The first
    file needs ``expected_key_id`` (read out by the office); a later one is checked
    against the office already trusted.
    """
    current = office_keys(db)
    if current is None and not expected_key_id:
        # The first file is trusted on the key id alone: checked against the one the
        # office read out, never on the file's own word (it also adds a recovery slot).
        raise InvalidInput(FIRST_KEYS_NEED_KEY_ID)
    provisioning = read_provisioning(data, expected_key_id=expected_key_id)
    if current is not None and current.office_key_id != provisioning.office_key_id:
        raise InvalidInput(
            f"This workspace already trusts {current.office_name} (office key "
            f"{current.office_key_id}); the file is signed by key "
            f"{provisioning.office_key_id}. Nothing was changed."
        )
    return provisioning


def store_office_keys(db: Database, actor: str, data: bytes, provisioning: Provisioning) -> None:
    """Keep the verified office keys file (inside the caller's transaction)."""
    _set_meta(db, _OFFICE_KEYS, data.decode("utf-8"))
    audit.append(
        db,
        actor=actor,
        action="office_keys_imported",
        entity="workspace",
        entity_id=provisioning.office_id,
        detail={
            "office_key_id": provisioning.office_key_id,
            "inbox_key_id": provisioning.inbox.key_id,
            "recovery_key_id": provisioning.recovery.key_id,
        },
    )


def device_identity(db: Database) -> DeviceIdentity | None:
    """The device id and signing key, once ``enrol`` has made them."""
    device_id, secret = _meta(db, _DEVICE_ID), _meta(db, _DEVICE_KEY)
    if device_id is None or secret is None:
        return None
    try:
        key = minisign.KeyPair.from_secret_bytes(base64.b64decode(secret, validate=True))
    except ValueError:
        raise WorkspaceDamaged("The device signing key in this workspace is damaged.") from None
    return DeviceIdentity(device_id, key)


def pack_identity(db: Database) -> AgeIdentity | None:
    """The age identity office packs for this device are sealed to (None until ``enrol``
    has made it: devices enrolled before office packs make it when they enrol again)."""
    text = _meta(db, _PACK_IDENTITY)
    if text is None:
        return None
    try:
        return AgeIdentity.from_text(text)
    except DecryptionRejected:
        raise WorkspaceDamaged(
            "The device's key for office packs in this workspace is damaged."
        ) from None


def _old_pack_texts(db: Database) -> list[str]:
    text = _meta(db, _OLD_PACK_IDENTITIES)
    try:
        found = json.loads(text) if text is not None else []
    except ValueError:
        found = None
    if not isinstance(found, list) or not all(isinstance(t, str) for t in found):
        raise WorkspaceDamaged("The device's earlier keys for office packs are damaged.")
    return found


def old_pack_identities(db: Database) -> list[AgeIdentity]:
    """The pack keys this device had before its last key changes (``enrol(new_key)``),
    newest first: packs the office sealed to one before enrolling the new key."""
    try:
        return [AgeIdentity.from_text(t) for t in reversed(_old_pack_texts(db))]
    except DecryptionRejected:
        raise WorkspaceDamaged("The device's earlier keys for office packs are damaged.") from None


def default_device_id() -> str:
    """The computer's name, made safe, plus a random suffix (two laptops may share a name)."""
    host = re.sub(r"[^A-Za-z0-9_-]+", "-", socket.gethostname()).strip("-_")[:40] or "device"
    return f"{host}-{secrets.token_hex(3)}"


def enrol(
    db: Database, actor: str, *, device_id: str | None = None, new_key: bool = False
) -> bytes:
    """The signed enrolment file for this device, making its id and key the first time.

    Asking again gives the same id and key (the office may have lost the file), unless
    ``new_key``: then a fresh key replaces the old one, which the office must enrol
    again (``msp-office devices add --replace``). The id never changes once made.

    A new key comes with a rotation link signed by the old key and the new one (S24),
    kept with the last few before it and carried in every enrolment file from then
    on: the office replaces the enrolled key only on that proof.
    """
    identity = device_identity(db)
    # fullmatch: with match, '$' would also accept a trailing newline.
    if device_id is not None and not _DEVICE_ID_PATTERN.fullmatch(device_id):
        raise InvalidInput(
            "A device id is 1 to 64 letters, digits, '-' or '_', starting with a letter or digit."
        )
    if identity is not None and device_id is not None and device_id != identity.device_id:
        raise InvalidInput(
            f"This device is already enrolled as {identity.device_id}; its id cannot change."
        )
    with db.transaction():
        rotations = _rotations(db)
        if identity is None or new_key:
            old = identity
            chosen = identity.device_id if identity else device_id or default_device_id()
            identity = DeviceIdentity(chosen, minisign.KeyPair.generate())
            detail = {"key_id": identity.key.key_id}
            if old is not None:
                link = make_link(chosen, old.key, identity.key, datetime.now(UTC))
                rotations = [*rotations, link][-MAX_LINKS:]
                kept = [r.model_dump(mode="json") for r in rotations]
                _set_meta(db, _ROTATIONS, json.dumps(kept))
                detail["replaces_key_id"] = old.key.key_id
            _set_meta(db, _DEVICE_ID, identity.device_id)
            _set_meta(db, _DEVICE_KEY, base64.b64encode(identity.key.secret_bytes()).decode())
            # A new signing key comes with a new pack key too: whatever made the old key
            # unsafe (a copied workspace) made the old pack key unsafe as well. The old
            # one is kept to open packs the office sealed to it before it enrolled the
            # new key (else the device could never take them, nor any pack after them).
            before = _meta(db, _PACK_IDENTITY)
            if before is not None:
                kept_before = [*_old_pack_texts(db), before][-MAX_LINKS:]
                _set_meta(db, _OLD_PACK_IDENTITIES, json.dumps(kept_before))
            _set_meta(db, _PACK_IDENTITY, AgeIdentity.generate().to_text())
            audit.append(
                db,
                actor=actor,
                action="device_key_made",
                entity="device",
                entity_id=identity.device_id,
                detail=detail,
            )
        elif pack_identity(db) is None:  # enrolled before office packs: make it now
            _set_meta(db, _PACK_IDENTITY, AgeIdentity.generate().to_text())
        packs = pack_identity(db)
    # Workspaces made before names were trimmed may carry outer or double spaces.
    worker = " ".join(actor.split()) or "worker"
    return make_enrolment(
        device_id=identity.device_id,
        worker=worker,
        device_key=identity.key,
        rotations=rotations,
        pack_recipient=packs.recipient if packs else None,
    )


def _rotations(db: Database) -> list[RotationLink]:
    """The signed rotations kept for the enrolment file, oldest first (none before the
    first ``--new-key``)."""
    text = _meta(db, _ROTATIONS)
    if text is None:
        return []
    try:
        return [RotationLink.model_validate(link, strict=True) for link in json.loads(text)]
    except (ValueError, TypeError):  # a JSON or validation error: the row was edited
        raise WorkspaceDamaged(
            "The device's record of its key changes is damaged; the office will need "
            "the lost-device replacement to enrol a new key."
        ) from None


def has_rotations(db: Database) -> bool:
    """True once this device has replaced its key (``enrol(new_key=True)``)."""
    return _meta(db, _ROTATIONS) is not None


def ready_to_sync(db: Database) -> tuple[Provisioning, DeviceIdentity]:
    """The office keys and device identity, or ``NotReadyToSync`` saying what to do."""
    provisioning = office_keys(db)
    if provisioning is None:
        raise NotReadyToSync(NO_OFFICE_KEYS)
    identity = device_identity(db)
    if identity is None:
        raise NotReadyToSync(
            "This device is not enrolled yet. Make an enrolment file with "
            "msp enrol --out FILE and give it to the office."
        )
    return provisioning, identity
