"""``msp guide check`` and ``msp guide walk``: a practice lead's own tools for a guide.

Neither needs a workspace or the app. ``check`` prints one line per problem as
``FILE:LINE: field: reason`` (the form editors and CI logs link to) and exits 2, or
exits 0 when the guide is sound. ``walk`` prints the steps and questions a worker
would see at a stage for the answers in a TOML file, and what would still stop the
visit being finalised (see ``msp_desktop.guide.walk`` for the answers file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from msp_desktop.exit_codes import ExitCode
from msp_desktop.guide import Guide, GuideError, GuideProblem, decode_guide, parse_guide
from msp_desktop.guide.locate import line_of, map_lines
from msp_desktop.guide.walk import AnswersError, read_answers, walk, walk_lines
from msp_desktop.input_files import InputRefused, read_input, read_input_text
from msp_desktop.model import Stage

__all__ = ["add_guide_commands"]

_LARGEST = 1024 * 1024  # a guide is a few dozen kilobytes; a megabyte is not a guide


def add_guide_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``msp guide check FILE`` and ``msp guide walk FILE --stage ...``."""
    guide = sub.add_parser(
        "guide", help="Check a conversation guide, or walk it with some answers (no workspace)."
    )
    guide_sub = guide.add_subparsers(dest="guide_command", required=True, metavar="ACTION")
    p = guide_sub.add_parser(
        "check",
        help="Check a guide file: exit 0 when it is sound, else one line per problem "
        "(FILE:LINE: field: reason) and exit 2.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the guide (.toml)")
    p.set_defaults(run=check)
    p = guide_sub.add_parser(
        "walk",
        help="Print the steps and questions a worker would see at a stage for some answers, "
        "and what would stop finalising.",
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the guide (.toml)")
    p.add_argument("--stage", required=True, choices=[stage.value for stage in Stage])
    p.add_argument(
        "--answers", type=Path, metavar="FILE.toml", help="answers by question id (optional)"
    )
    p.set_defaults(run=walk_command)


def _read(path: Path) -> str:
    return read_input_text(path, "an answers file (1 MB at most)", _LARGEST)


def _read_guide(path: Path) -> str:
    """The guide's text; ``GuideError`` names the line where it stops being UTF-8."""
    return decode_guide(read_input(path, "a guide (1 MB at most)", _LARGEST), str(path))


def _problem_line(problem: GuideProblem) -> str:
    """``FILE:LINE: field: reason``, the form editors and CI logs link to."""
    field = f"{problem.path}: " if problem.path else ""
    return f"{problem.source}:{problem.line}: {field}{problem.message}"


def _problem_lines(path: Path, text: str) -> tuple[Guide | None, list[str]]:
    shown = str(path)
    try:
        guide = parse_guide(text, shown)
    except GuideError as exc:
        return None, [_problem_line(problem) for problem in exc.problems]
    if guide.id != path.stem:
        line = line_of(map_lines(text), ("id",))
        return guide, [
            f"{shown}:{line}: id: the id {guide.id!r} must be the file's name, {path.stem!r}, "
            "for the app to find the guide."
        ]
    return guide, []


def check(args: argparse.Namespace) -> int:
    """``msp guide check FILE``."""
    path: Path = args.file
    try:
        text = _read_guide(path)
    except GuideError as exc:
        print(_problem_line(exc.problems[0]))
        return ExitCode.INVALID_INPUT
    except InputRefused as exc:
        print(f"{path}:1: cannot be read: {exc.reason}.")
        return ExitCode.INVALID_INPUT
    _, problems = _problem_lines(path, text)
    for line in problems:
        print(line)
    if problems:
        return ExitCode.INVALID_INPUT
    print(f"{path}: the guide is sound.")
    return ExitCode.OK


def walk_command(args: argparse.Namespace) -> int:
    """``msp guide walk FILE --stage STAGE [--answers FILE.toml]``."""
    path: Path = args.file
    try:
        text = _read_guide(path)
    except GuideError as exc:
        print(_problem_line(exc.problems[0]))
        return ExitCode.INVALID_INPUT
    except InputRefused as exc:
        print(f"{path}:1: cannot be read: {exc.reason}.")
        return ExitCode.INVALID_INPUT
    guide, problems = _problem_lines(path, text)
    if guide is None:
        for line in problems:
            print(line)
        return ExitCode.INVALID_INPUT
    answers_path: Path | None = args.answers
    answers = ""
    if answers_path is not None:
        try:
            answers = _read(answers_path)
        except InputRefused as exc:
            print(f"{answers_path}:1: cannot be read: {exc.reason}.")
            return ExitCode.INVALID_INPUT
    stage = Stage(args.stage)
    try:
        visit, concern, today = read_answers(guide, answers, stage)
    except AnswersError as exc:
        print(f"{answers_path}:{exc.line}: {exc}")
        return ExitCode.INVALID_INPUT
    for line in walk_lines(walk(guide, stage, visit, concern, today=today)):
        print(line)
    return ExitCode.OK
