"""The keyslot file: the random database key, wrapped by the passphrase (S4, S13).

The database is encrypted with a random 256-bit raw key. That key never depends on
the passphrase: ``workspace.keys.json`` holds it in slots.

- ``"passphrase"`` (always one): the key wrapped by AES-256-GCM under a key derived
  from the passphrase with Argon2id. Changing the passphrase rewrites only this file,
  atomically, and leaves the database untouched. The slot's authenticated data binds
  it to the workspace id and the slot's parameters, so a slot copied from another
  workspace or edited by hand fails to open rather than opening the wrong thing.
- ``"age-recovery"`` (at most one, once the office has provisioned a recovery key,
  S14): the key sealed with age to the office's recovery recipient, bound to the
  workspace id; see ``msp_desktop.store.recovery``. Changing the passphrase keeps it.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from msp_desktop.atomic import write_atomic
from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.errors import InvalidInput, WorkspaceDamaged, WrongPassphrase, WrongRecoveryKey
from msp_desktop.store.key_memory import KeyBuffer, new_key_buffer, wipe
from msp_desktop.store.recovery import RECOVERY_SLOT_TYPE, open_recovery_slot

KEYSLOT_FORMAT = "msp-desktop-keyslots"
KEYSLOT_VERSION = 1
RAW_KEY_BYTES = 32

# RFC 9106's second recommended option, raised in memory: 64 MiB, 3 passes, 4 lanes.
# About 0.15 s on the reference 2-core machine, so unlocking stays well under 1 s.
ARGON2_MEMORY_KIB = 64 * 1024
ARGON2_ITERATIONS = 3
ARGON2_LANES = 4
# The least cost a slot may record and still be used (S4). A key file is data anyone
# with the laptop can edit, so it may raise the cost but never lower it: a cheaper
# slot would make guessing the passphrase cheaper. Only these constants set the floor;
# no file or environment variable is read for it.
ARGON2_MIN_MEMORY_KIB = 64 * 1024
ARGON2_MIN_ITERATIONS = 3
MIN_PASSPHRASE_CHARS = 8


@dataclass(frozen=True)
class Argon2Params:
    """The Argon2id cost and salt recorded in a passphrase slot."""

    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes

    def derive(self, passphrase: str) -> bytes:
        """Derive the 32-byte wrapping key from ``passphrase``."""
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str, path: Path) -> bytes:
    if not isinstance(text, str):
        raise _damaged(path, f"{what} is missing")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise _damaged(path, f"{what} is not valid") from exc


def _damaged(path: Path, why: str) -> WorkspaceDamaged:
    return WorkspaceDamaged(
        f"The key file {path} is damaged ({why}). Nothing was changed; "
        "restore it from a backup or ask the office to recover the workspace."
    )


def _passes(count: int) -> str:
    return "1 pass" if count == 1 else f"{count} passes"


def _weakened(path: Path, params: Argon2Params) -> WorkspaceDamaged:
    # Someone lowered the cost to speed up guessing, or the file is not ours: never used.
    return WorkspaceDamaged(
        f"The key file {path} guards the passphrase more weakly than MSP Desktop allows "
        f"(Argon2id with {params.memory_kib} KiB and {_passes(params.iterations)}; it needs at "
        f"least {ARGON2_MIN_MEMORY_KIB} KiB and {_passes(ARGON2_MIN_ITERATIONS)}), so it was "
        "not used and nothing was changed; restore it from a backup or ask the office to "
        "recover the workspace."
    )


def _aad(workspace_id: str, params: Argon2Params) -> bytes:
    return json.dumps(
        {
            "format": KEYSLOT_FORMAT,
            "workspace_id": workspace_id,
            "slot": "passphrase",
            "kdf": ["argon2id", params.memory_kib, params.iterations, params.lanes],
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode("utf-8")


def check_passphrase_strength(passphrase: str) -> None:
    """Refuse a passphrase too short to protect records on a lost laptop."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise InvalidInput(
            f"Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters; "
            "a few unrelated words are easy to remember and hard to guess."
        )


def new_raw_key() -> KeyBuffer:
    """A fresh random 256-bit database key, in a buffer the holder wipes (``key_memory``)."""
    return new_key_buffer(RAW_KEY_BYTES)


def seal_passphrase_slot(
    raw_key: bytes | bytearray, passphrase: str, workspace_id: str
) -> dict[str, Any]:
    """Wrap ``raw_key`` under ``passphrase``; returns the slot as JSON-ready data."""
    params = Argon2Params(
        memory_kib=ARGON2_MEMORY_KIB,
        iterations=ARGON2_ITERATIONS,
        lanes=ARGON2_LANES,
        salt=secrets.token_bytes(16),
    )
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(params.derive(passphrase)).encrypt(nonce, raw_key, _aad(workspace_id, params))
    return {
        "type": "passphrase",
        "kdf": {
            "name": "argon2id",
            "memory_kib": params.memory_kib,
            "iterations": params.iterations,
            "lanes": params.lanes,
            "salt": _b64(params.salt),
        },
        "cipher": {"name": "aes-256-gcm", "nonce": _b64(nonce), "ciphertext": _b64(sealed)},
    }


