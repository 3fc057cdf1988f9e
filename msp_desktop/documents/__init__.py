"""Printable documents as PDF bytes in memory (reportlab); nothing here writes a file.

- ``person_summary``: the person's copy of a conversation (plain, large print or
  easy read; English or Welsh), built only from text visible to the person.
- ``office_record``: everything, third-party and internal text marked, revisions,
  practice findings and the guide used.
- ``feedback_form``: the four experience questions in easy read.

Built on the PDF base ``msp_desktop.pdf`` (fonts, the numbered A4 page, style
helpers, shared with the office report); this package keeps what is only about the
person's documents: formats, pictures and wording. Imports ``model``, ``practice``
and ``pdf`` only (never ``store``, ``cli`` or Qt).
"""

from msp_desktop.documents.feedback import feedback_form
from msp_desktop.documents.layout import Format
from msp_desktop.documents.office import VisitRevision, office_record
from msp_desktop.documents.summary import ServiceDetails, person_summary

__all__ = [
    "Format",
    "ServiceDetails",
    "VisitRevision",
    "feedback_form",
    "office_record",
    "person_summary",
]
