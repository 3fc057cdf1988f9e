"""The translation checks, as functions of source text or catalogues (so each can be tried).

- ``call_problems``: a translation call whose message is not a string literal cannot
  be extracted (an f-string, a variable, a concatenation); a ``Message`` made other
  than by ``N_`` would let ``tr_marked`` translate an unmarked string.
- ``qt_text_problems``: text given to a widget as a bare literal or f-string never
  went through ``tr``.
- ``catalogue_problems``: stale messages, placeholders that differ, plural forms, grades.
"""

from __future__ import annotations

import ast
import gettext
import re
import string
from collections.abc import Iterable, Iterator
from pathlib import Path

from msp_desktop.i18n.po import PoCatalogue, PoEntry
from msp_desktop.i18n.review import grade

MESSAGE_ARGUMENTS = {"tr": 1, "tr_n": 2, "N_": 1}
"""How many leading positional arguments of each translation call are messages."""

# Widgets' text setters and constructors, and our own helpers that show text (ui/messages,
# ui/dialog_parts, ui/a11y): each argument is text a person reads.
QT_TEXT_CALLS = frozenset(
    {
        # setters
        "setText",
        "setWindowTitle",
        "setToolTip",
        "setStatusTip",
        "setWhatsThis",
        "setAccessibleName",
        "setAccessibleDescription",
        "setPlaceholderText",
        "setTitle",
        "setLabelText",
        "setInformativeText",
        "setDetailedText",
        "setIconText",
        "setTabText",
        "setTabToolTip",
        "setPrefix",
        "setSuffix",
        "setSpecialValueText",
        "showMessage",
        "addTab",
        "insertTab",
        "addAction",
        "addMenu",
        "addItem",
        "addItems",
        "addButton",
        # widgets made with their text
        "QLabel",
        "QPushButton",
        "QToolButton",
        "QCheckBox",
        "QRadioButton",
        "QGroupBox",
        "QAction",
        "QMenu",
        # message boxes and file dialogs
        "information",
        "warning",
        "critical",
        "question",
        "getOpenFileName",
        "getOpenFileNames",
        "getSaveFileName",
        "getExistingDirectory",
        # our helpers
        "inform",
        "confirm",
        "heading",
        "paragraph",
        "say",
        "named",
        "buddy",
    }
)


def _name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _kind(node: ast.expr) -> str:
    if isinstance(node, ast.JoinedStr):
        return "an f-string"
    if isinstance(node, ast.BinOp):
        return "a concatenation or formatting"
    if isinstance(node, ast.Call):
        return "a call's result"
    if isinstance(node, ast.Constant):
        return f"a {type(node.value).__name__} constant"
    return "a variable"


def _is_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != ""


def _makes_message(call: ast.Call, name: str | None) -> bool:
    """``Message(text)`` or ``cast(Message, text)``: a Message that N_ did not mark."""
    if name == "Message":
        return True
    first = call.args[0] if call.args else None
    named = isinstance(first, ast.Name) and first.id == "Message"
    quoted = isinstance(first, ast.Constant) and first.value == "Message"
    return name == "cast" and (named or quoted)


def call_problems(source: str, path: str) -> Iterator[str]:
    """Translation calls in ``source`` whose messages the extraction cannot read.

    ``tr``, ``tr_n`` and ``N_`` (as functions or methods) need string literals; a
    message from a table is marked with ``N_`` where it is written and shown with
    ``tr_marked``, whose argument mypy only accepts as a ``Message``. So a ``Message``
    may be made only by ``N_`` (``msp_desktop/i18n``).
    """
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node)
        if name in MESSAGE_ARGUMENTS:
            wanted = MESSAGE_ARGUMENTS[name]
            if len(node.args) < wanted or any(isinstance(a, ast.Starred) for a in node.args):
                yield f"{path}:{node.lineno}: {name}() needs its message as a string literal"
                continue
            for argument in node.args[:wanted]:
                if not _is_literal(argument):
                    yield (
                        f"{path}:{node.lineno}: {name}() is given {_kind(argument)}, which "
                        "cannot be extracted; pass a string literal (a table's values: N_(...) "
                        "where written, tr_marked(value) where shown)"
                    )
        elif _makes_message(node, name) and not path.startswith("msp_desktop/i18n/"):
            yield f"{path}:{node.lineno}: only N_() makes a Message (it marks the text)"


