"""``msp-office backup``: the office database and folder in one encrypted file, and its check.

A backup is an age file encrypted to the office's own two recipients (from
``office.json``): the inbox key, which ``backup verify`` and a restore on the office
server use without a prompt (so cron can run both), and the recovery key, kept offline,
which still opens it when the office server and its folder are lost. Inside is a gzip'd
tar:

- ``manifest.json``: the office, when and by which msp-office it was made, the database
  backend and schema version, every table's row count and content hash
  (``db.dump``), and every folder file's size and SHA-256;
- ``manifest.json.minisig``: the manifest signed with the office's signing key
  (``keys/office.key``, minisign format, so ``minisign -V -p office.pub`` checks it too).
  The recipients are public (every laptop's ``office-keys.json`` holds the inbox one), so
  anyone could make a file that decrypts; only the office could have signed the
  manifest, and the manifest pins every file and table by its hash;
- ``database/office.db`` (SQLite, copied with its backup API) or
  ``database/<table>.copy`` (PostgreSQL, each table's ``COPY`` text from one snapshot,
  ``db.postgres_dump``);
- ``files/...``: the office folder (keys, office.json, quarantine, receipts, alerts),
  without the live database and without ``backups/``.

The file is written owner-only under a temporary name and renamed into place, so an
interrupted backup never leaves a partial file under the name asked for; plaintext
exists only in a private temporary folder, removed at the end.

``verify_backup`` decrypts with the office's inbox key (or ``--identity``), checks the
manifest's signature against this office's public key (a backup made before backups
were signed is refused unless ``allow_unsigned``), checks every file against the
manifest, restores the database into a scratch database (a SQLite file in a private
temporary folder; temporary tables on the office's PostgreSQL server) and compares
every table's rows and hash with what the manifest recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from msp_desktop import __version__
from msp_desktop.bundles import AgeIdentity, AgeRecipient, BundleRejected, minisign
from msp_desktop.bundles.age import decrypt_stream, encrypt_stream
from msp_desktop.bundles.errors import SignatureRejected
from msp_desktop.bundles.manifest import format_time
from msp_desktop.errors import InvalidInput
from msp_desktop.input_files import read_input
from msp_desktop.office.db.backends import database_where
from msp_desktop.office.db.dump import DatabaseSums, TableSum, copy_sqlite, sqlite_sums
from msp_desktop.office.errors import OfficeDamaged
from msp_desktop.office.files import fsync_directory, hand_over
from msp_desktop.office.keys import OfficeLayout, load_config, load_keys
from msp_desktop.owner_only import create_private_file, open_new
from msp_desktop.paths import expand_home
from msp_desktop.temp_files import remove_stale, temporary_name

__all__ = ["BACKUPS_FOLDER", "BackupSummary", "make_backup", "verify_backup"]

FORMAT = "msp-office-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.minisig"
SQLITE_MEMBER = "database/office.db"
BACKUPS_FOLDER = "backups"
"""``OFFICE/backups/``: where ``migrate`` keeps its backup; never itself backed up."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, for the command's lines."""

    path: Path
    office_id: str
    made_at: str
    backend: str
    version: int
    tables: int
    rows: int
    files: int
    signed: bool = True
    """False only for a backup made before backups were signed, checked with
    ``allow_unsigned``."""


def _summary(path: Path, manifest: dict[str, Any], *, signed: bool = True) -> BackupSummary:
    tables = manifest["database"]["tables"]
    return BackupSummary(
        signed=signed,
        path=path,
        office_id=str(manifest["office_id"]),
        made_at=str(manifest["made_at"]),
        backend=str(manifest["backend"]),
        version=int(manifest["database"]["version"]),
        tables=len(tables),
        rows=sum(int(t["rows"]) for t in tables.values()),
        files=len(manifest["files"]),
    )


