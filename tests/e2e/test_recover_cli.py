"""``msp recover`` end to end (S14): the office sets a new passphrase with its recovery key."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from msp_desktop.bundles.age import AgeIdentity
from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE, snapshot
from tests.e2e.conftest import MspRunner, one_plain_line

NEW_PASSPHRASE = "a new passphrase from the office"


@pytest.fixture
def office(tmp_path: Path) -> tuple[AgeIdentity, Path]:
    """The office's recovery identity and its identity file (as age-keygen writes it)."""
    identity = AgeIdentity.generate()
    path = tmp_path / "office-recovery.key"
    path.write_text(identity.to_text())
    path.chmod(0o600)
    return identity, path


@pytest.fixture
def folder(msp: MspRunner, tmp_path: Path, office: tuple[AgeIdentity, Path]) -> Path:
    """A workspace made with ``msp``, holding Ada Example and a recovery slot."""
    assert msp("init", "--worker", "Test Worker").returncode == 0
    assert msp("people", "add", "--name", "Ada Example").returncode == 0
    path = tmp_path / "workspace"
    with Workspace.open(path, PASSPHRASE) as ws:
        ws.add_recovery_slot(office[0].recipient)
    return path


def _names(msp: MspRunner, passphrase: str, *extra: str) -> list[str]:
    listed = msp("people", "list", "--json", *extra, MSP_PASSPHRASE=passphrase)
    assert listed.returncode == 0, listed.stderr
    return [p["name"] for p in json.loads(listed.stdout)]


def test_recover_has_help(msp: MspRunner) -> None:
    result = msp("recover", "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: msp recover")
    assert "--recovery-identity" in result.stdout
    assert "MSP_NEW_PASSPHRASE" in result.stdout


def test_recover_sets_a_new_passphrase(
    msp: MspRunner, folder: Path, office: tuple[AgeIdentity, Path]
) -> None:
    result = msp(
        "recover", "--recovery-identity", str(office[1]), MSP_NEW_PASSPHRASE=NEW_PASSPHRASE
    )
    assert result.returncode == 0, result.stderr
    assert "opened with the office recovery key" in result.stdout
    assert msp("people", "list").returncode == 4
    assert _names(msp, NEW_PASSPHRASE) == ["Ada Example"]
    check = msp("check", MSP_PASSPHRASE=NEW_PASSPHRASE)
    assert check.returncode == 0, check.stderr


def test_recover_opens_a_copy_at_the_office(
    msp: MspRunner, folder: Path, office: tuple[AgeIdentity, Path], tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in (Workspace.db_path(folder), Workspace.keys_path(folder)):
        shutil.copy2(path, copy / path.name)
    before = snapshot(folder)
    result = msp(
        "recover",
        "--workspace",
        str(copy),
        "--recovery-identity",
        str(office[1]),
        MSP_NEW_PASSPHRASE=NEW_PASSPHRASE,
    )
    assert result.returncode == 0, result.stderr
    assert _names(msp, NEW_PASSPHRASE, "--workspace", str(copy)) == ["Ada Example"]
    assert snapshot(folder) == before
    assert _names(msp, PASSPHRASE) == ["Ada Example"]


def test_another_identity_is_refused_and_nothing_changes(
    msp: MspRunner, folder: Path, tmp_path: Path
) -> None:
    stranger = tmp_path / "stranger.key"
    stranger.write_text(AgeIdentity.generate().to_text())
    before = snapshot(folder)
    result = msp("recover", "--recovery-identity", str(stranger), MSP_NEW_PASSPHRASE=NEW_PASSPHRASE)
    assert result.returncode == 4
    line = one_plain_line(result.stderr)
    assert "That recovery key does not open" in line
    assert "Nothing was changed" in line
    assert snapshot(folder) == before
    assert _names(msp, PASSPHRASE) == ["Ada Example"]


def test_workspace_without_recovery_key_says_so(
    msp: MspRunner, tmp_path: Path, office: tuple[AgeIdentity, Path]
) -> None:
    assert msp("init").returncode == 0
    before = snapshot(tmp_path / "workspace")
    result = msp(
        "recover", "--recovery-identity", str(office[1]), MSP_NEW_PASSPHRASE=NEW_PASSPHRASE
    )
    assert result.returncode == 4
    assert "has no office recovery key" in one_plain_line(result.stderr)
    assert snapshot(tmp_path / "workspace") == before


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "There is no file"),
        (b"age1notasecret\n", "is not an age identity file"),
        (b"\xff\xfe not text", "is not an age identity file"),
        (b"AGE-SECRET-KEY-1" + b"Q" * 100_000, "is not an age identity file"),
    ],
    ids=["missing", "a-recipient", "binary", "huge"],
)
def test_bad_identity_file_is_one_line_and_changes_nothing(
    msp: MspRunner, folder: Path, tmp_path: Path, content: bytes | None, why: str
) -> None:
    path = tmp_path / "identity.key"
    if content is not None:
        path.write_bytes(content)
    before = snapshot(folder)
    result = msp("recover", "--recovery-identity", str(path), MSP_NEW_PASSPHRASE=NEW_PASSPHRASE)
    assert result.returncode == 2
    assert why in one_plain_line(result.stderr)
    assert snapshot(folder) == before


def test_weak_new_passphrase_is_refused(
    msp: MspRunner, folder: Path, office: tuple[AgeIdentity, Path]
) -> None:
    before = snapshot(folder)
    result = msp("recover", "--recovery-identity", str(office[1]), MSP_NEW_PASSPHRASE="short")
    assert result.returncode == 2
    assert "at least 8 characters" in one_plain_line(result.stderr)
    assert snapshot(folder) == before
