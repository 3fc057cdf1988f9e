"""Render the app icon (an SVG) to the PNG sizes desktops use, and an .ico for Windows.

Usage: render_icons.py APP.svg OUTDIR  (run with QT_QPA_PLATFORM=offscreen)
Writes OUTDIR/msp-desktop-<size>.png, OUTDIR/msp-desktop.png (256 px) and
OUTDIR/msp-desktop.ico. Generated at build time, never committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(svg: Path, out: Path) -> None:
    """Write the PNGs and the .ico for ``svg`` into ``out``."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: {svg} is not a valid SVG")
    out.mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if not image.save(str(out / f"msp-desktop-{size}.png")):
            raise SystemExit(f"render_icons: could not write the {size} px icon")
    (out / "msp-desktop.png").write_bytes((out / "msp-desktop-256.png").read_bytes())
    largest = Image.open(out / "msp-desktop-256.png")
    largest.save(out / "msp-desktop.ico", sizes=[(s, s) for s in SIZES])


if __name__ == "__main__":
    app = QGuiApplication(sys.argv[:1])
    render(Path(sys.argv[1]), Path(sys.argv[2]))
