"""WCAG 2 contrast, measured from rendered pixels (``QWidget.grab()``), not the palette.

An auditor measures what is on the screen: the colour of the text's darkest (or
lightest) pixel against the background around it, the colour of a box's edge against
the page it sits on. These helpers do the same with the image a widget renders, so a
style sheet, a style's own drawing or anti-aliasing is all counted as shown.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

TEXT_MINIMUM = 4.5  # WCAG 1.4.3, normal-size text
NON_TEXT_MINIMUM = 3.0  # WCAG 1.4.11: edges of controls, focus indicators


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def ratio(one: QColor, other: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def image_of(widget: QWidget, area: QRect | None = None) -> QImage:
    """What the screen shows of ``widget`` (or of ``area`` in it): its window is drawn
    and the widget's rectangle cut out, so the backgrounds of the widgets behind it,
    and anything covering it, are in the picture as a person sees them. One image
    pixel per device-independent pixel, so positions in the widget are positions in
    the image."""
    box = area if area is not None else QRect(QPoint(0, 0), widget.size())
    window = widget.window()
    shown = QRect(widget.mapTo(window, box.topLeft()), box.size())
    pixmap = window.grab(shown)
    if pixmap.isNull():  # wholly outside its window: nothing of it is on the screen
        blank = QImage(box.size(), QImage.Format.Format_RGB32)
        blank.fill(0)
        return blank
    pixmap.setDevicePixelRatio(1.0)
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
    if image.size() != box.size():
        image = image.scaled(box.size())
    return image


def _rows(image: QImage, box: QRect) -> list[memoryview]:
    """The pixels of ``box`` as rows of 0xAARRGGBB integers (fast to compare and count)."""
    whole = memoryview(bytes(image.constBits())).cast("I")
    width = image.bytesPerLine() // 4
    return [
        whole[y * width + box.left() : y * width + box.right() + 1]
        for y in range(box.top(), box.bottom() + 1)
    ]


def colours(image: QImage, area: QRect | None = None) -> Counter[int]:
    """How many pixels of each colour (as 0xRRGGBB) ``image`` has in ``area``."""
    box = (area or image.rect()).intersected(image.rect())
    counts: Counter[int] = Counter()
    for row in _rows(image, box):
        counts.update(rgb & 0xFFFFFF for rgb in row)
    return counts


def background(image: QImage, area: QRect | None = None) -> QColor:
    """The commonest colour in ``area``: the background text and marks sit on."""
    return QColor(colours(image, area).most_common(1)[0][0])


def text_contrast(image: QImage, area: QRect | None = None) -> float:
    """Contrast of the text in ``area`` against its background: the pixel that stands
    out most from the commonest colour (the core of a glyph stroke, as an auditor's
    eyedropper would pick it)."""
    counts = colours(image, area)
    back = QColor(counts.most_common(1)[0][0])
    return max(ratio(QColor(rgb), back) for rgb in counts)


def edge_contrast(image: QImage, y: int, outside: int, inward: int, depth: int = 3) -> float:
    """Contrast of a control's edge against the page just outside it.

    Reads row ``y`` of ``image``: the page colour at x = ``outside``, and the edge as the
    pixel within ``depth`` pixels from x = ``inward`` (the first pixel of the control)
    that stands out most from the page.
    """
    page = QColor(image.pixel(outside, y))
    step = 1 if inward >= outside else -1
    edge = [QColor(image.pixel(inward + step * i, y)) for i in range(depth)]
    return max(ratio(colour, page) for colour in edge)


def mark_pixels(unfocused: QImage, focused: QImage, minimum: float = NON_TEXT_MINIMUM) -> int:
    """How many pixels the focus changed by at least ``minimum``:1 (WCAG 2.2's measure of
    a focus indicator: the change between the two states, pixel by pixel)."""
    assert unfocused.size() == focused.size(), "the two states must be the same size"
    rect = focused.rect()
    changed = 0
    seen: dict[tuple[int, int], bool] = {}
    for before_row, after_row in zip(_rows(unfocused, rect), _rows(focused, rect), strict=True):
        if before_row == after_row:
            continue
        for before, after in zip(before_row, after_row, strict=True):
            if before == after:
                continue
            key = (before & 0xFFFFFF, after & 0xFFFFFF)
            if key not in seen:
                seen[key] = ratio(QColor(key[0]), QColor(key[1])) >= minimum
            changed += seen[key]
    return changed
