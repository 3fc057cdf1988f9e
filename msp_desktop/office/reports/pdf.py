"""The SAC figures as a PDF: a title page, one page per table with a bar chart, and notes.

Laid out like the app's other documents, on the same PDF base (``msp_desktop.pdf``: A4,
DejaVu Sans embedded, left aligned, black on white, nothing justified, "Page N of M").
The PDF carries a title, author, subject and language.

Numbers from 1 to 5, and any number that would let one of them be worked out, are
printed as ``[c]`` and their bars are not drawn (``suppression``). No table
prints a total row: the only total shown is the number of concerns concluded, itself
hidden when it is small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.textlabels import NA_Label
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)

from msp_desktop.office.reports.figures import (
    CONCLUDED,
    EXPERIENCE,
    FORMS,
    POSTED,
    SG3A,
    CellRef,
    Report,
    ReportTable,
)
from msp_desktop.office.reports.suppression import HIDDEN, suppressed_cells
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
from msp_desktop.pdf import (
    BOLD,
    FRAME_WIDTH,
    REGULAR,
    PdfInfo,
    build_pdf,
    page_numbers,
    para,
    paragraph_style,
    table_style,
)

__all__ = ["SUPPRESSION_NOTE", "report_pdf"]

BODY = 12.5
SMALL = 11
CHART_TEXT = 10.5
INK = colors.black
RULE = colors.HexColor("#6B6B6B")
SHADE = colors.HexColor("#EEF2F6")
# Blue and orange: told apart with any colour vision, each over 4:1 against white.
BAR = colors.HexColor("#1F5A8C")
BAR_OTHER = colors.HexColor("#B35900")


def _style(name: str, size: float, font: str = REGULAR, **extra: Any) -> ParagraphStyle:
    return paragraph_style(name, size, font, **{"spaceAfter": size * 0.6, **extra})


class _Styles:
    def __init__(self) -> None:
        self.title = _style("Title", 26, BOLD, spaceAfter=10)
        self.subtitle = _style("Subtitle", 18)
        self.heading = _style("Heading", 19, BOLD, spaceAfter=6)
        self.subheading = _style("Subheading", 13.5, BOLD, spaceBefore=6, spaceAfter=2)
        self.body = _style("Body", BODY)
        self.small = _style("Small", SMALL)
        self.cell = _style("Cell", SMALL, spaceAfter=0)
        self.cell_bold = _style("CellBold", SMALL, BOLD, spaceAfter=0)
        self.big = _style("Big", 40, BOLD, spaceAfter=4, leading=46)


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes (nothing is written to disk)."""
    styles = _Styles()
    hidden = suppressed_cells(report)

    def printed(ref: CellRef) -> str:
        return shown(report, ref, hidden)

    story: list[Flowable] = _title_page(report, styles, printed)
    for table in report.tables:
        if table.key in (CONCLUDED, FORMS):  # their totals are told with their tables
            continue
        story.append(PageBreak())
        if table.key in (EXPERIENCE, POSTED):
            story += _experience_pages(report, table, styles, hidden)
        else:
            story += _section(report, table, styles, hidden)
    story.append(PageBreak())
    story += _notes_page(report, styles)
    return _build(story, report)


def _title_page(report: Report, styles: _Styles, shown: Callable[[CellRef], str]) -> list[Flowable]:
    year = report.year
    total = shown((CONCLUDED, 0, 0))
    story: list[Flowable] = [
        para(TITLE, styles.title),
        para(SUBTITLE, styles.subtitle),
        Spacer(1, 0.6 * cm),
    ]
    if report.office_name:
        story.append(para(report.office_name, styles.heading))
    story += [
        para(f"Financial year {year.label}: {year.span}", styles.body),
        Spacer(1, 0.8 * cm),
        para(total, styles.big),
        para(
            f"concerns concluded in {year.label}, counted from the records imported into "
            "this office.",
            styles.body,
        ),
        Spacer(1, 0.6 * cm),
    ]
    for note in report.notes:
        story.append(_boxed(note, styles))
    story += [
        para("In this report", styles.subheading),
        *[para(t.title, styles.body) for t in report.tables if t.key not in (CONCLUDED, FORMS)],
        para("How these figures are counted (last page)", styles.body),
        Spacer(1, 0.4 * cm),
        para(SUPPRESSION_NOTE, styles.small),
        para(f"Made on {day(report.made_on)} by msp-office.", styles.small),
    ]
    return story


