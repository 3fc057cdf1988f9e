"""How sure we are of each Welsh string, and the list a Welsh translator checks.

Every Welsh translation carries a translator comment with its confidence grade and
basis, e.g. ``# grade C: row 33``. Grades follow ``docs/welsh.md``: **A/B** wording is
attested (found in use in an authoritative or bilingual public source), **C** was
composed from attested parts, **D** is unverified; "row n" cites its glossary table.

A C/D string of the documents is printed (every person-facing string must be in
Welsh), the four experience questions and the answer scale too: the Welsh feedback form
is Welsh throughout, and the office counts the answers that come back on it apart (see
``model.feedback_code``). A string flagged ``fuzzy`` in the catalogue is a proposal not
yet in use, and is listed as not printed.

A document for the person that uses any Welsh string below grade B (``unattested``)
prints the English beside the Welsh and says so: a Welsh speaker can always check what
an unverified sentence means, and the person who can read only Welsh is not handed
English. The feedback form is the one exception: it is Welsh only, because its answers
are counted, and the office counts those from the Welsh form apart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from msp_desktop.i18n.po import PoCatalogue, PoEntry
from msp_desktop.i18n.translator import SOURCE_LANGUAGE, Lang, read_catalogue

__all__ = [
    "Grade",
    "ReviewItem",
    "attested",
    "grade",
    "review_items",
    "review_table",
    "unattested",
]

_GRADE = re.compile(r"^grade ([ABCD])(?::\s*(.*))?$")


@dataclass(frozen=True, slots=True)
class Grade:
    """A translation's confidence grade (A-D) and what it rests on."""

    letter: str
    basis: str

    @property
    def attested(self) -> bool:
        """A and B are attested wording; C and D wait for a Welsh translator."""
        return self.letter in {"A", "B"}

    def __str__(self) -> str:
        return f"{self.letter}: {self.basis}" if self.basis else self.letter


def grade(entry: PoEntry) -> Grade | None:
    """The grade in ``entry``'s translator comments, or None if it has none."""
    for comment in entry.comments:
        if match := _GRADE.match(comment.strip()):
            return Grade(match[1], (match[2] or "").strip())
    return None


def attested(catalogue: PoCatalogue) -> frozenset[str]:
    """The messages of ``catalogue`` whose translation is in use and graded A or B."""
    # A fuzzy entry is not used (its English is printed), so it is not attested either.
    return frozenset(
        entry.msgid
        for entry in catalogue.entries
        if entry.used and (found := grade(entry)) is not None and found.attested
    )


@functools.cache
def _shipped_attested(lang: Lang) -> frozenset[str]:
    return attested(read_catalogue(lang))


def unattested(
    lang: Lang, messages: Iterable[str], catalogue: PoCatalogue | None = None
) -> list[str]:
    """The ``messages`` (source texts) whose ``lang`` wording is not attested, sorted.

    Graded C or D, given no grade, flagged fuzzy or not translated at all (printed in
    English) all count: only A and B wording is safe to hand over alone. The source
    language has nothing to check. ``catalogue`` defaults to the shipped one of ``lang``.
    """
    if lang == SOURCE_LANGUAGE:
        return []
    sure = attested(catalogue) if catalogue is not None else _shipped_attested(lang)
    return sorted(message for message in set(messages) if message not in sure)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A Welsh string a translator must check: C or D."""

    english: str
    welsh: str
    grade: Grade
    printed: bool
    """False for a fuzzy proposal: the English is printed until it is signed off."""


def review_items(catalogue: PoCatalogue) -> list[ReviewItem]:
    """Every translated C/D string of ``catalogue``, in catalogue order."""
    items = []
    for entry in catalogue.entries:
        found = grade(entry)
        if entry.translated and found is not None and not found.attested:
            # Plural messages show their "other" form, the one most numbers take.
            english = entry.msgid_plural or entry.msgid
            items.append(ReviewItem(english, entry.msgstr[-1], found, printed=not entry.fuzzy))
    return items


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def review_table(items: list[ReviewItem]) -> str:
    """The review list as a Markdown table (``docs/translation-review.md`` holds it)."""
    lines = [
        "| English | proposed Welsh | grade and basis (docs/welsh.md glossary rows) | use |",
        "|---|---|---|---|",
    ]
    for item in items:
        use = (
            "printed in Welsh documents"
            if item.printed
            else "not printed: the English is printed until this is signed off"
        )
        lines.append(f"| {_cell(item.english)} | {_cell(item.welsh)} | {item.grade} | {use} |")
    return "\n".join(lines) + "\n"
