"""Grades and the review list a Welsh translator works from."""

from __future__ import annotations

from msp_desktop.i18n.po import read_po
from msp_desktop.i18n.review import Grade, grade, review_items, review_table, unattested

CATALOGUE = r"""
msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\n"

# grade A: row 35
msgid "Page {page} of {pages}"
msgstr "Tudalen {page} o {pages}"

# grade C: row 33
msgid "A summary of our conversation"
msgstr "Crynodeb o'n sgwrs"

# grade D
msgid "Write | anything"
msgstr "Ysgrifennwch | unrhyw beth"

# grade C: row 45 (weak)
#, fuzzy
msgid "Not at all"
msgstr "Ddim o gwbl"

# grade D: composed
msgid "Not translated yet"
msgstr ""

msgid "No grade"
msgstr "Dim gradd"
"""


def test_a_grade_is_read_from_the_translator_comment() -> None:
    entries = read_po(CATALOGUE).entries
    assert [grade(entry) for entry in entries] == [
        Grade("A", "row 35"),
        Grade("C", "row 33"),
        Grade("D", ""),
        Grade("C", "row 45 (weak)"),
        Grade("D", "composed"),
        None,
    ]
    assert str(Grade("D", "")) == "D"
    assert str(Grade("C", "row 33")) == "C: row 33"


def test_the_review_lists_translated_c_and_d_strings_and_whether_they_print() -> None:
    items = review_items(read_po(CATALOGUE))
    assert [(item.english, item.printed) for item in items] == [
        ("A summary of our conversation", True),
        ("Write | anything", True),
        ("Not at all", False),
    ]


def test_the_table_escapes_pipes_and_says_what_is_printed() -> None:
    table = review_table(review_items(read_po(CATALOGUE))).splitlines()
    assert table[2] == (
        "| A summary of our conversation | Crynodeb o'n sgwrs | C: row 33 | "
        "printed in Welsh documents |"
    )
    assert table[3].startswith("| Write \\| anything | Ysgrifennwch \\| unrhyw beth | D |")
    assert table[4].endswith("| not printed: the English is printed until this is signed off |")


def test_only_a_and_b_wording_is_attested() -> None:
    catalogue = read_po(CATALOGUE)
    # C, D, fuzzy, untranslated, ungraded and unknown messages all need the English beside.
    messages = [entry.msgid for entry in catalogue.entries] + ["Never in the catalogue"]
    assert unattested("cy", messages, catalogue) == sorted(
        [
            "A summary of our conversation",
            "Write | anything",
            "Not at all",
            "Not translated yet",
            "No grade",
            "Never in the catalogue",
        ]
    )
    assert unattested("cy", ["Page {page} of {pages}"], catalogue) == []
    assert unattested("en", messages, catalogue) == []  # English is the source


def test_the_shipped_catalogue_attests_month_names_but_not_composed_sentences() -> None:
    # "March" is grade A (the WJEC glossary); the summary's opening line is composed (D).
    assert unattested("cy", ["March"]) == []
    assert unattested("cy", ["March", "Your name: {name}"]) == ["Your name: {name}"]
