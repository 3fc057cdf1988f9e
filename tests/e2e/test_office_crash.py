"""The office after a killed ``msp-office import`` (issue 15, item 5).

A child runs the real import and is killed (kill -9) inside its transaction, after
SQLite has spilled changed pages into ``office.db`` and synced the rollback journal
(``tests/e2e/office_import_child.py``). The journal is then *hot*: the database file
alone is half-written, and only SQLite's rollback makes it whole. Every read-only
command must do that rollback (or read through it) and answer as it would have before
the import, never call the office database "not an office database".
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.conftest import OfficeRunner
from tests.office_helpers import FakeDevice, caseload

# The first bytes of a rollback journal whose header SQLite has synced (a hot one).
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _office_with_a_device(msp_office: OfficeRunner, tmp_path: Path) -> FakeDevice:
    from msp_desktop.bundles.provisioning import read_provisioning

    created = msp_office("init", "--office-id", "north", "--name", "North Council")
    assert created.returncode == 0, created.stderr
    keys_file = tmp_path / "office-keys.json"
    assert msp_office("provisioning", "--out", str(keys_file)).returncode == 0
    provisioning = read_provisioning(keys_file.read_bytes())
    laptop = FakeDevice(device_id="laptop-7", worker="Siân Evans")
    enrolment = tmp_path / "enrolment.json"
    enrolment.write_bytes(laptop.enrolment())
    assert msp_office("devices", "add", str(enrolment)).returncode == 0
    first = tmp_path / "first.mspbundle"
    first.write_bytes(laptop.bundle(provisioning.inbox, caseload("Ada Example").envelopes()).data)
    imported = msp_office("import", str(first))
    assert imported.returncode == 0, imported.stderr
    # The bundle the child will be killed importing: many records and audit entries,
    # so the transaction changes many pages.
    records = [e for i in range(40) for e in caseload(f"Person {i}").envelopes()]
    big = tmp_path / "big.mspbundle"
    big.write_bytes(laptop.bundle(provisioning.inbox, records, audit=400).data)
    return laptop


def _kill_import_inside_its_transaction(
    office_dir: Path, bundle: Path, env: dict[str, str]
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.office_import_child", str(office_dir), str(bundle)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert child.stdout is not None
    try:
        line = child.stdout.readline().strip()
    finally:
        child.kill()  # SIGKILL: no clean-up, no rollback
        child.wait(timeout=30)
        stderr = child.stderr.read() if child.stderr else ""
        child.stdout.close()
        if child.stderr:
            child.stderr.close()
    assert line == "hot", stderr


@dataclass(frozen=True)
class Crashed:
    """An office whose last import was killed with a hot journal."""

    run: OfficeRunner
    office_dir: Path
    bundles: dict[str, str]  # FIRST (imported), BIG (the killed import's)
    before: dict[tuple[str, ...], str]  # read-only commands' output before the crash


@pytest.fixture
def crashed_office(
    msp_office: OfficeRunner, msp_env: dict[str, str], office_dir: Path, tmp_path: Path
) -> Crashed:
    """An office whose last import was killed with a hot journal, and its two bundles."""
    _office_with_a_device(msp_office, tmp_path)
    shown = [("status", "--json"), ("devices", "list"), ("conflicts",)]
    before = {command: msp_office(*command).stdout for command in shown}
    _kill_import_inside_its_transaction(office_dir, tmp_path / "big.mspbundle", msp_env)
    journal = office_dir / "office.db-journal"
    assert journal.read_bytes()[:8] == JOURNAL_MAGIC, "the child left no hot journal"
    bundles = {"BIG": str(tmp_path / "big.mspbundle"), "FIRST": str(tmp_path / "first.mspbundle")}
    return Crashed(msp_office, office_dir, bundles, before)


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("status", "--json"),
        ("devices", "list"),
        ("conflicts",),
        ("verify", "BIG"),
        ("verify", "FIRST"),
    ],
)
def test_read_only_commands_after_a_killed_import(
    crashed_office: Crashed, command: tuple[str, ...]
) -> None:
    crashed = crashed_office
    result = crashed.run(*[crashed.bundles.get(arg, arg) for arg in command])
    assert "not an office database" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    # SQLite rolled the import back: the journal is gone, and the office reads as it
    # did before the killed import.
    assert not (crashed.office_dir / "office.db-journal").exists()
    if command in crashed.before:
        assert result.stdout == crashed.before[command]
    if command[0] == "verify":
        expected = "would be accepted" if command[1] == "BIG" else "already imported"
        assert expected in result.stdout
    check = sqlite3.connect(crashed.office_dir / "office.db")
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        check.close()


def test_the_import_after_a_killed_one_imports_it(crashed_office: Crashed) -> None:
    crashed = crashed_office
    assert crashed.run("status").returncode == 0  # rolls back first
    again = crashed.run("import", crashed.bundles["BIG"])
    assert again.returncode == 0, again.stderr
    status = crashed.run("status", "--json")
    assert status.stdout != crashed.before[("status", "--json")]
    assert '"bundles": 2' in status.stdout.replace("\n", "")
