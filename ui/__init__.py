"""The MSP Desktop app (PySide6 widgets): the only package that imports Qt.

Requirement numbers cited here (S1-S25) are defined in ``docs/security.md``; the
practice the screens follow is in ``docs/practice.md``.
"""
