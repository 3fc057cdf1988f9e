"""S2: a canary written through the app never appears in plain bytes anywhere."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from msp_desktop.model import Note
from msp_desktop.store import Workspace
from tests import builders
from tests.e2e.conftest import MspRunner

CANARY = "Zebedee Canarybird Qx7"
PROBES = ("Canarybird", "canarybird", "CANARYBIRD", "Zebedee")


def _encodings(text: str) -> list[bytes]:
    return [text.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def _files(*folders: Path) -> list[Path]:
    return [p for folder in folders if folder.exists() for p in folder.rglob("*") if p.is_file()]


def _leaks(files: Iterable[Path]) -> list[str]:
    found = []
    for path in files:
        data = path.read_bytes()
        for probe in PROBES:
            if any(needle in data for needle in _encodings(probe)):
                found.append(f"{path}: {probe}")
    return found


def test_canary_never_in_plain_bytes_via_the_command(msp: MspRunner, tmp_path: Path) -> None:
    assert msp("init").returncode == 0
    added = msp("people", "add", "--name", CANARY, "--local-id", "CANARY-1")
    assert added.returncode == 0, added.stderr
    assert CANARY in msp("people", "list", "--search", "canarybird").stdout
    backup = tmp_path / "backups" / "canary-backup.db"
    backup.parent.mkdir()
    assert msp("backup", "--to", str(backup)).returncode == 0
    assert msp("check").returncode == 0
    # An error path writes to the log too; it must not carry the name either.
    assert msp("people", "list", "--search", CANARY, MSP_PASSPHRASE="wrong one").returncode == 4

    files = _files(tmp_path / "workspace", tmp_path / "tmpdir", tmp_path / "logs", backup.parent)
    names = {p.name for p in files}
    assert {"workspace.db", "workspace.keys.json", "canary-backup.db", "msp.log"} <= names
    assert (tmp_path / "logs" / "msp.log").stat().st_size > 0, "the log should have entries"
    assert _leaks(files) == []
    for db in (tmp_path / "workspace" / "workspace.db", backup):
        assert not db.read_bytes().startswith(b"SQLite format 3")


def test_canary_not_in_the_write_ahead_log_while_open(workspace: Workspace) -> None:
    person = builders.person(CANARY, address=Note(text=f"{CANARY} Cottage"))
    workspace.people.add(person)
    for i in range(20):  # several commits so the -wal file holds real frames
        workspace.people.update(person.revised(local_id=f"CANARY-{i}"))
    wal = Workspace.db_path(workspace.folder).with_name("workspace.db-wal")
    assert wal.exists()
    assert wal.stat().st_size > 0
    assert _leaks(_files(workspace.folder)) == []
    reopened_names = [p.name for p in workspace.people.search("canarybird")]
    assert reopened_names == [CANARY]
