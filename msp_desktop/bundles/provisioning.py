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

An office that takes bundles over the network also names its inbox address
(``inbox_url``) and, for a certificate no public authority signed, the SHA-256 of that
certificate (``tls_sha256``), which the device pins. Both are optional and left out of
the file when absent, so files made before them keep their exact shape and signature.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)

from msp_desktop.bundles import minisign
from msp_desktop.bundles.age import AgeRecipient
from msp_desktop.bundles.errors import DecryptionRejected, SignatureRejected
from msp_desktop.bundles.manifest import (
    DeviceId,
    FormatVersion,
    KeyId,
    Sha256,
    StrictModel,
    UtcTime,
    format_time,
)
from msp_desktop.bundles.rotation import MAX_LINKS, RotationLink, check_links
from msp_desktop.bundles.signed import open_signed, seal_signed

__all__ = [
    "Enrolment",
    "EnrolmentRejected",
    "Provisioning",
    "ProvisioningRejected",
    "check_inbox_url",
    "make_enrolment",
    "make_provisioning",
    "read_enrolment",
    "read_provisioning",
]

_AGE_RECIPIENT = r"^age1[02-9ac-hj-np-z]{58}$"
_OFFICE_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
MAX_URL = 500
# Plain http only to this computer (a test office); anything else is https.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_PATH = re.compile(r"^(?:/[A-Za-z0-9._~-]*)*$")
_OPTIONAL = ("inbox_url", "tls_sha256")


class ProvisioningRejected(SignatureRejected):
    """An office-keys file is malformed or its signature does not verify."""


class EnrolmentRejected(SignatureRejected):
    """An enrolment file is malformed or not signed by the key it carries."""


