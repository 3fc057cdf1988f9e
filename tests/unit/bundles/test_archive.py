"""The inner ustar archive: deterministic writing, strict reading."""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path

import pytest

from msp_desktop.bundles.archive import BLOCK, Limits, read_archive, write_archive
from msp_desktop.bundles.errors import ArchiveRejected
from tests.tools import require_tools
from tests.unit.bundles.hostile import END, archive, entry, header, stdlib_tar

FILES = [("manifest.json", b'{"a":1}'), ("records/x.json", b"[]" * 300), ("audit/e.json", b"")]


def test_round_trip_is_deterministic_and_ordered() -> None:
    data = write_archive(FILES)
    assert data == write_archive(FILES)
    assert len(data) % BLOCK == 0
    assert list(read_archive(data).items()) == FILES


def test_python_tarfile_reads_what_we_write() -> None:
    with tarfile.open(fileobj=io.BytesIO(write_archive(FILES)), mode="r:") as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == [name for name, _ in FILES]
        assert all(m.isfile() and m.mode == 0o644 and m.mtime == 0 for m in members)


def test_stock_tar_lists_what_we_write(tmp_path: Path) -> None:
    require_tools("tar", package="tar")
    (tmp_path / "inner.tar").write_bytes(write_archive(FILES))
    listing = subprocess.run(
        ["tar", "-tf", tmp_path / "inner.tar"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert listing == [name for name, _ in FILES]


def test_trailing_zero_padding_from_tar_tools_is_accepted() -> None:
    data = write_archive(FILES) + b"\x00" * 10 * BLOCK
    assert len(read_archive(data)) == 3


def _symlink() -> tarfile.TarInfo:
    info = tarfile.TarInfo("records/a.json")
    info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return info


def _long_name() -> tarfile.TarInfo:
    info = tarfile.TarInfo("records/" + "a" * 120 + ".json")
    info.size = 2
    return info


SMALL = Limits(max_entries=3, max_entry_bytes=1000, max_total_bytes=1500)

CORPUS = [
    ("zip slip", archive(entry("records/../../etc/cron.d/x")), "points outside"),
    ("parent only", archive(entry("..")), "points outside"),
    ("backslash slip", archive(entry("records\\..\\x")), "points outside"),
    ("absolute", archive(entry("/etc/passwd")), "absolute path"),
    ("drive letter", archive(entry("C:x")), "absolute path"),
    ("dot segment", archive(entry("records/./x.json")), "allowed name"),
    ("empty segment", archive(entry("records//x.json")), "allowed name"),
    ("trailing slash", archive(entry("records/")), "allowed name"),
    ("space in name", archive(entry("records/a b.json")), "allowed name"),
    ("empty name", archive(entry(b"")), "no name"),
    ("non-ascii name", archive(entry("records/é.json".encode())), "plain ASCII"),
    ("symlink", archive(entry("a.json", b"", kind=b"2", link=b"/etc/passwd")), "symbolic link"),
    ("hardlink", archive(entry("a.json", b"", kind=b"1", link=b"manifest.json")), "hard link"),
    ("char device", archive(entry("a.json", b"", kind=b"3")), "character device"),
    ("block device", archive(entry("a.json", b"", kind=b"4")), "block device"),
    ("directory", archive(entry("records", b"", kind=b"5")), "a directory"),
    ("fifo", archive(entry("a.json", b"", kind=b"6")), "FIFO"),
    ("pax header", archive(entry("a.json", b"", kind=b"x")), "pax extended header"),
    ("unknown type", archive(entry("a.json", b"", kind=b"Z")), "unsupported kind"),
    ("link target on file", archive(entry("a.json", link=b"b")), "header fields"),
    ("name prefix", archive(entry("a.json", prefix=b"../..")), "header fields"),
    ("stdlib symlink", stdlib_tar([_symlink()], tarfile.USTAR_FORMAT), "symbolic link"),
    ("gnu long name", stdlib_tar([_long_name()]), "POSIX ustar"),  # GNU magic
    ("gnu long name kind", archive(entry("a.json", kind=b"L")), "GNU long name"),
    ("pax long name", stdlib_tar([_long_name()], tarfile.PAX_FORMAT), "pax extended header"),
    ("old gnu magic", archive(entry("a.json", magic=b"ustar  \x00")), "POSIX ustar"),
    ("not a tar", b"PK\x03\x04" + b"\x00" * 1020, "POSIX ustar"),
    ("gzip", b"\x1f\x8b" + b"\x00" * 1022, "POSIX ustar"),
    ("duplicate", archive(entry("a.json"), entry("a.json")), "holds 'a.json' twice"),
    ("case collision", archive(entry("a.json"), entry("A.json")), "differing only in case"),
    ("oversized entry", archive(entry("a.json", b" " * 1001)), "larger than allowed"),
    ("too many", archive(*(entry(f"{i}.json") for i in range(4))), "too many files"),
    ("total too big", archive(*(entry(f"{i}.json", b" " * 800) for i in range(2))), "larger"),
    (
        "bomb-ish declared size",
        archive(entry("a.json", b"", size_field=b"77777777777\x00")),
        "larger than allowed",
    ),
    ("base-256 size", archive(entry("a.json", b"", size_field=b"\x80" + b"\x00" * 11)), "size"),
    ("junk size", archive(entry("a.json", b"", size_field=b"12x4\x00" + b"\x00" * 7)), "size"),
    ("truncated header", archive(entry("a.json"))[: BLOCK // 2], "truncated"),
    ("truncated data", header(b"a.json", 700) + b"x" * BLOCK, "truncated"),
    ("no end marker", entry("a.json"), "truncated"),
    ("half end marker", entry("a.json") + b"\x00" * BLOCK, "truncated"),
    ("data after end", archive(entry("a.json")) + b"\x01" + b"\x00" * 511, "after its end"),
    ("dirty padding", header(b"a.json", 2) + b"{}" + b"\x01" * 510 + END, "damaged padding"),
    ("empty input", b"", "truncated"),
]


@pytest.mark.parametrize(("data", "reason"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_hostile_archives_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(ArchiveRejected, match=reason):
        read_archive(data, SMALL)


def test_damaged_checksum_is_rejected() -> None:
    data = bytearray(write_archive(FILES))
    data[5] ^= 0x01  # a name byte: the stored checksum no longer adds up
    with pytest.raises(ArchiveRejected, match="damaged header"):
        read_archive(bytes(data))


def test_writer_refuses_names_the_reader_would_refuse() -> None:
    with pytest.raises(ArchiveRejected, match="points outside"):
        write_archive([("../x", b"")])
