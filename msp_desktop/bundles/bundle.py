"""Sealing a bundle on the device and opening one at the office.

``write_bundle`` puts the files, a canonical manifest listing them and the manifest's
minisign signature into a ustar archive and encrypts it to the office inbox with age.

``open_bundle`` checks in the documented order and stops at the first failure:

1. size cap, then decrypt with the office inbox identity;
2. safe unpack (limits, names, no links; every ``.json`` file strict: no duplicate
   keys, bounded depth);
3. the manifest's signature, by a key the office trusts;
4. the manifest: canonical bytes, valid fields, sealed to this office, signed by the
   key it names, trusted comment matching;
5. every listed file present with its size and SHA-256, and nothing extra.

Sequence, replay and gap checks need the office's ledger, so they belong to the
office database (the next step), as does mapping a key id to its enrolled device.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from msp_desktop.bundles import age, minisign
from msp_desktop.bundles.archive import DEFAULT_LIMITS, Limits, read_archive, write_archive
from msp_desktop.bundles.canonical import is_canonical, parse_json_strict
from msp_desktop.bundles.errors import (
    ArchiveRejected,
    ContentRejected,
    ManifestRejected,
    SignatureRejected,
)
from msp_desktop.bundles.manifest import (
    FORMAT_VERSION,
    MANIFEST_NAME,
    SIGNATURE_NAME,
    FileEntry,
    Manifest,
    format_time,
)

__all__ = [
    "SealedBundle",
    "VerifiedBundle",
    "listed_files",
    "open_bundle",
    "seal_archive",
    "sha256_hex",
    "unseal_archive",
    "write_bundle",
]


@dataclass(frozen=True)
class SealedBundle:
    """A bundle as written: the bytes to save, their SHA-256 and the signed manifest."""

    data: bytes
    sha256: str
    manifest: Manifest


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle that passed every check that needs no office database."""

    sha256: str
    manifest: Manifest
    files: Mapping[str, bytes]
    """Every listed file by name, in manifest order (manifest and signature excluded)."""
    trusted_comment: str


def write_bundle(
    files: Mapping[str, bytes],
    *,
    device_id: str,
    worker: str,
    sequence: int,
    previous_bundle_sha256: str | None,
    signing_key: minisign.KeyPair,
    recipient: age.AgeRecipient,
    bundle_id: str | None = None,
    created: datetime | None = None,
    format_version: int = FORMAT_VERSION,
) -> SealedBundle:
    """Seal ``files`` (name -> JSON bytes) into a bundle for the office ``recipient``.

    Raises ``pydantic.ValidationError`` for bad names or fields and ``JsonRejected``
    for a file that is not strict JSON: the device never writes what the office
    would refuse. The files' own ``format_version`` must be the bundle's
    ``format_version`` (the current one; an older one is for tests of older bundles).
    """
    for name, content in files.items():
        parse_json_strict(content, what=f"The bundle file {name!r}")
    manifest = Manifest(
        format_version=format_version,
        bundle_id=bundle_id or str(uuid.uuid4()),
        device_id=device_id,
        key_id=signing_key.key_id,
        worker=worker,
        sequence=sequence,
        previous_bundle_sha256=previous_bundle_sha256,
        created=format_time(created or datetime.now(UTC)),
        recipient_key_id=recipient.key_id,
        files=[
            FileEntry(name=name, size=len(files[name]), sha256=sha256_hex(files[name]))
            for name in sorted(files)
        ],
    )
    data = seal_archive(
        manifest.to_bytes(),
        manifest.trusted_comment(),
        f"MSP bundle {manifest.bundle_id} from device {device_id}",
        [(entry.name, files[entry.name]) for entry in manifest.files],
        signing_key=signing_key,
        recipient=recipient,
    )
    return SealedBundle(data=data, sha256=sha256_hex(data), manifest=manifest)


def seal_archive(
    manifest_bytes: bytes,
    trusted_comment: str,
    untrusted_comment: str,
    files: Sequence[tuple[str, bytes]],
    *,
    signing_key: minisign.KeyPair,
    recipient: age.AgeRecipient,
) -> bytes:
    """The age file of a ustar archive holding the manifest, its minisign signature by
    ``signing_key`` and ``files`` in the manifest's order: a bundle, or an office pack."""
    signature = signing_key.sign(
        manifest_bytes, trusted_comment, untrusted_comment=untrusted_comment
    )
    inner = write_archive(
        [(MANIFEST_NAME, manifest_bytes), (SIGNATURE_NAME, signature.encode("utf-8")), *files]
    )
    return age.encrypt(inner, [recipient])


