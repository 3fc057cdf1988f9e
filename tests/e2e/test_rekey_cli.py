"""Issue 16, item 5: ``msp rekey`` and what ``msp passwd`` now says, run as a worker would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from msp_desktop.exit_codes import ExitCode
from msp_desktop.store.connection import open_encrypted
from msp_desktop.store.keyslots import load_key_file
from tests.conftest import PASSPHRASE, snapshot
from tests.e2e.conftest import MspRunner
from tests.e2e.test_workspace_owner import Holder

NEW = "a passphrase nobody has seen yet"


@pytest.fixture
def folder(msp: MspRunner, msp_env: dict[str, str], tmp_path: Path) -> Path:
    """A workspace made by ``msp init`` with one person and one backup."""
    assert msp("init", "--worker", "Test Worker").returncode == 0
    assert msp("people", "add", "--name", "Ann Before").returncode == 0
    assert msp("backup", "--to", str(tmp_path / "backup.db")).returncode == 0
    return Path(msp_env["MSP_WORKSPACE"])


def _opens(folder: Path, key_file: Path, passphrase: str) -> bool:
    raw_key = load_key_file(key_file).unwrap(passphrase)
    try:
        open_encrypted(folder / "workspace.db", raw_key).close()
    except Exception:  # noqa: BLE001 - any refusal means it does not open
        return False
    return True


def test_passwd_says_older_key_files_still_open_and_points_to_rekey(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    changed = msp("passwd", MSP_NEW_PASSPHRASE=NEW)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.splitlines() == [
        "The passphrase has been changed. The records themselves were not touched.",
        "Older key files and backups still open with the old passphrase: this changed only "
        "the passphrase, not the database key. If the old passphrase may be known to "
        "someone else, run: msp rekey",
    ]
    # And it is true: the backup's key file and the old passphrase open today's database.
    assert _opens(folder, tmp_path / "backup.db.keys.json", PASSPHRASE)


def test_rekey_locks_out_older_key_files_and_keeps_every_record(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    old_keys = tmp_path / "old.keys.json"
    shutil.copyfile(folder / "workspace.keys.json", old_keys)

    done = msp("rekey", MSP_NEW_PASSPHRASE=NEW)

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"The workspace in {folder} has a new database key and your new passphrase. "
        "No older key file and no old passphrase opens it now; every record was kept.",
        "The 1 backup made before still opens only with the old passphrase and the old "
        "key; make a new backup now, and destroy the old one when it is safe to.",
    ]
    for older in (old_keys, tmp_path / "backup.db.keys.json"):
        assert not _opens(folder, older, PASSPHRASE)
    assert msp("people", "list").returncode == ExitCode.WRONG_KEY
    listed = msp("people", "list", MSP_PASSPHRASE=NEW)
    assert "Ann Before" in listed.stdout
    assert msp("check", MSP_PASSPHRASE=NEW).returncode == 0


@pytest.mark.parametrize(
    ("extra", "code", "sentence"),
    [
        (
            {"MSP_NEW_PASSPHRASE": PASSPHRASE},
            ExitCode.INVALID_INPUT,
            "msp: The new passphrase must differ from the current one, which may be known. "
            "Nothing was changed.",
        ),
        (
            {"MSP_NEW_PASSPHRASE": "short"},
            ExitCode.INVALID_INPUT,
            "msp: Choose a passphrase of at least 8 characters; a few unrelated words are "
            "easy to remember and hard to guess.",
        ),
        (
            {"MSP_NEW_PASSPHRASE": NEW, "MSP_PASSPHRASE": "not the passphrase"},
            ExitCode.WRONG_KEY,
            "msp: Wrong passphrase for the workspace in {folder}. Nothing was changed; check "
            "Caps Lock and try again.",
        ),
    ],
)
def test_bad_input_gets_one_sentence_and_changes_nothing(
    msp: MspRunner, folder: Path, extra: dict[str, str], code: int, sentence: str
) -> None:
    before = snapshot(folder)
    refused = msp("rekey", **extra)
    assert refused.returncode == code, refused.stderr
    assert refused.stderr.strip() == sentence.format(folder=folder)
    assert snapshot(folder) == before


def test_rekey_without_a_new_passphrase_at_no_terminal_changes_nothing(
    msp: MspRunner, folder: Path
) -> None:
    before = snapshot(folder)
    refused = msp("rekey")
    assert refused.returncode == ExitCode.INVALID_INPUT
    assert refused.stderr.startswith("msp: No passphrase given")
    assert snapshot(folder) == before


@pytest.mark.parametrize(
    ("kind", "named"),
    [
        ("app", "the desktop app has the workspace in {folder} open; close MSP Desktop"),
        ("command", "an msp command has the workspace in {folder} open; wait for that"),
    ],
)
def test_rekey_refuses_while_the_workspace_is_open_naming_the_holder(
    msp: MspRunner, msp_env: dict[str, str], folder: Path, kind: str, named: str
) -> None:
    holder = Holder(folder, kind, msp_env)
    try:
        before = snapshot(folder)
        refused = msp("rekey", MSP_NEW_PASSPHRASE=NEW)
        assert refused.returncode == ExitCode.BUSY, refused.stderr
        assert refused.stderr.startswith(
            "msp: Cannot change the database key: " + named.format(folder=folder)
        )
        assert refused.stderr.strip().endswith("Nothing was changed.")
        assert snapshot(folder) == before
        assert holder.add("Bob While Open").startswith("saved ")
    finally:
        holder.quit()
    assert "Bob While Open" in msp("people", "list").stdout


def test_restoring_a_backup_from_before_the_rekey_says_the_old_passphrase_is_back(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    assert msp("rekey", MSP_NEW_PASSPHRASE=NEW).returncode == 0
    restored = msp("restore", "--from", str(tmp_path / "backup.db"))  # with the old passphrase
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.splitlines()[-1] == (
        "This backup was made before the passphrase or key was last changed: the workspace "
        "now opens with the passphrase of that day again. If it may be known to someone "
        "else, run: msp rekey"
    )
    assert _opens(folder, folder / "workspace.keys.json", PASSPHRASE)