def _folder_files(layout: OfficeLayout, skip: set[Path]) -> list[Path]:
    """The office folder's regular files, sorted, without the live database, its
    journals, ``backups/`` and anything in ``skip``."""
    db = layout.database
    live = {db, *(db.with_name(db.name + end) for end in ("-journal", "-wal", "-shm"))}
    found: list[Path] = []
    for folder, subfolders, names in os.walk(layout.root):
        here = Path(folder)
        if here == layout.root:
            subfolders[:] = [s for s in subfolders if s != BACKUPS_FOLDER]
        subfolders.sort()
        for name in sorted(names):
            path = here / name
            if path in live or path in skip or path.is_symlink() or not path.is_file():
                continue
            found.append(path)
    return found


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def make_backup(layout: OfficeLayout, url: str | None, out: Path) -> BackupSummary:
    """Write the encrypted backup of the office (database and folder) to ``out``."""
    out = expand_home(out).absolute()
    if out.exists():
        raise InvalidInput(f"{out} already exists; a backup never replaces a file: name a new one.")
    if not out.parent.is_dir():
        raise InvalidInput(f"There is no folder {out.parent} to write the backup into.")
    config = load_config(layout)
    recipients = [
        AgeRecipient.from_text(config.inbox_recipient),
        AgeRecipient.from_text(config.recovery_recipient),
    ]
    where = database_where(layout.root, url)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "office_id": config.office_id,
        "made_at": format_time(datetime.now(UTC)),
        "made_by": f"msp-office {__version__}",
        "backend": "sqlite" if isinstance(where, Path) else "postgresql",
    }
    with tempfile.TemporaryDirectory(prefix="msp-office-backup-") as work:  # 0700
        members: list[tuple[str, bytes]] = []
        if isinstance(where, Path):
            copy = Path(work) / "office.db"
            create_private_file(copy)
            copy_sqlite(where, copy)
            sums = sqlite_sums(copy)
            members.append((SQLITE_MEMBER, copy.read_bytes()))
            columns: dict[str, Any] = {}
        else:
            from msp_desktop.office.db.postgres_dump import dump

            sums, dumps = dump(where)
            members += [(f"database/{t}.copy", data) for t, (_, data) in sorted(dumps.items())]
            columns = {t: cols for t, (cols, _) in dumps.items()}
        manifest["database"] = {
            "version": sums.version,
            "tables": {t: {"rows": s.rows, "sha256": s.sha256} for t, s in sums.tables.items()},
            "columns": columns,
        }
        files: dict[str, dict[str, Any]] = {}
        for path in _folder_files(layout, {out}):
            try:
                data = path.read_bytes()
            except PermissionError:
                raise InvalidInput(
                    f"Cannot read {path} (it belongs to another account), so no backup was "
                    "written; give it back to the office folder's owner (chown) and run "
                    "the backup as that account."
                ) from None
            name = path.relative_to(layout.root).as_posix()
            files[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            members.append((f"files/{name}", data))
        manifest["files"] = files
        text = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        signing = load_keys(layout, config).signing
        signature = signing.sign(
            text, f"msp-office backup of office {config.office_id}, made {manifest['made_at']}"
        )
        plain = Path(work) / "backup.tar.gz"
        with tarfile.open(plain, "w:gz") as tar:
            _add(tar, MANIFEST, text)
            _add(tar, SIGNATURE, signature.encode("ascii"))
            for name, data in members:
                _add(tar, name, data)
        _encrypt_into(plain, out, recipients)
    return _summary(out, manifest)


def _encrypt_into(plain: Path, out: Path, recipients: list[AgeRecipient]) -> None:
    remove_stale(out.parent)  # what a killed backup left here
    tmp = temporary_name(out)
    try:
        with plain.open("rb") as source, os.fdopen(open_new(tmp), "wb") as target:
            encrypt_stream(source, target, recipients)
            target.flush()
            os.fsync(target.fileno())
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    fsync_directory(out.parent)
    hand_over(out)


def _refused(path: Path, why: str) -> OfficeDamaged:
    return OfficeDamaged(f"{path} is not a backup to rely on: {why}.")


def verify_backup(
    layout: OfficeLayout,
    url: str | None,
    path: Path,
    identity: Path | None = None,
    *,
    allow_unsigned: bool = False,
) -> BackupSummary:
    """Decrypt ``path``, check the manifest's signature, check every file, restore the
    database into a scratch database and compare every table with the manifest;
    ``OfficeDamaged`` on any difference, or when this office did not sign the manifest
    (an unsigned one passes only with ``allow_unsigned``)."""
    key = _identity(layout, identity)
    if not path.is_file():
        raise InvalidInput(f"There is no backup file {path}.")
    with tempfile.TemporaryDirectory(prefix="msp-office-verify-") as work:
        plain = Path(work) / "backup.tar.gz"
        try:
            with path.open("rb") as source, os.fdopen(open_new(plain), "wb") as target:
                # The inbox and recovery keys' entries, and rage's one grease entry.
                decrypt_stream(source, target, key, max_entries=3)
        except BundleRejected as exc:
            why = (
                "it is not encrypted to this office's key"
                if "no matching keys" in exc.message.lower()
                else "it cannot be decrypted (damaged, cut short or changed)"
            )
            raise _refused(path, why) from None
        try:
            with tarfile.open(plain, "r:gz") as tar:
                contents = {m.name: _read(tar, m) for m in tar.getmembers() if m.isfile()}
        except (tarfile.TarError, OSError, EOFError):
            raise _refused(path, "its contents are not a readable archive") from None
        signed = _check_signature(path, contents, layout, allow_unsigned=allow_unsigned)
        manifest = _manifest(path, contents)
        _check_files(path, manifest, contents)
        recorded = DatabaseSums(
            int(manifest["database"]["version"]),
            {
                t: TableSum(int(s["rows"]), str(s["sha256"]))
                for t, s in manifest["database"]["tables"].items()
            },
        )
        restored = _restore(path, manifest, contents, Path(work), layout, url)
    _compare(path, recorded, restored)
    return _summary(path, manifest, signed=signed)


def office_public_key(layout: OfficeLayout) -> minisign.PublicKey:
    """This office's signing key's public half (``keys/office.pub``), checked against
    the key id ``office.json`` names."""
    config = load_config(layout)
    try:
        key = minisign.PublicKey.from_text(layout.office_pub.read_text("ascii"))
    except (OSError, UnicodeDecodeError, SignatureRejected):
        raise OfficeDamaged(f"{layout.office_pub} is not this office's public key file.") from None
    if key.key_id != config.office_key_id:
        raise OfficeDamaged(
            f"{layout.office_pub} holds key {key.key_id}, but office.json names "
            f"{config.office_key_id}."
        )
    return key


def _check_signature(
    path: Path, contents: dict[str, bytes], layout: OfficeLayout, *, allow_unsigned: bool
) -> bool:
    """Whether the manifest is signed by this office; refused when signed by another key,
    changed after signing, or unsigned without ``allow_unsigned``."""
    if MANIFEST not in contents:
        raise _refused(path, "it has no readable manifest")
    if SIGNATURE not in contents:
        if allow_unsigned:
            return False
        raise _refused(
            path,
            "its manifest is not signed (a backup made before backups were signed; check "
            "one of those with --allow-unsigned)",
        )
    try:
        minisign.verify(
            contents[MANIFEST], contents[SIGNATURE].decode("ascii"), office_public_key(layout)
        )
    except (SignatureRejected, UnicodeDecodeError) as exc:
        why = getattr(exc, "message", "the signature cannot be read")
        raise _refused(
            path, f"its manifest is not signed by this office ({why.rstrip('.')})"
        ) from None
    return True


def _identity(layout: OfficeLayout, identity: Path | None) -> AgeIdentity:
    if identity is None:
        return load_keys(layout, load_config(layout)).inbox
    try:
        text = read_input(identity, "an age identity file", 64 * 1024).decode("ascii")
        return AgeIdentity.from_text(text)
    except (InvalidInput, UnicodeDecodeError, BundleRejected):
        raise InvalidInput(f"{identity} is not an age identity file that can be read.") from None


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        raise tarfile.TarError(member.name)
    return handle.read()


def _manifest(path: Path, contents: dict[str, bytes]) -> dict[str, Any]:
    try:
        manifest = json.loads(contents[MANIFEST])
        if manifest["format"] != FORMAT or manifest["format_version"] != FORMAT_VERSION:
            raise ValueError("format")
        if not all(k in manifest for k in ("office_id", "made_at", "backend", "database", "files")):
            raise ValueError("incomplete")
        return dict(manifest)
    except (KeyError, ValueError, TypeError):
        raise _refused(path, "it has no readable manifest") from None


def _check_files(path: Path, manifest: dict[str, Any], contents: dict[str, bytes]) -> None:
    files: dict[str, Any] = manifest["files"]
    stored = {name[len("files/") :] for name in contents if name.startswith("files/")}
    if stored != set(files):
        extra = sorted(stored ^ set(files))
        raise _refused(path, f"the file {extra[0]} is not both listed and stored")
    for name, entry in sorted(files.items()):
        data = contents[f"files/{name}"]
        if hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
            raise _refused(path, f"the file {name} differs from what it recorded")


def _restore(
    path: Path,
    manifest: dict[str, Any],
    contents: dict[str, bytes],
    work: Path,
    layout: OfficeLayout,
    url: str | None,
) -> DatabaseSums:
    if manifest["backend"] == "sqlite":
        if SQLITE_MEMBER not in contents:
            raise _refused(path, "its database is missing")
        scratch = work / "scratch.db"
        with os.fdopen(open_new(scratch), "wb") as handle:
            handle.write(contents[SQLITE_MEMBER])
        try:
            return sqlite_sums(scratch)
        except OfficeDamaged:
            raise _refused(path, "its database is not a sound office database") from None
    where = database_where(layout.root, url)
    if isinstance(where, Path):
        raise InvalidInput(
            "This backup is of a PostgreSQL office database: give the office's PostgreSQL "
            "database to restore it into for the check (--db URL or $MSP_OFFICE_DB)."
        )
    from msp_desktop.office.db.postgres_dump import restore_sums

    tables: dict[str, Any] = {}
    for table, columns in manifest["database"]["columns"].items():
        member = f"database/{table}.copy"
        if member not in contents:
            raise _refused(path, f"the table {table} is missing")
        tables[table] = ([(str(n), str(k)) for n, k in columns], contents[member])
    return restore_sums(where, int(manifest["database"]["version"]), tables)


def _compare(path: Path, recorded: DatabaseSums, restored: DatabaseSums) -> None:
    if restored.version != recorded.version:
        raise _refused(path, f"its database is version {restored.version}, "
                             f"the manifest says {recorded.version}")  # fmt: skip
    for table in sorted(set(recorded.tables) | set(restored.tables)):
        want, got = recorded.tables.get(table), restored.tables.get(table)
        if want is None or got is None:
            raise _refused(path, f"the table {table} is not both recorded and restored")
        if want.rows != got.rows:
            raise _refused(
                path, f"the table {table} restores with {got.rows} rows, it recorded {want.rows}"
            )
        if want.sha256 != got.sha256:
            raise _refused(path, f"the rows of the table {table} differ from what it recorded")
