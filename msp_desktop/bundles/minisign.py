"""Ed25519 signatures in the minisign format, checkable with the stock ``minisign`` tool.

Only public keys and signatures need to be minisign files: the secret half stays in
our own small format (``KeyPair.secret_bytes``) inside the encrypted workspace or the
office key folder, so we never handle minisign's scrypt-encrypted secret key files.

Formats (minisign 0.11, algorithm ``ED``, the default since 0.8):

- public key file: ``untrusted comment: ...`` then base64(``Ed`` + key id (8) + key (32)).
- signature file: ``untrusted comment: ...``, base64(``ED`` + key id (8) +
  Ed25519(BLAKE2b-512(data)) (64)), ``trusted comment: TEXT``, base64(global
  signature (64)) where the global signature is Ed25519(signature (64) + TEXT).

The key id is 8 random bytes; minisign shows it as the little-endian integer in upper
case hex, and so do we (``key_id`` strings), so ids match what the tool prints.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from msp_desktop.bundles.errors import SignatureRejected

__all__ = [
    "KeyPair",
    "ParsedSignature",
    "PublicKey",
    "key_id_text",
    "parse_signature",
    "verify",
]

_PUBLIC_ALG = b"Ed"
_PREHASHED_ALG = b"ED"  # Ed25519 over BLAKE2b-512 of the data
_LEGACY_ALG = b"Ed"  # Ed25519 over the data itself: refused, it needs the whole file in memory
_UNTRUSTED = "untrusted comment: "
_TRUSTED = "trusted comment: "
_MAX_COMMENT_BYTES = 1024  # minisign's own limit for comments
_MAX_TEXT_CHARS = 4096  # a signature file is four short lines
_SECRET_MAGIC = b"MSPK1"


def key_id_text(key_id: bytes) -> str:
    """The 16 upper-case hex digits minisign prints for an 8-byte key id."""
    return f"{int.from_bytes(key_id, 'little'):016X}"


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key with its minisign key id."""

    key_id_bytes: bytes
    key: bytes

    @property
    def key_id(self) -> str:
        """The key id as minisign prints it (16 upper-case hex digits)."""
        return key_id_text(self.key_id_bytes)

    def line(self) -> str:
        """The base64 line, as passed to ``minisign -P``."""
        return base64.b64encode(_PUBLIC_ALG + self.key_id_bytes + self.key).decode("ascii")

    def to_text(self) -> str:
        """The public key file (``minisign -p FILE``)."""
        return f"{_UNTRUSTED}minisign public key {self.key_id}\n{self.line()}\n"

    @classmethod
    def from_text(cls, text: str) -> PublicKey:
        """Read a public key file or a bare base64 line; ``SignatureRejected`` if malformed."""
        lines = [line.strip() for line in text.strip().splitlines()]
        if len(lines) == 2 and lines[0].startswith(_UNTRUSTED):
            lines = lines[1:]
        if len(lines) != 1:
            raise SignatureRejected("The public key is not a minisign public key.")
        raw = _b64(lines[0], "The public key is not a minisign public key.")
        if len(raw) != 42 or raw[:2] != _PUBLIC_ALG:
            raise SignatureRejected("The public key is not a minisign Ed25519 public key.")
        return cls(key_id_bytes=raw[2:10], key=raw[10:])


class KeyPair:
    """An Ed25519 signing key with a random minisign key id."""

    def __init__(self, key_id_bytes: bytes, private_key: Ed25519PrivateKey) -> None:
        if len(key_id_bytes) != 8:
            raise ValueError("a minisign key id is 8 bytes")
        self._key_id_bytes = key_id_bytes
        self._private = private_key
        raw = private_key.public_key().public_bytes_raw()
        self.public_key = PublicKey(key_id_bytes=key_id_bytes, key=raw)

    @classmethod
    def generate(cls) -> KeyPair:
        """A fresh key pair with a fresh random key id."""
        return cls(secrets.token_bytes(8), Ed25519PrivateKey.generate())

    @property
    def key_id(self) -> str:
        """The key id as minisign prints it."""
        return self.public_key.key_id

    def secret_bytes(self) -> bytes:
        """Our own secret format: ``MSPK1`` + key id (8) + Ed25519 seed (32). Keep it secret."""
        return _SECRET_MAGIC + self._key_id_bytes + self._private.private_bytes_raw()

    @classmethod
    def from_secret_bytes(cls, data: bytes) -> KeyPair:
        """The inverse of ``secret_bytes``; ``ValueError`` if the bytes are not one."""
        if len(data) != 45 or not data.startswith(_SECRET_MAGIC):
            raise ValueError("not an MSP signing key")
        return cls(data[5:13], Ed25519PrivateKey.from_private_bytes(data[13:]))

    def sign(self, data: bytes, trusted_comment: str, untrusted_comment: str = "") -> str:
        """The minisign signature file text (``ED``) for ``data``."""
        untrusted = untrusted_comment or f"signature from MSP key {self.key_id}"
        _check_comment(untrusted)
        _check_comment(trusted_comment)
        signature = self._private.sign(hashlib.blake2b(data, digest_size=64).digest())
        global_signature = self._private.sign(signature + trusted_comment.encode("utf-8"))
        return (
            f"{_UNTRUSTED}{untrusted}\n"
            f"{base64.b64encode(_PREHASHED_ALG + self._key_id_bytes + signature).decode()}\n"
            f"{_TRUSTED}{trusted_comment}\n"
            f"{base64.b64encode(global_signature).decode()}\n"
        )


