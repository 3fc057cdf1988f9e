"""The device's side of signed key rotation (S24): ``enrol(new_key=True)`` signs the
change with the old key and the new, and every enrolment file after carries the chain."""

from __future__ import annotations

from msp_desktop.bundles.provisioning import read_enrolment
from msp_desktop.bundles.rotation import MAX_LINKS, check_chain_from
from msp_desktop.store import Workspace

DEVICE_ID = "laptop-7"


def test_a_device_that_never_changed_its_key_carries_no_rotation(workspace: Workspace) -> None:
    enrolment = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    assert enrolment.rotations is None
    assert b"rotations" not in workspace.sync.enrol()


def test_a_new_key_carries_the_change_signed_by_the_old_key(workspace: Workspace) -> None:
    old = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    new = read_enrolment(workspace.sync.enrol(new_key=True))
    assert new.rotations is not None
    start = check_chain_from(new.rotations, old.public_key)
    assert (start.old_key_id, start.new_key_id, start.device_id) == (
        old.key_id, new.key_id, DEVICE_ID,
    )  # fmt: skip
    # Asked again, the device gives the same key with the same proof.
    assert read_enrolment(workspace.sync.enrol()).rotations == new.rotations
    made = [e for e in workspace.audit_entries() if e.action == "device_key_made"]
    assert made[-1].detail == {"key_id": new.key_id, "replaces_key_id": old.key_id}


def test_keys_made_twice_lead_back_to_the_first(workspace: Workspace) -> None:
    first = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    workspace.sync.enrol(new_key=True)
    third = read_enrolment(workspace.sync.enrol(new_key=True))
    assert third.rotations is not None
    assert len(third.rotations) == 2
    check_chain_from(third.rotations, first.public_key)


def test_only_the_last_rotations_are_carried(workspace: Workspace) -> None:
    first = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    keys = [first]
    for _ in range(MAX_LINKS + 1):
        keys.append(read_enrolment(workspace.sync.enrol(new_key=True)))
    last = keys[-1]
    assert last.rotations is not None
    assert len(last.rotations) == MAX_LINKS
    assert last.rotations[0].old_key_id == keys[1].key_id
    check_chain_from(last.rotations, keys[1].public_key)
    assert all(link.old_key_id != first.key_id for link in last.rotations)


def test_the_enrolment_carries_a_pack_key_that_changes_with_a_new_key(
    workspace: Workspace,
) -> None:
    first = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    assert first.pack_key is not None
    assert read_enrolment(workspace.sync.enrol()).pack_key == first.pack_key
    new = read_enrolment(workspace.sync.enrol(new_key=True))
    assert new.pack_key is not None
    assert new.pack_key != first.pack_key


def test_a_device_enrolled_before_packs_makes_its_pack_key_when_it_enrols_again(
    workspace: Workspace,
) -> None:
    first = read_enrolment(workspace.sync.enrol(DEVICE_ID))
    with workspace.db.transaction():  # as a workspace enrolled before office packs holds it
        workspace.db.execute("DELETE FROM meta WHERE key = 'device_pack_identity'")
    again = read_enrolment(workspace.sync.enrol())
    assert again.key_id == first.key_id
    assert again.pack_key is not None
    assert again.pack_key != first.pack_key
