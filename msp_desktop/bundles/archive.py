"""The archive inside a bundle: uncompressed POSIX ustar, written and read by this module.

Why ustar and our own reader: it is the simplest container every platform's ``tar``
lists and extracts, it has no compression (so no bombs and no ratio to police), and
its 512-byte headers are easy to check field by field. Python's ``tarfile`` (and
``extractall``) is deliberately not used for reading: it follows links, accepts GNU
and pax extensions and has a history of path-traversal bugs. We parse entries one by
one in memory, never touch the file system, and accept only regular files with plain
relative names, within the limits below.

Writing is deterministic (mode 0644, owner 0, time 0, sorted order chosen by the
caller) so the same files give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from msp_desktop.bundles.errors import ArchiveRejected

__all__ = ["DEFAULT_LIMITS", "Limits", "read_archive", "write_archive"]

BLOCK = 512


@dataclass(frozen=True)
class Limits:
    """Caps applied before anything is trusted (S22). Generous for a year of visits."""

    max_bundle_bytes: int = 320 * 1024 * 1024
    max_entries: int = 20_000
    max_entry_bytes: int = 16 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_json_depth: int = 32


DEFAULT_LIMITS = Limits()

# A name is one or more plain segments; the manifest narrows this further.
_SEGMENT = r"[A-Za-z0-9._-]+"
_NAME = re.compile(rf"{_SEGMENT}(/{_SEGMENT})*")
_REGULAR = (b"0", b"\x00")
_KINDS = {
    b"1": "a hard link",
    b"2": "a symbolic link",
    b"3": "a character device",
    b"4": "a block device",
    b"5": "a directory",
    b"6": "a FIFO",
    b"7": "a contiguous file",
    b"x": "a pax extended header",
    b"g": "a pax global header",
    b"L": "a GNU long name",
    b"K": "a GNU long link",
}


def write_archive(entries: Sequence[tuple[str, bytes]]) -> bytes:
    """A ustar archive of ``entries`` (name, content) in the given order.

    Names must pass the same checks as reading (at most 100 bytes, no prefix field).
    """
    out = bytearray()
    for name, content in entries:
        _check_name(name)
        out += _header(name, len(content))
        out += content
        out += b"\x00" * (-len(content) % BLOCK)
    out += b"\x00" * (2 * BLOCK)  # end of archive
    return bytes(out)


def _header(name: str, size: int) -> bytes:
    header = bytearray(BLOCK)
    header[0:100] = name.encode("ascii").ljust(100, b"\x00")
    header[100:108] = b"0000644\x00"
    header[108:116] = b"0000000\x00"  # uid
    header[116:124] = b"0000000\x00"  # gid
    header[124:136] = f"{size:011o}\x00".encode("ascii")
    header[136:148] = b"00000000000\x00"  # mtime: 1970, for determinism
    header[148:156] = b" " * 8  # checksum is computed with this field as spaces
    header[156:157] = b"0"
    header[257:263] = b"ustar\x00"
    header[263:265] = b"00"
    header[329:337] = b"0000000\x00"  # devmajor
    header[337:345] = b"0000000\x00"  # devminor
    header[148:156] = f"{sum(header):06o}\x00 ".encode("ascii")
    return bytes(header)


def read_archive(data: bytes, limits: Limits = DEFAULT_LIMITS) -> dict[str, bytes]:
    """The entries of a ustar archive, by name in archive order; ``ArchiveRejected`` if unsafe."""
    if len(data) % BLOCK:
        raise ArchiveRejected("The archive in the bundle is truncated.")
    entries: dict[str, bytes] = {}
    folded: set[str] = set()
    total = 0
    offset = 0
    while True:
        if offset + BLOCK > len(data):
            raise ArchiveRejected("The archive in the bundle is truncated.")
        header = data[offset : offset + BLOCK]
        if header == bytes(BLOCK):
            _check_end(data, offset)
            return entries
        name, size = _parse_header(header, limits)
        if name in entries:
            raise ArchiveRejected(f"The archive in the bundle holds {name!r} twice.")
        if name.casefold() in folded:
            raise ArchiveRejected(
                f"The archive in the bundle holds names differing only in case ({name!r})."
            )
        if len(entries) >= limits.max_entries:
            raise ArchiveRejected("The archive in the bundle holds too many files.")
        total += size
        if total > limits.max_total_bytes:
            raise ArchiveRejected("The archive in the bundle is larger than allowed.")
        start = offset + BLOCK
        end = start + size
        padded = start + size + (-size % BLOCK)
        if padded > len(data):
            raise ArchiveRejected("The archive in the bundle is truncated.")
        if data[end:padded].count(0) != padded - end:
            raise ArchiveRejected(f"The archive entry {name!r} has damaged padding.")
        entries[name] = data[start:end]
        folded.add(name.casefold())
        offset = padded


def _check_end(data: bytes, offset: int) -> None:
    # Two zero blocks end the archive; tar tools may pad further with zeros only.
    if offset + 2 * BLOCK > len(data):
        raise ArchiveRejected("The archive in the bundle is truncated.")
    if data.count(0, offset) != len(data) - offset:
        raise ArchiveRejected("The archive in the bundle has data after its end.")


def _parse_header(header: bytes, limits: Limits) -> tuple[str, int]:
    if header[257:263] != b"ustar\x00" or header[263:265] != b"00":
        raise ArchiveRejected("The bundle does not hold a POSIX ustar archive.")
    stored = _octal(header[148:156])
    if stored is None or stored != sum(header[:148]) + 8 * 0x20 + sum(header[156:]):
        raise ArchiveRejected("The archive in the bundle has a damaged header.")
    name = _field_text(header[0:100])
    kind = header[156:157]
    if kind not in _REGULAR:
        what = _KINDS.get(kind, "an unsupported kind of entry")
        raise ArchiveRejected(f"The archive entry {name!r} is {what}; only files are allowed.")
    if any(header[157:257]) or any(header[345:500]):
        # A link target on a file, or a name prefix: neither is written by us.
        raise ArchiveRejected(f"The archive entry {name!r} uses header fields we do not allow.")
    _check_name(name)
    size = _octal(header[124:136])
    if size is None:
        raise ArchiveRejected(f"The archive entry {name!r} has an unreadable size.")
    if size > limits.max_entry_bytes:
        raise ArchiveRejected(f"The archive entry {name!r} is larger than allowed.")
    return name, size


def _field_text(field: bytes) -> str:
    raw, _, rest = field.partition(b"\x00")
    if any(rest):
        raise ArchiveRejected("The archive in the bundle has a damaged header.")
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise ArchiveRejected(
            "The archive in the bundle has a name that is not plain ASCII."
        ) from None


def _check_name(name: str) -> None:
    if not name:
        raise ArchiveRejected("The archive in the bundle has an entry with no name.")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveRejected(f"The archive entry {name!r} has an absolute path.")
    if ".." in name.replace("\\", "/").split("/"):
        raise ArchiveRejected(f"The archive entry {name!r} points outside the archive.")
    if not _NAME.fullmatch(name) or "." in name.split("/") or len(name.encode()) > 100:
        raise ArchiveRejected(f"The archive entry {name!r} does not have an allowed name.")


def _octal(field: bytes) -> int | None:
    """A NUL- or space-terminated octal number, or ``None`` (base-256 and junk refused)."""
    digits = field.rstrip(b"\x00 ")
    if not digits or len(digits) > 11 or not all(0x30 <= b <= 0x37 for b in digits):
        return None
    return int(digits, 8)