@dataclass(frozen=True)
class KeyFile:
    """The parsed contents of ``workspace.keys.json``."""

    path: Path
    workspace_id: str
    slots: tuple[dict[str, Any], ...]

    def passphrase_slot(self) -> dict[str, Any]:
        """The one passphrase slot of this file."""
        for slot in self.slots:
            if slot.get("type") == "passphrase":
                return slot
        raise _damaged(self.path, "it has no passphrase slot")

    def kdf_params(self) -> Argon2Params:
        """The Argon2id parameters of the passphrase slot, checked for sanity."""
        kdf = self.passphrase_slot().get("kdf")
        if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
            raise _damaged(self.path, "the key derivation is not Argon2id")
        try:
            params = Argon2Params(
                memory_kib=int(kdf["memory_kib"]),
                iterations=int(kdf["iterations"]),
                lanes=int(kdf["lanes"]),
                salt=_unb64(kdf.get("salt"), "the salt", self.path),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise _damaged(self.path, "the key derivation settings are unreadable") from exc
        if params.memory_kib < ARGON2_MIN_MEMORY_KIB or params.iterations < ARGON2_MIN_ITERATIONS:
            raise _weakened(self.path, params)
        if (
            params.lanes < 1
            or params.memory_kib > 4 * 1024 * 1024
            or params.iterations > 64
            or params.lanes > 64
            or len(params.salt) < 16
        ):
            raise _damaged(self.path, "the key derivation settings are outside the safe range")
        return params

    def unwrap(self, passphrase: str) -> KeyBuffer:
        """Return the raw database key, in a buffer the caller wipes (``key_memory``), or
        raise ``WrongPassphrase``."""
        params = self.kdf_params()
        cipher = self.passphrase_slot().get("cipher")
        if not isinstance(cipher, dict) or cipher.get("name") != "aes-256-gcm":
            raise _damaged(self.path, "the cipher is not AES-256-GCM")
        nonce = _unb64(cipher.get("nonce"), "the nonce", self.path)
        sealed = _unb64(cipher.get("ciphertext"), "the wrapped key", self.path)
        if len(nonce) != 12:  # AES-GCM here always uses 96-bit nonces; anything else is damage
            raise _damaged(self.path, "the nonce has the wrong length")
        try:
            raw_key = AESGCM(params.derive(passphrase)).decrypt(
                nonce, sealed, _aad(self.workspace_id, params)
            )
        except InvalidTag:
            raise WrongPassphrase(
                f"Wrong passphrase for the workspace in {self.path.parent}. "
                "Nothing was changed; check Caps Lock and try again."
            ) from None
        if len(raw_key) != RAW_KEY_BYTES:
            raise _damaged(self.path, "the wrapped key has the wrong length")
        # Decryption can only return an immutable copy: moved to a buffer, then cleared.
        key = bytearray(raw_key)
        wipe(raw_key)
        return key

    def with_passphrase_slot(self, slot: dict[str, Any]) -> KeyFile:
        """A copy of this file with the passphrase slot replaced."""
        others = tuple(s for s in self.slots if s.get("type") != "passphrase")
        return KeyFile(self.path, self.workspace_id, (slot, *others))

    def recovery_slot(self) -> dict[str, Any] | None:
        """The office recovery slot (S14), or None when none was added."""
        found = [s for s in self.slots if s.get("type") == RECOVERY_SLOT_TYPE]
        if len(found) > 1:
            raise _damaged(self.path, "it has more than one office recovery slot")
        return found[0] if found else None

    def with_recovery_slot(self, slot: dict[str, Any]) -> KeyFile:
        """A copy of this file with ``slot`` as its only recovery slot; others are kept."""
        if slot.get("type") != RECOVERY_SLOT_TYPE:
            raise ValueError("not an office recovery slot")
        others = tuple(s for s in self.slots if s.get("type") != RECOVERY_SLOT_TYPE)
        return KeyFile(self.path, self.workspace_id, (*others, slot))

    def unwrap_with_recovery(self, identity: AgeIdentity) -> KeyBuffer:
        """The raw key, opened with the office recovery identity, in a buffer the caller
        wipes; never writes."""
        slot = self.recovery_slot()
        if slot is None:
            raise WrongRecoveryKey(
                f"This workspace ({self.path.parent}) has no office recovery key; only its "
                "passphrase or a backup can open it. Nothing was changed."
            )
        raw_key = open_recovery_slot(slot, identity, self.workspace_id, self.path)
        key = bytearray(raw_key)
        wipe(raw_key)
        return key

    def to_json(self) -> bytes:
        """Serialise for writing to disk."""
        doc = {
            "format": KEYSLOT_FORMAT,
            "version": KEYSLOT_VERSION,
            "workspace_id": self.workspace_id,
            "slots": list(self.slots),
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")

    def save(self) -> None:
        """Write the file atomically and owner-only (S11)."""
        write_atomic(self.path, self.to_json())


# A key file holds two or three small slots: a few kilobytes at most.
MAX_KEY_FILE_BYTES = 256 * 1024


def load_key_file(path: Path) -> KeyFile:
    """Read and check ``workspace.keys.json``; never writes anything."""
    try:
        with path.open("rb") as handle:  # bounded: never read a huge file whole
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
        if len(data) > MAX_KEY_FILE_BYTES:
            raise _damaged(path, "it is far larger than a key file")
        doc = json.loads(data)
    except FileNotFoundError:
        raise
    except (OSError, ValueError, RecursionError) as exc:
        # RecursionError: JSON nested thousands deep, which no key file is.
        raise _damaged(path, "it is not readable JSON") from exc
    if not isinstance(doc, dict) or doc.get("format") != KEYSLOT_FORMAT:
        raise _damaged(path, "it is not an MSP Desktop key file")
    if doc.get("version") != KEYSLOT_VERSION:
        raise WorkspaceDamaged(
            f"The key file {path} was written by a newer version of MSP Desktop "
            f"(format {doc.get('version')!r}). Update the app to open it."
        )
    workspace_id = doc.get("workspace_id")
    slots = doc.get("slots")
    if not isinstance(workspace_id, str) or not isinstance(slots, list):
        raise _damaged(path, "its workspace id or slots are missing")
    if not all(isinstance(s, dict) for s in slots):
        raise _damaged(path, "a slot is malformed")
    return KeyFile(path, workspace_id, tuple(slots))
