"""The SAC figures as one web page: the version to publish on the council's website.

The PDF is for print and the board's papers. reportlab writes no tagged PDF, so a
screen reader gets its words but not its tables' rows and columns. A public body's
website must be accessible, and a plain HTML page is: real tables with a caption and
header cells (``scope``), headings in order, the language set, no script, no image
that carries a number (the charts are the PDF's; the page has the tables they draw),
and styles that follow the reader's text size.

It hides exactly what the PDF hides (``suppression``), with the same words
(``wording``). Nothing outside the file is loaded, so it can be opened offline.
"""

from __future__ import annotations

from html import escape

from msp_desktop.office.reports.figures import (
    CONCLUDED,
    EXPERIENCE,
    FORMS,
    POSTED,
    CellRef,
    Report,
    ReportTable,
)
from msp_desktop.office.reports.suppression import suppressed_cells
from msp_desktop.office.reports.wording import (
    SUBTITLE,
    SUPPRESSION_NOTE,
    TITLE,
    counted,
    day,
    experience_intro,
    experience_scale_note,
    how_counted,
    own_headings_note,
    short_row,
    shown,
)

__all__ = ["report_html"]

# Black on white, a readable measure, sizes in rem so the reader's own text size rules;
# focus and link colours well over 4.5:1.
_STYLE = """
body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; font-size: 1.125rem;
       line-height: 1.5; color: #000; background: #fff; max-width: 46rem;
       margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 2rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; }
h3 { font-size: 1.2rem; }
.big { font-size: 2.5rem; font-weight: bold; margin: 0; }
.note { border: 2px solid #000; padding: 0.5rem 0.75rem; }
.small { font-size: 1rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.25rem; }
th, td { text-align: left; vertical-align: top; padding: 0.3rem 0.75rem 0.3rem 0;
         border-bottom: 1px solid #6b6b6b; }
thead th { border-bottom: 2px solid #000; background: #eef2f6; }
td { text-align: right; }
a { color: #1f5a8c; }
a:focus { outline: 3px solid #b35900; }
"""


def _p(text: str, css: str | None = None) -> str:
    return f'<p class="{css}">{escape(text)}</p>' if css else f"<p>{escape(text)}</p>"


def _grid(
    report: Report,
    table: ReportTable,
    hidden: frozenset[CellRef],
    caption: str,
    heads: list[str],
) -> list[str]:
    """One table: the answers down the side, one column per row of counts."""
    out = ["<table>", f"<caption>{escape(caption)}</caption>", "<thead><tr>"]
    out.append('<th scope="col">Answer</th>')
    out += [f'<th scope="col">{escape(h)}</th>' for h in heads]
    out.append("</tr></thead><tbody>")
    for col, column in enumerate(table.columns):
        cells = "".join(
            f"<td>{escape(shown(report, (table.key, row, col), hidden))}</td>"
            for row in range(len(table.rows))
        )
        out.append(f'<tr><th scope="row">{escape(column)}</th>{cells}</tr>')
    out.append("</tbody></table>")
    return out


def _anchor(table: ReportTable) -> str:
    return "t-" + table.key.replace("_", "-")


def _section(report: Report, table: ReportTable, hidden: frozenset[CellRef]) -> list[str]:
    out = [f'<section aria-labelledby="{_anchor(table)}">',
           f'<h2 id="{_anchor(table)}">{escape(table.title)}</h2>']  # fmt: skip
    if table.key in (EXPERIENCE, POSTED):
        out += [_p(text) for text in experience_intro(report, table, hidden)]
        heads = [f"Question {n + 1}" for n in range(len(table.rows))]
        out.append("<ol>")
        out += [f"<li>{escape(question)}</li>" for question, _ in table.rows]
        out.append("</ol>")
        out += _grid(report, table, hidden, f"{table.title}: the answers in numbers", heads)
        out.append(_p(experience_scale_note(table), "small"))
    else:
        out += [_p(table.question), _p(counted(report, table, 0, hidden))]
        heads = [short_row(label) for label, _ in table.rows]
        out += _grid(report, table, hidden, table.title, heads)
        ours = own_headings_note(table)
        if ours is not None:
            out.append(_p(ours, "small"))
    if any(cell in hidden for cell in table.cells()):
        out.append(_p(SUPPRESSION_NOTE, "small"))
    out.append("</section>")
    return out


def report_html(report: Report) -> bytes:
    """The report as one UTF-8 HTML page (nothing is written to disk)."""
    hidden = suppressed_cells(report)
    office = report.office_name or "MSP office"
    year = report.year
    shown_tables = [t for t in report.tables if t.key not in (CONCLUDED, FORMS)]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(f'{TITLE} figures {year.label}: {office}')}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(TITLE)}</h1>",
        _p(SUBTITLE),
        _p(office) if report.office_name else "",
        _p(f"Financial year {year.label}: {year.span}"),
        "</header>",
        "<main>",
        f'<p class="big">{escape(shown(report, (CONCLUDED, 0, 0), hidden))}</p>',
        _p(
            f"concerns concluded in {year.label}, counted from the records imported into "
            "this office."
        ),
    ]
    out += [f'<p class="note">{escape(note)}</p>' for note in report.notes]
    out.append('<nav aria-labelledby="contents"><h2 id="contents">In this report</h2><ul>')
    out += [f'<li><a href="#{_anchor(t)}">{escape(t.title)}</a></li>' for t in shown_tables]
    out.append('<li><a href="#how-counted">How these figures are counted</a></li></ul></nav>')
    out.append(_p(SUPPRESSION_NOTE, "small"))
    for table in shown_tables:
        out += _section(report, table, hidden)
    out.append('<section aria-labelledby="how-counted">')
    out.append('<h2 id="how-counted">How these figures are counted</h2>')
    out += [
        f"<p><strong>{escape(head)}</strong> {escape(text)}</p>"
        for head, text in how_counted(report)
    ]
    out.append("</section>")
    out += [
        "</main>",
        f"<footer>{_p(f'Made on {day(report.made_on)} by msp-office.', 'small')}</footer>",
        "</body>",
        "</html>",
    ]
    return ("\n".join(line for line in out if line) + "\n").encode("utf-8")
