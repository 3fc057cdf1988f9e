"""The UI's translation functions: the core's one mechanism, ``msp_desktop.i18n``.

``tr("literal", name=...)`` for a message, ``tr_n(singular, plural, count)`` for one
with plural forms, ``N_`` to mark a message kept in a table and ``tr_marked(value)``
where it is shown. Widgets never build a sentence by concatenation.
"""

from __future__ import annotations

from msp_desktop.i18n import N_, Message, tr, tr_marked, tr_n

__all__ = ["N_", "Message", "tr", "tr_marked", "tr_n"]
