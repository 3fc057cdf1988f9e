"""The settings dialog: idle lock, clipboard time, text size and high contrast.

These are the app's settings, kept per login; the team's details printed on the person's
copies belong to the workspace, so while one is unlocked a button opens their own
dialog (``team_details_requested``; the session knows the workspace).

Saving writes the settings file at once and emits ``applied`` with the new settings, so
the session can retime the idle lock and the clipboard guard and apply the theme while
the dialog closes. A save that fails (a full disk) says so and keeps the dialog open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from msp_desktop.errors import KnownError
from msp_desktop.settings import DESCRIPTIONS, Settings, save_settings
from ui import messages
from ui.a11y import buddy, name_buttons, named
from ui.dialog_parts import heading, plain_buttons
from ui.i18n import N_, tr, tr_marked
from ui.screen_fit import keep_on_screen

SAVE_FAILED = N_(
    "The settings could not be saved, so nothing was changed. "
    "Try again, or ask IT to check that your profile folder can be written to."
)


def _spin_box(
    settings_field: str, suffix: str, step: int, parent: QWidget, *, name: str
) -> QSpinBox:
    """A spin box limited to the range the ``Settings`` model allows for the field."""
    box = QSpinBox(parent)
    box.setObjectName(f"settings.{settings_field}")
    low, high = _limits(settings_field)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setSuffix(suffix)
    box.setAccessibleName(name)
    box.lineEdit().setAccessibleName(name)  # the text field inside, which readers reach
    description = tr_marked(DESCRIPTIONS[settings_field])
    box.setAccessibleDescription(description)
    box.setToolTip(description)
    return box


def _limits(settings_field: str) -> tuple[int, int]:
    low = high = None
    for rule in Settings.model_fields[settings_field].metadata:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    assert isinstance(low, int)
    assert isinstance(high, int)
    return low, high


class SettingsDialog(QDialog):
    """Edits a copy of ``settings``; ``applied(Settings)`` once they are saved."""

    applied = Signal(object)
    team_details_requested = Signal()

    def __init__(
        self,
        settings: Settings,
        path: Path | None = None,
        parent: QWidget | None = None,
        *,
        workspace_open: bool = False,
    ) -> None:
        super().__init__(parent)
        keep_on_screen(self)  # within the screen at any text size
        self._path = path
        self.saved: Settings | None = None
        self.setObjectName("dialog.settings")
        self.setWindowTitle(tr("Settings"))

        self.idle_spin = _spin_box(
            "idle_lock_minutes", tr(" minutes"), 1, self, name=tr("Lock after minutes idle")
        )
        self.clipboard_spin = _spin_box(
            "clipboard_clear_seconds",
            tr(" seconds"),
            5,
            self,
            name=tr("Clear copied text after seconds"),
        )
        self.scale_spin = _spin_box(
            "text_scale_percent", tr(" %"), 10, self, name=tr("Text size, percent")
        )
        self.contrast_check = named(
            QCheckBox(tr("&High contrast (black on white, thick focus outline)"), self),
            tr("High contrast"),
            tr_marked(DESCRIPTIONS["high_contrast"]),
        )
        self.contrast_check.setObjectName("settings.high_contrast")

        form = QFormLayout()
        form.addRow(buddy(tr("&Lock after"), self.idle_spin, self), self.idle_spin)
        form.addRow(
            buddy(tr("&Clear copied text after"), self.clipboard_spin, self), self.clipboard_spin
        )
        form.addRow(buddy(tr("&Text size"), self.scale_spin, self), self.scale_spin)
        form.addRow(self.contrast_check)

        self.team_button = QPushButton(tr("Team &details on the person's copies…"), self)
        self.team_button.setObjectName("settings.team_details")
        named(
            self.team_button,
            tr("Team details on the person's copies"),
            tr("The team's name and phone number, printed on the person's copies."),
        )
        self.team_button.setAutoDefault(False)  # Enter saves the settings
        self.team_button.clicked.connect(self.team_details_requested)
        self.team_button.setVisible(workspace_open)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("settings.save")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("settings.cancel")
        name_buttons(self.buttons)
        plain_buttons(self.buttons)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading(tr("Settings"), self))
        layout.addLayout(form)
        team_row = QHBoxLayout()  # the button as wide as its words, not the dialog
        team_row.addWidget(self.team_button)
        team_row.addStretch(1)
        layout.addLayout(team_row)
        layout.addWidget(self.buttons)
        self.show_settings(settings)

    def show_settings(self, settings: Settings) -> None:
        """Fill the controls from ``settings``."""
        self._original = settings
        self.idle_spin.setValue(settings.idle_lock_minutes)
        self.clipboard_spin.setValue(settings.clipboard_clear_seconds)
        self.scale_spin.setValue(settings.text_scale_percent)
        self.contrast_check.setChecked(settings.high_contrast)

    def chosen(self) -> Settings:
        """The settings as the controls show them now."""
        return self._original.model_copy(
            update={
                "idle_lock_minutes": self.idle_spin.value(),
                "clipboard_clear_seconds": self.clipboard_spin.value(),
                "text_scale_percent": self.scale_spin.value(),
                "high_contrast": self.contrast_check.isChecked(),
            }
        )

    def _save(self) -> None:
        settings = Settings.model_validate(self.chosen().model_dump())
        try:
            save_settings(settings, self._path)
        except KnownError as exc:  # a full disk
            messages.show_error(self, exc)
            return
        except OSError:
            messages.show_error(self, KnownError(tr_marked(SAVE_FAILED)))
            return
        self.saved = settings
        self.applied.emit(settings)
        self.accept()
