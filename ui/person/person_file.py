"""What the person page shows, read in one operation on the database worker.

``load_person_file`` runs on the worker thread and returns plain frozen values, so
the GUI thread never calls into the workspace and nothing it holds can change under
it. No Qt here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from msp_desktop.model import Concern, OutcomeAchieved, OutcomeStatus, Person
from msp_desktop.practice import next_visit_due
from msp_desktop.services.actions import PersonActions, person_actions
from msp_desktop.services.contacts import ChronologyEntry, chronology
from msp_desktop.store import VisitRecord, Workspace
from msp_desktop.store.office_versions import OfficeVersion


@dataclass(frozen=True)
class OutcomeStep:
    """One desired outcome as it stood at one visit."""

    visit_date: date | None
    status: OutcomeStatus | None  # None: not reviewed at that visit (a new outcome)
    achieved: OutcomeAchieved | None
    words: str
    draft: bool


@dataclass(frozen=True)
class OutcomeHistory:
    """One desired outcome across a concern's visits, oldest visit first.

    Outcomes carried forward keep their id from visit to visit, so the steps of one
    outcome are gathered by id. ``words`` are the newest words, verbatim.
    """

    id: str
    steps: tuple[OutcomeStep, ...]

    @property
    def words(self) -> str:
        """What the person wants, in their own words as last recorded."""
        return self.steps[-1].words

    @property
    def earlier_words(self) -> list[str]:
        """Words the person used before they changed what they want, oldest first."""
        earlier: list[str] = []
        for step in self.steps[:-1]:
            if step.words != self.words and step.words not in earlier:
                earlier.append(step.words)
        return earlier


@dataclass(frozen=True)
class VisitLine:
    """A visit of a concern as the page lists it."""

    id: str
    visit_date: date | None
    draft: bool
    held: bool = True  # False: a visit that did not happen


@dataclass(frozen=True)
class ConcernStory:
    """One concern with its visits (oldest first) and its outcomes' histories."""

    concern: Concern
    visits: tuple[VisitLine, ...]
    outcomes: tuple[OutcomeHistory, ...]
    visit_due: date | None
    shared: bool = False
    """The case is shared with this laptop to read: its visits are its own worker's."""

    @property
    def is_open(self) -> bool:
        """Whether visits can still be started for this concern."""
        return self.concern.status == "open"

    @property
    def draft_visit_id(self) -> str | None:
        """The newest visit of the concern when it is still a draft (to resume)."""
        if self.visits and self.visits[-1].draft:
            return self.visits[-1].id
        return None


@dataclass(frozen=True)
class PersonFile:
    """Everything the person page shows: details and concerns, newest concern first;
    the actions agreed with the person, and their chronology (newest first)."""

    person: Person
    concerns: tuple[ConcernStory, ...]
    actions: PersonActions = field(default_factory=PersonActions)
    chronology: tuple[ChronologyEntry, ...] = ()
    office_versions: tuple[OfficeVersion, ...] = ()
    """The office's versions of records the worker had changed, kept beside them."""
    shared: bool = False
    """The office shares this person's case with this laptop to read only."""


def in_date_order(records: Iterable[VisitRecord]) -> list[VisitRecord]:
    """Visits oldest first; undated drafts count as the newest (they are being written)."""
    return sorted(
        records,
        key=lambda r: (
            r.visit.visit_date is None,
            r.visit.visit_date or date.max,
            r.info.created_at,
        ),
    )


def outcome_histories(records: Sequence[VisitRecord]) -> tuple[OutcomeHistory, ...]:
    """Each desired outcome's steps over ``records`` (already in date order).

    Outcomes appear in the order they were first expressed.
    """
    steps: dict[str, list[OutcomeStep]] = {}
    for record in records:
        for outcome in record.visit.desired_outcomes:
            steps.setdefault(outcome.id, []).append(
                OutcomeStep(
                    visit_date=record.visit.visit_date,
                    status=outcome.status,
                    achieved=outcome.achieved,
                    words=outcome.words.text,
                    draft=not record.is_final,
                )
            )
    return tuple(OutcomeHistory(id=oid, steps=tuple(s)) for oid, s in steps.items())


def concern_story(concern: Concern, records: Sequence[VisitRecord], today: date) -> ConcernStory:
    """The story of one concern from its visits (any order)."""
    ordered = in_date_order(records)
    # As the caseload works it out (store.people): conversations held, not those that
    # did not happen; the next visit agreed at the latest finalised visit wins.
    held = [
        r.visit.visit_date
        for r in ordered
        if r.visit.visit_date and r.visit.visit_date <= today and r.visit.not_held is None
    ]
    finalised = [
        r.visit
        for r in ordered
        if r.is_final and r.visit.visit_date and r.visit.visit_date <= today
    ]
    agreed = None
    if finalised:
        latest = finalised[-1]
        agreed = latest.next_visit_on or (
            latest.not_held.rearranged_for if latest.not_held else None
        )
    return ConcernStory(
        concern=concern,
        visits=tuple(
            VisitLine(r.visit.id, r.visit.visit_date, not r.is_final, r.visit.not_held is None)
            for r in ordered
        ),
        outcomes=outcome_histories(ordered),
        visit_due=next_visit_due(
            concern.status, concern.raised_on, max(held, default=None), agreed
        ),
    )


def load_person_file(workspace: Workspace, person_id: str, today: date | None = None) -> PersonFile:
    """Read one person's page (runs on the database worker thread)."""
    today = today or date.today()
    person = workspace.people.get(person_id)
    by_concern: dict[str, list[VisitRecord]] = {}
    for summary in workspace.visits.list(person_id):
        by_concern.setdefault(summary.concern_id, []).append(workspace.visits.get(summary.id))
    concerns = workspace.concerns.for_person(person_id)  # newest first
    shared = workspace.sync.is_shared(person_id)
    stories = [concern_story(c, by_concern.get(c.id, []), today) for c in concerns]
    if shared:  # their own worker's to visit: nothing is due from this one
        stories = [replace(story, visit_due=None, shared=True) for story in stories]
    return PersonFile(
        person=person,
        concerns=tuple(stories),
        actions=person_actions(workspace, person_id),
        chronology=tuple(chronology(workspace, person_id)),
        office_versions=tuple(workspace.sync.office_versions(person_id)),
        shared=shared,
    )
