"""The one way to translate: gettext catalogues, for the core's documents and for the UI.

- ``tr("Your name: {name}", name=...)``: a message, written as a string literal so the
  extraction (``make translations``) finds it; placeholders are filled after translation.
- ``tr_n("{count} person", "{count} people", n)``: a message with plural forms.
- ``N_("May")`` marks a message kept in a table; where it is shown, ``tr_marked(value)``
  translates it. Only ``N_`` makes a ``Message``, so mypy refuses ``tr_marked`` of any
  other string, and a test refuses a translation call whose message is not a literal.
- ``translator("cy")`` translates into one language explicitly: the person's documents
  are made in the person's language, whatever the app's.

The module-level ``tr``, ``tr_n`` and ``tr_marked`` speak the app's language, English:
the workers' app is in English and its messages are the catalogue's source text. The
Welsh catalogue is ``resources/locale/cy/LC_MESSAGES/msp.po``; each Welsh string carries
its confidence grade (``review``). The conversation guide keeps its own English and
Welsh (``LocalText``), because a guide is edited without a new release.
"""

from __future__ import annotations

from msp_desktop.i18n.translator import (
    APP_LANGUAGE,
    LANGUAGES,
    N_,
    Lang,
    Message,
    Translator,
    translator,
)

__all__ = [
    "APP_LANGUAGE",
    "LANGUAGES",
    "N_",
    "Lang",
    "Message",
    "Translator",
    "tr",
    "tr_marked",
    "tr_n",
    "translator",
]


def tr(text: str, /, **values: object) -> str:
    """``text`` (a string literal) in the app's language, placeholders filled in."""
    return translator(APP_LANGUAGE).tr(text, **values)


def tr_n(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The form of a message that fits ``count`` in the app's language, ``{count}`` filled in."""
    return translator(APP_LANGUAGE).tr_n(singular, plural, count, **values)


def tr_marked(message: Message, /, **values: object) -> str:
    """A message marked with ``N_``, in the app's language, placeholders filled in."""
    return translator(APP_LANGUAGE).tr_marked(message, **values)
