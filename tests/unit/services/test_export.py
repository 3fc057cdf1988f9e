"""The device's way to the office: office keys, enrolment and export (real crypto, real
SQLCipher). Every refusal is checked to change nothing."""

from __future__ import annotations

import errno
import json
import os
import signal
from pathlib import Path

import pytest

from msp_desktop.bundles import SignatureRejected, VerifiedBundle
from msp_desktop.bundles.provisioning import ProvisioningRejected, read_enrolment
from msp_desktop.bundles.records import audit_entry_hash
from msp_desktop.errors import InvalidInput, WorkspaceDamaged
from msp_desktop.exit_codes import ExitCode
from msp_desktop.model import Concern, ContactKind, Note, Person
from msp_desktop.services.contacts import add_contact
from msp_desktop.services.export import export_bundles
from msp_desktop.services.files import WriteFailed
from msp_desktop.store import Workspace
from msp_desktop.store import outbox as outbox_module
from msp_desktop.store.keyslots import load_key_file
from msp_desktop.store.outbox import NothingToExport
from msp_desktop.store.recovery import RECOVERY_SLOT_TYPE
from msp_desktop.store.sync_keys import NotReadyToSync
from tests import builders
from tests.conftest import PASSPHRASE, snapshot
from tests.e2e.conftest import run_msp
from tests.sync_helpers import (
    DEVICE_ID,
    ZERO_HASH,
    Office,
    amend_and_finalise,
    audit_of,
    bundle_files,
    concern_for,
    draft_visit,
    finalised_visit,
    person_with_concern,
    ready,
    record_keys,
    records_of,
    sha256,
    stored,
)

NEW_PASSPHRASE = "a new passphrase from the office"
DRAFT_WORDS = "DRAFT-CANARY words that must never leave the device"


@pytest.fixture
def office() -> Office:
    return Office()


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    """The USB stick."""
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


def _slot_types(folder: Path) -> list[str]:
    doc = json.loads(Workspace.keys_path(folder).read_text())
    return [slot["type"] for slot in doc["slots"]]


