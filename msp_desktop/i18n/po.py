"""A small reader for gettext ``.po`` catalogues, and the ``.mo`` bytes Python reads.

The app ships each catalogue as ``.po`` text, the translator's own file, and builds
the binary ``.mo`` form in memory the first time a language is used. So there is no
compile step to forget, in a checkout, a wheel or the frozen app, and no Babel (about
10 MB of locale data) at run time: ``gettext.GNUTranslations`` reads the bytes and
evaluates the catalogue's ``Plural-Forms`` itself.

Only what ``.po`` files written by Babel or GNU gettext contain is understood:
comments (``#`` translator, ``#.`` extracted, ``#:`` references, ``#,`` flags, ``#|``
previous), ``msgctxt``, ``msgid``, ``msgid_plural``, ``msgstr`` and ``msgstr[n]``,
strings continued over several lines, and obsolete entries (``#~``), which are skipped.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

__all__ = ["PoCatalogue", "PoEntry", "PoError", "mo_bytes", "read_po"]


class PoError(ValueError):
    """A catalogue that cannot be read; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class PoEntry:
    """One message of a catalogue and its translation (empty strings: not translated)."""

    msgid: str
    msgstr: tuple[str, ...]
    """The translation: one string, or one per plural form."""
    msgid_plural: str | None = None
    context: str | None = None
    comments: tuple[str, ...] = ()
    """The translator's comments (``# ...``), without the ``# ``."""
    flags: frozenset[str] = frozenset()
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        """A proposal that is not used until a translator removes the flag."""
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Every form has text (a fuzzy entry may be translated, but it is not used)."""
        return all(self.msgstr)

    @property
    def used(self) -> bool:
        """Whether the app uses this translation: translated and not fuzzy."""
        return self.translated and not self.fuzzy


@dataclass(frozen=True, slots=True)
class PoCatalogue:
    """A whole catalogue: its header (``msgid ""``) and its entries in file order."""

    header: str
    entries: tuple[PoEntry, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    """The header's fields, e.g. ``{"Plural-Forms": "nplurals=6; plural=...;"}``."""


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}


