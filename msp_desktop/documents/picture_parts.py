"""The palette and the shared parts of our easy-read pictures (people, pages, bubbles).

Every picture is drawn on a 100 x 100 grid. The same thing is drawn the same way in
every picture (easy read rule E5): "you" is always the person in a blue top, your
social worker always wears green with an ID badge on a lanyard, a paper is always white
with grey lines. A part is a list of reportlab shapes, drawn in order.
"""

from __future__ import annotations

import math

from reportlab.graphics.shapes import Circle, Line, Polygon, PolyLine, Rect
from reportlab.lib import colors

# A dark blue-grey outline on pale fills: high contrast without looking harsh.
INK = colors.HexColor("#1F3A5F")
WHITE = colors.white
PALE_BLUE = colors.HexColor("#DCE9F5")
PALE_GREEN = colors.HexColor("#DDEFD9")
PALE_SAND = colors.HexColor("#F5E9CF")
PALE_GREY = colors.HexColor("#E6E6E6")
PALE_RED = colors.HexColor("#F8DAD5")
PALE_PURPLE = colors.HexColor("#E8DFF2")
GREEN = colors.HexColor("#2E7D32")
RED = colors.HexColor("#C62828")
BLUE = colors.HexColor("#1565C0")
LINE = 5

Parts = list[object]


def outlined(shape: object, fill: colors.Color, width: float = LINE) -> object:
    """``shape`` with a pale ``fill`` and the dark outline every picture uses."""
    shape.fillColor = fill  # type: ignore[attr-defined]
    shape.strokeColor = INK  # type: ignore[attr-defined]
    shape.strokeWidth = width  # type: ignore[attr-defined]
    return shape


def stroke(points: list[float], colour: colors.Color = INK, width: float = LINE) -> object:
    """An open line through ``points`` (x1, y1, x2, y2, ...), with round ends and joins."""
    line = PolyLine(points, strokeColor=colour, strokeWidth=width)
    line.strokeLineCap = 1
    line.strokeLineJoin = 1
    return line


def arc(cx: float, cy: float, r: float, start: float, end: float, step: float = 10) -> list[float]:
    """Points on a circle's arc from ``start`` to ``end`` degrees (anticlockwise)."""
    count = max(2, int(abs(end - start) / step) + 1)
    angles = [start + (end - start) * i / (count - 1) for i in range(count)]
    return [
        c
        for a in angles
        for c in (cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a)))
    ]


def person(cx: float, base: float, size: float, top: colors.Color = PALE_BLUE) -> Parts:
    """A person from the waist up: head and shoulders, ``size`` wide, standing on ``base``."""
    head_r = size * 0.3
    body_h = size * 0.75
    body = outlined(Rect(cx - size / 2, base, size, body_h, rx=size * 0.36, ry=size * 0.36), top)
    head = outlined(Circle(cx, base + body_h + head_r * 0.95, head_r), PALE_SAND)
    return [body, head]


def you(cx: float, base: float, size: float) -> Parts:
    """The person the paper is for: always in a blue top."""
    return person(cx, base, size, PALE_BLUE)


def worker(cx: float, base: float, size: float) -> Parts:
    """The social worker: a green top and an ID badge on a lanyard, every time."""
    parts = person(cx, base, size, PALE_GREEN)
    neck_y = base + size * 0.75
    badge_w = size * 0.26
    badge_y = base + size * 0.14
    lanyard = stroke(
        [cx - size * 0.2, neck_y - 1, cx, badge_y + badge_w, cx + size * 0.2, neck_y - 1],
        width=max(2.5, size * 0.05),
    )
    badge = outlined(
        Rect(cx - badge_w / 2, badge_y, badge_w, badge_w * 1.1), WHITE, max(2.5, size * 0.05)
    )
    # A photo square on the badge: an ID card, not a pocket.
    photo = Rect(
        cx - badge_w * 0.25,
        badge_y + badge_w * 0.45,
        badge_w * 0.5,
        badge_w * 0.45,
        fillColor=INK,
        strokeColor=None,
    )
    return [*parts, lanyard, badge, photo]


def paper(x: float, y: float, w: float, h: float, rows: int = 3) -> Parts:
    """A sheet of paper with lines of writing (grey bars, never letters)."""
    sheet = outlined(Rect(x, y, w, h), WHITE, 4)
    gap = h / (rows + 1)
    lines = [
        Line(
            x + w * 0.18,
            y + h - gap * (i + 1),
            x + w * 0.82,
            y + h - gap * (i + 1),
            strokeColor=INK,
            strokeWidth=3,
        )
        for i in range(rows)
    ]
    return [sheet, *lines]