def unseal_archive(
    decrypted: bytes, limits: Limits, *, what: str, file_what: str
) -> tuple[dict[str, bytes], bytes, bytes]:
    """The entries of a decrypted bundle or pack, every ``.json`` one strict, with its
    manifest's and signature's bytes; ``what`` ("The bundle") and ``file_what`` ("The
    bundle file") begin the sentences of a refusal."""
    entries = read_archive(decrypted, limits)
    for name, content in entries.items():
        if name.endswith(".json"):
            parse_json_strict(
                content, what=f"{file_what} {name!r}", max_depth=limits.max_json_depth
            )
    manifest_bytes = entries.get(MANIFEST_NAME)
    signature_bytes = entries.get(SIGNATURE_NAME)
    if manifest_bytes is None:
        raise ManifestRejected(f"{what} has no manifest.json.")
    if signature_bytes is None:
        raise SignatureRejected(f"{what} has no manifest signature.")
    return entries, manifest_bytes, signature_bytes


def open_bundle(
    data: bytes,
    *,
    identity: age.AgeIdentity,
    trusted_keys: Mapping[str, minisign.PublicKey],
    limits: Limits = DEFAULT_LIMITS,
) -> VerifiedBundle:
    """Verify a bundle for the office holding ``identity``; ``BundleRejected`` if it fails.

    ``trusted_keys`` maps key ids (as minisign prints them) to the public keys of
    enrolled, unrevoked devices. The recipient the manifest must name is the one of
    ``identity``, so a bundle sealed for another office is refused even if it opens.
    """
    if len(data) > limits.max_bundle_bytes:
        raise ArchiveRejected("The bundle is larger than allowed.")
    entries, manifest_bytes, signature_bytes = unseal_archive(
        age.decrypt(data, identity), limits, what="The bundle", file_what="The bundle file"
    )
    trusted_comment, key_id = _check_signature(manifest_bytes, signature_bytes, trusted_keys)
    manifest = _check_manifest(manifest_bytes, key_id, identity.recipient, trusted_comment)
    files = _check_files(manifest, entries)
    return VerifiedBundle(
        sha256=sha256_hex(data), manifest=manifest, files=files, trusted_comment=trusted_comment
    )


def _check_signature(
    manifest_bytes: bytes, signature_bytes: bytes, trusted_keys: Mapping[str, minisign.PublicKey]
) -> tuple[str, str]:
    try:
        signature_text = signature_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureRejected("The manifest signature is not a minisign signature.") from None
    key_id = minisign.parse_signature(signature_text).key_id
    public_key = trusted_keys.get(key_id)
    if public_key is None:
        raise SignatureRejected(
            f"The bundle is signed by key {key_id}, which is not enrolled here."
        )
    return minisign.verify(manifest_bytes, signature_text, public_key), key_id


def _check_manifest(
    manifest_bytes: bytes, key_id: str, recipient: age.AgeRecipient, trusted_comment: str
) -> Manifest:
    # Parsed already (strictly) during unpacking; parse again for the value itself.
    if not is_canonical(manifest_bytes, parse_json_strict(manifest_bytes, what="The manifest")):
        raise ManifestRejected("The manifest is not in canonical JSON (RFC 8785) form.")
    try:
        manifest = Manifest.model_validate_json(manifest_bytes, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "manifest"
        raise ManifestRejected(f"The manifest is not valid: {where}: {first['msg']}.") from None
    if manifest.key_id != key_id:
        raise ManifestRejected("The manifest names a different key from the one that signed it.")
    if manifest.recipient_key_id != recipient.key_id:
        raise ManifestRejected("The bundle was sealed for another office's inbox key.")
    if trusted_comment != manifest.trusted_comment():
        raise ManifestRejected("The signature's trusted comment does not match the manifest.")
    return manifest


def listed_files(
    listed: Sequence[tuple[str, int, str]],
    entries: Mapping[str, bytes],
    *,
    what: str,
    the_manifest: str,
) -> dict[str, bytes]:
    """Every file the manifest lists (``(name, size, sha256)``, in its order), each
    present with that size and hash, and no other entry besides the manifest and its
    signature; ``ContentRejected`` otherwise, said of ``what`` ("The bundle") and
    ``the_manifest`` ("the manifest")."""
    names = {name for name, _size, _sha in listed}
    for name in entries:
        if name not in names and name not in (MANIFEST_NAME, SIGNATURE_NAME):
            raise ContentRejected(f"{what} holds {name!r}, which its manifest does not list.")
    files: dict[str, bytes] = {}
    for name, size, sha256 in listed:
        content = entries.get(name)
        if content is None:
            raise ContentRejected(f"{what} lacks {name!r}, which its manifest lists.")
        if len(content) != size:
            raise ContentRejected(f"The size of {name!r} does not match {the_manifest}.")
        if sha256_hex(content) != sha256:
            raise ContentRejected(f"The content of {name!r} does not match {the_manifest}.")
        files[name] = content
    return files


def _check_files(manifest: Manifest, entries: Mapping[str, bytes]) -> dict[str, bytes]:
    listed = [(entry.name, entry.size, entry.sha256) for entry in manifest.files]
    return listed_files(listed, entries, what="The bundle", the_manifest="the manifest")


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data``, lower-case hex: a bundle's or a pack's hash, and its files'."""
    return hashlib.sha256(data).hexdigest()
