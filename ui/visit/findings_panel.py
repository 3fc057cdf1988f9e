"""Practice findings shown where they arise, in plain words: guidance, not errors.

Each finding says in words how much it matters ("Needed before finalising",
"Worth considering", "For your information"), so nothing depends on colour.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from msp_desktop.practice import Finding, Severity
from ui.a11y import announce, mark_heading
from ui.i18n import N_, tr, tr_marked, tr_n

SEVERITY_WORDS = {
    Severity.REQUIRED: N_("Needed before finalising"),
    Severity.WARNING: N_("Worth considering"),
    Severity.INFO: N_("For your information"),
}


class FindingsPanel(QFrame):
    """A calm box listing the findings for the current step (hidden when none)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findings")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QVBoxLayout(self)
        self.heading = QLabel(tr("Things to think about"), self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        mark_heading(self.heading, 3)
        self._layout.addWidget(self.heading)
        self.lines: list[QLabel] = []
        self.setAccessibleName(tr("Things to think about"))
        self.hide()

    def show_findings(self, findings: list[Finding], step_title: str = "") -> None:
        """Replace what is shown with ``findings`` (on the step called ``step_title``)."""
        before = self.texts()
        for line in self.lines:
            line.deleteLater()
        self.lines = []
        for finding in findings:
            # "(Support to decide)" tells where to go; on that very step it is noise.
            message = (
                finding.message.replace(f" ({step_title}).", ".")
                if step_title
                else (finding.message)
            )
            severity = tr_marked(SEVERITY_WORDS[finding.severity])
            shown = tr(
                "<b>{severity}:</b> {message}", severity=escape(severity), message=escape(message)
            )
            line = QLabel(shown, self)
            line.setTextFormat(Qt.TextFormat.RichText)
            line.setAccessibleName(tr("{severity}: {message}", severity=severity, message=message))
            line.setWordWrap(True)
            line.setObjectName(f"finding.{finding.code}")
            self._layout.addWidget(line)
            self.lines.append(line)
        said = self.texts()
        self.setVisible(bool(findings))
        if said != before and said:
            announce(
                self,
                tr_n("{count} thing to think about", "{count} things to think about", len(said)),
            )

    def texts(self) -> list[str]:
        """The lines shown, as words (for tests and the screen reader summary)."""
        return [line.accessibleName() for line in self.lines]
