"""The ``msp`` document commands: the person's summary, the office record, the feedback form.

Safety first (PRACTICE.md, "Giving the person a copy"): ``msp summary`` cannot run
without ``--copy``, the recorded answer to "Is it safe for you to keep a copy?", and
"no-copy" records that answer and writes nothing. Every file is checked before any
work (an existing file is never replaced without ``--force``), written atomically and
owner-only, and audited only once it is on disk; if it cannot be written, nothing is
left behind and nothing is audited. The documents are made by
``msp_desktop.store.documents_io`` (shared with the desktop app), which imports the
documents package (reportlab) only when a document is made, so other commands start
quickly.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import cast

from msp_desktop.cli.commands import open_workspace
from msp_desktop.errors import InvalidInput
from msp_desktop.model import SAFETY_QUESTION, CopyChoice, Language, Person
from msp_desktop.store import Workspace, documents_io
from msp_desktop.store.documents_io import LangName, StyleName, write_then_audit

COPY_OPTIONS = ("keep", "no-copy", "trusted-person", "collect-later")
STYLE_OPTIONS = ("plain", "large-print", "easy-read")
LANG_OPTIONS = ("en", "cy")

_STYLE_WORDS = {"plain": "plain English", "large-print": "large print", "easy-read": "easy read"}
_LANG_WORDS = {"en": "English", "cy": "Welsh"}
_GIVEN_WORDS = {
    CopyChoice.KEEP: "for the person to keep",
    CopyChoice.TRUSTED_PERSON: "to be held by someone the person trusts",
    CopyChoice.COLLECT_LATER: "for the person to collect later",
}


def copy_choice(option: str) -> CopyChoice:
    """The stored answer for a ``--copy`` option ("trusted-person" -> TRUSTED_PERSON)."""
    return CopyChoice(option.replace("-", "_"))


def _lang(chosen: str | None, person: Person) -> LangName:
    """``--lang`` if given, else the person's preferred language (English for any other)."""
    if chosen is not None:
        return cast(LangName, chosen)
    return "cy" if person.preferred_language is Language.CY else "en"


def checked_out_path(out: Path | None, force: bool) -> Path:
    """The output file, refused before any work if it cannot or must not be written."""
    if out is None:
        raise InvalidInput("Say where to write the PDF with --out FILE.pdf.")
    path = Path(out)
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name, such as {path / 'copy.pdf'}.")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist; nothing was written.")
    if (path.exists() or path.is_symlink()) and not force:
        raise InvalidInput(
            f"{path} already exists and was left as it is; choose another name, "
            "or add --force to replace it."
        )
    return path


def _sha256(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def _service_note(ws: Workspace) -> str | None:
    if ws.service().is_set:
        return None
    return (
        "Note: the team's details on the copy are the defaults; set them with "
        "msp service set --name NAME --phone PHONE"
    )


def summary(args: argparse.Namespace) -> int:
    """``msp summary VISIT_ID --copy ... --style ... [--lang ...] [--neutral-title] --out FILE``."""
    choice = copy_choice(args.copy)
    out: Path | None = None
    if choice.makes_document:
        if args.style is None:
            raise InvalidInput(
                "Choose the format of the copy with --style plain, large-print or easy-read."
            )
        out = checked_out_path(args.out, args.force)
    with open_workspace(args) as ws:
        record = ws.visits.get(args.id)
        lang = _lang(args.lang, ws.people.get(record.visit.person_id))
        if out is None:
            ws.copies.record(args.id, choice, None, lang, False, None)
            print(
                f'Recorded the answer to "{SAFETY_QUESTION}": {choice.label}. No file was written.'
            )
            return 0

        made = documents_io.summary_pdf(
            ws,
            args.id,
            style=cast(StyleName, args.style),
            lang=lang,
            neutral_title=args.neutral_title,
        )
        digest = _sha256(made.pdf)

        def audit() -> None:
            with ws.db.transaction():
                ws.copies.record(
                    args.id,
                    choice,
                    args.style,
                    lang,
                    args.neutral_title,
                    digest,
                    revision=made.revision,
                )
                ws.audit_document(
                    "save_pdf",
                    "visit",
                    args.id,
                    {"document": "summary", "style": args.style, "lang": lang, "sha256": digest},
                    revision=made.revision,
                )

        write_then_audit(out, made.pdf, audit)
        note = _service_note(ws)
    print(
        f"Wrote {out}: the person's summary in {_STYLE_WORDS[args.style]}, "
        f"{_LANG_WORDS[lang]}, {_GIVEN_WORDS[choice]}. The file is not encrypted."
    )
    if note:
        print(note)
    return 0


def record(args: argparse.Namespace) -> int:
    """``msp record VISIT_ID --out FILE``: the office record of the visit's concern."""
    out = checked_out_path(args.out, args.force)
    with open_workspace(args) as ws:
        made = documents_io.office_record_pdf(ws, args.id)
        digest = _sha256(made.pdf)
        write_then_audit(
            out,
            made.pdf,
            lambda: ws.audit_document(
                "office_record",
                made.entity,
                made.entity_id,
                {"from_visit": args.id, "visits": made.visits, "sha256": digest},
            ),
        )
    visits = f"{made.visits} visit" + ("" if made.visits == 1 else "s")
    print(
        f"Wrote {out}: the office record of the concern ({visits}), with "
        "third-party and internal information marked. The file is not encrypted."
    )
    return 0


def feedback_form(args: argparse.Namespace) -> int:
    """``msp feedback-form CONCERN_ID [--lang ...] --out FILE``."""
    out = checked_out_path(args.out, args.force)
    with open_workspace(args) as ws:
        concern = ws.concerns.get(args.id)
        lang = _lang(args.lang, ws.people.get(concern.person_id))
        made = documents_io.feedback_form_pdf(ws, args.id, lang=lang)
        digest = _sha256(made.pdf)
        write_then_audit(
            out,
            made.pdf,
            lambda: ws.audit_document(
                "feedback_form", made.entity, made.entity_id, {"lang": lang, "sha256": digest}
            ),
        )
        note = _service_note(ws)
    print(f"Wrote {out}: the feedback form in {_LANG_WORDS[lang]}.")
    if note:
        print(note)
    return 0


def service_set(args: argparse.Namespace) -> int:
    """``msp service set --name NAME --phone PHONE [--email EMAIL]``."""
    with open_workspace(args) as ws:
        info = ws.set_service(args.name, args.phone, args.email)
    email = f", email {info.email}" if info.email else ""
    print(f"The person's copies will name {info.name}, phone {info.phone}{email}.")
    return 0


def service_show(args: argparse.Namespace) -> int:
    """``msp service show``."""
    with open_workspace(args) as ws:
        info = ws.service()
    email = f", email {info.email}" if info.email else ""
    suffix = "" if info.is_set else " (the defaults: not set yet)"
    print(f"{info.name}, phone {info.phone}{email}{suffix}")
    return 0
