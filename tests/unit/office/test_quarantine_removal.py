"""``msp-office quarantine remove BUNDLE --reason TEXT``, and ``quarantine list`` saying
which quarantined bundles the office has since imported (re-sealed by their laptop).

The removal is recorded before anything is deleted: an alert line, acknowledged at once
with the reason, so ``status`` counts neither the bundle nor an open alert afterwards.
Refusals change no file.
"""

from __future__ import annotations

import json

import pytest

from msp_desktop.office.admin import login_name
from msp_desktop.office.alerts import list_alerts
from msp_desktop.office.errors import BundleQuarantined
from tests.office_helpers import FakeDevice, caseload
from tests.unit.office.conftest import Office


def _resealed(office: Office, device: FakeDevice) -> tuple[str, str]:
    """Bundle 2 signed by a key since replaced sits in quarantine; the laptop's new key
    then sent bundle 2 again and it was imported. Their SHA-256s (quarantined, imported)."""
    first = device.bundle(office.inbox, caseload("Anwen Example").envelopes())
    office.import_(first)
    audit = list(device.audit)
    replacement = device.rotated()
    office.enrol(replacement, replace=True)
    old = device.bundle(office.inbox, caseload("Bryn Sample").envelopes())
    with pytest.raises(BundleQuarantined):
        office.import_(old)
    replacement.sequence, replacement.last_sha256, replacement.audit = 1, first.sha256, audit
    new = replacement.bundle(office.inbox, caseload("Bryn Sample").envelopes())
    assert new.manifest.sequence == 2
    assert office.import_(new).checked.status == "imported"
    return old.sha256, new.sha256


def test_the_list_says_which_the_office_has_since_imported_and_one_is_removed_on_record(
    office: Office, device: FakeDevice, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = _resealed(office, device)
    capsys.readouterr()

    assert office.run("quarantine", "list") == 0
    said = capsys.readouterr().out
    assert f". The office has since imported this device's sequence 2 as {new[:12]}." in said
    assert "need not be kept: msp-office quarantine remove BUNDLE --reason TEXT" in said
    assert office.run("quarantine", "list", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["bundle_sha256"], listed["imported_since"]) == (old, new)

    before = office.db_hash()
    assert office.run("quarantine", "remove", old[:12], "--reason", "re-sealed by laptop-7") == 0
    [removed, recorded] = capsys.readouterr().out.splitlines()
    assert removed == f"Removed bundle {old[:12]} and its note from quarantine."
    assert not (office.layout.quarantine / f"{old}.mspbundle").exists()
    assert not (office.layout.quarantine / f"{old}.json").exists()
    assert office.db_hash() == before  # the database is not the quarantine's
    [alert] = [a for a in list_alerts(office.layout.alerts) if a.kind == "quarantine-removed"]
    assert recorded == f"Recorded in the alerts log as {alert.id} (acknowledged, with the reason)."
    assert (alert.acknowledged, alert.acknowledged_by, alert.note) == (
        True, login_name(), "re-sealed by laptop-7",
    )  # fmt: skip
    assert (alert.device, alert.sequence) == ("laptop-7", 2)
    assert alert.summary.startswith(f"Bundle {old[:12]} (signed by key ")
    assert alert.summary.endswith("was removed from quarantine. Reason: re-sealed by laptop-7")
    line = json.loads(office.layout.alerts.read_text("utf-8").splitlines()[-1])
    assert line["bundle"] == old  # the whole hash, for whoever looks for it later
    assert office.run("status", "--json") == 0
    counts = json.loads(capsys.readouterr().out)
    assert (counts["quarantined"], counts["alerts"]) == (0, 0)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("abc", "--reason", "x"), 2,
         "Name the bundle by its SHA-256, or at least its first 8 hex digits, as msp-office "
         "quarantine list shows it; nothing was changed."),
        (("0123456789ab", "--reason", "x"), 8,
         "No quarantined bundle starts with 0123456789ab; see them with: msp-office "
         "quarantine list. Nothing was changed."),
        (("abcdef01", "--reason", "x"), 2,
         "2 quarantined bundles start with abcdef01: give more of the hash. Nothing was "
         "changed."),
        (("abcdef0111", "--reason", "two\nlines"), 2,
         "The reason must be one line of plain text, at most 500 characters."),
    ],
)  # fmt: skip
def test_refusals_say_why_and_change_no_file(
    office: Office,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: int,
    message: str,
) -> None:
    # Two notes whose hashes share their first eight digits (only notes: a bundle whose
    # signer was never enrolled can keep just its note).
    office.layout.quarantine.mkdir(exist_ok=True)
    for tail in ("1" * 56, "2" * 56):
        (office.layout.quarantine / f"abcdef01{tail}.json").write_text(
            '{"reason": "signed by a key this office never enrolled"}', "utf-8"
        )
    before = {p: p.read_bytes() for p in office.layout.root.rglob("*") if p.is_file()}
    capsys.readouterr()

    assert office.run("quarantine", "remove", *args) == code

    assert capsys.readouterr().err.strip() == f"msp-office: {message}"
    after = {p: p.read_bytes() for p in office.layout.root.rglob("*") if p.is_file()}
    assert after == before
