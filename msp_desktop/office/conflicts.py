"""``msp-office conflicts show ID`` and ``conflicts resolve ID --keep current|incoming``.

A conflict is a revision the office kept aside instead of taking (``planning``): sent
by a device the record does not belong to, older than the office's current one, or
the same revision number with other content. To decide, a person needs to see what
each side changed: ``compare`` puts the revision the office keeps (**current**) and
the one kept aside (**incoming**) beside the revision they started from (**base**:
the highest the office holds below the incoming one), field by field, and marks who
changed what.

``resolve`` records the decision (``conflict_decisions``: which, why, who, when; one
decision per conflict, never changed) and sends it on:

- ``incoming``: the kept-aside content becomes a new office revision of the record
  (numbered after every revision held), queued as a correction for the device the
  record belongs to; once that device takes it and sends its next change, that is the
  office's current revision.
- ``current``: nothing changes at the office; the device that sent the conflicting
  revision is told in a ``decision`` in its next pack, carrying the office's current
  revision: that device takes it in place of its own unless the worker changed the
  record since (then it is kept beside theirs to compare), so both sides hold the same
  record again. The sender's words are not lost: the office keeps them in the conflict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from msp_desktop.bundles.records import RecordEnvelope
from msp_desktop.errors import InvalidInput, RecordNotFound, RecordReadOnly
from msp_desktop.office.admin import login_name
from msp_desktop.office.caseload import office_envelope
from msp_desktop.office.db.store import (
    ConflictDecision,
    ConflictRow,
    OfficeRevision,
    OfficeStore,
    QueuedChange,
)
from msp_desktop.office.devices import one_line_reason

__all__ = ["Comparison", "FieldChange", "compare", "resolve"]

Side = Literal["current", "incoming", "both", "both alike"]


@dataclass(frozen=True)
class FieldChange:
    """One field that differs somewhere among base, current and incoming."""

    name: str
    base: Any
    current: Any
    incoming: Any

    @property
    def changed_by(self) -> Side:
        """Which side changed the field since the base."""
        current, incoming = self.current != self.base, self.incoming != self.base
        if current and incoming:
            return "both alike" if self.current == self.incoming else "both"
        return "current" if current else "incoming"


@dataclass(frozen=True)
class Comparison:
    """A conflict with its three revisions' records compared field by field."""

    conflict: ConflictRow
    base_revision: int | None
    current_revision: int | None
    fields: tuple[FieldChange, ...]
    decision: ConflictDecision | None


def _conflict(store: OfficeStore, conflict_id: int) -> ConflictRow:
    found = [c for c in store.conflicts() if c.id == conflict_id]
    if not found:
        raise RecordNotFound(f"The office holds no conflict {conflict_id} (msp-office conflicts).")
    return found[0]


def _record(store: OfficeStore, kind: str, record_id: str, revision: int | None) -> dict[str, Any]:
    if revision is None:
        return {}
    text = store.revision_envelope(kind, record_id, revision)
    return dict(json.loads(text)["record"]) if text else {}


def compare(store: OfficeStore, conflict_id: int) -> Comparison:
    """The conflict ``conflict_id`` with base, current and incoming side by side (reads
    only); ``RecordNotFound`` for no such conflict."""
    conflict = _conflict(store, conflict_id)
    text = store.conflict_envelope(conflict_id)
    assert text is not None  # the conflict exists
    incoming = dict(json.loads(text)["record"])
    current_revision = store.latest_revision(conflict.kind, conflict.record_id)
    below = [r for r in store.held_revisions(conflict.kind, conflict.record_id)
             if r < conflict.revision]  # fmt: skip
    base_revision = below[-1] if below else None
    base = _record(store, conflict.kind, conflict.record_id, base_revision)
    current = _record(store, conflict.kind, conflict.record_id, current_revision)
    names = sorted(set(base) | set(current) | set(incoming))
    fields = tuple(
        FieldChange(name, base.get(name), current.get(name), incoming.get(name))
        for name in names
        if not (base.get(name) == current.get(name) == incoming.get(name))
    )
    return Comparison(
        conflict, base_revision, current_revision, fields, store.decisions().get(conflict_id)
    )


def resolve(
    store: OfficeStore, conflict_id: int, keep: str, *, reason: str | None, now: str
) -> ConflictDecision:
    """Decide conflict ``conflict_id``, keeping ``current`` or ``incoming``, audited, and
    queue what the devices must be told; refusals (no such conflict, decided already,
    a bad reason) change nothing."""
    if keep not in ("current", "incoming"):
        raise InvalidInput("Keep 'current' (the office's revision) or 'incoming' (the one sent).")
    why = one_line_reason(reason or f"the office keeps the {keep} revision")
    conflict = _conflict(store, conflict_id)
    decided = store.decisions().get(conflict_id)
    if decided is not None:
        raise RecordReadOnly(
            f"Conflict {conflict_id} was resolved on {decided.decided_at} by "
            f"{decided.decided_by} (kept the {decided.keep} revision: {decided.reason}); a "
            "decision stands."
        )
    revision: OfficeRevision | None = None
    queue: list[QueuedChange] = []
    owner = store.owner(conflict.kind, conflict.record_id)
    if keep == "incoming":
        text = store.conflict_envelope(conflict_id)
        assert text is not None
        record = RecordEnvelope.model_validate_json(text).record
        number = max(store.held_revisions(conflict.kind, conflict.record_id), default=0) + 1
        number = max(number, conflict.revision + 1)
        reason_text = (
            f"conflict {conflict_id}: the office keeps the revision device "
            f"{conflict.device_id} sent ({why})"
        )
        digest, envelope = office_envelope(
            conflict.kind, record, revision=number, saved_at=now, reason=reason_text
        )
        revision = OfficeRevision(
            kind=conflict.kind,
            record_id=conflict.record_id,
            revision=number,
            record_sha256=digest,
            envelope=envelope.decode("utf-8"),
            reason=reason_text,
            made_by=login_name(),
            made_at=now,
        )
        if owner is not None:
            queue.append(
                QueuedChange(owner, "correct", conflict.kind, conflict.record_id, reason_text, now)
            )
    else:
        queue.append(
            QueuedChange(
                conflict.device_id, "decision", conflict.kind, conflict.record_id, why, now
            )
        )
    decision = ConflictDecision(
        conflict_id, keep, why, revision.revision if revision else None, login_name(), now
    )
    if not store.resolve_conflict(decision, revision, queue):
        raise RecordReadOnly(f"Conflict {conflict_id} was resolved meanwhile; a decision stands.")
    return decision
