"""Our own easy-read pictures, drawn in code as reportlab Drawings, with their alt text.

Easy read needs a picture beside every point (picture left, words right), and the
picture must mean what the words beside it say. Picture banks such as Photosymbols or
Widgit cannot be bundled without a licence, so these are simple drawings of our own:
calm colours, thick dark outlines on pale fills, adult and never decorative, no text
inside (nothing needs a font or a translation), each readable at 2 cm.

``IDEAS`` names one distinct picture for each idea in the person's documents; the
older names stay for the feedback form and earlier callers (``ALIASES`` maps the ones
that are now the same idea). Every picture has a description, used as its alt text in
the PDF (see ``PictureDrawing``) and in the resources table of ``docs/easy-read.md``.

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
from reportlab.lib.attrmap import AttrMap, AttrMapValue
from reportlab.lib.validators import isString

from msp_desktop.documents import picture_ideas as ideas
from msp_desktop.documents.picture_parts import (
    GREEN,
    INK,
    LINE,
    PALE_BLUE,
    PALE_GREEN,
    PALE_GREY,
    PALE_SAND,
    bubble,
)
from msp_desktop.pdf import register_fonts

__all__ = ["ALIASES", "IDEAS", "PICTURES", "PictureDrawing", "description", "picture"]

Draw = Callable[[], list[object]]


def _speech() -> list[object]:
    parts = bubble(8, 30, 84, 58, (18, 10), PALE_BLUE)
    lines = [Line(22, y, 78, y, strokeColor=INK, strokeWidth=4) for y in (72, 59, 46)]
    return [*parts, *lines]


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
    dot = Circle(50, 35, 4.5, fillColor=INK, strokeColor=None)
    return [*parts, mark, dot]


def _face(smile: float, fill: colors.Color = PALE_SAND) -> list[object]:
    """A calm face; ``smile`` runs from -1 (turned down) to 1 (broad smile)."""
    head = Circle(50, 50, 42, fillColor=fill, strokeColor=INK, strokeWidth=LINE)
    eyes = [Circle(x, 60, 5, fillColor=INK, strokeColor=None) for x in (35, 65)]
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


IDEAS: dict[str, tuple[Draw, str]] = {
    "you": (ideas.draw_you, "A person in a blue top: you."),
    "social_worker": (
        ideas.draw_social_worker,
        "A person in green with an ID badge and a folder: your social worker.",
    ),
    "date": (ideas.draw_date, "A calendar with one day marked: the date."),
    "home": (ideas.draw_home, "A house: your home."),
    "what_matters": (
        ideas.draw_what_matters,
        "A speech bubble with a heart: what matters to you.",
    ),
    "working": (ideas.draw_working, "A thumb up on green: what is working well."),
    "not_working": (ideas.draw_not_working, "A thumb down on red: what is not working."),
    "staying_safe": (ideas.draw_staying_safe, "A shield with a padlock: staying safe."),
    "emergency": (
        ideas.draw_emergency,
        "An ambulance with a blue light: an emergency.",
    ),
    "advocate": (
        ideas.draw_advocate,
        "You and another person who speaks for you: an advocate.",
    ),
    "who_we_tell": (
        ideas.draw_who_we_tell,
        "Your social worker passing a paper to another person: who we will tell.",
    ),
    "agreed": (
        ideas.draw_agreed,
        "You and your social worker with a plan on a clipboard: what we agreed.",
    ),
    "done": (ideas.draw_done, "A green tick in a circle: this is done."),
    "not_yet_done": (
        ideas.draw_not_yet_done,
        "An empty box and a clock: this is not done yet.",
    ),
    "next_visit": (
        ideas.draw_next_visit,
        "A calendar with an arrow: when we will see you next.",
    ),
    "phone": (ideas.draw_phone, "A mobile phone: phone us."),
    "complaint": (
        ideas.draw_complaint,
        "An unhappy face saying something: how to complain.",
    ),
    "outcome": (ideas.draw_outcome, "An arrow in the middle of a target: what you wanted."),
    "closed": (
        ideas.draw_closed,
        "A closed folder with a green tick: our work has finished.",
    ),
    "help_to_read": (
        ideas.draw_help_to_read,
        "A paper and a person reading it out: help to read this.",
    ),
}
"""Idea name -> (drawing parts, description): one distinct picture per idea."""

_OTHERS: dict[str, tuple[Draw, str]] = {
    "speech": (_speech, "A speech bubble: what you told us."),
    "next": (_next, "Stepping stones and an arrow: what happens next."),
    "question": (_question, "A speech bubble with a question mark: a question for you."),
    "not_at_all": (lambda: _face(-0.6), "A face looking unhappy: not at all."),
    "a_little": (lambda: _face(0.0), "A face with a straight mouth: a little."),
    "quite_a_bit": (lambda: _face(0.6), "A face with a small smile: quite a bit."),
    "a_lot": (lambda: _face(1.2, PALE_GREEN), "A face with a big smile: a lot."),
    "prefer_not_to_say": (_prefer_not, "A grey face with closed eyes: prefer not to say."),
    "tick_box": (_tick_box, "An empty box to tick."),
}

ALIASES: dict[str, str] = {"person": "you", "house": "home", "calendar": "date", "tick": "agreed"}
"""Older names -> the idea they now draw. "tick" was drawn beside every agreed action,
done or not; it now draws "agreed", so no older caller shows a tick for work not done."""

PICTURES: dict[str, tuple[Draw, str]] = {
    **IDEAS,
    **_OTHERS,
    **{old: IDEAS[new] for old, new in ALIASES.items()},
}
"""Every picture name -> (drawing parts, description)."""


def description(name: str) -> str:
    """The plain-words description (alt text) of the picture ``name``."""
    return _entry(name)[1]


def _entry(name: str) -> tuple[Draw, str]:
    try:
        return PICTURES[name]
    except KeyError:
        raise ValueError(f"There is no easy-read picture called {name!r}.") from None


def _pdf_text(text: str) -> str:
    """``text`` as a PDF hex string in UTF-16 (any letter, no escaping to get wrong)."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


