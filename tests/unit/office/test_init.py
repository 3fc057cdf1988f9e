"""``msp-office init`` and ``provisioning``: the office's keys, files and their modes."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from msp_desktop.bundles import AgeIdentity, KeyPair, PublicKey
from msp_desktop.bundles.provisioning import read_provisioning
from msp_desktop.office.cli.main import main
from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.sqlite_schema import SCHEMA_VERSION
from msp_desktop.office.errors import OfficeDamaged, OfficeMissing
from msp_desktop.office.keys import OfficeLayout, load_config, load_keys

posix_only = pytest.mark.posix_only("mode bits and chmod; on Windows owner-only is an ACL")


def _init(folder: Path, *extra: str) -> int:
    return main(["init", "--dir", str(folder), "--office-id", "north-council",
                 "--name", "North Council Adult Safeguarding", *extra])  # fmt: skip


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@posix_only
def test_init_makes_owner_only_keys_and_an_empty_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    assert _init(folder) == 0
    layout = OfficeLayout(folder)
    config = load_config(layout)
    out = capsys.readouterr().out
    assert f"Office key id: {config.office_key_id}" in out
    assert "north-council" in out
    assert str(layout.inbox_key) in out

    assert _mode(folder) == 0o700
    assert _mode(layout.keys) == 0o700
    for secret in (layout.inbox_key, layout.recovery_key, layout.office_key, layout.config,
                   layout.database):  # fmt: skip
        assert _mode(secret) == 0o600, secret
    assert _mode(layout.office_pub) == 0o644
    assert sorted(p.name for p in layout.keys.iterdir()) == [
        "inbox.key", "office.key", "office.pub", "recovery.key",
    ]  # fmt: skip
    assert sorted(p.name for p in folder.iterdir()) == ["keys", "office.db", "office.json"]

    inbox = AgeIdentity.from_text(layout.inbox_key.read_text())
    recovery = AgeIdentity.from_text(layout.recovery_key.read_text())
    assert inbox.recipient.text == config.inbox_recipient
    assert recovery.recipient.text == config.recovery_recipient
    public = PublicKey.from_text(layout.office_pub.read_text())
    keys = load_keys(layout, config)
    assert public == keys.signing.public_key
    assert public.key_id == config.office_key_id
    secret_line = layout.office_key.read_text().splitlines()[-1]
    assert KeyPair.from_secret_bytes(base64.b64decode(secret_line)).key_id == public.key_id
    with SqliteOfficeStore.open(layout.database, read_only=True) as store:
        assert store.counts().bundles == 0


def test_init_refuses_an_existing_office_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    assert _init(folder) == 0
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert _init(folder) == 3
    err = capsys.readouterr().err
    assert err.startswith("msp-office: ")
    assert "already holds an office" in err
    assert err.count("\n") == 1
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("office_id", "name", "reason"),
    [("north council", "North", "office id"), ("north", " North", "office name")],
)
def test_init_refuses_bad_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], office_id: str, name: str, reason: str
) -> None:
    folder = tmp_path / "office"
    assert main(["init", "--dir", str(folder), "--office-id", office_id, "--name", name]) == 2
    assert reason in capsys.readouterr().err
    assert not folder.exists()


def test_provisioning_file_verifies_with_the_office_key_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    _init(folder)
    config = load_config(OfficeLayout(folder))
    out = tmp_path / "office-keys.json"
    assert main(["provisioning", "--dir", str(folder), "--out", str(out)]) == 0
    assert f"Office key id: {config.office_key_id}" in capsys.readouterr().out
    provisioning = read_provisioning(out.read_bytes(), expected_key_id=config.office_key_id)
    assert provisioning.office_id == "north-council"
    assert provisioning.office_name == "North Council Adult Safeguarding"
    assert provisioning.inbox_recipient == config.inbox_recipient
    assert provisioning.recovery_recipient == config.recovery_recipient

    assert main(["provisioning", "--dir", str(folder), "--out", str(out)]) == 2
    assert "add --force" in capsys.readouterr().err
    assert main(["provisioning", "--dir", str(folder), "--out", str(out), "--force"]) == 0


def test_provisioning_works_with_the_recovery_key_moved_offline(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    _init(folder)
    (folder / "keys" / "recovery.key").rename(tmp_path / "usb-stick-recovery.key")
    out = tmp_path / "office-keys.json"
    assert main(["provisioning", "--dir", str(folder), "--out", str(out)]) == 0


@posix_only
def test_a_secret_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "office"
    _init(folder)
    layout = OfficeLayout(folder)
    layout.inbox_key.chmod(0o644)
    with pytest.raises(OfficeDamaged, match="can be read by other users"):
        load_keys(layout, load_config(layout))


def test_keys_from_another_office_are_refused(tmp_path: Path) -> None:
    _init(tmp_path / "a")
    _init(tmp_path / "b")
    a, b = OfficeLayout(tmp_path / "a"), OfficeLayout(tmp_path / "b")
    b.inbox_key.write_bytes(a.inbox_key.read_bytes())
    with pytest.raises(OfficeDamaged, match="not the ones named"):
        load_keys(b, load_config(b))


def test_a_missing_office_says_how_to_make_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(OfficeMissing, match="msp-office init"):
        load_config(OfficeLayout(tmp_path / "nowhere"))
    assert main(["status", "--dir", str(tmp_path / "nowhere")]) == 3
    assert capsys.readouterr().err.startswith("msp-office: There is no office file")


def test_a_database_of_another_kind_is_refused(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(OfficeDamaged, match="not an office database"):
        SqliteOfficeStore.open(path)
    path.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(OfficeDamaged, match="not an office database"):
        SqliteOfficeStore.open(path)


def test_a_newer_database_version_is_refused_unchanged(tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    path = tmp_path / "office.db"
    SqliteOfficeStore.create(path)
    newer = SCHEMA_VERSION + 1
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {newer}")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(OfficeDamaged) as refused:
        SqliteOfficeStore.open(path)
    assert refused.value.message == (
        f"{path} has database version {newer}; this msp-office reads version "
        f"{SCHEMA_VERSION}. Use the msp-office that made it."
    )
    with pytest.raises(OfficeDamaged, match=f"has database version {newer}"):
        SqliteOfficeStore.upgrade(path)  # no upgrade goes backwards either
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["office.db"]  # no copy made


def test_no_office_folder_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MSP_OFFICE_DIR", raising=False)
    assert main(["status"]) == 2
    assert "--dir OFFICE or $MSP_OFFICE_DIR" in capsys.readouterr().err


def test_the_office_folder_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MSP_OFFICE_DIR", str(tmp_path / "office"))
    assert main(["init", "--office-id", "north", "--name", "North"]) == 0
    assert (tmp_path / "office" / "office.db").exists()
