"""``msp-office devices resync ID --from-sequence N``: after a replay alert, the device's
history continues from N as the device numbers it; its new bundles are imported, nothing
the office held goes, and a replay of what is imported after the resync is still refused."""

from __future__ import annotations

import pytest

from msp_desktop.bundles import verify_receipt
from msp_desktop.office.admin import login_name
from msp_desktop.office.alerts import list_alerts
from msp_desktop.office.errors import SequenceReplayed
from tests.office_helpers import FakeDevice, caseload
from tests.unit.office.conftest import Office


def _restored(device: FakeDevice, sequence: int, sha256: str, audit: int) -> None:
    """The device as its backup taken after bundle ``sequence`` left it."""
    device.sequence, device.last_sha256 = sequence, sha256
    del device.audit[audit:]


def test_a_resync_lets_a_restored_device_carry_on_and_keeps_what_was_held(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    first = device.bundle(office.inbox, caseload("Anwen Example").envelopes())
    office.import_(first)
    bryn = caseload("Bryn Sample")
    old = device.bundle(office.inbox, bryn.envelopes())
    office.import_(old)
    _restored(device, 1, first.sha256, 2)
    new = device.bundle(office.inbox, caseload("Cai Madeup").envelopes())
    assert new.manifest.sequence == 2
    assert new.sha256 != old.sha256
    with pytest.raises(SequenceReplayed) as refused:
        office.import_(new)
    assert refused.value.message.endswith(
        "run: msp-office devices resync laptop-7 --from-sequence 2 --reason TEXT Not "
        f"imported; the alert is in {office.layout.alerts}."
    )
    [alert] = list_alerts(office.layout.alerts)
    assert (alert.kind, alert.acknowledged) == ("replay", False)

    # First what it would do: said, and nothing changed (the alert still open).
    before, files = office.db_hash(), office.files()
    capsys.readouterr()
    args = ("devices", "resync", "laptop-7", "--from-sequence", "2")
    assert office.run(*args, "--dry-run") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Resyncing device laptop-7 from sequence 2 would be its resync 1; its last bundle "
        "here is sequence 2.",
        f"It would keep in the ledger as history, no longer compared with: sequence 2 "
        f"({old.sha256[:12]}).",
        f"It would acknowledge the replay alert(s): {alert.id}.",
        "Nothing was changed (--dry-run).",
    ]
    assert (office.db_hash(), office.files()) == (before, files)
    assert office.store.resyncs() == []

    assert (
        office.run(
            "devices",
            "resync",
            "laptop-7",
            "--from-sequence",
            "2",
            "--reason",
            "restored from backup",
        )
        == 0
    )

    assert capsys.readouterr().out.splitlines() == [
        "Device laptop-7's history now continues from sequence 2 (resync 1, by "
        f"{login_name()}; reason: restored from backup).",
        f"Kept in the ledger as history, no longer compared with: sequence 2 ({old.sha256[:12]}).",
        f"Acknowledged the replay alert(s) it answers: {alert.id}.",
        "The device's bundles from sequence 2 on are imported as new; a bundle imported from "
        "now on is protected against replay as before.",
    ]
    [resync] = office.store.resyncs("laptop-7")
    assert (resync.epoch, resync.from_sequence, resync.held) == (1, 2, ((2, old.sha256),))
    assert office.run("devices", "list") == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"Device laptop-7 resynced from sequence 2 (resync 1, by {login_name()} on "
        f"{resync.resynced_at}): restored from backup"
    )
    assert (resync.reason, resync.resynced_by) == ("restored from backup", login_name())
    [acked] = list_alerts(office.layout.alerts)
    assert acked.acknowledged
    assert acked.note is not None
    assert acked.note.startswith("resolved by msp-office devices resync (resync 1 from sequence 2)")

    outcome = office.import_(new)
    assert outcome.checked.status == "imported"
    assert outcome.checked.reports == [
        f"it takes the place of sequence 2 imported before the device's resync "
        f"({old.sha256[:12]}, imported on {office.store.ledger_by_hash(old.sha256).imported_at},"  # type: ignore[union-attr]
        " kept as history)"
    ]
    receipt = verify_receipt(
        outcome.receipt.read_bytes(), office.keys.signing.public_key, bundle_sha256=new.sha256
    )
    assert (receipt.status, receipt.sequence) == ("imported", 2)
    # Both bundles 2 stay in the ledger; the new one is in force, in epoch 1.
    assert [(e.sequence, e.epoch, e.sha256) for e in office.store.ledger()] == [
        (1, 0, first.sha256), (2, 0, old.sha256), (2, 1, new.sha256),
    ]  # fmt: skip
    in_force = office.store.ledger_entry("laptop-7", 2)
    assert in_force is not None
    assert in_force.sha256 == new.sha256
    # Nothing the office held went: the first bundle 2's person is still there.
    kept = office.store.current("person", bryn.person.id)
    assert kept is not None
    assert kept.bundle_sequence == 2
    assert office.store.counts().bundles == 3

    # The next bundle follows the new 2: imported with nothing to report.
    third = device.bundle(office.inbox, caseload("Dewi Invented").envelopes())
    assert office.import_(third).checked.reports == []
    # A replay of a bundle imported after the resync is refused as before.
    again = device.bundle(
        office.inbox, caseload("Efa Pretend").envelopes(), sequence=2, advance=False
    )
    before = office.db_hash()
    with pytest.raises(SequenceReplayed, match="sequence 2 was already imported"):
        office.import_(again)
    assert office.db_hash() == before
    # The bytes imported before the resync are still those bytes: a no-op, a receipt.
    assert office.import_(old).checked.status == "already-imported"
    assert office.db_hash() == before


