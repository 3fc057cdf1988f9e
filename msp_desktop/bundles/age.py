"""age encryption (X25519 recipients) through pyrage, interoperable with the ``age`` tool.

A bundle is sealed to the office's inbox recipient (``age1...``); the office opens it
with the matching identity file, the same file ``age -d -i inbox.key`` reads. The
recipient key id named in a manifest is derived from the recipient text so a person
can compute it by hand (``printf %s age1... | sha256sum``, first 16 hex digits).

Before anything is decrypted the header is read and bounded (``check_header``): the
age library's cost of reading a header grows with the square of its recipient entries
(1,000 entries took 14 s here), and anyone holding the published inbox key can send
one. A genuine bundle has one X25519 entry and at most one "grease" entry (random
padding entries that rage adds so that parsers stay tolerant); an office backup has two
X25519 entries (inbox and recovery) and a grease entry. More than ``max_entries``, or a
header over ``MAX_HEADER_BYTES``, is refused at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

import pyrage

from msp_desktop.bundles.errors import DecryptionRejected

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_RECIPIENT_ENTRIES",
    "AgeIdentity",
    "AgeRecipient",
    "check_header",
    "decrypt",
    "decrypt_stream",
    "encrypt",
    "encrypt_stream",
    "recipient_key_id",
]

_SECRET_PREFIX = "AGE-SECRET-KEY-1"  # noqa: S105 - the format's prefix, not a secret
_MAGIC = b"age-encryption.org/v1\n"
MAX_HEADER_BYTES = 4096
"""Far above any genuine header (an X25519 entry is about 100 bytes)."""
MAX_RECIPIENT_ENTRIES = 2
"""A bundle: the inbox's X25519 entry and at most one grease entry."""


def recipient_key_id(recipient: str) -> str:
    """First 8 bytes of SHA-256 of the ``age1...`` text, as 16 upper-case hex digits."""
    return hashlib.sha256(recipient.encode("ascii")).hexdigest()[:16].upper()


@dataclass(frozen=True)
class AgeRecipient:
    """An X25519 age recipient (public): ``age1...``."""

    text: str

    @classmethod
    def from_text(cls, text: str) -> AgeRecipient:
        """Parse ``age1...``; ``DecryptionRejected`` if it is not an X25519 recipient."""
        text = text.strip()
        try:
            pyrage.x25519.Recipient.from_str(text)
        except pyrage.RecipientError:
            raise DecryptionRejected("That is not an age recipient (age1...).") from None
        return cls(text)

    @property
    def key_id(self) -> str:
        """The recipient key id written into manifests."""
        return recipient_key_id(self.text)

    def _pyrage(self) -> pyrage.x25519.Recipient:
        return pyrage.x25519.Recipient.from_str(self.text)


class AgeIdentity:
    """An X25519 age identity (secret): ``AGE-SECRET-KEY-1...``."""

    def __init__(self, identity: pyrage.x25519.Identity) -> None:
        self._identity = identity
        self.recipient = AgeRecipient(str(identity.to_public()))

    @classmethod
    def generate(cls) -> AgeIdentity:
        """A fresh identity."""
        return cls(pyrage.x25519.Identity.generate())

    @classmethod
    def from_text(cls, text: str) -> AgeIdentity:
        """Read an identity file as ``age-keygen`` writes it (``#`` comment lines allowed).

        Exactly one ``AGE-SECRET-KEY-1`` line is expected; ``DecryptionRejected`` otherwise.
        """
        keys = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
        if len(keys) != 1 or not keys[0].upper().startswith(_SECRET_PREFIX):
            raise DecryptionRejected("That is not an age identity file with one key.")
        try:
            return cls(pyrage.x25519.Identity.from_str(keys[0]))
        except pyrage.IdentityError:
            raise DecryptionRejected("That is not a valid age identity.") from None

    def to_text(self, created: datetime | None = None) -> str:
        """The identity file, in the layout ``age-keygen`` uses. Keep it owner-only."""
        when = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"# created: {when}\n# public key: {self.recipient.text}\n{self._identity}\n"

    def _pyrage(self) -> pyrage.x25519.Identity:
        return self._identity


