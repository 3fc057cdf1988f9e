"""Turning records into what the command line prints: tables for people, JSON for tools."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from msp_desktop.bundles.provisioning import Provisioning
from msp_desktop.services.pack_sync import PacksReport
from msp_desktop.store import PersonSummary, RevisionInfo, VisitRecord, VisitSummary
from msp_desktop.store.outbox import ReceiptResult
from msp_desktop.store.packs import PackResult
from msp_desktop.text_table import table as table  # re-exported: commands print output.table


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_json(value: Any) -> str:
    """JSON text for dataclasses, dates and plain values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    elif isinstance(value, list):
        value = [
            dataclasses.asdict(v) if dataclasses.is_dataclass(v) and not isinstance(v, type) else v
            for v in value
        ]
    return json.dumps(_plain(value), indent=2, ensure_ascii=False)


def people_table(people: list[PersonSummary]) -> str:
    """The caseload as a table."""
    rows = [
        [
            p.id,
            p.name,
            p.preferred_name or "",
            p.local_id or "",
            p.date_of_birth.isoformat() if p.date_of_birth else "",
            p.open_stage or "",
        ]
        for p in people
    ]
    return table(["ID", "NAME", "PREFERRED", "LOCAL ID", "BORN", "STAGE"], rows)


def visits_table(visits: list[VisitSummary]) -> str:
    """Visits as a table."""
    rows = [
        [
            v.id,
            v.visit_date.isoformat() if v.visit_date else "(no date)",
            v.person_name,
            str(v.revision),
            v.status,
        ]
        for v in visits
    ]
    return table(["ID", "DATE", "PERSON", "REV", "STATUS"], rows)


def visit_document(record: VisitRecord, revisions: list[RevisionInfo]) -> dict[str, Any]:
    """One visit as JSON-ready data: the current revision's content and every revision."""
    return {
        "id": record.visit.id,
        "revision": record.info.revision,
        "status": record.info.status,
        "visit": record.visit.model_dump(mode="json"),
        "revisions": [dataclasses.asdict(r) for r in revisions],
    }


def trusted_sentence(provisioning: Provisioning) -> str:
    """What ``msp`` says once an office's keys are imported."""
    return (
        f"This workspace now sends records to {provisioning.office_name} "
        f"({provisioning.office_id}). Office key {provisioning.office_key_id}: check it "
        "matches the key id the office gave you. The office recovery key was added."
    )


_KIND_WORDS = {
    "person": "details",
    "concern": "concern",
    "visit": "visit",
    "action": "agreed action",
    "contact": "contact note",
}


def kept_aside_sentence(result: ReceiptResult) -> str:
    """What the office kept aside from ``result``'s bundle, whose, and what to do."""
    parts = []
    for item in result.kept_aside:
        what = _KIND_WORDS.get(item.kind, item.kind)
        part = f"{item.person}'s {what}" if item.person else f"a {what} ({item.record_id})"
        if item.owner:
            part += f", which the office holds for device {item.owner}"
        parts.append(part)
    more = result.kept_aside_total - len(result.kept_aside)
    if more > 0:
        parts.append(f"{more} more")
    count = result.kept_aside_total
    changes, them = ("1 change", "it") if count == 1 else (f"{count} changes", "them")
    return (
        f"The office kept {changes} from bundle {result.sequence} aside instead of taking "
        f"{them}: {'; '.join(parts)}. Nothing is lost: the office holds {them}. Ask the "
        "office which version is right before you change these records again."
    )


def _counted(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def pack_sentence(result: PackResult) -> str:
    """What one office pack brought, in the worker's words."""
    taken = result.taken
    brought = [
        _counted(taken[kind], one, many)
        for kind, one, many in (("person", "person", "people"), ("concern", "concern", "concerns"))
        if taken.get(kind)
    ]
    parts = [
        f"office pack {result.sequence} taken"
        + (f": {' and '.join(brought)} from the office." if brought else ".")
    ]
    if result.kept_aside:
        n = len(result.kept_aside)
        parts.append(
            f"The office changed {_counted(n, 'record', 'records')} you had also changed "
            "since you last sent them; yours are kept as you wrote them, and the office's "
            "version is kept beside them to compare."
        )
    if result.shared:
        n = len(result.shared)
        whose = "1 person's case" if n == 1 else f"{n} people's cases"
        parts.append(f"The office shared {whose} with you to read; it cannot be changed here.")
    kept = sum(1 for _kind, _id, keep in result.settled if keep == "current")
    if kept:
        parts.append(
            f"After comparing, the office kept its own version of "
            f"{_counted(kept, 'record', 'records')} you had sent; yours is kept at the office."
        )
    if len(result.settled) > kept:
        parts.append(
            f"After comparing, the office took your version of "
            f"{_counted(len(result.settled) - kept, 'record', 'records')} it had set aside."
        )
    staying = [p for p in result.leaving if p not in result.released]
    if staying:
        parts.append(
            f"The office has given {_counted(len(staying), 'person', 'people')} to another "
            "worker; they stay on this laptop until everything about them has reached the "
            "office."
        )
    if result.released:
        parts.append(released_sentence(len(result.released)))
    return " ".join(parts)


def released_sentence(count: int) -> str:
    """People moved to another worker who have now left this laptop."""
    return (
        f"{_counted(count, 'person', 'people')} the office gave to another worker "
        f"{'has' if count == 1 else 'have'} left this laptop: everything about them is at "
        "the office."
    )


def pack_sync_lines(report: PacksReport) -> list[str]:
    """What a network sync took from the office (``msp sync``)."""
    lines = [capitalised(pack_sentence(result)) for result in report.new]
    if report.no_pack_key:
        lines.append(
            "This device has no key for office packs yet, so nothing was asked of the office. "
            "To receive people from the office, make a new enrolment file with msp enrol "
            "--out FILE and give it to the office."
        )
    elif not report.new and not report.errors and not report.office_without_packs:
        lines.append("Nothing new from the office.")
    if report.receipts_sent:
        lines.append(
            f"The office was told which packs this device took "
            f"({_counted(report.receipts_sent, 'receipt', 'receipts')} sent)."
        )
    return lines


def capitalised(sentence: str) -> str:
    """``sentence`` with its first letter upper case."""
    return sentence[:1].upper() + sentence[1:]