def _sent(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.db.all(
        "SELECT sequence, sha256, written_at IS NOT NULL, data IS NOT NULL FROM bundles_sent"
        " ORDER BY sequence"
    )


# -- not ready ---------------------------------------------------------------------------


def test_export_without_office_keys_says_to_import_them_and_changes_nothing(
    workspace: Workspace, outbox: Path
) -> None:
    person_with_concern(workspace)
    before = stored(workspace.folder)
    with pytest.raises(NotReadyToSync) as caught:
        export_bundles(workspace, outbox)
    assert caught.value.message == (
        "This workspace has no office keys yet. Ask the office for its keys file "
        "and its key id, and import it: msp office-keys import FILE --office-key-id ID"
    )
    assert caught.value.exit_code == 12
    assert stored(workspace.folder) == before
    assert bundle_files(outbox) == []


def test_export_without_enrolment_says_to_enrol_and_changes_nothing(
    workspace: Workspace, office: Office, outbox: Path
) -> None:
    workspace.import_office_keys(office.provisioning(), office.key.key_id)
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    before = stored(workspace.folder)
    with pytest.raises(NotReadyToSync) as caught:
        export_bundles(workspace, outbox)
    assert caught.value.message == (
        "This device is not enrolled yet. Make an enrolment file with "
        "msp enrol --out FILE and give it to the office."
    )
    assert stored(workspace.folder) == before
    assert bundle_files(outbox) == []
    assert _sent(workspace) == []


# -- office keys -------------------------------------------------------------------------


def test_importing_office_keys_verifies_keeps_them_and_adds_the_recovery_slot(
    workspace: Workspace, office: Office
) -> None:
    assert workspace.sync.office_keys() is None
    assert _slot_types(workspace.folder) == ["passphrase"]

    provisioning = workspace.import_office_keys(office.provisioning(), office.key.key_id)

    assert provisioning.office_key_id == office.key.key_id
    assert provisioning.inbox_recipient == office.inbox.recipient.text
    assert workspace.sync.office_keys() == provisioning
    assert _slot_types(workspace.folder) == ["passphrase", RECOVERY_SLOT_TYPE]
    slot = load_key_file(Workspace.keys_path(workspace.folder)).recovery_slot()
    assert slot is not None
    assert slot["recipient"] == office.recovery.recipient.text
    imported = [e for e in workspace.audit_entries() if e.action == "office_keys_imported"]
    assert [(e.entity_id, e.detail) for e in imported] == [
        (
            "north-1",
            {
                "office_key_id": office.key.key_id,
                "inbox_key_id": office.inbox.recipient.key_id,
                "recovery_key_id": office.recovery.recipient.key_id,
            },
        )
    ]
    assert workspace.check().healthy


def test_the_office_recovery_identity_opens_the_workspace(
    workspace: Workspace, office: Office
) -> None:
    workspace.people.add(builders.person(name="Ada Example"))
    workspace.import_office_keys(office.provisioning(), office.key.key_id)
    folder = workspace.folder
    workspace.close()

    Workspace.recover(folder, office.recovery, NEW_PASSPHRASE)

    with Workspace.open(folder, NEW_PASSPHRASE) as ws:
        assert [p.name for p in ws.people.search("")] == ["Ada Example"]
        assert ws.sync.office_keys() is not None
        assert ws.check().healthy


def test_a_tampered_office_keys_file_is_refused_and_nothing_changes(
    workspace: Workspace, office: Office
) -> None:
    data = office.provisioning()
    tampered = data.replace(b"North Office", b"Nerth Office")
    assert tampered != data
    before = stored(workspace.folder)
    with pytest.raises(ProvisioningRejected, match="office keys file"):
        workspace.import_office_keys(tampered, office.key.key_id)
    assert stored(workspace.folder) == before
    assert workspace.sync.office_keys() is None


def test_another_offices_keys_are_refused_once_one_is_trusted(
    workspace: Workspace, office: Office
) -> None:
    workspace.import_office_keys(office.provisioning(), office.key.key_id)
    before = stored(workspace.folder)
    stranger = Office(office_id="south-2", name="South Office")
    with pytest.raises(InvalidInput) as caught:
        workspace.import_office_keys(stranger.provisioning())
    assert caught.value.message == (
        f"This workspace already trusts North Office (office key {office.key.key_id}); "
        f"the file is signed by key {stranger.key.key_id}. Nothing was changed."
    )
    assert stored(workspace.folder) == before
    kept = workspace.sync.office_keys()
    assert kept is not None
    assert kept.office_key_id == office.key.key_id

    # Even the same office id and inbox, signed by another key, is another office.
    impostor = office.provisioning(office_key=stranger.key)
    with pytest.raises(InvalidInput, match="already trusts"):
        workspace.import_office_keys(impostor)
    assert stored(workspace.folder) == before


def test_the_same_office_again_is_accepted_with_one_recovery_slot(
    workspace: Workspace, office: Office
) -> None:
    workspace.import_office_keys(office.provisioning(), office.key.key_id)
    rotated = Office()  # only its recovery key is used: same office key, new recovery key
    again = office.provisioning(recovery=rotated.recovery.recipient)

    provisioning = workspace.import_office_keys(again, expected_key_id=office.key.key_id)

    assert provisioning.recovery_recipient == rotated.recovery.recipient.text
    assert _slot_types(workspace.folder) == ["passphrase", RECOVERY_SLOT_TYPE]
    slot = load_key_file(Workspace.keys_path(workspace.folder)).recovery_slot()
    assert slot is not None
    assert slot["recipient"] == rotated.recovery.recipient.text
    actions = [e.action for e in workspace.audit_entries()]
    assert actions.count("office_keys_imported") == 2


def test_an_unexpected_office_key_id_is_refused_and_nothing_changes(
    workspace: Workspace, office: Office
) -> None:
    before = stored(workspace.folder)
    with pytest.raises(ProvisioningRejected) as caught:
        workspace.import_office_keys(office.provisioning(), expected_key_id="0123456789ABCDEF")
    assert caught.value.message == (
        f"The office keys file is signed by office key {office.key.key_id}, "
        "not 0123456789ABCDEF as expected."
    )
    assert stored(workspace.folder) == before
    assert workspace.sync.office_keys() is None
    # The id as read out over the phone: lower case, with spaces around it.
    workspace.import_office_keys(
        office.provisioning(), expected_key_id=f"  {office.key.key_id.lower()} "
    )
    assert workspace.sync.office_keys() is not None


def test_an_edited_stored_office_keys_row_is_caught(workspace: Workspace, office: Office) -> None:
    workspace.import_office_keys(office.provisioning(), office.key.key_id)
    stored = workspace.db.scalar("SELECT value FROM meta WHERE key = 'office_keys'")
    workspace.db.execute(
        "UPDATE meta SET value = ? WHERE key = 'office_keys'",
        (stored.replace("North Office", "Nerth Office"),),
    )
    with pytest.raises(WorkspaceDamaged, match="no longer verify"):
        workspace.sync.office_keys()


# -- enrolment ---------------------------------------------------------------------------


def test_enrol_makes_one_key_and_gives_the_same_file_again(workspace: Workspace) -> None:
    assert workspace.sync.device_id() is None
    first = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    assert (first.device_id, first.worker) == (DEVICE_ID, "Test Worker")
    assert workspace.sync.device_id() == DEVICE_ID

    again = read_enrolment(workspace.sync.enrol())
    same_id = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    assert again.key_id == same_id.key_id == first.key_id
    assert again.minisign_public_key == first.minisign_public_key
    assert again.device_id == DEVICE_ID
    made = [e for e in workspace.audit_entries() if e.action == "device_key_made"]
    assert [(e.entity_id, e.detail) for e in made] == [(DEVICE_ID, {"key_id": first.key_id})]


def test_enrol_with_new_key_replaces_the_key_and_keeps_the_id(
    workspace: Workspace, office: Office, outbox: Path
) -> None:
    old_enrolment = ready(workspace, office)
    old = read_enrolment(old_enrolment)
    new_enrolment = workspace.sync.enrol(new_key=True)
    new = read_enrolment(new_enrolment)
    assert new.device_id == DEVICE_ID
    assert new.key_id != old.key_id
    assert read_enrolment(workspace.sync.enrol()).key_id == new.key_id

    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    (written,) = export_bundles(workspace, outbox).written
    data = written.path.read_bytes()
    assert office.open(data, new_enrolment).manifest.key_id == new.key_id
    with pytest.raises(SignatureRejected, match="not enrolled"):
        office.open(data, old_enrolment)


def test_the_device_id_cannot_change_once_enrolled(workspace: Workspace) -> None:
    key_id = read_enrolment(workspace.sync.enrol(DEVICE_ID)).key_id
    before = stored(workspace.folder)
    with pytest.raises(InvalidInput) as caught:
        workspace.sync.enrol("laptop-8")
    assert caught.value.message == (
        f"This device is already enrolled as {DEVICE_ID}; its id cannot change."
    )
    with pytest.raises(InvalidInput, match="cannot change"):
        workspace.sync.enrol("laptop-8", new_key=True)
    assert stored(workspace.folder) == before
    assert workspace.sync.device_id() == DEVICE_ID
    assert read_enrolment(workspace.sync.enrol()).key_id == key_id


@pytest.mark.parametrize(
    "bad", ["", "-laptop", "_laptop", "lap top", "laptop/7", "lâptop", "x" * 65, "laptop\n"]
)
def test_a_bad_device_id_is_refused_and_nothing_changes(workspace: Workspace, bad: str) -> None:
    before = stored(workspace.folder)
    with pytest.raises(InvalidInput) as caught:
        workspace.sync.enrol(bad)
    assert caught.value.message == (
        "A device id is 1 to 64 letters, digits, '-' or '_', starting with a letter or digit."
    )
    assert stored(workspace.folder) == before
    assert workspace.sync.device_id() is None


def test_the_default_device_id_is_a_valid_one(workspace: Workspace) -> None:
    enrolment = read_enrolment(workspace.sync.enrol())
    assert enrolment.device_id == workspace.sync.device_id()
    assert len(enrolment.device_id) <= 64


# -- export ------------------------------------------------------------------------------


class Caseload:
    """Two people, three concerns, finalised, amended and draft visits."""

    def __init__(self, ws: Workspace) -> None:
        self.ada, ada_concern = person_with_concern(ws, "Ada Example")
        self.bryn, bryn_concern = person_with_concern(ws, "Bryn Sample")
        self.concerns: list[Concern] = [ada_concern, bryn_concern, concern_for(ws, self.ada)]
        self.people: list[Person] = [self.ada, self.bryn]
        self.plain = finalised_visit(ws, ada_concern, "I want to keep my garden.")
        self.amended = finalised_visit(ws, bryn_concern, "I want my own bank card.")
        amend_and_finalise(ws, self.amended.id, "Wrong room written down", "Front room")
        self.draft = draft_visit(ws, self.concerns[2], DRAFT_WORDS)
        self.later = draft_visit(ws, ada_concern, "Ask my daughter to help.")
        self.reopened = finalised_visit(ws, self.concerns[2], "Quiet evenings.")
        ws.visits.amend(self.reopened.id, "Add what was said at the door")
        draft = ws.visits.get(self.reopened.id).visit
        ws.visits.save_draft(draft.model_copy(update={"place": DRAFT_WORDS[:40]}))


def batch_version(bundle: VerifiedBundle) -> int:
    """The format version of the bundle's audit batch."""
    return audit_of(bundle).format_version


def test_export_seals_exactly_the_finalised_records_and_the_audit_chain(
    workspace: Workspace, office: Office, outbox: Path
) -> None:
    enrolment = ready(workspace, office)
    case = Caseload(workspace)
    note = add_contact(workspace, case.bryn.id, ContactKind.PHONE, "Bryn rang about the bank.")
    last_seq_before = workspace.audit_entries()[-1].seq

    result = export_bundles(workspace, outbox)

    assert result.sealed == 1
    (written,) = result.written
    assert bundle_files(outbox) == [written.path]
    assert written.sequence == 1
    data = written.path.read_bytes()
    bundle = office.open(data, enrolment)
    manifest = bundle.manifest
    assert written.path.name == f"{DEVICE_ID}-000001-{manifest.bundle_id}.mspbundle"
    assert (manifest.sequence, manifest.previous_bundle_sha256) == (1, None)
    assert (manifest.device_id, manifest.worker) == (DEVICE_ID, "Test Worker")
    assert manifest.key_id == read_enrolment(enrolment).key_id
    assert manifest.recipient_key_id == office.inbox.recipient.key_id

    expected = (
        {("person", p.id, 1) for p in case.people}
        | {("concern", c.id, 1) for c in case.concerns}
        | {
            ("visit", case.plain.id, 1),
            ("visit", case.amended.id, 1),
            ("visit", case.amended.id, 2),
            ("visit", case.reopened.id, 1),
        }
        # Each finalised visit's agreed action, as a record of its own (once, however
        # many revisions agreed it), and the contact note.
        | {("action", v.actions[0].id, 1) for v in (case.plain, case.amended, case.reopened)}
        | {("contact", note.id, 1)}
    )
    assert record_keys(bundle) == expected
    assert written.records == len(expected)

    # Drafts never leave the device: not the draft visit, not the draft revision 2.
    records = records_of(bundle)
    for name, content in bundle.files.items():
        assert DRAFT_WORDS.encode() not in content
        assert DRAFT_WORDS[:40].encode() not in content
        assert case.draft.id not in name
        assert case.later.id not in name
        if name.startswith("records/"):
            assert case.draft.id.encode() not in content
            assert case.later.id.encode() not in content
    assert f"records/visit.{case.reopened.id}.r2.json" not in bundle.files
    # An action typed into a draft travels once its visit is finalised, not before.
    for draft in (case.draft, case.later):
        assert f"records/action.{draft.actions[0].id}.r1.json" not in bundle.files

    # Each record is what the workspace holds, with its envelope.
    for person in case.people:
        envelope = records[f"records/person.{person.id}.r1.json"]
        assert envelope.record == workspace.people.get(person.id).model_dump(mode="json")
        assert (envelope.saved_by, envelope.reason) == ("Test Worker", None)
    for concern in case.concerns:
        envelope = records[f"records/concern.{concern.id}.r1.json"]
        assert envelope.record == workspace.concerns.get(concern.id).model_dump(mode="json")
    first = records[f"records/visit.{case.amended.id}.r1.json"]
    second = records[f"records/visit.{case.amended.id}.r2.json"]
    assert first.record == workspace.visits.get(case.amended.id, 1).visit.model_dump(mode="json")
    assert second.record == workspace.visits.get(case.amended.id, 2).visit.model_dump(mode="json")
    assert second.record["place"] == "Front room"
    assert (first.reason, second.reason) == (None, "Wrong room written down")
    for visit in (case.plain, case.amended, case.reopened):
        action = records[f"records/action.{visit.actions[0].id}.r1.json"]
        kept = workspace.actions.get(visit.actions[0].id)
        assert action.record == kept.model_dump(mode="json")
        assert (action.format_version, action.reason) == (2, None)
        assert kept.agreed_in_visit == visit.id
    contact = records[f"records/contact.{note.id}.r1.json"]
    assert contact.record == note.model_dump(mode="json")
    assert manifest.format_version == batch_version(bundle) == 2

    # The audit entries chain from the start, and are the device's own entries.
    batch = audit_of(bundle)
    assert batch.device_id == DEVICE_ID
    assert [e.seq for e in batch.entries] == list(range(1, last_seq_before + 1))
    previous = ZERO_HASH
    for entry in batch.entries:
        assert entry.prev_hash == previous
        assert entry.hash == audit_entry_hash(
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.entity,
            entry.entity_id,
            entry.revision,
            entry.detail,
            entry.prev_hash,
        )
        previous = entry.hash
    device_entries = workspace.audit_entries()
    assert [e.hash for e in batch.entries] == [e.hash for e in device_entries[:last_seq_before]]
    sealed = device_entries[-1]
    assert (sealed.seq, sealed.action, sealed.entity_id) == (
        last_seq_before + 1,
        "bundle_sealed",
        manifest.bundle_id,
    )
    assert sealed.detail == {"sequence": 1, "records": len(expected), "sha256": sha256(data)}
    assert _sent(workspace) == [(1, sha256(data), 1, 1)]
    assert workspace.check().healthy


def test_nothing_new_is_nothing_to_export_and_writes_nothing(
    workspace: Workspace, office: Office, outbox: Path
) -> None:
    ready(workspace, office)
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    export_bundles(workspace, outbox)
    files = bundle_files(outbox)
    stick_before = snapshot(outbox)
    before = stored(workspace.folder)

    with pytest.raises(NothingToExport) as caught:
        export_bundles(workspace, outbox)

    assert caught.value.message == (
        "Nothing to export: every finalised record is already in a bundle."
    )
    assert caught.value.exit_code == 0
    assert bundle_files(outbox) == files
    assert snapshot(outbox) == stick_before
    assert stored(workspace.folder) == before

    # A new draft, or a new audit entry alone, does not make a bundle either.
    draft_visit(workspace, concern)
    with pytest.raises(NothingToExport):
        export_bundles(workspace, outbox)
    assert bundle_files(outbox) == files
    assert len(_sent(workspace)) == 1


def test_a_second_bundle_carries_only_what_changed_and_chains_to_the_first(
    workspace: Workspace, office: Office, outbox: Path, tmp_path: Path
) -> None:
    enrolment = ready(workspace, office)
    case = Caseload(workspace)
    (first,) = export_bundles(workspace, outbox).written
    first_data = first.path.read_bytes()
    first_audit = audit_of(office.open(first_data, enrolment))

    renamed = case.bryn.model_copy(update={"preferred_name": "Bryn"})
    workspace.people.update(renamed)
    workspace.visits.finalise(case.later.id)
    second_stick = tmp_path / "stick-2"
    second_stick.mkdir()

    result = export_bundles(workspace, second_stick)

    assert result.sealed == 2
    (second,) = result.written
    assert bundle_files(second_stick) == [second.path]
    bundle = office.open(second.path.read_bytes(), enrolment)
    assert bundle.manifest.sequence == 2
    assert bundle.manifest.previous_bundle_sha256 == sha256(first_data)
    assert record_keys(bundle) == {
        ("person", case.bryn.id, 2),
        ("visit", case.later.id, 1),
        ("action", case.later.actions[0].id, 1),
    }
    envelope = records_of(bundle)[f"records/person.{case.bryn.id}.r2.json"]
    assert envelope.record["preferred_name"] == "Bryn"
    batch = audit_of(bundle)
    assert batch.entries[0].seq == first_audit.entries[-1].seq + 1
    assert batch.entries[0].prev_hash == first_audit.entries[-1].hash
    assert batch.entries[0].action == "bundle_sealed"
    assert batch.entries[-1].seq == workspace.audit_entries()[-2].seq
    # The first bundle stays where it was; it is not written again.
    assert bundle_files(outbox) == [first.path]
    assert first.path.read_bytes() == first_data


def test_a_person_changed_back_is_sent_as_a_new_snapshot(
    workspace: Workspace, office: Office, outbox: Path
) -> None:
    enrolment = ready(workspace, office)
    person, _ = person_with_concern(workspace)
    export_bundles(workspace, outbox)
    workspace.people.update(person.model_copy(update={"preferred_name": "Ada"}))
    (second,) = export_bundles(workspace, outbox).written
    workspace.people.update(person)
    (third,) = export_bundles(workspace, outbox).written
    bundle = office.open(third.path.read_bytes(), enrolment)
    assert record_keys(bundle) == {("person", person.id, 3)}
    assert records_of(bundle)[f"records/person.{person.id}.r3.json"].record == person.model_dump(
        mode="json"
    )
    assert second.sequence == 2


def _fill_to(ws: Workspace, size: int) -> None:
    """People whose addresses add up to ``size`` bytes of record text."""
    chunk = 19_000
    for n in range(size // chunk + 1):
        address = Note(text=os.urandom(chunk // 2).hex())
        ws.people.add(builders.person(name=f"Filler Example {n}", address=address))


def _limit_file_size(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes; EFBIG instead of a signal."""
    import resource  # POSIX only, as is the test that uses this

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


# The real `msp` exports this workspace in its own process, at the shipped Argon2id cost.
@pytest.mark.usefixtures("real_kdf_cost")
@pytest.mark.posix_only(
    "the child's disk fills through RLIMIT_FSIZE (resource) set in preexec_fn; the in-process"
    " full-disk tests cover Windows"
)
def test_a_failed_write_loses_nothing_and_the_next_export_writes_the_same_bundle(
    workspace: Workspace, office: Office, outbox: Path, tmp_path: Path
) -> None:
    enrolment = ready(workspace, office)
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    _fill_to(workspace, 300_000)
    # Seal here: the database itself grows by the sealed bundle, so the child's limit
    # must only catch the bundle file on the stick.
    assert outbox_module.seal_bundle(workspace.db, workspace.worker) == 1
    ((sequence, recorded_sha, written, kept),) = _sent(workspace)
    assert (sequence, written, kept) == (1, 0, 1)
    folder = workspace.folder
    workspace.close()

    limit = 128 * 1024
    env = {k: v for k, v in os.environ.items() if not k.startswith("MSP_")}
    (tmp_path / "logs").mkdir()
    env.update(
        MSP_WORKSPACE=str(folder), MSP_PASSPHRASE=PASSPHRASE, MSP_LOG_DIR=str(tmp_path / "logs")
    )
    failed = run_msp(env, "export", "--to", str(outbox), preexec_fn=lambda: _limit_file_size(limit))
    assert failed.returncode == 10, failed.stderr
    (line,) = failed.stderr.strip().splitlines()
    bundle_name = line.removeprefix("msp: Could not save ").split(":")[0]
    assert line == (
        f"msp: Could not save {bundle_name}: it is too large for that disk. "
        "Nothing was changed; choose another disk. The bundle is kept safely on this device "
        "and is written the next time you export."
    )
    assert bundle_name.startswith(f"{DEVICE_ID}-000001-")
    assert failed.stdout == ""
    assert bundle_files(outbox) == []  # no partial file, no temporary file

    with Workspace.open(folder, PASSPHRASE) as ws:
        assert _sent(ws) == [(1, recorded_sha, 0, 1)]
        result = export_bundles(ws, outbox)
        assert result.sealed is None
        (written_now,) = result.written
        assert written_now.sequence == 1
        assert written_now.path.name == bundle_name
        data = written_now.path.read_bytes()
        assert len(data) > limit
        assert sha256(data) == recorded_sha
        assert _sent(ws) == [(1, recorded_sha, 1, 1)]
        assert office.open(data, enrolment).manifest.sequence == 1
    assert bundle_files(outbox) == [written_now.path]


def test_a_missing_folder_is_refused_before_anything_is_sealed(
    workspace: Workspace, office: Office, outbox: Path, tmp_path: Path
) -> None:
    """No bundle is sealed for a folder that is not there (it would show as sent)."""
    enrolment = ready(workspace, office)
    _, concern = person_with_concern(workspace)
    visit = finalised_visit(workspace, concern)
    missing = tmp_path / "no-stick"

    with pytest.raises(InvalidInput) as caught:
        export_bundles(workspace, missing)

    assert caught.value.message == (
        f"The folder {missing} does not exist (is the USB stick plugged in?). Nothing was exported."
    )
    assert not missing.exists()
    assert _sent(workspace) == []
    assert workspace.sync.status().counts["in-bundle"] == 0

    result = export_bundles(workspace, outbox)
    assert result.sealed == 1
    (bundle,) = result.written
    assert ("visit", visit.id, 1) in record_keys(office.open(bundle.path.read_bytes(), enrolment))


def test_a_file_in_place_of_the_folder_is_refused(
    workspace: Workspace, office: Office, tmp_path: Path
) -> None:
    ready(workspace, office)
    person_with_concern(workspace)
    not_a_folder = tmp_path / "stick.txt"
    not_a_folder.write_text("hello")
    with pytest.raises(InvalidInput, match="does not exist"):
        export_bundles(workspace, not_a_folder)
    assert not_a_folder.read_text() == "hello"


def test_again_rewrites_every_unacknowledged_bundle(
    workspace: Workspace, office: Office, outbox: Path, tmp_path: Path
) -> None:
    enrolment = ready(workspace, office)
    person, concern = person_with_concern(workspace)
    export_bundles(workspace, outbox)
    finalised_visit(workspace, concern)
    export_bundles(workspace, outbox)
    originals = {p.name: p.read_bytes() for p in bundle_files(outbox)}
    assert len(originals) == 2

    lost = tmp_path / "second-stick"
    lost.mkdir()
    with pytest.raises(NothingToExport):
        export_bundles(workspace, lost)
    result = export_bundles(workspace, lost, again=True)
    assert result.sealed is None
    assert [b.sequence for b in result.written] == [1, 2]
    assert {p.name: p.read_bytes() for p in bundle_files(lost)} == originals

    # Once the office acknowledges bundle 1, only bundle 2 is written again.
    first = next(p for p in bundle_files(outbox) if "-000001-" in p.name)
    workspace.sync.import_receipt(office.receipt(first.read_bytes(), enrolment))
    third = tmp_path / "third-stick"
    third.mkdir()
    again = export_bundles(workspace, third, again=True)
    assert [b.sequence for b in again.written] == [2]
    assert [p.name for p in bundle_files(third)] == [
        n for n in sorted(originals) if "-000002-" in n
    ]
    # "again" with new records seals them and writes them too.
    workspace.people.update(person.model_copy(update={"preferred_name": "Ada"}))
    fourth = tmp_path / "fourth-stick"
    fourth.mkdir()
    both = export_bundles(workspace, fourth, again=True)
    assert both.sealed == 3
    assert [b.sequence for b in both.written] == [2, 3]


@pytest.mark.parametrize("damage", ["finalised-content", "audit-chain"])
def test_a_damaged_workspace_seals_nothing(
    workspace: Workspace, office: Office, outbox: Path, damage: str
) -> None:
    ready(workspace, office)
    _, concern = person_with_concern(workspace)
    visit = finalised_visit(workspace, concern)
    db = workspace.db
    if damage == "finalised-content":
        # Only possible behind the app's back: drop the guard, edit, put it back.
        sql = db.scalar(
            "SELECT sql FROM sqlite_master WHERE name = 'finalised_revisions_are_read_only'"
        )
        db.execute("DROP TRIGGER finalised_revisions_are_read_only")
        db.execute(
            "UPDATE visit_revisions SET data = replace(data, 'safe', 'unsafe') WHERE visit_id = ?",
            (visit.id,),
        )
        db.execute(sql)
        why = f"Finalised visit {visit.id} revision 1 was changed after it was finalised."
    else:
        last = workspace.audit_entries()[-1]
        db.execute(
            "INSERT INTO audit (seq, at, actor, action, entity, entity_id, revision, detail,"
            " prev_hash, hash) VALUES (?, ?, 'someone', 'create', 'person', 'x', NULL, '{}',"
            " ?, ?)",
            (last.seq + 1, last.at, last.hash, "f" * 64),
        )
        why = f"Audit entry {last.seq + 1} has been altered."
    assert not workspace.check().healthy
    entries_before = len(workspace.audit_entries())
    before = stored(workspace.folder)

    with pytest.raises(WorkspaceDamaged) as caught:
        export_bundles(workspace, outbox)

    assert caught.value.message == (
        f"Nothing was exported: the workspace check found a problem ({why}). "
        "Run msp check, and restore from a backup if needed."
    )
    assert stored(workspace.folder) == before
    assert bundle_files(outbox) == []
    assert _sent(workspace) == []
    assert workspace.db.scalar("SELECT count(*) FROM records_sent") == 0
    assert len(workspace.audit_entries()) == entries_before


def test_a_read_only_stick_is_said_in_one_sentence_and_the_bundle_waits(
    workspace: Workspace, office: Office, outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OS refusing the file (an edge we cannot own) loses nothing."""
    enrolment = ready(workspace, office)
    _, concern = person_with_concern(workspace)
    finalised_visit(workspace, concern)
    real_open = os.open

    def read_only(path: str | Path, flags: int, mode: int = 0o777) -> int:
        if str(path).startswith(str(outbox)):
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(WriteFailed) as caught:
        export_bundles(workspace, outbox)
    monkeypatch.setattr(os, "open", real_open)
    assert caught.value.exit_code == ExitCode.STORAGE_FULL  # the table: full, failing or read-only
    assert caught.value.message == (
        f"Could not write to {outbox}: it cannot be written to (is the USB stick locked or "
        "read-only?). The bundle is kept safely on this device and is written the next time "
        "you export."
    )
    assert list(outbox.iterdir()) == []
    ((sequence, sha, written, kept),) = _sent(workspace)
    assert (sequence, written, kept) == (1, 0, 1)

    (bundle,) = export_bundles(workspace, outbox).written
    assert sha256(bundle.path.read_bytes()) == sha
    office.open(bundle.path.read_bytes(), enrolment)
