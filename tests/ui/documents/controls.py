"""Checks the documents tests share: accessible names and looking at the screen."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QGroupBox, QWidget


def assert_every_control_named(window: QWidget) -> None:
    """Every button, group and view a person can reach has a name a screen reader speaks."""
    controls = [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QGroupBox | QAbstractScrollArea)
        and w.isVisibleTo(window)
    ]
    assert controls
    unnamed = [f"{type(w).__name__} {w.objectName()!r}" for w in controls if not w.accessibleName()]
    assert not unnamed


def save_grab(widget: QWidget, path: Path) -> None:
    """Grab ``widget`` as a PNG (also to ``$MSP_GRAB_DIR`` when set, to look at)."""
    image = widget.grab()
    assert image.save(str(path))
    folder = os.environ.get("MSP_GRAB_DIR")
    if folder:
        image.save(str(Path(folder) / path.name))
