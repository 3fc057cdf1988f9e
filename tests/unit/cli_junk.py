"""Generated junk for every argument and file input of ``msp`` and ``msp-office``.

The commands and their options are read from the real argument parsers, so a command
added later is fuzzed without anyone remembering to list it. Every option that takes a
file or folder (``type=Path``) draws from ``JunkFiles``: a missing file, an empty one, a
folder, random bytes, text that is not UTF-8, JSON nested thousands deep, a sparse file of
gigabytes, a name too long for the file system, a path through a file, and on POSIX a
named pipe nothing writes to. Every other option draws text from
``junk_text``: control and direction-override characters, bytes that are not UTF-8 (as
Python holds them), huge numbers and dates, empty and 100 KB values, and sometimes one
of its own valid choices so that commands get past the parser.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

__all__ = ["Command", "JunkFiles", "commands_of", "junk_argv"]

# Long-running services are not one-shot commands: they are fuzzed by their own tests
# (tests/unit/office/test_service.py, tests/e2e/test_inbox_slow_clients.py).
NOT_ONE_SHOT = {("serve",)}


@dataclass(frozen=True)
class Command:
    """One leaf command (``("people", "add")``) and its options."""

    words: tuple[str, ...]
    actions: tuple[argparse.Action, ...]

    def __str__(self) -> str:
        return " ".join(self.words)


def _leaves(parser: argparse.ArgumentParser, words: tuple[str, ...]) -> Iterator[Command]:
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        actions = tuple(
            a
            for a in parser._actions
            if not isinstance(a, argparse._HelpAction | argparse._VersionAction)
        )
        yield Command(words, actions)
        return
    for name, sub in subparsers[0].choices.items():
        yield from _leaves(sub, (*words, name))


def commands_of(parser: argparse.ArgumentParser) -> list[Command]:
    """Every leaf command of ``parser``, one-shot commands only."""
    return [c for c in _leaves(parser, ()) if c.words not in NOT_ONE_SHOT]


SPECIAL_TEXT = [
    "",
    " ",
    "a" * 100_000,
    "Evil\x1b[31mRed\x07",
    "abc\u202edef",
    "line\nbreak",
    "tab\there",
    "\x00nul",
    "A\udcff\udcfeB",  # bytes that are not UTF-8, as Python keeps them from argv
    "1e20",
    "99999999999999999999999",
    "-1",
    "0",
    "nan",
    "2090-01-01",
    "0000-00-00",
    "1066-10-14",
    "9999-12-31T99:99",
    "--",
    "-x",
    "../../etc/passwd",
    "\u0000",
    "Siân ap Ŵyn",
    "https://",
    "http://[::1",
    "{}",
    "[]",
]

junk_text = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=40),
    st.text(st.characters(codec="utf-8", exclude_categories=()), max_size=20),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)


class JunkFiles:
    """Hostile files and paths under ``root``, made once for a test."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.paths: list[Path] = [
            root / "missing",
            root / "fresh" / "deeper" / "missing",
            root,
            root / ("x" * 300),  # a name longer than file systems allow
        ]
        files = {
            "empty": b"",
            "random.bin": bytes(range(256)) * 8,
            "latin1.txt": "Siân\n".encode("latin-1"),
            "nested.json": b"[" * 50_000 + b"]" * 50_000,
            "nested.toml": b"a = " + b"[" * 50_000,
            "text.txt": b"correct horse battery staple\n",
            "keys.json": b'{"format": "msp-office-provisioning", "version": 1}',
        }
        for name, data in files.items():
            (root / name).write_bytes(data)
            self.paths.append(root / name)
        huge = root / "huge.bin"
        with huge.open("wb") as handle:  # sparse: gigabytes long, a few bytes on disk
            handle.truncate(3 * 1024**3)
        self.paths += [huge, root / "text.txt" / "below-a-file"]
        if sys.platform != "win32":
            fifo = root / "fifo"
            os.mkfifo(fifo)
            # A pipe stands for every file that is not ordinary. Never a real device: as
            # root, a bug that wrote over one would break the machine running the tests.
            self.paths.append(fifo)


def _value(action: argparse.Action, files: JunkFiles) -> st.SearchStrategy[str]:
    if action.type is Path or (action.type is None and action.metavar in {"FILE", "DIR"}):
        return st.sampled_from(files.paths).map(str)
    if action.choices:
        return st.one_of(st.sampled_from([str(c) for c in action.choices]), junk_text)
    return junk_text


def _option(action: argparse.Action, files: JunkFiles) -> st.SearchStrategy[list[str]]:
    flag = action.option_strings[-1]
    if action.nargs == 0:  # a switch: --json, --force
        return st.just([flag])
    return _value(action, files).map(lambda value: [f"{flag}={value}"])


@st.composite
def junk_argv(draw: st.DrawFn, command: Command, files: JunkFiles) -> list[str]:
    """The command's words, then junk for its positionals and for a random choice of its
    options (required ones usually present, so the command itself runs)."""
    argv = list(command.words)
    for action in command.actions:
        if action.option_strings:
            wanted = draw(st.booleans()) or (action.required and draw(st.integers(0, 9)) > 0)
            if wanted:
                argv += draw(_option(action, files))
        elif action.nargs in ("*", "+"):
            argv += draw(st.lists(_value(action, files), min_size=action.nargs == "+", max_size=3))
        else:
            argv.append(draw(_value(action, files)))
    return argv
