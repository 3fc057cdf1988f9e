"""The sync commands end to end, running the real ``msp`` program against a real office
(keys, bundles and receipts made with the real age and minisign code)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from msp_desktop.bundles import KeyPair
from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.store import Workspace
from tests.conftest import PASSPHRASE, snapshot
from tests.e2e.conftest import MspRunner, one_plain_line
from tests.sync_helpers import (
    DEVICE_ID,
    Office,
    close,
    draft_visit,
    finalised_visit,
    person_with_concern,
    record_keys,
)

NEW_COMMANDS = [
    ["office-keys", "import"], ["office-keys", "show"], ["enrol"], ["export"],
    ["receipts", "import"], ["sync", "status"], ["purge"],
]  # fmt: skip


@pytest.fixture
def office() -> Office:
    return Office()


@pytest.fixture
def keys_file(office: Office, tmp_path: Path) -> Path:
    path = tmp_path / "office-keys.json"
    path.write_bytes(office.provisioning())
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Where ``msp`` keeps the workspace (``MSP_WORKSPACE``)."""
    return tmp_path / "workspace"


@pytest.mark.parametrize("words", NEW_COMMANDS, ids=" ".join)
def test_every_sync_command_has_help(msp: MspRunner, words: list[str]) -> None:
    result = msp(*words, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: msp " + " ".join(words))


def test_init_help_offers_the_office_keys(msp: MspRunner) -> None:
    result = msp("init", "--help")
    assert result.returncode == 0, result.stderr
    assert "--office-keys FILE" in result.stdout
    assert "--office-key-id ID" in result.stdout


def test_init_with_office_keys_trusts_the_office(
    msp: MspRunner, office: Office, keys_file: Path, folder: Path
) -> None:
    created = msp(
        "init", "--worker", "Test Worker", "--office-keys", str(keys_file),
        "--office-key-id", office.key.key_id,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines() == [
        f"Created an encrypted workspace in {folder}",
        f"This workspace now sends records to North Office (north-1). Office key "
        f"{office.key.key_id}: check it matches the key id the office gave you. "
        "The office recovery key was added.",
    ]
    slots = json.loads(Workspace.keys_path(folder).read_text())["slots"]
    assert [s["type"] for s in slots] == ["passphrase", "age-recovery"]

    shown = msp("office-keys", "show")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines() == [
        "Office: North Office (north-1)",
        f"Office key: {office.key.key_id}",
        f"Inbox key: {office.inbox.recipient.key_id}",
        f"Recovery key: {office.recovery.recipient.key_id}",
        "Device: not enrolled yet (msp enrol --out FILE)",
    ]


@pytest.mark.parametrize("problem", ["tampered", "missing", "wrong-key-id", "garbage", "folder"])
def test_init_with_a_bad_keys_file_creates_no_workspace(
    msp: MspRunner, office: Office, keys_file: Path, folder: Path, tmp_path: Path, problem: str
) -> None:
    extra: list[str] = []
    if problem == "tampered":
        keys_file.write_bytes(keys_file.read_bytes().replace(b"North Office", b"Nerth Office"))
        expected, code = "msp: The office keys file was refused:", 13
    elif problem == "missing":
        keys_file = tmp_path / "nowhere.json"
        expected, code = f"msp: There is no file {keys_file}.", 2
    elif problem == "wrong-key-id":
        extra = ["--office-key-id", "0123456789ABCDEF"]
        expected, code = (
            f"msp: The office keys file is signed by office key {office.key.key_id}",
            13,
        )
    elif problem == "garbage":
        keys_file.write_bytes(b"\x00\x01 not a keys file")
        expected, code = "msp: The office keys file", 13
    else:
        keys_file = tmp_path
        expected, code = f"msp: {tmp_path} is a folder, not an office keys file.", 2

    result = msp("init", "--office-keys", str(keys_file), *extra)

    assert result.returncode == code, result.stderr
    assert one_plain_line(result.stderr).startswith(expected)
    assert result.stdout == ""
    assert not folder.exists()


def test_init_with_office_keys_but_no_key_id_makes_nothing(
    msp: MspRunner, keys_file: Path, folder: Path
) -> None:
    result = msp("init", "--worker", "Test Worker", "--office-keys", str(keys_file))

    assert result.returncode == 2
    assert one_plain_line(result.stderr) == (
        "msp: The first office keys file needs the office key id the office read out to "
        "you: run again with --office-key-id ID. Nothing was changed."
    )
    assert not folder.exists()


def test_not_ready_to_export_is_one_plain_line(msp: MspRunner, tmp_path: Path) -> None:
    assert msp("init", "--worker", "Test Worker").returncode == 0
    shown = msp("office-keys", "show")
    assert shown.stdout.strip() == (
        "This workspace has no office keys yet (msp office-keys import FILE)."
    )
    stick = tmp_path / "stick"
    stick.mkdir()
    result = msp("export", "--to", str(stick))
    assert result.returncode == 12
    assert one_plain_line(result.stderr) == (
        "msp: This workspace has no office keys yet. Ask the office for its keys file "
        "and its key id, and import it: msp office-keys import FILE --office-key-id ID"
    )
    assert list(stick.iterdir()) == []


def test_the_first_office_keys_need_the_key_id_the_office_read_out(
    msp: MspRunner, office: Office, keys_file: Path, folder: Path
) -> None:
    # The first file is trusted on the key id alone (and adds a recovery slot), so it is
    # never taken on its own word.
    assert msp("init", "--worker", "Test Worker").returncode == 0
    before = snapshot(folder)

    refused = msp("office-keys", "import", str(keys_file))

    assert refused.returncode == 2
    assert one_plain_line(refused.stderr) == (
        "msp: The first office keys file needs the office key id the office read out to "
        "you: run again with --office-key-id ID. Nothing was changed."
    )
    assert snapshot(folder) == before
    shown = msp("office-keys", "show")
    assert "no office keys yet" in shown.stdout


def test_office_keys_import_then_another_office_is_refused(
    msp: MspRunner, office: Office, keys_file: Path, folder: Path, tmp_path: Path
) -> None:
    assert msp("init", "--worker", "Test Worker").returncode == 0
    imported = msp("office-keys", "import", str(keys_file), "--office-key-id", office.key.key_id)
    assert imported.returncode == 0, imported.stderr
    assert "North Office (north-1)" in imported.stdout
    before = snapshot(folder)
    other = tmp_path / "other-keys.json"
    stranger = Office(office_id="south-2", name="South Office")
    other.write_bytes(stranger.provisioning())

    refused = msp("office-keys", "import", str(other))

    assert refused.returncode == 2
    assert one_plain_line(refused.stderr) == (
        f"msp: This workspace already trusts North Office (office key {office.key.key_id}); "
        f"the file is signed by key {stranger.key.key_id}. Nothing was changed."
    )
    assert snapshot(folder) == before


def _status(msp: MspRunner) -> dict[str, object]:
    result = msp("sync", "status", "--json")
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_enrol_export_receipts_status_and_purge(
    msp: MspRunner, office: Office, keys_file: Path, folder: Path, tmp_path: Path
) -> None:
    created = msp(
        "init", "--worker", "Test Worker", "--office-keys", str(keys_file),
        "--office-key-id", office.key.key_id,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr

    # Enrol: the file for the office, the same key when asked again.
    enrol_file = tmp_path / "enrolment.json"
    enrolled = msp("enrol", "--out", str(enrol_file), "--device-id", DEVICE_ID)
    assert enrolled.returncode == 0, enrolled.stderr
    enrolment = enrol_file.read_bytes()
    key_id = read_enrolment(enrolment).key_id
    assert " ".join(enrolled.stdout.split()) == (
        f"Wrote {enrol_file} for device {DEVICE_ID}, key id {key_id}. Give it to the office "
        "to enrol this device, and read them the key id so they can check it."
    )
    exists = msp("enrol", "--out", str(enrol_file))
    assert exists.returncode == 2
    assert "already exists" in one_plain_line(exists.stderr)
    assert msp("enrol", "--out", str(enrol_file), "--force").returncode == 0
    assert read_enrolment(enrol_file.read_bytes()).key_id == key_id
    changed = msp("enrol", "--out", str(tmp_path / "e2.json"), "--device-id", "laptop-8")
    assert changed.returncode == 2
    assert "cannot change" in one_plain_line(changed.stderr)
    assert "Device: laptop-7" in msp("office-keys", "show").stdout

    # Records made in the app (there is no command for concerns and visits).
    with Workspace.open(folder, PASSPHRASE) as ws:
        person, closing = person_with_concern(ws)
        visit = finalised_visit(ws, closing)
        close(ws, closing.id)
        still_open = person_with_concern(ws, "Bryn Sample")[1]
        draft = draft_visit(ws, still_open)

    stick = tmp_path / "stick"
    stick.mkdir()
    missing = msp("export", "--to", str(tmp_path / "no-stick"))
    assert missing.returncode == 2
    assert "does not exist" in one_plain_line(missing.stderr)
    assert list(stick.iterdir()) == []

    exported = msp("export", "--to", str(stick))
    assert exported.returncode == 0, exported.stderr
    (printed,) = exported.stdout.splitlines()
    # The missing folder was refused before sealing: this export seals bundle 1.
    assert exported.stderr.strip() == "Bundle 1 sealed for the office."
    bundle_path = Path(printed)
    assert bundle_path.parent == stick
    assert list(stick.iterdir()) == [bundle_path]
    data = bundle_path.read_bytes()
    bundle = office.open(data, enrolment)
    assert bundle.manifest.sequence == 1
    assert ("visit", visit.id, 1) in record_keys(bundle)
    assert ("action", visit.actions[0].id, 1) in record_keys(bundle)  # agreed at the visit
    assert not any(draft.id in name for name in bundle.files)

    nothing = msp("export", "--to", str(stick))
    assert nothing.returncode == 0, nothing.stderr
    assert nothing.stdout.strip() == (
        "Nothing to export: every finalised record is already in a bundle."
    )

    status = _status(msp)
    assert status["counts"] == {"draft": 1, "finalised": 0, "in-bundle": 6, "acknowledged": 0}
    assert (status["office"], status["device_id"]) == ("North Office", DEVICE_ID)
    text = msp("sync", "status", "--records")
    assert text.returncode == 0, text.stderr
    assert "Bundles waiting for a receipt: 1" in text.stdout
    assert visit.id in text.stdout

    # Receipts: a forged one fails (and says which file); the good one is still applied.
    good = tmp_path / "receipt-1.json"
    good.write_bytes(office.receipt(data, enrolment))
    bad = tmp_path / "forged.json"
    bad.write_bytes(office.receipt(data, enrolment, signer=KeyPair.generate()))
    imported = msp("receipts", "import", str(bad), str(good))
    assert imported.returncode == 13
    assert one_plain_line(imported.stderr).startswith(f"msp: {bad}: The receipt was refused:")
    assert imported.stdout.strip() == (f"{good}: bundle 1 acknowledged by the office (6 records).")
    status = _status(msp)
    assert status["counts"] == {"draft": 1, "finalised": 0, "in-bundle": 0, "acknowledged": 6}
    again = msp("receipts", "import", str(good))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{good}: bundle 1 was already acknowledged."
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"x" * (64 * 1024 + 1))
    too_big = msp("receipts", "import", str(garbage))
    assert too_big.returncode == 2
    assert "far too large" in one_plain_line(too_big.stderr)

    # Purge: --acknowledged is required; the closed, acknowledged concern goes.
    unsure = msp("purge", "--older-than", "0")
    assert unsure.returncode == 2
    assert "--acknowledged" in unsure.stderr
    time.sleep(0.01)
    purged = msp("purge", "--acknowledged", "--older-than", "0")
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.strip() == (
        "Removed 1 closed concerns, 1 visits and 1 people the office acknowledged over 0 days ago."
    )
    with Workspace.open(folder, PASSPHRASE) as ws:
        assert [p.name for p in ws.people.search("")] == ["Bryn Sample"]
        assert person.id not in {p.id for p in ws.people.search("")}
        assert [c.id for c in ws.concerns.for_person(ws.people.search("")[0].id)] == [still_open.id]
    check = msp("check")
    assert check.returncode == 0, check.stderr
    after = msp("export", "--to", str(stick))
    assert after.stdout.strip().startswith("Nothing to export")
    assert list(stick.iterdir()) == [bundle_path]
