"""The office folder: where everything lives, the office's identity and its keys.

``OFFICE/`` (owner-only) holds:

- ``keys/inbox.key``: the age identity bundles are sealed to (``age -d -i`` reads it);
- ``keys/recovery.key``: the age identity a worker's workspace key is also sealed to
  (S14). Only needed to recover a workspace, so it can be moved to offline storage:
  its public half is kept in ``office.json`` for the provisioning file;
- ``keys/office.key``: the Ed25519 key that signs receipts and ``office-keys.json``,
  in our own small text format (one base64 line of ``KeyPair.secret_bytes``);
- ``keys/office.pub``: its minisign public key file (``minisign -p office.pub``);
- ``office.json``: the office id and name and the public keys;
- ``office.db``: the office database (``db``);
- ``alerts.log``, ``quarantine/``: see ``importer.py`` and ``quarantine.py``.

Secret files are written owner-only, and refused when they are readable by others.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    PositiveInt,
    StringConstraints,
    ValidationError,
    field_validator,
)

from msp_desktop.bundles import AgeIdentity, AgeRecipient, BundleRejected, KeyPair
from msp_desktop.bundles.manifest import format_time
from msp_desktop.errors import InvalidInput
from msp_desktop.office.dates import DEFAULT_TIME_ZONE, check_time_zone
from msp_desktop.office.errors import OfficeDamaged, OfficeExists, OfficeMissing
from msp_desktop.office.files import (
    fsync_directory,
    hand_over,
    make_private_folder,
    write_atomic,
)
from msp_desktop.owner_only import how_to_make_private, make_private, readable_by_others

__all__ = [
    "OfficeConfig",
    "OfficeKeys",
    "OfficeLayout",
    "QuarantineLimits",
    "create_office_keys",
    "load_config",
    "load_keys",
    "recovery_recipient",
]

PUBLIC = 0o644
_OFFICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
_KEY_HEADER = "# MSP office signing key"


@dataclass(frozen=True)
class OfficeLayout:
    """The paths inside one office folder."""

    root: Path

    @property
    def keys(self) -> Path:
        """The key folder."""
        return self.root / "keys"

    @property
    def inbox_key(self) -> Path:
        """The age identity bundles are sealed to."""
        return self.keys / "inbox.key"

    @property
    def recovery_key(self) -> Path:
        """The age identity for workspace recovery."""
        return self.keys / "recovery.key"

    @property
    def office_key(self) -> Path:
        """The office's Ed25519 signing key (secret)."""
        return self.keys / "office.key"

    @property
    def office_pub(self) -> Path:
        """The office's minisign public key file."""
        return self.keys / "office.pub"

    @property
    def config(self) -> Path:
        """``office.json``."""
        return self.root / "office.json"

    @property
    def database(self) -> Path:
        """The SQLite office database."""
        return self.root / "office.db"

    @property
    def alerts(self) -> Path:
        """Security alerts, one JSON object a line."""
        return self.root / "alerts.log"

    @property
    def quarantine(self) -> Path:
        """Bundles signed by keys that are not enrolled, or revoked."""
        return self.root / "quarantine"

    @property
    def receipts(self) -> Path:
        """Where receipts go unless ``--receipts`` says otherwise."""
        return self.root / "receipts"

    def has_office(self) -> bool:
        """True if anything of an office is already here."""
        return any(p.exists() for p in (self.keys, self.config, self.database))


class QuarantineLimits(BaseModel):
    """How much quarantine may hold (``office.json``: ``"quarantine": {...}``; applied by
    ``quarantine.put_in_quarantine``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    max_total_mb: PositiveInt = 1024
    """Bundles kept in all, in MiB; beyond it the oldest go first."""
    max_per_key: PositiveInt = 20
    """Bundles (or notes) from one signing key; beyond it that key's oldest go first."""
    keep_unenrolled_kb: PositiveInt = 64
    """A bundle from a key never enrolled larger than this keeps only its note and hash."""
    max_notes: PositiveInt = 10_000
    """Notes in all (a note is a few hundred bytes, but throwaway keys are free)."""


