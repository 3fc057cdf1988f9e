"""What a practice rule reports: a finding with a plain-English reason."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Finding", "Severity", "by_severity"]


class Severity(enum.StrEnum):
    """How strongly a finding asks for action."""

    REQUIRED = "required"
    """Must be acted on before the visit can be finalised."""
    WARNING = "warning"
    """The worker should consider it; finalising is still allowed."""
    INFO = "info"
    """Confirms something is in hand."""


_RANK = {Severity.REQUIRED: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One result of a practice rule, shown to the worker as-is.

    ``code`` is a stable snake_case id for code and tests (never shown); ``message``
    is one or two plain sentences a social worker would understand, naming the step
    of the conversation in brackets where that helps; ``where`` is the dotted path of
    the field it concerns (the same paths as ``msp_desktop.model.iter_notes``, with
    ``concern.`` in front of fields of the concern), so the UI can take the worker
    there.
    """

    code: str
    severity: Severity
    message: str
    where: str

    @property
    def blocks_finalising(self) -> bool:
        """Whether this finding stops the visit being finalised."""
        return self.severity is Severity.REQUIRED


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` with required first, then warnings, then info; otherwise in order."""
    return sorted(findings, key=lambda finding: _RANK[finding.severity])