def check_inbox_url(url: str) -> str:
    """``url`` if it is an inbox address a device may send bundles to, else ``ValueError``.

    ``https://host[:port][/path]``, ASCII, with no user name, query or fragment;
    ``http://`` only for this computer (127.0.0.1, localhost, ::1), as a test office.
    """

    def refuse(why: str) -> ValueError:
        return ValueError(f"The inbox address {url!r} {why}")

    if not 0 < len(url) <= MAX_URL:
        raise refuse(f"must be 1 to {MAX_URL} characters long.")
    if not url.isascii() or not url.isprintable() or any(c.isspace() for c in url):
        raise refuse("must be plain ASCII without spaces or control characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not url.startswith(parts.scheme + "://"):
        raise refuse("must start with https://.")
    if parts.username is not None or parts.password is not None:
        raise refuse("must not carry a user name or password.")
    if parts.query or parts.fragment or "?" in url or "#" in url:
        raise refuse("must not have a query (?) or a fragment (#).")
    host = parts.hostname or ""
    bracketed = parts.netloc.split("@")[-1].startswith("[")
    if bracketed:
        if host != "::1":  # IPv6 only for this computer; an office has a name or IPv4
            raise refuse("may use an IPv6 address only for this computer ([::1]).")
    elif not _HOST.fullmatch(host) or host != parts.netloc.rsplit(":", 1)[0].lower():
        raise refuse("has no valid host name.")
    try:
        port = parts.port
    except ValueError:
        raise refuse("has an invalid port.") from None
    if port == 0 or parts.netloc.endswith(":"):
        raise refuse("has an invalid port.")
    if not _PATH.fullmatch(parts.path) or "/../" in parts.path + "/" or "/./" in parts.path + "/":
        raise refuse("has a path that is not plain /segments of letters, digits and . _ ~ -.")
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        raise refuse(
            "must start with https:// (plain http:// is only for an office on this computer)."
        )
    return url


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
    inbox_url: str | None = None
    """Where the office takes bundles over the network (``POST {inbox_url}/v1/bundles``)."""
    tls_sha256: Sha256 | None = None
    """SHA-256 of the office's TLS certificate (DER), pinned instead of a public CA."""

    @model_validator(mode="before")
    @classmethod
    def _absent_not_null(cls, data: Any) -> Any:
        # One shape per content: an optional field is left out, never written as null.
        if isinstance(data, dict):
            for name in _OPTIONAL:
                if name in data and data[name] is None:
                    raise ValueError(f"{name} is null: leave it out instead")
        return data

    @model_serializer(mode="wrap")
    def _omit_absent(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        for name in _OPTIONAL:
            if data.get(name) is None:
                data.pop(name, None)
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _plain_text(self.office_name, "office_name")
        if self.inbox_url is not None:
            check_inbox_url(self.inbox_url)
        if self.tls_sha256 is not None and not (self.inbox_url or "").startswith("https://"):
            raise ValueError("tls_sha256 pins the certificate of an https:// inbox_url")
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
    rotations: Annotated[list[RotationLink], Field(min_length=1, max_length=MAX_LINKS)] | None = (
        None
    )
    """The device's last key rotations, oldest first, ending at this key (``rotation``);
    left out of the file for a device that never changed its key."""
    pack_recipient: Annotated[str, StringConstraints(pattern=r"^age1[0-9a-z]{58}$")] | None = None
    """The age X25519 recipient office packs for this device are sealed to (§9); left
    out by devices from before office packs."""

    @model_validator(mode="before")
    @classmethod
    def _absent_not_null(cls, data: Any) -> Any:
        for name in ("rotations", "pack_recipient"):
            if isinstance(data, dict) and name in data and data[name] is None:
                raise ValueError(f"{name} is null: leave it out instead")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _plain_text(self.worker, "worker")
        if minisign.PublicKey.from_text(self.minisign_public_key).key_id != self.key_id:
            raise ValueError("key_id is not the id of minisign_public_key")
        if self.rotations:
            check_links(self.rotations, self.device_id, self.key_id, self.minisign_public_key)
        if self.pack_recipient is not None:
            try:
                AgeRecipient.from_text(self.pack_recipient)
            except DecryptionRejected:
                raise ValueError("pack_recipient is not an age X25519 recipient") from None
        return self

    @property
    def pack_key(self) -> AgeRecipient | None:
        """What office packs for this device are sealed to (None: a device from before
        office packs, which cannot take them until it enrols again)."""
        return AgeRecipient(self.pack_recipient) if self.pack_recipient else None

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
    inbox_url: str | None = None,
    tls_sha256: str | None = None,
) -> bytes:
    """The signed ``office-keys.json`` for the devices of this office.

    ``inbox_url`` (and ``tls_sha256``, the pinned certificate's SHA-256) only for an
    office that takes bundles over the network; left out of the file otherwise.
    """
    optional = {
        name: value
        for name, value in (("inbox_url", inbox_url), ("tls_sha256", tls_sha256))
        if value is not None
    }
    body = Provisioning(
        format_version=1,
        office_id=office_id,
        office_name=office_name,
        inbox_recipient=inbox.text,
        recovery_recipient=recovery.text,
        office_public_key=office_key.public_key.to_text(),
        office_key_id=office_key.key_id,
        created=format_time(created or datetime.now(UTC)),
        **optional,
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
    *,
    device_id: str,
    worker: str,
    device_key: minisign.KeyPair,
    created: datetime | None = None,
    rotations: list[RotationLink] | None = None,
    pack_recipient: AgeRecipient | None = None,
) -> bytes:
    """The signed ``enrolment.json`` the office adds with ``msp-office devices add``
    (with ``rotations``, the signed links from earlier keys to ``device_key``, and
    ``pack_recipient``, what office packs for the device are sealed to)."""
    # Left out, never null, when they do not apply: the file keeps its earlier shape.
    optional: dict[str, Any] = {}
    if rotations:
        optional["rotations"] = rotations
    if pack_recipient is not None:
        optional["pack_recipient"] = pack_recipient.text
    body = Enrolment(
        format_version=1,
        device_id=device_id,
        worker=worker,
        key_id=device_key.key_id,
        minisign_public_key=device_key.public_key.to_text(),
        created=format_time(created or datetime.now(UTC)),
        **optional,
    )
    return seal_signed(
        "enrolment",
        body,
        device_key,
        body.trusted_comment(),
        f"MSP enrolment of {device_id}",
        exclude_none=True,
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
