"""What ``msp-office export`` exports: each person's current records, read from the store.

Like the annual report (``office.reports.figures``), the export reads the office's
*current* revision of each record (``OfficeStore.current_records``): conflicts waiting
at the office are not used, and revisions made at the office (a caseload import, a
correction) are not exported until a device sends them back as its own.

``--since DATE`` keeps the people with anything changed on or after the start of DATE
in the council's time zone: their person record, or one of their concerns, visits or
agreed actions, had a revision arrive at the office then (``revision_times``: received
from a device, or made at the office). When a revision was saved on the laptop does not
matter: one saved last month and imported today is new to whoever took the last export.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from msp_desktop.errors import InvalidInput
from msp_desktop.model import AgreedAction, Concern, DesiredOutcome, Person, Visit
from msp_desktop.office.dates import check_time_zone
from msp_desktop.office.db.store import OfficeStore
from msp_desktop.office.held_records import validated

__all__ = [
    "EXPORTED_KINDS",
    "Export",
    "Outcome",
    "PersonRecords",
    "parse_since",
    "select_people",
]

NOTHING = "nothing was exported"

EXPORTED_KINDS = ("person", "concern", "visit", "action")
"""The record kinds an export reads; contact notes are internal and never exported."""

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# The first and last days whose midnight, in any time zone, is a datetime Python can
# turn into UTC.
_FIRST_DAY = date(1, 1, 2)
_LAST_DAY = date(9999, 12, 30)


def parse_since(text: str, time_zone: str) -> tuple[date, str]:
    """``--since``: the day (``YYYY-MM-DD``) and the UTC time its midnight begins in
    ``time_zone``, in the store's time format; ``InvalidInput`` in one sentence."""
    text = text.strip()
    day: date | None = None
    if _DAY.fullmatch(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            day = None
    if day is None:
        raise InvalidInput(f"{text!r} is not a date: write --since as YYYY-MM-DD, e.g. 2026-04-01.")
    zone = ZoneInfo(check_time_zone(time_zone))
    midnight = datetime.combine(min(max(day, _FIRST_DAY), _LAST_DAY), time(), zone)
    return day, midnight.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Outcome:
    """One desired outcome of a concern, as its latest visit holds it.

    An outcome is carried from visit to visit under the same id; the latest visit's
    copy has its latest words, review and rating (the SG4a rating is given at the end).
    """

    outcome: DesiredOutcome
    concern_id: str
    first_said: date | None
    """The date of the first visit that holds it."""
    latest_visit: Visit


@dataclass(frozen=True)
class PersonRecords:
    """One person's current records at the office, in a stable order."""

    person: Person
    concerns: tuple[Concern, ...]
    """By date raised, then id."""
    visits: tuple[Visit, ...]
    """Of the concerns above only; by date, then id."""
    actions: tuple[AgreedAction, ...]
    """Of the concerns above only; by id."""

    def visits_of(self, concern_id: str) -> list[Visit]:
        """The concern's visits, by date then id."""
        return [v for v in self.visits if v.concern_id == concern_id]

    def outcomes(self, concern_id: str) -> list[Outcome]:
        """Every desired outcome said at the concern's visits, latest copy of each, in
        the order they were first said."""
        first: dict[str, date | None] = {}
        latest: dict[str, tuple[DesiredOutcome, Visit]] = {}
        for visit in self.visits_of(concern_id):
            for outcome in visit.desired_outcomes:
                first.setdefault(outcome.id, visit.visit_date)
                latest[outcome.id] = (outcome, visit)
        return [
            Outcome(outcome, concern_id, first[oid], visit)
            for oid, (outcome, visit) in latest.items()
        ]


@dataclass(frozen=True)
class Export:
    """The people to export, and what could not be."""

    people: tuple[PersonRecords, ...]
    left_out: int
    """Records held whose person or concern is not held here (an export could not say
    whose they are), so not exported."""


def _visit_order(visit: Visit) -> tuple[date, str]:
    return (visit.visit_date or date.min, visit.id)


def _changed_people(
    store: OfficeStore,
    since: str,
    concerns: list[Concern],
    visits: list[Visit],
    actions: list[AgreedAction],
) -> set[str]:
    """The ids of people with a revision of one of their records at or after ``since``."""
    owner: dict[str, dict[str, str]] = {
        "concern": {c.id: c.person_id for c in concerns},
        "visit": {v.id: v.person_id for v in visits},
        "action": {a.id: a.person_id for a in actions},
    }
    changed: set[str] = set()
    for kind in EXPORTED_KINDS:
        for record_id, at in store.revision_times(kind).items():
            if at < since:
                continue
            person_id = record_id if kind == "person" else owner[kind].get(record_id)
            if person_id is not None:
                changed.add(person_id)
    return changed


def select_people(store: OfficeStore, since: str | None = None) -> Export:
    """Every person held (or, with ``since``, each with a revision at or after that
    UTC time) with their current concerns, visits and agreed actions."""
    people = validated(Person, "person", store.current_records("person"), nothing=NOTHING)
    concerns = validated(Concern, "concern", store.current_records("concern"), nothing=NOTHING)
    visits = validated(Visit, "visit", store.current_records("visit"), nothing=NOTHING)
    actions = validated(AgreedAction, "action", store.current_records("action"), nothing=NOTHING)
    wanted = {p.id for p in people}
    if since is not None:
        wanted &= _changed_people(store, since, concerns, visits, actions)

    held = {p.id for p in people}
    concern_of = {c.id: c.person_id for c in concerns if c.person_id in held}
    by_person: dict[str, list[Concern]] = defaultdict(list)
    for concern in concerns:
        if concern.person_id in held:
            by_person[concern.person_id].append(concern)
    visits_of: dict[str, list[Visit]] = defaultdict(list)
    actions_of: dict[str, list[AgreedAction]] = defaultdict(list)
    left_out = len(concerns) - len(concern_of)
    # A visit or action is placed by its concern, and must agree with it on the person.
    for visit in visits:
        if concern_of.get(visit.concern_id) == visit.person_id:
            visits_of[visit.person_id].append(visit)
        else:
            left_out += 1
    for action in actions:
        if concern_of.get(action.concern_id) == action.person_id:
            actions_of[action.person_id].append(action)
        else:
            left_out += 1

    chosen = [
        PersonRecords(
            person=person,
            concerns=tuple(sorted(by_person[person.id], key=lambda c: (c.raised_on, c.id))),
            visits=tuple(sorted(visits_of[person.id], key=_visit_order)),
            actions=tuple(sorted(actions_of[person.id], key=lambda a: a.id)),
        )
        for person in people
        if person.id in wanted
    ]
    return Export(people=tuple(chosen), left_out=left_out)
