"""The person's copy: the safety decision, and the audit of every document made.

Before any copy of a summary is produced the worker asks "Is it safe for you to keep
a copy?" (docs/practice.md, "Giving the person a copy"). The answer, the format and the
language are kept for the finalised revision the copy was made from, in
``copies_given`` (never in the revision itself, which is read-only), with an audit
entry in the same transaction.
Audit details hold choices and formats only: no names, no words, no file paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from msp_desktop.errors import InvalidInput, KnownError, RecordNotFound
from msp_desktop.exit_codes import ExitCode
from msp_desktop.model import CopyChoice, new_id
from msp_desktop.store import audit
from msp_desktop.store.clock import utc_now
from msp_desktop.store.database import Database
from msp_desktop.store.visits import current_revision

__all__ = [
    "COPY_LANGS",
    "COPY_STYLES",
    "DOCUMENT_ACTIONS",
    "CopiesRepository",
    "CopyGiven",
    "VisitNotFinalised",
    "audit_document",
]

COPY_STYLES: Final = ("plain", "large-print", "easy-read")
"""The formats of the person's summary (the documents package's style names)."""

COPY_LANGS: Final = ("en", "cy")
"""The languages a copy can be given in."""

DOCUMENT_ACTIONS: Final = frozenset({"print", "save_pdf", "office_record", "feedback_form"})
"""Audit actions for documents made from the workspace."""

_DOCUMENT_ENTITIES: Final = {"visit": "visits", "concern": "concerns"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


class VisitNotFinalised(KnownError):
    """The person is only given what was agreed and finalised, never a draft."""

    exit_code = ExitCode.NOT_IN_THIS_STATE


@dataclass(frozen=True)
class CopyGiven:
    """One answer to the safety question, for one finalised revision of a visit."""

    id: str
    visit_id: str
    revision: int
    choice: CopyChoice
    style: str | None
    lang: str
    neutral_title: bool
    given_at: str
    given_by: str
    document_sha256: str | None


def _scalar_detail(detail: dict[str, object]) -> dict[str, object]:
    for key, value in detail.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise InvalidInput(f"Audit detail {key!r} must be a plain value.")
    return dict(detail)


def audit_document(
    db: Database,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    detail: dict[str, object] | None = None,
    *,
    revision: int | None = None,
) -> audit.AuditEntry:
    """Audit a document made from a visit or a concern (one transaction, or the caller's).

    ``action`` is one of ``DOCUMENT_ACTIONS``; ``detail`` holds plain values only
    (formats, counts, hashes), never personal data.
    """
    if action not in DOCUMENT_ACTIONS:
        raise InvalidInput(f"{action!r} is not a document action.")
    table = _DOCUMENT_ENTITIES.get(entity)
    if table is None:
        raise InvalidInput(f"Documents are made from a visit or a concern, not a {entity!r}.")
    clean = _scalar_detail(detail or {})
    with db.transaction():
        if not db.scalar(f"SELECT 1 FROM {table} WHERE id = ?", (entity_id,)):  # noqa: S608
            raise RecordNotFound(f"No {entity} with id {entity_id} exists.")
        return audit.append(
            db,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            revision=revision,
            detail=clean,
        )


def _copy(row: tuple[object, ...]) -> CopyGiven:
    return CopyGiven(
        id=str(row[0]),
        visit_id=str(row[1]),
        revision=int(str(row[2])),
        choice=CopyChoice(str(row[3])),
        style=row[4] if isinstance(row[4], str) else None,
        lang=str(row[5]),
        neutral_title=bool(row[6]),
        given_at=str(row[7]),
        given_by=str(row[8]),
        document_sha256=row[9] if isinstance(row[9], str) else None,
    )


class CopiesRepository:
    """Records the answer to the safety question; never changes a visit revision."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor

    def record(
        self,
        visit_id: str,
        choice: CopyChoice | str,
        style: str | None,
        lang: str,
        neutral_title: bool = False,
        document_sha256: str | None = None,
        *,
        revision: int | None = None,
    ) -> CopyGiven:
        """Keep the answer for the visit's current revision, which must be finalised.

        ``style`` is the format given ("plain", "large-print", "easy-read") and must be
        None for "no copy", as must ``document_sha256``. One transaction with its
        "copy_decision" audit entry (choice, style and language only). Pass the
        ``revision`` the document was made from to be sure it is still the current one.
        """
        try:
            choice = CopyChoice(choice)
        except ValueError:
            raise InvalidInput(f"{choice!r} is not an answer to the safety question.") from None
        if choice.makes_document:
            if style not in COPY_STYLES:
                raise InvalidInput(f"Choose the format of the copy: {', '.join(COPY_STYLES)}.")
        elif style is not None or document_sha256 is not None:
            raise InvalidInput("With no copy there is no format and no document.")
        if lang not in COPY_LANGS:
            raise InvalidInput(f"Choose the language of the copy: {', '.join(COPY_LANGS)}.")
        if document_sha256 is not None and not _SHA256.fullmatch(document_sha256):
            raise InvalidInput("The document's SHA-256 must be 64 lower-case hex digits.")
        now = utc_now()
        with self._db.transaction():
            current, status = current_revision(self._db, visit_id)
            if revision is not None and revision != current:
                raise InvalidInput(
                    f"Visit {visit_id} changed while the copy was being made "
                    f"(revision {revision}, now {current}); make the copy again."
                )
            if status != "finalised":
                raise VisitNotFinalised(
                    f"Visit {visit_id} (revision {current}) is still a draft. The person is "
                    "given what was agreed: finalise the visit first."
                )
            given = CopyGiven(
                id=new_id(),
                visit_id=visit_id,
                revision=current,
                choice=choice,
                style=style,
                lang=lang,
                neutral_title=bool(neutral_title),
                given_at=now,
                given_by=self._actor,
                document_sha256=document_sha256,
            )
            self._db.execute(
                "INSERT INTO copies_given (id, visit_id, revision, choice, style, lang,"
                " neutral_title, given_at, given_by, document_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    given.id,
                    given.visit_id,
                    given.revision,
                    str(given.choice),
                    given.style,
                    given.lang,
                    int(given.neutral_title),
                    given.given_at,
                    given.given_by,
                    given.document_sha256,
                ),
            )
            audit.append(
                self._db,
                actor=self._actor,
                action="copy_decision",
                entity="visit",
                entity_id=visit_id,
                revision=current,
                detail={
                    "choice": str(choice),
                    "style": style,
                    "lang": lang,
                    "neutral_title": given.neutral_title,
                },
            )
        return given

    def for_visit(self, visit_id: str) -> list[CopyGiven]:
        """Every answer recorded for a visit, oldest first."""
        rows = self._db.all(
            "SELECT id, visit_id, revision, choice, style, lang, neutral_title, given_at,"
            " given_by, document_sha256 FROM copies_given WHERE visit_id = ?"
            " ORDER BY given_at, rowid",
            (visit_id,),
        )
        return [_copy(r) for r in rows]
