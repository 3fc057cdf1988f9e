"""Finding the messages in the code, with Babel's extractor (a development dependency).

Shared by the translation checks (``test_*.py`` here) and ``make translations``
(``update.py``), so both see the same messages: the calls named in ``KEYWORDS``, in
``msp_desktop`` and ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("msp_desktop", "ui")
CATALOGUE = ROOT / "resources" / "locale" / "cy" / "LC_MESSAGES" / "msp.po"
TEMPLATE = ROOT / "build" / "locale" / "msp.pot"

# Babel's keyword specs: which positional arguments are the message (and its plural).
KEYWORDS: dict[str, tuple[int, ...] | None] = {"tr": None, "tr_n": (1, 2), "N_": None}
"""tr(text), tr_n(singular, plural, count) and N_(text), as functions or methods."""

COMMENT_TAG = "Translators:"
"""A code comment starting with this, just above a call, reaches the translator."""

PERSON_DOCUMENTS = (
    "msp_desktop/documents/summary.py",
    "msp_desktop/documents/summary_sections.py",
    "msp_desktop/documents/bilingual.py",
    "msp_desktop/documents/feedback.py",
    "msp_desktop/documents/dates.py",
)
"""The modules that make the person's documents: every message in them needs Welsh."""


@dataclass(frozen=True, slots=True)
class Found:
    """One message as the code has it, with every file it is used in."""

    msgid: str
    plural: str | None
    context: str | None
    files: tuple[str, ...]
    comments: tuple[str, ...]


def _calls() -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    for source in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=(COMMENT_TAG,),
            strip_comment_tags=True,
        ):
            # Babel gives the OS's separators; files are named with "/" everywhere.
            yield f"{source}/{Path(filename).as_posix()}", line, message, comments, context


def extract() -> dict[tuple[str | None, str], Found]:
    """Every message in the code, keyed by (context, msgid), in the order first met."""
    found: dict[tuple[str | None, str], Found] = {}
    for path, _line, message, comments, context in _calls():
        msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
        key = (context, msgid)
        before = found.get(key)
        files = before.files if before else ()
        found[key] = Found(
            msgid,
            plural or (before.plural if before else None),
            context,
            files if path in files else (*files, path),
            (*(before.comments if before else ()), *comments),
        )
    return found


def document_messages() -> list[Found]:
    """The messages the person's documents print (from ``PERSON_DOCUMENTS``)."""
    return [found for found in extract().values() if set(found.files) & set(PERSON_DOCUMENTS)]


def template() -> Catalog:
    """The messages as a Babel catalogue template (the ``.pot``), files as locations."""
    catalogue = Catalog(project="MSP Desktop", fuzzy=False)
    for found in extract().values():
        message = found.msgid if found.plural is None else (found.msgid, found.plural)
        catalogue.add(
            message,
            locations=[(path, None) for path in found.files],
            auto_comments=found.comments,
            context=found.context,
        )
    return catalogue