def bubble(
    x: float, y: float, w: float, h: float, tail: tuple[float, float], fill: colors.Color
) -> Parts:
    """A speech bubble whose tail points at ``tail`` (below the bubble)."""
    tx, ty = tail
    root = min(max(tx, x + 12), x + w - 12)
    tail_shape = outlined(Polygon([root - 7, y + 2, tx, ty, root + 7, y + 2]), fill)
    body = outlined(Rect(x, y, w, h, rx=10, ry=10), fill)
    # Cover the bubble's edge where the tail joins, so the two read as one shape.
    join = Line(root - 5, y, root + 5, y, strokeColor=fill, strokeWidth=LINE + 1)
    return [tail_shape, body, join]


def tick_mark(cx: float, cy: float, size: float, colour: colors.Color = GREEN) -> object:
    """A tick, ``size`` wide, centred on (cx, cy)."""
    s = size / 42
    return stroke(
        [cx - 20 * s, cy + 2 * s, cx - 6 * s, cy - 14 * s, cx + 22 * s, cy + 18 * s],
        colour,
        max(4.0, 10 * s),
    )


def done_badge(cx: float, cy: float, r: float) -> Parts:
    """A green tick in a circle: the one sign for "done" (never used for anything else)."""
    return [outlined(Circle(cx, cy, r), PALE_GREEN), tick_mark(cx, cy, r * 1.05)]


def calendar(x: float, y: float, w: float, h: float, marked: bool = True) -> Parts:
    """A wall calendar: rings, a blue band and a grid of days; one day picked out."""
    page = outlined(Rect(x, y, w, h, rx=6, ry=6), WHITE)
    band_h = h * 0.24
    band = outlined(Rect(x, y + h - band_h, w, band_h, rx=6, ry=6), PALE_BLUE)
    rings = [
        Line(
            x + w * f, y + h - band_h * 0.4, x + w * f, y + h + 8, strokeColor=INK, strokeWidth=LINE
        )
        for f in (0.26, 0.74)
    ]
    cell_w, cell_h = w * 0.13, h * 0.12
    days = [
        Rect(
            x + w * 0.1 + col * w * 0.21,
            y + h * 0.12 + row * h * 0.19,
            cell_w,
            cell_h,
            fillColor=PALE_GREY,
            strokeColor=None,
        )
        for row in range(3)
        for col in range(4)
    ]
    parts: Parts = [page, band, *rings, *days]
    if marked:
        parts.append(
            Rect(
                x + w * 0.1 + 2 * w * 0.21,
                y + h * 0.12 + h * 0.19,
                cell_w,
                cell_h,
                fillColor=GREEN,
                strokeColor=None,
            )
        )
    return parts


def arrow(x1: float, x2: float, y: float, fill: colors.Color = INK, weight: float = 12) -> Parts:
    """A bold arrow pointing right from ``x1`` to ``x2`` at height ``y``."""
    head = weight * 1.2
    shape = Polygon(
        [
            x1,
            y - weight / 2,
            x2 - head,
            y - weight / 2,
            x2 - head,
            y - weight,
            x2,
            y,
            x2 - head,
            y + weight,
            x2 - head,
            y + weight / 2,
            x1,
            y + weight / 2,
        ]
    )
    return [outlined(shape, fill, 3)]


def heart(cx: float, cy: float, size: float, fill: colors.Color = RED) -> object:
    """A heart, ``size`` wide, centred on (cx, cy)."""
    points: list[float] = []
    for step in range(0, 360, 12):
        t = math.radians(step)
        hx = 16 * math.sin(t) ** 3
        hy = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points += [cx + hx * size / 34, cy + hy * size / 34]
    return outlined(Polygon(points), fill, 3)


def clock(cx: float, cy: float, r: float) -> Parts:
    """A clock face with its hands at ten to two: time still to come."""
    face = outlined(Circle(cx, cy, r), PALE_SAND)
    hands = stroke(
        [cx - r * 0.45, cy + r * 0.3, cx, cy, cx + r * 0.1, cy + r * 0.65], width=max(3, r * 0.14)
    )
    hub = Circle(cx, cy, max(1.5, r * 0.1), fillColor=INK, strokeColor=None)
    return [face, hands, hub]
