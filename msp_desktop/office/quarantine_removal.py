"""Removing a bundle from quarantine by hand: ``msp-office quarantine remove BUNDLE --reason``.

A quarantined bundle stays until it is imported (its device enrolled) or evicted by the
limits, and ``status`` counts it all that time. Some never will be imported and need
not be kept: the copy a revoked key signed once the laptop re-sealed it with its new key
and the office imported that (``quarantine list`` says so), or a stranger's upload
looked into. Those the administrator removes, with a reason.

A quarantined bundle may be evidence, so its removal is kept: before anything is
deleted, one line goes to ``alerts.log`` (kind ``quarantine-removed``, with the bundle's
hash, the key that signed it, the device and sequence it claims, the reason; sent to
syslog as every alert is) and is acknowledged at once by the account that ran the
command, with the reason as its note, so it is on record without counting as open.
Then the bundle and its note are deleted.

``superseded`` tells, for ``quarantine list``, which quarantined bundles the office
has since imported under the same device and sequence from an enrolled key: the usual
sign that the laptop re-sealed it (``store.outbox.reseal_old_key_bundles``).
"""

from __future__ import annotations

import re
from pathlib import Path

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.office.alerts import acknowledge, write_alert
from msp_desktop.office.db.store import OfficeStore
from msp_desktop.office.devices import one_line_reason
from msp_desktop.office.keys import OfficeLayout
from msp_desktop.office.quarantine import QuarantineNote, list_quarantine, release

__all__ = ["MIN_PREFIX", "find_quarantined", "remove_from_quarantine", "superseded"]

MIN_PREFIX = 8
"""The fewest hex digits of a bundle's SHA-256 that name it (``quarantine list`` shows 12)."""

_HEX = re.compile(r"^[0-9a-f]+$")


def find_quarantined(folder: Path, wanted: str) -> QuarantineNote:
    """The quarantined bundle whose SHA-256 is ``wanted`` or starts with it (at least
    ``MIN_PREFIX`` hex digits); ``RecordNotFound`` or ``InvalidInput`` in one sentence."""
    prefix = wanted.strip().lower()
    if len(prefix) < MIN_PREFIX or len(prefix) > 64 or not _HEX.match(prefix):
        raise InvalidInput(
            f"Name the bundle by its SHA-256, or at least its first {MIN_PREFIX} hex digits, "
            "as msp-office quarantine list shows it; nothing was changed."
        )
    found = [n for n in list_quarantine(folder) if n.bundle_sha256.startswith(prefix)]
    if not found:
        raise RecordNotFound(
            f"No quarantined bundle starts with {prefix}; see them with: msp-office "
            "quarantine list. Nothing was changed."
        )
    if len(found) > 1:
        raise InvalidInput(
            f"{len(found)} quarantined bundles start with {prefix}: give more of the hash. "
            "Nothing was changed."
        )
    return found[0]


def remove_from_quarantine(
    layout: OfficeLayout, wanted: str, *, reason: str, now: str
) -> tuple[QuarantineNote, str]:
    """Record the removal (an acknowledged ``quarantine-removed`` alert), then delete the
    bundle and its note; the note as it was, and the alert's id."""
    why = one_line_reason(reason)
    note = find_quarantined(layout.quarantine, wanted)
    claims = (
        f", claiming device {note.claimed_device_id} sequence {note.claimed_sequence}"
        if note.claimed_device_id
        else ""
    )
    line = write_alert(
        layout.alerts,
        {
            "time": now,
            "kind": "quarantine-removed",
            "bundle": note.bundle_sha256,
            "key_id": note.key_id,
            "device": note.claimed_device_id,
            "sequence": note.claimed_sequence,
            "reason": why,
            "message": f"Bundle {note.bundle_sha256[:12]} (signed by key "
            f"{note.key_id or 'unknown'}{claims}; quarantined {note.quarantined_at}: "
            f"{note.reason}) was removed from quarantine. Reason: {why}",
        },
    )
    acknowledge(layout.alerts, str(line["id"]), note=why)
    release(layout.quarantine, note.bundle_sha256)
    return note, str(line["id"])


def superseded(store: OfficeStore, notes: list[QuarantineNote]) -> dict[str, str]:
    """For each quarantined bundle whose claimed device and sequence the office has
    since imported (in force), that bundle's SHA-256, by the quarantined one's."""
    found: dict[str, str] = {}
    for note in notes:
        if note.claimed_device_id is None or note.claimed_sequence is None:
            continue
        entry = store.ledger_entry(note.claimed_device_id, note.claimed_sequence)
        if entry is not None and entry.sha256 != note.bundle_sha256:
            found[note.bundle_sha256] = entry.sha256
    return found