def _boxed(text: str, styles: _Styles) -> Flowable:
    box = Table([[para(text, styles.body)]], colWidths=[FRAME_WIDTH], hAlign="LEFT")
    box.setStyle(
        table_style(
            [
                ("BOX", (0, 0), (-1, -1), 1, INK),
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return KeepTogether([box, Spacer(1, 0.4 * cm)])


def _section(
    report: Report, table: ReportTable, styles: _Styles, hidden: frozenset[CellRef]
) -> list[Flowable]:
    story: list[Flowable] = [
        para(table.title, styles.heading),
        para(table.question, styles.body),
        para(counted(report, table, 0, hidden), styles.body),
    ]
    refs = [[(table.key, row, col) for col in range(len(table.columns))]
            for row in range(len(table.rows))]  # fmt: skip
    if table.key == SG3A:
        # Each capacity answer split by support from an advocate, family or friend.
        series = [refs[1], refs[2]]
        names = [table.rows[1][0], table.rows[2][0]]
    else:
        series, names = [refs[0]], []
    story.append(_chart(report, list(table.columns), series, names, hidden, FRAME_WIDTH))
    story.append(Spacer(1, 0.5 * cm))
    story.append(_table(report, table, styles, hidden))
    story.append(Spacer(1, 0.3 * cm))
    ours = own_headings_note(table)
    if ours is not None:
        story.append(para(ours, styles.small))
    if any(cell in hidden for cell in table.cells()):
        story.append(para(SUPPRESSION_NOTE, styles.small))
    return story


def _table(
    report: Report, table: ReportTable, styles: _Styles, hidden: frozenset[CellRef]
) -> Flowable:
    """Categories down the side (the national labels, word for word), one column per row."""
    heads = ["Answer", *(short_row(label) for label, _ in table.rows)]
    data: list[list[Flowable]] = [[para(h, styles.cell_bold) for h in heads]]
    for col, column in enumerate(table.columns):
        cells = [para(column, styles.cell)]
        for row in range(len(table.rows)):
            ref = (table.key, row, col)
            cells.append(para(shown(report, ref, hidden), styles.cell))
        data.append(cells)
    numbers = len(table.rows)
    number_width = 3.0 * cm if numbers > 1 else 3.4 * cm
    widths = [FRAME_WIDTH - numbers * number_width] + [number_width] * numbers
    grid = Table(data, colWidths=widths, hAlign="LEFT", repeatRows=1)
    grid.setStyle(_grid_style())
    return grid


def _grid_style() -> TableStyle:
    """A heading row on a light shade, a thin rule under every row, our font throughout."""
    return table_style(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
    )


def _experience_pages(
    report: Report, table: ReportTable, styles: _Styles, hidden: frozenset[CellRef]
) -> list[Flowable]:
    story: list[Flowable] = [para(table.title, styles.heading)]
    story += [para(text, styles.body) for text in experience_intro(report, table, hidden)]
    columns = list(table.columns)
    # One scale for the four charts, so that bars of different questions compare.
    scale = max([report.value(c) for c in table.cells() if c not in hidden] + [1])
    for row, (question, _) in enumerate(table.rows):
        refs = [(table.key, row, col) for col in range(len(columns))]
        story.append(
            KeepTogether(
                [
                    para(f"Question {row + 1}: {question}", styles.subheading),
                    _chart(report, columns, [refs], [], hidden, FRAME_WIDTH, bar=11, scale=scale),
                ]
            )
        )
    story.append(CondPageBreak(10 * cm))
    story.append(para("The answers in numbers", styles.subheading))
    heads = ["Answer", *(f"Question {n + 1}" for n in range(len(table.rows)))]
    data: list[list[Flowable]] = [[para(h, styles.cell_bold) for h in heads]]
    for col, column in enumerate(columns):
        cells = [para(column, styles.cell)]
        for row in range(len(table.rows)):
            ref = (table.key, row, col)
            cells.append(para(shown(report, ref, hidden), styles.cell))
        data.append(cells)
    width = 3.0 * cm
    grid = Table(data, colWidths=[FRAME_WIDTH - 4 * width] + [width] * 4, hAlign="LEFT")
    grid.setStyle(_grid_style())
    story += [grid, Spacer(1, 0.3 * cm)]
    story.append(para(experience_scale_note(table), styles.small))
    if any(cell in hidden for cell in table.cells()):
        story.append(para(SUPPRESSION_NOTE, styles.small))
    return story


def _chart(
    report: Report,
    categories: Sequence[str],
    series: Sequence[Sequence[CellRef]],
    names: Sequence[str],
    hidden: frozenset[CellRef],
    width: float,
    *,
    bar: float = 13,
    scale: int = 0,
) -> Drawing:
    """A horizontal bar chart: a bar per category (and series), its number at its end.

    A hidden number has no bar, only ``[c]`` where the bar would start.
    """
    label_width = 6.4 * cm
    lines = [simpleSplit(c, REGULAR, CHART_TEXT, label_width - 10) for c in categories]
    leading = CHART_TEXT * 1.25
    per_category = max(max(len(block) for block in lines) * leading + 6, len(series) * bar + 8)
    legend_height = len(names) * (leading + 4) + (6 if names else 0)
    plot_height = per_category * len(categories)
    drawing = Drawing(width, plot_height + legend_height + 6)
    # Otherwise the drawing starts in reportlab's Helvetica, which is never embedded.
    drawing.initialFontName = REGULAR
    drawing.initialFontSize = CHART_TEXT
    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = legend_height + 4
    chart.width = width - label_width - 1.4 * cm
    chart.height = plot_height
    # Read top down, the first series first: reversed, as the axis runs top down.
    colours = (BAR, BAR_OTHER)[: len(series)]
    chart.data = [
        [None if ref in hidden else report.value(ref) for ref in refs] for refs in series
    ][::-1]
    shown = [v for row in chart.data for v in row if v is not None]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*shown, scale, 1])
    chart.valueAxis.visible = False
    chart.categoryAxis.categoryNames = ["\n".join(block) for block in lines]
    chart.categoryAxis.reverseDirection = True
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    labels = chart.categoryAxis.labels
    labels.fontName = REGULAR
    labels.fontSize = CHART_TEXT
    labels.leading = leading
    labels.boxAnchor = "e"
    labels.textAnchor = "end"
    labels.dx = -8
    chart.barWidth = bar
    chart.barSpacing = 2
    chart.groupSpacing = per_category - len(series) * bar - 2 * (len(series) - 1)
    chart.bars.strokeColor = None
    for index, colour in enumerate(colours[::-1]):
        chart.bars[index].fillColor = colour
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = BOLD
    chart.barLabels.fontSize = CHART_TEXT
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    na = NA_Label()
    na.text = HIDDEN
    na.fontName = REGULAR
    na.fontSize = CHART_TEXT
    na.boxAnchor = "w"
    na.dx = 4
    chart.naLabel = na
    drawing.add(chart)
    y = legend_height - leading
    for name, colour in zip(names, colours, strict=False):
        drawing.add(Rect(label_width, y, 10, 10, fillColor=colour, strokeColor=None))
        drawing.add(String(label_width + 16, y + 1, name, fontName=REGULAR, fontSize=CHART_TEXT))
        y -= leading + 4
    return drawing


def _notes_page(report: Report, styles: _Styles) -> list[Flowable]:
    story: list[Flowable] = [para("How these figures are counted", styles.heading)]
    for head, text in how_counted(report):
        story.append(para(text, styles.body, label=head))
    for note in report.notes:
        story.append(_boxed(note, styles))
    return story


def _build(story: list[Flowable], report: Report) -> bytes:
    office = report.office_name or "MSP office"
    title = f"Making Safeguarding Personal figures {report.year.label}"
    info = PdfInfo(
        title=f"{title}: {office}",
        author=office,
        subject="Safeguarding Adults Collection figures from Making Safeguarding Personal "
        f"records, {report.year.span}",
        lang="en-GB",
        footer=page_numbers,
        footer_size=SMALL,
        footer_note=f"MSP figures {report.year.label}: {office}",
        creator="MSP Desktop (msp-office report)",
    )
    return build_pdf(story, info)
