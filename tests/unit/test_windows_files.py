"""Every file the app writes holds exactly the bytes it meant, on Windows too.

Windows opens files in text mode unless told otherwise, turning each "\\n" written into
"\\r\\n": a bundle, key file, backup or PDF would be corrupted and a text format would
change its line ends. These tests pass the three line ends through every writer and
read the bytes back. On Linux they pass either way; under Windows (or Wine) they fail
as soon as one writer forgets binary mode.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from msp_desktop import logs
from msp_desktop.atomic import write_atomic
from msp_desktop.model.schema import write_json_schemas
from msp_desktop.office.files import append_line
from msp_desktop.owner_only import create_private_file, open_new
from msp_desktop.settings import Settings, save_settings
from msp_desktop.store import Workspace
from msp_desktop.store.backup import make_backup
from tests.conftest import PASSPHRASE

LINE_ENDS = b"one\ntwo\r\nthree\rfour\n\n\r\r\n" + bytes(range(256))


def test_write_atomic_keeps_every_byte(tmp_path: Path) -> None:
    target = tmp_path / "bundle.msp"
    write_atomic(target, LINE_ENDS)
    assert target.read_bytes() == LINE_ENDS
    write_atomic(target, LINE_ENDS * 2, mode=0o644)  # a public file: binary as well
    assert target.read_bytes() == LINE_ENDS * 2


def test_open_new_is_binary(tmp_path: Path) -> None:
    target = tmp_path / "new.bin"
    fd = open_new(target)
    try:
        os.write(fd, LINE_ENDS)
    finally:
        os.close(fd)
    assert target.read_bytes() == LINE_ENDS


def test_append_line_ends_each_line_with_lf_only(tmp_path: Path) -> None:
    alerts = tmp_path / "alerts.jsonl"
    append_line(alerts, "first\r")  # a lone CR inside a line is kept as it is
    append_line(alerts, json.dumps({"note": "a\r\nb"}))  # JSON escapes these
    assert alerts.read_bytes() == b'first\r\n{"note": "a\\r\\nb"}\n'


def test_create_private_file_is_empty_and_refuses_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "made.db"
    create_private_file(target)
    assert target.read_bytes() == b""
    target.write_bytes(b"kept")
    with pytest.raises(FileExistsError):
        create_private_file(target)
    assert target.read_bytes() == b"kept"


def test_backup_key_file_and_restored_copy_are_byte_for_byte(
    workspace: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "backup.db"
    # The key file is written from the bytes given: pass the awkward ones.
    make_backup(workspace.db, workspace._key(), LINE_ENDS, target)
    assert Path(f"{target}.keys.json").read_bytes() == LINE_ENDS
    target.unlink()
    Path(f"{target}.keys.json").unlink()

    workspace.backup(target)
    backup_bytes = target.read_bytes()
    keys_bytes = Path(f"{target}.keys.json").read_bytes()
    assert b"\n" in backup_bytes  # an encrypted database holds every byte value
    workspace.close()
    Workspace.restore(workspace.folder, target, PASSPHRASE)
    assert Workspace.db_path(workspace.folder).read_bytes() == backup_bytes
    assert Workspace.keys_path(workspace.folder).read_bytes() == keys_bytes
    Workspace.open(workspace.folder, PASSPHRASE).close()


def test_settings_and_schemas_are_written_with_lf(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.json"
    save_settings(Settings(), settings_file)
    written = settings_file.read_bytes()
    assert b"\n" in written
    assert b"\r" not in written
    for path in write_json_schemas(tmp_path / "schemas"):
        text = path.read_bytes()
        assert text.endswith(b"}\n")
        assert b"\r" not in text


def test_log_lines_end_with_lf(tmp_path: Path) -> None:
    path = logs.configure_logging(tmp_path / "logs")
    assert path is not None
    logging.getLogger("msp.test").info("first line\nsecond line")
    logging.getLogger("msp.test").info("third")
    for handler in logging.getLogger("msp").handlers:
        handler.flush()
    data = path.read_bytes()
    assert b"first line\nsecond line\n" in data
    assert data.endswith(b"third\n")
    assert b"\r" not in data
