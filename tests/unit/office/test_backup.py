"""``msp-office backup --out FILE`` and ``msp-office backup verify FILE``, on SQLite and on
PostgreSQL (the ``office`` fixture runs each test on both).

A changed backup is made as someone holding only the office's public recipients could
make it: decrypted here with the inbox key, one thing changed, and encrypted again to
the same two recipients, so age itself has nothing to object to and only the restore's
comparison with the manifest can find the change.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import tarfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyrage
import pytest

from msp_desktop.bundles.minisign import KeyPair
from msp_desktop.office.cli.main import main
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.keys import OfficeLayout, create_office_keys, load_config
from tests.office_helpers import FakeDevice, caseload, office_command
from tests.office_pg import PostgresServer
from tests.platforms import assert_mode
from tests.tools import require_tools
from tests.unit.office.conftest import NOW, Office


def _filled(office: Office) -> None:
    """Two imported bundles (receipts written), and a bundle in quarantine."""
    device = FakeDevice()
    office.enrol(device)
    office.import_(device.bundle(office.inbox, caseload("Ada Example").envelopes()))
    office.import_(device.bundle(office.inbox, caseload("Bea Example").envelopes()))
    stranger = FakeDevice(device_id="laptop-unknown")
    path = office.write(stranger.bundle(office.inbox, caseload().envelopes()), "stranger.mspbundle")
    assert office.run("import", str(path)) == 13


def _contents(office: Office, backup: Path) -> dict[str, bytes]:
    identity = pyrage.x25519.Identity.from_str(
        office.layout.inbox_key.read_text("ascii").strip().splitlines()[-1]
    )
    plain = pyrage.decrypt(backup.read_bytes(), [identity])
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def _rewrite(office: Office, backup: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of ``backup`` with ``change`` applied, encrypted again to the office."""
    contents = _contents(office, backup)
    change(contents)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    config = load_config(office.layout)
    recipients = [
        pyrage.x25519.Recipient.from_str(config.inbox_recipient),
        pyrage.x25519.Recipient.from_str(config.recovery_recipient),
    ]
    changed = backup.with_name("changed.mspbackup")
    changed.write_bytes(pyrage.encrypt(buffer.getvalue(), recipients))
    return changed


def _backup(office: Office, capsys: pytest.CaptureFixture[str]) -> Path:
    out = office.layout.root.parent / "office.mspbackup"
    assert office.run("backup", "--out", str(out)) == 0
    capsys.readouterr()
    return out


def _refusal(office: Office, capsys: pytest.CaptureFixture[str], path: Path) -> str:
    before = office.db_hash()
    assert office.run("backup", "verify", str(path)) == 5
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert office.db_hash() == before  # a check never changes the office
    return lines[0]


def test_a_backup_holds_the_database_and_folder_and_verifies(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled(office)
    capsys.readouterr()
    out = office.layout.root.parent / "office.mspbackup"
    state = office.db_hash()

    assert office.run("backup", "--out", str(out)) == 0

    backend = "sqlite" if office.db_url is None else "postgresql"
    tables = 19 if office.db_url is None else 21
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        f"Wrote the backup of office north-council to {out} (owner-only, encrypted to the "
        f"office's inbox and recovery keys): {tables} tables, "
    )
    assert lines[1] == f"Check it with: msp-office backup verify {out}"
    assert_mode(out, 0o600)
    assert office.db_hash() == state
    contents = _contents(office, out)
    names = set(contents)
    assert "manifest.json" in names
    assert "files/keys/inbox.key" in names
    assert "files/office.json" in names
    assert sum(n.startswith("files/receipts/") for n in names) == 2
    assert sum(n.startswith("files/quarantine/") for n in names) == 2  # bundle and note
    assert not any(n.startswith("files/office.db") for n in names)  # as database/, once
    if office.db_url is None:
        assert "database/office.db" in names
    else:
        assert "database/bundles.copy" in names

    assert office.run("backup", "verify", str(out)) == 0
    verified = capsys.readouterr().out.strip()
    assert verified.startswith(f"{out}: a sound backup of office north-council made ")
    assert (
        f"(signed by this office; database version {SCHEMA_VERSION}, {backend}): restored and "
        f"matched {tables} tables, " in verified
    )
    # The recovery key (kept offline) opens it too, when the office folder is lost.
    assert office.run("backup", "verify", str(out), "--identity",
                      str(office.layout.recovery_key)) == 0  # fmt: skip


