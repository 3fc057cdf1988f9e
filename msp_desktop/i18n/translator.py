"""A translator per language, each reading its own catalogue; no global language switch.

The person's documents are made in the person's language while the app speaks the
worker's, at the same time and on different threads, so each caller asks for the
translator of the language it needs (``translator("cy")``) instead of switching one.
"""

from __future__ import annotations

import functools
import gettext
import io
from typing import Literal, NewType, get_args

from msp_desktop.i18n.po import PoCatalogue, mo_bytes, read_po
from msp_desktop.resources import resource

__all__ = [
    "APP_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "N_",
    "SOURCE_LANGUAGE",
    "Lang",
    "Message",
    "Translator",
    "catalogue_path",
    "read_catalogue",
    "translator",
]

Lang = Literal["en", "cy"]
"""The languages the app can speak: English (the source) and Welsh."""

LANGUAGES: tuple[Lang, ...] = get_args(Lang)

DOMAIN = "msp"
"""The catalogue's name: ``resources/locale/<lang>/LC_MESSAGES/msp.po``."""

SOURCE_LANGUAGE: Lang = "en"
"""The language the messages are written in; it has no catalogue."""

APP_LANGUAGE: Lang = "en"
"""The language of the app's own windows. The workers' app is in English; the person's
documents choose their language per document (``translator(lang)``)."""

Message = NewType("Message", str)
"""A message marked with ``N_`` where it is written and translated where it is shown."""


def N_(text: str, /) -> Message:
    """Mark ``text`` as a message without translating it yet.

    For words kept in tables (month names, headings, labels): the extraction finds
    them here, and the place that shows one passes the value to ``tr_marked``.
    """
    return Message(text)


def catalogue_path(lang: Lang) -> tuple[str, ...]:
    """The catalogue of ``lang`` as resource path parts (for ``resource``)."""
    return ("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")


def read_catalogue(lang: Lang) -> PoCatalogue:
    """The shipped catalogue of ``lang``, read from the resources."""
    where = "/".join(catalogue_path(lang))
    return read_po(resource(*catalogue_path(lang)).read_text(encoding="utf-8"), where)


class Translator:
    """Translates into one language; untranslated messages stay in English.

    Placeholders are written ``{name}`` and filled from keyword arguments after
    translation, so a translation may put them in another order.
    """

    def __init__(self, lang: Lang, translations: gettext.NullTranslations) -> None:
        self.lang = lang
        self._translations = translations
        self.heard: set[str] | None = None
        """The messages translated so far, for a translator made by ``recording``."""

    def recording(self) -> Translator:
        """A translator into the same language that keeps every message it translates
        in ``heard``: a document asks it afterwards how sure its Welsh is.

        A new one each time, because ``translator`` shares one per language between
        threads.
        """
        copy = Translator(self.lang, self._translations)
        copy.heard = set()
        return copy

    @classmethod
    def from_catalogue(cls, lang: Lang, catalogue: PoCatalogue) -> Translator:
        """A translator using ``catalogue`` (the shipped one comes from ``translator``)."""
        return cls(lang, gettext.GNUTranslations(io.BytesIO(mo_bytes(catalogue))))

    def tr(self, text: str, /, **values: object) -> str:
        """``text`` (a string literal) translated, with its ``{placeholders}`` filled in."""
        if self.heard is not None:
            self.heard.add(text)
        return self._translations.gettext(text).format(**values)

    def tr_n(self, singular: str, plural: str, count: int, /, **values: object) -> str:
        """The form of a message that fits ``count``, with ``{count}`` filled in.

        The catalogue's ``Plural-Forms`` picks the form: English has two, Welsh six
        (zero, one, two, few, many, other).
        """
        if self.heard is not None:
            self.heard.add(singular)
        return self._translations.ngettext(singular, plural, count).format(count=count, **values)

    def tr_marked(self, message: Message, /, **values: object) -> str:
        """A message marked with ``N_`` (e.g. from a table), translated and filled in."""
        return self.tr(message, **values)


@functools.cache
def translator(lang: Lang) -> Translator:
    """The translator into ``lang``, its catalogue read once and kept for the process."""
    if lang == SOURCE_LANGUAGE:
        return Translator(lang, gettext.NullTranslations())
    return Translator.from_catalogue(lang, read_catalogue(lang))
