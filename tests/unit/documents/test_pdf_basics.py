"""Every document: A4, fonts embedded (no Helvetica), metadata, language, page numbers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from msp_desktop.documents import feedback_form, office_record, person_summary
from tests.unit.documents import pdftools
from tests.unit.documents.records import RETURN_ADDRESS, SERVICE, WORKER, Case, make_case

pytestmark = pdftools.needs_poppler

Build = Callable[[Case], bytes]


def _summary(style: str, lang: str) -> Build:
    return lambda case: person_summary(
        case.person,
        case.concern,
        case.visit,
        style=style,  # type: ignore[arg-type]
        lang=lang,  # type: ignore[arg-type]
        worker_name=WORKER,
        service=SERVICE,
    )


DOCUMENTS: dict[str, tuple[Build, str]] = {
    **{
        f"summary-{style}-{lang}": (_summary(style, lang), lang)
        for style in ("plain", "large-print", "easy-read")
        for lang in ("en", "cy")
    },
    "office-record": (
        lambda case: office_record(case.person, case.concern, case.revisions, service=SERVICE),
        "en",
    ),
    **{
        f"feedback-{lang}": (
            lambda case, lang=lang: feedback_form(
                case.concern, lang=lang, service=SERVICE, return_address=RETURN_ADDRESS
            ),
            lang,
        )
        for lang in ("en", "cy")
    },
}


@pytest.fixture(scope="module", params=sorted(DOCUMENTS))
def document(request: pytest.FixtureRequest) -> tuple[bytes, str]:
    build, lang = DOCUMENTS[request.param]
    return build(make_case()), lang


def test_is_a_pdf_in_memory(document: tuple[bytes, str]) -> None:
    pdf, _lang = document
    assert pdf.startswith(b"%PDF-")


def test_every_font_is_embedded_and_none_is_helvetica(document: tuple[bytes, str]) -> None:
    pdf, _lang = document
    found = pdftools.fonts(pdf)
    assert found
    assert all(font.embedded for font in found), found
    assert not any("Helvetica" in font.name for font in found)
    assert {font.name.split("+")[-1] for font in found} <= {"DejaVuSans", "DejaVuSans-Bold"}


def test_metadata_and_language(document: tuple[bytes, str]) -> None:
    pdf, lang = document
    meta = pdftools.info(pdf)
    assert meta["Title"]
    assert meta["Author"] == SERVICE.name  # the service, never the worker
    assert WORKER not in meta["Author"]
    assert meta["Subject"]
    assert meta["Creator"] == "MSP Desktop"
    assert meta["Page size"].startswith("595.276 x 841.89")  # A4
    assert pdftools.language(pdf) == {"en": "en-GB", "cy": "cy-GB"}[lang]


def test_every_page_is_numbered(document: tuple[bytes, str]) -> None:
    pdf, lang = document
    pages = int(pdftools.info(pdf)["Pages"])
    word = {"en": "Page {} of {}", "cy": "Tudalen {} o {}"}[lang]
    text = pdftools.text(pdf)
    for page in range(1, pages + 1):
        assert word.format(page, pages) in text
