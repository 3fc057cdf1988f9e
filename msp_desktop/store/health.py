"""Health checks of an open workspace (S7): cipher pages, structure, audit chain.

``msp check`` and, later, every export run these first; any problem blocks export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from msp_desktop.store import audit
from msp_desktop.store.connection import (
    DatabaseErrors,
    cipher_integrity_problems,
    integrity_problems,
)
from msp_desktop.store.database import Database


@dataclass(frozen=True)
class HealthReport:
    """What was checked and every problem found, as plain sentences."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when no check found a problem."""
        return not self.problems


def _finalised_content_problems(db: Database) -> list[str]:
    """A finalised revision must still hash to what its finalise audit entry recorded (or,
    for a colleague's revision brought by an office pack, its ``receive`` entry)."""
    problems: list[str] = []
    recorded = {
        (e.entity_id, e.revision): e.detail.get("content_sha256")
        for e in audit.entries(db)
        if e.entity == "visit" and e.action in ("finalise", "receive")
    }
    rows = db.all(
        "SELECT visit_id, revision, data, content_sha256 FROM visit_revisions"
        " WHERE status = 'finalised'"
    )
    for visit_id, revision, data, stored_hash in rows:
        actual = audit.sha256_text(str(data))
        expected = recorded.get((visit_id, revision))
        if expected is None:
            problems.append(
                f"Finalised visit {visit_id} revision {revision} has no finalise audit entry."
            )
        elif actual != expected or stored_hash != expected:
            problems.append(
                f"Finalised visit {visit_id} revision {revision} was changed after it was"
                " finalised."
            )
    return problems


def check_workspace(db: Database, *, encrypted: bool = True) -> HealthReport:
    """Run every check; never raises for a damaged database, reports it instead."""
    report = HealthReport()
    steps: list[tuple[str, Callable[[], list[str]]]] = []
    if encrypted:
        steps.append(("encrypted pages", lambda: cipher_integrity_problems(db.connection)))
    steps += [
        ("database structure", lambda: integrity_problems(db.connection)),
        (
            "links between records",
            lambda: [
                f"A {r[0]} record points at a missing {r[2]} record."
                for r in db.all("PRAGMA foreign_key_check")
            ],
        ),
        ("audit chain", lambda: audit.chain_problems(db)),
        ("finalised records", lambda: _finalised_content_problems(db)),
    ]
    for name, run in steps:
        report.checked.append(name)
        try:
            found = run()
        except DatabaseErrors as exc:
            found = [f"The {name} could not be read ({type(exc).__name__}): the file is damaged."]
        report.problems.extend(found)
    return report