def test_the_manifest_is_signed_by_the_office_and_stock_minisign_agrees(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    require_tools("minisign", package="minisign")
    _filled(office)
    contents = _contents(office, _backup(office, capsys))
    folder = office.layout.root.parent / "opened"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(contents["manifest.json"])
    (folder / "manifest.json.minisig").write_bytes(contents["manifest.json.minisig"])
    checked = subprocess.run(
        [
            "minisign",
            "-V",
            "-m",
            str(folder / "manifest.json"),
            "-p",
            str(office.layout.office_pub),
        ],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "msp-office backup of office north-council, made " in checked.stdout


def test_a_backup_remade_by_someone_else_is_refused(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    # What the office's public recipients allow anyone to make: a changed file with the
    # manifest changed to match (or re-signed with their own key). Only the signature
    # can tell; without it this backup would restore, and verify, as sound.
    _filled(office)
    backup = _backup(office, capsys)

    def change_a_file_and_its_hash(contents: dict[str, bytes]) -> None:
        manifest = json.loads(contents["manifest.json"])
        changed = contents["files/office.json"].replace(b"North", b"South")
        contents["files/office.json"] = changed
        manifest["files"]["office.json"] = {
            "size": len(changed),
            "sha256": hashlib.sha256(changed).hexdigest(),
        }
        contents["manifest.json"] = json.dumps(manifest, indent=2).encode()

    line = _refusal(office, capsys, _rewrite(office, backup, change_a_file_and_its_hash))
    assert line.endswith(
        "is not a backup to rely on: its manifest is not signed by this office (The signature "
        "does not match the signed data)."
    )

    def sign_with_another_key(contents: dict[str, bytes]) -> None:
        change_a_file_and_its_hash(contents)
        other = KeyPair.generate()
        contents["manifest.json.minisig"] = other.sign(contents["manifest.json"], "forged").encode()

    line = _refusal(office, capsys, _rewrite(office, backup, sign_with_another_key))
    assert "its manifest is not signed by this office (The signature was made by key " in line


def test_an_unsigned_backup_is_refused_unless_allowed_and_then_says_so(
    office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled(office)
    backup = _backup(office, capsys)
    unsigned = _rewrite(office, backup, lambda contents: contents.pop("manifest.json.minisig"))
    line = _refusal(office, capsys, unsigned)
    assert line.endswith(
        "its manifest is not signed (a backup made before backups were signed; check one of "
        "those with --allow-unsigned)."
    )
    before = office.db_hash()
    assert office.run("backup", "verify", str(unsigned), "--allow-unsigned") == 0
    said = capsys.readouterr().out.splitlines()
    assert "(NOT SIGNED; database version" in said[0]
    assert said[1].startswith("It was made before backups were signed: anyone holding")
    assert office.db_hash() == before
    # Allowing unsigned backups never lets a badly signed one through.
    assert office.run("backup", "verify", str(backup), "--allow-unsigned") == 0
    assert "(signed by this office;" in capsys.readouterr().out


def test_a_changed_row_is_found(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(office)
    backup = _backup(office, capsys)

    def change_a_row(contents: dict[str, bytes]) -> None:
        if office.db_url is None:
            scratch = office.layout.root.parent / "scratch.db"
            scratch.write_bytes(contents["database/office.db"])
            with sqlite3.connect(scratch) as conn:
                conn.execute("UPDATE bundles SET worker = 'Someone Else' WHERE sequence = 1")
            contents["database/office.db"] = scratch.read_bytes()
        else:
            data = contents["database/bundles.copy"]
            assert data.count(b"Test Worker") == 2
            contents["database/bundles.copy"] = data.replace(b"Test Worker", b"Someone Else", 1)

    line = _refusal(office, capsys, _rewrite(office, backup, change_a_row))
    assert line == (
        f"msp-office: {backup.with_name('changed.mspbackup')} is not a backup to rely on: "
        "the rows of the table bundles differ from what it recorded."
    )


def test_a_missing_row_is_found(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(office)
    backup = _backup(office, capsys)

    def drop_a_row(contents: dict[str, bytes]) -> None:
        if office.db_url is None:
            scratch = office.layout.root.parent / "scratch.db"
            scratch.write_bytes(contents["database/office.db"])
            with sqlite3.connect(scratch) as conn:
                conn.execute("DELETE FROM conflicts")  # none: then the audit entries
                conn.execute("DELETE FROM audit_entries WHERE seq = 1")
            contents["database/office.db"] = scratch.read_bytes()
        else:
            lines = contents["database/audit_entries.copy"].split(b"\n")
            contents["database/audit_entries.copy"] = b"\n".join(lines[1:])

    line = _refusal(office, capsys, _rewrite(office, backup, drop_a_row))
    assert line.endswith("the table audit_entries restores with 3 rows, it recorded 4.")


def test_a_changed_file_is_found(office: Office, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(office)
    backup = _backup(office, capsys)

    def change_a_key(contents: dict[str, bytes]) -> None:
        contents["files/office.json"] = contents["files/office.json"].replace(b"North", b"South")

    line = _refusal(office, capsys, _rewrite(office, backup, change_a_key))
    assert line.endswith("is not a backup to rely on: the file office.json differs from what "
                         "it recorded.")  # fmt: skip


def test_damage_and_another_offices_backup_are_refused(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    backup = _backup(office, capsys)
    damaged = tmp_path / "damaged.mspbackup"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged.write_bytes(bytes(data))
    assert _refusal(office, capsys, damaged) == (
        f"msp-office: {damaged} is not a backup to rely on: it cannot be decrypted "
        "(damaged, cut short or changed)."
    )
    cut = tmp_path / "cut.mspbackup"
    cut.write_bytes(backup.read_bytes()[:-100])
    assert _refusal(office, capsys, cut).endswith("it cannot be decrypted (damaged, cut short "
                                                  "or changed).")  # fmt: skip

    other = OfficeLayout(tmp_path / "other")
    create_office_keys(other, office_id="south", name="South", now=NOW)
    assert office.run("backup", "verify", str(backup), "--identity", str(other.inbox_key)) == 5
    assert capsys.readouterr().err.strip() == (
        f"msp-office: {backup} is not a backup to rely on: it is not encrypted to this "
        "office's key."
    )


def test_a_backup_never_replaces_a_file(
    office: Office, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    there = tmp_path / "there.mspbackup"
    there.write_bytes(b"yesterday's backup")
    assert office.run("backup", "--out", str(there)) == 2
    assert capsys.readouterr().err.strip() == (
        f"msp-office: {there} already exists; a backup never replaces a file: name a new one."
    )
    assert there.read_bytes() == b"yesterday's backup"
    assert office.run("backup") == 2
    assert capsys.readouterr().err.strip() == (
        "msp-office: Say where to write the backup: msp-office backup --out FILE."
    )
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.posix_only("cron, setsid and a bare environment are POSIX; the office runs on Linux")
def test_backup_and_verify_run_from_cron_without_a_prompt(office: Office, tmp_path: Path) -> None:
    """No terminal, no stdin, only the variables cron would set: both finish."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "MSP_LOG_DIR": str(tmp_path / "logs"),
        "MSP_OFFICE_DIR": office.root,
        "MSP_OFFICE_ALLOW_ROOT": "1",  # CI is root
        **({"MSP_OFFICE_DB": office.db_url} if office.db_url else {}),
    }
    out = tmp_path / "nightly.mspbackup"
    for args in (["backup", "--out", str(out)], ["backup", "verify", str(out)]):
        done = subprocess.run(
            [*office_command(), *args],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            start_new_session=True,  # no controlling terminal, as under cron
        )
        assert (done.returncode, done.stderr) == (0, ""), args
    assert_mode(out, 0o600)


GUIDE = Path(__file__).resolve().parents[3] / "docs" / "office-guide.md"


def _guide_restore_sql() -> str:
    """The SQL block under ``<!-- restore-postgresql -->`` in the office guide, as written."""
    text = GUIDE.read_text("utf-8")
    after = text.split("<!-- restore-postgresql -->", 1)[1]
    block = after.split("```sql", 1)[1].split("```", 1)[0]
    return textwrap.dedent(block)


def test_the_guides_postgresql_restore_loads_every_table_in_order() -> None:
    # A table left out of the guide's SQL would be empty after a restore by its steps:
    # every table of the office database, in the order they are made (keys first).
    from msp_desktop.office.db.postgres_schema import OFFICE_TABLES

    copied = re.findall(r"^\\copy (\w+) FROM '(\w+)\.copy'$", _guide_restore_sql(), re.MULTILINE)
    assert [table for table, _ in copied] == list(OFFICE_TABLES)
    assert all(table == file for table, file in copied)


def test_the_guides_postgresql_restore_brings_back_every_row(
    office: Office,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    postgres_server: PostgresServer,
) -> None:
    """Section 6's restore, step by step: age and tar unpack the backup, ``init`` makes
    the tables in a new database, and ``psql`` runs the guide's SQL block unchanged."""
    if office.db_url is None:
        pytest.skip("the PostgreSQL restore; SQLite's is one file copied (checked above)")
    require_tools("age", package="age")
    require_tools("psql", package="postgresql-client")
    _filled(office)
    backup = _backup(office, capsys)
    unpacked = tmp_path / "restore"
    unpacked.mkdir(mode=0o700)
    # The guide's pipe: age -d -i keys/inbox.key FILE | tar -xz -C FOLDER
    plain = subprocess.run(
        ["age", "-d", "-i", str(office.layout.inbox_key), str(backup)],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-xz", "-C", str(unpacked)], input=plain, check=True)
    restored = postgres_server.new_schema()
    try:
        assert main(["init", "--dir", str(tmp_path / "throwaway"), "--db", restored,
                     "--office-id", "restore", "--name", "Restore"]) == 0  # fmt: skip
        script = unpacked / "database" / "restore.sql"
        script.write_text(_guide_restore_sql(), "utf-8")
        done = subprocess.run(
            ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-d", restored, "-f", "restore.sql"],
            cwd=script.parent,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        original = office.db_state()
        office.db_url, live = restored, office.db_url
        assert office.db_state() == original
        # The office goes on in it: a new device and a new conflict take the next ids.
        assert office.run("status") == 0
        office.store = office.open_store()
        try:
            office.enrol(FakeDevice(device_id="laptop-new"))
        finally:
            office.store.close()
        office.db_url = live
    finally:
        postgres_server.drop_schema(restored)