class OfficeConfig(BaseModel):
    """``office.json``: who this office is and its public keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format_version: Literal[1]
    office_id: Annotated[str, StringConstraints(pattern=_OFFICE_ID)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    inbox_recipient: str
    recovery_recipient: str
    office_key_id: str
    created: str
    time_zone: str = DEFAULT_TIME_ZONE
    quarantine: QuarantineLimits = QuarantineLimits()
    """The council's time zone: "today" for the dates in records (``office.dates``)."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            return check_time_zone(value)
        except InvalidInput as exc:
            raise ValueError(exc.message) from None

    def to_bytes(self) -> bytes:
        """Readable JSON for the file."""
        return (self.model_dump_json(indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class OfficeKeys:
    """The secrets daily work needs: the inbox identity and the signing key."""

    inbox: AgeIdentity
    signing: KeyPair


def _check_name(office_id: str, name: str) -> None:
    if not re.fullmatch(_OFFICE_ID, office_id):
        raise InvalidInput(
            f"The office id {office_id!r} must start with a letter or digit and use only "
            "letters, digits, '-' and '_' (at most 64)."
        )
    if not name or name != name.strip() or len(name) > 200 or re.search(r"[\x00-\x1f\x7f]", name):
        raise InvalidInput(
            "The office name must be 1 to 200 characters of plain text, "
            "without leading or trailing spaces."
        )


def create_office_keys(
    layout: OfficeLayout,
    *,
    office_id: str,
    name: str,
    now: datetime,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> OfficeConfig:
    """Make the office's keys and ``office.json``; ``OfficeExists`` if there is an office.

    The keys are written into a fresh hidden folder that is renamed to ``keys/`` in
    one step, so an interrupted run never leaves half a set of keys in place.
    """
    _check_name(office_id, name)
    time_zone = check_time_zone(time_zone)  # before any key is made
    if layout.has_office():
        raise OfficeExists(
            f"{layout.root} already holds an office (keys or database); nothing was changed. "
            "Use another folder, or move this one away first."
        )
    make_private_folder(layout.root)
    inbox, recovery, signing = AgeIdentity.generate(), AgeIdentity.generate(), KeyPair.generate()
    staging = layout.root / f".keys-{secrets.token_hex(6)}.tmp"
    staging.mkdir()
    make_private(staging)
    hand_over(staging)
    write_atomic(staging / layout.inbox_key.name, inbox.to_text(now).encode("ascii"))
    write_atomic(staging / layout.recovery_key.name, recovery.to_text(now).encode("ascii"))
    write_atomic(staging / layout.office_key.name, _signing_key_text(signing).encode("ascii"))
    write_atomic(
        staging / layout.office_pub.name, signing.public_key.to_text().encode("ascii"), mode=PUBLIC
    )
    os.rename(staging, layout.keys)
    fsync_directory(layout.root)
    config = OfficeConfig(
        format_version=1,
        office_id=office_id,
        name=name,
        inbox_recipient=inbox.recipient.text,
        recovery_recipient=recovery.recipient.text,
        office_key_id=signing.key_id,
        created=format_time(now),
        time_zone=time_zone,
    )
    write_atomic(layout.config, config.to_bytes())
    return config


def _signing_key_text(key: KeyPair) -> str:
    secret = base64.b64encode(key.secret_bytes()).decode("ascii")
    return (
        f"{_KEY_HEADER} {key.key_id}: it signs receipts and office-keys.json.\n"
        "# Secret: keep this file owner-only, and a backup of it somewhere safe.\n"
        f"{secret}\n"
    )


def _read_private(path: Path, what: str) -> str:
    try:
        shared = readable_by_others(path)
    except FileNotFoundError:
        raise OfficeMissing(
            f"There is no {what} at {path}; create an office with: msp-office init"
        ) from None
    # Like ssh: a secret key others can read may already be someone else's too.
    if shared:
        raise OfficeDamaged(
            f"The {what} {path} can be read by other users; make it owner-only "
            f"({how_to_make_private(path)}) and check who may have copied it."
        )
    try:
        return path.read_text("ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise OfficeDamaged(f"The {what} {path} cannot be read ({type(exc).__name__}).") from None


def load_config(layout: OfficeLayout) -> OfficeConfig:
    """Read ``office.json``; ``OfficeMissing`` or ``OfficeDamaged`` with the reason."""
    text = _read_private(layout.config, "office file (office.json)")
    try:
        return OfficeConfig.model_validate_json(text)
    except ValidationError:
        raise OfficeDamaged(f"{layout.config} is not a valid office.json.") from None


def load_keys(layout: OfficeLayout, config: OfficeConfig) -> OfficeKeys:
    """Read the inbox identity and the signing key, and check they are this office's."""
    try:
        inbox = AgeIdentity.from_text(_read_private(layout.inbox_key, "inbox key"))
    except BundleRejected as exc:
        raise OfficeDamaged(f"{layout.inbox_key}: {exc.message}") from None
    signing = _parse_signing_key(_read_private(layout.office_key, "office signing key"))
    if signing is None:
        raise OfficeDamaged(f"{layout.office_key} is not an MSP office signing key.")
    if inbox.recipient.text != config.inbox_recipient or signing.key_id != config.office_key_id:
        raise OfficeDamaged(
            f"The keys in {layout.keys} are not the ones named in {layout.config}; "
            "restore the office folder from one backup."
        )
    return OfficeKeys(inbox=inbox, signing=signing)


def _parse_signing_key(text: str) -> KeyPair | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    if len(lines) != 1:
        return None
    try:
        return KeyPair.from_secret_bytes(base64.b64decode(lines[0], validate=True))
    except (binascii.Error, ValueError):
        return None


def recovery_recipient(config: OfficeConfig) -> AgeRecipient:
    """The recovery key's public half, from ``office.json`` (the key may be offline)."""
    return AgeRecipient.from_text(config.recovery_recipient)
