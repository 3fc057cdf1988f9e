"""The office side: enrol devices, verify and import their bundles, issue receipts.

``msp-office`` (``office.cli``) is the command line; the core is ``importer`` (checks
and imports), ``database`` (the ``OfficeStore`` interface and its SQLite backend),
``devices``, ``quarantine`` and ``keys`` (the office folder and its keys). The bundle
format itself is ``msp_desktop.bundles``; the office never imports the device's
store, command line or UI.
"""

from __future__ import annotations

from msp_desktop.office.database import OfficeStore, SqliteOfficeStore
from msp_desktop.office.importer import Checked, Importer, ImportOutcome
from msp_desktop.office.keys import OfficeKeys, OfficeLayout

__all__ = [
    "Checked",
    "ImportOutcome",
    "Importer",
    "OfficeKeys",
    "OfficeLayout",
    "OfficeStore",
    "SqliteOfficeStore",
]
