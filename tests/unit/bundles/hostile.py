"""Builders for hostile archives and bundles: what an attacker could hand the office."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Sequence

from msp_desktop.bundles import AgeIdentity, KeyPair, Manifest, canonical_json
from msp_desktop.bundles.age import encrypt
from msp_desktop.bundles.archive import BLOCK

END = b"\x00" * (2 * BLOCK)


def header(
    name: bytes,
    size: int,
    *,
    kind: bytes = b"0",
    link: bytes = b"",
    size_field: bytes | None = None,
    magic: bytes = b"ustar\x0000",
    prefix: bytes = b"",
) -> bytes:
    """A ustar header with any field set, and a correct checksum."""
    block = bytearray(BLOCK)
    block[0 : len(name)] = name[:100]
    block[100:108] = b"0000644\x00"
    block[124:136] = size_field if size_field is not None else f"{size:011o}\x00".encode()
    block[148:156] = b" " * 8
    block[156:157] = kind
    block[157 : 157 + len(link)] = link
    block[257:265] = magic
    block[345 : 345 + len(prefix)] = prefix
    block[148:156] = f"{sum(block):06o}\x00 ".encode()
    return bytes(block)


def entry(name: str | bytes, content: bytes = b"{}", **fields: object) -> bytes:
    """One entry: header, content, padding."""
    raw = name.encode() if isinstance(name, str) else name
    padding = b"\x00" * (-len(content) % BLOCK)
    return header(raw, len(content), **fields) + content + padding  # type: ignore[arg-type]


def archive(*entries: bytes) -> bytes:
    return b"".join(entries) + END


def stdlib_tar(members: Sequence[tarfile.TarInfo], fmt: int = tarfile.GNU_FORMAT) -> bytes:
    """An archive from Python's tarfile, for GNU/pax features our writer never uses."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for member in members:
            tar.addfile(member, io.BytesIO(b"{}") if member.isfile() else None)
    return out.getvalue()


def signed_inner(
    files: dict[str, bytes],
    manifest: Manifest,
    key: KeyPair,
    *,
    manifest_bytes: bytes | None = None,
    extra: Sequence[tuple[str, bytes]] = (),
    omit: Sequence[str] = (),
) -> bytes:
    """An inner archive signed by ``key`` with any manifest bytes, extra or missing files."""
    data = manifest_bytes if manifest_bytes is not None else manifest.to_bytes()
    signature = key.sign(data, manifest.trusted_comment()).encode()
    parts = [entry("manifest.json", data), entry("manifest.json.minisig", signature)]
    parts += [entry(name, content) for name, content in files.items() if name not in omit]
    parts += [entry(name, content) for name, content in extra]
    return archive(*parts)


def seal_inner(inner: bytes, inbox: AgeIdentity) -> bytes:
    return encrypt(inner, [inbox.recipient])


def manifest_dict(manifest: Manifest) -> dict[str, object]:
    return manifest.model_dump(mode="json")


def raw_json(value: object) -> bytes:
    return canonical_json(value)
