"""What the command lines print is shown, never obeyed, by the terminal.

Text reaching ``msp`` and ``msp-office`` output comes partly from outside: names typed
before control characters were refused, a device name in an enrolment file, a file name
on a USB stick, bytes that are not UTF-8 in an argument. Printed raw, an ESC sequence
can recolour or rewrite the screen, BEL rings, and a right-to-left override reverses
the rest of the line (so ``people list`` could show a name that is not there). So both
command lines print through ``EscapedStream``: every control character except newline
and tab, every direction override, and every byte that was not UTF-8 is shown as an
escape (``\\u001b``, ``\\xff``) instead.

The ``\\uXXXX`` form keeps ``--json`` output valid JSON: ``json.dumps`` already escapes
C0 controls, and an escaped C1 control or override is a legal JSON escape.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

__all__ = ["EscapedStream", "escape_for_terminal", "escaped_output"]

# C0 controls but newline and tab, DEL and the C1 controls, the direction embeddings,
# overrides and isolates, and lone surrogates (undecodable bytes in arguments and names).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def escape_for_terminal(text: str) -> str:
    """``text`` with every character a terminal would act on shown as an escape."""
    return _UNSAFE.sub(_escape, text)


class EscapedStream:
    """A text stream that writes through ``escape_for_terminal``; everything else
    (``buffer`` for binary output, ``isatty``, ``fileno``, ``encoding``) is the wrapped
    stream's."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(escape_for_terminal(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def escaped_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` print through ``EscapedStream`` within (argparse's
    own messages too, which quote what was typed); the real streams come back after."""
    out, err = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, EscapedStream(out))
    sys.stderr = cast(TextIO, EscapedStream(err))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