def literal_messages(source: str, path: str) -> Iterator[str]:
    """The literal messages of the translation calls in ``source`` (as the extraction sees them)."""
    for node in ast.walk(ast.parse(source, path)):
        if isinstance(node, ast.Call) and _name(node) in MESSAGE_ARGUMENTS:
            first = node.args[0] if node.args else None
            if first is not None and _is_literal(first):
                assert isinstance(first, ast.Constant)
                yield first.value


def _has_words(node: ast.expr) -> bool:
    """A literal or f-string with a letter in it: words that tr() should have had."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(char.isalpha() for char in node.value)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _has_words(node.func.value)  # "...".format()
    return False


def qt_text_problems(source: str, path: str) -> Iterator[str]:
    """Text in ``source`` given to a widget without ``tr``: a literal, f-string or sum.

    Literals without a letter (``""``, ``"—"``, ``"✓"``) are not words and may stay;
    strings that are not shown (object names, style sheets) go to other calls.
    """
    for node in ast.walk(ast.parse(source, path)):
        if not isinstance(node, ast.Call) or _name(node) not in QT_TEXT_CALLS:
            continue
        arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
        for argument in arguments:
            if _has_words(argument):
                yield (
                    f"{path}:{argument.lineno}: {_name(node)}() is given {_kind(argument)} "
                    "with words in it; shown text goes through tr(...)"
                )


def source_files(root: Path, folders: Iterable[str]) -> Iterator[tuple[Path, str]]:
    """Every ``.py`` file under ``folders`` of ``root``, with its path as POSIX text."""
    for folder in folders:
        for file in sorted((root / folder).rglob("*.py")):
            yield file, file.relative_to(root).as_posix()


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a message fills in (``{{`` is a literal brace)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


# CLDR's Welsh plural categories: zero, one, two, few (3), many (6), other.
_WELSH_FORM = {0: 0, 1: 1, 2: 2, 3: 3, 6: 4}


def plural_forms_problems(catalogue: PoCatalogue) -> list[str]:
    """The header's Plural-Forms must be Welsh's six forms (checked for n = 0 to 1000)."""
    header = catalogue.metadata.get("Plural-Forms", "")
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*", header)
    if not match:
        return [f"Plural-Forms cannot be read: {header!r}"]
    if match[1] != "6":
        return [f"Plural-Forms has nplurals={match[1]}; Welsh needs 6"]
    rule = gettext.c2py(match[2])
    wrong = [n for n in range(1001) if rule(n) != _WELSH_FORM.get(n, 5)]
    return [f"Plural-Forms picks the wrong form for n = {wrong[:5]}"] if wrong else []


def entry_problems(entry: PoEntry, nplurals: int = 6) -> list[str]:
    """One entry: placeholders as in the msgid, all plural forms or none, a grade."""
    where = f"msp.po line {entry.line} ({entry.msgid!r})"
    problems = []
    if entry.msgid_plural is not None:
        if len(entry.msgstr) != nplurals:
            problems.append(f"{where}: has {len(entry.msgstr)} plural forms, not {nplurals}")
        if any(entry.msgstr) and not entry.translated:
            problems.append(f"{where}: some plural forms are empty")
    wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
    for form in filter(None, entry.msgstr):
        found = placeholders(form)
        # A plural form may say its number in words ("un person"), so {count} may go.
        if entry.msgid_plural is not None:
            found |= wanted & {"count"}
        if found != wanted:
            problems.append(f"{where}: placeholders {sorted(placeholders(form))} differ")
    if any(entry.msgstr) and grade(entry) is None:
        problems.append(f"{where}: no grade comment (e.g. '# grade D: composed')")
    return problems
