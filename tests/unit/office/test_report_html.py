"""The report as a web page (``msp-office report --format html``): the version to publish.

Read back with the standard library's HTML parser: every table's numbers are the
report's, hidden exactly where the PDF hides them, and the page has what a screen
reader needs to read tables as tables (language, one h1 and headings in order, a
caption and header cells with a scope on every table, nothing loaded from outside).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from msp_desktop.office.reports.figures import CONCLUDED, EXPERIENCE, FORMS, build_report
from msp_desktop.office.reports.html import report_html
from msp_desktop.office.reports.suppression import HIDDEN, suppressed_cells
from tests.office_helpers import FakeDevice
from tests.platforms import assert_mode
from tests.unit.office.conftest import Office
from tests.unit.office.test_report import YEAR, fourteen_concerns


@dataclass
class PageTable:
    caption: str = ""
    heads: list[tuple[str, str | None]] = field(default_factory=list)  # (text, scope)
    rows: list[tuple[str, list[str]]] = field(default_factory=list)  # (row header, cells)


class Page(HTMLParser):
    """What the tests read from the page: its tags, headings, tables, ids and links."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.tables: list[PageTable] = []
        self.tags: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.sources: list[str] = []
        self._in: list[str] = []
        self._text = ""
        self._row: list[str] = []
        self._row_head = ""
        self._scope: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = found.get("lang")
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if found.get("src"):
            self.sources.append(str(found["src"]))
        if tag == "table":
            self.tables.append(PageTable())
        if tag == "tr":
            self._row, self._row_head = [], ""
        if tag == "th":
            self._scope = found.get("scope")
        self._in.append(tag)
        self._text = ""

    def handle_data(self, data: str) -> None:
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        text = " ".join(self._text.split())
        if tag == "title":
            self.title = text
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append((int(tag[1]), text))
        elif tag == "caption":
            self.tables[-1].caption = text
        elif tag == "th" and "thead" in self._in:
            self.tables[-1].heads.append((text, self._scope))
        elif tag == "th":
            self._row_head = text
            self.tables[-1].heads.append(("", self._scope))  # scope of a row header
        elif tag == "td":
            self._row.append(text)
        elif tag == "tr" and "tbody" in self._in:
            self.tables[-1].rows.append((self._row_head, self._row))
        if tag in self._in:
            del self._in[len(self._in) - 1 - self._in[::-1].index(tag)]
        self._text = ""


def _page(report_bytes: bytes) -> Page:
    return Page(report_bytes.decode("utf-8"))


def test_every_number_on_the_page_is_the_reports_hidden_where_the_pdf_hides_it(
    office: Office, device: FakeDevice
) -> None:
    fourteen_concerns(office, device)
    report = build_report(office.store, YEAR, office_name="North Council")
    hidden = suppressed_cells(report)
    assert hidden  # the 3 and the 4, and what would give them away
    page = _page(report_html(report))

    shown = [t for t in report.tables if t.key not in (CONCLUDED, FORMS)]
    assert len(page.tables) == len(shown)
    for table, drawn in zip(shown, page.tables, strict=True):
        assert drawn.caption.startswith(table.title)
        assert [head for head, _ in drawn.rows] == list(table.columns)
        for col, (_, cells) in enumerate(drawn.rows):
            expected = [
                HIDDEN
                if (table.key, row, col) in hidden
                else str(report.value((table.key, row, col)))
                for row in range(len(table.rows))
            ]
            assert cells == expected, (table.key, col)
    sg4a = page.tables[0]
    assert (
        dict((h, c[0]) for h, c in sg4a.rows)["Yes they were asked and outcomes were expressed"]
        == "7"
    )
    assert not any(re.search(r"\b[34]\b", c[0]) for _, c in sg4a.rows)
    # The title's total, the notes' sentence on small numbers.
    text = report_html(report).decode("utf-8")
    assert '<p class="big">14</p>' in text
    assert "Numbers from 1 to 5 are not shown, to protect people&#x27;s identity" in text
    assert "North Council" in page.title


def test_the_page_is_built_to_be_read_as_a_page_of_tables(
    office: Office, device: FakeDevice
) -> None:
    fourteen_concerns(office, device)
    page = _page(report_html(build_report(office.store, YEAR, office_name="North Council")))
    assert page.lang == "en-GB"
    assert page.title == "Making Safeguarding Personal figures 2025-26: North Council"
    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))  # none skipped
    for table in page.tables:
        assert table.caption
        assert table.heads
        assert all(scope in ("col", "row") for _, scope in table.heads)
        assert next(text for text, scope in table.heads if scope == "col") == "Answer"
    experience = next(t for t in page.tables if t.caption.startswith("The person's experience"))
    assert [text for text, scope in experience.heads if scope == "col"][1:] == [
        f"Question {n}" for n in range(1, 5)
    ]
    # Nothing runs and nothing is fetched; every link is to a part of the page.
    assert "script" not in page.tags
    assert "img" not in page.tags
    assert page.sources == []
    assert page.links
    assert all(link.startswith("#") and link[1:] in page.ids for link in page.links)
    assert "How these figures are counted" in [text for _, text in page.headings]


def test_the_page_names_the_concerns_experience_table(office: Office, device: FakeDevice) -> None:
    fourteen_concerns(office, device)
    report = build_report(office.store, YEAR)
    page = _page(report_html(report))
    experience = report.table(EXPERIENCE)
    assert experience.title in [text for _, text in page.headings]
    questions = [question for question, _ in experience.rows]
    assert all(q in report_html(report).decode("utf-8") for q in questions)


def test_the_report_command_writes_the_page(
    office: Office, device: FakeDevice, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fourteen_concerns(office, device)
    out = tmp_path / "figures-2025-26.html"
    assert office.run("report", "--year", "2025-26", "--out", str(out)) == 0
    said = capsys.readouterr().out
    assert f"Wrote {out}: 14 concerns concluded in 2025-26" in said
    assert "this is the version to publish on a website" in said
    assert_mode(out, 0o600)
    assert _page(out.read_bytes()).lang == "en-GB"
    other = tmp_path / "figures.web"
    assert office.run("report", "--year", "2025-26", "--format", "html", "--out", str(other)) == 0
    assert other.read_bytes() == out.read_bytes()
