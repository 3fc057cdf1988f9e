"""The ``msp`` document commands: the person's summary, the office record, the feedback form.

Safety first (docs/practice.md, "Giving the person a copy"): ``msp summary`` cannot run
without ``--copy``, the recorded answer to "Is it safe for you to keep a copy?", and
"no-copy" records that answer and writes nothing. Every file is checked before any
work (an existing file is never replaced without ``--force``), written atomically and
owner-only, and audited only once it is on disk; if it cannot be written, nothing is
left behind and nothing is audited. The documents are made and saved by
``msp_desktop.services.documents`` (shared with the desktop app), which imports the
documents package (reportlab) only when a document is made, so other commands start
quickly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from msp_desktop.cli.unlock import open_workspace
from msp_desktop.errors import InvalidInput
from msp_desktop.model import SAFETY_QUESTION, CopyChoice
from msp_desktop.services import documents
from msp_desktop.services.documents import LangName, StyleName

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


def summary(args: argparse.Namespace) -> int:
    """``msp summary VISIT_ID --copy ... --style ... [--lang ...] [--neutral-title] --out FILE``."""
    choice = copy_choice(args.copy)
    out: Path | None = None
    if choice.makes_document:
        out = checked_out_path(args.out, args.force)
    with open_workspace(args) as ws:
        record = ws.visits.get(args.id)
        person = ws.people.get(record.visit.person_id)
        lang: LangName = args.lang or documents.language_of(person)
        # The format the person asked for, unless the worker chose another.
        style: StyleName = args.style or documents.preferred_style(person)
        if out is None:
            ws.copies.record(args.id, choice, None, lang, False, None)
            print(
                f'Recorded the answer to "{SAFETY_QUESTION}": {choice.label}. No file was written.'
            )
            return 0
        documents.save_copy(
            ws,
            args.id,
            choice,
            out,
            style=style,
            lang=lang,
            neutral_title=args.neutral_title,
        )
    print(
        f"Wrote {out}: the person's summary in {_STYLE_WORDS[style]}, "
        f"{_LANG_WORDS[lang]}, {_GIVEN_WORDS[choice]}. The file is not encrypted."
    )
    return 0


def record(args: argparse.Namespace) -> int:
    """``msp record VISIT_ID --out FILE``: the office record of the visit's concern."""
    out = checked_out_path(args.out, args.force)
    with open_workspace(args) as ws:
        made = documents.office_record_pdf(ws, args.id)
        documents.save_document(ws, made, out, {"from_visit": args.id})
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
        made = documents.concern_document(ws, "feedback_form", args.id, lang=args.lang)
        documents.save_document(ws, made, out)
        note = documents.team_details_note(ws)
    print(f"Wrote {out}: the feedback form in {_LANG_WORDS[str(made.detail['lang'])]}.")
    if note:
        print(note)
    return 0


def service_set(args: argparse.Namespace) -> int:
    """``msp service set --name NAME --phone PHONE [--email EMAIL] [--return-address A]``."""
    with open_workspace(args) as ws:
        info = ws.set_service(args.name, args.phone, args.email, args.return_address)
    email = f", email {info.email}" if info.email else ""
    print(f"The person's copies will name {info.name}, phone {info.phone}{email}.")
    if info.return_address:
        print(f"Feedback forms will be posted back to: {info.return_address}.")
    else:
        print("No return address: feedback forms cannot be printed until one is set.")
    return 0


def service_show(args: argparse.Namespace) -> int:
    """``msp service show``."""
    with open_workspace(args) as ws:
        info = ws.service()
    email = f", email {info.email}" if info.email else ""
    suffix = "" if info.is_set else " (the defaults: not set yet)"
    print(f"{info.name}, phone {info.phone}{email}{suffix}")
    print(f"Feedback forms are posted back to: {info.return_address or '(not set)'}")
    return 0
