"""Reading a guide file, with errors a practice lead can act on.

A guide is edited by hand, so every error names the file, the line and the key
(``steps[3].questions[1].field``: list positions count from 0, as in the parsed
data), and says in plain words what is wrong. How a location becomes a line is
explained in ``msp_desktop.guide.locate``.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from msp_desktop.errors import KnownError
from msp_desktop.exit_codes import ExitCode
from msp_desktop.guide.check import check_guide
from msp_desktop.guide.condition_check import check_conditions
from msp_desktop.guide.locate import Location, line_of, map_lines
from msp_desktop.guide.schema import Guide
from msp_desktop.resources import resource

__all__ = [
    "DEFAULT_GUIDE",
    "GuideError",
    "GuideProblem",
    "decode_guide",
    "load_guide",
    "parse_guide",
]

DEFAULT_GUIDE = "msp-visit"
"""The guide used for MSP visits unless another is chosen."""

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_SYNTAX_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True, slots=True)
class GuideProblem:
    """One problem in a guide file, located for the person who edits it."""

    source: str
    line: int
    path: str
    message: str

    def sentence(self) -> str:
        """The problem as one sentence naming the file, line and key."""
        where = f" ({self.path})" if self.path else ""
        return f"The guide {self.source} has a problem at line {self.line}{where}: {self.message}"


class GuideError(KnownError):
    """A guide file cannot be used; ``problems`` lists what is wrong, first one first."""

    exit_code = ExitCode.GUIDE_INVALID

    def __init__(self, problems: list[GuideProblem]) -> None:
        super().__init__(problems[0].sentence())
        self.problems = tuple(problems)


def load_guide(name: str = DEFAULT_GUIDE) -> Guide:
    """The shipped guide called ``name`` (``resources/guides/<name>.toml``), checked.

    Raises ``GuideError`` if there is no such guide, if its ``id`` is not its name, or
    if anything in it is wrong.
    """
    source = f"{name}.toml"
    try:
        if not _NAME.match(name):
            raise FileNotFoundError(name)
        data = resource("guides", source).read_bytes()
    except FileNotFoundError:
        raise GuideError([GuideProblem(source, 1, "", "there is no guide of this name.")]) from None
    text = decode_guide(data, source)
    guide = parse_guide(text, source)
    if guide.id != name:
        line = line_of(map_lines(text), ("id",))
        message = f"the id {guide.id!r} must be the file's name, {name!r}."
        raise GuideError([GuideProblem(source, line, "id", message)])
    return guide


def decode_guide(data: bytes, source: str) -> str:
    """The text of a guide file's bytes, which must be UTF-8.

    Raises ``GuideError`` naming the line, the column and the byte where the text stops
    being UTF-8: a guide saved by an editor in another encoding (Windows-1252 is the
    usual one) is otherwise just "not UTF-8", and the person cannot find the word to fix.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        # The column counts characters, as an editor shows them, on the decodable part.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        message = (
            f"this line is not UTF-8 text (the byte 0x{data[exc.start]:02X} at column "
            f"{column}); save the file as UTF-8 and start again."
        )
        raise GuideError([GuideProblem(source, line, "", message)]) from None


def parse_guide(text: str, source: str) -> Guide:
    """The guide written in ``text``, checked; ``source`` names it in error messages.

    Raises ``GuideError`` for invalid TOML, a key the schema does not allow or lacks,
    and any question that does not fit the record model.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GuideError([_syntax_problem(text, source, exc)]) from None
    except RecursionError:  # arrays nested thousands deep: no guide is
        problem = GuideProblem(source, 1, "", "the file is nested far too deeply to be a guide.")
        raise GuideError([problem]) from None
    lines = map_lines(text)
    try:
        guide = Guide.model_validate(data)
    except ValidationError as exc:
        problems = [
            _located(source, lines, tuple(error["loc"]), message)
            for error, message in _schema_messages(exc.errors())
        ]
        raise GuideError(_in_file_order(problems)) from None
    # Conditions are checked only once every field resolves: their types come from it.
    found = check_guide(guide) or check_conditions(guide)
    problems = [_located(source, lines, problem.where, problem.message) for problem in found]
    if problems:
        raise GuideError(_in_file_order(problems))
    return guide


def _in_file_order(problems: list[GuideProblem]) -> list[GuideProblem]:
    return sorted(problems, key=lambda problem: problem.line)


def _located(
    source: str, lines: dict[Location, int], where: Location, message: str
) -> GuideProblem:
    return GuideProblem(source, line_of(lines, where), _dotted(where), message)


def _dotted(where: Location) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _syntax_problem(text: str, source: str, exc: tomllib.TOMLDecodeError) -> GuideProblem:
    # Python 3.11's TOMLDecodeError has no line attribute; the line is in its message.
    reason = _SYNTAX_AT.sub("", str(exc)).strip()
    found = _SYNTAX_AT.search(str(exc))
    line = int(found.group(1)) if found else max(1, len(text.splitlines()))
    # Name the key on that line when the scan (which tolerates broken text) knows it.
    paths = [where for where, number in map_lines(text).items() if number == line]
    path = _dotted(max(paths, key=len)) if paths else ""
    return GuideProblem(source, line, path, f"this is not valid TOML ({reason}).")


def _schema_messages(errors: list[Any]) -> list[tuple[Any, str]]:
    # A misspelt key shows up twice: the key written is unknown and the key meant is
    # missing. Report it once, at the misspelt key's own line, with the likely meaning.
    missing = {tuple(e["loc"]): e for e in errors if e["type"] == "missing"}
    merged: list[tuple[Any, str]] = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "extra_forbidden" and loc:
            siblings = [key[-1] for key in missing if key[:-1] == loc[:-1]]
            meant = difflib.get_close_matches(str(loc[-1]), [str(k) for k in siblings], n=1)
            if meant:
                missing.pop((*loc[:-1], meant[0]))
                merged.append(
                    (
                        error,
                        f"{loc[-1]!r} is not a key a guide can have; did you mean {meant[0]!r}?",
                    )
                )
                continue
        merged.append((error, _schema_message(error)))
    return [(e, m) for e, m in merged if e["type"] != "missing" or tuple(e["loc"]) in missing]


def _schema_message(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    name = loc[-1] if loc else ""
    if kind == "missing":
        return f"the key {name!r} is missing."
    if kind == "extra_forbidden":
        return f"{name!r} is not a key a guide can have here."
    message = str(error["msg"])
    # pydantic's messages start with a capital and say what was expected; add what was found.
    found = error.get("input")
    if isinstance(found, str | int | float | bool):
        return f"{message[0].lower()}{message[1:]}, not {found!r}."
    return f"{message[0].lower()}{message[1:]}."
