"""Kept so older imports (the documents benchmark) still work.

Making the documents from an open workspace moved to ``msp_desktop.store.documents_io``,
which the ``msp`` commands and the desktop app share.
"""

from __future__ import annotations

from msp_desktop.store.documents_io import (
    LangName,
    Made,
    StyleName,
    feedback_form_pdf,
    finalised_record,
    office_record_pdf,
    service_details,
    summary_pdf,
)

__all__ = [
    "LangName",
    "Made",
    "StyleName",
    "feedback_form_pdf",
    "finalised_record",
    "office_record_pdf",
    "service_details",
    "summary_pdf",
]
