"""The office side: enrol devices, verify and import their bundles, issue receipts.

By role:

- ``cli``: ``msp-office``, the command line;
- ``inbox``: the HTTPS inbox service (``msp-office serve``);
- ``db``: the office database (the ``OfficeStore`` interface, SQLite and PostgreSQL);
- ``reports``: the national figures as PDF and CSV (``msp-office report``).

The core they share stays here: ``importer`` (checks and imports, with ``planning``),
``devices``, ``quarantine``, ``keys`` (the office folder and its keys), ``files`` and
``errors``. The bundle format itself is ``msp_desktop.bundles``; the office never
imports the device's store, command line or UI, and nothing but ``cli`` imports
``cli`` (import-linter contracts in pyproject.toml).
"""

from __future__ import annotations

from msp_desktop.office.db.sqlite import SqliteOfficeStore
from msp_desktop.office.db.store import OfficeStore
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
