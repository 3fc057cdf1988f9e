"""The office recovery slot (S14): the raw database key, also sealed to the office.

When the office has provisioned a recovery recipient (``age1...``, an X25519 public
key whose identity the office keeps offline), ``workspace.keys.json`` holds a second
slot of type ``"age-recovery"``: the raw key, encrypted with age to that recipient.
The office opens it with its identity file and sets a new passphrase
(``msp recover``); no other key can open it.

What is sealed is a small JSON document, not the bare key, so the slot is bound to
its workspace: ``age -d -i recovery.key`` prints

    {"format":"msp-desktop-recovery","raw_key":"<base64>","version":1,"workspace_id":"…"}

and a slot copied from another workspace's key file is refused by its workspace id
before anything is written. The ``recipient`` and ``recipient_key_id`` beside the
ciphertext say which office key the slot is for; they are not trusted for anything
but the wording of an error.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from msp_desktop.bundles.age import AgeIdentity, AgeRecipient, decrypt, encrypt
from msp_desktop.bundles.errors import DecryptionRejected
from msp_desktop.errors import InvalidInput, WorkspaceDamaged, WrongRecoveryKey

__all__ = ["RECOVERY_SLOT_TYPE", "open_recovery_slot", "seal_recovery_slot"]

RECOVERY_SLOT_TYPE = "age-recovery"
RECOVERY_FORMAT = "msp-desktop-recovery"
RECOVERY_VERSION = 1
RECOVERY_CIPHER = "age-x25519"
_RAW_KEY_BYTES = 32


def _damaged(path: Path, why: str) -> WorkspaceDamaged:
    return WorkspaceDamaged(
        f"The office recovery slot in {path} is damaged ({why}). Nothing was changed; "
        "restore the key file from a backup of this workspace."
    )


def _sealed_document(raw_key: bytes | bytearray, workspace_id: str) -> bytes:
    return json.dumps(
        {
            "format": RECOVERY_FORMAT,
            "version": RECOVERY_VERSION,
            "workspace_id": workspace_id,
            "raw_key": base64.b64encode(raw_key).decode("ascii"),
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def seal_recovery_slot(
    raw_key: bytes | bytearray, recipient: AgeRecipient, workspace_id: str
) -> dict[str, Any]:
    """Seal ``raw_key``, bound to ``workspace_id``, to the office recovery recipient."""
    if len(raw_key) != _RAW_KEY_BYTES:
        raise ValueError("the raw database key must be 32 bytes")
    try:
        recipient = AgeRecipient.from_text(recipient.text)
    except DecryptionRejected:
        raise InvalidInput(
            "The office recovery key is not an age recipient (age1...); nothing was changed."
        ) from None
    sealed = encrypt(_sealed_document(raw_key, workspace_id), [recipient])
    return {
        "type": RECOVERY_SLOT_TYPE,
        "recipient": recipient.text,
        "recipient_key_id": recipient.key_id,
        "cipher": {
            "name": RECOVERY_CIPHER,
            "ciphertext": base64.b64encode(sealed).decode("ascii"),
        },
    }


def open_recovery_slot(
    slot: dict[str, Any], identity: AgeIdentity, workspace_id: str, path: Path
) -> bytes:
    """The raw key from ``slot``, or ``WrongRecoveryKey`` / ``WorkspaceDamaged``.

    ``path`` is the key file the slot came from (for the messages); nothing is written.
    """
    cipher = slot.get("cipher")
    if not isinstance(cipher, dict) or cipher.get("name") != RECOVERY_CIPHER:
        raise _damaged(path, "the cipher is not age")
    text = cipher.get("ciphertext")
    if not isinstance(text, str):
        raise _damaged(path, "the sealed key is missing")
    try:
        sealed = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _damaged(path, "the sealed key is not valid") from None
    try:
        plain = decrypt(sealed, identity)
    except DecryptionRejected:
        if slot.get("recipient") != identity.recipient.text:
            raise WrongRecoveryKey(
                f"That recovery key does not open the workspace in {path.parent}. "
                "Nothing was changed."
            ) from None
        raise _damaged(path, "the sealed key cannot be read") from None
    return _unbind(plain, workspace_id, path)


def _unbind(plain: bytes, workspace_id: str, path: Path) -> bytes:
    try:
        doc = json.loads(plain)
    except ValueError:
        raise _damaged(path, "the sealed key is not readable") from None
    if (
        not isinstance(doc, dict)
        or doc.get("format") != RECOVERY_FORMAT
        or doc.get("version") != RECOVERY_VERSION
    ):
        raise _damaged(path, "the sealed key is not an MSP Desktop recovery key")
    if doc.get("workspace_id") != workspace_id:
        raise WorkspaceDamaged(
            f"The office recovery slot in {path} belongs to another workspace, so it "
            "cannot open this one. Nothing was changed; restore the key file from a "
            "backup of this workspace."
        )
    try:
        raw_key = base64.b64decode(str(doc.get("raw_key")), validate=True)
    except (binascii.Error, ValueError):
        raise _damaged(path, "the sealed key is not valid") from None
    if len(raw_key) != _RAW_KEY_BYTES:
        raise _damaged(path, "the sealed key has the wrong length")
    return raw_key
