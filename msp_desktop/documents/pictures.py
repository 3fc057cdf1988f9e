"""Our own easy-read pictures, drawn in code as reportlab Drawings.

Easy read needs a picture beside every point (picture left, words right). Picture
banks such as Photosymbols or Widgit cannot be bundled without a licence, so these are
simple drawings of our own: calm colours, thick dark outlines, adult and never
decorative. Each has a description, for the resources table and for anyone who
cannot see it. They contain no text, so nothing in them needs a font or a translation.

Every picture is drawn on a 100 x 100 grid and scaled to the size asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
)
from reportlab.lib import colors

from msp_desktop.pdf import register_fonts

__all__ = ["PICTURES", "picture"]

# A dark blue-grey outline on pale fills: high contrast without looking harsh.
INK = colors.HexColor("#1F3A5F")
PALE_BLUE = colors.HexColor("#DCE9F5")
PALE_GREEN = colors.HexColor("#DDEFD9")
PALE_SAND = colors.HexColor("#F5E9CF")
PALE_GREY = colors.HexColor("#E6E6E6")
GREEN = colors.HexColor("#2E7D32")
LINE = 5


def _speech() -> list[object]:
    tail = Polygon([22, 36, 18, 10, 42, 36], fillColor=PALE_BLUE, strokeColor=INK, strokeWidth=LINE)
    bubble = Rect(
        8, 30, 84, 58, rx=14, ry=14, fillColor=PALE_BLUE, strokeColor=INK, strokeWidth=LINE
    )
    # Cover the bubble's edge where the tail joins, so the two read as one shape.
    join = Line(25, 30, 38, 30, strokeColor=PALE_BLUE, strokeWidth=LINE + 1)
    lines = [Line(22, y, 78, y, strokeColor=INK, strokeWidth=4) for y in (72, 59, 46)]
    return [tail, bubble, join, *lines]


def _house() -> list[object]:
    body = Rect(20, 10, 60, 50, fillColor=PALE_SAND, strokeColor=INK, strokeWidth=LINE)
    roof = Polygon([10, 58, 50, 92, 90, 58], fillColor=PALE_BLUE, strokeColor=INK, strokeWidth=LINE)
    door = Rect(42, 10, 16, 28, fillColor=colors.white, strokeColor=INK, strokeWidth=LINE)
    window = Rect(26, 36, 12, 12, fillColor=colors.white, strokeColor=INK, strokeWidth=LINE)
    return [body, roof, door, window]


def _calendar() -> list[object]:
    page = Rect(
        12, 10, 76, 74, rx=6, ry=6, fillColor=colors.white, strokeColor=INK, strokeWidth=LINE
    )
    band = Rect(12, 66, 76, 18, rx=6, ry=6, fillColor=PALE_BLUE, strokeColor=INK, strokeWidth=LINE)
    rings = [Line(x, 78, x, 92, strokeColor=INK, strokeWidth=LINE) for x in (32, 68)]
    days = [
        Rect(20 + col * 16, 20 + row * 14, 10, 9, fillColor=PALE_GREY, strokeWidth=0)
        for row in range(3)
        for col in range(4)
    ]
    # One day picked out: "this is the date".
    chosen = Rect(52, 34, 10, 9, fillColor=GREEN, strokeWidth=0)
    return [page, band, *rings, *days, chosen]


def _phone() -> list[object]:
    body = Rect(30, 6, 40, 88, rx=8, ry=8, fillColor=PALE_BLUE, strokeColor=INK, strokeWidth=LINE)
    screen = Rect(36, 22, 28, 58, fillColor=colors.white, strokeColor=INK, strokeWidth=3)
    button = Circle(50, 14, 4, fillColor=INK, strokeWidth=0)
    return [body, screen, button]


def _person() -> list[object]:
    head = Circle(50, 68, 17, fillColor=PALE_SAND, strokeColor=INK, strokeWidth=LINE)
    body = Rect(22, 6, 56, 42, rx=20, ry=20, fillColor=PALE_BLUE, strokeColor=INK, strokeWidth=LINE)
    return [body, head]


def _tick() -> list[object]:
    ring = Circle(50, 50, 40, fillColor=PALE_GREEN, strokeColor=INK, strokeWidth=LINE)
    mark = PolyLine([30, 52, 44, 36, 72, 68], strokeColor=GREEN, strokeWidth=10)
    mark.strokeLineCap = 1
    mark.strokeLineJoin = 1
    return [ring, mark]


def _next() -> list[object]:
    stones = [
        Circle(x, 50, 9, fillColor=fill, strokeColor=INK, strokeWidth=3)
        for x, fill in ((14, GREEN), (38, PALE_BLUE), (62, PALE_BLUE))
    ]
    shaft = Line(72, 50, 84, 50, strokeColor=INK, strokeWidth=LINE)
    head = Polygon([82, 62, 96, 50, 82, 38], fillColor=INK, strokeColor=INK, strokeWidth=LINE)
    path = Line(14, 50, 62, 50, strokeColor=INK, strokeWidth=3)
    return [path, *stones, shaft, head]


def _question() -> list[object]:
    parts = _speech()[:3]
    # A question mark drawn as lines, so the picture carries no text.
    hook = [
        (50 + 11 * math.cos(math.radians(a)), 68 + 9 * math.sin(math.radians(a)))
        for a in range(160, -91, -25)
    ]
    points = [coord for point in hook for coord in point] + [50, 50]
    mark = PolyLine(points, strokeColor=INK, strokeWidth=6)
    mark.strokeLineCap = 1
    dot = Circle(50, 35, 4.5, fillColor=INK, strokeWidth=0)
    return [*parts, mark, dot]


def _face(smile: float, fill: colors.Color = PALE_SAND) -> list[object]:
    """A calm face; ``smile`` runs from -1 (turned down) to 1 (broad smile)."""
    head = Circle(50, 50, 42, fillColor=fill, strokeColor=INK, strokeWidth=LINE)
    eyes = [Circle(x, 60, 5, fillColor=INK, strokeWidth=0) for x in (35, 65)]
    mouth = [(x, 32 - smile * 10 * (1 - ((x - 50) / 18) ** 2)) for x in range(32, 69, 4)]
    line = PolyLine([c for point in mouth for c in point], strokeColor=INK, strokeWidth=LINE)
    line.strokeLineCap = 1
    return [head, *eyes, line]


def _prefer_not() -> list[object]:
    # Neutral, not sad: a grey face with closed eyes and a straight mouth.
    head = Circle(50, 50, 42, fillColor=PALE_GREY, strokeColor=INK, strokeWidth=LINE)
    eyes = [Line(x - 7, 60, x + 7, 60, strokeColor=INK, strokeWidth=LINE) for x in (35, 65)]
    mouth = Line(38, 32, 62, 32, strokeColor=INK, strokeWidth=LINE)
    return [head, *eyes, mouth]


def _tick_box() -> list[object]:
    return [Rect(20, 20, 60, 60, fillColor=colors.white, strokeColor=INK, strokeWidth=6)]


PICTURES: dict[str, tuple[Callable[[], list[object]], str]] = {
    "speech": (_speech, "A speech bubble: what you told us."),
    "house": (_house, "A house: at home."),
    "calendar": (_calendar, "A calendar with one day marked: a date."),
    "phone": (_phone, "A mobile phone: how to contact us."),
    "person": (_person, "A person: who we are."),
    "tick": (_tick, "A green tick in a circle: something agreed."),
    "next": (_next, "Stepping stones and an arrow: what happens next."),
    "question": (_question, "A speech bubble with a question mark: a question for you."),
    "not_at_all": (lambda: _face(-0.6), "A face looking unhappy: not at all."),
    "a_little": (lambda: _face(0.0), "A face with a straight mouth: a little."),
    "quite_a_bit": (lambda: _face(0.6), "A face with a small smile: quite a bit."),
    "a_lot": (lambda: _face(1.2, PALE_GREEN), "A face with a big smile: a lot."),
    "prefer_not_to_say": (_prefer_not, "A grey face with closed eyes: prefer not to say."),
    "tick_box": (_tick_box, "An empty box to tick."),
}
"""Picture name -> (drawing parts, description)."""


def picture(name: str, size: float) -> Drawing:
    """The picture ``name`` (a key of ``PICTURES``) as a square Drawing ``size`` points wide."""
    parts, _description = PICTURES[name]
    scale = size / 100
    group = Group(*parts())
    group.scale(scale, scale)
    drawing = Drawing(size, size)
    # The drawing's default font is Helvetica; naming ours keeps every font embedded.
    drawing.initialFontName = register_fonts()
    drawing.add(group)
    return drawing