def test_a_second_resync_sets_aside_only_what_is_in_force(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("Anwen Example", "Bryn Sample", "Cai Madeup"):
        office.import_(device.bundle(office.inbox, caseload(name).envelopes()))
    assert office.run("devices", "resync", "laptop-7", "--from-sequence", "2") == 0
    assert office.store.resyncs()[0].held[0][0] == 2
    assert office.store.last_sequence("laptop-7") == 1
    # With 2 and 3 set aside, the office's last bundle in force is 1: at most 2 now.
    before = office.db_hash()
    assert office.run("devices", "resync", "laptop-7", "--from-sequence", "3") == 2
    assert office.db_hash() == before
    assert office.run("devices", "resync", "laptop-7", "--from-sequence", "2") == 0
    second = office.store.resyncs("laptop-7")[1]
    assert (second.epoch, second.held, second.reason) == (
        2, (), "device history continues after a replay alert",
    )  # fmt: skip
    capsys.readouterr()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("laptop-9", "--from-sequence", "1"), 8,
         "No device 'laptop-9' was ever enrolled here, so there is nothing to resync; nothing "
         "was changed."),
        (("laptop-7", "--from-sequence", "0"), 2,
         "--from-sequence must be 1 or more (bundle sequences start at 1), not 0; nothing was "
         "changed."),
        (("laptop-7", "--from-sequence", "4"), 2,
         "Device laptop-7's last bundle here is sequence 2, so its history can continue from "
         "sequence 3 at most, not 4: the office has never seen the sequences in between; "
         "nothing was changed."),
        (("laptop-7", "--from-sequence", "2", "--reason", "two\nlines"), 2,
         "The reason must be one line of plain text, at most 500 characters."),
        # --dry-run refuses what the resync would refuse.
        (("laptop-7", "--from-sequence", "4", "--dry-run"), 2,
         "Device laptop-7's last bundle here is sequence 2, so its history can continue from "
         "sequence 3 at most, not 4: the office has never seen the sequences in between; "
         "nothing was changed."),
        (("laptop-7", "--from-sequence", "2", "--reason", "two\nlines", "--dry-run"), 2,
         "The reason must be one line of plain text, at most 500 characters."),
    ],
)  # fmt: skip
def test_refusals_say_why_in_one_sentence_and_change_nothing(
    office: Office,
    device: FakeDevice,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    for name in ("Anwen Example", "Bryn Sample"):
        office.import_(device.bundle(office.inbox, caseload(name).envelopes()))
    before, files = office.db_hash(), office.files()
    capsys.readouterr()

    assert office.run("devices", "resync", *args) == code

    assert capsys.readouterr().err.strip() == f"msp-office: {message}"
    assert office.db_hash() == before
    assert office.files() == files
    assert office.store.resyncs() == []
