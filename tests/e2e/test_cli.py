"""The ``msp`` command end to end: every subcommand, and errors as one plain line."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE, snapshot
from tests.e2e.conftest import MspRunner, one_plain_line

SUBCOMMANDS = [
    ["init"], ["demo"], ["people", "add"], ["people", "list"], ["visits", "list"],
    ["visits", "show"], ["check"], ["passwd"], ["rekey"], ["backup"], ["restore"], ["schema"],
]  # fmt: skip


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(msp: MspRunner, words: list[str]) -> None:
    result = msp(*words, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: msp " + " ".join(words))


def test_init_add_list_search(msp: MspRunner, msp_env: dict[str, str]) -> None:
    created = msp("init", "--worker", "Test Worker")
    assert created.returncode == 0, created.stderr
    added = msp("people", "add", "--name", "Ada Example", "--dob", "1941-05-02",
                "--local-id", "LC-1")  # fmt: skip
    assert added.returncode == 0, added.stderr
    new_id = added.stdout.strip()
    assert uuid.UUID(new_id)
    msp("people", "add", "--name", "Bryn Sample")

    listed = msp("people", "list", "--search", "ada", "--json")
    assert listed.returncode == 0, listed.stderr
    people = json.loads(listed.stdout)
    assert [(p["id"], p["name"], p["date_of_birth"]) for p in people] == [
        (new_id, "Ada Example", "1941-05-02")
    ]
    table = msp("people", "list").stdout
    assert "Ada Example" in table
    assert "Bryn Sample" in table
    assert msp("people", "list", "--search", "nobody").stdout.strip() == "No people match."
    first = msp("people", "list", "--limit", "1").stdout
    assert "Ada Example" in first
    assert "Bryn Sample" not in first
    assert "(the first 1 of 2; use --search or --limit to see more)" in first


def test_demo_then_search_finds_a_demo_person(msp: MspRunner) -> None:
    demo = msp("demo")
    assert demo.returncode == 0, demo.stderr
    assert "25 fictional people" in demo.stdout
    found = json.loads(msp("people", "list", "--search", "ada exa", "--json").stdout)
    assert [p["name"] for p in found] == ["Ada Example"]
    visits = json.loads(msp("visits", "list", "--json").stdout)
    assert {v["status"] for v in visits} == {"draft", "finalised"}
    # A visit in progress: the person's words are there (a visit that did not happen,
    # also in the demo, has none).
    draft = next(v for v in visits if v["status"] == "draft")
    shown = msp("visits", "show", draft["id"], "--json")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["id"] == draft["id"]
    assert document["revisions"][0]["revision"] == 1
    assert document["visit"]["desired_outcomes"]
    check = msp("check")
    assert check.returncode == 0, check.stderr
    assert "The workspace is healthy." in check.stdout


def test_demo_refuses_to_touch_an_existing_workspace(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    before = snapshot(tmp_path / "workspace")
    result = msp("demo")
    assert result.returncode == 3
    assert "already exists" in one_plain_line(result.stderr)
    assert snapshot(tmp_path / "workspace") == before


def test_wrong_passphrase_is_one_line_and_changes_nothing(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    msp("people", "add", "--name", "Ada Example")
    before = snapshot(tmp_path / "workspace")
    result = msp("people", "list", MSP_PASSPHRASE="not the right one")
    assert result.returncode == 4
    line = one_plain_line(result.stderr)
    assert line.startswith("msp: Wrong passphrase for the workspace in")
    assert snapshot(tmp_path / "workspace") == before


def test_missing_workspace_and_missing_passphrase(msp: MspRunner) -> None:
    result = msp("people", "list")
    assert result.returncode == 3
    assert "msp init" in one_plain_line(result.stderr)
    msp("init")
    no_pass = msp("people", "list", env={"MSP_PASSPHRASE": ""}, MSP_PASSPHRASE="")
    assert no_pass.returncode == 4  # an empty passphrase is just a wrong one


def test_no_passphrase_source_at_all_says_how_to_give_one(
    msp: MspRunner, msp_env: dict[str, str]
) -> None:
    msp("init")
    del msp_env["MSP_PASSPHRASE"]
    result = msp("people", "list")
    assert result.returncode == 2
    assert "MSP_PASSPHRASE" in one_plain_line(result.stderr)


@pytest.mark.posix_only(
    "chmod 644 opens a file to others only on POSIX; the passphrase file's mode is checked "
    "there only"
)
def test_passphrase_file_must_be_private(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    secret.chmod(0o644)
    refused = msp("people", "list", "--passphrase-file", str(secret))
    assert refused.returncode == 2
    assert "chmod 600" in one_plain_line(refused.stderr)
    secret.chmod(0o600)
    accepted = msp("people", "list", "--passphrase-file", str(secret), MSP_PASSPHRASE="wrong")
    assert accepted.returncode == 0, accepted.stderr


def test_bad_date_is_explained(msp: MspRunner) -> None:
    msp("init")
    result = msp("people", "add", "--name", "Ada Example", "--dob", "31/03/1950")
    assert result.returncode == 2
    assert "not a date like 1950-03-31" in one_plain_line(result.stderr)
    assert json.loads(msp("people", "list", "--json").stdout) == []


def test_unknown_visit(msp: MspRunner) -> None:
    msp("init")
    result = msp("visits", "show", "no-such-id", "--json")
    assert result.returncode == 8
    assert "No visit with id no-such-id" in one_plain_line(result.stderr)


def test_passwd_rewraps_only_the_key(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    msp("people", "add", "--name", "Ada Example")
    folder = tmp_path / "workspace"
    db_before = Workspace.db_path(folder).read_bytes()
    changed = msp("passwd", MSP_NEW_PASSPHRASE="a completely new passphrase")
    assert changed.returncode == 0, changed.stderr
    assert Workspace.db_path(folder).read_bytes() == db_before
    assert msp("people", "list").returncode == 4
    relisted = msp("people", "list", MSP_PASSPHRASE="a completely new passphrase")
    assert "Ada Example" in relisted.stdout


def test_backup_and_restore(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    msp("people", "add", "--name", "Ada Example")
    target = tmp_path / "backup.mspdb"
    made = msp("backup", "--to", str(target))
    assert made.returncode == 0, made.stderr
    assert "Verified backup" in made.stdout
    msp("people", "add", "--name", "Bryn Sample")
    restored = msp("restore", "--from", str(target))
    assert restored.returncode == 0, restored.stderr
    names = [p["name"] for p in json.loads(msp("people", "list", "--json").stdout)]
    assert names == ["Ada Example"]
    kept = re.search(r"kept in (\S+)\.$", restored.stdout.strip())
    assert kept
    assert (Path(kept.group(1)) / "workspace.db").exists()


def test_check_fails_on_a_tampered_audit_log(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    msp("people", "add", "--name", "Ada Example")
    msp("people", "add", "--name", "Bryn Sample")
    ws = Workspace.open(tmp_path / "workspace", PASSPHRASE)
    try:
        ws.db.execute("DROP TRIGGER audit_is_append_only_delete")
        ws.db.execute("DELETE FROM audit WHERE seq = 1")
    finally:
        ws.close()
    result = msp("check")
    assert result.returncode == 1
    assert "problem: Audit entries 1 to 1 are missing." in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_writes_the_record_schemas(msp: MspRunner, tmp_path: Path) -> None:
    result = msp("schema", "--out", str(tmp_path / "schemas"))
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == [
        "action.schema.json",
        "concern.schema.json",
        "contact.schema.json",
        "person.schema.json",
        "visit.schema.json",
    ]
    visit = json.loads((tmp_path / "schemas" / "visit.schema.json").read_text())
    assert "Yes they were asked and outcomes were expressed" in json.dumps(visit)


def test_damaged_workspace_is_one_line_naming_the_backup(msp: MspRunner, tmp_path: Path) -> None:
    msp("init")
    msp("people", "add", "--name", "Ada Example")
    backup = tmp_path / "friday.mspdb"
    assert msp("backup", "--to", str(backup)).returncode == 0
    db = tmp_path / "workspace" / "workspace.db"
    with open(db, "r+b") as f:
        f.seek(100)
        f.write(b"\x00" * 64)
    before = snapshot(tmp_path / "workspace")
    result = msp("people", "list")
    assert result.returncode == 5
    line = one_plain_line(result.stderr)
    assert "is damaged" in line
    assert f"msp restore --from {backup}" in line
    assert snapshot(tmp_path / "workspace") == before
