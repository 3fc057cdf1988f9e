"""One drawing for each idea in the person's documents, on the 100 x 100 grid.

Each returns its shapes in drawing order. The meaning of each is in
``pictures.IDEAS``; the shared parts (people, paper, bubbles) in ``picture_parts``.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Circle, Group, Line, Polygon, Rect
from reportlab.lib.colors import Color

from msp_desktop.documents.picture_parts import (
    BLUE,
    GREEN,
    INK,
    PALE_BLUE,
    PALE_GREEN,
    PALE_GREY,
    PALE_PURPLE,
    PALE_RED,
    PALE_SAND,
    RED,
    WHITE,
    Parts,
    arc,
    arrow,
    bubble,
    calendar,
    clock,
    done_badge,
    heart,
    outlined,
    paper,
    person,
    stroke,
    worker,
    you,
)


def draw_you() -> Parts:
    return you(50, 6, 62)


def draw_social_worker() -> Parts:
    folder = outlined(Rect(66, 8, 26, 34, rx=2, ry=2), PALE_SAND, 4)
    return [*worker(42, 6, 58), folder]


def draw_date() -> Parts:
    return calendar(12, 8, 76, 76)


def draw_home() -> Parts:
    body = outlined(Rect(20, 10, 60, 50), PALE_SAND)
    roof = outlined(Polygon([10, 58, 50, 92, 90, 58]), PALE_BLUE)
    door = outlined(Rect(42, 10, 16, 28), WHITE)
    window = outlined(Rect(26, 36, 12, 12), WHITE)
    return [body, roof, door, window]


def draw_what_matters() -> Parts:
    return [*bubble(8, 30, 84, 60, (20, 8), PALE_BLUE), heart(50, 58, 40)]


def _thumb(fill_disc: Color) -> Parts:
    disc = outlined(Circle(50, 50, 46), fill_disc, 3)
    cuff = outlined(Rect(14, 20, 16, 42, rx=3, ry=3), PALE_BLUE, 4)
    thumb = outlined(Rect(34, 50, 15, 36, rx=7, ry=7), PALE_SAND, 4)
    fist = outlined(Rect(30, 18, 46, 40, rx=9, ry=9), PALE_SAND, 4)
    fingers = [Line(50, y, 76, y, strokeColor=INK, strokeWidth=3) for y in (28, 38, 48)]
    return [disc, cuff, thumb, fist, *fingers]


def draw_working() -> Parts:
    return _thumb(PALE_GREEN)


def draw_not_working() -> Parts:
    # The same hand turned upside down: thumb down, on a pale red disc.
    hand = Group(*_thumb(PALE_RED))
    hand.transform = (-1, 0, 0, -1, 100, 100)
    return [hand]


def draw_staying_safe() -> Parts:
    shield = outlined(
        Polygon([50, 94, 86, 80, 84, 44, 72, 22, 50, 6, 28, 22, 16, 44, 14, 80]), PALE_BLUE
    )
    shackle = stroke(arc(50, 52, 11, 0, 180), width=6)
    lock = outlined(Rect(34, 28, 32, 26, rx=3, ry=3), PALE_SAND, 4)
    keyhole = Circle(50, 42, 4, fillColor=INK, strokeColor=None)
    slot = Line(50, 42, 50, 33, strokeColor=INK, strokeWidth=4)
    return [
        shield,
        Line(39, 52, 39, 58, strokeColor=INK, strokeWidth=6),
        Line(61, 52, 61, 58, strokeColor=INK, strokeWidth=6),
        shackle,
        lock,
        keyhole,
        slot,
    ]


def draw_emergency() -> Parts:
    body = outlined(Rect(4, 22, 64, 50, rx=4, ry=4), WHITE)
    cab = outlined(Polygon([66, 22, 66, 60, 82, 60, 96, 40, 96, 22]), WHITE)
    window = outlined(Polygon([72, 44, 72, 55, 80, 55, 88, 44]), PALE_BLUE, 3)
    stripe = Rect(6, 30, 60, 5, fillColor=RED, strokeColor=None)
    cross = [
        Rect(30, 42, 12, 26, fillColor=RED, strokeColor=None),
        Rect(23, 49, 26, 12, fillColor=RED, strokeColor=None),
    ]
    light = outlined(Rect(28, 72, 16, 9, rx=2, ry=2), BLUE, 3)
    beams = [stroke([x1, 86, x2, 94], BLUE, 4) for x1, x2 in ((24, 18), (36, 36), (48, 54))]
    wheels = [outlined(Circle(x, 20, 10), PALE_GREY) for x in (22, 78)]
    return [body, cab, window, stripe, *cross, light, *beams, *wheels]


def draw_advocate() -> Parts:
    speech = bubble(44, 64, 52, 30, (70, 54), PALE_PURPLE)
    lines = [Line(54, y, 86, y, strokeColor=INK, strokeWidth=3) for y in (84, 74)]
    return [*you(26, 4, 40), *person(70, 4, 40, PALE_PURPLE), *speech, *lines]


def draw_who_we_tell() -> Parts:
    sheet = paper(37, 52, 26, 36, rows=3)
    return [
        *worker(20, 4, 34),
        *person(80, 4, 34, PALE_GREY),
        *sheet,
        *arrow(36, 66, 34, PALE_SAND, 10),
    ]


def draw_agreed() -> Parts:
    # You and your social worker behind one plan: agreed together, not done yet.
    board = outlined(Rect(28, 4, 44, 52, rx=4, ry=4), PALE_SAND, 4)
    sheet = paper(33, 8, 34, 40, rows=3)
    clip = outlined(Rect(40, 50, 20, 10, rx=3, ry=3), PALE_GREY, 4)
    return [*you(22, 34, 34), *worker(78, 34, 34), board, *sheet, clip]


def draw_done() -> Parts:
    return done_badge(50, 50, 40)


def draw_not_yet_done() -> Parts:
    box = outlined(Rect(8, 30, 56, 56), WHITE, 6)
    return [box, *clock(68, 30, 24)]


def draw_next_visit() -> Parts:
    return [*calendar(6, 26, 66, 64, marked=False), *arrow(40, 96, 20, GREEN, 14)]


def draw_phone() -> Parts:
    body = outlined(Rect(30, 6, 40, 88, rx=8, ry=8), PALE_BLUE)
    screen = outlined(Rect(36, 22, 28, 58), WHITE, 3)
    button = Circle(50, 14, 4, fillColor=INK, strokeColor=None)
    return [body, screen, button]


def draw_complaint() -> Parts:
    face = outlined(Circle(30, 32, 26), PALE_SAND)
    eyes = [Circle(x, 38, 3.5, fillColor=INK, strokeColor=None) for x in (21, 39)]
    frown = stroke(arc(30, 12, 12, 55, 125), width=4)
    speech = bubble(52, 50, 44, 44, (52, 40), PALE_RED)
    mark = [
        Line(74, 86, 74, 66, strokeColor=INK, strokeWidth=7),
        Circle(74, 58, 4, fillColor=INK, strokeColor=None),
    ]
    return [face, *eyes, frown, *speech, *mark]


def draw_outcome() -> Parts:
    rings = [
        outlined(Circle(44, 44, r), fill, 4)
        for r, fill in ((38, WHITE), (26, PALE_RED), (14, WHITE))
    ]
    bull = Circle(44, 44, 6, fillColor=RED, strokeColor=None)
    shaft = stroke([44, 44, 86, 86], width=5)
    # Feathers sweep back from the shaft, so the dart points into the middle.
    feathers = [stroke([x, x, x - 4, x + 12, x, x, x + 12, x - 4], GREEN, 4) for x in (78, 86)]
    return [*rings, bull, shaft, *feathers]


def draw_closed() -> Parts:
    back = outlined(Polygon([8, 14, 8, 72, 34, 72, 40, 64, 84, 64, 84, 14]), PALE_SAND)
    front = outlined(Rect(8, 14, 76, 46, rx=3, ry=3), PALE_SAND)
    return [back, front, *done_badge(76, 24, 18)]


def draw_help_to_read() -> Parts:
    sheet = paper(6, 10, 44, 60, rows=4)
    speech = bubble(52, 66, 44, 28, (56, 52), PALE_BLUE)
    lines = [Line(60, y, 88, y, strokeColor=INK, strokeWidth=3) for y in (84, 76)]
    return [*sheet, *person(76, 4, 36, PALE_PURPLE), *speech, *lines]
