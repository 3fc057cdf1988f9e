"""Visits and their revisions.

A visit starts as a draft revision that saves in place on every change. Finalising
runs the practice checks and freezes that revision (the database refuses later
edits too). An amendment is a new draft revision, with the reason, author and time,
that can be finalised in turn; earlier revisions are kept unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from msp_desktop.errors import InvalidInput, KnownError, RecordNotFound, RecordReadOnly
from msp_desktop.exit_codes import ExitCode
from msp_desktop.guide import DEFAULT_GUIDE, GuideError, load_guide
from msp_desktop.guide.conditions import evaluate, without_hidden
from msp_desktop.guide.findings import with_step_named
from msp_desktop.model import Concern, Stage, SupportToDecide, UndueInfluence, Visit
from msp_desktop.practice import Finding, finalise_blockers
from msp_desktop.store import audit
from msp_desktop.store.actions import ActionsRepository
from msp_desktop.store.changes import Changes
from msp_desktop.store.clock import utc_now
from msp_desktop.store.concerns import ConcernsRepository, closed_concern
from msp_desktop.store.database import Database

DRAFT = "draft"
FINALISED = "finalised"


class CannotFinalise(KnownError):
    """The visit is not complete enough to finalise; ``findings`` say what is missing."""

    exit_code = ExitCode.NOT_READY_TO_FINALISE

    def __init__(self, findings: list[Finding]) -> None:
        lines = " ".join(f.message for f in findings)
        super().__init__(f"This visit cannot be finalised yet. {lines}")
        self.findings = findings


@dataclass(frozen=True)
class RevisionInfo:
    """Who made a revision of a visit, when, why, and whether it is final."""

    revision: int
    status: str
    reason: str | None
    author: str
    created_at: str
    saved_at: str
    finalised_at: str | None
    finalised_by: str | None
    content_sha256: str | None


@dataclass(frozen=True)
class VisitRecord:
    """A visit's content at one revision, with that revision's details."""

    visit: Visit
    info: RevisionInfo

    @property
    def is_final(self) -> bool:
        """True when this revision is finalised and so read-only."""
        return self.info.status == FINALISED


@dataclass(frozen=True)
class VisitSummary:
    """One row of a visits list."""

    id: str
    person_id: str
    person_name: str
    concern_id: str
    visit_date: date | None
    revision: int
    status: str


_REVISION_COLUMNS = (
    "revision, status, reason, author, created_at, saved_at, finalised_at, finalised_by,"
    " content_sha256"
)


def current_revision(db: Database, visit_id: str) -> tuple[int, str]:
    """A visit's current revision number and its status ("draft" or "finalised")."""
    row = db.one(
        "SELECT v.current_revision, r.status FROM visits v JOIN visit_revisions r"
        " ON r.visit_id = v.id AND r.revision = v.current_revision WHERE v.id = ?",
        (visit_id,),
    )
    if row is None:
        raise RecordNotFound(f"No visit with id {visit_id} exists.")
    return int(row[0]), str(row[1])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _info(row: tuple[object, ...]) -> RevisionInfo:
    return RevisionInfo(
        revision=int(str(row[0])),
        status=str(row[1]),
        reason=row[2] if isinstance(row[2], str) else None,
        author=str(row[3]),
        created_at=str(row[4]),
        saved_at=str(row[5]),
        finalised_at=row[6] if isinstance(row[6], str) else None,
        finalised_by=row[7] if isinstance(row[7], str) else None,
        content_sha256=row[8] if isinstance(row[8], str) else None,
    )


