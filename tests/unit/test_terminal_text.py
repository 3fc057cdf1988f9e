"""What the command lines print is escaped for the terminal; arguments that are not
text are refused (issue 15, item 9)."""

from __future__ import annotations

import io
import json
from typing import TextIO, cast

from msp_desktop.terminal_text import EscapedStream, escape_for_terminal


def test_controls_overrides_and_undecodable_bytes_are_shown_not_obeyed() -> None:
    assert escape_for_terminal("Evil\x1b[31mRed\x07") == "Evil\\u001b[31mRed\\u0007"
    assert escape_for_terminal("abc\u202edef") == "abc\\u202edef"
    assert escape_for_terminal("\u2066x\u2069") == "\\u2066x\\u2069"
    assert escape_for_terminal("A\udcff\udcfeB") == "A\\xff\\xfeB"  # surrogateescape'd bytes
    assert escape_for_terminal("\x85\x9b") == "\\u0085\\u009b"  # C1 controls (NEL, CSI)


def test_ordinary_text_lines_and_welsh_pass_unchanged() -> None:
    text = "Siân Ŵyn\tFfordd y Môr\nline two, \u200e mark kept"
    assert escape_for_terminal(text) == text


def test_escaped_json_is_still_the_same_json() -> None:
    value = {"name": "abc\u202edef\x85", "note": "Evil\x1b[31m"}
    out = io.StringIO()
    EscapedStream(cast(TextIO, out)).write(json.dumps(value, ensure_ascii=False))
    assert "\u202e" not in out.getvalue()
    assert "\x85" not in out.getvalue()
    assert json.loads(out.getvalue()) == value


def test_the_stream_passes_everything_else_through() -> None:
    out = io.StringIO()
    stream = EscapedStream(cast(TextIO, out))
    assert stream.write("a\x1bb") == 3  # what the caller gave, as print expects
    stream.writelines(["c\x07", "d\n"])
    assert out.getvalue() == "a\\u001bbc\\u0007d\n"
    assert stream.isatty() is False
