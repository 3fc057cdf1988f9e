"""RFC 8785 JSON Canonicalization Scheme (JCS), and a strict JSON reader.

The manifest and receipts are signed as bytes, so writer and reader must agree on
exactly one serialisation. JCS gives that: object keys sorted by their UTF-16 code
units, no insignificant whitespace, ECMAScript string escaping, UTF-8. JCS numbers
follow ECMAScript's double formatting; to keep that exact and trivially portable we
allow only integers within +-(2**53 - 1) (the range a double holds exactly) and
refuse floats, NaN and infinities outright.

The reader refuses what Python's ``json`` would quietly accept and another language's
parser might read differently: duplicate keys (last-one-wins is not universal),
``NaN``/``Infinity``, non-UTF-8 text, and nesting deeper than a small cap.
"""

from __future__ import annotations

import json
from typing import Any

from msp_desktop.bundles.errors import JsonRejected

__all__ = ["MAX_SAFE_INTEGER", "canonical_json", "is_canonical", "parse_json_strict"]

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer an IEEE 754 double (a JavaScript number) represents exactly."""

DEFAULT_MAX_DEPTH = 32

# ECMAScript JSON.stringify escapes exactly these; everything else (including
# U+007F, U+2028 and all non-ASCII) is written as itself in UTF-8.
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}
_ESCAPE_TABLE = {ord(c): e for c, e in _ESCAPES.items()} | {
    code: f"\\u{code:04x}" for code in range(0x20) if chr(code) not in _ESCAPES
}


def canonical_json(value: object) -> bytes:
    """The RFC 8785 bytes of ``value`` (dicts with str keys, lists, str, int, bool, None).

    Raises ``ValueError`` for floats, out-of-range integers, lone surrogates and any
    other type: those are bugs in the writer, never data from outside.
    """
    parts: list[str] = []
    _emit(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate is not Unicode text
        raise ValueError("canonical JSON strings must be valid Unicode") from exc


def _emit(value: object, out: list[str]) -> None:
    # bool before int: True is an int in Python but a literal in JSON.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValueError(f"integer {value} is outside the exact JSON range")
        out.append(str(int(value)))
    elif isinstance(value, str):
        out.append('"' + value.translate(_ESCAPE_TABLE) + '"')
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _emit(item, out)
        out.append("]")
    elif isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise ValueError("canonical JSON object keys must be strings")
        out.append("{")
        # UTF-16BE bytes compare exactly like the UTF-16 code units RFC 8785 sorts by.
        for index, key in enumerate(sorted(value, key=_utf16_key)):
            if index:
                out.append(",")
            _emit(key, out)
            out.append(":")
            _emit(value[key], out)
        out.append("}")
    else:
        raise ValueError(f"{type(value).__name__} is not allowed in canonical JSON")


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", errors="surrogatepass")


def parse_json_strict(data: bytes, *, what: str, max_depth: int = DEFAULT_MAX_DEPTH) -> Any:
    """Parse UTF-8 JSON ``data``, refusing anything ambiguous; ``what`` names it in errors.

    Raises ``JsonRejected`` for invalid UTF-8 (or a byte order mark), syntax errors,
    duplicate object keys, ``NaN``/``Infinity`` and nesting deeper than ``max_depth``.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonRejected(f"{what} is not valid UTF-8 text.") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except _DuplicateKey as exc:
        raise JsonRejected(f"{what} repeats the JSON key {exc.key!r}.") from None
    except RecursionError:
        raise JsonRejected(f"{what} is nested too deeply.") from None
    except ValueError:  # JSONDecodeError, NaN/Infinity, and ints too long to convert
        raise JsonRejected(f"{what} is not valid JSON.") from None
    if _depth(value) > max_depth:
        raise JsonRejected(f"{what} is nested too deeply.")
    return value


def is_canonical(data: bytes, value: object) -> bool:
    """Whether ``data`` is exactly the RFC 8785 form of ``value`` (parsed from ``data``)."""
    try:
        return canonical_json(value) == data
    except ValueError:  # floats or huge integers: never canonical for us
        return False


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = item
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(value: object) -> int:
    """Nesting depth (a scalar is 0, ``[]`` is 1), walked without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
            deepest = max(deepest, level + 1)
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
            deepest = max(deepest, level + 1)
    return deepest
