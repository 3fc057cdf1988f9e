"""Finding the line of a guide file that a problem is about.

``tomllib`` gives line numbers only for syntax errors, and pydantic and our own checks
report a *location* (``("steps", 3, "questions", 1, "field")``) in the parsed data.
To turn a location into a line, the text is scanned once, line by line, the way a
person reads it:

- ``[[steps]]`` starts the next item of an array of tables: its index is counted
  (``[[steps.questions]]`` counts within the current step, and so on down);
- ``[table]`` names a table under the current array items;
- ``key = value`` (bare, quoted or dotted keys) is a key of the current table; a key
  whose value spans several lines (an array, an inline table, a ``\"\"\"`` string)
  takes its first line, and the lines inside are not read as keys or headers.

Each table and key is mapped to the line where it first appears. A location is then
looked up whole, and if it is not in the file (a missing key, an item of an array
written on one line, a language inside a text table) by its longest prefix that is:
the table the missing key belongs to, the key that holds the array. This is right for
the layout the guide uses (one key per line, arrays of tables); a single key written
as a deeply nested inline table is reported at the key's line.
"""

from __future__ import annotations

import re

__all__ = ["Location", "line_of", "map_lines"]

Location = tuple[str | int, ...]

_HEADER = re.compile(r"^\s*(\[\[|\[)\s*(?P<name>[^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_PART = r"""(?:[A-Za-z0-9_\-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*\s*=")


def _key_parts(dotted: str) -> list[str]:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_\-]+)', dotted)
    return [next(part for part in groups if part) if any(groups) else "" for groups in parts]


def _depth_change(text: str) -> tuple[int, str | None]:
    """How many brackets ``text`` leaves open, and any multi-line string left open."""
    depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        for quote in ('"""', "'''"):
            if text.startswith(quote, index):
                end = text.find(quote, index + 3)
                if end < 0:
                    return depth, quote
                index = end + 3
                break
        else:
            if char == "#":
                break
            if char in "\"'":
                end = index + 1
                while end < len(text) and text[end] != char:
                    end += 2 if char == '"' and text[end] == "\\" else 1
                index = end
            elif char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
            index += 1
    return depth, None


def map_lines(text: str) -> dict[Location, int]:
    """Every table and key of the TOML ``text``, mapped to its 1-based line number."""
    lines: dict[Location, int] = {}
    counts: dict[Location, int] = {}
    arrays: set[tuple[str, ...]] = set()
    current: Location = ()
    depth = 0
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if open_string is not None:
            if open_string in line:
                depth_after, open_string = _depth_change(line[line.index(open_string) + 3 :])
                depth += depth_after
            continue
        if depth > 0:
            change, open_string = _depth_change(line)
            depth += change
            continue
        header = _HEADER.match(line)
        if header:
            names = _key_parts(header.group("name"))
            is_array = header.group(1) == "[["
            current = _table_path(names, is_array, counts, arrays)
            lines.setdefault(current, number)
            continue
        key = _KEY.match(line)
        if key:
            parts = _key_parts(line[: key.end() - 1])
            # A dotted key also defines the tables it goes through (``a.b = 1`` makes a).
            for end in range(1, len(parts) + 1):
                lines.setdefault((*current, *parts[:end]), number)
            change, open_string = _depth_change(line[key.end() :])
            depth += change
    return lines


def _table_path(
    names: list[str], is_array: bool, counts: dict[Location, int], arrays: set[tuple[str, ...]]
) -> Location:
    # Each name that is an array of tables refers to its latest item, as TOML does.
    path: list[str | int] = []
    for position, name in enumerate(names):
        path.append(name)
        last = position == len(names) - 1
        if last and is_array:
            arrays.add(tuple(names))
            key = tuple(path)
            counts[key] = counts.get(key, 0) + 1
            path.append(counts[key] - 1)
        elif not last and tuple(names[: position + 1]) in arrays:
            path.append(counts.get(tuple(path), 1) - 1)
    return tuple(path)


def line_of(lines: dict[Location, int], where: Location) -> int:
    """The line of ``where`` or of its nearest enclosing key or table (1 if none)."""
    for end in range(len(where), 0, -1):
        found = lines.get(where[:end])
        if found is not None:
            return found
    return 1
