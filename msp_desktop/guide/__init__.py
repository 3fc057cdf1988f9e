"""The conversation guide as data: steps and questions a practice lead can change.

A guide lives in ``resources/guides/<name>.toml``; ``load_guide`` reads and checks it
against the record model, so a question that cannot be answered into a ``Visit`` is
an error at start-up, with the line of the file to fix. The UI walks
``Guide.steps_for(stage)``, reads and writes answers with ``read_answer`` /
``with_answer`` and shows each step's practice findings with ``findings_for``.
``available_guides`` lists every shipped guide and ``guide_for`` picks a visit's own.
No Qt and no I/O beyond reading the shipped file.
"""

from msp_desktop.guide.answers import (
    read_answer,
    read_field,
    with_answer,
    with_concern_answer,
    with_field,
)
from msp_desktop.guide.catalogue import (
    available_guides,
    guide_file,
    guide_for,
    guide_named,
    shipped_guide_ids,
)
from msp_desktop.guide.findings import FINDINGS, findings_for
from msp_desktop.guide.loader import (
    DEFAULT_GUIDE,
    GuideError,
    GuideProblem,
    decode_guide,
    load_guide,
    parse_guide,
)
from msp_desktop.guide.options import Option, options_for
from msp_desktop.guide.plan import carried_part, reviewed_part, shows_review
from msp_desktop.guide.schema import (
    DEFAULT_LANGUAGE,
    AnswerKind,
    Guide,
    LocalText,
    Question,
    Step,
)

__all__ = [
    "DEFAULT_GUIDE",
    "DEFAULT_LANGUAGE",
    "FINDINGS",
    "AnswerKind",
    "Guide",
    "GuideError",
    "GuideProblem",
    "LocalText",
    "Option",
    "Question",
    "Step",
    "available_guides",
    "carried_part",
    "decode_guide",
    "findings_for",
    "guide_file",
    "guide_for",
    "guide_named",
    "load_guide",
    "options_for",
    "parse_guide",
    "read_answer",
    "read_field",
    "reviewed_part",
    "shipped_guide_ids",
    "shows_review",
    "with_answer",
    "with_concern_answer",
    "with_field",
]
