"""Shared records for the document tests."""

from __future__ import annotations

import pytest

from tests.tools import require_tools
from tests.unit.documents import pdftools
from tests.unit.documents.records import Case, make_case


@pytest.fixture
def case() -> Case:
    """Ada Example with a visit full of canaries."""
    return make_case()


@pytest.fixture
def poppler() -> None:
    """poppler-utils reads the PDFs back; missing, it skips (and in CI, fails)."""
    require_tools(*pdftools.POPPLER, package="poppler-utils")
