"""``msp-office records correct KIND ID --set FIELD=VALUE… --reason TEXT``.

A manager at the office corrects a record (a date of birth typed wrongly, an address
the council updated): the record as the office holds it now (the latest revision, a
device's or the office's own) with the fields set, checked as the laptop's own model
checks it, becomes a new **office revision** (numbered after every revision held,
saved by the office, with the reason). It goes to the device the record belongs to as
a ``correct`` in its next office pack; the laptop takes it unless the worker changed
the record since, and then keeps it beside theirs to compare (the worker's words are
never overwritten). From then on the office's own views (report, export) read the
corrected record.

People, concerns, agreed actions and contact notes can be corrected. A visit cannot: it
is a record of a conversation as the worker finalised it; its worker amends it, with a
reason. A person is named by their record id or the local id the council's caseload
brought them with. The fields tying a record to others (``id``, ``person_id``, ``concern_id``)
cannot be set: moving a person's records is ``records transfer``.

A value is text, as typed; an empty value clears the field; a value starting with
``[`` or ``{``, or ``true``, ``false`` or ``null``, is read as JSON (lists, such as a
concern's ``risk_types``, and yes/no fields). Every refusal (an unknown record or
field, a value the record's model refuses, nothing to change, another ``msp-office``
correcting it meanwhile) is one sentence and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from msp_desktop.errors import InvalidInput, RecordNotFound
from msp_desktop.model import AgreedAction, Concern, ContactNote, Person
from msp_desktop.office.admin import login_name
from msp_desktop.office.caseload import office_envelope
from msp_desktop.office.db.store import OfficeRevision, OfficeStore, QueuedChange
from msp_desktop.office.devices import one_line_reason
from msp_desktop.office.errors import OfficeBusy
from msp_desktop.office.ownership import find_person

__all__ = ["CORRECTABLE", "Corrected", "correct_record", "read_settings"]

CORRECTABLE: dict[str, type[BaseModel]] = {
    "person": Person,
    "concern": Concern,
    "action": AgreedAction,
    "contact": ContactNote,
}
"""The record kinds the office may correct, with the model that checks each."""
FIXED = ("id", "person_id", "concern_id")
"""Fields that tie a record to others: never set by a correction."""
_JSON_WORDS = ("true", "false", "null")


@dataclass(frozen=True)
class Corrected:
    """What ``correct_record`` did."""

    revision: OfficeRevision
    fields: tuple[str, ...]
    """The fields whose value changed."""
    device_id: str | None
    """The device the correction is queued for; None: the record belongs to no device
    yet (it goes with the allocation)."""


def read_settings(pairs: list[str]) -> dict[str, Any]:
    """``FIELD=VALUE`` pairs as ``{field: value}`` (see the module's docstring);
    ``InvalidInput`` for a pair without ``=`` or with bad JSON, or a field given twice."""
    settings: dict[str, Any] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            raise InvalidInput(
                f"--set {pair!r}: write FIELD=VALUE, e.g. --set phone='01632 960001'."
            )
        if name in settings:
            raise InvalidInput(f"--set gives {name} twice; give each field once.")
        settings[name] = _value(name, text)
    if not settings:
        raise InvalidInput("Say what to correct: --set FIELD=VALUE (one or more).")
    return settings


def _value(name: str, text: str) -> Any:
    if text == "":
        return None
    if text[:1] in "[{" or text in _JSON_WORDS:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"--set {name}: {text[:40]!r} is not valid JSON ({error.msg}, at character "
                f"{error.pos + 1})."
            ) from None
    return text


def _checked(kind: str, record: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    model = CORRECTABLE[kind]
    for name in settings:
        if name in FIXED:
            raise InvalidInput(
                f"A correction cannot change {name}: it ties the record to others (to move a "
                "person's records to another device: msp-office records transfer)."
            )
        if name not in model.model_fields:
            known = ", ".join(sorted(set(model.model_fields) - set(FIXED)))
            raise InvalidInput(f"A {kind} record has no field {name!r}; its fields: {known}.")
    try:
        corrected = model.model_validate({**record, **settings})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the record"
        raise InvalidInput(
            f"The corrected {kind} is not valid: {where}: {first['msg']}. Nothing was changed."
        ) from None
    return dict(corrected.model_dump(mode="json"))


def correct_record(
    store: OfficeStore,
    kind: str,
    record_id: str,
    settings: dict[str, Any],
    *,
    reason: str,
    now: str,
) -> Corrected:
    """Make the office's corrected revision of a record and queue it for the record's
    device, in one transaction; refusals change nothing (see the module's docstring)."""
    if kind not in CORRECTABLE:
        raise InvalidInput(
            f"The office corrects {', '.join(CORRECTABLE)} records"
            + (" (a visit is amended by its worker, with a reason)." if kind == "visit" else ".")
        )
    why = one_line_reason(reason)
    if kind == "person":
        record_id = find_person(store, record_id)  # a caseload's local id names them too
    latest = store.latest_revision(kind, record_id)
    text = store.revision_envelope(kind, record_id, latest) if latest is not None else None
    if latest is None or text is None:
        raise RecordNotFound(f"The office holds no {kind} {record_id}.")
    record = dict(json.loads(text)["record"])
    corrected = _checked(kind, record, settings)
    changed = tuple(sorted(name for name in settings if corrected.get(name) != record.get(name)))
    if not changed:
        raise InvalidInput(
            f"The office's {kind} {record_id} holds those values already; nothing was changed."
        )
    number = max([latest, *store.held_revisions(kind, record_id)]) + 1
    digest, envelope = office_envelope(kind, corrected, revision=number, saved_at=now, reason=why)
    revision = OfficeRevision(
        kind=kind, record_id=record_id, revision=number, record_sha256=digest,
        envelope=envelope.decode("utf-8"), reason=why, made_by=login_name(), made_at=now,
    )  # fmt: skip
    owner = store.owner(kind, record_id)
    queue = [QueuedChange(owner, "correct", kind, record_id, why, now)] if owner else []
    if not store.add_office_revision(revision, queue, after=latest):
        raise OfficeBusy(
            f"Another msp-office changed {kind} {record_id} meanwhile; nothing was changed. "
            "Look at it again (msp-office conflicts, packs list), then correct it."
        )
    return Corrected(revision, changed, owner)
