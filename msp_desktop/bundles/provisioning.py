"""Office provisioning and device enrolment: the two key exchanges, as signed files.

``office-keys.json`` (office -> devices) carries the office's public keys: the age
inbox recipient bundles are sealed to, the age recovery recipient a workspace key is
also sealed to (S14), and the office's Ed25519 key that signs receipts. It is signed
by that office key, so a device can check the file is whole and, by comparing the key
id with the one the office admin reads out, that it is the right office's.

``enrolment.json`` (device -> office) carries the device's id, worker and minisign
public key, signed by the device key itself (proof the device holds the secret half).
The office admin adds it with ``msp-office devices add``; from then on bundles signed
by that key id are accepted from that device id only (S24).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Self

from pydantic import StringConstraints, model_validator

from msp_desktop.bundles import minisign
from msp_desktop.bundles.age import AgeRecipient
from msp_desktop.bundles.errors import DecryptionRejected, SignatureRejected
from msp_desktop.bundles.manifest import (
    DeviceId,
    FormatVersion,
    KeyId,
    StrictModel,
    UtcTime,
    format_time,
)
from msp_desktop.bundles.signed import open_signed, seal_signed

__all__ = [
    "Enrolment",
    "EnrolmentRejected",
    "Provisioning",
    "ProvisioningRejected",
    "make_enrolment",
    "make_provisioning",
    "read_enrolment",
    "read_provisioning",
]

_AGE_RECIPIENT = r"^age1[02-9ac-hj-np-z]{58}$"
_OFFICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ProvisioningRejected(SignatureRejected):
    """An office-keys file is malformed or its signature does not verify."""


class EnrolmentRejected(SignatureRejected):
    """An enrolment file is malformed or not signed by the key it carries."""


def _plain_text(text: str, what: str) -> None:
    if text != text.strip() or re.search(r"[\x00-\x1f\x7f-\x9f]", text):
        raise ValueError(f"{what} must be plain text without control characters")


class Provisioning(StrictModel):
    """The public half of an office's keys, as devices store it."""

    format_version: FormatVersion
    office_id: Annotated[str, StringConstraints(pattern=_OFFICE_ID)]
    office_name: Name
    inbox_recipient: Annotated[str, StringConstraints(pattern=_AGE_RECIPIENT)]
    recovery_recipient: Annotated[str, StringConstraints(pattern=_AGE_RECIPIENT)]
    office_public_key: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    office_key_id: KeyId
    created: UtcTime

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _plain_text(self.office_name, "office_name")
        if self.inbox_recipient == self.recovery_recipient:
            raise ValueError("the inbox and recovery keys must be different keys")
        for recipient in (self.inbox_recipient, self.recovery_recipient):
            try:
                AgeRecipient.from_text(recipient)
            except DecryptionRejected:  # a broken checksum: the pattern cannot see it
                raise ValueError(f"{recipient} is not a valid age recipient") from None
        if minisign.PublicKey.from_text(self.office_public_key).key_id != self.office_key_id:
            raise ValueError("office_key_id is not the id of office_public_key")
        return self

    @property
    def inbox(self) -> AgeRecipient:
        """The age recipient bundles are sealed to."""
        return AgeRecipient.from_text(self.inbox_recipient)

    @property
    def recovery(self) -> AgeRecipient:
        """The age recipient the workspace key is also sealed to (S14)."""
        return AgeRecipient.from_text(self.recovery_recipient)

    @property
    def office_key(self) -> minisign.PublicKey:
        """The key that signs receipts (and this file)."""
        return minisign.PublicKey.from_text(self.office_public_key)

    def trusted_comment(self) -> str:
        """The trusted comment of the file's signature."""
        return f"msp-office-keys:1 office:{self.office_id} key:{self.office_key_id}"


class Enrolment(StrictModel):
    """A device asking to be enrolled: who it is and the key its bundles are signed with."""

    format_version: FormatVersion
    device_id: DeviceId
    worker: Name
    key_id: KeyId
    minisign_public_key: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    created: UtcTime

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _plain_text(self.worker, "worker")
        if minisign.PublicKey.from_text(self.minisign_public_key).key_id != self.key_id:
            raise ValueError("key_id is not the id of minisign_public_key")
        return self

    @property
    def public_key(self) -> minisign.PublicKey:
        """The device's bundle-signing key."""
        return minisign.PublicKey.from_text(self.minisign_public_key)

    def trusted_comment(self) -> str:
        """The trusted comment of the file's signature."""
        return f"msp-enrolment:1 device:{self.device_id} key:{self.key_id}"


def make_provisioning(
    *,
    office_id: str,
    office_name: str,
    inbox: AgeRecipient,
    recovery: AgeRecipient,
    office_key: minisign.KeyPair,
    created: datetime | None = None,
) -> bytes:
    """The signed ``office-keys.json`` for the devices of this office."""
    body = Provisioning(
        format_version=1,
        office_id=office_id,
        office_name=office_name,
        inbox_recipient=inbox.text,
        recovery_recipient=recovery.text,
        office_public_key=office_key.public_key.to_text(),
        office_key_id=office_key.key_id,
        created=format_time(created or datetime.now(UTC)),
    )
    return seal_signed(
        "office_keys",
        body,
        office_key,
        body.trusted_comment(),
        f"MSP office keys of {office_id}",
    )


def read_provisioning(data: bytes, *, expected_key_id: str | None = None) -> Provisioning:
    """Check an ``office-keys.json``: signed by the office key it carries.

    ``expected_key_id``, when the worker was told it out of band, must match: that is
    what makes the file the right office's rather than merely intact.
    """
    body = open_signed(
        data,
        kind="office_keys",
        model=Provisioning,
        what="The office keys file",
        error=ProvisioningRejected,
        public_key=lambda body: body.office_key,
        trusted_comment=Provisioning.trusted_comment,
    )
    if expected_key_id is not None and body.office_key_id != expected_key_id.strip().upper():
        raise ProvisioningRejected(
            f"The office keys file is signed by office key {body.office_key_id}, "
            f"not {expected_key_id.strip().upper()} as expected."
        )
    return body


def make_enrolment(
    *, device_id: str, worker: str, device_key: minisign.KeyPair, created: datetime | None = None
) -> bytes:
    """The signed ``enrolment.json`` the office adds with ``msp-office devices add``."""
    body = Enrolment(
        format_version=1,
        device_id=device_id,
        worker=worker,
        key_id=device_key.key_id,
        minisign_public_key=device_key.public_key.to_text(),
        created=format_time(created or datetime.now(UTC)),
    )
    return seal_signed(
        "enrolment", body, device_key, body.trusted_comment(), f"MSP enrolment of {device_id}"
    )


def read_enrolment(data: bytes) -> Enrolment:
    """Check an ``enrolment.json``: well formed and signed by the key it carries."""
    return open_signed(
        data,
        kind="enrolment",
        model=Enrolment,
        what="The enrolment file",
        error=EnrolmentRejected,
        public_key=lambda body: body.public_key,
        trusted_comment=Enrolment.trusted_comment,
    )