@dataclass(frozen=True)
class ParsedSignature:
    """A signature file taken apart (not yet verified)."""

    key_id_bytes: bytes
    signature: bytes
    trusted_comment: str
    global_signature: bytes

    @property
    def key_id(self) -> str:
        """The signer's key id as minisign prints it."""
        return key_id_text(self.key_id_bytes)


def parse_signature(text: str) -> ParsedSignature:
    """Take a signature file apart; ``SignatureRejected`` if it is not an ``ED`` one."""
    malformed = "The signature is not a minisign signature."
    if len(text) > _MAX_TEXT_CHARS:
        raise SignatureRejected(malformed)
    lines = text.split("\n")
    if lines[-1] == "":  # minisign ends the file with a newline; nothing else may follow
        lines.pop()
    if len(lines) != 4 or not lines[0].startswith(_UNTRUSTED):
        raise SignatureRejected(malformed)
    if not lines[2].startswith(_TRUSTED):
        raise SignatureRejected(malformed)
    raw = _b64(lines[1], malformed)
    if len(raw) != 74:
        raise SignatureRejected(malformed)
    if raw[:2] == _LEGACY_ALG:
        raise SignatureRejected("The signature uses legacy minisign (Ed); only ED is accepted.")
    if raw[:2] != _PREHASHED_ALG:
        raise SignatureRejected("The signature uses an unknown minisign algorithm.")
    try:
        lines[2].encode("utf-8")
    except UnicodeEncodeError:  # only reachable from text not decoded from bytes
        raise SignatureRejected(malformed) from None
    global_signature = _b64(lines[3], malformed)
    if len(global_signature) != 64:
        raise SignatureRejected(malformed)
    return ParsedSignature(
        key_id_bytes=raw[2:10],
        signature=raw[10:],
        trusted_comment=lines[2][len(_TRUSTED) :],
        global_signature=global_signature,
    )


def verify(data: bytes, signature_text: str, public_key: PublicKey) -> str:
    """Check ``signature_text`` over ``data`` with ``public_key``; return the trusted comment.

    Both signatures must verify: the one over the data's BLAKE2b-512 hash and the
    global one binding the trusted comment. Raises ``SignatureRejected`` otherwise.
    """
    parsed = parse_signature(signature_text)
    if parsed.key_id_bytes != public_key.key_id_bytes:
        raise SignatureRejected(
            f"The signature was made by key {parsed.key_id}, not by key {public_key.key_id}."
        )
    verifier = _ed25519(public_key)
    digest = hashlib.blake2b(data, digest_size=64).digest()
    try:
        verifier.verify(parsed.signature, digest)
    except InvalidSignature:
        raise SignatureRejected("The signature does not match the signed data.") from None
    try:
        verifier.verify(
            parsed.global_signature, parsed.signature + parsed.trusted_comment.encode("utf-8")
        )
    except InvalidSignature:
        raise SignatureRejected("The signature's trusted comment has been altered.") from None
    return parsed.trusted_comment


def _ed25519(public_key: PublicKey) -> Ed25519PublicKey:
    try:
        return Ed25519PublicKey.from_public_bytes(public_key.key)
    except ValueError:
        raise SignatureRejected("The public key is not a valid Ed25519 key.") from None


def _check_comment(comment: str) -> None:
    # A newline would end the line early and change what is signed.
    if "\n" in comment or "\r" in comment or len(comment.encode("utf-8")) > _MAX_COMMENT_BYTES:
        raise ValueError("a minisign comment is one line of at most 1024 bytes")


def _b64(text: str, reason: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRejected(reason) from None