class VisitsRepository:
    """Reads and writes visits; one transaction per operation, audited."""

    def __init__(
        self,
        db: Database,
        actor: str,
        concerns: ConcernsRepository,
        actions: ActionsRepository,
    ) -> None:
        self._db = db
        self._actor = actor
        self._concerns = concerns
        self._actions = actions

    def _changes(self, visit: Visit, now: str) -> Changes:
        return Changes(
            people=frozenset({visit.person_id}),
            concerns=frozenset({visit.concern_id}),
            visits=frozenset({visit.id}),
            saved_at=now,
        )

    def start(self, visit: Visit) -> Changes:
        """Record a new visit as revision 1, a draft."""
        now = utc_now()
        with self._db.transaction():
            concern = self._concerns.get(visit.concern_id)
            if concern.is_closed:
                raise closed_concern(concern)
            if concern.person_id != visit.person_id:
                raise InvalidInput("The visit's concern belongs to another person.")
            if self._db.scalar("SELECT 1 FROM visits WHERE id = ?", (visit.id,)):
                raise InvalidInput(f"A visit with id {visit.id} already exists.")
            self._db.execute(
                "INSERT INTO visits (id, concern_id, person_id, visit_date, current_revision,"
                " created_at) VALUES (?, ?, ?, ?, 1, ?)",
                (visit.id, visit.concern_id, visit.person_id, _iso(visit.visit_date), now),
            )
            self._db.execute(
                "INSERT INTO visit_revisions (visit_id, revision, status, data, author,"
                " created_at, saved_at) VALUES (?, 1, 'draft', ?, ?, ?, ?)",
                (visit.id, visit.model_dump_json(), self._actor, now, now),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="create",
                entity="visit",
                entity_id=visit.id,
                revision=1,
            )
        return self._changes(visit, now)

    def _current(self, visit_id: str) -> tuple[int, str]:
        return current_revision(self._db, visit_id)

    def begin(self, concern_id: str, guide_ref: tuple[str, str], on: date) -> Visit:
        """Start the next visit of a concern, with what was agreed brought forward.

        The last finalised visit held for the concern gives the person's outcomes (same
        ids and words; their review status and rating start unanswered), the SG4a answer
        that goes with them, and the plan: risks, the safety plan, advocacy and the
        capacity decision, the undue-influence plan and consent to share, each part
        listed in ``plan_carried`` for review. Every open action of the concern is
        listed for review too, its status unanswered. Nothing is answered for the worker.
        """
        with self._db.transaction():
            concern = self._concerns.get(concern_id)
            if concern.is_closed:
                raise closed_concern(concern)
            previous = self._last_held(concern_id)
            carried = [action.as_carried() for action in self._actions.open_for_concern(concern_id)]
            visit = Visit(
                concern_id=concern.id,
                person_id=concern.person_id,
                visit_date=on,
                stage=concern.stage,
                guide_id=guide_ref[0],
                guide_version=guide_ref[1],
                actions=carried,
                **(_brought_forward(previous) if previous else {}),
            )
            self.start(visit)
        return visit

    def _last_held(self, concern_id: str) -> Visit | None:
        """The newest finalised visit of the concern that took place."""
        rows = self._db.all(
            "SELECT v.id FROM visits v WHERE v.concern_id = ? AND v.held = 1 AND EXISTS ("
            "  SELECT 1 FROM visit_revisions r WHERE r.visit_id = v.id"
            "  AND r.status = 'finalised')"
            " ORDER BY v.visit_date IS NULL, v.visit_date DESC, v.created_at DESC",
            (concern_id,),
        )
        for (visit_id,) in rows:
            revision = self._db.scalar(
                "SELECT max(revision) FROM visit_revisions WHERE visit_id = ?"
                " AND status = 'finalised'",
                (visit_id,),
            )
            return self.get(str(visit_id), int(revision)).visit
        return None

    def save_draft(self, visit: Visit, concern: Concern | None = None) -> Changes:
        """Save the current draft in place, with the concern's closing answers if given.

        A finalised visit is refused. Record and concern commit together or not at all.
        """
        now = utc_now()
        with self._db.transaction():
            stored_concern = self._concerns.get(visit.concern_id)
            if stored_concern.is_closed:
                raise closed_concern(stored_concern)
            if concern is not None and concern != self._concerns.get(concern.id):
                if concern.id != visit.concern_id:
                    raise InvalidInput("A visit can only change its own concern.")
                self._concerns.update(concern)
            revision, status = self._current(visit.id)
            if status != DRAFT:
                raise RecordReadOnly(
                    "This visit has been finalised and cannot be changed. "
                    "Use Amend, with a reason, to make a new revision."
                )
            stored = self._db.one(
                "SELECT concern_id, person_id FROM visits WHERE id = ?", (visit.id,)
            )
            if stored != (visit.concern_id, visit.person_id):
                raise InvalidInput("A visit cannot be moved to another concern or person.")
            self._db.execute(
                "UPDATE visit_revisions SET data = ?, saved_at = ? WHERE visit_id = ?"
                " AND revision = ?",
                (visit.model_dump_json(), now, visit.id, revision),
            )
            self._db.execute(
                "UPDATE visits SET visit_date = ? WHERE id = ?",
                (_iso(visit.visit_date), visit.id),
            )
        return self._changes(visit, now)

    def finalise(self, visit_id: str) -> Changes:
        """Run the practice checks and, if none block, freeze the current revision.

        In the same transaction the visit's agreed actions are kept as records of their
        own, and a beginning visit held moves its concern on to the middle stage.
        """
        now = utc_now()
        with self._db.transaction():
            record = self.get(visit_id)
            if record.is_final:
                raise RecordReadOnly("This visit revision is already finalised.")
            visit = record.visit
            concern = self._concerns.get(visit.concern_id)
            if concern.is_closed:
                raise closed_concern(concern)
            stage = visit.stage or concern.stage
            visit, left_out, findings = _as_finalised(visit, stage, concern)
            blockers = [finding for finding in findings if finding.blocks_finalising]
            if blockers:
                raise CannotFinalise(blockers)
            if left_out:
                # Answers the guide hides are kept while the visit is a draft, never in
                # what is finalised, sent and printed.
                self._db.execute(
                    "UPDATE visit_revisions SET data = ? WHERE visit_id = ? AND revision = ?",
                    (visit.model_dump_json(), visit_id, record.info.revision),
                )
            data = self._db.scalar(
                "SELECT data FROM visit_revisions WHERE visit_id = ? AND revision = ?",
                (visit_id, record.info.revision),
            )
            digest = audit.sha256_text(str(data))
            self._db.execute(
                "UPDATE visit_revisions SET status = 'finalised', finalised_at = ?,"
                " finalised_by = ?, content_sha256 = ? WHERE visit_id = ? AND revision = ?",
                (now, self._actor, digest, visit_id, record.info.revision),
            )
            next_visit = visit.next_visit_on or (
                visit.not_held.rearranged_for if visit.not_held else None
            )
            self._db.execute(
                "UPDATE visits SET next_visit_on = ?, held = ? WHERE id = ?",
                (_iso(next_visit), 0 if visit.not_held else 1, visit_id),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="finalise",
                entity="visit",
                entity_id=visit_id,
                revision=record.info.revision,
                detail={"content_sha256": digest, "left_out": left_out}
                if left_out
                else {"content_sha256": digest},
            )
            actions = self._actions.keep_from_visit(visit)
            if (
                visit.not_held is None
                and stage is Stage.BEGINNING
                and concern.stage is Stage.BEGINNING
            ):
                self._concerns.set_stage(concern.id, Stage.MIDDLE, because="visit_finalised")
        changes = self._changes(visit, now)
        return Changes(
            people=changes.people,
            concerns=changes.concerns,
            visits=changes.visits,
            actions=actions,
            saved_at=now,
        )

    def amend(self, visit_id: str, reason: str) -> Changes:
        """Open a new draft revision of a finalised visit, giving the reason."""
        reason = reason.strip()
        if not reason:
            raise InvalidInput("Say why the finalised visit is being amended.")
        now = utc_now()
        with self._db.transaction():
            record = self.get(visit_id)
            if not record.is_final:
                raise InvalidInput(
                    "This visit is still a draft: change it directly, no amendment is needed."
                )
            new_revision = record.info.revision + 1
            self._db.execute(
                "INSERT INTO visit_revisions (visit_id, revision, status, data, reason, author,"
                " created_at, saved_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?)",
                (
                    visit_id,
                    new_revision,
                    record.visit.model_dump_json(),
                    reason,
                    self._actor,
                    now,
                    now,
                ),
            )
            self._db.execute(
                "UPDATE visits SET current_revision = ? WHERE id = ?", (new_revision, visit_id)
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="amend",
                entity="visit",
                entity_id=visit_id,
                revision=new_revision,
                detail={"reason": reason, "from_revision": record.info.revision},
            )
        return self._changes(record.visit, now)

    def get(self, visit_id: str, revision: int | None = None) -> VisitRecord:
        """A visit at its current revision, or at ``revision``."""
        if revision is None:
            revision, _ = self._current(visit_id)
        row = self._db.one(
            f"SELECT {_REVISION_COLUMNS}, data FROM visit_revisions"
            " WHERE visit_id = ? AND revision = ?",
            (visit_id, revision),
        )
        if row is None:
            raise RecordNotFound(f"Visit {visit_id} has no revision {revision}.")
        return VisitRecord(visit=Visit.model_validate_json(row[9]), info=_info(row[:9]))

    def revisions(self, visit_id: str) -> list[RevisionInfo]:
        """Every revision of a visit, oldest first."""
        rows = self._db.all(
            f"SELECT {_REVISION_COLUMNS} FROM visit_revisions WHERE visit_id = ? ORDER BY revision",
            (visit_id,),
        )
        if not rows:
            raise RecordNotFound(f"No visit with id {visit_id} exists.")
        return [_info(r) for r in rows]

    def list(
        self, person_id: str | None = None, limit: int = 1000, *, concern_id: str | None = None
    ) -> list[VisitSummary]:
        """Visits, newest first, optionally for one person and/or one concern."""
        sql = (
            "SELECT v.id, v.person_id, p.name, v.concern_id, v.visit_date, v.current_revision,"
            " r.status FROM visits v JOIN people p ON p.id = v.person_id"
            " JOIN visit_revisions r ON r.visit_id = v.id AND r.revision = v.current_revision"
        )
        where: list[str] = []
        params: tuple[object, ...] = ()
        if person_id is not None:
            where.append("v.person_id = ?")
            params += (person_id,)
        if concern_id is not None:
            where.append("v.concern_id = ?")
            params += (concern_id,)
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._db.all(
            sql + " ORDER BY v.visit_date IS NULL, v.visit_date DESC, v.id LIMIT ?",
            (*params, limit),
        )
        return [
            VisitSummary(
                id=str(r[0]),
                person_id=str(r[1]),
                person_name=str(r[2]),
                concern_id=str(r[3]),
                visit_date=date.fromisoformat(r[4]) if isinstance(r[4], str) else None,
                revision=int(r[5]),
                status=str(r[6]),
            )
            for r in rows
        ]

    def count(self) -> int:
        """How many visits the workspace holds."""
        return int(self._db.scalar("SELECT count(*) FROM visits"))


