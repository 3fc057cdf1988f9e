"""Reading PDFs back with real tools: poppler-utils (pdftotext, pdffonts, pdfinfo).

Poppler reads from standard input ("-"), so no PDF is written to disk. One extra
check needs no tool: the font sizes a page sets (``Tf`` operators), read from the
content streams with zlib.
"""

from __future__ import annotations

import base64
import re
import subprocess
import zlib
from dataclasses import dataclass
from html import unescape

import pytest

POPPLER = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm")

# The fixture lives in this folder's conftest.py, where pytest finds it.
needs_poppler = pytest.mark.usefixtures("poppler")


def _run(tool: str, *args: str, pdf: bytes) -> str:
    result = subprocess.run(
        [tool, *args, "-", *(["-"] if tool == "pdftotext" else [])],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


def text(pdf: bytes) -> str:
    """The PDF's text with all runs of whitespace (line breaks too) as one space."""
    return " ".join(_run("pdftotext", pdf=pdf).split())


def reading_order(pdf: bytes) -> str:
    """The PDF's text in the order the pages draw it (``pdftotext -raw``), whitespace
    runs as one space.

    That is the order a screen reader follows in a PDF without structure tags. For
    Welsh and English side by side it gives each block whole, Welsh then English,
    where poppler's default reading joins the two columns line by line.
    """
    return " ".join(_run("pdftotext", "-raw", pdf=pdf).split())


def info(pdf: bytes) -> dict[str, str]:
    """``pdfinfo``'s fields, e.g. ``{"Title": ..., "Pages": "3"}``."""
    fields = {}
    for line in _run("pdfinfo", pdf=pdf).splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


@dataclass(frozen=True)
class Font:
    name: str
    type: str
    embedded: bool


def fonts(pdf: bytes) -> list[Font]:
    """Every font ``pdffonts`` lists, with whether it is embedded."""
    rows = _run("pdffonts", pdf=pdf).splitlines()[2:]
    found = []
    for row in rows:
        parts = row.split()
        # name type [type words...] encoding emb sub uni object id
        found.append(Font(parts[0], " ".join(parts[1:-6]), parts[-5] == "yes"))
    return found


@dataclass(frozen=True)
class Word:
    text: str
    height: float
    x: float = 0.0
    """Left edge, points from the page's left."""
    y: float = 0.0
    """Top edge, points from the page's top."""
    page: int = 1


def words(pdf: bytes) -> list[Word]:
    """Every word with its box (``pdftotext -bbox``) in points, and its page."""
    html = _run("pdftotext", "-bbox", pdf=pdf)
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>'
    return [
        Word(unescape(word), float(y_max) - float(y_min), float(x_min), float(y_min), page)
        for page, text in enumerate(html.split("<page ")[1:], start=1)
        for x_min, y_min, y_max, word in re.findall(pattern, text)
    ]


def content_streams(pdf: bytes) -> list[bytes]:
    """The page content streams of ``pdf``, decoded.

    reportlab writes them ASCII85 + Flate encoded; streams of embedded font files (their
    dictionaries have ``/Length1``) and of images and forms (``/Subtype``) are skipped.
    """
    streams: list[bytes] = []
    for body in re.findall(rb"\d+ 0 obj(.*?)endobj", pdf, re.S):
        header, found, rest = body.partition(b"stream")
        if not found or b"/Length1" in header or b"/Subtype" in header:
            continue
        data = rest.split(b"endstream")[0].strip(b"\r\n")
        if b"ASCII85Decode" in header:
            data = base64.a85decode(data.strip().removesuffix(b"~>"))
        if b"FlateDecode" in header:
            data = zlib.decompress(data)
        streams.append(data)
    return streams


def font_sizes(pdf: bytes) -> set[float]:
    """Every font size the pages set with the ``Tf`` operator (``content_streams``)."""
    return {
        float(size)
        for data in content_streams(pdf)
        for size in re.findall(rb"/\S+\s+([\d.]+)\s+Tf\b", data)
    }


def language(pdf: bytes) -> str | None:
    """The document's /Lang entry (reportlab writes the catalogue uncompressed)."""
    match = re.search(rb"/Lang \(([^)]*)\)", pdf)
    return match.group(1).decode("ascii") if match else None
