"""The Welsh catalogue against the code: nothing stale, the person's documents all in Welsh,
placeholders kept, six plural forms, a grade on every translation, the review list current."""

from __future__ import annotations

import pytest

from msp_desktop.i18n.po import PoCatalogue, read_po
from msp_desktop.i18n.review import grade
from msp_desktop.i18n.translator import read_catalogue
from msp_desktop.model import ExperienceAnswer, ExperienceQuestion
from tests.i18n import checks, extraction, update

CATALOGUE = read_catalogue("cy")
CODE = extraction.extract()
ENTRIES = {(entry.context, entry.msgid): entry for entry in CATALOGUE.entries}
MEASURE = {q.text for q in ExperienceQuestion} | {a.label for a in ExperienceAnswer}
"""The experience questions and answers: the Welsh feedback form prints them in Welsh."""


def test_the_catalogue_has_no_message_the_code_no_longer_has() -> None:
    stale = [f"msp.po line {e.line}: {e.msgid!r}" for key, e in ENTRIES.items() if key not in CODE]
    assert stale == [], "No longer in the code (run make translations):\n" + "\n".join(stale)


def test_messages_not_yet_in_welsh_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    waiting = [key for key in CODE if key not in ENTRIES or not ENTRIES[key].translated]
    # Listed, not failed: the app's own words are English; `make translations` names each.
    with capsys.disabled():
        print(f"\n{len(waiting)} of {len(CODE)} messages have no Welsh yet (the app is English).")
    assert len(waiting) < len(CODE)


@pytest.mark.parametrize(
    "msgid", sorted({found.msgid for found in extraction.document_messages()} | MEASURE)
)
def test_every_message_of_the_persons_documents_has_welsh(msgid: str) -> None:
    entry = ENTRIES.get((None, msgid))
    assert entry is not None, "not in msp.po: run make translations and translate it"
    assert entry.translated, "no Welsh: every person-facing string must be in Welsh"
    assert grade(entry) is not None
    # The measure too: the Welsh feedback form is Welsh throughout (issue 14).
    assert not entry.fuzzy, "a fuzzy translation is not printed"


def test_every_entry_keeps_its_placeholders_forms_and_grade() -> None:
    problems = [problem for entry in CATALOGUE.entries for problem in checks.entry_problems(entry)]
    assert problems == [], "\n".join(problems)


def test_the_plural_forms_are_welsh() -> None:
    assert checks.plural_forms_problems(CATALOGUE) == []


def test_the_review_list_is_the_catalogues() -> None:
    text = update.REVIEW_DOC.read_text(encoding="utf-8")
    assert update.review_doc(text) == text, "run make translations to rewrite the table"


def _catalogue(header: str, body: str = "") -> PoCatalogue:
    lines = f'"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {header}\\n"\n'
    return read_po(f'msgid ""\nmsgstr ""\n{lines}\n{body}')


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("nplurals=2; plural=(n != 1);", "nplurals=2"),
        ("nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : 5;", "n = [6]"),
        ("plural=(n != 1);", "cannot be read"),
    ],
)
def test_wrong_plural_forms_are_found(header: str, problem: str) -> None:
    (found,) = checks.plural_forms_problems(_catalogue(header))
    assert problem in found


def test_plural_forms_spelt_another_way_are_accepted() -> None:
    babel_spelling = (
        "nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n == 3 ? 3 : n == 6 ? 4 : 5);"
    )
    assert checks.plural_forms_problems(_catalogue(babel_spelling)) == []


WELSH_HEADER = (
    "nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ? 4 : 5;"
)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('# grade A: row 35\nmsgid "Page {page}"\nmsgstr "Tudalen {tudalen}"\n', "placeholders"),
        ('# grade A: row 35\nmsgid "Page {page}"\nmsgstr "Tudalen"\n', "placeholders"),
        ('msgid "Comments"\nmsgstr "Sylwadau"\n', "no grade comment"),
        (
            '# grade D\nmsgid "{count} day"\nmsgid_plural "{count} days"\n'
            + "".join(f'msgstr[{n}] "{{count}} diwrnod"\n' for n in range(2)),
            "has 2 plural forms, not 6",
        ),
        (
            '# grade D\nmsgid "{count} day"\nmsgid_plural "{count} days"\n'
            + "".join(f'msgstr[{n}] "{"" if n == 3 else "{count} d"}"\n' for n in range(6)),
            "some plural forms are empty",
        ),
        (
            '# grade D\nmsgid "{count} day in {place}"\nmsgid_plural "{count} days in {place}"\n'
            + "".join(f'msgstr[{n}] "diwrnod"\n' for n in range(6)),
            "placeholders",
        ),
    ],
)
def test_a_bad_entry_is_found(body: str, problem: str) -> None:
    (entry,) = _catalogue(WELSH_HEADER, body).entries
    problems = checks.entry_problems(entry)
    assert len(problems) >= 1
    assert problem in problems[0]


def test_a_plural_form_may_say_its_number_in_words() -> None:
    forms = ["dim diwrnod", "un diwrnod", "dau ddiwrnod", "tri diwrnod", "chwe diwrnod"]
    body = '# grade D\nmsgid "{count} day"\nmsgid_plural "{count} days"\n' + "".join(
        f'msgstr[{n}] "{form}"\n' for n, form in enumerate([*forms, "{count} diwrnod"])
    )
    (entry,) = _catalogue(WELSH_HEADER, body).entries
    assert checks.entry_problems(entry) == []