def _as_finalised(
    visit: Visit, stage: Stage, concern: Concern
) -> tuple[Visit, list[str], list[Finding]]:
    """The visit as its guide would finalise it (hidden answers left out), the paths of
    the answers left out, and what stops finalising: the practice rules' blockers (named
    by the guide's steps) and the guide's own findings (``required_if`` and ``check``).

    A visit held with a guide this app does not ship (from a newer app, say) is checked
    by the practice rules alone and kept whole: nothing is left out on a guess.
    """
    try:
        guide = load_guide(visit.guide_id or DEFAULT_GUIDE)
    except GuideError:
        return visit, [], finalise_blockers(visit, stage, concern=concern)
    state = evaluate(guide, stage, visit, concern)
    left_out = [answer.path for answer in state.hidden_answers]
    finalised = without_hidden(visit, state)
    # The practice rules see the visit as it will be kept, and name the guide's steps.
    practice = finalise_blockers(finalised, stage, concern=concern)
    findings = [with_step_named(guide, stage, finding) for finding in practice]
    return finalised, left_out, [*findings, *state.findings]


def _brought_forward(previous: Visit) -> dict[str, object]:
    """What a new visit takes from the last one held: the outcomes (unreviewed, unrated),
    the SG4a answer given with them, and each part of the plan that had content."""
    carried: dict[str, object] = {
        "desired_outcomes": [
            outcome.revised(status=None, achieved=None, progress=None, carried=True)
            for outcome in previous.desired_outcomes
        ],
        "sg4a_asked": previous.sg4a_asked,
    }
    parts: list[str] = []
    if previous.risks:
        carried["risks"] = list(previous.risks)
        parts.append("risks")
    if previous.safety_plan is not None:
        carried["safety_plan"] = previous.safety_plan
        parts.append("safety_plan")
    deciding = previous.support_to_decide
    if deciding.advocates:
        parts.append("advocacy")
    if deciding.decision is not None or deciding.capacity is not None:
        parts.append("capacity")
    if deciding != SupportToDecide():
        carried["support_to_decide"] = deciding
    if previous.undue_influence.planned_support is not None:
        # The plan goes forward; this visit's own observations start unanswered.
        carried["undue_influence"] = UndueInfluence(
            planned_support=previous.undue_influence.planned_support
        )
        parts.append("undue_influence")
    if previous.consent_to_share is not None:
        carried["consent_to_share"] = previous.consent_to_share
        parts.append("consent")
    carried["plan_carried"] = parts
    return carried
