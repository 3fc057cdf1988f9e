"""The .po reader and the .mo bytes it builds, cross-checked against Babel's own."""

from __future__ import annotations

import gettext
import io
import re

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po as babel_read_po

from msp_desktop.i18n.po import PoError, mo_bytes, read_po
from msp_desktop.i18n.translator import catalogue_path, read_catalogue
from msp_desktop.resources import resource

HEADER = r"""# A translator's note on the whole file.
msgid ""
msgstr ""
"Language: cy\n"
"Plural-Forms: nplurals=6; plural=(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 : (n==6) ?"
" 4 : 5;\n"
"Content-Type: text/plain; charset=UTF-8\n"
"""

SAMPLE = (
    HEADER
    + r"""
# grade A: row 35
#. A comment from the code.
#: msp_desktop/documents/summary.py
#, python-brace-format
msgid "Page {page} of {pages}"
msgstr "Tudalen {page} o {pages}"

msgctxt "menu"
msgid "Close"
msgstr "Cau"

# grade D: composed
msgid ""
"A long message that "
"goes on \"quoted\"\n"
"and on"
msgstr "Neges hir\tgyda \\ a \"dyfyniad\"\n"

#, fuzzy
msgid "Not at all"
msgstr "Ddim o gwbl"

msgid "Untranslated"
msgstr ""

#| msgid "{count} old"
msgid "{count} day"
msgid_plural "{count} days"
msgstr[0] "{count} diwrnod (0)"
msgstr[1] "{count} diwrnod (1)"
msgstr[2] "{count} ddiwrnod (2)"
msgstr[3] "{count} diwrnod (3)"
msgstr[4] "{count} diwrnod (6)"
msgstr[5] "{count} diwrnod"

# An old message's comment.
#~ msgid "Gone"
#~ msgstr "Wedi mynd"
"""
)


def test_reads_every_part_of_an_entry() -> None:
    catalogue = read_po(SAMPLE, "sample.po")
    assert catalogue.metadata["Language"] == "cy"
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=6; plural=(n==0) ? 0")
    page, close, long, fuzzy, untranslated, days = catalogue.entries
    assert page.msgid == "Page {page} of {pages}"
    assert page.msgstr == ("Tudalen {page} o {pages}",)
    assert page.comments == ("grade A: row 35",)
    assert page.flags == {"python-brace-format"}
    assert page.line == 13
    assert (close.context, close.msgid, close.msgstr) == ("menu", "Close", ("Cau",))
    assert long.msgid == 'A long message that goes on "quoted"\nand on'
    assert long.msgstr == ('Neges hir\tgyda \\ a "dyfyniad"\n',)
    assert fuzzy.fuzzy
    assert fuzzy.translated
    assert not fuzzy.used
    assert not untranslated.translated
    assert not untranslated.used
    assert days.msgid_plural == "{count} days"
    assert len(days.msgstr) == 6
    assert days.used


def test_obsolete_entries_and_their_comments_are_skipped() -> None:
    msgids = [entry.msgid for entry in read_po(SAMPLE).entries]
    assert "Gone" not in msgids
    assert all("old message" not in " ".join(e.comments) for e in read_po(SAMPLE).entries)


def test_the_mo_holds_only_used_translations() -> None:
    translations = gettext.GNUTranslations(io.BytesIO(mo_bytes(read_po(SAMPLE))))
    assert translations.gettext("Page {page} of {pages}") == "Tudalen {page} o {pages}"
    assert translations.pgettext("menu", "Close") == "Cau"
    assert translations.gettext("Close") == "Close"  # another context
    assert translations.gettext("Not at all") == "Not at all"  # fuzzy: not used
    assert translations.gettext("Untranslated") == "Untranslated"
    assert translations.ngettext("{count} day", "{count} days", 2) == "{count} ddiwrnod (2)"


def _babel(text: str) -> gettext.GNUTranslations:
    out = io.BytesIO()
    write_mo(out, babel_read_po(io.StringIO(text)))
    out.seek(0)
    return gettext.GNUTranslations(out)


def _ours(text: str) -> gettext.GNUTranslations:
    return gettext.GNUTranslations(io.BytesIO(mo_bytes(read_po(text))))


def _shipped_text() -> str:
    return resource(*catalogue_path("cy")).read_text(encoding="utf-8")


@pytest.mark.parametrize("source", ["sample", "shipped"])
def test_every_lookup_agrees_with_babel(source: str) -> None:
    text = SAMPLE if source == "sample" else _shipped_text()
    ours, babels = _ours(text), _babel(text)
    entries = read_po(text).entries
    assert len(entries) > 5
    for entry in entries:
        if entry.msgid_plural is None:
            if entry.context is None:
                assert ours.gettext(entry.msgid) == babels.gettext(entry.msgid)
            else:
                got = ours.pgettext(entry.context, entry.msgid)
                assert got == babels.pgettext(entry.context, entry.msgid)
        elif entry.translated:
            # Babel writes an untranslated plural as empty forms; msgfmt and we leave it out.
            for count in range(12):
                got = ours.ngettext(entry.msgid, entry.msgid_plural, count)
                assert got == babels.ngettext(entry.msgid, entry.msgid_plural, count)
    assert [ours.plural(n) for n in range(200)] == [babels.plural(n) for n in range(200)]


def test_the_shipped_catalogue_reads() -> None:
    catalogue = read_catalogue("cy")
    assert catalogue.metadata["Language"] == "cy"
    assert any(entry.used for entry in catalogue.entries)


BAD = {
    "unquoted": ('msgid Hello\nmsgstr ""\n', 4, "not part of a .po catalogue"),
    "bad escape": ('msgid "a\\qb"\nmsgstr ""\n', 4, "unknown escape"),
    "bare quote": ('msgid "a"b"\nmsgstr ""\n', 4, "double quote inside a string"),
    "no msgstr": ('msgid "Hello"\n\n', 4, "needs one msgstr"),
    "msgid twice": ('msgid "a"\nmsgid "b"\nmsgstr ""\n', 5, "msgid appears twice"),
    "plural without forms": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr "c"\n',
        4,
        "needs msgstr[0], msgstr[1]",
    ),
    "forms with a gap": (
        'msgid "a"\nmsgid_plural "b"\nmsgstr[0] "c"\nmsgstr[2] "d"\n',
        4,
        "needs msgstr[0], msgstr[1]",
    ),
    "stray continuation": ('"on its own"\n', 4, "continues no msgid"),
    "duplicate": ('msgid "a"\nmsgstr ""\n\nmsgid "a"\nmsgstr "x"\n', 7, "already in the catalogue"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_catalogue_is_refused_naming_the_line(case: str) -> None:
    body, line, words = BAD[case]
    header = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'  # lines 1-3
    with pytest.raises(PoError, match=rf"^bad\.po, line {line}: .*{re.escape(words)}"):
        read_po(header + body, "bad.po")


def test_a_catalogue_without_a_header_or_utf8_is_refused() -> None:
    with pytest.raises(PoError, match="no header"):
        read_po('msgid "a"\nmsgstr "b"\n', "bad.po")
    with pytest.raises(PoError, match="charset=UTF-8"):
        read_po('msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n', "bad.po")