def _unquote(text: str, where: str) -> str:
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        raise PoError(f"{where}: a string must be in double quotes.")
    body, out, index = text[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char == '"':
            raise PoError(f"{where}: a double quote inside a string must be escaped.")
        if char == "\\":
            escaped = body[index + 1 : index + 2]
            if escaped not in _ESCAPES:
                raise PoError(f"{where}: unknown escape \\{escaped} in a string.")
            out.append(_ESCAPES[escaped])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


class _Builder:
    """The entry being read, one line at a time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.entries: list[PoEntry] = []
        self.header: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.parts: dict[str, str] = {}
        self.forms: dict[int, str] = {}
        self.comments: list[str] = []
        self.flags: set[str] = set()
        self.last: tuple[str, int | None] | None = None
        self.line = 0
        self.obsolete = False

    def where(self, line: int) -> str:
        return f"{self.name}, line {line}"

    def comment(self, text: str, line: int) -> None:
        if self.parts or self.forms:  # a comment after the strings starts the next entry
            self.finish()
        if text.startswith("#~"):
            self.obsolete = True
        elif text.startswith("#,"):
            self.flags.update(flag.strip() for flag in text[2:].split(",") if flag.strip())
        elif text[1:2] in {".", ":", "|"}:
            pass  # extracted comments, references and previous strings are the tools'
        else:
            self.comments.append(text[2:] if text.startswith("# ") else text[1:])

    def keyword(self, keyword: str, index: str | None, value: str, line: int) -> None:
        if self.obsolete:  # an obsolete entry ended without a blank line
            self._reset()
        if keyword in {"msgctxt", "msgid"} and ("msgstr" in self.parts or self.forms):
            self.finish()
        if not self.parts and not self.forms:
            self.line = line
        if index is not None:
            self.forms[int(index)] = value
            self.last = ("msgstr[]", int(index))
            return
        if keyword in self.parts:
            raise PoError(f"{self.where(line)}: {keyword} appears twice in one entry.")
        self.parts[keyword] = value
        self.last = (keyword, None)

    def continued(self, value: str, line: int) -> None:
        if self.last is None:
            raise PoError(f"{self.where(line)}: a string continues no msgid or msgstr.")
        keyword, index = self.last
        if index is None:
            self.parts[keyword] += value
        else:
            self.forms[index] += value

    def finish(self) -> None:
        if self.obsolete or not (self.parts or self.forms):
            self._reset()
            return
        where = self.where(self.line)
        if "msgid" not in self.parts:
            raise PoError(f"{where}: an entry has no msgid.")
        plural = self.parts.get("msgid_plural")
        if plural is None:
            if self.forms or "msgstr" not in self.parts:
                raise PoError(f"{where}: a message without msgid_plural needs one msgstr.")
            msgstr: tuple[str, ...] = (self.parts["msgstr"],)
        else:
            if "msgstr" in self.parts or sorted(self.forms) != list(range(len(self.forms))):
                raise PoError(f"{where}: a plural message needs msgstr[0], msgstr[1], ...")
            if not self.forms:
                raise PoError(f"{where}: a plural message needs msgstr[0], msgstr[1], ...")
            msgstr = tuple(self.forms[index] for index in range(len(self.forms)))
        msgid, context = self.parts["msgid"], self.parts.get("msgctxt")
        if msgid == "" and context is None:
            if self.header is not None:
                raise PoError(f"{where}: the catalogue has two headers.")
            self.header = msgstr[0]
        else:
            entry = PoEntry(
                msgid=msgid,
                msgstr=msgstr,
                msgid_plural=plural,
                context=context,
                comments=tuple(self.comments),
                flags=frozenset(self.flags),
                line=self.line,
            )
            self.entries.append(entry)
        self._reset()


def _metadata(header: str) -> dict[str, str]:
    fields = {}
    for line in header.splitlines():
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip()] = value.strip()
    return fields


def read_po(text: str, name: str = "catalogue") -> PoCatalogue:
    """Read ``.po`` text; ``name`` (e.g. the file's path) is used in error messages.

    Raises ``PoError`` naming the line for anything malformed, for a message given
    twice, and for a header that does not declare UTF-8 (the text is read as UTF-8).
    """
    builder = _Builder(name)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            builder.finish()
        elif line.startswith("#"):
            builder.comment(line, number)
        elif line.startswith('"'):
            builder.continued(_unquote(line, builder.where(number)), number)
        elif match := _KEYWORD.match(line):
            keyword, index, quoted = match.groups()
            builder.keyword(keyword, index, _unquote(quoted, builder.where(number)), number)
        else:
            raise PoError(f"{builder.where(number)}: this line is not part of a .po catalogue.")
    builder.finish()
    if builder.header is None:
        raise PoError(f'{name}: the catalogue has no header (msgid "").')
    metadata = _metadata(builder.header)
    if "charset=utf-8" not in metadata.get("Content-Type", "").lower().replace(" ", ""):
        raise PoError(f"{name}: the header must declare Content-Type charset=UTF-8.")
    seen: set[tuple[str | None, str]] = set()
    for entry in builder.entries:
        key = (entry.context, entry.msgid)
        if key in seen:
            raise PoError(f"{builder.where(entry.line)}: this message is already in the catalogue.")
        seen.add(key)
    return PoCatalogue(builder.header, tuple(builder.entries), metadata)


def mo_bytes(catalogue: PoCatalogue) -> bytes:
    """The catalogue as ``.mo`` bytes for ``gettext.GNUTranslations``.

    Holds the header and every used translation; untranslated and fuzzy entries are
    left out, as ``msgfmt`` leaves them out, so their English is shown instead.
    """
    pairs = {b"": catalogue.header.encode("utf-8")}
    for entry in catalogue.entries:
        if not entry.used:
            continue
        msgid = (
            entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        )
        if entry.context is not None:
            msgid = f"{entry.context}\x04{msgid}"
        pairs[msgid.encode("utf-8")] = "\0".join(entry.msgstr).encode("utf-8")
    keys = sorted(pairs)  # GNU gettext looks keys up by binary search
    count = len(keys)
    # Magic, revision, count, offsets of the two tables, then an empty hash table.
    header_size = 7 * 4
    ids_at = header_size
    strs_at = ids_at + count * 8
    data_at = strs_at + count * 8
    ids_table: list[tuple[int, int]] = []
    strs_table: list[tuple[int, int]] = []
    data = bytearray()
    for key in keys:
        ids_table.append((len(key), data_at + len(data)))
        data += key + b"\0"
    for key in keys:
        value = pairs[key]
        strs_table.append((len(value), data_at + len(data)))
        data += value + b"\0"
    out = bytearray(struct.pack("<7I", 0x950412DE, 0, count, ids_at, strs_at, 0, data_at))
    for length, offset in (*ids_table, *strs_table):
        out += struct.pack("<2I", length, offset)
    return bytes(out + data)