def check_header(data: bytes, max_entries: int = MAX_RECIPIENT_ENTRIES) -> None:
    """Refuse an age file whose header has more than ``max_entries`` recipient entries or
    is longer than ``MAX_HEADER_BYTES``, reading no more than that; nothing is decrypted.

    Raises ``DecryptionRejected`` with the reason in one sentence.
    """
    if not data.startswith(_MAGIC):
        raise DecryptionRejected(_why("no age header"))
    end = data.find(b"\n---", 0, MAX_HEADER_BYTES + 1)
    # Entries are counted within the bound only: the rest of a hostile header is never read.
    window = end if end >= 0 else min(len(data), MAX_HEADER_BYTES)
    if data.count(b"\n-> ", 0, window + 1) > max_entries:
        raise DecryptionRejected(
            f"The bundle's age header has more than {max_entries} recipient entries; a "
            "genuine one has no more. It was refused without being decrypted."
        )
    if end < 0:
        if len(data) > MAX_HEADER_BYTES:
            raise DecryptionRejected(
                f"The bundle's age header is longer than {MAX_HEADER_BYTES:,} bytes; a genuine "
                "one is a few hundred. It was refused without being decrypted."
            )
        raise DecryptionRejected(_why("truncated header"))


def encrypt(data: bytes, recipients: list[AgeRecipient]) -> bytes:
    """Binary (not armored) age ciphertext of ``data`` for every recipient."""
    if not recipients:
        raise ValueError("age encryption needs at least one recipient")
    return pyrage.encrypt(data, [recipient._pyrage() for recipient in recipients])


def decrypt(data: bytes, identity: AgeIdentity, max_entries: int = MAX_RECIPIENT_ENTRIES) -> bytes:
    """Open age ciphertext with ``identity``; ``DecryptionRejected`` for anything else,
    a header beyond ``check_header``'s bounds before any decryption."""
    check_header(data, max_entries)
    try:
        return pyrage.decrypt(data, [identity._pyrage()])
    except pyrage.DecryptError as exc:
        raise DecryptionRejected(_why(str(exc))) from None


def encrypt_stream(source: BinaryIO, target: BinaryIO, recipients: list[AgeRecipient]) -> None:
    """``encrypt`` from one open file to another, without holding either in memory."""
    if not recipients:
        raise ValueError("age encryption needs at least one recipient")
    pyrage.encrypt_io(source, target, [r._pyrage() for r in recipients])  # type: ignore[arg-type]


def decrypt_stream(
    source: BinaryIO,
    target: BinaryIO,
    identity: AgeIdentity,
    max_entries: int = MAX_RECIPIENT_ENTRIES,
) -> None:
    """``decrypt`` from one open, seekable file to another; ``DecryptionRejected`` with
    pyrage's reason (``no matching keys`` when it was not encrypted to ``identity``).
    The header is checked first, as ``decrypt`` does."""
    start = source.tell()
    check_header(source.read(MAX_HEADER_BYTES + 1), max_entries)
    source.seek(start)
    try:
        pyrage.decrypt_io(source, target, [identity._pyrage()])  # type: ignore[arg-type]
    except pyrage.DecryptError as exc:
        raise DecryptionRejected(str(exc)) from None
    except OSError as exc:
        # A chunk that fails its authentication tag comes out of the stream as an
        # OSError without an errno ("decryption error"); a real I/O error has one.
        if exc.errno is not None:
            raise
        raise DecryptionRejected(str(exc)) from None


def _why(detail: str) -> str:
    # pyrage's messages come from the rage crate; map the one people will meet.
    if "no matching keys" in detail.lower():
        return "The bundle is not encrypted to this office's inbox key."
    return "The bundle is not a readable age file (damaged, truncated or altered)."
