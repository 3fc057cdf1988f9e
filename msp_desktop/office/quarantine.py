"""Quarantine: bundles signed by a device key that is not enrolled, or revoked (S24).

Such a bundle is not imported and the office database is not touched. Its bytes are
kept as ``OFFICE/quarantine/<sha256>.mspbundle`` with a note ``<sha256>.json`` saying
why, when, and which key signed it, so the admin can decide: enrol the device
(``msp-office devices add ENROLMENT.json``) and run ``msp-office import`` on the
quarantined file again, which verifies it from scratch and, once imported, removes
it from quarantine. A bundle signed by a revoked key stays in quarantine: revoking a
key means nothing it signs is trusted again, whatever date it claims.

Quarantine is bounded, because the inbox key is public and anyone can sign a bundle
with a throwaway key (``QuarantineLimits``, from ``office.json``; the office guide gives
the defaults): at most ``max_total_mb`` of bundles in all and ``max_per_key`` from one
key, the oldest evicted first with an alert line naming them; and a bundle signed by a
key this office never enrolled keeps only its note and hash when it is larger than
``keep_unenrolled_kb`` (a genuine new laptop's first bundle is small, and is sent again
once the laptop is enrolled).

To name the signer of a bundle whose key we do not know, ``signer_of`` repeats the
first, key-free steps of ``open_bundle`` (decrypt, safe unpack) and reads the key id
from the signature, and the device id the (unverified) manifest claims. It is called
only after ``open_bundle`` has already refused the bundle, to word the refusal; it
decides nothing.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from msp_desktop.bundles import AgeIdentity, BundleRejected, minisign
from msp_desktop.bundles.age import decrypt
from msp_desktop.bundles.archive import read_archive
from msp_desktop.bundles.canonical import parse_json_strict
from msp_desktop.bundles.manifest import MANIFEST_NAME, SIGNATURE_NAME
from msp_desktop.office.alerts import write_alert
from msp_desktop.office.files import make_private_folder, write_atomic
from msp_desktop.office.keys import QuarantineLimits

__all__ = [
    "QuarantineLimits",
    "QuarantineNote",
    "Signer",
    "list_quarantine",
    "put_in_quarantine",
    "release",
    "signer_of",
]

_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Signer:
    """Who signed a bundle, as far as can be read without trusting it."""

    key_id: str
    claimed_device_id: str | None
    claimed_sequence: int | None


def signer_of(data: bytes, identity: AgeIdentity) -> Signer | None:
    """The signing key id of a bundle that decrypts and unpacks; None otherwise."""
    try:
        entries = read_archive(decrypt(data, identity))
        signature = entries.get(SIGNATURE_NAME)
        if signature is None:
            return None
        key_id = minisign.parse_signature(signature.decode("utf-8")).key_id
    except (BundleRejected, UnicodeDecodeError):
        return None
    device, sequence = _claims(entries.get(MANIFEST_NAME))
    return Signer(key_id=key_id, claimed_device_id=device, claimed_sequence=sequence)


def _claims(manifest: bytes | None) -> tuple[str | None, int | None]:
    if manifest is None:
        return None, None
    try:
        value: Any = parse_json_strict(manifest, what="The manifest")
    except BundleRejected:
        return None, None
    if not isinstance(value, dict):
        return None, None
    device = value.get("device_id")
    sequence = value.get("sequence")
    return (
        device if isinstance(device, str) and _DEVICE_ID.match(device) else None,
        sequence if type(sequence) is int and sequence >= 1 else None,
    )


@dataclass(frozen=True)
class QuarantineNote:
    """What ``quarantine list`` shows for one quarantined bundle (``kept`` False: only
    the note and hash were kept, ``path`` is then empty)."""

    bundle_sha256: str
    quarantined_at: str
    last_seen: str
    reason: str
    key_id: str | None
    claimed_device_id: str | None
    claimed_sequence: int | None
    source: str
    path: str
    kept: bool = True
    size: int | None = None
    arrival_ns: int = 0


def _paths(folder: Path, sha256: str) -> tuple[Path, Path]:
    if not _SHA256.match(sha256):
        raise ValueError("not a SHA-256")
    return folder / f"{sha256}.mspbundle", folder / f"{sha256}.json"


def put_in_quarantine(
    folder: Path,
    data: bytes,
    *,
    sha256: str,
    reason: str,
    signer: Signer | None,
    source: str,
    now: str,
    never_enrolled: bool = False,
    limits: QuarantineLimits | None = None,
    alerts: Path | None = None,
) -> Path | None:
    """Keep ``data`` and a note in ``folder``; returns the bundle's path there, or None
    when only the note was kept (``never_enrolled`` and larger than the limit).

    Quarantining the same bundle again keeps the first time and updates ``last_seen``.
    Then the limits are applied, oldest first, with an alert line in ``alerts`` for
    what was evicted.
    """
    limits = limits or QuarantineLimits()
    make_private_folder(folder)
    bundle_path, note_path = _paths(folder, sha256)
    first, arrival = now, time.time_ns()
    if note_path.exists():
        try:
            earlier = json.loads(note_path.read_text("utf-8"))
            first = str(earlier["quarantined_at"])
            arrival = int(earlier.get("arrival_ns", 0))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            first = now
    keep = not (never_enrolled and len(data) > limits.keep_unenrolled_kb * 1024)
    if keep and not bundle_path.exists():
        write_atomic(bundle_path, data)
    note = {
        "format_version": 1,
        "bundle_sha256": sha256,
        "quarantined_at": first,
        # Orders bundles quarantined within the same second, for "oldest first".
        "arrival_ns": arrival,
        "last_seen": now,
        "reason": reason,
        "key_id": signer.key_id if signer else None,
        "claimed_device_id": signer.claimed_device_id if signer else None,
        "claimed_sequence": signer.claimed_sequence if signer else None,
        "source": source,
        "kept": keep,
        "size": len(data),
    }
    write_atomic(note_path, (json.dumps(note, indent=2, ensure_ascii=False) + "\n").encode())
    _apply_limits(folder, sha256, limits, alerts, now)
    return bundle_path if keep else None


def _apply_limits(
    folder: Path, newest: str, limits: QuarantineLimits, alerts: Path | None, now: str
) -> None:
    """Evict the oldest beyond the limits (never ``newest``); one alert line for them."""
    everything = list_quarantine(folder)  # oldest first
    key = next((n.key_id for n in everything if n.bundle_sha256 == newest), None)
    older = [n for n in everything if n.bundle_sha256 != newest]
    evicted: dict[str, str] = {}
    if key is not None:
        same = [n for n in older if n.key_id == key]
        for note in same[: max(0, len(same) + 1 - limits.max_per_key)]:
            evicted[note.bundle_sha256] = f"more than {limits.max_per_key} from key {key}"
    older = [n for n in older if n.bundle_sha256 not in evicted]
    total = sum(n.size or 0 for n in everything if n.kept and n.bundle_sha256 not in evicted)
    for note in older:
        if total <= limits.max_total_mb * 1024 * 1024:
            break
        if note.kept:
            evicted[note.bundle_sha256] = f"more than {limits.max_total_mb} MiB in quarantine"
            total -= note.size or 0
    older = [n for n in older if n.bundle_sha256 not in evicted]
    for note in older[: max(0, len(older) + 1 - limits.max_notes)]:
        evicted[note.bundle_sha256] = f"more than {limits.max_notes:,} notes in quarantine"
    if not evicted:
        return
    for sha256 in evicted:
        release(folder, sha256)
    if alerts is not None:
        line = {"time": now, "kind": "quarantine-evicted", "evicted": evicted}
        write_alert(alerts, line)


def list_quarantine(folder: Path) -> list[QuarantineNote]:
    """The quarantined bundles, oldest first (an unreadable note is listed as such), and
    the notes of those whose bundle was not kept."""
    if not folder.is_dir():
        return []
    names = {p.stem for p in folder.glob("*.mspbundle")} | {p.stem for p in folder.glob("*.json")}
    notes = [
        _read_note(folder / f"{sha256}.mspbundle", folder / f"{sha256}.json", sha256)
        for sha256 in sorted(names)
        if _SHA256.match(sha256)
    ]
    return sorted(notes, key=lambda n: (n.quarantined_at, n.arrival_ns, n.bundle_sha256))


def _read_note(bundle_path: Path, note_path: Path, sha256: str) -> QuarantineNote:
    try:
        raw: Any = json.loads(note_path.read_text("utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("not an object")
    except (OSError, ValueError):
        raw = {"reason": "(the note beside this bundle is missing or unreadable)"}

    def text(name: str) -> str | None:
        value = raw.get(name)
        return value if isinstance(value, str) else None

    sequence = raw.get("claimed_sequence")
    kept = bundle_path.exists()
    size = raw.get("size")
    if kept:
        with contextlib.suppress(OSError):
            size = bundle_path.stat().st_size
    return QuarantineNote(
        bundle_sha256=sha256,
        quarantined_at=text("quarantined_at") or "",
        last_seen=text("last_seen") or "",
        reason=text("reason") or "",
        key_id=text("key_id"),
        claimed_device_id=text("claimed_device_id"),
        claimed_sequence=sequence if type(sequence) is int else None,
        source=text("source") or "",
        path=str(bundle_path) if kept else "",
        kept=kept,
        size=size if type(size) is int else None,
        arrival_ns=arrival if type(arrival := raw.get("arrival_ns")) is int else 0,
    )


def release(folder: Path, sha256: str) -> bool:
    """Remove a bundle (now imported) from quarantine; True if it was there."""
    bundle_path, note_path = _paths(folder, sha256)
    found = bundle_path.exists()
    bundle_path.unlink(missing_ok=True)
    note_path.unlink(missing_ok=True)
    return found