class PictureDrawing(Drawing):  # type: ignore[misc]
    """A picture that carries its description into the PDF as alt text.

    reportlab (the open-source version) cannot write a tagged PDF: there is no
    structure tree, so no /Figure element to hang /Alt on. What it does allow is raw
    content-stream operators, so the drawing is wrapped in a marked-content sequence
    ``/Span <</Alt (description)>> BDC ... EMC``, the form PDF 32000-1 section 14.9.3
    gives for an alternate description of content outside the structure tree. Tools
    that read marked content find the description; readers that only follow tags do not.
    """

    # reportlab shapes accept only the attributes their map lists.
    _attrMap = AttrMap(BASE=Drawing, description=AttrMapValue(isString, desc="alt text"))
    description: str = ""

    def draw(self, showBoundary: object = None) -> None:
        self.canv.addLiteral(f"/Span <</Alt {_pdf_text(self.description)}>> BDC")
        super().draw()
        self.canv.addLiteral("EMC")


def picture(name: str, size: float, alt: str | None = None) -> Drawing:
    """The picture ``name`` (a key of ``PICTURES``) as a square Drawing ``size`` points wide.

    ``alt`` replaces the description as the PDF's alt text (for a translated one).
    Raises ValueError, in one sentence, for a name with no picture.
    """
    parts, text = _entry(name)
    scale = size / 100
    group = Group(*parts())
    group.scale(scale, scale)
    drawing = PictureDrawing(size, size)
    drawing.description = alt if alt is not None else text
    # The drawing's default font is Helvetica; naming ours keeps every font embedded.
    drawing.initialFontName = register_fonts()
    drawing.add(group)
    return drawing
